"""A model compiled for one floating type: its derivatives, parameters, resets and spike
condition as :class:`~snn.single._expr.Expression` objects, evaluated on a state of shape
``(variables, trajectories)``."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

import numpy as np

from .._core import ConfigError
from ._expr import RANDOM, Env, Expression, compile_expression, compile_tree, parse

if TYPE_CHECKING:
    from ._model import Model

DT = "_dt"  # the step, a name only the engine-order updates read


class System:
    """``model`` compiled with constants of type ``dtype``.

    Parameters given as numbers (or arrays, one value per trajectory) are constants;
    parameters given as text are evaluated, in an order where each comes after the
    parameters it reads, whenever the state is (at every Runge-Kutta stage).
    """

    def __init__(self, model: Model, dtype: type, engine: bool = False) -> None:
        self.dtype, self.var_names = dtype, list(model.variables)
        names = frozenset(["t", *self.var_names, *model.params])
        self.sites: list[str] = []  # the kind of each random draw, in text order
        self.constants: Env = {}
        exprs: dict[str, Expression] = {}
        for name, value in model.params.items():
            if isinstance(value, str):
                exprs[name] = compile_expression(value, f"parameter {name}", names, dtype, self.sites)
            else:
                self.constants[name] = _constant(value, dtype, f"parameter {name}")
        self.params = [(name, exprs[name]) for name in _dependency_order(exprs)]
        offsets, self.ddt = [], []
        for v in model.variables.values():
            offsets.append(len(self.sites))
            self.ddt.append(compile_expression(v.ddt, f"d{v.name}/dt", names, dtype, self.sites))
        self.resets = {i: compile_expression(v.reset_value, f"reset of {v.name}", names, dtype, self.sites)
                       for i, v in enumerate(model.variables.values()) if v.reset_value is not None}
        self.spike = None if model.spike_when is None else compile_expression(
            model.spike_when, "spike_when (None: never spikes)", names, dtype, self.sites, boolean=True)
        self.spike_params = self.spike is not None and bool(self.spike.names & set(exprs))
        spiking = self.spike.names if self.spike else set()
        self.clamped = [i for i, name in enumerate(self.var_names) if name in spiking]
        self.updates = [self._euler_update(name, e, names, self.sites[:k])
                        for name, e, k in zip(self.var_names, self.ddt, offsets)] if engine else []

    def _euler_update(self, name: str, ddt: Expression, names: frozenset[str],
                      sites: list[str]) -> Expression:
        """``x + dt * f`` with ``dt`` multiplied into the first factor of a product:
        ``a*(b*v - u)`` becomes ``u + (dt*a)*(b*v - u)``, rounded as the engine does.
        ``sites``: the draws before this derivative's, so that its own keep their numbers."""
        tree = ast.BinOp(ast.Name(name), ast.Add(), _times_dt(parse(ddt.source, ddt.what)))
        return compile_tree(tree, ddt.source, ddt.what, names | {DT}, self.dtype, sites)

    def environment(self, t: Any, state: np.ndarray, draws: np.ndarray, params: bool = True) -> Env:
        """The names an expression may read: ``t``, the variables (rows of ``state``), the
        parameters (evaluated unless ``params`` is False) and the step's random draws."""
        env: Env = dict(self.constants)
        env["t"], env["_draws"] = t, draws
        # One trajectory: NumPy scalars, whose arithmetic costs a tenth of an array's.
        env.update(zip(self.var_names, state[:, 0] if state.ndim == 2 and state.shape[1] == 1 else state))
        if params:
            for name, expr in self.params:
                env[name] = expr.fn(env)
        return env

    def derivatives(self, env: Env, out: np.ndarray, check: bool = True) -> np.ndarray:
        """Writes each variable's derivative into the rows of ``out``; with ``check``, a
        value that is not finite raises :class:`snn.ConfigError` naming the variable and
        its expression."""
        for i, expr in enumerate(self.ddt):
            out[i] = expr.fn(env)
        if check and not np.isfinite(out).all():
            raise self.not_finite(out, env)
        return out

    def not_finite(self, values: np.ndarray, env: Env) -> ConfigError:
        """The error for the first row of ``values`` that is not finite."""
        i = int(np.flatnonzero(~np.isfinite(values).all(axis=1))[0])
        j = int(np.flatnonzero(~np.isfinite(values[i]))[0])
        where = ", ".join(f"{name} = {_item(env[name], j):.6g}"
                          for name in ["t", *self.var_names, *(n for n, _ in self.params)])
        return self.ddt[i].error(f"evaluated to {_item(values[i], j)} (trajectory {j}) at {where}")

    def is_spiking(self, t: Any, state: np.ndarray, draws: np.ndarray) -> np.ndarray:
        """Whether each trajectory meets ``spike_when`` (all False for a model without)."""
        if self.spike is None:
            return np.zeros(state.shape[1], bool)
        env = self.environment(t, state, draws, params=self.spike_params)
        return np.broadcast_to(self.spike.fn(env), state.shape[1:])

    def mean_draws(self, n: int = 1) -> np.ndarray:
        """Each random draw at its mean: the deterministic field."""
        return np.array([[RANDOM[kind]] * n for kind in self.sites], dtype=self.dtype).reshape(-1, n)


def _times_dt(tree: ast.expr) -> ast.expr:
    if isinstance(tree, ast.BinOp) and isinstance(tree.op, (ast.Mult, ast.Div)):
        return ast.BinOp(_times_dt(tree.left), tree.op, tree.right)
    return ast.BinOp(ast.Name(DT), ast.Mult(), tree)


def _constant(value: Any, dtype: type, what: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ConfigError(f"snn.single: {what} = {value!r}: expected a number, an array or an "
                          "expression (a string)") from None
    if array.ndim > 1:
        raise ConfigError(f"snn.single: {what}: expected a number or one value per trajectory, "
                          f"got shape {array.shape}")
    return array.astype(dtype)[()]  # a NumPy scalar if a number


def _dependency_order(exprs: dict[str, Expression]) -> list[str]:
    """The parameters, each after those it reads; a cycle raises ConfigError."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            cycle = " -> ".join(path[path.index(name):] + [name])
            raise ConfigError(f"snn.single: the parameters read each other in a cycle: {cycle}")
        state[name] = "open"
        for dep in sorted(exprs[name].names & exprs.keys()):
            visit(dep, path + [name])
        state[name] = "done"
        order.append(name)

    for name in exprs:
        visit(name, [])
    return order


def _item(x: Any, j: int) -> float:
    x = np.asarray(x)
    return float(x.reshape(-1)[j] if x.size > 1 else x.reshape(-1)[0])
