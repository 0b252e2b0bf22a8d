"""Figures for the CUDA backend (issue 4), printed as a table:

    python benchmarks/gpu_figures.py [--n 1000000] [--T 1000] [--cpu-T 100] [--cpu-threads 2]

1. The sparse_delays network of core_figures.py (n Izhikevich neurons, 80 % excitatory,
   100 synapses each, delays U(1, 20) ms, dt = 1 ms): delivered events per second on CUDA and
   on the CPU backend of the same build (--cpu-threads threads, a shorter run), and their
   ratio. Built once on the host (10^8 synapses for n = 10^6; the build time is printed).
2. Izhikevich's 2003 network (1000 neurons, dense, dt = 1 ms): wall time per step and the
   factor over real time, with and without synapses, in one block (the default for small
   networks) and as CUDA Graphs of per-step kernels.
Each CUDA figure is the best of several runs after a warm-up run that captures the graphs.
"""

from __future__ import annotations

import argparse
import os
import time

from core_figures import events, sparse_network

import snn
from snn.models import izhikevich_2003


def best_run(net: snn.Network, T: float, repeats: int, **kw) -> snn.Result:
    net.run(min(T, 50.0), progress=False, **kw)  # warm-up: graphs captured, caches filled
    best = None
    for _ in range(repeats):
        res = net.run(T, progress=False, **kw)
        best = res if best is None or res.wall_time < best.wall_time else best
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--k", type=int, default=100)
    ap.add_argument("--T", type=float, default=1000.0)
    ap.add_argument("--cpu-T", type=float, default=100.0)
    ap.add_argument("--cpu-threads", type=int, default=2)
    ap.add_argument("--T-2003", type=float, default=10000.0)
    args = ap.parse_args()
    cfg = snn.config()
    dev = cfg["devices"][0] if cfg["devices"] else {"name": "none"}
    print(f"device: {dev['name']}, snn {cfg['version']}, CUDA runtime {cfg['cuda_runtime']}, "
          f"architectures {cfg['cuda_architectures']}")
    rows = []

    t0 = time.perf_counter()
    net, _ = sparse_network(args.n, args.k)
    build = time.perf_counter() - t0
    n_syn = sum(p.n_synapses for p in net.projections)
    # Built on the host (device-side construction from rules is not implemented yet).
    rows.append(("sparse build on the host", f"{n_syn:.3g} synapses in {build:.2f} s",
                 f"{n_syn / build:.3g} synapses/s"))
    res = best_run(net, args.T, 3, backend="cuda")
    ev_gpu = events(net, res) / res.wall_time
    rows.append((f"sparse {args.n} neurons, cuda", f"{args.T:g} ms in {res.wall_time:.3f} s, "
                 f"{res.spike_count} spikes ({res.mean_rate:.2f} Hz)", f"{ev_gpu:.3g} events/s"))
    del net
    net, _ = sparse_network(args.n, args.k)
    res = best_run(net, args.cpu_T, 1, backend="cpu", threads=args.cpu_threads)
    ev_cpu = events(net, res) / res.wall_time
    rows.append((f"sparse {args.n} neurons, cpu x{args.cpu_threads}",
                 f"{args.cpu_T:g} ms in {res.wall_time:.3f} s", f"{ev_cpu:.3g} events/s"))
    rows.append(("sparse: cuda / cpu", "", f"{ev_gpu / ev_cpu:.1f} x"))
    del net

    # Small networks run each chunk in one block; SNN_CUDA_FUSED=0 forces the CUDA Graphs of
    # per-step kernels that large networks use, for comparison.
    for fused, connect in (("1", True), ("1", False), ("0", True)):
        os.environ["SNN_CUDA_FUSED"] = fused
        net, *_ = izhikevich_2003(seed=1, connect=connect)
        res = best_run(net, args.T_2003, 3, backend="cuda")
        per_step = res.wall_time / res.steps
        what = ("2003 network, cuda" + ("" if connect else ", no synapses") +
                (", one block" if fused == "1" else ", graphs"))
        rows.append((what, f"{args.T_2003:g} ms in {res.wall_time:.3f} s ({res.spike_count} spikes)",
                     f"{per_step * 1e6:.2f} us/step, {res.duration / 1e3 / res.wall_time:.0f} x real time"))
    os.environ.pop("SNN_CUDA_FUSED")

    width = max(len(r[0]) for r in rows)
    print("\n== CUDA figures ==")
    for name, detail, figure in rows:
        print(f"{name:<{width}}  {figure:<36}  {detail}")


if __name__ == "__main__":
    main()
