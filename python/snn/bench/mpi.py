"""A benchmark workload spread over MPI processes: per process, the build and run time, the
synapses it stores and its memory growth, and what exchanging spikes cost.

    python -m snn.bench.mpi sparse_delays --n 100000 --mpi 1 2 4 [--T 1000] [--threads 1]

Each process count runs in its own ``mpirun -n P`` (``--allow-run-as-root --oversubscribe``);
one JSON line per process count follows the table (``--json``: only those)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from . import lif_workloads  # noqa: F401  (registers the LIF workloads)
from .workloads import WORKLOADS, build


def _resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def worker(workload: str, n: int, t_ms: float, threads: int) -> None:
    """Under mpirun: builds and runs the workload; process 0 prints one JSON line."""
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    spec = WORKLOADS[workload].make(n)
    comm.Barrier()
    rss0, t0, c0 = _resident_bytes(), time.perf_counter(), time.process_time()
    net = build(spec)
    build_s, build_cpu_s, rss1 = time.perf_counter() - t0, time.process_time() - c0, _resident_bytes()
    comm.Barrier()
    t0, c0 = time.perf_counter(), time.process_time()
    result = net.run(t_ms, threads=threads, progress=False)
    run_s, run_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    mine = {"build_s": build_s, "build_cpu_s": build_cpu_s, "run_s": run_s, "run_cpu_s": run_cpu_s,
            "synapses": sum(p.n_synapses for p in net.projections),
            "memory_bytes": rss1 - rss0, "spikes": result.spike_count, **net.exchanges()}
    rows = comm.gather(mine, root=0)
    if comm.Get_rank() == 0:
        print(json.dumps({"workload": workload, "n": n, "T_ms": t_ms, "processes": comm.Get_size(),
                          "threads": threads, "per_process": rows}), flush=True)


def _run(workload: str, n: int, t_ms: float, threads: int, processes: int) -> dict:
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        raise SystemExit("snn.bench.mpi: no mpirun on PATH (Debian: apt-get install openmpi-bin)")
    cmd = [mpirun, "--allow-run-as-root", "--oversubscribe", "-n", str(processes), sys.executable, "-m",
           "snn.bench.mpi", "--worker", workload, "--n", str(n), "--T", str(t_ms), "--threads", str(threads)]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summary(r: dict) -> str:
    rows = r["per_process"]
    epochs = max(x["epochs"] for x in rows)
    spikes = sum(x["spikes"] for x in rows)
    run = max(x["run_s"] for x in rows)
    comm = max(x["seconds"] for x in rows)
    return (f"{r['processes']:>3} {max(x['build_s'] for x in rows):>9.3f} "
            f"{max(x['build_cpu_s'] for x in rows):>11.3f} {run:>9.3f} "
            f"{sum(x['synapses'] for x in rows) / len(rows):>14.0f} "
            f"{max(x['memory_bytes'] for x in rows) / 2**20:>11.1f} {epochs:>7} "
            f"{spikes / epochs if epochs else 0:>12.1f} {comm:>8.3f} {comm / run if run else 0:>6.1%}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m snn.bench.mpi", description=__doc__.splitlines()[0])
    ap.add_argument("workload", choices=sorted(w for w in WORKLOADS if WORKLOADS[w].spec))
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--T", type=float, default=1000.0, help="simulated ms")
    ap.add_argument("--threads", type=int, default=1, help="threads per process")
    ap.add_argument("--mpi", type=int, nargs="+", default=[1, 2], help="process counts")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        return worker(a.workload, a.n, a.T, a.threads)
    results = [_run(a.workload, a.n, a.T, a.threads, p) for p in a.mpi]
    if not a.json:
        print(f"{a.workload} N={a.n} T={a.T:g} ms, {a.threads} thread(s) per process, "
              f"load {os.getloadavg()[0]:.2f}; times: slowest process (cpu: its CPU time, the work it did "
              f"whatever the cores it shared)")
        print("  P   build_s  build_cpu_s     run_s  synapses/proc  MB/proc(max)  epochs  spikes/epoch"
              "   comm_s  comm%")
        for r in results:
            print(_summary(r))
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
