"""snn.pynn, the PyNN backend: standard cells against snn's native models (spike for spike),
connectors against PyNN's own code and documented counts, get/set, recording, bad input,
and the Vogels-Abbott benchmark against pyNN.nest (peer environment)."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("pyNN", reason="snn.pynn needs PyNN, the optional extra snn[pynn]")

from pyNN import errors  # noqa: E402

import snn  # noqa: E402
import snn.pynn as sim  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DT = 0.1
# (pre, post, weight, delay ms) from two given-time sources onto three cells
TIMES = [[5.0, 12.3, 20.0, 21.5, 40.0, 41.0, 42.0, 80.0], [8.0, 30.0, 30.5, 31.0, 60.0, 61.2, 90.0]]
EXC = [(0, 0, 1.0, 1.0), (0, 1, 0.8, 2.5), (1, 1, 1.2, 1.0), (1, 2, 0.9, 4.0), (0, 2, 0.7, 0.1)]
INH = [(1, 0, 0.6, 1.5), (0, 1, 0.3, 3.0), (1, 2, 0.4, 1.0)]
V0 = [-64.0, -60.0, -57.0]


@pytest.fixture(autouse=True)
def fresh():
    sim.setup(timestep=DT)
    yield
    sim.end()


def arrays(conn, scale=1.0):
    pre, post, w, d = (np.array(c) for c in zip(*conn))
    return pre.astype(np.int64), post.astype(np.int64), w * scale, d


def trains(block):
    return [np.asarray(t.magnitude) for t in block.segments[0].spiketrains]


def native_trains(res, n):
    return [np.sort(res.spike_times[res.spike_ids == i]) for i in range(n)]


def pynn_run(celltype, T, record, exc_scale=1.0, inh_scale=-1.0, inh_receptor="inhibitory"):
    """The PyNN side of the cell comparisons: sources -> cells with EXC and INH, run T ms."""
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=TIMES), label="src")
    cells = sim.Population(3, celltype, label="cells")
    cells.initialize(v=V0)
    sim.Projection(src, cells, sim.FromListConnector([(a, b, w * exc_scale, d) for a, b, w, d in EXC]),
                   receptor_type="excitatory")
    sim.Projection(src, cells, sim.FromListConnector([(a, b, w * inh_scale, d) for a, b, w, d in INH]),
                   receptor_type=inh_receptor)
    cells.record(record)
    sim.run(T)
    return cells.get_data()


# ---- standard cells = native models ------------------------------------------------------------

LIF_PARAMS = dict(cm=0.25, tau_m=12.0, v_rest=-62.0, v_reset=-68.0, v_thresh=-55.0, tau_refrac=2.0,
                  i_offset=0.45)


def test_if_curr_exp_equals_native_lif_spike_for_spike():
    block = pynn_run(sim.IF_curr_exp(tau_syn_E=3.0, tau_syn_I=7.0, **LIF_PARAMS), 120.0, ["spikes", "v"])
    net = snn.Network(dt=DT)
    src = net.population(2, snn.SpikeSource(TIMES))
    cells = net.population(3, snn.LIF(**LIF_PARAMS, v0=V0))
    net.connect(src, cells, arrays(EXC), kernel=snn.Exponential(3.0))
    net.connect(src, cells, arrays(INH, -1.0), kernel=snn.Exponential(7.0))
    res = net.run(120.0, record=["v"])[cells]
    got, want = trains(block), native_trains(res, 3)
    assert sum(len(t) for t in want) >= 6
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    v = block.segments[0].analogsignals[0]
    assert v.name == "v" and str(v.units.dimensionality) == "mV" and v.shape == (1200, 3)
    np.testing.assert_array_equal(np.asarray(v.magnitude), res.v.astype(np.float64))


def test_if_cond_exp_equals_native_lif_cond_with_conductances():
    params = dict(LIF_PARAMS, e_rev_E=0.0, e_rev_I=-75.0)
    block = pynn_run(sim.IF_cond_exp(tau_syn_E=4.0, tau_syn_I=9.0, **params), 120.0,
                     ["spikes", "v", "gsyn_exc", "gsyn_inh"], exc_scale=0.02, inh_scale=0.03)
    net = snn.Network(dt=DT)
    src = net.population(2, snn.SpikeSource(TIMES))
    cells = net.population(3, snn.LIFCond(**params, v0=V0))
    net.connect(src, cells, arrays(EXC, 0.02), kernel=snn.Exponential(4.0), receptor="excitatory")
    net.connect(src, cells, arrays(INH, 0.03), kernel=snn.Exponential(9.0), receptor="inhibitory")
    res = net.run(120.0, record=["v", "g_E", "g_I"])[cells]
    for a, b in zip(trains(block), native_trains(res, 3)):
        np.testing.assert_array_equal(a, b)
    assert res.n_spikes >= 6
    signals = {s.name: s for s in block.segments[0].analogsignals}
    np.testing.assert_array_equal(signals["v"].magnitude, res.v)
    for name, var in (("gsyn_exc", "g_E"), ("gsyn_inh", "g_I")):
        assert str(signals[name].units.dimensionality) == "uS"
        np.testing.assert_array_equal(signals[name].magnitude, res.traces[var])
        assert signals[name].magnitude.max() > 0.01


def test_izhikevich_equals_native_with_voltage_jumps_and_offset():
    block = pynn_run(sim.Izhikevich(a=0.02, b=0.2, c=-60.0, d=6.0, i_offset=0.004), 150.0,
                     ["spikes", "v", "u"], exc_scale=12.0, inh_scale=-6.0)
    net = snn.Network(dt=DT)
    src = net.population(2, snn.SpikeSource(TIMES))
    cells = net.population(3, snn.Izhikevich(0.02, 0.2, -60.0, 6.0, v0=V0, u0=-14.0))
    net.input(cells, 4.0)  # 1000 * i_offset (nA), in the equation's units
    jump = snn.Instant(target="v")
    net.connect(src, cells, arrays(EXC, 12.0), kernel=jump)
    net.connect(src, cells, arrays(INH, -6.0), kernel=jump)
    res = net.run(150.0, record=["v", "u"])[cells]
    assert res.n_spikes >= 3
    for a, b in zip(trains(block), native_trains(res, 3)):
        np.testing.assert_array_equal(a, b)
    signals = {s.name: s for s in block.segments[0].analogsignals}
    np.testing.assert_array_equal(signals["u"].magnitude, res.u)
    assert str(signals["u"].units.dimensionality) == "mV/ms"


def test_poisson_sources_equal_native_and_windows_cut_them():
    sim.setup(timestep=DT, rng_seed=99)
    rates = [20.0, 80.0, 150.0]
    forever = sim.Population(3, sim.SpikeSourcePoisson(rate=rates))
    window = sim.Population(3, sim.SpikeSourcePoisson(rate=rates, start=100.0, duration=250.0))
    forever.record("spikes")
    window.record("spikes")
    sim.run(500.0)
    net = snn.Network(dt=DT, seed=99)
    a = net.population(3, snn.PoissonSource(rates))
    b = net.population(3, snn.PoissonSource(rates))  # the window's population index, 1
    res = net.run(500.0)
    want_a, want_b = native_trains(res[a], 3), native_trains(res[b], 3)
    assert sum(len(t) for t in want_a) > 50
    for got, want in zip(trains(forever.get_data()), want_a):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(trains(window.get_data()), want_b):
        np.testing.assert_array_equal(got, want[(want >= 100.0) & (want < 350.0)])


def test_spike_source_array_replays_its_times():
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[[3.0, 1.0, 7.5], [2.2]]))
    src.record("spikes")
    sim.run(10.0)
    got = trains(src.get_data())
    np.testing.assert_array_equal(got[0], [1.0, 3.0, 7.5])
    np.testing.assert_array_equal(got[1], [2.2])
    train = src.get_data().segments[0].spiketrains[0]
    assert str(train.units.dimensionality) == "ms" and float(train.t_stop) == 10.0


@pytest.mark.parametrize("dependence", ["additive", "multiplicative"])
def test_stdp_mechanism_is_snn_stdp_with_pynn_amplitudes(dependence):
    """PyNN's additive amplitudes are fractions of w_max (NEST's lambda, Brian2's w_max * A):
    snn.STDP's a_plus = A_plus * w_max; multiplicative ones are snn's a_plus = A_plus."""
    pre_t = list(np.arange(10.0, 400.0, 23.0))
    post_t = list(np.arange(14.0, 400.0, 31.0))
    w_max, w0 = 2.0, 1.0
    wd = (sim.AdditiveWeightDependence if dependence == "additive" else sim.MultiplicativeWeightDependence)
    rule = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(tau_plus=15.0, tau_minus=25.0, A_plus=0.02,
                                                                  A_minus=0.03),
                             weight_dependence=wd(w_min=0.0, w_max=w_max), weight=w0, delay=1.5)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=pre_t))
    drive = sim.Population(1, sim.SpikeSourceArray(spike_times=post_t))
    post = sim.Population(1, sim.Izhikevich())
    sim.Projection(drive, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=200.0, delay=0.1))
    prj = sim.Projection(pre, post, sim.AllToAllConnector(), rule)
    sim.run(400.0)
    scale = w_max if dependence == "additive" else 1.0
    net = snn.Network(dt=DT)
    a = net.population(1, snn.SpikeSource([pre_t]))
    d = net.population(1, snn.SpikeSource([post_t]))
    p = net.population(1, snn.Izhikevich(0.02, 0.2, -65.0, 2.0, v0=-70.0, u0=-14.0))
    net.connect(d, p, snn.OneToOne(), weight=200.0, delay=0.1, kernel=snn.Instant(target="v"))
    native = net.connect(a, p, snn.AllToAll(), weight=w0, delay=1.5, kernel=snn.Instant(target="v"),
                         plasticity=snn.STDP(15.0, 25.0, 0.02 * scale, 0.03 * scale, 0.0, w_max, dependence))
    net.run(400.0)
    got = prj.get("weight", format="list", with_address=False)
    assert abs(native.weights()[0] - w0) > 0.01
    assert got == [native.weights()[0]]


# ---- connectors -------------------------------------------------------------------------------------


def mock_connections(make):
    """The (pre, post) pairs PyNN's reference code (its mock backend) makes."""
    import pyNN.mock as mock

    mock.setup(timestep=DT)
    a, b = mock.Population(30, mock.IF_cond_exp()), mock.Population(20, mock.IF_cond_exp())
    same = make(mock)
    prj = mock.Projection(a, a if same[1] else b, same[0], mock.StaticSynapse(weight=0.01))
    return sorted((c.presynaptic_index, c.postsynaptic_index) for c in prj.connections)


CONNECTORS = {
    "all_to_all": lambda s: (s.AllToAllConnector(), False),
    "all_to_all_no_self": lambda s: (s.AllToAllConnector(allow_self_connections=False), True),
    "one_to_one": lambda s: (s.OneToOneConnector(), True),
    "fixed_probability": lambda s: (s.FixedProbabilityConnector(0.15, rng=s.NumpyRNG(seed=5)), False),
    "fixed_number_pre": lambda s: (s.FixedNumberPreConnector(7, rng=s.NumpyRNG(seed=6)), False),
    "fixed_number_post": lambda s: (s.FixedNumberPostConnector(4, rng=s.NumpyRNG(seed=7)), False),
    "fixed_number_pre_replace": lambda s: (s.FixedNumberPreConnector(9, with_replacement=True,
                                                                      rng=s.NumpyRNG(seed=8)), False),
    "from_list": lambda s: (s.FromListConnector([(0, 3, 0.01, 1.0), (5, 3, 0.02, 2.0), (29, 0, 0.01, 1.0)]),
                            False),
}


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_connectors_make_pynns_connections(name):
    """The same connections as PyNN's reference code, and the counts PyNN documents."""
    reference = mock_connections(CONNECTORS[name])
    sim.setup(timestep=DT)
    a, b = sim.Population(30, sim.IF_cond_exp()), sim.Population(20, sim.IF_cond_exp())
    connector, same = CONNECTORS[name](sim)
    prj = sim.Projection(a, a if same else b, connector, sim.StaticSynapse(weight=0.01))
    got = sorted((int(i), int(j)) for i, j, _ in prj.get("weight", format="list"))
    assert got == reference
    pre, post = np.array(got).T
    n_post = 30 if same else 20
    documented = {"all_to_all": 600, "all_to_all_no_self": 870, "one_to_one": 30, "fixed_number_pre": 7 * 20,
                  "fixed_number_post": 4 * 30, "fixed_number_pre_replace": 9 * 20, "from_list": 3}
    if name in documented:
        assert len(got) == documented[name]
    if name == "fixed_probability":  # binomial(600, 0.15): mean 90, sd 8.7
        assert abs(len(got) - 90) < 5 * 8.7
    if name == "fixed_number_pre":
        assert np.all(np.bincount(post, minlength=n_post) == 7) and len(set(got)) == len(got)
    if name == "fixed_number_post":
        assert np.all(np.bincount(pre, minlength=30) == 4) and len(set(got)) == len(got)
    if name == "all_to_all_no_self":
        assert np.all(pre != post)
    sim.run(1.0)  # the engine holds the same connections
    assert sorted((int(i), int(j)) for i, j, _ in prj.get("weight", format="list")) == reference


def native_projection(connector, seed=1, same=False):
    sim.setup(timestep=DT, rng_seed=seed)
    a, b = sim.Population(40, sim.IF_curr_exp()), sim.Population(25, sim.IF_curr_exp())
    prj = sim.Projection(a, a if same else b, connector, sim.StaticSynapse(weight=0.1, delay=1.0))
    return np.array([(int(i), int(j)) for i, j, _ in prj.get("weight", format="list")]).reshape(-1, 2)


def test_native_rng_connectors_are_snns_rules_with_pynns_counts():
    def fixed_probability(seed=1):
        return native_projection(sim.FixedProbabilityConnector(0.2, rng=sim.NativeRNG()), seed)

    fp = fixed_probability()
    assert abs(len(fp) - 200) < 5 * np.sqrt(1000 * 0.2 * 0.8)
    np.testing.assert_array_equal(fp, fixed_probability())  # the seed decides
    assert not np.array_equal(fp, fixed_probability(seed=2))
    pre = native_projection(sim.FixedNumberPreConnector(6, rng=sim.NativeRNG()))
    assert np.all(np.bincount(pre[:, 1], minlength=25) == 6) and len({tuple(x) for x in pre}) == len(pre)
    post = native_projection(sim.FixedNumberPostConnector(3, rng=sim.NativeRNG()))
    assert np.all(np.bincount(post[:, 0], minlength=40) == 3)
    no_self = native_projection(sim.FixedProbabilityConnector(0.5, allow_self_connections=False,
                                                              rng=sim.NativeRNG()), same=True)
    assert np.all(no_self[:, 0] != no_self[:, 1])


def test_native_rng_weight_distributions_are_snns():
    sim.setup(timestep=DT, rng_seed=4)
    a, b = sim.Population(30, sim.IF_cond_exp()), sim.Population(30, sim.IF_cond_exp())
    w = sim.RandomDistribution("uniform", low=0.01, high=0.03, rng=sim.NativeRNG())
    d = sim.RandomDistribution("normal_clipped_to_boundary", mu=2.0, sigma=1.0, low=0.5, high=3.0,
                               rng=sim.NativeRNG())
    prj = sim.Projection(a, b, sim.FixedProbabilityConnector(0.5, rng=sim.NativeRNG()),
                         sim.StaticSynapse(weight=w, delay=d), receptor_type="excitatory")
    weights, delays = (np.array(x) for x in zip(*prj.get(["weight", "delay"], format="list",
                                                          with_address=False)))
    assert weights.min() >= 0.01 and weights.max() < 0.03 and abs(weights.mean() - 0.02) < 0.001
    assert delays.min() == pytest.approx(0.5) and delays.max() == pytest.approx(3.0)
    np.testing.assert_allclose(delays, np.round(delays / DT) * DT)  # whole steps


# ---- parameters, weights, recording, reset --------------------------------------------------------


def test_get_and_set_parameters_reach_the_engine():
    cells = sim.Population(4, sim.IF_cond_exp(tau_m=10.0), label="cells")
    cells.set(tau_m=[11.0, 12.0, 13.0, 14.0], i_offset=0.2)
    cells[1:3].set(v_thresh=-45.0)
    assert list(cells.get("tau_m")) == [11.0, 12.0, 13.0, 14.0]
    assert list(cells.get("v_thresh")) == [-50.0, -45.0, -45.0, -50.0]
    assert cells.get("i_offset") == 0.2
    cells[2:].initialize(v=-58.0)
    np.testing.assert_array_equal(cells.initial_values["v"].evaluate(), [-65.0, -65.0, -58.0, -58.0])
    sim.run(1.0)
    stored = cells._native.parameters()
    np.testing.assert_array_equal(stored["tau_m"], np.float32([11, 12, 13, 14]))
    np.testing.assert_array_equal(stored["v_thresh"], np.float32([-50, -45, -45, -50]))
    with pytest.raises(NotImplementedError, match="parameters of population 'cells' cannot change.*reset"):
        cells.set(tau_m=30.0)
    sim.reset()  # back to t = 0: the next run rebuilds the network with the new values
    cells.set(tau_m=30.0)
    sim.run(1.0)
    np.testing.assert_array_equal(cells._native.parameters()["tau_m"], np.float32(30.0))
    assert sim.get_current_time() == pytest.approx(1.0)


def test_initialize_after_the_build_sets_the_engines_state():
    cells = sim.Population(3, sim.Izhikevich(), label="izh")
    sim.run(5.0)
    cells[1:].initialize(v=-50.0, u=-10.0)
    np.testing.assert_array_equal(cells._native.v[1:], np.float32([-50.0, -50.0]))
    np.testing.assert_array_equal(cells._native.u[1:], np.float32([-10.0, -10.0]))
    assert cells._native.v[0] != -50.0


def test_projections_of_views_and_assemblies_reach_the_right_neurons():
    a = sim.Population(4, sim.SpikeSourceArray(spike_times=[1.0]), label="a")
    b = sim.Population(3, sim.SpikeSourceArray(spike_times=[2.0]), label="b")
    c = sim.Population(5, sim.IF_curr_exp(), label="c")
    prj = sim.Projection(a[1:3] + b, c[[0, 4]], sim.AllToAllConnector(), sim.StaticSynapse(weight=0.5))
    assert len(prj) == 5 * 2
    sim.run(1.0)
    natives = {(p.pre.label, p.post.label): p for p, _, _ in prj._parts}
    pre, post, _, _ = natives[("a", "c")].synapses()
    assert sorted(zip(pre.tolist(), post.tolist())) == [(1, 0), (1, 4), (2, 0), (2, 4)]
    pre, post, _, _ = natives[("b", "c")].synapses()
    assert sorted(zip(pre.tolist(), post.tolist())) == [(i, j) for i in range(3) for j in (0, 4)]
    w = prj.get("weight", format="array")
    assert w.shape == (5, 2) and np.all(w == 0.5)


def test_weights_get_set_and_array_format():
    a, b = sim.Population(3, sim.SpikeSourceArray(spike_times=[1.0])), sim.Population(2, sim.IF_curr_exp())
    prj = sim.Projection(a, b, sim.FromListConnector([(0, 1, 0.5, 1.0), (2, 0, 0.25, 2.0)]),
                         sim.StaticSynapse())
    w = prj.get("weight", format="array")
    assert w.shape == (3, 2) and w[0, 1] == 0.5 and w[2, 0] == 0.25 and np.isnan(w[0, 0])
    sim.run(5.0)
    prj.set(weight=0.75)
    assert prj.get("weight", format="list", with_address=False) == [0.75, 0.75]
    assert list(prj._parts[0][0].weights()) == [0.75] * 2  # the engine's
    delays = prj.get("delay", format="array")
    assert delays[0, 1] == pytest.approx(1.0) and delays[2, 0] == pytest.approx(2.0)
    with pytest.raises(NotImplementedError, match="'delay' of projection .* cannot change"):
        prj.set(delay=3.0)


def test_recording_sampling_interval_views_and_segments():
    other = sim.Population(1, sim.IF_curr_exp())
    with pytest.raises(ValueError, match="whole number .* time steps of 0.1 ms, got 0.15"):
        other.record("v", sampling_interval=0.15)
    cells = sim.Population(5, sim.IF_curr_exp(i_offset=1.0), label="cells")
    cells[1:4].record("v", sampling_interval=1.0)
    cells.record("spikes")
    sim.run(50.0)
    sim.run(30.0)
    sig = cells.get_data().segments[0].analogsignals[0]
    assert sig.shape == (80, 3) and float(sig.sampling_period) == 1.0 and float(sig.t_start) == 0.0
    assert list(sig.array_annotations["channel_index"]) == [1, 2, 3]
    net = snn.Network(dt=DT)
    net.population(1, snn.LIF())
    p = net.population(5, snn.LIF(i_offset=1.0))
    res = net.run(80.0, record=[snn.Trace("v", p, neurons=[1, 2, 3], every=10)])[p]
    np.testing.assert_array_equal(sig.magnitude, res.v)
    counts = cells.get_spike_counts()
    native_counts = np.bincount(res.spike_ids, minlength=5)
    assert counts == {int(i): int(n) for i, n in zip(cells.all_cells, native_counts)}
    assert sum(counts.values()) > 5
    sim.reset()
    sim.run(20.0)
    block = cells.get_data()
    assert len(block.segments) == 2 and block.segments[1].analogsignals[0].shape == (20, 3)
    np.testing.assert_array_equal(block.segments[1].analogsignals[0].magnitude, res.v[:20])


# ---- bad input ------------------------------------------------------------------------------------


def test_unknown_cell_types_and_parameters_are_named():
    with pytest.raises(NotImplementedError, match="HH_cond_exp is not available on snn"):
        sim.HH_cond_exp()
    with pytest.raises(errors.NonExistentParameterError, match="tau_mm"):
        sim.IF_cond_exp(tau_mm=3.0)
    import pyNN.mock as mock

    with pytest.raises(NotImplementedError, match="cell type must be .* snn.pynn.*got IF_cond_exp"):
        sim.Population(2, mock.IF_cond_exp())
    with pytest.raises(errors.RecordingError):
        sim.Population(2, sim.IF_curr_exp()).record("gsyn_exc")
    with pytest.raises(TypeError, match="unknown parameter.*spike_precision"):
        sim.setup(timestep=DT, spike_precision="off_grid")


def test_features_snn_lacks_raise_clear_errors():
    with pytest.raises(NotImplementedError, match="GutigWeightDependence is not available"):
        sim.STDPMechanism(timing_dependence=sim.SpikePairRule(),
                          weight_dependence=sim.GutigWeightDependence())
    with pytest.raises(NotImplementedError, match="dendritic_delay_fraction must be 1"):
        sim.STDPMechanism(timing_dependence=sim.SpikePairRule(),
                          weight_dependence=sim.AdditiveWeightDependence(), dendritic_delay_fraction=0.0)
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[1.0]))
    with pytest.raises(errors.ConnectionError, match="spike sources.*take no synapses"):
        sim.Projection(src, src, sim.AllToAllConnector())
    with pytest.raises(NotImplementedError, match="NativeRNG needs an integer n and with_replacement=False"):
        sim.Projection(src, sim.Population(2, sim.IF_curr_exp()),
                       sim.FixedNumberPreConnector(1, with_replacement=True, rng=sim.NativeRNG()))


def test_unsupported_setups_fail_at_build_naming_the_population():
    sim.Population(2, sim.SpikeSourcePoisson(rate=10.0, start=50.0), label="late")
    with pytest.raises(NotImplementedError, match="SpikeSourcePoisson 'late'.*finite duration"):
        sim.run(10.0)
    sim.setup(timestep=DT)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    cells = sim.Population(2, sim.IF_curr_exp(tau_syn_E=[2.0, 3.0]))
    sim.Projection(src, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1))
    with pytest.raises(NotImplementedError, match="tau_syn_E must be the same for every neuron"):
        sim.run(10.0)


def test_nothing_can_be_added_once_built():
    cells = sim.Population(2, sim.IF_curr_exp())
    sim.run(1.0)
    with pytest.raises(NotImplementedError, match="populations cannot be added once the network is built"):
        sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(NotImplementedError, match="projections cannot be added"):
        sim.Projection(cells, cells, sim.AllToAllConnector())


# ---- the Vogels-Abbott benchmark against NEST (the benchmark's peer environment) ---------------------

PEER_PYTHON = os.environ.get("SNN_PEER_PYTHON") or shutil.which("python", path="/opt/peers-venv/bin")
VA = os.path.join(HERE, "pynn_va_benchmark.py")
VA_T = "600"  # ms


@pytest.mark.skipif(PEER_PYTHON is None, reason="no peers interpreter (set SNN_PEER_PYTHON)")
def test_vogels_abbott_rates_equal_pynn_nests_within_10_percent():
    check = subprocess.run([PEER_PYTHON, "-c", "import pyNN.nest"], capture_output=True)
    if check.returncode != 0:
        pytest.skip("pyNN.nest not importable by the peers interpreter (pip install PyNN==0.13.* there)")
    runs = {}
    for module, python in (("pyNN.nest", PEER_PYTHON), ("snn.pynn", sys.executable)):
        out = subprocess.run([python, VA, module, VA_T], capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr[-2000:]
        runs[module] = json.loads(out.stdout.strip().splitlines()[-1])
    nest, ours = runs["pyNN.nest"], runs["snn.pynn"]
    assert nest["synapses"] == ours["synapses"]  # the same connections (PyNN's code, one NumpyRNG)
    for kind in ("exc", "inh"):
        assert nest[kind] > 5.0
        assert abs(ours[kind] - nest[kind]) <= 0.1 * nest[kind], runs


def test_readme_pynn_example_runs():
    from test_readme import run_block

    ns = run_block("`get`/`set` of parameters and weights:")
    seg = ns["block"].segments[0]
    assert len(seg.spiketrains) == 50 and sum(len(t) for t in seg.spiketrains) > 50
    assert {s.name for s in seg.analogsignals} == {"v", "gsyn_exc"}
    assert seg.analogsignals[0].shape == (5000, 50)
