"""Command line: ``python -m snn demo`` runs Izhikevich's 2003 network."""

from __future__ import annotations

import argparse
import sys
import time

from . import __version__
from .models import izhikevich_2003


def demo(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    net, exc, inh = izhikevich_2003(seed=args.seed)
    build = time.perf_counter() - t0
    res = net.run(args.T, backend=args.backend, threads=args.threads)
    print(f"snn {__version__}: Izhikevich (2003) network, {exc.size} excitatory + {inh.size} "
          f"inhibitory neurons, all-to-all, dt = {net.dt} ms, {args.T:g} ms on backend "
          f"'{net._sim.backend}' ({net._sim.threads} thread(s))")
    print(f"spikes: {res.spike_count} (exc {res[exc].n_spikes}, inh {res[inh].n_spikes})")
    print(f"mean rate: {res.mean_rate:.2f} Hz (exc {res[exc].rate:.2f} Hz, inh {res[inh].rate:.2f} Hz)")
    print(f"wall time: build {build:.3f} s, run {res.wall_time:.3f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snn", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="run Izhikevich's 2003 network of 1000 neurons")
    d.add_argument("--T", type=float, default=1000.0, help="simulated time, ms (default 1000)")
    d.add_argument("--backend", default="auto", choices=["auto", "cpu", "cuda"])
    d.add_argument("--threads", type=int, default=None)
    d.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return demo(args)


if __name__ == "__main__":
    sys.exit(main())
