"""Checks of the NumPy reference itself (no engine needed).

Philox4x32-10 against the Random123 known-answer vectors, the fixed-point rules of
numerics.md, the kernel recursions against their closed forms, and the float32 Izhikevich
step against an independent float64 Euler integration.
"""

import math

import numpy as np
import pytest

import reference as ref

F32 = np.float32


@pytest.mark.parametrize("counter, key, expected", [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
])
def test_philox_known_answers(counter, key, expected):
    out = ref.philox4x32(counter, key)
    assert tuple(int(x) for x in out) == expected
    for x in out:
        assert x.dtype == np.uint32


def test_philox_vectorised_matches_scalar():
    ctr = np.arange(20, dtype=np.int64)
    vec = ref.philox4x32((ctr, 7, 0, 5 << 24 | 3), (123, 0))
    for i in range(20):
        one = ref.philox4x32((i, 7, 0, 5 << 24 | 3), (123, 0))
        assert tuple(int(x[i]) for x in vec) == tuple(int(x) for x in one)


def test_uniform_conversions_ranges():
    words = np.array([0, 1, 255, 256, 0xFFFFFFFF, 0x80000000], dtype=np.uint32)
    oc = ref.uniform_open_closed(words)
    co = ref.uniform_closed_open(words)
    assert oc.dtype == np.float32 and co.dtype == np.float32
    np.testing.assert_array_equal(oc, [2**-24, 2**-24, 2**-24, 2 * 2**-24, 1.0, 0.5 + 2**-24])
    np.testing.assert_array_equal(co, [0.0, 0.0, 0.0, 2**-24, 1 - 2**-24, 0.5])


def test_philox_normals_statistics():
    ctr = np.arange(50000)
    z = np.concatenate(ref.philox_normals((ctr, 0, 0, 5 << 24), (42, 0)))
    se = 1 / math.sqrt(z.size)
    assert abs(z.mean()) < 5 * se
    assert abs(z.std() - 1) < 5 * se


@pytest.mark.parametrize("m, s", [(1.0, 29), (0.5, 30), (0.75, 30), (3.0, 28), (1e-3, 39)])
def test_weight_scale(m, s):
    assert ref.weight_scale([m, -m / 3, 0.0]) == s
    assert ref.weight_scale([-m]) == s


def test_quantise_round_half_even_and_roundtrip():
    w = np.array([1.0, 0.25, -0.3, 2.0**-31, 3 * 2.0**-31, 0.0])
    wq, s = ref.quantise(w)
    assert s == 29
    # 2^-31 * 2^29 = 0.25 -> 0 ; 3 * 2^-31 * 2^29 = 0.75 -> 1 ; ties go to even
    assert wq.tolist()[:3] == [2**29, 2**27, round(-0.3 * 2**29)]
    assert wq[3] == 0 and wq[4] == 1
    wq2, s2 = ref.quantise(ref.dequantise(wq, s))
    assert s2 == s and np.array_equal(wq2, wq)
    ties = np.array([1.0, 2.5 * 2.0**-29, 3.5 * 2.0**-29, -2.5 * 2.0**-29])
    assert ref.quantise(ties)[0].tolist() == [2**29, 2, 4, -2]
    assert ref.quantise(np.zeros(3))[1] == 0


def test_delay_steps():
    assert ref.delay_steps(0.0, 0.1) == 1
    assert ref.delay_steps(0.04, 0.1) == 1
    assert ref.delay_steps(0.26, 0.1) == 3
    assert ref.delay_steps(1.0, 0.1) == 10
    assert ref.delay_steps(2.5, 1.0) == 3      # floor(2.5 + 0.5)
    assert ref.delay_steps(1.5, 1.0) == 2


def _single_arrival_current(kernel, dt, w, steps):
    net = ref.Network(dt)
    src = net.population(1, 0.02, 0.2, -65, 8)
    dst = net.population(1, 0.02, 0.2, -65, 8, v_peak=1e9)
    pr = net.connect(src, dst, [0], [0], [w], [1], kernel)
    # inject one arrival at step 0 directly
    pr.ring[0, 0] = ref.quantise([w])[0][0]
    return net.run(steps, record=("I",))[1]["I"][:, 0]


@pytest.mark.parametrize("kernel", [ref.Exponential(3.0), ref.Alpha(2.0), ref.Instant(),
                                    ref.Sampled(lambda t: np.cos(t) * np.exp(-t / 4), 7.3)])
@pytest.mark.parametrize("dt", [1.0, 0.1, 0.25])
def test_reference_kernels_match_closed_form(kernel, dt):
    w = 1.7
    steps = int(round(40 / dt))
    cur = _single_arrival_current(kernel, dt, w, steps)
    m = np.arange(steps)
    np.testing.assert_allclose(cur, w * kernel.kappa(dt, m), rtol=2e-5, atol=1e-6)


def test_reference_izhikevich_against_float64():
    """The float32 reference stays close to a float64 Euler integration of the same ODE."""
    a, b, c, d, dt, I = 0.02, 0.2, -65.0, 8.0, 0.1, 10.0
    steps = 300
    out = ref.simulate_neurons(a, b, c, d, I, steps, dt)
    v, u = -65.0, b * -65.0
    vs, spikes = [], []
    fired = False
    for k in range(steps):
        if fired:
            v, u = c, u + d
        v = v + dt * (0.04 * v * v + 5 * v + 140 - u + I)
        u = u + dt * a * (b * v - u)
        fired = v >= 30
        if fired:
            v = 30.0
            spikes.append(k)
        vs.append(v)
    assert out["spike_steps"].tolist() == spikes
    np.testing.assert_allclose(out["v"][:, 0], vs, atol=2e-2)
