"""A small random network with every kernel, random delays, native rules, a dense matrix,
a SciPy sparse matrix, explicit synapse arrays and constant / array / callable inputs:
spike trains identical to the NumPy reference built from the engine's own connectivity
(``proj.synapses()``) and parameters (``pop.parameters()``), traces within 1e-4 mV."""

import numpy as np
import pytest
import scipy.sparse

import reference as ref
import snn
from twin import Twin, assert_same_spikes, assert_trace_close, trace_steps

# The backend suite: every test runs on each backend (conftest.py).
pytestmark = pytest.mark.usefixtures("on_backend")


def bump(t):
    t = np.asarray(t, dtype=float)
    return np.sin(np.pi * t / 4.0) * (t < 4.0)


def build(dt, seed=7):
    rng = np.random.default_rng(seed)
    tw = Twin(dt, seed=seed)
    exc = tw.population(80, "izhikevich2003_excitatory", label="exc")
    inh = tw.population(25, "izhikevich2003_inhibitory", v_substeps=2, label="inh")
    n_mix = 30
    mix = tw.population(n_mix, a=rng.uniform(0.02, 0.1, n_mix), b=0.2,
                        c=rng.uniform(-65, -50, n_mix), d=rng.uniform(2, 8, n_mix),
                        v0=rng.uniform(-70, -60, n_mix), v_peak=28.0, v_substeps=3,
                        label="mix")

    tw.connect(exc, exc, snn.FixedProbability(0.1, allow_self=False), ref.Exponential(3.0),
               weight=snn.Uniform(0.0, 3.0), delay=snn.Uniform(0.5, 6.0), label="ee")
    tw.connect(exc, inh, snn.FixedInDegree(12), ref.Alpha(2.0), weight=snn.Uniform(0.5, 2.0),
               delay=snn.Uniform(0.0, 3.0), label="ei")
    tw.connect(inh, exc, snn.FixedOutDegree(20), ref.Instant(),
               weight=snn.Normal(-12.0, 3.0, high=0.0), delay=1.0, label="ie")
    W = rng.uniform(-3.0, 5.0, (25, n_mix)) * (rng.random((25, n_mix)) < 0.3)
    tw.connect(inh, mix, W, ref.InstantV(), delay=0.5, label="im")
    pre = rng.integers(0, n_mix, 150)
    post = rng.integers(0, 80, 150)
    keep = np.unique(pre * 1000 + post, return_index=True)[1]
    pre, post = pre[keep], post[keep]
    tw.connect(mix, exc, (pre, post), ref.Sampled(bump, 4.2),
               weight=rng.uniform(0.5, 4.0, pre.size),
               delay=rng.uniform(0.0, 4.0, pre.size), label="me")
    S = scipy.sparse.random(80, n_mix, density=0.1, random_state=seed, format="csr") * 4.0
    tw.connect(exc, mix, S, ref.Exponential(1.5), delay=2.0, label="em")
    tw.connect(mix, mix, snn.OneToOne(), ref.Alpha(1.0), weight=-1.0, delay=0.0, label="mm")
    tw.connect(exc, inh, snn.AllToAll(), ref.Instant(), weight=0.05, delay=0.7, label="ei2")

    steps = int(round(400.0 / dt))
    tw.input(exc, rng.uniform(2.0, 7.0, 80))
    tw.input(exc, 1.0)
    arr = rng.normal(2.0, 3.0, (steps // 2, 25)).astype(np.float32)
    tw.input(inh, arr)                           # ends half way through the run
    tw.input(mix, lambda t: 4.0 + 3.0 * np.sin(2 * np.pi * t / 50.0))
    tw.input(mix, lambda t: np.linspace(0.0, 2.0, n_mix) * (t > 100.0))
    return tw, (exc, inh, mix), steps


@pytest.mark.parametrize("dt, threads", [(0.25, 1), (0.25, 2), (1.0, None), (0.1, 2)])
def test_random_network_matches_reference(dt, threads):
    tw, pops, steps = build(dt)
    res = tw.run(steps * dt, record=["v", "I"], threads=threads)
    outs = tw.reference().run(steps)
    for pop, out in zip(pops, outs):
        r = res[pop]
        assert out["spike_steps"].size > 20, f"{pop.label}: reference barely fires"
        assert_same_spikes(r, out, f"{pop.label} dt={dt}")
        assert_trace_close(r.v, out["v"], atol=1e-4, what=f"{pop.label} v")
        assert_trace_close(r.I, out["I"], atol=1e-4, rtol=1e-5, what=f"{pop.label} I")
    # every projection has synapses to deliver through
    for proj, *_ in tw.projs:
        assert proj.n_synapses > 0, proj.label


def test_random_network_continued_runs_match_reference():
    """Three runs of uneven lengths continue exactly like one reference run."""
    dt = 0.25
    tw, pops, steps = build(dt, seed=8)
    parts = [137, 400, steps - 537]
    results = [tw.run(n * dt, record=["v"]) for n in parts]
    outs = tw.reference().run(steps)
    for pop, out in zip(pops, outs):
        st = np.concatenate([r[pop].spike_steps for r in results])
        si = np.concatenate([r[pop].spike_ids for r in results])
        v = np.concatenate([r[pop].v for r in results])
        tsteps = np.concatenate([trace_steps(r[pop], "v") for r in results])
        np.testing.assert_array_equal(tsteps, np.arange(steps))

        class R:
            spike_steps, spike_ids = st, si
        assert_same_spikes(R, out, pop.label)
        assert_trace_close(v, out["v"], what=f"{pop.label} v")


@pytest.mark.parametrize("threads", [1, 2])
def test_large_population_matches_reference(threads):
    """5000 neurons with delays, every kernel, per-synapse and shared weights and per-neuron
    input: the result is the reference's for one thread and for two (which split the neurons
    at 2560)."""
    rng = np.random.default_rng(5)
    tw = Twin(0.5, seed=5)
    big = tw.population(5000, "regular_spiking", label="big")
    small = tw.population(40, "fast_spiking", label="small")
    tw.connect(big, big, snn.FixedOutDegree(8), ref.Exponential(2.0), weight=snn.Uniform(0.0, 4.0),
               delay=snn.Uniform(0.5, 5.0), label="bb")
    tw.connect(small, big, snn.FixedProbability(0.05), ref.Sampled(bump, 3.0), weight=6.0,
               delay=1.0, label="sb")
    tw.connect(big, small, snn.FixedInDegree(50), ref.Alpha(1.0), weight=0.5, delay=2.0, label="bs")
    # one weight each (stored as keys alone, arrivals counted): a voltage jump, an exponential
    tw.connect(big, big, snn.FixedOutDegree(3), ref.InstantV(), weight=0.75, delay=snn.Uniform(1.0, 4.0),
               label="bv")
    tw.connect(small, big, snn.FixedProbability(0.1), ref.Exponential(3.0), weight=-2.0, delay=1.5,
               label="sx")
    tw.input(big, rng.uniform(3.0, 9.0, 5000))
    tw.input(small, 4.0)
    steps = 240
    res = tw.run(steps * 0.5, record=["v"], threads=threads)
    outs = tw.reference().run(steps)
    for pop, out in zip((big, small), outs):
        assert out["spike_steps"].size > 50, f"{pop.label}: reference barely fires"
        assert_same_spikes(res[pop], out, f"{pop.label} threads={threads}")
        assert_trace_close(res[pop].v, out["v"], atol=1e-4, what=f"{pop.label} v")
