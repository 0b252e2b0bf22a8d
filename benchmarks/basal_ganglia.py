"""Wall time of the basal-ganglia example through snn.network (1000 ms, dt = 0.2 ms, 3,800
neurons, 4.1 million synapses), split into its parts; best of --repeat runs.

    python benchmarks/basal_ganglia.py --threads 1 --repeat 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from snn import network as old
from snn.examples import basal_ganglia as bg


def once(T: float, threads: int | None) -> dict[str, float]:
    t = {"start": time.perf_counter()}
    np.random.seed(bg.SEED)
    nuclei = {name: old.Izhi_Nucleus(n, a, b, c, d, bg.ctx_input if name == "CTX" else 0, label=name)
              for name, (n, a, b, c, d) in bg.NUCLEI.items()}
    for src, dst, P, delay, exc in bg.projections():
        old.connect(nuclei[src], nuclei[dst], P, delay=delay,
                    decay=bg.excitatory if exc else bg.inhibitory,
                    howfar=bg.EXC_HOWFAR if exc else bg.INH_HOWFAR)
    t["script: weights drawn, nuclei, connect"] = time.perf_counter()
    data = old.build_izhi(bg.DT, list(nuclei.values()), "simple")
    t["build_izhi: native network built"] = time.perf_counter()
    old.simulate(T, bg.DT, None, list(nuclei.values()), data, backend="cpu", threads=threads)
    t["simulate"] = time.perf_counter()
    out = {}
    keys = list(t)
    for a, b in zip(keys, keys[1:]):
        out[b] = t[b] - t[a]
    out["  of which the native run (engine, inputs)"] = data.result.wall_time
    out["total"] = t["simulate"] - t["start"]
    out["_synapses"] = sum(p.n_synapses for p in data.network().projections)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--T", type=float, default=1000.0)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    runs = [once(args.T, args.threads) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r["total"])
    totals = ", ".join(f"{r['total']:.2f}" for r in runs)
    print(f"basal ganglia, {args.T:g} ms at dt = {bg.DT} ms, {best['_synapses']:,} synapses, "
          f"best of {args.repeat} (totals: {totals} s)")
    for k, v in best.items():
        if not k.startswith("_"):
            print(f"  {k:45s} {v:6.2f} s")


if __name__ == "__main__":
    main()
