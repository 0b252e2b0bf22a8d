"""Determinism: a 2000-neuron random network gives bit-identical results for any thread
count, and the same seed gives the same results."""

import os
import subprocess
import sys

import numpy as np
import pytest

import snn
from twin import BACKEND


def izhikevich_2003(seed, n_exc=1600, n_inh=400):
    """Izhikevich's 2003 network, sparsified (10% connectivity, weights scaled up)."""
    net = snn.Network(dt=1.0, seed=seed)
    exc = net.population(n_exc, "izhikevich2003_excitatory", v_substeps=2, label="exc")
    inh = net.population(n_inh, "izhikevich2003_inhibitory", v_substeps=2, label="inh")
    net.connect(exc, exc, snn.FixedProbability(0.1), weight=snn.Uniform(0.0, 5.0),
                delay=snn.Uniform(0.0, 10.0), label="ee")
    net.connect(exc, inh, snn.FixedProbability(0.1), weight=snn.Uniform(0.0, 5.0),
                delay=snn.Uniform(0.0, 10.0), kernel=snn.Exponential(2.0), label="ei")
    net.connect(inh, exc, snn.FixedProbability(0.1), weight=snn.Uniform(-10.0, 0.0),
                delay=1.0, kernel=snn.Alpha(1.0), label="ie")
    net.connect(inh, inh, snn.FixedInDegree(40), weight=snn.Normal(-5.0, 1.0, high=0.0),
                delay=1.0, label="ii")
    net.input(exc, snn.Noise(mean=0.0, std=5.0))
    net.input(inh, snn.Noise(mean=0.0, std=2.0))
    return net, (exc, inh)


def run(seed, threads, T=1000.0):
    net, pops = izhikevich_2003(seed)
    res = net.run(T, record=[snn.Trace("v", neurons=np.arange(0, 400, 7), every=3)],
                  threads=threads, backend=BACKEND)
    return {p.label: (res[p].spike_steps, res[p].spike_ids, res[p].v) for p in pops}


def assert_identical(r1, r2, what):
    for label in r1:
        for name, a, b in zip(("spike_steps", "spike_ids", "v"), r1[label], r2[label]):
            assert a.shape == b.shape and np.array_equal(a, b), f"{what}: {label}.{name}"


@pytest.fixture(scope="module")
def one_thread():
    return run(17, threads=1)


def test_network_is_active(one_thread):
    steps, ids, v = one_thread["exc"]
    n = steps.size
    assert n > 1600, f"too few spikes ({n}) to make the comparison meaningful"
    assert np.unique(ids).size > 800
    assert one_thread["inh"][0].size > 400


@pytest.mark.parametrize("threads", [2, 3, None])
def test_thread_count_does_not_change_results(one_thread, threads):
    assert_identical(one_thread, run(17, threads=threads), f"threads=1 vs {threads}")


def test_same_seed_same_results(one_thread):
    assert_identical(one_thread, run(17, threads=1), "same seed twice")


def test_other_seed_other_results(one_thread):
    other = run(18, threads=1, T=200.0)
    a = one_thread["exc"]
    n = other["exc"][0].size
    same = (a[0][:n].shape == other["exc"][0].shape and
            np.array_equal(a[0][:n], other["exc"][0]) and np.array_equal(a[1][:n],
                                                                       other["exc"][1]))
    assert not same


def test_smaller_thread_team_still_runs_every_thread_part(one_thread, tmp_path):
    """If OpenMP grants fewer threads than the simulation was made for (here
    OMP_THREAD_LIMIT=1; in C++, a run inside another parallel region), the engine runs each
    thread's part in turn: the same results, not half the network."""
    out = tmp_path / "spikes.npz"
    script = (f"import sys, numpy as np; sys.path.insert(0, {os.path.dirname(__file__)!r}); "
              f"import test_threads as t; r = t.run(17, threads=3); "
              f"np.savez({str(out)!r}, "
              f"**{{k + '_' + str(i): a for k, v in r.items() for i, a in enumerate(v)}})")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=300)
    got = np.load(out)
    limited = {label: tuple(got[f"{label}_{i}"] for i in range(3)) for label in one_thread}
    assert_identical(one_thread, limited, "threads=3 under OMP_THREAD_LIMIT=1")
