"""LIF, LIF with conductances, spike sources and Poisson input against closed forms and the
NumPy reference (tests/reference_models.py), bit for bit, for 1 and 2 threads."""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference_models as rm
from test_errors import check, value_pattern

import reference as ref
import snn

F32 = np.float32


# ---- LIF against its closed form ----------------------------------------------------------

@pytest.mark.parametrize("dt", [0.05, 0.1, 0.25, 1.0])
@pytest.mark.parametrize("tau_refrac", [0.0, 2.0])
def test_lif_spike_times_match_the_closed_form(dt, tau_refrac):
    tau_m, cm, theta = 20.0, 0.5, 15.0  # theta = v_thresh - v_rest
    # nA (R I = tau_m / cm * I = 36, 52, 88, 132 mV), chosen so that no charging time is within
    # 0.05 steps of a whole number of steps at these dt (where float32 could round either way)
    currents = np.array([0.9, 1.3, 2.2, 3.3])
    net = snn.Network(dt=dt)
    pop = net.population(4, snn.LIF(cm=cm, tau_m=tau_m, v_rest=-65, v_reset=-65, v_thresh=-65 + theta,
                                    tau_refrac=tau_refrac, i_offset=currents), label="lif")
    res = net.run(400.0)[pop]
    for i, I in enumerate(currents):
        RI = tau_m / cm * I
        charge = tau_m * math.log(RI / (RI - theta))      # from v_rest to threshold, ms
        period = tau_refrac + charge
        t = res.spike_times[res.spike_ids == i]
        assert t.size >= 400.0 / (period + dt) - 1, (i, t.size)
        # a spike at step k is reported at k dt; v crosses the threshold during that step
        assert charge - dt <= t[0] <= charge + 1e-9, (i, t[0], charge)
        isi = np.diff(t)
        assert np.all(isi >= period - 1e-9) and np.all(isi < period + dt), (i, isi.min(), isi.max(), period)
        # the step count of an interval is the discrete solution's: hold steps plus the first
        # whole number of steps at which the exact propagator reaches the threshold
        m = math.ceil(math.log(RI / (RI - theta)) / (dt / tau_m) - 1e-9)
        np.testing.assert_allclose(isi, (round(tau_refrac / dt) + m) * dt, atol=1e-9)


@pytest.mark.parametrize("dt", [0.1, 0.5])
def test_lif_subthreshold_voltage_is_the_exponential_relaxation(dt):
    tau_m, cm, I, v0 = 10.0, 2.0, 0.5, -70.0
    net = snn.Network(dt=dt)
    pop = net.population(1, snn.LIF(cm=cm, tau_m=tau_m, v_rest=-60.0, v_thresh=0.0, i_offset=I, v0=v0),
                         label="sub")
    res = net.run(200.0, record="v")[pop]
    t = (res.trace_steps["v"] + 1) * dt                # a sample at step k: v at t_{k+1}
    v_inf = -60.0 + tau_m / cm * I
    exact = v_inf + (v0 - v_inf) * np.exp(-t / tau_m)
    # float32 rounding of each step, contracted by the propagator P22 = exp(-dt / tau_m):
    # at most a few ulps of |v| over 1 - P22 steps' worth of accumulation
    bound = 4 * np.finfo(F32).eps * 70.0 / (1 - math.exp(-dt / tau_m))
    np.testing.assert_allclose(res.v[:, 0], exact, rtol=0, atol=bound)


def test_lif_holds_v_at_reset_while_refractory():
    dt = 0.1
    net = snn.Network(dt=dt)
    pop = net.population(1, snn.LIF(tau_refrac=1.0, i_offset=5.0, v_reset=-70.0), label="hold")
    res = net.run(50.0, record=["v", "refrac"])[pop]
    first = int(res.spike_steps[0])
    np.testing.assert_array_equal(res.v[first:first + 11, 0], F32(-70.0))   # the spike step + 10 held
    np.testing.assert_array_equal(res.refrac[first:first + 11, 0], np.arange(10, -1, -1, dtype=F32))
    assert res.v[first + 11, 0] > F32(-70.0)


# ---- networks of every model, kernel, receptor and source against the reference ------------

KERNELS = [(snn.Instant(), ref.Instant()), (snn.Exponential(5.0), ref.Exponential(5.0)),
           (snn.Alpha(2.0), ref.Alpha(2.0))]


def _sampled():
    f = lambda t: np.exp(-t / 3.0) * (t > 0.2)  # noqa: E731 - one kernel shared by two projections
    return snn.Kernel(f, 4.0), ref.Sampled(f, 4.0)


def build_models_network(seed=3, dt=0.1):
    """An snn network with LIF, LIF with conductances, Poisson and given-times sources, every
    kernel and both receptors, and its reference twin."""
    net, r = snn.Network(dt=dt, seed=seed), ref.Network(dt, seed=seed)
    rng = np.random.default_rng(seed)
    n_lif, n_cond, n_src, n_times = 200, 150, 100, 30
    lif_params = dict(cm=0.25, tau_m=rng.uniform(10, 30, n_lif), v_rest=-65.0, v_reset=-70.0,
                      v_thresh=rng.uniform(-55, -50, n_lif), tau_refrac=2.0, i_offset=0.2)
    cond_params = dict(cm=0.2, tau_m=20.0, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0, tau_refrac=5.0,
                       e_rev_E=0.0, e_rev_I=-80.0, v0=rng.uniform(-60, -50, n_cond))
    times = [np.sort(rng.choice(np.arange(1, 3000), size=8, replace=False)) * dt for _ in range(n_times)]
    pops = {
        "lif": (net.population(n_lif, snn.LIF(**lif_params), label="lif"), rm.LIF(n_lif, dt, **lif_params)),
        "cond": (net.population(n_cond, snn.LIFCond(**cond_params), label="cond"),
                 rm.LIFCond(n_cond, dt, **cond_params)),
        "src": (net.population(n_src, snn.PoissonSource(rate=rng.uniform(5, 40, n_src)), label="src"), None),
        "times": (net.population(n_times, snn.SpikeSource(times), label="times"),
                  rm.SpikeSource(n_times, dt, times)),
    }
    pops["src"] = (pops["src"][0], rm.PoissonSource(n_src, dt, pops["src"][0].parameters()["rate"], seed, 2))
    rp = {k: r.add(p.size, model, label=k) for k, (p, model) in pops.items()}
    sampled = _sampled()
    plan = [  # pre, post, rule, weight, delay, kernel pair, receptor
        ("src", "lif", snn.FixedProbability(0.1), 0.4, snn.Uniform(0.5, 3.0), KERNELS[1], None),
        ("times", "lif", snn.AllToAll(), 0.3, 1.0, (snn.Instant(target="v"), ref.InstantV()), None),
        ("lif", "lif", snn.FixedInDegree(20), snn.Normal(-0.1, 0.05), 1.5, KERNELS[2], None),
        ("lif", "lif", snn.FixedOutDegree(5), 0.05, 0.1, KERNELS[0], None),
        ("lif", "cond", snn.FixedProbability(0.05), snn.Uniform(0.002, 0.01), 2.0, KERNELS[1], "excitatory"),
        ("src", "cond", snn.FixedInDegree(10), 0.004, 1.0, sampled, "excitatory"),
        ("src", "cond", snn.FixedInDegree(5), 0.002, 3.0, sampled, "excitatory"),  # shares the history
        ("cond", "cond", snn.FixedProbability(0.1), 0.05, 0.5, KERNELS[2], "inhibitory"),
        ("times", "cond", snn.OneToOne() if n_times == n_cond else snn.FixedOutDegree(3), 0.03, 0.2, sampled,
         "inhibitory"),
        ("cond", "lif", snn.FixedProbability(0.05), -0.2, 1.0, KERNELS[1], None),
    ]
    for pre, post, rule, w, d, (k_snn, k_ref), receptor in plan:
        proj = net.connect(pops[pre][0], pops[post][0], rule, weight=w, delay=d, kernel=k_snn,
                           receptor=receptor)
        pre_ids, post_ids, weights, _ = proj.synapses()
        D = proj.delay_steps()
        r.connect(rp[pre], rp[post], pre_ids, post_ids, weights, D, k_ref, receptor=receptor)
    net.input(pops["lif"][0], snn.PoissonInput(800.0, 0.05))
    r.input(rp["lif"], ("poisson", 800.0, 0.05, "I"))
    net.input(pops["cond"][0], snn.PoissonInput(300.0, 1.5, target="v"))
    r.input(rp["cond"], ("poisson", 300.0, 1.5, "v"))
    net.input(pops["cond"][0], 0.05)
    r.input(rp["cond"], 0.05)
    return net, r, {k: p for k, (p, _) in pops.items()}


@pytest.mark.parametrize("threads", [1, 2])
def test_models_network_matches_reference_bit_for_bit(threads):
    net, r, pops = build_models_network()
    T, dt = 200.0, 0.1
    res = net.run(T, record=["v", "I", "g_E", "g_I"], threads=threads)
    out = r.run(int(round(T / dt)), record=("v", "I", "g_E", "g_I"))
    for (name, pop), o in zip(pops.items(), out):
        got = res[pop]
        assert got.n_spikes > 10, (name, got.n_spikes)
        np.testing.assert_array_equal(got.spike_steps, o["spike_steps"], err_msg=name)
        np.testing.assert_array_equal(got.spike_ids, o["spike_ids"], err_msg=name)
        for var in pop.variables:
            if var in got.traces:
                np.testing.assert_array_equal(got.traces[var], o[var], err_msg=f"{name}.{var}")
    assert res[pops["cond"]].g_E.max() > 0 and res[pops["cond"]].g_I.max() > 0


def test_models_network_continues_across_runs_and_thread_counts():
    net1, _, pops1 = build_models_network(seed=5)
    whole = net1.run(150.0, threads=1)
    net2, _, pops2 = build_models_network(seed=5)
    first, second = net2.run(70.0, threads=2), net2.run(80.0)
    for name in pops1:
        a, b1, b2 = whole[pops1[name]], first[pops2[name]], second[pops2[name]]
        for field in ("spike_steps", "spike_ids"):
            parts = np.concatenate([getattr(b1, field), getattr(b2, field)])
            np.testing.assert_array_equal(getattr(a, field), parts, err_msg=name)


# ---- spike sources and Poisson input ---------------------------------------------------------

def test_poisson_source_counts_rates_and_independence():
    n, rate, T, dt = 2000, 20.0, 2000.0, 0.1
    runs = []
    for threads in (1, 2):
        net = snn.Network(dt=dt, seed=11)
        pop = net.population(n, snn.PoissonSource(rate), label="p")
        runs.append(net.run(T, threads=threads)[pop])
    np.testing.assert_array_equal(runs[0].spike_steps, runs[1].spike_steps)
    np.testing.assert_array_equal(runs[0].spike_ids, runs[1].spike_ids)
    counts = np.bincount(runs[0].spike_ids, minlength=n)
    steps, p = int(T / dt), rate * dt / 1000
    mean, sd = steps * p, math.sqrt(steps * p * (1 - p))
    assert abs(counts.mean() - mean) < 4 * sd / math.sqrt(n), counts.mean()
    assert np.abs(counts - mean).max() < 5 * sd                        # P(fail) ~ 1e-3 over 2000
    assert abs(counts.var() / sd**2 - 1) < 4 * math.sqrt(2 / (n - 1))  # binomial variance
    # independent neurons: counts in 50 ms bins are uncorrelated across neurons
    bins = np.zeros((200, int(T / 50)))
    first = runs[0].spike_ids < 200
    np.add.at(bins, (runs[0].spike_ids[first], (runs[0].spike_steps[first] * dt // 50).astype(int)), 1)
    c = np.corrcoef(bins)[np.triu_indices(200, 1)]
    assert abs(c.mean()) < 4 / math.sqrt(bins.shape[1] * c.size) + 1e-3 and np.abs(c).max() < 0.8


def test_poisson_source_per_neuron_rates():
    rates = np.array([0.0, 5.0, 50.0, 200.0, 10000.0])
    net = snn.Network(dt=0.1, seed=2)
    pop = net.population(5, snn.PoissonSource(rates), label="p")
    counts = np.bincount(net.run(5000.0)[pop].spike_ids, minlength=5)
    expected = rates * 5.0
    assert counts[0] == 0 and counts[4] == 50000                      # p = 0 and p = 1
    assert np.all(np.abs(counts[1:4] - expected[1:4]) < 4 * np.sqrt(expected[1:4]))


def test_spike_source_spikes_on_exactly_the_steps_given():
    dt = 0.1
    times = [np.array([0.04, 1.06, 7.3, 12.0]), np.array([]), np.array([2.5, 100.0])]  # 0.04: step 0
    net = snn.Network(dt=dt)
    pop = net.population(3, snn.SpikeSource(times), label="given")
    res = net.run(50.0)[pop]
    expected = sorted((int(math.floor(t / dt + 0.5)), i) for i, ts in enumerate(times) for t in ts if t < 50)
    assert list(zip(res.spike_steps.tolist(), res.spike_ids.tolist())) == expected
    # (ids, times) form, and a later run sees the later spikes
    net2 = snn.Network(dt=dt)
    pairs = (np.array([2, 0, 0, 2]), np.array([2.5, 0.04, 1.06, 100.0]))
    p2 = net2.population(3, snn.SpikeSource(pairs), label="x")
    net2.run(10.0)
    later = net2.run(100.0)[p2]
    assert later.spike_steps.tolist() == [1000] and later.spike_ids.tolist() == [2]


def test_poisson_input_counts_match_reference_and_mean():
    n, dt, rate, w = 500, 0.1, 20000.0, 0.1
    net = snn.Network(dt=dt, seed=4)
    pop = net.population(n, snn.LIF(v_thresh=1e6, tau_m=1e9, cm=1.0), label="p")  # integrates I
    net.input(pop, snn.PoissonInput(rate, w))
    res = net.run(20.0, record="I")[pop]
    lam = rate * dt / 1000
    for k in (0, 7, 199):
        counts = rm.poisson_counts(4, 0, 0, n, rate, dt, k)
        np.testing.assert_array_equal(res.I[k], counts.astype(np.int32).astype(F32) * F32(w))
    counts = res.I / F32(w)
    assert abs(counts.mean() - lam) < 4 * math.sqrt(lam / counts.size)
    assert abs(counts.var() / lam - 1) < 0.05  # Poisson: variance = mean


# ---- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("model", [snn.LIF, snn.LIFCond])
@pytest.mark.parametrize("param, bad", [("cm", 0.0), ("cm", -1.0), ("tau_m", -5.0), ("tau_m", 0.0),
                                        ("tau_refrac", -0.1), ("v_thresh", math.nan), ("v_rest", math.inf),
                                        ("i_offset", -math.inf), ("v0", math.nan)])
def test_bad_lif_parameters(model, param, bad):
    net = snn.Network(dt=0.1)
    with pytest.raises(snn.ConfigError, match="badlif") as ei:
        net.population(3, model(**{param: bad}), label="badlif")
    check(ei, rf"'{param}'", value_pattern(bad))


def test_bad_cond_parameters_and_per_neuron_array():
    net = snn.Network(dt=0.1)
    with pytest.raises(snn.ConfigError, match=r"e_rev_I.*nan"):
        net.population(3, snn.LIFCond(e_rev_I=math.nan), label="c")
    with pytest.raises(snn.ConfigError, match=r"tau_m.*neuron 2"):
        net.population(4, snn.LIF(tau_m=np.array([10.0, 20.0, -1.0, 5.0])), label="arr")
    with pytest.raises(snn.ConfigError, match=r"tau_m.*3 values"):
        net.population(4, snn.LIF(tau_m=np.array([10.0, 20.0, 5.0])), label="len")
    with pytest.raises(snn.ConfigError, match=r"'lif'.*tau_x.*tau_m"):
        net.population(4, "lif", tau_x=3.0, label="kw")


def test_bad_receptors_and_conductance_weights():
    net = snn.Network(dt=0.1)
    lif = net.population(5, snn.LIF(), label="cur")
    cond = net.population(5, snn.LIFCond(), label="con")
    src = net.population(5, snn.PoissonSource(10.0), label="src")
    with pytest.raises(snn.ConfigError, match=r"to_cur.*current synapses.*receptor 'excitatory'"):
        net.connect(src, lif, snn.AllToAll(), weight=1.0, receptor="excitatory", label="to_cur")
    with pytest.raises(snn.ConfigError, match=r"to_con.*conductance-based.*excitatory"):
        net.connect(src, cond, snn.AllToAll(), weight=1.0, label="to_con")
    with pytest.raises(snn.ConfigError, match=r"odd.*unknown receptor 'gaba'.*excitatory"):
        net.connect(src, cond, snn.AllToAll(), weight=1.0, receptor="gaba", label="odd")
    with pytest.raises(snn.ConfigError, match=r"neg.*conductance weights must be >= 0.*-0.5"):
        net.connect(src, cond, snn.AllToAll(), weight=-0.5, receptor="inhibitory", label="neg")
    with pytest.raises(snn.ConfigError, match=r"negn.*>= 0"):
        net.connect(src, cond, snn.FixedInDegree(2), weight=snn.Normal(0.1, 1.0), receptor="excitatory",
                    label="negn")
    with pytest.raises(snn.ConfigError, match=r"negk.*kernel must be >= 0"):
        net.connect(src, cond, snn.AllToAll(), weight=1.0, kernel=snn.Kernel(lambda t: t - 1.0, 3.0),
                    receptor="excitatory", label="negk")
    with pytest.raises(snn.ConfigError, match=r"into_src.*spike source.*no synapses"):
        net.connect(lif, src, snn.AllToAll(), weight=1.0, label="into_src")
    with pytest.raises(snn.ConfigError, match=r"src.*spike source.*no input"):
        net.input(src, 1.0)
    with pytest.raises(snn.ConfigError, match=r"jr.*voltage jump goes to v; it takes no receptor"):
        net.connect(src, cond, snn.AllToAll(), weight=0.1, kernel=snn.Instant(target="v"),
                    receptor="excitatory", label="jr")


@pytest.mark.parametrize("times, pattern", [
    ([np.array([1.0, 0.5])], r"times of neuron 0 must increase.*1.*0.5"),
    ([np.array([-1.0])], r"spike time of neuron 0 must be a finite number >= 0.*-1"),
    ([np.array([math.nan])], r"finite"),
    ([np.array([1.0, 1.04])], r"1 and 1.04 ms of neuron 0 fall on the same step"),
])
def test_bad_spike_times(times, pattern):
    net = snn.Network(dt=0.1)
    with pytest.raises(snn.ConfigError, match=pattern):
        net.population(1, snn.SpikeSource(times), label="bad_times")


def test_bad_sources_and_poisson_input():
    net = snn.Network(dt=0.1)
    with pytest.raises(snn.ConfigError, match=r"fast.*rate.*10000"):
        net.population(2, snn.PoissonSource(20000.0), label="fast")
    with pytest.raises(snn.ConfigError, match=r"negr.*rate.*>= 0"):
        net.population(2, snn.PoissonSource(-1.0), label="negr")
    with pytest.raises(snn.ConfigError, match=r"ids.*out of range"):
        net.population(2, snn.SpikeSource((np.array([0, 2]), np.array([1.0, 2.0]))), label="ids")
    with pytest.raises(snn.ConfigError, match=r"times for 3 neurons.*2"):
        net.population(2, snn.SpikeSource([[1.0], [2.0], [3.0]]), label="count")
    pop = net.population(2, snn.LIF(), label="ok")
    with pytest.raises(snn.ConfigError, match=r"Poisson 'rate'"):
        net.input(pop, snn.PoissonInput(1e9, 1.0))
    with pytest.raises(snn.ConfigError, match=r"PoissonInput.*target"):
        net.input(pop, snn.PoissonInput(10.0, 1.0, target="u"))
    with pytest.raises(AttributeError, match=r"'ok' \(lif\) has no attribute or variable 'u'.*v, refrac, I"):
        _ = pop.u
    with pytest.raises(snn.ConfigError, match=r"record.*no population has a variable 'g_E'"):
        net.run(1.0, record="g_E")


# ---- weights in and out ---------------------------------------------------------------------

def test_weights_set_between_runs_act_on_later_spikes():
    """Weights set after a first run: the reference given the same weights at the same step
    (spikes already in flight keep the weights they left with) gives the same spikes."""
    dt = 0.1
    net, r = snn.Network(dt=dt, seed=8), ref.Network(dt, seed=8)
    src = net.population(50, snn.PoissonSource(40.0), label="src")
    dst = net.population(30, snn.LIF(tau_refrac=1.0), label="dst")
    # delays of several steps: the queued path, whose spikes take their weights when they leave
    proj = net.connect(src, dst, snn.FixedProbability(0.3), weight=snn.Uniform(0.5, 1.5),
                       delay=snn.Uniform(1.5, 3.4), kernel=snn.Exponential(3.0))
    rsrc = r.add(50, rm.PoissonSource(50, dt, src.parameters()["rate"], 8, 0))
    rdst = r.add(30, rm.LIF(30, dt, tau_refrac=1.0))
    pre, post, w, _ = proj.synapses()
    D = proj.delay_steps()
    rp = r.connect(rsrc, rdst, pre, post, w, D, ref.Exponential(3.0))
    first = net.run(30.0)[dst]
    np.testing.assert_array_equal(proj.weights(), w)
    new = w[::-1] * 1.5                            # within twice the largest weight
    proj.set_weights(new)
    np.testing.assert_allclose(proj.weights(), new, rtol=2**-20)
    out1 = r.run(300, record=())[1]
    rp.wq = np.rint(new.astype(F32).astype(np.float64) * 2.0**rp.s).astype(np.int64)
    out2 = r.run(400, record=())[1]
    second = net.run(40.0)[dst]
    assert first.n_spikes > 5 and second.n_spikes > 5
    for got, o in ((first, out1), (second, out2)):
        np.testing.assert_array_equal(got.spike_steps, o["spike_steps"])
        np.testing.assert_array_equal(got.spike_ids, o["spike_ids"])
    with pytest.raises(snn.ConfigError, match="fixed-point range"):
        proj.set_weights(w * 10)
    with pytest.raises(snn.ConfigError, match=r"needs \d+ weights, got 3"):
        net._sim.set_weights(proj.index, np.ones(3))
