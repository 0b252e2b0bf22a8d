"""Izhikevich neurons: presets, parameters, and single-population runs against the
float32 reference of docs/numerics.md."""

import numpy as np
import pytest

import reference as ref
import snn
from twin import Twin, assert_same_spikes, assert_trace_close

# The backend suite: every test runs on each backend (conftest.py).
pytestmark = pytest.mark.usefixtures("on_backend")

F32 = np.float32

# (dt, v_substeps) combinations: Izhikevich 2003 (1 ms, 2 substeps), plain 1 ms, 0.1 ms.
CONFIGS = [(1.0, 2), (1.0, 1), (0.1, 1), (0.25, 2)]


@pytest.mark.parametrize("name", sorted(ref.PRESETS))
def test_preset_parameters(name):
    a, b, c, d = ref.PRESETS[name]
    net = snn.Network(dt=0.1, seed=3)
    pop = net.population(4, name, label=name)
    assert pop.size == 4 and pop.label == name
    P = pop.parameters()
    for key, val in zip("abcd", (a, b, c, d)):
        assert P[key].dtype == np.float32 and P[key].shape == (4,)
        np.testing.assert_array_equal(P[key], np.full(4, F32(val)), err_msg=f"{name}.{key}")
    np.testing.assert_array_equal(P["v0"], np.full(4, F32(-65.0)))
    # u0 defaults to float32(b * v0)
    np.testing.assert_allclose(P["u0"], np.full(4, b * -65.0), rtol=1e-6)
    np.testing.assert_array_equal(pop.v, P["v0"])
    np.testing.assert_array_equal(pop.u, P["u0"])


@pytest.mark.parametrize("dt, substeps", CONFIGS)
@pytest.mark.parametrize("name", sorted(ref.PRESETS))
def test_preset_constant_input_matches_reference(name, dt, substeps):
    tw = Twin(dt, seed=1)
    pop = tw.population(1, name, v_substeps=substeps, label="n")
    tw.input(pop, 10.0)
    T = 300.0
    res = tw.run(T, record=["v", "u", "I"])
    out = tw.reference().run(int(round(T / dt)))[0]
    r = res[pop]
    assert out["spike_steps"].size > 3       # the reference neuron does fire
    assert_same_spikes(r, out, f"{name} dt={dt} substeps={substeps}")
    for var in ("v", "u", "I"):
        assert_trace_close(getattr(r, var), out[var], atol=1e-4, what=f"{name} {var}")
    # the input is exactly 10 every step
    np.testing.assert_array_equal(r.I, np.full_like(r.I, F32(10.0)))


def test_preset_keyword_override():
    net = snn.Network(dt=0.1, seed=1)
    pop = net.population(3, "regular_spiking", d=4.0, v0=-70.0, label="rs")
    P = pop.parameters()
    np.testing.assert_array_equal(P["d"], np.full(3, F32(4.0)))
    np.testing.assert_array_equal(P["a"], np.full(3, F32(0.02)))
    np.testing.assert_array_equal(P["v0"], np.full(3, F32(-70.0)))
    np.testing.assert_allclose(P["u0"], np.full(3, 0.2 * -70.0), rtol=1e-6)


def test_per_neuron_parameters_and_custom_peak_match_reference():
    rng = np.random.default_rng(5)
    n = 12
    a = rng.uniform(0.02, 0.1, n)
    b = rng.uniform(0.2, 0.25, n)
    c = rng.uniform(-65, -50, n)
    d = rng.uniform(0.05, 8, n)
    v0 = rng.uniform(-70, -60, n)
    u0 = rng.uniform(-15, -12, n)
    I = rng.uniform(0, 15, n)
    dt = 0.1
    tw = Twin(dt, seed=2)
    pop = tw.population(n, a=a, b=b, c=c, d=d, v0=v0, u0=u0, v_peak=25.0, v_substeps=3,
                        label="custom")
    tw.input(pop, I)
    P = pop.parameters()
    for key, val in dict(a=a, b=b, c=c, d=d, v0=v0, u0=u0).items():
        np.testing.assert_array_equal(P[key], val.astype(F32), err_msg=key)
    res = tw.run(200.0, record=["v", "u"])
    out = tw.reference().run(2000)[0]
    assert out["spike_steps"].size > 10
    assert_same_spikes(res[pop], out, "custom")
    assert_trace_close(res[pop].v, out["v"], what="v")
    assert_trace_close(res[pop].u, out["u"], what="u")
    # every spike shows as exactly one sample at v_peak
    r = res[pop]
    np.testing.assert_array_equal(r.v[r.spike_steps, r.spike_ids], F32(25.0))
    spiking = np.zeros(r.v.shape, bool)
    spiking[r.spike_steps, r.spike_ids] = True
    assert np.all(r.v[~spiking] < F32(25.0))


def test_default_u0_is_b_times_v0():
    net = snn.Network(dt=1.0, seed=1)
    pop = net.population(2, a=0.02, b=0.25, c=-65, d=2, v0=-63.0, label="p")
    P = pop.parameters()
    np.testing.assert_array_equal(P["u0"], np.full(2, F32(0.25 * -63.0)))


def test_izhikevich2003_excitatory_parameters():
    n = 2000
    net = snn.Network(dt=1.0, seed=11)
    pop = net.population(n, "izhikevich2003_excitatory", label="exc")
    P = pop.parameters()
    for key in ("a", "b", "c", "d", "v0", "u0"):
        assert P[key].shape == (n,) and P[key].dtype == np.float32, key
    np.testing.assert_array_equal(P["a"], np.full(n, F32(0.02)))
    np.testing.assert_array_equal(P["b"], np.full(n, F32(0.2)))
    c, d = P["c"].astype(float), P["d"].astype(float)
    assert np.all(c >= -65.0) and np.all(c < -50.0 + 1e-4)
    assert np.all(d > 2.0 - 1e-4) and np.all(d <= 8.0)
    r2_c = (c + 65.0) / 15.0
    r2_d = (8.0 - d) / 6.0
    np.testing.assert_allclose(r2_c, r2_d, atol=2e-5)   # one r per neuron for c and d
    r = np.sqrt(np.clip(r2_c, 0, None))
    # r uniform in [0, 1): mean 1/2, sd 1/sqrt(12)
    assert abs(r.mean() - 0.5) < 4 / np.sqrt(12 * n)
    assert abs(r.std() - 1 / np.sqrt(12)) < 0.02
    np.testing.assert_array_equal(P["v0"], np.full(n, F32(-65.0)))
    np.testing.assert_allclose(P["u0"], P["b"].astype(float) * -65.0, rtol=1e-6)


def test_izhikevich2003_inhibitory_parameters():
    n = 2000
    net = snn.Network(dt=1.0, seed=12)
    pop = net.population(n, "izhikevich2003_inhibitory", label="inh")
    P = pop.parameters()
    a, b = P["a"].astype(float), P["b"].astype(float)
    assert np.all(a >= 0.02 - 1e-7) and np.all(a < 0.1 + 1e-7)
    assert np.all(b > 0.2 - 1e-7) and np.all(b <= 0.25 + 1e-7)
    ra = (a - 0.02) / 0.08
    rb = (0.25 - b) / 0.05
    np.testing.assert_allclose(ra, rb, atol=2e-5)
    assert abs(ra.mean() - 0.5) < 4 / np.sqrt(12 * n)
    assert abs(ra.std() - 1 / np.sqrt(12)) < 0.02
    np.testing.assert_array_equal(P["c"], np.full(n, F32(-65.0)))
    np.testing.assert_array_equal(P["d"], np.full(n, F32(2.0)))
    np.testing.assert_allclose(P["u0"], b * -65.0, rtol=1e-6)


def test_izhikevich2003_parameters_depend_on_seed_only():
    def params(seed):
        net = snn.Network(dt=1.0, seed=seed)
        pop = net.population(300, "izhikevich2003_excitatory", label="exc")
        return pop.parameters()["c"]

    np.testing.assert_array_equal(params(4), params(4))
    assert not np.array_equal(params(4), params(5))


def test_izhikevich2003_populations_match_reference():
    dt = 1.0
    tw = Twin(dt, seed=21)
    exc = tw.population(40, "izhikevich2003_excitatory", v_substeps=2, label="exc")
    inh = tw.population(10, "izhikevich2003_inhibitory", v_substeps=2, label="inh")
    rng = np.random.default_rng(0)
    tw.input(exc, rng.uniform(4, 12, 40))
    tw.input(inh, rng.uniform(2, 8, 10))
    res = tw.run(500.0, record=["v", "u"])
    outs = tw.reference().run(500)
    for pop, out in ((exc, outs[0]), (inh, outs[1])):
        assert out["spike_steps"].size > 20
        assert_same_spikes(res[pop], out, pop.label)
        assert_trace_close(res[pop].v, out["v"], what=f"{pop.label} v")
        assert_trace_close(res[pop].u, out["u"], what=f"{pop.label} u")
