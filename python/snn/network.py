"""The API of the old TensorFlow ``snn`` library, on the native engine.

``from snn.network import *`` gives ``Izhi_Nucleus``, ``connect``, ``build_izhi``,
``simulate``, ``raster_plot``, ``plot_neuron_by_idx``, ``show``, ``savefig``, ``Graph`` and
``set_random_seed``: an old script runs by changing its imports only, and gets the old
library's numbers, quirks included (the README's "Migrating from the TensorFlow version"):

- every neuron starts at ``v = -65``, ``u = b*v``, ``I = 0``;
- ``simulate(T, dt, ...)`` keeps ``M = int(T/dt)`` samples: the initial state and ``M-1``
  steps; a step uses the ``I`` computed at the end of the previous one, ``Iext(m*dt)`` plus
  synaptic input that reads the spike window as it was before that step's spikes were
  appended (it sees the spikes of the steps before; the order that reproduces the
  thesis's figures 32-33);
- the arithmetic is the 2018 graph's, in float32 and in this order:
  ``dv = (((0.04 v + 5) v + 140) - u) + I``, ``v = v + dv*dt``,
  ``u = u + (a (b v - u))*dt`` (:class:`snn.Izhikevich2018`);
- ``connect`` truncates ``delay`` to whole ms, then to ``D = int(delay/dt)`` steps; the
  window is ``K = int(howfar/dt)`` steps;
- ``'voltage_jump'``: a spike adds the weight to the target's ``I`` for one step (no dt);
  ``'simple'``: it adds ``decay(k) * weight`` at ``k = 0 .. K-1`` steps, i.e. ``decay``
  is called with step offsets, not ms, and ``howfar = 0`` gives no input.

These map onto the native engine without any per-step Python or matrix product: a spike of
old step ``m`` reaches the ``I`` computed at the end of old step ``m + 1 + D``, used by old
step ``m + 2 + D``, i.e. a native delay of ``D + 2`` steps; ``'voltage_jump'`` is
:class:`snn.Instant` and ``'simple'`` a kernel given by the samples ``decay(0 .. K-1)``;
``Iext(m*dt)`` is the input of native step ``m + 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._core import ConfigError
from ._models import Izhikevich2018
from ._network import Network
from ._specs import Instant, Kernel, is_integer, is_number, real_array
from .plot import plot_neuron_by_idx, raster_plot, savefig, show

__all__ = ["Graph", "Izhi_Nucleus", "build_izhi", "connect", "plot_neuron_by_idx",
           "raster_plot", "savefig", "set_random_seed", "show", "simulate"]

SYNAPSE_TYPES = ("simple", "voltage_jump")
V_START = -65.0  # mV, every neuron's initial v in the old library

_seed = 0


def set_random_seed(seed: int) -> None:
    """Kept for old scripts (they called TensorFlow's). ``snn.network`` draws nothing at
    random itself: a script's weights and inputs come from NumPy, seeded by
    ``np.random.seed``. This seed only keys the native network's own generator."""
    global _seed
    if not is_integer(seed) or seed < 0:
        raise ConfigError(f"set_random_seed: seed must be a non-negative integer, got {seed!r}")
    _seed = int(seed)


class Graph:
    """Stands in for TensorFlow's graph: ``with Graph().as_default():`` does nothing."""

    def as_default(self) -> Graph:
        return self

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: Any) -> bool:
        return False


def _steps_of(dt: float, x: float) -> int:
    """int((1/dt) * x): the old library's conversion of ms to steps (truncation)."""
    return int((1.0 / dt) * x)


class Izhi_Nucleus:  # noqa: N801 - the old library's name
    """A population of ``n`` Izhikevich neurons.

    ``a, b, c, d``: numbers or per-neuron arrays of shape ``(n,)`` or ``(n, 1)``.
    ``Iext``: the external current, a number or a callable ``t -> (n, 1)`` array (t in
    ms). After :func:`simulate`: ``historique`` (``v``, ``u``, ``I`` arrays ``(M, n, 1)``,
    ``fired`` ``{m*dt: indices}``, ``t``) and ``firing_rate`` (Hz).
    """

    def __init__(self, n: int, a: Any, b: Any, c: Any, d: Any, Iext: Any = 0.0,
                 label: str | None = None) -> None:
        self.label = label
        if not is_integer(n) or not 0 < n < 2**31:  # the engine's population sizes
            raise ConfigError(f"{self._who()}: n must be a positive integer below 2^31, got {n!r}")
        self.n = int(n)
        self.a, self.b, self.c, self.d = (self._param(k, x) for k, x in zip("abcd", (a, b, c, d)))
        if not (callable(Iext) or is_number(Iext)):
            raise ConfigError(f"{self._who()}: Iext must be a number or a callable t -> ({n}, 1) "
                              f"array, got {Iext!r}")
        self.Iext = Iext
        self.afference: list[tuple] = []  # (source, W[pre, post], delay, decay, howfar)
        self.efference: list[Izhi_Nucleus] = []
        self.historique: dict[str, Any] | None = None
        self.firing_rate: float | None = None

    def _who(self) -> str:
        return f"Izhi_Nucleus '{self.label}'" if self.label is not None else "Izhi_Nucleus"

    def _param(self, name: str, value: Any) -> np.ndarray:
        arr = real_array(value, f"{self._who()}: parameter {name}")
        if arr.shape not in ((), (self.n,), (self.n, 1)):
            raise ConfigError(f"{self._who()}: parameter {name} has shape {arr.shape}; expected a "
                              f"number, ({self.n},) or ({self.n}, 1)")
        return np.broadcast_to(arr.reshape(-1), (self.n,)).copy()

    def __repr__(self) -> str:
        return f"<Izhi_Nucleus '{self.label}' of {self.n} neurons>"


def connect(N: Izhi_Nucleus, M: Izhi_Nucleus, P: Any, delay: float = 0, decay: Callable | None = None,
            howfar: float = 0) -> None:
    """Connects nucleus ``N`` (source) to ``M`` (target).

    ``P``: a number (every pair, that weight) or a matrix ``(N.n, M.n)`` (``P[i, j]`` from
    ``i`` to ``j``) or ``(M.n, N.n)``; a square matrix is read as ``(N.n, M.n)``.
    ``delay`` (ms) is truncated to whole ms. ``decay(k)`` and ``howfar`` (ms) define the
    ``'simple'`` synapse: ``decay`` is called with step offsets ``k = 0 .. int(howfar/dt)-1``.
    """
    for role, x in (("source N", N), ("target M", M)):
        if not isinstance(x, Izhi_Nucleus):
            raise ConfigError(f"connect: {role} must be an Izhi_Nucleus, got {x!r}")
    who = f"connect {N.label}->{M.label}"
    if is_number(P):
        W = np.full((N.n, M.n), float(P))
    else:
        W = real_array(P, f"{who}: P", expected="a number or a matrix")
        if W.shape == (M.n, N.n) and W.shape != (N.n, M.n):
            W = W.T
        elif W.shape != (N.n, M.n):
            raise ConfigError(f"{who}: P has shape {W.shape}; expected a number, ({N.n}, {M.n}) "
                              f"(source, target) or ({M.n}, {N.n}) (target, source)")
    if not np.all(np.isfinite(W)):
        raise ConfigError(f"{who}: P holds non-finite weights")
    for name, x in (("delay", delay), ("howfar", howfar)):
        if not is_number(x) or not np.isfinite(x) or x < 0:
            raise ConfigError(f"{who}: {name} must be a number >= 0 ms, got {x!r}")
    if decay is not None and not callable(decay):
        raise ConfigError(f"{who}: decay must be a callable of the step offset, got {decay!r}")
    M.afference.append((N, W, float(int(delay)), decay, float(howfar)))
    N.efference.append(M)


def _decay_samples(who: str, decay: Callable | None, K: int) -> np.ndarray:
    """decay(k) for k = 0 .. K-1 (one vectorised call, else one call per offset)."""
    if decay is None:
        raise ConfigError(f"{who}: a 'simple' synapse with howfar > 0 needs a decay function")
    k = np.arange(K, dtype=np.float64)
    try:
        values = np.asarray(decay(k), dtype=np.float64)
        if values.shape != k.shape:
            raise ValueError
    except Exception:
        try:
            values = np.array([float(decay(float(x))) for x in k])
        except Exception as exc:
            raise ConfigError(f"{who}: decay(k) failed for step offsets k = 0 .. {K - 1}: {exc}") from None
    if not np.all(np.isfinite(values)):
        raise ConfigError(f"{who}: decay(k) is not finite for some step offset in 0 .. {K - 1}")
    return values


class _Iext:
    """A nucleus' Iext as a native input from the second step on: Iext(m*dt), m = 0, 1, ...,
    is the input of native step m + 1, checked for the old library's shapes."""

    def __init__(self, nucleus: Izhi_Nucleus) -> None:
        self.nucleus = nucleus

    def __call__(self, t: float) -> np.ndarray:
        n = self.nucleus.n
        value = np.asarray(self.nucleus.Iext(t), dtype=np.float64)
        if value.shape not in ((), (n,), (n, 1)):
            raise ConfigError(f"{self.nucleus._who()}: Iext({t:g}) returned shape {value.shape}; "
                              f"expected ({n}, 1), ({n},) or a number")
        return value


class Model:
    """What :func:`build_izhi` returns and :func:`simulate` takes (the old ``data``)."""

    def __init__(self, dt: float, nuclei: list[Izhi_Nucleus], synapse_type: str) -> None:
        self.dt, self.nuclei, self.synapse_type = dt, list(nuclei), synapse_type
        self.result: Any = None  # the native snn.Result of the last simulate
        self.net: Network | None = None  # the native network the last simulate ran
        self._fresh: Network | None = self.network()

    def network(self) -> Network:
        """A native network of this model, in its initial state."""
        dt = self.dt
        net = Network(dt=dt, seed=_seed)
        labels: set[str] = set()
        pops = []
        for i, N in enumerate(self.nuclei):
            label = str(N.label) if N.label is not None else f"nucleus{i}"
            label = label if label not in labels else f"{label}#{i}"
            labels.add(label)
            pops.append(net.population(N.n, Izhikevich2018(N.a, N.b, N.c, N.d, v0=V_START), label=label))
        for N, pop in zip(self.nuclei, pops):
            for S, W, delay, decay, howfar in N.afference:
                who = f"connect {S.label}->{N.label}"
                D = _steps_of(dt, delay)
                if self.synapse_type == "voltage_jump":
                    kernel = Instant()
                else:
                    K = _steps_of(dt, howfar)
                    if K == 0:
                        continue  # an empty window: no input
                    kernel = Kernel.from_samples(_decay_samples(who, decay, K))
                # old step m's spike reaches the I computed at the end of old step m + 1 + D,
                # which old step m + 2 + D uses
                net.connect(pops[self.nuclei.index(S)], pop, W, delay=(D + 2) * dt, kernel=kernel)
            if callable(N.Iext):
                net.input(pop, _Iext(N), start=dt)
            elif N.Iext != 0:
                net.input(pop, float(N.Iext), start=dt)
        return net


def build_izhi(dt: float, nuclei: list[Izhi_Nucleus], synapse_type: str = "simple") -> Model:
    """Builds the model of ``nuclei`` (every connected nucleus must be among them) with
    ``'simple'`` or ``'voltage_jump'`` synapses; returns what :func:`simulate` takes."""
    if not is_number(dt) or not np.isfinite(dt) or dt <= 0:
        raise ConfigError(f"build_izhi: dt must be a number > 0 ms, got {dt!r}")
    if synapse_type not in SYNAPSE_TYPES:
        raise ConfigError(f"build_izhi: unknown synapse type {synapse_type!r}; expected one of "
                          f"{SYNAPSE_TYPES}")
    nuclei = list(nuclei) if isinstance(nuclei, (list, tuple)) else [nuclei]
    for N in nuclei:
        if not isinstance(N, Izhi_Nucleus):
            raise ConfigError(f"build_izhi: nuclei must be Izhi_Nucleus objects, got {N!r}")
        linked = [S for S, *_ in N.afference] + N.efference
        for S in linked:
            if not any(S is x for x in nuclei):
                raise ConfigError(f"build_izhi: nucleus '{S.label}' is connected to '{N.label}' but "
                                  f"not in the list of nuclei passed to build_izhi")
    return Model(float(dt), nuclei, synapse_type)


def simulate(T: float, dt: float, graph: Any, nuclei: list[Izhi_Nucleus], data: Model, *,
             backend: str = "auto", threads: int | None = None) -> None:
    """Simulates ``M = int(T/dt)`` samples (the initial state, then ``M-1`` steps) and fills
    each nucleus' ``historique`` and ``firing_rate``. ``graph`` is ignored (TensorFlow's);
    ``backend`` and ``threads`` are those of :meth:`snn.Network.run`."""
    if not isinstance(data, Model):
        raise ConfigError(f"simulate: data must be what build_izhi returned, got {data!r}")
    if not is_number(dt) or float(dt) != data.dt:
        raise ConfigError(f"simulate: dt = {dt!r} differs from build_izhi's dt = {data.dt}")
    nuclei = list(nuclei) if isinstance(nuclei, (list, tuple)) else [nuclei]
    if len(nuclei) != len(data.nuclei) or any(a is not b for a, b in zip(nuclei, data.nuclei)):
        raise ConfigError("simulate: nuclei must be the list given to build_izhi")
    if not is_number(T) or not np.isfinite(T) or T <= 0:
        raise ConfigError(f"simulate: T must be a number > 0 ms, got {T!r}")
    M = int(T / data.dt)
    if M < 1:
        raise ConfigError(f"simulate: T = {T} ms is shorter than one step of dt = {data.dt} ms")
    net, data._fresh = data._fresh or data.network(), None
    data.net = net
    # M native steps: v and u of steps 0 .. M-2, and the I of steps 0 .. M-1 (the I of old
    # step M-1 is computed at the end of step M-2, with Iext((M-2)*dt)).
    res = net.run(M * data.dt, record=["v", "u", "I"], backend=backend, threads=threads)
    data.result = res
    float_T = float(T)
    for N, pr in zip(nuclei, res):
        v = np.empty((M, N.n, 1), np.float32)
        u = np.empty((M, N.n, 1), np.float32)
        v[0], u[0] = V_START, (N.b.astype(np.float32) * np.float32(V_START))[:, None]
        v[1:, :, 0], u[1:, :, 0] = pr.v[: M - 1], pr.u[: M - 1]
        keep = pr.spike_steps < M - 1
        order = np.argsort(pr.spike_steps[keep], kind="stable")
        steps, ids = pr.spike_steps[keep][order], pr.spike_ids[keep][order]
        bounds = np.searchsorted(steps, np.arange(M))
        fired = {m * data.dt: ids[bounds[m]:bounds[m + 1]] for m in range(M - 1)}
        N.historique = {"v": v, "u": u, "I": pr.I[:, :, None], "fired": fired, "t": float_T,
                        "dt": data.dt, "spike_steps": steps, "spike_ids": ids}
        N.firing_rate = 1000.0 * ids.size / (float_T * N.n)
