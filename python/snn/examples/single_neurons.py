"""Single neurons with snn.single: Hodgkin-Huxley spikes, the FitzHugh-Nagumo phase plane
and the Izhikevich firing types (the README's pictures).

``python -m snn.examples.single_neurons --out docs/images/`` writes ``hh_spikes.png``,
``fhn_phase_plane.png`` and ``izhikevich_types.png``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from snn import single

from . import _cli

#: The Izhikevich (2003) types drawn, each driven by I = 10 from t = 20 ms.
TYPES = ["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"]


CURRENTS = np.array([5.0, 10.0])  # uA/cm^2


def hh_run(T: float = 100.0, dt: float = 0.025) -> single.Simulation:
    """Hodgkin-Huxley for I = 5 (one action potential) and I = 10 (a train), as a batch."""
    return single.hodgkin_huxley(I=CURRENTS).simulation(T, dt, keep=["V"])


def hh_spikes(sim: single.Simulation) -> Any:
    """V(t) of :func:`hh_run`."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 1, sharex=True, figsize=(6.4, 4.0))
    for j, (ax, I) in enumerate(zip(axes, CURRENTS)):
        ax.plot(sim["t"], sim["V"][:, j], color="k", lw=1)
        ax.set_ylabel("V (mV)")
        ax.set_title(f"Hodgkin-Huxley, I = {I:g} uA/cm$^2$: {len(sim.spike_times[j])} spike(s)",
                     fontsize="medium")
    axes[-1].set_xlabel("t (ms)")
    fig.tight_layout()
    return fig


def fhn_phase_plane(I: float = 0.5) -> Any:
    """The FitzHugh-Nagumo phase plane at I = 0.5: nullclines, the unstable fixed point and
    the limit cycle around it (a trajectory after its first 200 time units)."""
    model = single.fitzhugh_nagumo(I=I)
    fig = model.phase_plane(("v", -2.5, 2.5), ("w", -1.0, 2.5), nb_of_vector_by_axis=21)
    sim = model.simulation(400, 0.05, keep=["v", "w"], start={"v": 0.0, "w": 0.0})
    late = sim["t"] >= 200
    ax = fig.axes[0]
    ax.plot(sim["v"][late], sim["w"][late], color="C2", lw=2, label="limit cycle")
    ax.legend(loc="upper right", fontsize="small")
    ax.set_title(f"FitzHugh-Nagumo, I = {I:g}")
    return fig


def izhikevich_types(T: float = 200.0, dt: float = 0.1) -> Any:
    """v(t) of each Izhikevich firing type, all simulated at once (one trajectory each)."""
    params = {k: np.array([single.IZHIKEVICH_TYPES[name][k] for name in TYPES]) for k in "abcd"}
    model = single.izhikevich(None, u0=0.0, I="0 if t < 20 else 10", **params)
    sim = model.simulation(T, dt, keep=["v"], start={"u": params["b"] * -65.0})
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(TYPES), 1, sharex=True, figsize=(6.4, 8.0))
    for j, (ax, name) in enumerate(zip(axes, TYPES)):
        ax.plot(sim["t"], sim["v"][:, j], color="k", lw=0.8)
        ax.set_ylim(-90, 40)
        ax.text(0.01, 0.8, name, transform=ax.transAxes, fontsize="small")
        ax.set_ylabel("v (mV)", fontsize="small")
    axes[0].set_title("Izhikevich firing types, I = 10 from t = 20 ms", fontsize="medium")
    axes[-1].set_xlabel("t (ms)")
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=None, help="folder for the PNG figures (none if not given)")
    args = p.parse_args(argv)
    hh = hh_run()
    counts = [len(times) for times in hh.spike_times]
    print(f"Hodgkin-Huxley spikes in 100 ms: I = 5: {counts[0]}, I = 10: {counts[1]}")
    fp = single.fitzhugh_nagumo(I=0.5).fixed_points(("v", -2.5, 2.5), ("w", -1.0, 2.5))
    print("FitzHugh-Nagumo, I = 0.5: " + ", ".join(f"{p.kind} at v = {p.state['v']:.4f}" for p in fp))
    _cli.figures(args.out, {"hh_spikes": lambda: hh_spikes(hh), "fhn_phase_plane": fhn_phase_plane,
                            "izhikevich_types": izhikevich_types}, dpi=80)
    return 0


if __name__ == "__main__":
    sys.exit(main())
