"""Simple network: 1000 regular-spiking neurons, all-to-all with weights N(0, 1), constant
input 5, 'voltage_jump' synapses (``--synapse simple``: decay exp(-t/20), delay 5 ms,
howfar 50 ms), dt = 0.1 ms."""

from __future__ import annotations

import sys

import numpy as np

import snn
from snn import network as old
from snn import plot

from . import _cli

SIZE = 1000
DT = 0.1  # ms
T = 300.0  # ms
SEED = 123


def weights() -> np.ndarray:
    """W[i, j], from i to j, N(0, 1), drawn from NumPy's generator seeded with SEED."""
    np.random.seed(SEED)
    return np.random.normal(0.0, 1.0, (SIZE, SIZE))


def run_network(T: float = T, synapse: str = "voltage_jump", backend: str = "auto",
                threads: int | None = None) -> old.Izhi_Nucleus:
    """The old script, as it was written for the TensorFlow library."""
    W = weights()
    N = old.Izhi_Nucleus(SIZE, 0.02, 0.2, -65, 8, 5, label="RS")
    if synapse == "simple":
        old.connect(N, N, W, delay=5, decay=lambda t: np.exp(-(t / 20)), howfar=50)
    else:
        old.connect(N, N, W)
    graph = old.Graph()
    with graph.as_default():
        data = old.build_izhi(DT, [N], synapse)
    old.simulate(T, DT, graph, [N], data, backend=backend, threads=threads)
    return N


def run_native(T: float = T, backend: str = "auto", threads: int | None = None) -> snn.Result:
    """The same network in the native API: a spike is current for one step, one step later;
    the input acts from t = 0."""
    net = snn.Network(dt=DT)
    pop = net.population(SIZE, "regular_spiking", label="RS")
    net.connect(pop, pop, weights())  # dense W[pre, post]
    net.input(pop, 5.0)
    return net.run(T, record=[snn.Trace("v", neurons=[0]), snn.Trace("I", neurons=[0])],
                   backend=backend, threads=threads)


def main(argv: list[str] | None = None) -> int:
    args = _cli.parse(__doc__.splitlines()[0], T, argv, synapse="voltage_jump")
    what = f"snn.network ({args.synapse})"
    _cli.part(args, "network", what, lambda: run_network(args.T, args.synapse, args.backend, args.threads),
              lambda N: [(N.label, N.firing_rate)], lambda N: {
                  "simple_network_raster": lambda: old.raster_plot(N, label=args.synapse),
                  "simple_network_v_I": lambda: old.plot_neuron_by_idx(args.T, DT, {N: [0]},
                                                                       variables=["v", "I"]),
                  "simple_network_rates": lambda: plot.rate_histogram(N)})
    _cli.part(args, "native", "native", lambda: run_native(args.T, args.backend, args.threads),
              _cli.native_rates, lambda res: {
                  "simple_network_native_raster": lambda: plot.raster(
                      res, title="Simple network (native API)")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
