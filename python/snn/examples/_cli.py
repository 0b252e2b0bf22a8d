"""The command line every example shares."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any


def parse(description: str, T: float, argv: list[str] | None,
          synapse: str | None = None) -> argparse.Namespace:
    """The shared options; ``synapse``: the default of a --synapse option, if any."""
    p = argparse.ArgumentParser(description=description)
    if synapse is not None:
        p.add_argument("--synapse", default=synapse, choices=["simple", "voltage_jump"],
                       help=f"snn.network synapse type (default {synapse})")
    p.add_argument("--T", type=float, default=T, help=f"simulated time, ms (default {T:g})")
    p.add_argument("--backend", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--api", default="both", choices=["network", "native", "both"],
                   help="snn.network (the old API), the native API, or both (default)")
    p.add_argument("--out", default=None, help="folder for the PNG figures (none if not given)")
    return p.parse_args(argv)


def timed(what: str, run: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    out = run()
    print(f"{what}: {time.perf_counter() - t0:.2f} s")
    return out


def report(what: str, rates: list[tuple[str, float]]) -> None:
    """Prints each population's firing rate."""
    print(what + ": " + ", ".join(f"{label} {rate:.2f} Hz" for label, rate in rates))


def part(args: argparse.Namespace, api: str, what: str, run: Callable[[], Any],
         rates: Callable[[Any], list[tuple[str, float]]],
         makers: Callable[[Any], dict[str, Callable[[], Any]]]) -> Any:
    """One API's version of an example, if --api asks for it ("network" or "native"): runs
    and times it, prints the rates ``rates(result)``, draws ``makers(result)`` and returns
    the result (None if not run)."""
    if args.api not in (api, "both"):
        return None
    result = timed(what, run)
    report(what, rates(result))
    figures(args.out, makers(result))
    return result


def native_rates(res: Any) -> list[tuple[str, float]]:
    """Each population's rate in a native result."""
    return [(r.label, r.rate) for r in res]


def figures(out: str | None, makers: dict[str, Callable[[], Any]], dpi: int = 300) -> None:
    """Draws each figure (a function returning one or a list) and writes it as
    out/name.png, or out/name_1.png, ... for a list; nothing without --out."""
    if out is None:
        return
    import matplotlib.pyplot as plt

    os.makedirs(out, exist_ok=True)
    for name, make in makers.items():
        made = make()
        many = isinstance(made, list)
        for i, fig in enumerate(made if many else [made]):
            path = os.path.join(out, f"{name}_{i + 1}.png" if many else f"{name}.png")
            fig.savefig(path, dpi=dpi, bbox_inches="tight")
            plt.close(fig)
            print(f"wrote {path}")
