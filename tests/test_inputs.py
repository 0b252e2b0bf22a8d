"""External inputs: constants, per-neuron arrays, (steps, n) arrays, callables (against the
reference), and Gaussian noise (statistics, independence, determinism, the documented
Philox stream)."""

import math

import numpy as np
import pytest

import reference as ref
import snn
from twin import BACKEND, Twin, assert_same_spikes, assert_trace_close, trace_steps

# The backend suite: every test runs on each backend (conftest.py).
pytestmark = pytest.mark.usefixtures("on_backend")

F32 = np.float32


def run_twin(tw, pop, T, n_out=None):
    res = tw.run(T, record=["v", "u", "I"])
    out = tw.reference().run(int(round(T / tw.dt)))[tw.index(pop)]
    r = res[pop]
    assert_same_spikes(r, out, pop.label)
    for var in ("v", "u", "I"):
        assert_trace_close(getattr(r, var), out[var], what=var)
    return r, out


def test_constant_scalar():
    tw = Twin(0.1, seed=1)
    pop = tw.population(3, "chattering", label="p")
    tw.input(pop, 7.5)
    r, out = run_twin(tw, pop, 100.0)
    np.testing.assert_array_equal(r.I, F32(7.5))
    assert r.n_spikes > 0


def test_constant_per_neuron_array():
    tw = Twin(0.5, seed=1)
    pop = tw.population(5, "regular_spiking", label="p")
    x = np.array([0.0, 3.0, 6.0, 9.0, 12.0])
    tw.input(pop, x)
    r, out = run_twin(tw, pop, 200.0)
    np.testing.assert_array_equal(r.I, np.broadcast_to(x.astype(F32), r.I.shape))
    counts = np.bincount(r.spike_ids, minlength=5)
    assert counts[0] == 0 and counts[4] > counts[2] > 0


def test_array_steps_by_n_and_zero_after_end():
    dt = 0.25
    steps_in = 300
    rng = np.random.default_rng(3)
    x = rng.uniform(-2.0, 15.0, (steps_in, 4))
    tw = Twin(dt, seed=1)
    pop = tw.population(4, "fast_spiking", label="p")
    tw.input(pop, x)
    T = 150.0                                     # 600 steps: the array ends half way
    r, out = run_twin(tw, pop, T)
    np.testing.assert_array_equal(r.I[:steps_in], x.astype(F32))
    np.testing.assert_array_equal(r.I[steps_in:], 0.0)
    assert r.n_spikes > 0


def test_array_rows_are_global_steps_across_runs():
    """Row k of the array is step k counted from the network's start, over several runs."""
    dt = 1.0
    x = np.arange(100, dtype=float)[:, None] * np.array([[0.1, 0.2]])
    net = snn.Network(dt=dt, seed=1)
    pop = net.population(2, "regular_spiking", label="p")
    net.input(pop, x)
    r1 = net.run(30.0, record="I", backend=BACKEND)
    r2 = net.run(90.0, record="I", backend=BACKEND)
    I = np.concatenate([r1[pop].I, r2[pop].I])
    np.testing.assert_array_equal(trace_steps(r2[pop], "I"), np.arange(30, 120))
    np.testing.assert_array_equal(I[:100], x.astype(F32))
    np.testing.assert_array_equal(I[100:], 0.0)


def test_callable_scalar_called_once_per_step_with_time_in_ms():
    dt = 0.1
    calls = []

    def f(t):
        calls.append(t)
        return 6.0 + 4.0 * math.sin(2 * math.pi * t / 25.0)

    tw = Twin(dt, seed=1)
    pop = tw.population(3, "regular_spiking", label="p")
    tw.input(pop, f)
    res = tw.run(100.0, record=["v", "u", "I"])
    n = 1000
    t = np.sort(np.asarray(calls, dtype=float))
    assert t.size == n, f"callable called {t.size} times for {n} steps"
    np.testing.assert_allclose(t, np.arange(n) * dt, rtol=1e-12, atol=1e-12)
    expected = np.array([F32(6.0 + 4.0 * math.sin(2 * math.pi * k * dt / 25.0))
                         for k in range(n)])
    np.testing.assert_allclose(res[pop].I[:, 0], expected, rtol=1e-6, atol=1e-6)
    calls.clear()
    out = tw.reference().run(n)[0]
    assert_same_spikes(res[pop], out, "p")
    assert_trace_close(res[pop].v, out["v"], what="v")
    # a second run continues the clock
    calls.clear()
    tw.run(5.0)
    np.testing.assert_allclose(np.sort(calls), 100.0 + np.arange(50) * dt, rtol=1e-12)


def test_callable_per_neuron():
    n = 6
    gains = np.linspace(2.0, 12.0, n)

    def f(t):
        return gains * (1.0 + 0.5 * np.cos(t / 10.0))

    tw = Twin(0.5, seed=1)
    pop = tw.population(n, "intrinsically_bursting", label="p")
    tw.input(pop, f)
    r, out = run_twin(tw, pop, 300.0)
    assert r.n_spikes > 0


def test_several_inputs_add_in_order():
    dt = 0.25
    rng = np.random.default_rng(8)
    n = 4
    tw = Twin(dt, seed=1)
    pop = tw.population(n, "low_threshold_spiking", label="p")
    tw.input(pop, 1e-3)
    tw.input(pop, rng.uniform(0, 5, n))
    tw.input(pop, rng.uniform(0, 5, (200, n)))
    tw.input(pop, lambda t: 2.0 * (t > 20.0))
    r, out = run_twin(tw, pop, 100.0)
    assert r.n_spikes > 0


# ---- noise ------------------------------------------------------------------------------

def noise_net(seed, n=1000, mean=5.0, std=2.0, pops=1, extra_const=None):
    net = snn.Network(dt=0.5, seed=seed)
    out = []
    for p in range(pops):
        pop = net.population(n, "regular_spiking", label=f"noisy{p}")
        net.input(pop, snn.Noise(mean=mean, std=std))
        if extra_const is not None:
            net.input(pop, extra_const)
        out.append(pop)
    return net, out


def test_noise_mean_and_std():
    net, (pop,) = noise_net(1)
    res = net.run(500.0, record="I", backend=BACKEND)        # 1000 steps x 1000 neurons
    I = res[pop].I.astype(np.float64)
    N = I.size
    assert abs(I.mean() - 5.0) < 4 * 2.0 / math.sqrt(N)
    assert abs(I.std() - 2.0) < 4 * 2.0 / math.sqrt(2 * N)
    # per-neuron means scatter as 2/sqrt(steps)
    per = I.mean(axis=0)
    assert per.std() == pytest.approx(2.0 / math.sqrt(I.shape[0]), rel=0.15)
    # Gaussian tails: fraction beyond 2 sd
    frac = np.mean(np.abs(I - 5.0) > 4.0)
    p = math.erfc(2 / math.sqrt(2))
    assert abs(frac - p) < 5 * math.sqrt(p / N)


def test_noise_independent_across_neurons_and_steps():
    net, (pop,) = noise_net(2)
    I = net.run(500.0, record="I", backend=BACKEND)[pop].I.astype(np.float64)
    z = (I - I.mean(axis=0)) / I.std(axis=0)
    steps = z.shape[0]
    # neurons 0..11 share Philox calls in groups of four: their lanes must be independent
    C = np.corrcoef(z[:, :12].T)
    off = C[~np.eye(12, dtype=bool)]
    assert np.max(np.abs(off)) < 5 / math.sqrt(steps)
    # average cross-correlation over many pairs of neighbours is ~0
    cross = np.mean(z[:, :-1] * z[:, 1:])
    assert abs(cross) < 5 / math.sqrt(z.size)
    # no correlation between consecutive steps
    lag1 = np.mean(z[:-1] * z[1:])
    assert abs(lag1) < 5 / math.sqrt(z.size)
    # fresh draw each step: no neuron repeats its value
    assert np.mean(I[1:] == I[:-1]) < 1e-3


def test_noise_per_neuron_mean_and_std():
    n = 400
    mean = np.linspace(-2, 6, n)
    std = np.linspace(0.5, 3, n)
    net = snn.Network(dt=1.0, seed=3)
    pop = net.population(n, "regular_spiking", label="p")
    net.input(pop, snn.Noise(mean=mean, std=std))
    I = net.run(1000.0, record="I", backend=BACKEND)[pop].I.astype(np.float64)
    steps = I.shape[0]
    zm = (I.mean(axis=0) - mean) / (std / math.sqrt(steps))
    assert np.all(np.abs(zm) < 5)
    assert abs(zm.mean()) < 5 / math.sqrt(n)
    np.testing.assert_allclose(I.std(axis=0), std, rtol=5 / math.sqrt(2 * steps))


def test_noise_deterministic_and_seed_dependent():
    def record(seed):
        net, pops = noise_net(seed, n=200, pops=2)
        res = net.run(100.0, record="I", backend=BACKEND)
        return [res[p].I for p in pops], [res[p].spike_steps for p in pops]

    (I1, S1), (I2, S2), (I3, _) = record(4), record(4), record(5)
    for a, b in zip(I1, I2):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(S1, S2):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(I1[0], I3[0])
    # two populations with the same Noise draw different values
    assert np.mean(I1[0] == I1[1]) < 1e-3
    assert abs(np.corrcoef(I1[0].ravel(), I1[1].ravel())[0, 1]) < 0.02


def test_noise_adds_to_other_inputs():
    net, (pop,) = noise_net(6, n=300, mean=0.0, std=1.0, extra_const=10.0)
    I = net.run(200.0, record="I", backend=BACKEND)[pop].I.astype(np.float64)
    assert abs(I.mean() - 10.0) < 4 / math.sqrt(I.size)
    assert abs(I.std() - 1.0) < 4 / math.sqrt(2 * I.size)


def test_noise_continues_across_runs():
    def run(split):
        net, (pop,) = noise_net(7, n=50)
        if split:
            r1 = net.run(50.0, record="I", backend=BACKEND)
            r2 = net.run(50.0, record="I", backend=BACKEND)
            return (np.concatenate([r1[pop].I, r2[pop].I]),
                    np.concatenate([r1[pop].spike_steps, r2[pop].spike_steps]),
                    np.concatenate([r1[pop].spike_ids, r2[pop].spike_ids]))
        r = net.run(100.0, record="I", backend=BACKEND)
        return r[pop].I, r[pop].spike_steps, r[pop].spike_ids

    for a, b in zip(run(True), run(False)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed, n, threads", [(11, 37, 1), (2**33 + 5, 37, 1), (11, 4500, 1), (11, 4500, 2)])
def test_noise_follows_documented_philox_stream(seed, n, threads):
    """numerics.md: noise of neuron i of population p at step k uses counter
    (i / 4, k lo, k hi, 5 << 24 | p), lane i % 4 of four Box-Muller normals.  The engine's
    float32 log/cos polynomials are not replicated, so values agree to ~1e-4 only.
    (4500 neurons with two threads: the second thread's noise starts at neuron 2304.)"""
    net = snn.Network(dt=1.0, seed=seed)
    first = net.population(5, "regular_spiking", label="first")        # p = 0
    pop = net.population(n, "regular_spiking", label="second")         # p = 1
    net.input(first, 1.0)
    net.input(pop, snn.Noise(mean=0.5, std=1.5))
    steps = 60
    I = net.run(float(steps), record="I", backend=BACKEND, threads=threads)[pop].I.astype(np.float64)
    expected = np.stack([0.5 + 1.5 * ref.noise_normals(seed, 1, n, k) for k in range(steps)])
    np.testing.assert_allclose(I, expected, atol=2e-4, rtol=1e-5)


def test_start_delays_each_kind_of_input_by_whole_steps():
    """start = 3 steps: the input is 0 before; then a callable gets t = 0, dt, ... and an
    array gives rows 0, 1, ... (zero after its end); a constant is on from there."""
    dt, n, start = 0.5, 2, 3
    net = snn.Network(dt=dt)
    pops = [net.population(n, "regular_spiking", v_peak=1e9, label=x) for x in "abc"]
    seen = []
    net.input(pops[0], lambda t: seen.append(t) or 1.0 + t, start=start * dt)
    rows = np.array([[2.0, 3.0], [4.0, 5.0]])
    net.input(pops[1], rows, start=start * dt)
    net.input(pops[2], 7.0, start=start * dt)
    res = net.run(5.0, record=["I"], backend=BACKEND)
    expected_a = np.r_[np.zeros(start), 1.0 + dt * np.arange(10 - start)]
    np.testing.assert_array_equal(res["a"].I[:, 0], expected_a.astype(F32))
    assert seen == [j * dt for j in range(10 - start)]
    expected_b = np.zeros((10, n))
    expected_b[start:start + 2] = rows
    np.testing.assert_array_equal(res["b"].I, expected_b.astype(F32))
    np.testing.assert_array_equal(res["c"].I[:, 1], np.r_[np.zeros(start), np.full(10 - start, 7.0)])
    with pytest.raises(snn.ConfigError, match="start = 0.3 ms is not a whole number of steps"):
        net.input(pops[0], 1.0, start=0.3)
    with pytest.raises(snn.ConfigError, match="Noise starts with the run"):
        net.input(pops[0], snn.Noise(0, 1), start=dt)


def test_callables_are_called_step_by_step_in_the_order_added():
    """Two callables sharing one random generator see the same draws whatever the chunk
    sizes of the run: step-major order, inputs in the order added."""
    calls = []

    def build():
        net = snn.Network(dt=1.0)
        a = net.population(1, "regular_spiking", label="a")
        b = net.population(1, "regular_spiking", label="b")
        net.input(a, lambda t: calls.append(("a", t)) or 0.0)
        net.input(b, lambda t: calls.append(("b", t)) or 0.0)
        return net

    build().run(40.0, backend=BACKEND)
    one_run = list(calls)
    assert one_run == [(x, float(t)) for t in range(40) for x in "ab"]
    calls.clear()
    net = build()
    for T in (3.0, 17.0, 20.0):
        net.run(T, backend=BACKEND)
    assert calls == one_run


def test_two_noise_inputs_of_one_population_draw_independent_streams():
    """numerics.md: input m of a population uses counter word 2 = (k >> 32) ^ (m << 16), so a
    second Noise input is not a copy of the first."""
    seed, steps = 5, 40
    net = snn.Network(dt=1.0, seed=seed)
    pop = net.population(16, "regular_spiking", label="p")
    net.input(pop, snn.Noise(0.0, 1.0))
    net.input(pop, snn.Noise(0.0, 1.0))
    I = net.run(float(steps), record="I", backend=BACKEND)[pop].I.astype(np.float64)
    first = np.stack([ref.noise_normals(seed, 0, 16, k, 0) for k in range(steps)])
    second = np.stack([ref.noise_normals(seed, 0, 16, k, 1) for k in range(steps)])
    np.testing.assert_allclose(I, first + second, atol=4e-4, rtol=1e-5)
    assert abs(np.corrcoef(first.ravel(), second.ravel())[0, 1]) < 0.2


@pytest.mark.parametrize("rate, dt, n, threads", [(3.7, 0.5, 1000, 1), (1.0, 1.0, 1000, 1),
                                                  (3.7, 0.5, 5000, 1), (3.7, 0.5, 5000, 2)])
def test_pulses_follow_documented_stream(rate, dt, n, threads):
    """Pulses hit floor(lam) neurons per step plus one with probability frac(lam), drawn as
    numerics.md says; the amplitude adds to the other inputs, once per hit. (With two
    threads each keeps the pulses that hit its own neurons.)"""
    seed, steps, amplitude = 21, 300, 20.0
    net = snn.Network(dt=dt, seed=seed)
    net.population(3, "regular_spiking", label="other")                  # p = 0
    pop = net.population(n, "regular_spiking", label="p")              # p = 1
    net.input(pop, 1.0)                                                # input 0
    net.input(pop, snn.Pulses(rate=rate, amplitude=amplitude))         # input 1
    I = net.run(steps * dt, record="I", backend=BACKEND, threads=threads)[pop].I
    expected = np.zeros((steps, n), F32)
    counts = []
    for k in range(steps):
        hits = ref.pulse_targets(seed, 1, 1, n, rate, dt, k)
        counts.append(hits.size)
        row = np.full(n, F32(1.0))
        for i in hits:
            row[i] = row[i] + F32(amplitude)
        expected[k] = row
    np.testing.assert_array_equal(I, expected)
    lam = n * rate * dt / 1000
    assert set(counts) <= {math.floor(lam), math.floor(lam) + 1}
    assert abs(np.mean(counts) - lam) < 4 * math.sqrt(0.25 / steps) + 1e-12


def test_pulses_rate_and_uniform_targets():
    """Over many steps each neuron is hit at the requested rate (Poisson-like counts)."""
    n, rate, dt, steps = 200, 50.0, 1.0, 4000
    net = snn.Network(dt=dt, seed=3)
    pop = net.population(n, "regular_spiking", v_peak=1e9, label="p")  # no spikes: plain sums
    net.input(pop, snn.Pulses(rate=rate, amplitude=1.0))
    I = net.run(steps * dt, record="I", backend=BACKEND)[pop].I
    hits = I.sum(axis=0)
    expected = rate * steps * dt / 1000                                # 200 per neuron
    assert abs(hits.mean() - expected) < 1e-9 + 4 * math.sqrt(expected / n)
    # Binomial spread across neurons: variance about the mean (chi-square, loose bounds).
    assert 0.6 * expected < hits.var() < 1.5 * expected


def test_pulses_identical_for_any_thread_count():
    def spikes(threads):
        net = snn.Network(dt=1.0, seed=9)
        pop = net.population(3000, "regular_spiking", label="p")
        net.connect(pop, pop, snn.FixedOutDegree(20), weight=4.0, delay=snn.Uniform(1, 10))
        net.input(pop, snn.Pulses(rate=20.0, amplitude=20.0))
        r = net.run(200.0, threads=threads, backend=BACKEND)[pop]
        return r.spike_steps, r.spike_ids

    one, two = spikes(1), spikes(2)
    assert one[0].size > 100
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])
