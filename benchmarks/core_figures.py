"""Figures for the core engine: the 2003 network, a large sparse network, build rate, memory.

    python benchmarks/core_figures.py [--threads 1 2] [--T 1000]

Prints wall times, delivered synaptic events per second, connectivity build rate and bytes
per synapse. Figures are ratios within one run where compared; the machine is shared.
"""

from __future__ import annotations

import argparse
import time

import snn
from snn.models import izhikevich_2003


def sparse_network(n: int, k: int, seed: int = 3):
    """n neurons (80 % excitatory), k outgoing synapses each, delays U(1, 20) ms, dt = 1 ms;
    k = 0 gives the same neurons and inputs without synapses."""
    net = snn.Network(dt=1.0, seed=seed)
    n_exc = n * 4 // 5
    exc = net.population(n_exc, "izhikevich2003_excitatory", v_substeps=2, label="exc")
    inh = net.population(n - n_exc, "izhikevich2003_inhibitory", v_substeps=2, label="inh")
    t0 = time.perf_counter()
    for pre, w in ((exc, snn.Uniform(0.0, 5.0)), (inh, snn.Uniform(-10.0, 0.0))):
        for post in (exc, inh):
            if k:
                net.connect(pre, post, snn.FixedOutDegree(k * post.size // n), weight=w,
                            delay=snn.Uniform(1.0, 20.0))
    build = time.perf_counter() - t0
    net.input(exc, snn.Noise(0.0, 5.0))
    net.input(inh, snn.Noise(0.0, 2.0))
    return net, build


def events(net: snn.Network, res: snn.Result) -> int:
    """Synaptic events delivered: spikes of each source times its outgoing synapses."""
    out = 0
    for proj in net.projections:
        fan = proj.n_synapses / proj.pre.size
        out += int(res[proj.pre].n_spikes * fan)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--T", type=float, default=1000.0)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--k", type=int, default=100)
    args = ap.parse_args()

    print("== Izhikevich 2003 network (1000 neurons, dense, dt = 1 ms, v_substeps = 2) ==")
    for threads in args.threads:
        best, bare = None, None
        for _ in range(5):
            net, exc, inh = izhikevich_2003(seed=1)
            res = net.run(args.T, threads=threads, progress=False)
            best = res if best is None or res.wall_time < best.wall_time else best
            # The same neurons and inputs without synapses: what the synapses cost on top.
            net0, *_ = izhikevich_2003(seed=1, connect=False)
            t0 = net0.run(args.T, threads=threads, progress=False).wall_time
            bare = t0 if bare is None else min(bare, t0)
        ev = events(net, best)
        print(f"threads={threads}: {args.T:g} ms in {best.wall_time * 1e3:.1f} ms (best of 5), "
              f"{best.spike_count} spikes, {best.mean_rate:.2f} Hz, {ev:.3g} events, "
              f"{ev / best.wall_time:.3g} events/s, dense={all(p.dense for p in net.projections)}")
        rate = ev / max(best.wall_time - bare, 1e-9)
        print(f"           without synapses {bare * 1e3:.1f} ms: delivery {rate:.3g} events/s")

    print(f"== sparse network ({args.n} neurons, {args.k} synapses each, delays 1-20 ms, dt = 1 ms) ==")
    for threads in args.threads:
        net, build = sparse_network(args.n, args.k)
        n_syn = sum(p.n_synapses for p in net.projections)
        nbytes = sum(p.nbytes for p in net.projections)
        res = net.run(args.T, threads=threads, progress=False)
        bare = sparse_network(args.n, 0)[0].run(args.T, threads=threads, progress=False).wall_time
        ev = events(net, res)
        print(f"threads={threads}: build {n_syn:.3g} synapses in {build:.2f} s = {n_syn / build:.3g} syn/s; "
              f"{nbytes / n_syn:.2f} bytes/synapse")
        print(f"           run {args.T:g} ms in {res.wall_time:.2f} s, {res.spike_count} spikes, "
              f"{res.mean_rate:.2f} Hz, {ev:.3g} events, {ev / res.wall_time:.3g} events/s")
        rate = ev / max(res.wall_time - bare, 1e-9)
        print(f"           without synapses {bare:.2f} s: delivery {rate:.3g} events/s")


if __name__ == "__main__":
    main()
