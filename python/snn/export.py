"""Results handed to the field's tools: NEO (Elephant, ...) and NWB files (NWB viewers, DANDI).

``to_neo(result)`` gives a ``neo.Block`` and ``to_nwb(result, path)`` writes an NWB file;
they need the optional extras ``snn[neo]`` (neo, quantities) and ``snn[nwb]`` (pynwb).
Importing this module does not; calling a function without its package raises ImportError
saying what to install.

Times: a spike of step ``k`` is at ``k * dt`` (ms); the trace sample of step ``k`` is at
``k * dt`` too and holds the state after that step (``v``, ``u``) or the input that step
used (``I``, ``g_E``, ``g_I``), as in :class:`snn.Result` (docs/numerics.md). Units are the
models' (``snn.models_info()``): mV, mV/ms, nA, µS; NWB stores SI seconds and gives each
series its SI unit and conversion factor.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import numpy as np

from ._models import models_info

__all__ = ["to_neo", "to_nwb"]

# snn's unit strings -> (quantities' name, NWB's SI unit, factor to it)
_UNITS = {
    "mV": ("mV", "volts", 1e-3),
    "mV/ms": ("mV/ms", "volts/second", 1.0),
    "nA": ("nA", "amperes", 1e-9),
    "uS": ("uS", "siemens", 1e-6),
    "": ("dimensionless", "n/a", 1.0),
    "steps": ("dimensionless", "steps", 1.0),
}


def _need(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"snn.export needs {module.split('.')[0]}, an optional extra: "
                          f"pip install \"snn[{extra}]\"") from exc


def _variable_units(model: str | None) -> dict[str, str]:
    for m in models_info():
        if m["name"] == model:
            return {v["name"]: v["unit"] for v in m["variables"]}
    return {}


def _unit(model: str | None, var: str) -> tuple[str, str, float]:
    return _UNITS.get(_variable_units(model).get(var, ""), _UNITS[""])


def _populations(result: Any, populations: Any) -> list:
    if populations is None:
        return list(result)
    return [result[p] for p in populations]


def _sampling(steps: np.ndarray, dt: float) -> float | None:
    """The sampling period (ms) of regularly spaced samples, or None."""
    if steps.size < 2:
        return dt
    gaps = np.diff(steps)
    return float(gaps[0] * dt) if np.all(gaps == gaps[0]) else None


def to_neo(result: Any, populations: Any = None, name: str | None = None) -> Any:
    """The recordings of ``result`` (an :class:`snn.Result`) as a ``neo.Block`` of one
    ``Segment``: a ``SpikeTrain`` per neuron of each population (ms; annotated with
    ``source_population`` and ``source_index``, PyNN's names) and an ``AnalogSignal`` per
    recorded variable and population (the model's units; ``array_annotations["channel_index"]``
    are the neurons' indices). ``populations``: labels or populations to include (all if
    None)."""
    neo = _need("neo", "neo")
    pq = _need("quantities", "neo")
    block = neo.Block(name=name or "snn result", description=f"snn {result.t_start:g}-{result.t_stop:g} ms, "
                      f"dt = {result.dt:g} ms", dt=result.dt)
    segment = neo.Segment(name="run", index=0)
    block.segments.append(segment)
    t_start, t_stop = result.t_start * pq.ms, result.t_stop * pq.ms
    for r in _populations(result, populations):
        order = np.argsort(r.spike_ids, kind="stable")
        ids, times = r.spike_ids[order], r.spike_times[order]
        bounds = np.searchsorted(ids, np.arange(r.size + 1))
        for i in range(r.size):
            train = neo.SpikeTrain(times[bounds[i]:bounds[i + 1]], units="ms", t_start=t_start, t_stop=t_stop,
                                   name=f"{r.label}[{i}]", source_population=r.label, source_index=i)
            segment.spiketrains.append(train)
        model = getattr(r, "model", None)
        for var, data in r.traces.items():
            steps, neurons = r.trace_steps[var], r.trace_neurons[var]
            units = _unit(model, var)[0]
            period = _sampling(steps, result.dt)
            common = dict(units=units, name=var, source_population=r.label,
                          array_annotations={"channel_index": np.asarray(neurons, dtype=np.int64)})
            if period is None:
                signal = neo.IrregularlySampledSignal(steps * result.dt * pq.ms, data, **common)
                segment.irregularlysampledsignals.append(signal)
            else:
                first = steps[0] * result.dt if steps.size else result.t_start
                signal = neo.AnalogSignal(data, t_start=first * pq.ms, sampling_period=period * pq.ms,
                                          **common)
                segment.analogsignals.append(signal)
    for obj in segment.spiketrains + segment.analogsignals + segment.irregularlysampledsignals:
        obj.segment = segment
    segment.block = block
    return block


def to_nwb(result: Any, path: Any, populations: Any = None, session_description: str = "snn simulation",
           identifier: str | None = None, session_start_time: datetime.datetime | None = None,
           **nwbfile_kwargs: Any) -> Any:
    """Writes the recordings of ``result`` to an NWB file at ``path`` (through pynwb) and
    returns the path.

    Spikes go to the ``units`` table, one row per neuron, with columns ``population`` and
    ``neuron`` (its index) and ``spike_times`` in seconds. Each recorded variable of each
    population is a ``TimeSeries`` named ``<population>.<variable>`` in the processing
    module ``snn`` (``data`` as recorded, in the model's units, with NWB's SI ``unit`` and
    ``conversion`` factor; ``starting_time`` s and ``rate`` Hz), and the table
    ``trace_neurons`` there says which neuron each column of it is. ``populations``: as
    :func:`to_neo`. Other keywords go to ``pynwb.NWBFile`` (e.g. ``experimenter``)."""
    pynwb = _need("pynwb", "nwb")
    from hdmf.common import DynamicTable, VectorData, VectorIndex

    start = session_start_time or datetime.datetime.now(datetime.timezone.utc)
    nwb = pynwb.NWBFile(session_description=session_description, identifier=identifier or str(uuid.uuid4()),
                        session_start_time=start, **nwbfile_kwargs)
    pops = _populations(result, populations)
    nwb.add_unit_column("population", "label of the snn population")
    nwb.add_unit_column("neuron", "index of the neuron in its population")
    for r in pops:
        order = np.argsort(r.spike_ids, kind="stable")
        ids, times = r.spike_ids[order], r.spike_times[order]
        bounds = np.searchsorted(ids, np.arange(r.size + 1))
        for i in range(r.size):
            nwb.add_unit(spike_times=times[bounds[i]:bounds[i + 1]] / 1000.0, population=r.label, neuron=i,
                         obs_intervals=[[result.t_start / 1000.0, result.t_stop / 1000.0]])
    module = nwb.create_processing_module("snn", f"snn traces; dt = {result.dt:g} ms")
    names, flat, index = [], [], []
    for r in pops:
        model = getattr(r, "model", None)
        for var, data in r.traces.items():
            steps, neurons = r.trace_steps[var], r.trace_neurons[var]
            period = _sampling(steps, result.dt)
            if period is None:
                raise ValueError(f"to_nwb: the samples of '{var}' of population '{r.label}' are not evenly "
                                 f"spaced")
            _, si, factor = _unit(model, var)
            name = f"{r.label}.{var}"
            first = steps[0] * result.dt if steps.size else result.t_start
            module.add(pynwb.TimeSeries(name=name, data=np.asarray(data), unit=si, conversion=factor,
                                        starting_time=first / 1000.0, rate=1000.0 / period,
                                        description=f"{var} of snn population '{r.label}' "
                                                    f"({_variable_units(model).get(var, '') or 'no unit'})"))
            names.append(name)
            flat.extend(int(n) for n in neurons)
            index.append(len(flat))
    neurons_data = VectorData(name="neurons", description="neuron indices, one per column", data=flat)
    module.add(DynamicTable(name="trace_neurons", description="the neurons of each trace's columns",
                            columns=[VectorData(name="series", description="TimeSeries name", data=names),
                                     neurons_data,
                                     VectorIndex(name="neurons_index", data=index, target=neurons_data)]))
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwb)
    return path
