"""Plasticity: the STDP window against its closed form, networks with plastic and static
projections and the 2006 rule against the NumPy reference (tests/reference_plasticity.py),
bit for bit and for 1 and 2 threads; bad input."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess

import numpy as np
import pytest
import reference_models as rm
import reference_plasticity as rp

import reference as ref
import snn

F32 = np.float32


def pair(offset_ms, rule, dt=0.1, delay=1.0, w0=0.5, t_pre=120.0):
    """One pre spike at t_pre through a plastic synapse of `delay` ms and one post spike
    at t_pre - delay + offset_ms, so that t_post + delay - t_pre = offset_ms (STDP's
    dendritic delay: the post spike reaches the synapse `delay` after it fires). The post
    spike is forced by a 100 mV jump from a spike source firing dt before. Returns (w after
    - w before, the post neuron's spike times)."""
    t_post = t_pre - delay + offset_ms
    net = snn.Network(dt=dt, seed=1)
    pre = net.population(1, snn.SpikeSource([[t_pre]]), label="pre")
    drive = net.population(1, snn.SpikeSource([[t_post - dt]]), label="drive")
    post = net.population(1, snn.LIF(tau_refrac=0.0), label="post")
    net.connect(drive, post, snn.AllToAll(), weight=100.0, delay=dt, kernel=snn.Instant(target="v"))
    proj = net.connect(pre, post, snn.AllToAll(), weight=w0, delay=delay, plasticity=rule)
    res = net.run(350.0)
    np.testing.assert_allclose(res[post].spike_times, [t_post], atol=1e-9)
    return proj.weights()[0] - w0


@pytest.mark.parametrize("multiplicative", [False, True])
@pytest.mark.parametrize("delay", [1.0, 4.3])
def test_stdp_window(multiplicative, delay):
    """dw = a_plus exp(-t/tau_plus) where t = t_post + delay - t_pre > 0, -a_minus
    exp(t/tau_minus) where t < 0, nothing at t = 0 (multiplicative: times w_max - w and
    w - w_min)."""
    a_plus, a_minus, tau_plus, tau_minus, w0 = 0.01, 0.012, 16.8, 33.7, 0.5
    rule = snn.STDP(tau_plus, tau_minus, a_plus, a_minus, 0.0, 1.0,
                    "multiplicative" if multiplicative else "additive")
    for offset in [-100.0, -40.0, -10.3, -1.0, -0.1, 0.0, 0.1, 2.5, 20.0, 57.1, 100.0]:
        dw = pair(offset, rule, delay=delay, w0=w0)
        expected = rp.stdp_window(offset, a_plus, a_minus, tau_plus, tau_minus)
        if multiplicative:
            expected *= (1.0 - w0) if offset > 0 else w0
        # float32 traces (exp_f32, ~2e-7) and the fixed point (2^-30 here)
        np.testing.assert_allclose(dw, expected, rtol=1e-6, atol=2**-29, err_msg=f"offset {offset}")


def test_izhikevich_2006_pairs_at_the_arrival():
    """The 2006 rule's delay is axonal (as the paper's code): a post spike t ms after the
    pre spike's arrival adds a_plus exp(-t/tau) to sd (t >= 0), one before it subtracts
    a_minus exp(-t/tau); the weight changes by bias + sd at the interval's end."""
    rule = snn.STDPIzhikevich2006(tau=20.0, a_plus=0.1, a_minus=0.12, w_max=10.0, interval=350.0, bias=0.0)
    for offset in [-30.0, -1.0, 0.0, 0.2, 15.0]:
        dw = pair(offset + 2.0, rule, delay=1.0, w0=5.0)  # t_post - (t_pre + delay) = offset
        expected = 0.1 * math.exp(-offset / 20.0) if offset >= 0 else -0.12 * math.exp(offset / 20.0)
        np.testing.assert_allclose(dw, expected, rtol=1e-6, atol=2**-25, err_msg=f"offset {offset}")


def test_stdp_weights_stay_within_bounds():
    rule = snn.STDP(a_plus=0.3, a_minus=0.3, w_min=0.2, w_max=0.6)
    assert pair(1.0, rule, w0=0.5) == pytest.approx(0.1)        # clipped at w_max
    assert pair(-1.0, rule, w0=0.3) == pytest.approx(-0.1)      # clipped at w_min


def build_plastic_network(rule_kind, seed=5, dt=0.5, shortest_delay=0.5, drive=0.3):
    """Poisson sources and LIF neurons with plastic excitatory and static inhibitory
    projections (no delay under shortest_delay ms), the excitatory neurons driven by a
    constant current `drive`, their reference twin, and (snn, reference, initial weights)
    of each plastic projection."""
    s = shortest_delay
    net, r = snn.Network(dt=dt, seed=seed), ref.Network(dt, seed=seed)
    rng = np.random.default_rng(seed)
    src = net.population(80, snn.PoissonSource(rng.uniform(10, 30, 80)), label="src")
    exc = net.population(120, snn.LIF(tau_m=15.0, tau_refrac=2.0, v_thresh=-55.0), label="exc")
    inh = net.population(30, snn.LIF(tau_m=10.0, tau_refrac=1.0), label="inh")
    rsrc = r.add(80, rm.PoissonSource(80, dt, src.parameters()["rate"], seed, 0))
    rexc = r.add(120, rm.LIF(120, dt, tau_m=15.0, tau_refrac=2.0, v_thresh=-55.0))
    rinh = r.add(30, rm.LIF(30, dt, tau_m=10.0, tau_refrac=1.0))
    if rule_kind == "izhikevich_2006":
        rule = snn.STDPIzhikevich2006(tau=20.0, a_plus=0.02, a_minus=0.025, w_max=3.0, interval=50.0)
        rrule = rp.Rule(dt, "izhikevich_2006", 20.0, 20.0, 0.02, 0.025, 0.0, 3.0, interval=50.0)
    else:
        mult = rule_kind == "multiplicative"
        rule = snn.STDP(15.0, 25.0, 0.05, 0.06, 0.0, 3.0, "multiplicative" if mult else "additive")
        rrule = rp.Rule(dt, "stdp", 15.0, 25.0, 0.05, 0.06, 0.0, 3.0, multiplicative=mult)
    plan = [(src, rsrc, exc, rexc, snn.FixedInDegree(15), snn.Uniform(0.5, 2.5),
             snn.Uniform(s, 10.0), snn.Exponential(4.0), ref.Exponential(4.0), True),
            (exc, rexc, exc, rexc, snn.FixedProbability(0.05), 1.0, max(s, 2.0), snn.Instant(target="v"),
             ref.InstantV(), True),
            (exc, rexc, inh, rinh, snn.FixedProbability(0.2), 0.8, max(s, 1.0), snn.Exponential(2.0),
             ref.Exponential(2.0), False),
            (inh, rinh, exc, rexc, snn.FixedProbability(0.3), -1.5, max(s, 1.0), snn.Exponential(6.0),
             ref.Exponential(6.0), False)]
    plastic = []
    for pre, rpre, post, rpost, rule_, w, d, k, rk, is_plastic in plan:
        proj = net.connect(pre, post, rule_, weight=w, delay=d, kernel=k,
                           plasticity=rule if is_plastic else None)
        pre_ids, post_ids, weights, _ = proj.synapses()
        D = proj.delay_steps()
        rproj = r.connect(rpre, rpost, pre_ids, post_ids, weights, D, rk, rule=rrule if is_plastic else None)
        if is_plastic:
            plastic.append((proj, rproj, weights))
    net.input(exc, drive)
    r.input(rexc, drive)
    return net, r, plastic


REFERENCE_RUNS: dict = {}  # kind -> (the reference's record, its final weights): run once


def reference_run(kind, steps, shortest_delay=0.5):
    if (kind, shortest_delay) not in REFERENCE_RUNS:
        _, r, plastic = build_plastic_network(kind, shortest_delay=shortest_delay)
        out = r.run(steps, record=("v",))
        REFERENCE_RUNS[kind, shortest_delay] = out, [rproj.weights() for _, rproj, _ in plastic]
    return REFERENCE_RUNS[kind, shortest_delay]


@pytest.mark.parametrize("kind", ["additive", "multiplicative", "izhikevich_2006"])
@pytest.mark.parametrize("threads", [1, 2])
def test_plastic_network_matches_reference(kind, threads):
    check_against_reference(kind, threads)


@pytest.mark.parametrize("kind", ["additive", "izhikevich_2006"])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("epoch", ["3", "100"])
def test_steps_integrated_in_epochs_match_reference(kind, threads, epoch, monkeypatch):
    """The CPU engine integrating up to SNN_CPU_EPOCH steps (at most the shortest delay:
    here 3 steps) before delivering their spikes: the same spikes and weights."""
    monkeypatch.setenv("SNN_CPU_EPOCH", epoch)
    check_against_reference(kind, threads, shortest_delay=1.5)


def check_against_reference(kind, threads, shortest_delay=0.5):
    net, _, plastic = build_plastic_network(kind, shortest_delay=shortest_delay)
    T, dt = 300.0, 0.5
    res = net.run(T, record="v", threads=threads)
    out, final = reference_run(kind, int(T / dt), shortest_delay)
    for pop, o in zip(net.populations, out):
        assert res[pop].n_spikes > 20, (pop.label, res[pop].n_spikes)
        np.testing.assert_array_equal(res[pop].spike_steps, o["spike_steps"], err_msg=pop.label)
        np.testing.assert_array_equal(res[pop].spike_ids, o["spike_ids"], err_msg=pop.label)
        if "v" in res[pop].traces:
            np.testing.assert_array_equal(res[pop].v, o["v"], err_msg=pop.label)
    for (proj, _, initial), w_ref in zip(plastic, final):
        w = proj.weights()
        np.testing.assert_array_equal(w, w_ref, err_msg=proj.label)
        assert np.count_nonzero(w != initial) > w.size // 10, f"{proj.label}: few weights changed"


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("epoch", [None, "3"])
def test_post_spikes_beyond_the_engines_ring_match_reference(threads, epoch, monkeypatch):
    """STDP's potentiation waits for each synapse's next pre spike in the CPU engine, in a
    ring of each neuron's last 32 post spikes here (delays up to 20 steps); a neuron that
    fires past it gets what its synapses are owed first. Neurons driven to fire up to 100 times
    in 600 ms, with sources at 10-30 Hz: the same spikes and weights as the reference."""
    if epoch:
        monkeypatch.setenv("SNN_CPU_EPOCH", epoch)
    T, dt, s = 600.0, 0.5, 1.5 if epoch else 0.5
    net, r, plastic = build_plastic_network("additive", shortest_delay=s, drive=5.0)
    res = net.run(T, record=(), threads=threads)
    out = r.run(int(T / dt), record=())
    exc = net.populations[1]
    assert np.count_nonzero(np.bincount(res[exc].spike_ids) > 64) >= 5  # rings filled twice
    for pop, o in zip(net.populations, out):
        np.testing.assert_array_equal(res[pop].spike_ids, o["spike_ids"], err_msg=pop.label)
        np.testing.assert_array_equal(res[pop].spike_steps, o["spike_steps"], err_msg=pop.label)
    for proj, rproj, initial in plastic:
        np.testing.assert_array_equal(proj.weights(), rproj.weights(), err_msg=proj.label)
        assert np.count_nonzero(proj.weights() != initial) > initial.size // 2


def test_izhikevich_2006_changes_weights_only_at_interval_ends():
    net, _, plastic = build_plastic_network("izhikevich_2006")
    proj = plastic[0][0]
    w0 = proj.weights()
    net.run(49.5)                                   # 99 steps: no interval has ended
    np.testing.assert_array_equal(proj.weights(), w0)
    net.run(0.5)                                    # step 99 ends the first 50 ms
    w1 = proj.weights()
    assert not np.array_equal(w1, w0)
    net.run(49.5)
    np.testing.assert_array_equal(proj.weights(), w1)
    assert w1.min() >= 0.0 and w1.max() <= 3.0


def test_plastic_dense_and_one_weight_projections_are_stored_sparse():
    net = snn.Network(dt=0.5, seed=2)
    a = net.population(20, snn.PoissonSource(50.0), label="a")
    b = net.population(10, snn.LIF(), label="b")
    dense = net.connect(a, b, snn.AllToAll(), weight=0.5, delay=1.0, plasticity=snn.STDP())
    one = net.connect(a, b, snn.FixedInDegree(5), weight=0.25, delay=2.0, plasticity=snn.STDP())
    net.input(b, 2.0)  # b fires: both signs of change
    assert not dense.dense and dense.n_synapses == 200 and one.n_synapses == 50
    pre, post, w, D = dense.synapses()
    np.testing.assert_array_equal(pre, np.repeat(np.arange(20), 10))
    np.testing.assert_array_equal(post, np.tile(np.arange(10), 20))
    np.testing.assert_array_equal(w, 0.5)
    np.testing.assert_array_equal(D, 1.0)  # ms: 2 steps of 0.5
    np.testing.assert_array_equal(dense.delay_steps(), 2)
    assert dense.nbytes == 200 * 8 + 21 * 8
    net.run(100.0)
    assert np.unique(dense.weights()).size > 1 and np.unique(one.weights()).size > 1


def test_plasticity_bad_input():
    net = snn.Network(dt=0.5, seed=2)
    a = net.population(5, snn.PoissonSource(10.0), label="a")
    b = net.population(5, snn.LIF(), label="b")
    c = net.population(5, snn.LIFCond(), label="c")
    cases = [
        (dict(plasticity=snn.STDP(tau_plus=-1.0)), r"p1.*tau_plus.*> 0.*-1"),
        (dict(plasticity=snn.STDP(tau_minus=math.nan)), r"p2.*tau_minus.*nan"),
        (dict(plasticity=snn.STDP(a_plus=-0.1)), r"p3.*a_plus.*>= 0"),
        (dict(plasticity=snn.STDP(w_min=1.0, w_max=0.5)), r"p4.*w_min <= w_max"),
        (dict(plasticity=snn.STDP(w_max=0.4)), r"p5.*weight 0.5.*outside.*\[0, 0.4\]"),
        (dict(plasticity=snn.STDP(weight_dependence="log")), r"p6.*weight_dependence"),
        (dict(plasticity=snn.STDPIzhikevich2006(interval=10.25)), r"p7.*interval.*whole number of steps"),
        (dict(plasticity="stdp"), r"p8.*plasticity must be snn.STDP"),
    ]
    for i, (kw, pattern) in enumerate(cases, 1):
        with pytest.raises(snn.ConfigError, match=pattern):
            net.connect(a, b, snn.AllToAll(), weight=0.5, label=f"p{i}", **kw)
    with pytest.raises(snn.ConfigError, match=r"pc.*conductance.*w_min = -1"):
        net.connect(a, c, snn.AllToAll(), weight=0.5, receptor="excitatory", label="pc",
                    plasticity=snn.STDP(w_min=-1.0))
    proj = net.connect(a, b, snn.AllToAll(), weight=0.5, label="ok", plasticity=snn.STDP())
    net.run(10.0)
    with pytest.raises(snn.ConfigError, match=r"ok.*outside the plasticity bounds"):
        proj.set_weights(2.0)
    with pytest.raises(snn.ConfigError, match=r"already been simulated"):
        net._native.set_plasticity(proj.index, snn.STDP()._native("x"))


@pytest.mark.parametrize("epoch", [None, "3"])
def test_weight_trace_records_the_weights_after_each_sampled_step(epoch, monkeypatch):
    if epoch:  # steps integrated 3 at a time: the samples still after each step's plasticity
        monkeypatch.setenv("SNN_CPU_EPOCH", epoch)
    net, r, plastic = build_plastic_network("additive", seed=9, shortest_delay=1.5 if epoch else 0.5)
    proj, rproj, _ = plastic[0]
    pick = [0, 5, 17, proj.n_synapses - 1]
    res = net.run(60.0, record=[snn.WeightTrace(proj, synapses=pick, every=3)], threads=2)
    rec = res.weights(proj)
    np.testing.assert_array_equal(rec.synapses, pick)
    np.testing.assert_array_equal(rec.steps, np.arange(0, 120, 3))
    expected = []
    for k in range(120):                         # the reference, one step at a time
        r.run(1, record=())
        if k % 3 == 0:
            expected.append(rproj.weights()[pick])
    np.testing.assert_array_equal(rec.values, np.array(expected, dtype=np.float32))
    assert np.unique(rec.values[:, 0]).size > 1
    with pytest.raises(snn.ConfigError, match="asked for twice"):
        net.run(1.0, record=[snn.WeightTrace(proj), snn.WeightTrace(proj, every=2)])
    with pytest.raises(snn.ConfigError, match=r"synapse index .* out of range"):
        net.run(1.0, record=[snn.WeightTrace(proj, synapses=[proj.n_synapses])])
    with pytest.raises(KeyError, match="not recorded"):
        net.run(1.0).weights(proj)


# ---- against NEST (the benchmark's peer environment) -------------------------------------------

PEER_PYTHON = os.environ.get("SNN_PEER_PYTHON") or shutil.which("python", path="/opt/peers-venv/bin")

NEST_STDP = """
import json, sys
import nest
task = json.loads(sys.argv[1])
nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.resolution = task["dt"]
out = []
for syn in task["synapses"]:
    gpre = nest.Create("spike_generator", params={"spike_times": task["pre"]})
    gpost = nest.Create("spike_generator", params={"spike_times": task["post"]})
    pre = nest.Create("parrot_neuron")
    post = nest.Create("parrot_neuron", params={"tau_minus": task["tau_minus"]})
    nest.Connect(gpre, pre, syn_spec={"delay": task["dt"]})
    nest.Connect(gpost, post, syn_spec={"delay": task["dt"]})
    nest.Connect(pre, post, syn_spec=dict(syn, synapse_model="stdp_synapse", receptor_type=1))
    out.append((pre, post))
nest.Simulate(task["T"])
print(json.dumps([nest.GetConnections(a, b).get("weight") for a, b in out]))
"""


@pytest.mark.skipif(PEER_PYTHON is None, reason="no peers interpreter (set SNN_PEER_PYTHON)")
@pytest.mark.parametrize("multiplicative", [False, True])
def test_stdp_final_weights_equal_nests(multiplicative):
    """The same pre and post spike trains through snn's STDP and NEST's stdp_synapse (parrot
    neurons, receptor 1), for several delays: final weights within 1e-6 relative. NEST changes
    a weight only at pre spikes, so a last pre spike long after the post spikes closes both."""
    check = subprocess.run([PEER_PYTHON, "-c", "import nest"], capture_output=True)
    if check.returncode != 0:
        pytest.skip("NEST not importable by the peers interpreter")
    dt, T = 0.1, 1200.0
    rng = np.random.default_rng(3)
    pre = np.sort(rng.choice(np.arange(100, 6000), 40, replace=False)) * dt
    post = np.sort(rng.choice(np.arange(100, 6000), 40, replace=False)) * dt
    pre = np.append(pre, 1100.0)                      # the closing pre spike
    tau_plus, tau_minus, a_plus, a_minus, w_max, w0 = 16.8, 33.7, 0.01, 0.012, 1.0, 0.5
    delays = [0.1, 1.0, 2.5, 7.3]
    mu = 1.0 if multiplicative else 0.0
    lam = a_plus if multiplicative else a_plus / w_max
    synapses = [dict(weight=w0, delay=d, tau_plus=tau_plus, **{"lambda": lam}, alpha=a_minus / a_plus,
                     mu_plus=mu, mu_minus=mu, Wmax=w_max) for d in delays]
    task = dict(dt=dt, T=T, pre=pre.round(1).tolist(), post=post.round(1).tolist(), tau_minus=tau_minus,
                synapses=synapses)
    run = subprocess.run([PEER_PYTHON, "-c", NEST_STDP, json.dumps(task)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    nest_w = np.array(json.loads(run.stdout.strip().splitlines()[-1]), dtype=float).reshape(-1)
    # snn: the post spikes forced by 100 mV jumps one step after a drive source's spikes
    net = snn.Network(dt=dt)
    src = net.population(1, snn.SpikeSource([pre]), label="pre")
    drive = net.population(1, snn.SpikeSource([post - dt]), label="drive")
    target = net.population(len(delays), snn.LIF(tau_refrac=0.0), label="post")
    net.connect(drive, target, snn.AllToAll(), weight=100.0, delay=dt, kernel=snn.Instant(target="v"))
    rule = snn.STDP(tau_plus, tau_minus, a_plus, a_minus, 0.0, w_max,
                    "multiplicative" if multiplicative else "additive")
    projs = [net.connect(src, target, (np.array([0]), np.array([i])), weight=w0, delay=d, plasticity=rule)
             for i, d in enumerate(delays)]
    res = net.run(T)
    np.testing.assert_allclose(res[target].spike_times[res[target].spike_ids == 0], post.round(1), atol=1e-9)
    snn_w = np.array([p.weights()[0] for p in projs])
    assert np.all(np.abs(snn_w - w0) > 1e-3), snn_w    # the trains changed every weight
    np.testing.assert_allclose(snn_w, nest_w, rtol=1e-6)


def test_a_refused_plastic_projection_leaves_the_network_as_it_was():
    """The rule is checked with the synapses before the projection is added: after a
    ConfigError the network has no trace of it, and runs as if it had never been asked."""
    def network(refused):
        net = snn.Network(dt=0.5, seed=3)
        a = net.population(20, snn.PoissonSource(80.0), label="a")
        b = net.population(10, snn.LIF(), label="b")
        for conn, kw in refused:
            with pytest.raises(snn.ConfigError, match="projection 'a->b'"):
                net.connect(a, b, conn, **kw)
        proj = net.connect(a, b, snn.FixedInDegree(5), weight=0.5, kernel=snn.Exponential(5.0),
                           plasticity=snn.STDP(w_max=1.0))
        net.input(b, 0.7)
        return net, proj, b

    refused = [(snn.AllToAll(), dict(weight=0.5, plasticity=snn.STDP(tau_plus=-1.0))),
               (snn.AllToAll(), dict(weight=2.0, plasticity=snn.STDP(w_max=1.0))),  # outside the bounds
               (np.full((20, 10), 0.5), dict(plasticity=snn.STDP(w_min=0.6)))]        # dense, below w_min
    net, proj, b = network(refused)
    clean, proj0, b0 = network([])
    assert net._native.projection_count == 1 and proj.label == proj0.label == "a->b"
    r, r0 = net.run(200.0)[b], clean.run(200.0)[b0]
    assert r0.n_spikes > 0
    np.testing.assert_array_equal(r.spike_ids, r0.spike_ids)
    np.testing.assert_array_equal(proj.weights(), proj0.weights())
