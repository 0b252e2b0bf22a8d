"""Neuron models: what a population is made of (:meth:`snn.Network.population`).

Each class names one of the engine's models and holds its parameters; a parameter is a
number or one value per neuron (an array of ``n``), ``None`` where the model computes it.
Names and units follow PyNN's standard cells: ms, mV, nF, nA, µS. ``snn.models_info()``
lists every model's parameters, defaults, units and variables as the engine describes them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from . import _core
from ._core import ConfigError
from ._specs import real_array


class NeuronModel:
    """Base of the model classes: ``_model`` is the engine's name of the model."""

    _model: ClassVar[str]

    def parameters(self) -> dict[str, Any]:
        """The parameters given (``None`` left out)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)  # type: ignore[arg-type]
                if getattr(self, f.name) is not None}

    def replace(self, **changes: Any) -> NeuronModel:
        """A copy with some parameters changed; unknown names raise ConfigError."""
        known = [f.name for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ConfigError(f"model '{self._model}' has no parameter(s) {unknown}; its parameters: {known}")
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def _native(self, who: str, n: int) -> dict[str, Any]:
        """The arguments of the native add_population."""
        params = []
        for name, value in self.parameters().items():
            arr = real_array(value, f"{who}: parameter '{name}'", np.float32)
            if arr.ndim == 2 and arr.shape[1] == 1:  # (n, 1) columns, as the old library used
                arr = arr[:, 0]
            if arr.ndim > 1:
                raise ConfigError(f"{who}: parameter '{name}' has shape {arr.shape}, expected () or ({n},)")
            params.append((name, np.ascontiguousarray(arr.reshape(-1))))
        return dict(model=self._model, params=params, spike_ids=np.zeros(0, np.int64),
                    spike_times=np.zeros(0, np.float64))


@dataclass(frozen=True, eq=False)
class Izhikevich(NeuronModel):
    """Izhikevich (2003) neurons: ``v' = 0.04 v^2 + 5 v + 140 - u + I``, ``u' = a (b v - u)``;
    a spike when ``v >= v_peak`` (mV), then ``v = c``, ``u += d``. ``v`` advances by
    ``v_substeps`` Euler substeps of ``dt / v_substeps``, then ``u`` by ``dt`` with the new
    ``v``. ``u0`` defaults to ``b * v0``. Presets: :data:`snn.PRESETS`."""

    a: Any
    b: Any
    c: Any
    d: Any
    v_peak: Any = 30.0
    v0: Any = -65.0
    u0: Any = None
    v_substeps: Any = 1
    _model: ClassVar[str] = "izhikevich"


@dataclass(frozen=True, eq=False)
class Izhikevich2018(NeuronModel):
    """Izhikevich neurons in the arithmetic order of the 2018 TensorFlow library (what
    :mod:`snn.network` runs): ``dv = (((0.04 v + 5) v + 140) - u) + I``, ``v += dv dt``,
    ``u += (a (b v - u)) dt``; a spike when ``v >= 30`` mV, reset the step after."""

    a: Any
    b: Any
    c: Any
    d: Any
    v0: Any = -65.0
    u0: Any = None
    _model: ClassVar[str] = "izhikevich_2018"


@dataclass(frozen=True, eq=False)
class LIF(NeuronModel):
    """Leaky integrate-and-fire neurons with current input (PyNN's ``IF_curr_*``):
    ``cm dv/dt = cm (v_rest - v) / tau_m + I + i_offset``, integrated exactly over each step
    with the step's input held; a spike when ``v >= v_thresh``, then ``v = v_reset`` held for
    ``round(tau_refrac / dt)`` steps. Units: cm nF, tau_m and tau_refrac ms, potentials mV,
    currents nA. ``v0`` defaults to ``v_rest``."""

    cm: Any = 1.0
    tau_m: Any = 20.0
    v_rest: Any = -65.0
    v_reset: Any = -65.0
    v_thresh: Any = -50.0
    tau_refrac: Any = 0.1
    i_offset: Any = 0.0
    v0: Any = None
    _model: ClassVar[str] = "lif"


@dataclass(frozen=True, eq=False)
class LIFCond(LIF):
    """Leaky integrate-and-fire neurons with conductance input (PyNN's ``IF_cond_*``):
    ``cm dv/dt = cm (v_rest - v) / tau_m + g_E (e_rev_E - v) + g_I (e_rev_I - v) + I +
    i_offset``; ``g_E``, ``g_I`` (µS) sum the projections connected with
    ``receptor="excitatory"`` / ``"inhibitory"`` (weights in µS). Integrated exactly over a
    step with the conductances held; the other parameters, threshold and refractoriness
    as :class:`LIF`."""

    e_rev_E: Any = 0.0
    e_rev_I: Any = -70.0
    _model: ClassVar[str] = "lif_cond"


@dataclass(frozen=True, eq=False)
class PoissonSource(NeuronModel):
    """Independent Poisson spike trains of ``rate`` Hz (a number or one per neuron): each
    step a neuron spikes with probability ``rate * dt / 1000`` (at most 1), drawn from the
    network's counter-based generator (the same on every backend and thread count)."""

    rate: Any
    _model: ClassVar[str] = "poisson_source"


@dataclass(frozen=True, eq=False)
class SpikeSource(NeuronModel):
    """Given spike times in ms: ``times`` is one array per neuron, or a pair ``(ids,
    times)`` of equal-length arrays. A spike at ``t`` falls on step ``round(t / dt)``; a
    neuron's times must increase and fall on distinct steps."""

    times: Any
    _model: ClassVar[str] = "spike_source"

    def parameters(self) -> dict[str, Any]:
        return {}

    def _native(self, who: str, n: int) -> dict[str, Any]:
        what = f"{who}: SpikeSource times"
        expected = "one array per neuron or (ids, times)"
        if isinstance(self.times, tuple) and len(self.times) == 2:
            ids = real_array(self.times[0], f"{what}: ids", expected=expected)
            times = real_array(self.times[1], what, expected=expected)
            if ids.ndim != 1 or times.ndim != 1 or (ids.size and not np.all(ids == np.round(ids))):
                raise ConfigError(f"{what} must be {expected} (ids integers); got ids {ids.dtype} of shape "
                                  f"{ids.shape}, times of shape {times.shape}")
            outside = np.flatnonzero((ids < 0) | (ids >= n))
            if outside.size:  # here, before int64 would wrap ids beyond its range
                raise ConfigError(f"{who}: spike neuron index {ids[outside[0]]:g} is out of range [0, {n})")
        else:
            if isinstance(self.times, (str, bytes)) or not hasattr(self.times, "__iter__"):
                raise ConfigError(f"{what} must be {expected}, got {self.times!r}")
            rows = [real_array(t, what, expected=expected).reshape(-1) for t in self.times]
            if len(rows) != n:
                raise ConfigError(f"{who}: SpikeSource has times for {len(rows)} neurons, "
                                  f"the population has {n}")
            ids = np.repeat(np.arange(n), [r.size for r in rows])
            times = np.concatenate(rows) if rows else np.zeros(0)
        return dict(model=self._model, params=[], spike_ids=np.ascontiguousarray(ids, dtype=np.int64),
                    spike_times=np.ascontiguousarray(times, dtype=np.float64))


MODELS: dict[str, type[NeuronModel]] = {
    m._model: m for m in (Izhikevich, Izhikevich2018, LIF, LIFCond, PoissonSource, SpikeSource)}


def models_info() -> list[dict[str, Any]]:
    """Every model the engine knows: name, summary, parameters (name, unit, default,
    per_neuron, computed), variables (name, unit, receptor, state), source, jumps."""
    return _core.models()
