"""The time loop: resets, refractory periods, spikes, and the history it returns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._core import ConfigError
from ._methods import METHODS
from ._system import System

if TYPE_CHECKING:
    from ._model import Model


class Simulation:
    """What :meth:`Model.simulation` returns; unpacks as ``history, spike_times`` as the
    old library's tuple did.

    Attributes
    ----------
    history : dict of str to ndarray
        ``"t"`` (ms, ``steps + 1`` samples from 0; always there) and each variable and
        parameter kept:
        shape ``(steps + 1,)``, or ``(steps + 1, trajectories)`` for a batch. Sample ``k``
        is the state at ``t = k*dt`` (sample 0 the initial state); a parameter's sample
        is its value there.
    spike_steps : ndarray of int
        The step of each spike: step ``k`` goes from ``k*dt`` to ``(k+1)*dt`` and the state
        after it meets ``spike_when`` (as :class:`snn.Network` counts steps).
    spike_ids : ndarray of int
        The trajectory of each spike (all 0 for a single trajectory).
    dt : float
        The time step, ms.
    """

    def __init__(self, history: dict[str, np.ndarray], spike_steps: np.ndarray,
                 spike_ids: np.ndarray, dt: float, trajectories: int | None) -> None:
        self.history, self.spike_steps, self.spike_ids = history, spike_steps, spike_ids
        self.dt, self._trajectories = dt, trajectories

    @property
    def spike_times(self) -> np.ndarray | list[np.ndarray]:
        """When the state first meets ``spike_when``, ms: ``(spike_steps + 1) * dt``, the
        time of the sample that shows the spike. One array for a single trajectory, a list
        of arrays (one per trajectory) for a batch."""
        times = (self.spike_steps + 1) * self.dt
        if self._trajectories is None:
            return times
        return [times[self.spike_ids == j] for j in range(self._trajectories)]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.history[name]

    def __iter__(self) -> Iterator[Any]:
        return iter((self.history, self.spike_times))


def n_steps(T: float, dt: float) -> int:
    """``round(T/dt)``; :class:`snn.ConfigError` unless ``T`` is a whole number of steps."""
    if not dt > 0 or not np.isfinite(dt):
        raise ConfigError(f"snn.single: dt must be a positive number of ms, got {dt!r}")
    if not T >= 0 or not np.isfinite(T):
        raise ConfigError(f"snn.single: T must be a non-negative number of ms, got {T!r}")
    steps = round(T / dt)
    if abs(steps - T / dt) > 1e-6:
        raise ConfigError(f"snn.single: T = {T!r} ms is not a whole number of steps of dt = {dt!r} ms")
    return steps


def initial_state(model: Model, system: System,
                  start: dict[str, Any] | None) -> tuple[np.ndarray, int | None]:
    """The state ``(variables, n)`` from the variables' initial values and ``start``, and
    the number of trajectories (``None`` when every value is a scalar)."""
    start = dict(start or {})
    unknown = set(start) - set(model.variables)
    if unknown:
        raise ConfigError(f"snn.single: start: unknown variable(s) {sorted(unknown)} "
                          f"(variables: {', '.join(model.variables)})")
    values = [np.asarray(start.get(name, var.init_value), dtype=float)
              for name, var in model.variables.items()]
    try:
        shape = np.broadcast_shapes(*(v.shape for v in values),
                                    *(np.shape(c) for c in system.constants.values()))
    except ValueError:
        raise ConfigError("snn.single: the initial values and the parameters given as arrays "
                          "must have one length, the number of trajectories") from None
    if len(shape) > 1:
        raise ConfigError(f"snn.single: start values must be numbers or 1-D arrays, got shape {shape}")
    n = shape[0] if shape else 1
    S = np.empty((len(values), n), dtype=system.dtype)
    for row, v in zip(S, values):
        row[:] = np.broadcast_to(v, (n,))
    return S, (n if shape else None)


def random_draws(sites: Sequence[str], steps: int, n: int, seed: Any, dtype: type) -> np.ndarray:
    """The draws of every step (``steps + 1`` rows: the last is only for the parameters'
    final sample), shape ``(steps + 1, sites, n)``."""
    rng = np.random.default_rng(seed)
    draws = np.empty((steps + 1, len(sites), n), dtype=dtype)
    for j, kind in enumerate(sites):
        draws[:, j] = rng.standard_normal((steps + 1, n)) if kind == "randn" else rng.random((steps + 1, n))
    return draws


def simulate(model: Model, T: float, dt: float, keep: Any = "all",
             start: dict[str, Any] | None = None, seed: Any = None) -> Simulation:
    """Runs ``model`` (see :meth:`Model.simulation`)."""
    steps = n_steps(T, dt)
    names = _kept(model, keep)
    system = model.system(model.simul_method)
    S, trajectories = initial_state(model, system, start)
    draws = random_draws(system.sites, steps, S.shape[1], seed, system.dtype)
    with np.errstate(all="ignore"):
        states, spikes = _loop(model, system, S, steps, dt, draws)
        history = {"t": np.arange(steps + 1) * dt}
        history.update((name, states[i]) for i, name in enumerate(model.variables))
        history.update(_parameter_history(system, states, history["t"], draws,
                                          [n for n in names if n in model.params]))
    history = {name: history[name] if trajectories else history[name].reshape(steps + 1)
               for name in names}
    spike_steps, ids = ([np.concatenate(x).astype(np.int64) for x in zip(*spikes)] if spikes
                        else [np.zeros(0, np.int64)] * 2)
    return Simulation(history, spike_steps, ids, dt, trajectories)


def _kept(model: Model, keep: Any) -> list[str]:
    everything = ["t", *model.variables, *model.params]
    if isinstance(keep, str):
        keep = everything if keep == "all" else [keep]
    names = ["t", *(n for n in keep if n != "t")]
    unknown = [n for n in names if n not in everything]
    if unknown:
        raise ConfigError(f"snn.single: keep: unknown name(s) {unknown} (known: {', '.join(everything)})")
    return names


def _loop(model: Model, system: System, S: np.ndarray, steps: int, dt: float,
          draws: np.ndarray) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """The states of every step, ``(variables, steps + 1, n)``, and the spikes as
    ``(steps, trajectories)`` pairs of arrays.

    Step ``k``: if the trajectory spiked at step ``k-1``, the variables with a reset take
    their reset values (evaluated on the state at ``t_k``) and are not integrated this
    step (``engine_euler``: they are, as the engine does); for ``round(refractory/dt)``
    more steps they stay put. The method advances the state; the trajectory spikes at step
    ``k`` if the new state meets ``spike_when`` and either the old one did not or the step
    began with a reset (so a model without reset spikes once per crossing); the variables
    ``spike_when`` reads are then clamped to ``max_spike_value``.
    """
    step, engine = METHODS[model.simul_method], model.simul_method == "engine_euler"
    n_ref = round(model.refractory / dt)
    n = S.shape[1]
    states = np.empty((S.shape[0], steps + 1, n), dtype=system.dtype)
    states[:, 0] = S
    cond = system.is_spiking(0.0, S, draws[0])
    spiked, hold = np.zeros(n, bool), np.zeros(n, np.int64)
    spikes = []
    peak = system.dtype(model.max_spike_value)
    for k in range(steps):
        t = k * dt
        reset = spiked if system.resets else np.zeros(n, bool)
        if reset.any():
            S = _reset(system, t, S, draws[k], reset)
        held = hold > 0
        hold = np.where(reset, n_ref, np.maximum(hold - 1, 0))
        S = step(system, t, S, dt, draws[k], _frozen(system, held if engine else held | reset))
        now = system.is_spiking(t + dt, S, draws[k + 1])
        spiked, cond = now & (~cond | reset), now
        if spiked.any():
            for i in system.clamped:
                S[i] = np.where(spiked, np.minimum(S[i], peak), S[i])
            spikes.append((np.full(int(spiked.sum()), k), np.flatnonzero(spiked)))
        states[:, k + 1] = S
    return states, spikes


def _reset(system: System, t: float, S: np.ndarray, draws: np.ndarray, where: np.ndarray) -> np.ndarray:
    env = system.environment(t, S, draws)
    new = S.copy()
    for i, expr in system.resets.items():
        new[i] = np.where(where, expr.fn(env), S[i])
    return new


def _frozen(system: System, which: np.ndarray) -> np.ndarray | None:
    if not which.any():
        return None
    frozen = np.zeros((len(system.var_names), which.size), bool)
    frozen[list(system.resets)] = which
    return frozen


def _parameter_history(system: System, states: np.ndarray, times: np.ndarray, draws: np.ndarray,
                       names: list[str]) -> dict[str, np.ndarray]:
    """Each parameter in ``names`` at every sample, ``(steps + 1, n)``."""
    if not names:
        return {}
    env = system.environment(times[:, None], states, draws.transpose(1, 0, 2))  # values (samples, n)
    return {name: np.broadcast_to(env[name], states.shape[1:]).copy() for name in names}
