"""Recording for snn.pynn: each run asks the engine for the recorded neurons' traces and
keeps what it hands back; PyNN's Recorder turns that into neo Blocks.

Times follow snn's convention (docs/numerics.md): a spike of step ``k`` is at ``k * dt``,
and the sample of step ``k`` (at ``k * dt``) holds ``v`` (and ``u``) after that step and
the conductances ``gsyn_exc``, ``gsyn_inh`` that the step used. A signal recorded from
``t_start`` on has one sample per ``sampling_interval``; samples of neurons that were not
recorded during part of it are NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyNN import recording

import snn

from . import simulator

_SPIKES = recording.Variable(name="spikes", location=None, label=None)


class Recorder(recording.Recorder):
    _simulator = simulator

    def __init__(self, population: Any, file: Any = None) -> None:
        super().__init__(population, file)
        self._every = 1  # steps between samples
        self._chunks: list[dict[str, Any]] = []  # what each run recorded

    def _record(self, variable: Any, new_ids: Any, sampling_interval: float | None = None) -> None:
        if sampling_interval is None or variable.name == "spikes":
            return
        dt = self._simulator.state.dt
        every = round(sampling_interval / dt)
        if every < 1 or abs(every * dt - sampling_interval) > 1e-9 * max(1.0, sampling_interval):
            raise ValueError(f"snn.pynn: sampling_interval must be a whole number (>= 1) of time steps of "
                             f"{dt} ms, got {sampling_interval} ms")
        self._every = every
        self.sampling_interval = every * dt

    def _indices(self, ids: Any) -> np.ndarray:
        return np.asarray(sorted(int(i) for i in ids), dtype=np.int64) - int(self.population.first_id)

    # --- one run -------------------------------------------------------------------------------

    def _requests(self) -> list[snn.Trace]:
        """The engine's trace requests for the next run."""
        pop = self.population
        return [snn.Trace(pop.celltype.variable_map[var.name], pop._native, neurons=self._indices(ids),
                          every=self._every)
                for var, ids in self.recorded.items() if var.name != "spikes" and ids]

    def _store(self, result: snn.Result) -> None:
        """Keeps what one run recorded of this population."""
        pop = self.population
        r = result[pop._native]
        chunk: dict[str, Any] = {}
        if self.recorded.get(_SPIKES):
            mask = np.isin(r.spike_ids, self._indices(self.recorded[_SPIKES]))
            chunk["spikes"] = (r.spike_ids[mask].astype(np.int64), r.spike_times[mask])
        for var, ids in self.recorded.items():
            if var.name != "spikes" and ids:
                native = pop.celltype.variable_map[var.name]
                chunk[var.name] = (r.trace_steps[native], r.trace_neurons[native], r.traces[native])
        self._chunks.append(chunk)

    # --- what PyNN's Recorder asks for -------------------------------------------------------

    def _spikes(self) -> tuple[np.ndarray, np.ndarray]:
        parts = [c["spikes"] for c in self._chunks if "spikes" in c]
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _get_spiketimes(self, ids: Any, clear: bool = False) -> tuple[np.ndarray, np.ndarray]:
        index, times = self._spikes()
        mask = np.isin(index, self._indices(ids))
        return index[mask] + int(self.population.first_id), times[mask].copy()

    def _get_all_signals(self, variable: Any, ids: Any, clear: bool = False) -> tuple[np.ndarray, None]:
        state = self._simulator.state
        every, wanted = self._every, self._indices(ids)
        start = int(round(float(np.asarray(self._recording_start_time)) / state.dt))
        first = -(-start // every) * every  # the first sampled step from the recording's start
        n = len(range(first, state.steps, every))
        out = np.full((n, wanted.size), np.nan)
        for chunk in self._chunks:
            if variable.name not in chunk:
                continue
            steps, neurons, data = chunk[variable.name]
            rows = (steps - first) // every
            keep_rows = (steps >= first) & ((steps - first) % every == 0)
            cols = np.searchsorted(wanted, neurons).clip(max=max(wanted.size - 1, 0))
            keep_cols = (wanted[cols] == neurons) if wanted.size else np.zeros(neurons.size, dtype=bool)
            if np.any(keep_rows) and np.any(keep_cols):
                out[np.ix_(rows[keep_rows], cols[keep_cols])] = data[np.ix_(keep_rows, keep_cols)]
        return out, None

    def _local_count(self, variable: Any, filter_ids: Any = None) -> dict[int, int]:
        ids = sorted(self.filter_recorded(variable, filter_ids))
        index, _ = self._spikes()
        counts = np.bincount(index, minlength=self.population.size)
        return {int(i): int(counts[int(i) - int(self.population.first_id)]) for i in ids}

    def _clear_simulator(self) -> None:
        self._chunks = []

    def _reset(self) -> None:
        pass
