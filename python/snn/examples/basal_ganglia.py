"""Basal ganglia (a demonstration, not a validated model): seven nuclei, 3,800 neurons,
24 all-to-all projections (4.1 million synapses) with delays and decaying synapses over
100- and 500-step windows, dt = 0.2 ms.

The weights are drawn as the thesis-era script drew them, one N(0, 1) matrix of shape
(source size, target size) per projection. The thesis's figure 45 shows rhythmic
population bursts after about 150 ms; this model, a faithful re-implementation of the
committed 2018 code, shows the first volley and sparse firing after it, in either read
order of the spike window and with either weight draw: the rhythm does not follow from
the committed code, and the model is not tuned to produce it.
"""

from __future__ import annotations

import sys

import numpy as np

import snn
from snn import network as old
from snn import plot

from . import _cli

DT = 0.2  # ms
T = 1000.0  # ms
SEED = 123
# name: (size, a, b, c, d)
NUCLEI = {
    "CTX": (2000, 0.02, 0.2, -65, 8),
    "D1": (400, 0.1, 0.2, -65, 2),
    "D2": (400, 0.1, 0.2, -65, 2),
    "Gpi": (200, 0.02, 0.2, -65, 8),
    "TA": (300, 0.1, 0.2, -65, 2),
    "TI": (300, 0.1, 0.2, -65, 2),
    "STN": (200, 0.02, 0.2, -55, 4),
}
# Mean weights and delays (ms), rows = source, columns = target, in the order of NUCLEI.
WEIGHTS = np.array([
    [0, 30, 6, 0, 0, 0, 30],
    [0, -2, -2, -10, 0, 0, 0],
    [0, -2, -3, 0, -2, -2, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [0, -2, -2, 0, -2, -2, -2],
    [0, -2, -2, -2, -2, -2, -4],
    [0, 0, 0, 20, 20, 20, 0],
], dtype=float)
DELAYS = np.array([
    [0, 10, 10, 0, 0, 0, 2.5],
    [0, 14, 10, 7, 0, 0, 0],
    [0, 11, 13, 0, 5, 5, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 6, 6, 0, 1, 1, 4],
    [0, 6, 6, 3, 1, 1, 4],
    [0, 0, 0, 1.5, 2, 2, 0],
])
EXC_HOWFAR, INH_HOWFAR = 20, 100  # ms (as the old code read them: 100 and 500 steps)


def excitatory(t):
    return np.exp(-t / 20)


def inhibitory(t):
    return (t / 50) * np.exp(1 - t / 50)


def projections():
    """(source, target, weights (source size, target size), delay, excitatory) for each
    non-zero entry, row by row; weights sign(w) * max(0, |w| + |w| x), x ~ N(0, 1) of shape
    (source size, target size) as the thesis-era script drew them, w = entry / size of the
    source, from NumPy's generator (seed it first)."""
    names = list(NUCLEI)
    out = []
    for i, src in enumerate(names):
        for j, dst in enumerate(names):
            if WEIGHTS[i, j] == 0:
                continue
            w = WEIGHTS[i, j] / NUCLEI[src][0]
            x = np.random.normal(0.0, 1.0, (NUCLEI[src][0], NUCLEI[dst][0]))
            out.append((src, dst, np.sign(w) * np.maximum(0, abs(w) + abs(w) * x), DELAYS[i, j], w > 0))
    return out


def ctx_input(t: float) -> np.ndarray:
    return 7 * np.random.normal(1, 3, (NUCLEI["CTX"][0], 1))


def connected_nuclei() -> list:
    """The old script's nuclei and connections, with NumPy seeded by SEED first."""
    np.random.seed(SEED)
    nuclei = {name: old.Izhi_Nucleus(n, a, b, c, d, ctx_input if name == "CTX" else 0, label=name)
              for name, (n, a, b, c, d) in NUCLEI.items()}
    for src, dst, P, delay, exc in projections():
        if exc:
            old.connect(nuclei[src], nuclei[dst], P, delay=delay, decay=excitatory, howfar=EXC_HOWFAR)
        else:
            old.connect(nuclei[src], nuclei[dst], P, delay=delay, decay=inhibitory, howfar=INH_HOWFAR)
    return list(nuclei.values())


def run_network(T: float = T, backend: str = "auto", threads: int | None = None) -> list:
    """The old script, as it was written for the TensorFlow library."""
    nuclei = connected_nuclei()
    graph = old.Graph()
    with graph.as_default():
        data = old.build_izhi(DT, nuclei, "simple")
    old.simulate(T, DT, graph, nuclei, data, backend=backend, threads=threads)
    return nuclei


def run_native(T: float = T, backend: str = "auto", threads: int | None = None) -> snn.Result:
    """The same model written in the native API, spike for spike the same as run_network:
    the 2018 arithmetic (snn.Izhikevich2018), the old windows as sampled kernels of the
    decay's values at step offsets, the old timing as native delays (a spike of step m
    reaches the input of step m + 2 + D for D = int(delay/dt) steps of a whole-ms delay),
    the CTX input drawn by NumPy once per step from the second step on."""
    np.random.seed(SEED)
    net = snn.Network(dt=DT)
    pops = {name: net.population(n, snn.Izhikevich2018(a, b, c, d), label=name)
            for name, (n, a, b, c, d) in NUCLEI.items()}
    kernels = {True: snn.Kernel.from_samples(excitatory(np.arange(int(EXC_HOWFAR / DT)))),
               False: snn.Kernel.from_samples(inhibitory(np.arange(int(INH_HOWFAR / DT))))}
    for src, dst, P, delay, exc in projections():
        D = int((1 / DT) * int(delay))
        net.connect(pops[src], pops[dst], P, delay=(D + 2) * DT, kernel=kernels[exc])
    net.input(pops["CTX"], ctx_input, start=DT)
    steps = int(T / DT) - 1  # the old run's M = int(T/dt) samples: the initial state, M - 1 steps
    return net.run(steps * DT, record=[snn.Trace("v", "TI", neurons=[0])], backend=backend,
                   threads=threads)


def main(argv: list[str] | None = None) -> int:
    args = _cli.parse(__doc__.splitlines()[0], T, argv)
    _cli.part(args, "network", "snn.network", lambda: run_network(args.T, args.backend, args.threads),
              lambda nuclei: [(N.label, N.firing_rate) for N in nuclei], lambda nuclei: {
                  "basal_ganglia_raster": lambda: plot.raster(nuclei, title="Basal ganglia (snn.network)"),
                  "basal_ganglia_TI_v": lambda: old.plot_neuron_by_idx(args.T, DT, {nuclei[5]: [0]}),
                  "basal_ganglia_rates": lambda: plot.rate_histogram(nuclei)})
    _cli.part(args, "native", "native", lambda: run_native(args.T, args.backend, args.threads),
              _cli.native_rates, lambda res: {
                  "basal_ganglia_native_raster": lambda: plot.raster(
                      res, title="Basal ganglia (native API)")})
    return 0


if __name__ == "__main__":
    sys.exit(main())
