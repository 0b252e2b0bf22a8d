"""Results of a run: NumPy arrays handed over by the engine without copies."""

from __future__ import annotations

from typing import Any

import numpy as np


class PopulationResult:
    """Spikes and traces of one population during one run.

    Attributes
    ----------
    spike_steps : int64 array, step index of each spike
    spike_times : float64 array, ms (step * dt)
    spike_ids : int32 array, neuron index of each spike
    rates : float64 array, Hz per neuron over the run
    traces : dict var -> float32 array (samples, neurons); also as attributes .v, .u, .I
    trace_steps, trace_neurons : dict var -> int64 steps / int32 neuron ids of the samples
    """

    def __init__(self, label: str, size: int, duration_ms: float, spikes: tuple) -> None:
        self.label = label
        self.size = size
        self.spike_steps, self.spike_times, self.spike_ids = spikes
        self._duration_ms = duration_ms
        self.traces: dict[str, np.ndarray] = {}
        self.trace_steps: dict[str, np.ndarray] = {}
        self.trace_neurons: dict[str, np.ndarray] = {}

    @property
    def n_spikes(self) -> int:
        return int(self.spike_ids.size)

    @property
    def rates(self) -> np.ndarray:
        """Firing rate of each neuron over the run, Hz."""
        counts = np.bincount(self.spike_ids, minlength=self.size).astype(np.float64)
        return counts * (1000.0 / self._duration_ms) if self._duration_ms > 0 else counts * 0.0

    @property
    def rate(self) -> float:
        """Mean firing rate of the population over the run, Hz."""
        if self._duration_ms <= 0:
            return 0.0
        return self.n_spikes * 1000.0 / (self._duration_ms * self.size)

    def __getattr__(self, name: str) -> np.ndarray:
        traces = self.__dict__.get("traces", {})
        if name in traces:
            return traces[name]
        raise AttributeError(f"population '{self.__dict__.get('label')}' has no recorded "
                             f"'{name}' (record it with net.run(..., record=['{name}']))")

    def __repr__(self) -> str:
        rec = ", ".join(self.traces) or "none"
        return (f"<PopulationResult '{self.label}': {self.n_spikes} spikes, {self.rate:.3g} Hz, "
                f"traces: {rec}>")


class WeightRecord:
    """A projection's recorded weights: ``values[sample, j]`` is synapse ``synapses[j]``
    (its index in :meth:`Projection.synapses`) after step ``steps[sample]``."""

    def __init__(self, steps: np.ndarray, synapses: np.ndarray, values: np.ndarray) -> None:
        self.steps, self.synapses, self.values = steps, synapses, values

    def __repr__(self) -> str:
        return f"<WeightRecord: {self.values.shape[0]} samples of {self.values.shape[1]} synapses>"


class Result:
    """What a run recorded, by population: ``result[pop]`` or ``result["label"]``."""

    def __init__(self, raw: dict[str, Any], populations: list, wall_time: float,
                 projections: list | None = None) -> None:
        self.dt: float = raw["dt"]
        self.first_step: int = raw["first_step"]
        self.steps: int = raw["steps"]
        self.t_start: float = self.first_step * self.dt
        self.duration: float = self.steps * self.dt
        self.t_stop: float = self.t_start + self.duration
        self.wall_time = wall_time
        self._by_label: dict[str, PopulationResult] = {}
        self._list: list[PopulationResult] = []
        self._populations = tuple(populations)  # looked up by identity: result[pop]
        for pop, spikes in zip(populations, raw["spikes"]):
            r = PopulationResult(pop.label, pop.size, self.duration, spikes)
            r.model = getattr(pop, "model", None)  # the units of its traces (snn.export)
            self._list.append(r)
            self._by_label[pop.label] = r
        self._projections = projections or []
        self._comm: Any = None  # the processes the run was spread over (None: one)
        self._requested: dict = {}  # (population, variable) -> neurons asked for (empty: all)
        self._weights: dict[int, WeightRecord] = {}
        for index, var, neurons, steps, data, projection in raw["traces"]:
            if projection >= 0:
                self._weights[projection] = WeightRecord(steps, neurons, data)
                continue
            r = self._list[index]
            r.traces[var], r.trace_steps[var], r.trace_neurons[var] = data, steps, neurons

    def __getitem__(self, key: Any) -> PopulationResult:
        """By label, by index, or by the population itself (of the network that ran, not
        another network's population with the same label)."""
        if isinstance(key, str):
            if key not in self._by_label:
                raise KeyError(f"no population labelled {key!r} (have {list(self._by_label)})")
            return self._by_label[key]
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if not -len(self._list) <= key < len(self._list):
                raise KeyError(f"population index {key} out of range ({len(self._list)} populations)")
            return self._list[key]
        for pop, r in zip(self._populations, self._list):
            if pop is key:
                return r
        raise KeyError(f"{key!r} is not a population of the network this result is from")

    def weights(self, proj: Any) -> WeightRecord:
        """The recorded weights of a projection (``snn.WeightTrace``)."""
        index = getattr(proj, "index", None)
        if index is None or index >= len(self._projections) or self._projections[index] is not proj:
            raise KeyError(f"{proj!r} is not a projection of this network")
        if index not in self._weights:
            raise KeyError(f"the weights of projection '{proj.label}' were not recorded "
                           f"(record them with snn.WeightTrace(proj))")
        return self._weights[index]

    def __iter__(self):
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    @property
    def spike_count(self) -> int:
        return sum(r.n_spikes for r in self._list)

    @property
    def mean_rate(self) -> float:
        """Mean firing rate over all neurons, Hz."""
        n = sum(r.size for r in self._list)
        return self.spike_count * 1000.0 / (self.duration * n) if self.duration > 0 and n else 0.0

    def __repr__(self) -> str:
        return (f"<Result {self.t_start:g}-{self.t_stop:g} ms: {self.spike_count} spikes, "
                f"{self.mean_rate:.3g} Hz, wall {self.wall_time:.3g} s>")

    def gather(self, root: int | None = 0) -> Result | None:
        """A run spread over MPI processes: the whole network's spikes and traces, as one
        process records them, on process ``root`` (None: on every process; the others get
        None). One process: this result. Weight records stay with their processes."""
        from ._distributed import gather
        return gather(self, root)

    def to_neo(self, *args: Any, **kwargs: Any) -> Any:
        """A ``neo.Block`` of this result: :func:`snn.export.to_neo`."""
        from .export import to_neo
        return to_neo(self, *args, **kwargs)

    def to_nwb(self, path: Any, *args: Any, **kwargs: Any) -> Any:
        """Writes this result to an NWB file: :func:`snn.export.to_nwb`."""
        from .export import to_nwb
        return to_nwb(self, path, *args, **kwargs)
