"""Networks spread over MPI processes (mpi4py): which communicator, and results gathered.

Every process runs the same script; each owns a block of every population (about n / P
neurons, in units of 64) and stores the synapses onto it. A run returns each process's own
spikes and traces; :meth:`Result.gather` puts them together as one process records them."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ._core import ConfigError

LAUNCHER_SIZE = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MV2_COMM_WORLD_SIZE")


def launched_processes() -> int:
    """How many processes the MPI launcher started (1 when not under mpirun/srun)."""
    for name in LAUNCHER_SIZE:
        if os.environ.get(name, "").isdigit():
            return int(os.environ[name])
    return 1


def resolve(comm: Any) -> Any:
    """The mpi4py communicator a network is spread over, or None for one process. comm=None:
    the world communicator when the script was launched on several processes."""
    if comm is None:
        n = launched_processes()
        if n <= 1:
            return None
        try:
            from mpi4py import MPI
        except ImportError:
            raise ConfigError(f"network: this script runs on {n} MPI processes; snn joins them through "
                              f"mpi4py, which is not installed (pip install mpi4py), or pass comm=") from None
        comm = MPI.COMM_WORLD
    if not all(hasattr(comm, f) for f in ("Get_size", "Get_rank", "bcast", "gather")):
        raise ConfigError(f"network: comm must be an mpi4py communicator, got {type(comm).__name__}")
    return comm if comm.Get_size() > 1 else None


def handle(comm: Any) -> int:
    from mpi4py import MPI
    return int(MPI._handleof(comm))


def _part(result: Any) -> list:
    return [(r.spike_steps, r.spike_ids,
             {v: (r.trace_steps[v], r.trace_neurons[v], r.traces[v]) for v in r.traces}) for r in result]


def _order(neurons: np.ndarray, requested: np.ndarray | None) -> np.ndarray:
    """Columns in the order the run asked for them (all neurons: ascending)."""
    if requested is None or requested.size == 0:
        return np.argsort(neurons, kind="stable")
    position = {int(i): k for k, i in enumerate(requested)}
    return np.argsort([position[int(i)] for i in neurons], kind="stable")


def gather(result: Any, root: int | None) -> Any:
    """The whole network's spikes and traces on process `root` (None: on every process;
    the others get None). Weight records stay with the processes that hold the synapses."""
    from ._result import PopulationResult

    comm = result._comm
    if comm is None:
        return result
    mine = _part(result)
    parts = comm.allgather(mine) if root is None else comm.gather(mine, root=root)
    if parts is None:
        return None
    out = object.__new__(type(result))
    out.__dict__.update(result.__dict__)
    out._comm, out._weights, out._list, out._by_label = None, {}, [], {}
    for j, r in enumerate(result):
        steps = np.concatenate([p[j][0] for p in parts])
        ids = np.concatenate([p[j][1] for p in parts])
        order = np.lexsort((ids, steps))
        g = PopulationResult(r.label, r.size, result.duration,
                             (steps[order], steps[order] * result.dt, ids[order]))
        g.model = getattr(r, "model", None)
        for var in dict.fromkeys(v for p in parts for v in p[j][2]):
            pieces = [p[j][2][var] for p in parts if var in p[j][2]]
            neurons = np.concatenate([x[1] for x in pieces])
            cols = _order(neurons, result._requested.get((j, var)))
            g.trace_steps[var], g.trace_neurons[var] = pieces[0][0], neurons[cols]
            g.traces[var] = np.concatenate([x[2] for x in pieces], axis=1)[:, cols]
        out._list.append(g)
        out._by_label[g.label] = g
    return out
