"""The deterministic vector field, its Jacobian (central differences) and the fixed points
of two variables, classified from the Jacobian's eigenvalues."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._core import ConfigError

if TYPE_CHECKING:
    from ._model import Model

Field = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point of two variables (the others held).

    Attributes
    ----------
    state : dict of str to float
        Its coordinates.
    kind : str
        ``"stable node"``, ``"unstable node"``, ``"stable focus"``, ``"unstable focus"``,
        ``"saddle"``, ``"center"`` (purely imaginary eigenvalues: the linearisation alone
        does not decide) or ``"degenerate"`` (a zero eigenvalue).
    eigenvalues : ndarray
        Of the Jacobian, per ms.
    jacobian : ndarray
        ``(2, 2)``, per ms.
    """

    state: dict[str, float]
    kind: str
    eigenvalues: np.ndarray
    jacobian: np.ndarray

    def __repr__(self) -> str:
        where = ", ".join(f"{k}={v:.6g}" for k, v in self.state.items())
        return f"FixedPoint({where}, kind={self.kind!r}, eigenvalues={np.round(self.eigenvalues, 6)})"

    @property
    def stable(self) -> bool:
        """Whether every eigenvalue has a negative real part."""
        return bool(np.all(self.eigenvalues.real < 0))


def split_others(model: Model, others: dict[str, Any]) -> tuple[Model, dict[str, Any]]:
    """``others`` as (the model with its parameters replaced, values of variables)."""
    params = {k: v for k, v in others.items() if k not in model.variables}
    return (model.replace(**params) if params else model), {k: v for k, v in others.items()
                                                            if k in model.variables}


def restricted_field(model: Model, names: list[str], held: dict[str, Any], t: float) -> Field:
    """``X -> f(X)`` for the variables ``names`` (rows of ``X``, one column per point), the
    other variables at ``held`` or their initial values, random draws at their means."""
    system = model.system()
    if any(np.ndim(c) for c in system.constants.values()):
        raise ConfigError("snn.single: the vector field needs every parameter to be one number, "
                          "not an array")
    unknown = [n for n in [*names, *held] if n not in model.variables]
    if unknown:
        raise ConfigError(f"snn.single: unknown variable(s) {unknown} "
                          f"(variables: {', '.join(model.variables)})")
    order = list(model.variables)
    rows = [order.index(n) for n in names]
    base = _point(model, order, {**dict.fromkeys(names, 0.0), **held})

    def fun(X: np.ndarray) -> np.ndarray:
        S = np.repeat(base[:, None], X.shape[1], axis=1)
        S[rows] = X
        with np.errstate(all="ignore"):
            env = system.environment(t, S, system.mean_draws(X.shape[1]))
            return system.derivatives(env, np.empty_like(S), check=False)[rows]
    return fun


def jacobians(fun: Field, X: np.ndarray) -> np.ndarray:
    """The Jacobian of ``fun`` at each column of ``X`` ``(k, n)`` by central differences
    with steps ``6e-6 * max(1, |x|)`` (about the cube root of float64's epsilon, which
    balances truncation and rounding errors): shape ``(n, k, k)``."""
    k, n = X.shape
    h = 6e-6 * np.maximum(1.0, np.abs(X))
    P = np.repeat(X[:, None, :], 2 * k, axis=1)
    for j in range(k):
        P[j, 2 * j] += h[j]
        P[j, 2 * j + 1] -= h[j]
    F = fun(P.reshape(k, 2 * k * n)).reshape(k, 2 * k, n)
    return ((F[:, 0::2] - F[:, 1::2]) / (2 * h[None])).transpose(2, 0, 1)


def field(model: Model, state: dict[str, Any], t: float) -> dict[str, np.ndarray]:
    """See :meth:`Model.derivatives`."""
    names = list(model.variables)
    values = [np.asarray(state.get(n, v.init_value), float) for n, v in model.variables.items()]
    shape = np.broadcast_shapes(*(v.shape for v in values))
    X = np.stack([np.broadcast_to(v, shape).reshape(-1) for v in values])
    F = restricted_field(model, names, {}, t)(X)
    return {n: F[i].reshape(shape) for i, n in enumerate(names)}


def jacobian(model: Model, state: dict[str, Any], t: float, variables: list[str] | None) -> np.ndarray:
    """See :meth:`Model.jacobian`."""
    names = list(variables or model.variables)
    held = {k: v for k, v in state.items() if k not in names}
    fun = restricted_field(model, names, held, t)
    return jacobians(fun, _point(model, names, state)[:, None])[0]


def _point(model: Model, names: list[str], values: dict[str, Any]) -> np.ndarray:
    """The variables ``names`` at ``values`` or their initial values: one number each."""
    point = [values.get(n, model.variables[n].init_value) for n in names]
    if any(np.ndim(x) for x in point):
        raise ConfigError(f"snn.single: the vector field is evaluated at one point: give one number "
                          f"for each of {names} (an initial value may be an array)")
    return np.array(point, dtype=float)


def classify(J: np.ndarray) -> str:
    """The kind of a fixed point of two variables from its Jacobian ``J`` (trace and
    determinant, with tolerances relative to ``max |J_ij|``)."""
    tr, det = float(np.trace(J)), float(np.linalg.det(J))
    s = max(float(np.abs(J).max()), np.finfo(float).tiny)
    if abs(det) <= 1e-10 * s * s:
        return "degenerate"
    if det < 0:
        return "saddle"
    if abs(tr) <= 1e-7 * s:
        return "center"
    shape = "node" if tr * tr >= 4 * det else "focus"
    return ("stable " if tr < 0 else "unstable ") + shape


def fixed_points(model: Model, xdata: tuple[str, float, float], ydata: tuple[str, float, float],
                 others: dict[str, Any], t: float, starts: int = 8) -> list[FixedPoint]:
    """See :meth:`Model.fixed_points`: Newton's method from a ``starts x starts`` grid
    over the box; the roots found inside it, each once."""
    model, held = split_others(model, others)
    (xn, x0, x1), (yn, y0, y1) = xdata, ydata
    fun = restricted_field(model, [xn, yn], held, t)
    lo, hi = np.array([[x0], [y0]], float), np.array([[x1], [y1]], float)
    u = (np.arange(starts) + 0.5) / starts
    gx, gy = np.meshgrid(x0 + (x1 - x0) * u, y0 + (y1 - y0) * u)
    X = np.stack([gx.ravel(), gy.ravel()])
    scale = np.nanmax(np.abs(fun(X)), axis=1, keepdims=True) + np.finfo(float).tiny
    X = _newton(fun, X, hi - lo)
    ok = (np.all(np.abs(fun(X)) <= 1e-9 * scale, axis=0)
          & np.all((X >= lo - 1e-9 * (hi - lo)) & (X <= hi + 1e-9 * (hi - lo)), axis=0))
    points: list[np.ndarray] = []
    for p in X[:, ok].T:
        if all(np.any(np.abs(p - q) > 1e-6 * (hi - lo).ravel()) for q in points):
            points.append(p)
    out = []
    for p in sorted(points, key=tuple):
        J = jacobians(fun, p[:, None])[0]
        out.append(FixedPoint({xn: float(p[0]), yn: float(p[1])}, classify(J), np.linalg.eigvals(J), J))
    return out


def _newton(fun: Field, X: np.ndarray, span: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Newton's method on two variables, every column at once; a step is shortened to a
    quarter of the box (so a start cannot jump far away), a singular column becomes NaN."""
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            F, J = fun(X), jacobians(fun, X)
            det = J[:, 0, 0] * J[:, 1, 1] - J[:, 0, 1] * J[:, 1, 0]
            step = -np.stack([J[:, 1, 1] * F[0] - J[:, 0, 1] * F[1],
                              J[:, 0, 0] * F[1] - J[:, 1, 0] * F[0]]) / det
            shrink = np.minimum(1.0, np.min(0.25 * span / (np.abs(step) + 1e-300), axis=0))
            X = X + step * shrink
    return X
