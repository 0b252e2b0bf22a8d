"""Synaptic kernels: the current of one spike over time is weight * kappa (closed forms of
the README), arriving exactly D = max(1, round(delay/dt)) steps after the spike."""

import math

import numpy as np
import pytest

import reference as ref
import snn
from twin import Twin, assert_same_spikes, assert_trace_close

# The backend suite: every test runs on each backend (conftest.py).
pytestmark = pytest.mark.usefixtures("on_backend")

F32 = np.float32

DTS = [1.0, 0.1, 0.25]
DELAYS = [0.0, 1.0, 2.6]


def wavelet(t):
    return np.exp(-np.asarray(t) / 2.0) * np.cos(np.asarray(t) * 1.3)


KERNELS = {
    "instant": lambda: ref.Instant(),
    "exponential": lambda: ref.Exponential(4.0),
    "alpha": lambda: ref.Alpha(2.5),
    "kernel": lambda: ref.Sampled(wavelet, 5.05),
    "kernel_boundary": lambda: ref.Sampled(wavelet, 2.0),
}


def one_spike_network(dt, kernel, weight, delay, seed=1, spike_at_ms=3.0, T=50.0,
                      target_substeps=1):
    """A source neuron that fires once (a (steps, 1) input array whose only non-zero row is
    the last), and a 2-neuron target that never fires; only target neuron 1 is connected."""
    tw = Twin(dt, seed=seed)
    src = tw.population(1, "regular_spiking", label="src")
    dst = tw.population(2, "regular_spiking", v_peak=1e9, v_substeps=target_substeps,
                        label="dst")
    s0 = int(round(spike_at_ms / dt))
    drive = np.zeros((s0 + 1, 1))
    drive[s0, 0] = 1000.0
    tw.input(src, drive)
    proj = tw.connect(src, dst, (np.array([0]), np.array([1])), kernel=kernel, weight=weight,
                      delay=delay, label="syn")
    res = tw.run(T, record=["v", "u", "I"])
    return tw, src, dst, proj, res


def source_spike(res, src):
    steps = res[src].spike_steps
    assert steps.size == 1, f"the source should fire exactly once, fired at {steps}"
    return int(steps[0])


@pytest.mark.parametrize("delay", DELAYS)
@pytest.mark.parametrize("dt", DTS)
@pytest.mark.parametrize("kname", sorted(KERNELS))
def test_single_spike_current_is_weight_times_kappa(kname, dt, delay):
    kernel = KERNELS[kname]()
    weight = 3.7 if delay == 0.0 else -2.3
    T = 50.0
    tw, src, dst, proj, res = one_spike_network(dt, kernel, weight, delay, T=T)
    k = source_spike(res, src)
    D = int(ref.delay_steps(delay, dt))
    assert D == max(1, math.floor(delay / dt + 0.5))
    pre, post, w, delay_ms = proj.synapses()
    assert proj.delay_steps().tolist() == [D] and delay_ms.tolist() == [D * dt]
    # (the precision of the stored weight itself is checked in test_connectivity.py)
    assert w.tolist() == pytest.approx([weight], rel=1e-7)

    I = res[dst].I
    steps = int(round(T / dt))
    assert I.shape == (steps, 2)
    np.testing.assert_array_equal(I[:, 0], 0.0)       # the unconnected neuron gets nothing
    cur = I[:, 1].astype(np.float64)
    arrival = k + D
    assert np.all(cur[:arrival] == 0.0), \
        f"current before arrival step {arrival}: {np.flatnonzero(cur[:arrival])}"
    m = np.arange(steps - arrival)
    kappa = kernel.kappa(dt, m)
    expected = w[0] * kappa
    # float32 recursion: q = float32(exp(-dt/tau)) and one rounding per step accumulate
    tol = np.abs(weight) * (1e-5 * np.abs(kappa) + (m + 1) * 1.5e-7 * np.abs(kappa)) \
        + ref.fixed_point_step([weight]) + 1e-7 * abs(weight)
    err = np.abs(cur[arrival:] - expected)
    bad = np.flatnonzero(err > tol)
    assert bad.size == 0, (
        f"{kname} dt={dt} delay={delay}: first mismatch m={bad[0]}: current "
        f"{cur[arrival + bad[0]]!r}, expected {expected[bad[0]]!r}")
    if kname.startswith("kernel"):
        L = kernel.length(dt)
        assert np.all(cur[arrival + L:] == 0.0), "the sampled kernel must end after its window"
        assert np.any(cur[arrival:arrival + L] != 0.0)
    # and the full traces follow the reference bit for bit (up to 1e-4)
    out = tw.reference().run(steps)
    assert_same_spikes(res[src], out[0], "src")
    assert_trace_close(res[dst].I, out[1]["I"], atol=1e-6, what="I")
    assert_trace_close(res[dst].v, out[1]["v"], atol=1e-4, what="v")


@pytest.mark.parametrize("delay", DELAYS)
@pytest.mark.parametrize("dt", DTS)
def test_instant_v_jumps_the_voltage(dt, delay):
    weight = 4.5
    substeps = 2
    T = 30.0
    tw, src, dst, proj, res = one_spike_network(dt, ref.InstantV(), weight, delay, T=T,
                                                target_substeps=substeps)
    k = source_spike(res, src)
    D = int(ref.delay_steps(delay, dt))
    arrival = k + D
    v, u, I = res[dst].v, res[dst].u, res[dst].I
    np.testing.assert_array_equal(I, 0.0)             # a jump, not a current
    # before the arrival both target neurons follow the same trajectory
    np.testing.assert_array_equal(v[:arrival, 0], v[:arrival, 1])
    assert v[arrival, 1] > v[arrival, 0] + 0.5 * weight
    # the arrival step: v = v + w right after the reset, then the Euler substeps
    vv = v[arrival - 1, 1] + F32(weight)
    uu = u[arrival - 1, 1]
    h = F32(dt / substeps)
    for _ in range(substeps):
        vv = vv + h * (F32(0.04) * vv * vv + F32(5.0) * vv + F32(140.0) - uu + F32(0.0))
    assert v[arrival, 1] == pytest.approx(float(vv), abs=1e-4)
    out = tw.reference().run(int(round(T / dt)))
    assert_trace_close(v, out[1]["v"], what="v")
    assert_trace_close(u, out[1]["u"], what="u")


@pytest.mark.parametrize("kernel", [ref.Exponential(3.0), ref.Alpha(1.5),
                                    ref.Sampled(wavelet, 3.3)],
                         ids=["exponential", "alpha", "kernel"])
def test_kernel_superposition_of_several_spikes(kernel):
    """Several spikes from several sources superpose linearly (fixed-point sum per step)."""
    dt = 0.1
    tw = Twin(dt, seed=3)
    src = tw.population(3, "regular_spiking", label="src")
    dst = tw.population(1, "regular_spiking", v_peak=1e9, label="dst")
    drive = np.zeros((80, 3))
    drive[10, 0] = drive[25, 1] = drive[25, 2] = drive[60, 0] = 1000.0
    tw.input(src, drive)
    w = np.array([1.5, -0.75, 2.25])
    d = np.array([0.5, 1.2, 0.0])
    proj = tw.connect(src, dst, (np.arange(3), np.zeros(3, int)), kernel=kernel, weight=w,
                      delay=d, label="syn")
    res = tw.run(30.0, record=["I"])
    assert res[src].n_spikes >= 3
    pre, post, wq, _ = proj.synapses()
    D = proj.delay_steps()
    cur = res[dst].I[:, 0].astype(float)
    expected = np.zeros_like(cur)
    for s, i in zip(res[src].spike_steps, res[src].spike_ids):
        j = int(np.flatnonzero(pre == i)[0])
        start = int(s) + int(D[j])
        m = np.arange(cur.size - start)
        expected[start:] += wq[j] * kernel.kappa(dt, m)
    np.testing.assert_allclose(cur, expected, rtol=1e-5, atol=1e-5)
    out = tw.reference().run(300)
    assert_trace_close(res[dst].I, out[1]["I"], atol=1e-6, what="I")


@pytest.mark.parametrize("threads", [1, 2])
def test_sampled_kernels_share_history_per_target(threads):
    """Sampled projections into one population with equal samples share one history (sums of
    arrivals in projection order, one current at the first of them), interleaved with other
    kernels and a different sampled kernel; 100 targets (tiles of 32 plus a partial one);
    identical bits to the reference."""
    dt = 0.25
    tw = Twin(dt, seed=5)
    a = tw.population(60, "regular_spiking", label="a")
    b = tw.population(40, "chattering", label="b")
    dst = tw.population(100, "fast_spiking", label="dst")
    tw.input(a, np.random.default_rng(1).uniform(4, 12, 60))
    tw.input(b, 9.0)
    tw.input(dst, 2.0)
    rng = np.random.default_rng(2)
    shared = ref.Sampled(wavelet, 3.3)
    tw.connect(a, dst, rng.uniform(0, 2, (60, 100)), shared, delay=1.0, label="a1")
    tw.connect(b, dst, snn.FixedProbability(0.3), ref.Exponential(2.0), weight=-1.5, label="b1")
    tw.connect(b, dst, rng.uniform(-3, 0, (40, 100)), shared, delay=2.0, label="b2")
    tw.connect(a, dst, snn.FixedInDegree(10), ref.Sampled(wavelet, 2.0),
               weight=snn.Uniform(0, 4), label="a2")
    tw.connect(dst, dst, snn.FixedProbability(0.1), shared, weight=-0.7, delay=0.5, label="dd")
    res = tw.run(100.0, record=["I"], threads=threads)
    out = tw.reference().run(400)
    assert res[dst].n_spikes > 100
    assert_same_spikes(res[dst], out[2], "dst")
    np.testing.assert_array_equal(res[dst].I, out[2]["I"])


def test_kernel_from_samples_equals_the_sampled_function():
    """Kernel.from_samples(kappa) is the kernel whose samples are kappa, per step."""
    dt = 0.25
    t = np.arange(13) * dt
    runs = []
    for kernel in (snn.Kernel(wavelet, 13 * dt - 1e-9), snn.Kernel.from_samples(wavelet(t))):
        net = snn.Network(dt=dt, seed=2)
        src = net.population(5, "chattering", label="src")
        dst = net.population(4, "regular_spiking", label="dst")
        net.input(src, 12.0)
        net.connect(src, dst, snn.AllToAll(), weight=3.0, delay=1.0, kernel=kernel)
        runs.append(net.run(100.0, record=["I"], backend="cpu")["dst"].I)
    assert np.abs(runs[0]).max() > 1
    np.testing.assert_array_equal(runs[0], runs[1])
    for bad, match in (([], "needs 1 to"), ([[1.0]], "must be 1-D"), ("x", "1-D array")):
        with pytest.raises(snn.ConfigError, match=match):
            net = snn.Network(dt=dt)
            p = net.population(1, "regular_spiking")
            net.connect(p, p, snn.AllToAll(), kernel=snn.Kernel.from_samples(bad))
