"""The Vogels-Abbott network (benchmark 1 of Brette et al. 2007, "COBA") written in PyNN.

``python pynn_va_benchmark.py MODULE [T_MS]`` runs it on the PyNN backend ``MODULE``
(``snn.pynn`` or ``pyNN.nest``) and prints one JSON line: the mean rates (Hz) of the
excitatory and inhibitory cells after the first 200 ms, the synapse count and the run's
wall time (s).

4000 conductance-based LIF cells (80 % excitatory) with the benchmark's parameters,
connected with probability 0.02 by PyNN's own connector code from a seeded NumpyRNG (so
both backends get the same connections), 6 nS / 67 nS synapses with a 0.2 ms delay. The
benchmark's self-sustained state is bistable at this size (a run either keeps firing or
falls silent, depending on details of the start), so each cell gets an independent Poisson
background (500 Hz through 6 nS): the network then settles in a driven irregular state
whose rates depend on the dynamics, not on the luck of the start.
"""

import importlib
import json
import sys
import time

T = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.0  # ms
sim = importlib.import_module(sys.argv[1])
from pyNN.random import NumpyRNG, RandomDistribution  # noqa: E402

N, N_EXC = 4000, 3200
CELL = dict(cm=0.2, tau_m=20.0, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0,
            tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0, i_offset=0.0)
W_EXC, W_INH, DELAY, P = 0.006, 0.067, 0.2, 0.02  # µS, µS, ms, connection probability
R_BG, W_BG = 500.0, 0.006  # Hz, µS

sim.setup(timestep=0.1, min_delay=0.1, max_delay=1.0)
rng = NumpyRNG(seed=20250101)
cells = sim.Population(N, sim.IF_cond_exp(**CELL), label="cells")
cells.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
exc, inh = cells[:N_EXC], cells[N_EXC:]
connector = sim.FixedProbabilityConnector(P, allow_self_connections=False, rng=rng)
e = sim.Projection(exc, cells, connector, sim.StaticSynapse(weight=W_EXC, delay=DELAY),
                   receptor_type="excitatory")
i = sim.Projection(inh, cells, connector, sim.StaticSynapse(weight=W_INH, delay=DELAY),
                   receptor_type="inhibitory")
background = sim.Population(N, sim.SpikeSourcePoisson(rate=R_BG), label="background")
sim.Projection(background, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=W_BG, delay=DELAY),
               receptor_type="excitatory")
cells.record("spikes")
t0 = time.perf_counter()
sim.run(T)
wall = time.perf_counter() - t0
trains = cells.get_data().segments[0].spiketrains


def rate(trains):
    return sum(int((t.magnitude >= 200.0).sum()) for t in trains) / (len(trains) * (T - 200.0) / 1000.0)


print(json.dumps({"exc": rate(trains[:N_EXC]), "inh": rate(trains[N_EXC:]), "synapses": len(e) + len(i),
                  "wall_s": wall}))
sim.end()
