"""Results: zero-copy arrays that outlive the network, continued runs, state get/set,
selective recording, rates."""

import gc

import numpy as np
import pytest

import reference as ref
import snn
from twin import BACKEND, Twin, assert_same_spikes, assert_trace_close, trace_neurons, trace_steps

# The backend suite: every test runs on each backend (conftest.py).
pytestmark = pytest.mark.usefixtures("on_backend")

F32 = np.float32


def small_twin(dt=0.25, seed=3):
    rng = np.random.default_rng(seed)
    tw = Twin(dt, seed=seed)
    exc = tw.population(40, "izhikevich2003_excitatory", label="exc")
    inh = tw.population(10, "fast_spiking", label="inh")
    tw.connect(exc, inh, snn.FixedProbability(0.3), ref.Exponential(2.0), weight=2.0,
               delay=snn.Uniform(0.5, 3.0), label="ei")
    tw.connect(inh, exc, snn.FixedInDegree(4), ref.Alpha(1.5), weight=-3.0, delay=1.0,
               label="ie")
    tw.input(exc, rng.uniform(3, 10, 40))
    tw.input(inh, lambda t: 2.0 + np.sin(t / 7.0))
    return tw, exc, inh


def test_result_dtypes_shapes_and_lookup():
    tw, exc, inh = small_twin()
    res = tw.run(100.0, record="v")
    r = res[exc]
    assert res["exc"].n_spikes == r.n_spikes
    np.testing.assert_array_equal(res["exc"].spike_ids, r.spike_ids)
    assert r.spike_steps.dtype == np.int64
    assert r.spike_times.dtype == np.float64
    assert r.spike_ids.dtype == np.int32
    assert r.v.dtype == np.float32 and r.v.shape == (400, 40)
    assert trace_steps(r, "v").dtype == np.int64
    np.testing.assert_array_equal(trace_steps(r, "v"), np.arange(400))
    np.testing.assert_array_equal(trace_neurons(r, "v"), np.arange(40))
    assert r.n_spikes == r.spike_ids.size == r.spike_steps.size == r.spike_times.size > 0
    np.testing.assert_allclose(r.spike_times, r.spike_steps * 0.25, rtol=1e-15)
    assert np.all(np.diff(r.spike_steps) >= 0), "spikes are recorded in time order"
    assert r.spike_ids.min() >= 0 and r.spike_ids.max() < 40
    assert tw.net.last_result is res or \
        np.array_equal(tw.net.last_result[exc].spike_ids, r.spike_ids)


def test_rates_are_counts_over_duration():
    tw, exc, inh = small_twin()
    T = 250.0
    res = tw.run(T)
    for pop in (exc, inh):
        r = res[pop]
        counts = np.bincount(r.spike_ids, minlength=pop.size)
        assert r.rates.shape == (pop.size,)
        np.testing.assert_allclose(r.rates, counts / (T / 1000.0), rtol=1e-12)
        assert r.rate == pytest.approx(counts.sum() / pop.size / (T / 1000.0), rel=1e-12)
    assert res[exc].rate > 0


def test_silent_population_has_empty_results():
    net = snn.Network(dt=0.5, seed=1)
    pop = net.population(5, "regular_spiking", label="quiet")
    res = net.run(20.0, backend=BACKEND)
    r = res[pop]
    assert r.n_spikes == 0 and r.spike_ids.size == 0 and r.spike_steps.size == 0
    np.testing.assert_array_equal(r.rates, np.zeros(5))
    assert r.rate == 0.0


def test_zero_copy_and_arrays_outlive_network():
    tw, exc, inh = small_twin()
    res = tw.run(200.0, record=["v", snn.Trace("I", inh, every=2)])
    r = res[exc]
    ids, steps, v, I = r.spike_ids, r.spike_steps, r.v, res[inh].I
    for arr in (ids, steps, v, I):
        assert arr.base is not None, "result arrays should be views on engine buffers"
        assert not arr.flags.owndata
    saved = [x.copy() for x in (ids, steps, v, I)]
    del r, res, tw
    gc.collect()
    junk = [np.full(arr.size + 17, 12345.0) for arr in saved for _ in range(3)]  # reuse memory
    for arr, copy in zip((ids, steps, v, I), saved):
        np.testing.assert_array_equal(arr, copy)
    del junk


def test_results_survive_further_runs():
    tw, exc, inh = small_twin()
    res1 = tw.run(100.0)
    ids = res1[exc].spike_ids
    saved = ids.copy()
    for _ in range(3):
        tw.run(100.0, record="v")
    np.testing.assert_array_equal(ids, saved)


def test_run_continues_counting_steps():
    tw1, exc1, inh1 = small_twin(seed=4)
    tw2, exc2, inh2 = small_twin(seed=4)
    whole = tw1.run(100.0)
    a = tw2.run(50.0)
    b = tw2.run(50.0)
    assert tw2.net.last_result is b or \
        np.array_equal(tw2.net.last_result[exc2].spike_steps, b[exc2].spike_steps)
    for p1, p2 in ((exc1, exc2), (inh1, inh2)):
        assert a[p2].spike_steps.size == 0 or a[p2].spike_steps.max() < 200
        assert b[p2].spike_steps.size == 0 or b[p2].spike_steps.min() >= 200
        np.testing.assert_array_equal(
            np.concatenate([a[p2].spike_steps, b[p2].spike_steps]), whole[p1].spike_steps)
        np.testing.assert_array_equal(
            np.concatenate([a[p2].spike_ids, b[p2].spike_ids]), whole[p1].spike_ids)
        np.testing.assert_allclose(b[p2].spike_times, b[p2].spike_steps * 0.25)
    assert whole[exc1].n_spikes > 0 and b[exc2].n_spikes > 0


def test_state_readable_and_copies():
    net = snn.Network(dt=0.5, seed=1)
    pop = net.population(4, "regular_spiking", v0=-70.0, label="p")
    v = pop.v
    assert v.dtype == np.float32 and v.shape == (4,)
    np.testing.assert_array_equal(v, F32(-70.0))
    np.testing.assert_allclose(pop.u, 0.2 * -70.0, rtol=1e-6)
    v[:] = 0.0                                      # a copy: the network is unchanged
    np.testing.assert_array_equal(pop.v, F32(-70.0))


def test_state_after_run_matches_reference():
    tw, exc, inh = small_twin()
    tw.run(77.0)
    r = tw.reference()
    r.run(int(round(77.0 / 0.25)))
    np.testing.assert_allclose(exc.v, r.populations[0].v, atol=1e-4)
    np.testing.assert_allclose(exc.u, r.populations[0].u, atol=1e-4)
    np.testing.assert_allclose(inh.v, r.populations[1].v, atol=1e-4)


def test_set_state_before_first_run():
    tw, exc, inh = small_twin()
    rng = np.random.default_rng(9)
    v_new = rng.uniform(-75, -50, 40).astype(F32)
    u_new = rng.uniform(-16, -8, 40).astype(F32)
    exc.v = v_new
    exc.u = u_new
    np.testing.assert_array_equal(exc.v, v_new)
    np.testing.assert_array_equal(exc.u, u_new)
    res = tw.run(100.0, record="v")
    r = tw.reference()
    r.populations[0].v = v_new.copy()
    r.populations[0].u = u_new.copy()
    outs = r.run(400)
    assert_same_spikes(res[exc], outs[0], "exc")
    assert_same_spikes(res[inh], outs[1], "inh")
    assert_trace_close(res[exc].v, outs[0]["v"], what="exc v")


def test_set_state_between_runs():
    tw, exc, inh = small_twin()
    T1 = 60.0
    res1 = tw.run(T1)
    last = int(round(T1 / 0.25)) - 1
    assert not np.any(res1[exc].spike_steps == last) and not np.any(res1[inh].spike_steps == last), \
        "choose T1 so that nobody fires on the last step (reset semantics of a set v)"
    r = tw.reference()
    r.run(int(round(T1 / 0.25)))
    v_set = np.linspace(-80, -55, 40).astype(F32)
    exc.v = v_set
    inh.u = np.full(10, -5.0, dtype=F32)
    r.populations[0].v = v_set.copy()
    r.populations[1].u = np.full(10, -5.0, dtype=F32)
    res2 = tw.run(100.0, record=["v", "u"])
    outs = r.run(400)
    for pop, out in ((exc, outs[0]), (inh, outs[1])):
        assert_same_spikes(res2[pop], out, pop.label)
        assert_trace_close(res2[pop].v, out["v"], what=f"{pop.label} v")
        assert_trace_close(res2[pop].u, out["u"], what=f"{pop.label} u")


def test_set_state_wrong_shape_is_rejected():
    net = snn.Network(dt=0.5, seed=1)
    pop = net.population(4, "regular_spiking", label="p")
    with pytest.raises(ValueError):
        pop.v = np.zeros(5, dtype=np.float32)
    np.testing.assert_array_equal(pop.v, F32(-65.0))


def test_selective_recording_every_and_neurons():
    tw, exc, inh = small_twin()
    record = [snn.Trace("v", exc, neurons=[1, 3, 38], every=5),
              snn.Trace("u", every=3),
              snn.Trace("I", "inh", neurons=np.array([0, 9]), every=1)]
    res1 = tw.run(23 * 0.25, record=record)
    res2 = tw.run(100 * 0.25, record=record)
    outs = tw.reference().run(123)
    # first run: steps 0..22
    for res, k0, k1 in ((res1, 0, 23), (res2, 23, 123)):
        e = res[exc]
        steps_v = np.array([k for k in range(k0, k1) if k % 5 == 0])
        assert e.v.shape == (steps_v.size, 3)
        assert_trace_close(e.v, outs[0]["v"][steps_v][:, [1, 3, 38]], what="exc v")
        steps_u = np.array([k for k in range(k0, k1) if k % 3 == 0])
        assert e.u.shape == (steps_u.size, 40)
        assert_trace_close(e.u, outs[0]["u"][steps_u], what="exc u")
        assert res[inh].u.shape == (steps_u.size, 10)
        assert_trace_close(res[inh].u, outs[1]["u"][steps_u], what="inh u")
        assert res[inh].I.shape == (k1 - k0, 2)
        assert_trace_close(res[inh].I, outs[1]["I"][k0:k1][:, [0, 9]], what="inh I")
        if isinstance(e.trace_steps, dict):          # per-variable sample steps
            np.testing.assert_array_equal(trace_steps(e, "v"), steps_v)
            np.testing.assert_array_equal(trace_steps(e, "u"), steps_u)
            np.testing.assert_array_equal(trace_neurons(e, "v"), [1, 3, 38])
            np.testing.assert_array_equal(trace_neurons(e, "u"), np.arange(40))
            np.testing.assert_array_equal(trace_steps(res[inh], "I"), np.arange(k0, k1))
            np.testing.assert_array_equal(trace_neurons(res[inh], "I"), [0, 9])
    assert res1[exc].v.shape[0] == 5                 # steps 0, 5, 10, 15, 20


def test_trace_steps_and_neurons_of_a_selective_trace():
    tw, exc, inh = small_twin()
    tw.run(2.0)                                       # 8 steps
    res = tw.run(10.0, record=[snn.Trace("v", exc, neurons=[2], every=4)])
    r = res[exc]
    np.testing.assert_array_equal(trace_steps(r, "v"), np.arange(8, 48, 4))
    np.testing.assert_array_equal(trace_neurons(r, "v"), [2])
    assert r.v.shape == (10, 1)
