"""Run under mpirun (tests/test_mpi.py): builds the same network spread over every process
and, on process 0, on that process alone (comm=COMM_SELF); the gathered spikes, traces and
final weights must equal the single-process ones bit for bit. Prints "ok P" on process 0.

    mpirun -n 3 python tests/mpi/run_network.py [threads] [case]

case "network" (default): every model, kernel, rule, delay range, input kind and both
plasticity rules, uneven population sizes (one smaller than a process's share of 64);
"nan": a neuron owned by the last process becomes infinite (every process must raise
SimulationError); "delay": an explicit synapse onto the last process's neuron has a
delay out of range (every process must raise ConfigError); "checkpoint": net.save of a
distributed network (every process must raise SnnError: not supported yet)."""

import os
import sys

import numpy as np
from mpi4py import MPI

import snn

WORLD = MPI.COMM_WORLD
THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
CASE = sys.argv[2] if len(sys.argv) > 2 else "network"


def build(comm):
    net = snn.Network(dt=0.5, seed=11, comm=comm)
    rng = np.random.default_rng(3)
    exc = net.population(300, "izhikevich2003_excitatory", label="exc")
    inh = net.population(75, "izhikevich2003_inhibitory", label="inh")
    lif = net.population(170, snn.LIF(tau_m=12.0, tau_refrac=2.0), label="lif")
    cond = net.population(130, snn.LIFCond(), label="cond")
    src = net.population(90, snn.PoissonSource(rng.uniform(5, 40, 90)), label="src")
    times = [sorted(rng.choice(400, 5, replace=False) * 0.5) for _ in range(20)]
    ss = net.population(20, snn.SpikeSource(times), label="ss")
    tiny = net.population(10, snn.Izhikevich2018(0.02, 0.2, -65.0, 8.0), label="tiny")
    w_exc = snn.Uniform(0.5, 6.0)
    net.connect(exc, exc, snn.FixedProbability(0.05), weight=w_exc, delay=snn.Uniform(1.0, 10.0),
                plasticity=snn.STDPIzhikevich2006(interval=50.0, w_max=8.0))
    net.connect(exc, inh, snn.FixedInDegree(20), weight=3.0, delay=1.0)
    net.connect(inh, exc, snn.FixedOutDegree(40), weight=-4.0, delay=snn.Uniform(1.0, 2.0))
    net.connect(src, lif, snn.FixedInDegree(15), weight=snn.Uniform(0.5, 2.5), delay=snn.Uniform(1.0, 6.0),
                kernel=snn.Exponential(4.0), plasticity=snn.STDP(15.0, 25.0, 0.05, 0.06, 0.0, 3.0))
    net.connect(lif, lif, snn.FixedProbability(0.1), weight=1.0, delay=2.0, kernel=snn.Instant(target="v"))
    net.connect(src, cond, snn.FixedProbability(0.2), weight=0.004, delay=snn.Uniform(0.5, 3.0),
                kernel=snn.Alpha(2.0), receptor="excitatory")
    net.connect(inh, cond, snn.AllToAll(), weight=0.001, delay=1.5, kernel=snn.Exponential(6.0),
                receptor="inhibitory")
    net.connect(ss, tiny, snn.AllToAll(), weight=snn.Uniform(5.0, 20.0), delay=snn.Uniform(0.5, 4.0))
    pre, post = rng.integers(0, 20, 60), rng.integers(0, 170, 60)
    net.connect(ss, lif, (pre, post, rng.uniform(1, 3, 60), rng.uniform(0.5, 8.0, 60)),
                kernel=snn.Kernel.from_samples([0.0, 1.0, 0.5, 0.25]))
    net.connect(tiny, exc, rng.uniform(0, 2, (10, 300)) * (rng.random((10, 300)) < 0.3), delay=1.0)
    net.connect(tiny, tiny, snn.OneToOne(), weight=2.0, delay=3.0)
    net.input(exc, snn.Pulses(rate=20.0, amplitude=20.0))
    net.input(inh, snn.Noise(2.0, 3.0))
    net.input(lif, snn.PoissonInput(rate=800.0, weight=0.6))
    net.input(cond, 0.9)
    net.input(tiny, lambda t: np.full(10, 5.0 + 3.0 * np.sin(t / 7.0)))
    net.input(inh, rng.uniform(0, 4, (100, 75)), start=20.0)
    return net


def record():
    return ["v", snn.Trace("u", pop="exc", neurons=[299, 3, 150, 64, 0], every=3)]


def run(net):
    out = [net.run(61.5, record=record(), threads=THREADS)]
    net.populations[2].v = np.linspace(-70.0, -52.0, 170).astype(np.float32)  # between runs
    out.append(net.run(150.0, record=record(), threads=THREADS))
    return out


def weights(net):
    """Every process's synapses (pre, post, delay, weight) of each projection, on process 0,
    in one canonical order (dense rows: every process holds them all)."""
    out = []
    for proj in net.projections:
        s = proj.synapses()
        rows = np.column_stack([s.pre, s.post, s.delay, proj.weights()])
        parts = net.comm.gather(rows, root=0) if net.comm is not None else [rows]
        if parts is not None:
            rows = parts[0] if proj.dense else np.concatenate(parts)
            out.append(rows[np.lexsort(rows.T[::-1])])
    return out


def same(a, b, what):
    if not np.array_equal(a, b):
        raise SystemExit(f"rank {WORLD.Get_rank()}: {what} differ")


def check_network():
    dist = build(WORLD)
    results = [r.gather(root=0) for r in run(dist)]
    final = weights(dist)
    if WORLD.Get_rank() != 0:
        return
    single = build(MPI.COMM_SELF)
    for k, (r, ref) in enumerate(zip(results, run(single))):
        for a, b in zip(r, ref):
            assert b.n_spikes > 0, b.label
            same(a.spike_steps, b.spike_steps, f"run {k} {b.label} spike steps")
            same(a.spike_ids, b.spike_ids, f"run {k} {b.label} spike ids")
            same(sorted(a.traces), sorted(b.traces), f"run {k} {b.label} recorded variables")
            for v in b.traces:
                same(a.trace_neurons[v], b.trace_neurons[v], f"run {k} {b.label} {v} neurons")
                same(a.trace_steps[v], b.trace_steps[v], f"run {k} {b.label} {v} steps")
                same(a.traces[v], b.traces[v], f"run {k} {b.label} {v}")
    for j, (a, b) in enumerate(zip(final, weights(single))):
        same(a, b, f"projection {j} synapses and final weights")
    print("ok", WORLD.Get_size(), sum(r.n_spikes for r in results[-1]), flush=True)


def check_failure():
    net = snn.Network(dt=0.5, seed=1, comm=WORLD)
    pop = net.population(64 * WORLD.Get_size(), "regular_spiking", label="p")
    last = pop.size - 1
    expected = {"nan": snn.SimulationError, "delay": snn.ConfigError, "checkpoint": snn.SnnError}[CASE]
    try:
        if CASE == "nan":
            drive = net.population(1, "regular_spiking", label="drive")
            net.input(drive, 20.0)
            net.connect(drive, pop, ([0], [last]), weight=1e38, kernel=snn.Instant(target="v"))
            net.run(100.0, threads=THREADS)
        elif CASE == "checkpoint":
            net.run(5.0, threads=THREADS)
            net.save(os.devnull)
        else:
            net.connect(pop, pop, ([0, 1], [0, last]), delay=[1.0, 1e9])
    except expected as e:
        WORLD.Barrier()
        if WORLD.Get_rank() == 0:
            print("ok", WORLD.Get_size(), type(e).__name__, str(e)[:120], flush=True)
        return
    raise SystemExit(f"rank {WORLD.Get_rank()}: no {expected.__name__}")


check_network() if CASE == "network" else check_failure()
