"""Synapse demonstration: N1 (10 neurons, driven for 15 ms) excites N2 through a decaying
synapse and itself through an alpha-shaped one.

The old library reported N1's firing rate as 6.66 Hz; ``snn.network`` gives 6.67 (20 spikes
of 10 neurons in 300 ms: 6.666... Hz), with N1 firing at 8.4 and 88.8 ms and N2 at 46.5 ms,
the spike times of the thesis's figures 32-33.
"""

from __future__ import annotations

import sys

import numpy as np

import snn
from snn import network as old
from snn import plot

from . import _cli

DT = 0.3  # ms
T = 300.0  # ms


def n1_input(t: float) -> np.ndarray:
    return np.full((10, 1), 5.0 if t < 15 else 0.0)


def run_network(T: float = T, backend: str = "auto", threads: int | None = None) -> list:
    """The old script, as it was written for the TensorFlow library."""
    np.random.seed(123)
    N1 = old.Izhi_Nucleus(10, 0.02, 0.2, -65, 8, n1_input, label="N1")
    N2 = old.Izhi_Nucleus(10, 0.02, 0.2, -65, 8, 0, label="N2")
    old.connect(N1, N2, 1, delay=30, decay=lambda t: np.exp(-t / 10), howfar=30)
    old.connect(N1, N1, 0.5, delay=50, decay=lambda t: (t / 50) * np.exp(1 - t / 50), howfar=100)
    graph = old.Graph()
    with graph.as_default():
        data = old.build_izhi(DT, [N1, N2], "simple")
    old.simulate(T, DT, graph, [N1, N2], data, backend=backend, threads=threads)
    return [N1, N2]


def spike_times(N: old.Izhi_Nucleus) -> list[float]:
    """The times (ms, rounded to 0.1) at which any neuron of a nucleus fired."""
    return sorted({round(t, 1) for t, ids in N.historique["fired"].items() if len(ids)})


def run_native(T: float = T, backend: str = "auto", threads: int | None = None) -> snn.Result:
    """The same model in the native API, with its semantics: kernels in ms (the old code's
    decay(k) took step offsets k, so its time constants were 10 and 50 steps of 0.3 ms),
    delays rounded to steps, the input from t = 0."""
    net = snn.Network(dt=DT)
    n1 = net.population(10, "regular_spiking", label="N1")
    n2 = net.population(10, "regular_spiking", label="N2")
    net.connect(n1, n2, snn.AllToAll(), weight=1.0, delay=30, kernel=snn.Exponential(tau=10 * DT))
    net.connect(n1, n1, snn.AllToAll(), weight=0.5, delay=50, kernel=snn.Alpha(tau=50 * DT))
    net.input(n1, lambda t: 5.0 if t < 15 else 0.0)
    return net.run(T, record=["v", "I"], backend=backend, threads=threads)


def main(argv: list[str] | None = None) -> int:
    args = _cli.parse(__doc__.splitlines()[0], T, argv)
    Ns = _cli.part(args, "network", "snn.network", lambda: run_network(args.T, args.backend, args.threads),
              lambda Ns: [(N.label, N.firing_rate) for N in Ns], lambda Ns: {
                  "synapse_demo_raster": lambda: plot.raster(list(Ns), title="Synapse demo (snn.network)"),
                  "synapse_demo_v_I": lambda: old.plot_neuron_by_idx(args.T, DT, {N: [0] for N in Ns},
                                                                     variables=["v", "I"])})
    if Ns is not None:
        times = ["{} {} ms".format(N.label, ", ".join(f"{t:g}" for t in spike_times(N))) for N in Ns]
        print("snn.network spike times: " + "; ".join(times))
    _cli.part(args, "native", "native", lambda: run_native(args.T, args.backend, args.threads),
              _cli.native_rates, lambda res: {
                  "synapse_demo_native_v": lambda: plot.traces(
                      res, "v", [0], title="Synapse demo (native API): v of neuron 0")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
