"""Networks spread over MPI processes (tests/mpi/run_network.py under mpirun): spikes,
traces and final weights equal to one process's, bit for bit, for 1 to 4 processes and 1
or 2 threads each; a failure on one process raises on every one, and none hangs.

Skipped without mpirun, mpi4py or an MPI build; SNN_REQUIRE_MPI=1 (CI) makes that a failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import snn

SCRIPT = Path(__file__).parent / "mpi" / "run_network.py"
MPIRUN = shutil.which("mpirun")


def missing() -> str | None:
    if not snn.config()["mpi_compiled"]:
        return "this snn was built without MPI"
    if MPIRUN is None:
        return "no mpirun"
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return "no mpi4py"
    return None


if missing() and os.environ.get("SNN_REQUIRE_MPI") == "1":
    raise RuntimeError(f"SNN_REQUIRE_MPI=1 but {missing()}")
pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


def mpirun(n: int, *args: str) -> str:
    env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="2")
    cmd = [MPIRUN, "--allow-run-as-root", "--oversubscribe", "-n", str(n), sys.executable, str(SCRIPT), *args]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, f"{' '.join(cmd)}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run.stdout


@pytest.mark.parametrize("processes, threads", [(1, 1), (2, 1), (3, 2), (4, 1), (2, 2)])
def test_distributed_run_equals_one_process(processes, threads):
    out = mpirun(processes, str(threads), "network")
    assert out.startswith(f"ok {processes} "), out
    assert int(out.split()[2]) > 1000, out  # spikes of the second run: the network is active


@pytest.mark.parametrize("case, error", [("nan", "SimulationError"), ("delay", "ConfigError")])
@pytest.mark.parametrize("processes", [1, 3])
def test_a_failure_on_one_process_raises_on_every_one(case, error, processes):
    out = mpirun(processes, "1", case)
    assert out.startswith(f"ok {processes} {error}"), out
    last = 64 * processes - 1
    assert (f"neuron {last}" in out) if case == "nan" else ("delay 1000000000 ms" in out), out


def test_checkpoints_of_distributed_networks_are_refused():
    out = mpirun(2, "1", "checkpoint")
    assert out.startswith("ok 2 SnnError checkpoints of networks spread over MPI processes are not "
                          "supported yet"), out


def test_one_process_network_ignores_mpi():
    net = snn.Network(dt=1.0, comm=None)
    assert net.comm is None and net._native.processes == 1
    pop = net.population(100, "regular_spiking")
    assert pop.owned == (0, 100)
    with pytest.raises(snn.ConfigError, match="mpi4py communicator"):
        snn.Network(comm=object())


def test_benchmark_under_mpi_reports_each_process():
    """python -m snn.bench.mpi: per-process figures; the processes' synapses add up to one
    process's, and so do their spikes (the same network, bit for bit)."""
    cmd = [sys.executable, "-m", "snn.bench.mpi", "sparse_delays", "--n", "3000", "--T", "100",
           "--mpi", "1", "3", "--json"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1"))
    assert run.returncode == 0, run.stderr[-3000:]
    one, three = (json.loads(line) for line in run.stdout.split("\n") if line.startswith("{"))
    assert [one["processes"], three["processes"]] == [1, 3] and len(three["per_process"]) == 3
    total = one["per_process"][0]
    assert total["synapses"] == 300000 and total["epochs"] == 0
    assert sum(p["synapses"] for p in three["per_process"]) == total["synapses"]
    assert max(p["synapses"] for p in three["per_process"]) < 0.4 * total["synapses"]
    assert sum(p["spikes"] for p in three["per_process"]) == total["spikes"] > 0
    for p in three["per_process"]:  # 100 steps of 1 ms, shortest delay 1 step: 100 exchanges
        assert p["epochs"] == 100 and p["words_received"] > 0 and p["seconds"] >= 0
