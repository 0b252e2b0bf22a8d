"""python -m snn.bench: its plumbing at tiny sizes (no timing assertions). The figures it
reports must agree with the run they describe: delivered events against a brute-force
count over synapses and spikes, rates against spike counts, JSON that parses, peers skipped
with a note when their interpreter is missing; plus the snn.Pulses input it uses."""

import json
import os
import shutil

import numpy as np
import pytest

import snn
from snn.bench import WORKLOADS, measure_snn
from snn.bench.__main__ import _parser, main
from snn.bench.lif_workloads import brunel_rate
from snn.bench.peer_worker import (
    NEST_DELAY_SHIFT,
    deferred_potentiation,
    delivered_events,
    nest_lif_model,
    nest_port,
)
from snn.bench.runner import (
    _basal_ganglia_once,
    latency_specs,
    lif_latency_specs,
    measure_peer,
    peer_available,
    run_peer_task,
    snn_latency,
)
from snn.bench.workloads import SCRIPTED, STDP_RULE, build, family, resolved

#: snn's side of the LIF workloads needs issue 11's engine; these tests wait for it.
needs_lif_engine = pytest.mark.skipif(
    not all(hasattr(snn, k) for k in ("LIF", "LIFCond", "PoissonInput")),
    reason="needs issue 11's engine (snn.LIF, snn.LIFCond, snn.PoissonInput)")

TINY = [("seed_dense", 60, 30.0), ("izh2003", 200, 100.0), ("izh2003", 1250, 50.0),
        ("sparse_delays", 500, 100.0)] + [
    pytest.param(*case, marks=needs_lif_engine)
    for case in (("cuba", 200, 100.0), ("coba", 400, 100.0), ("brunel", 1250, 30.0))]


def brute_force_events(net, res):
    """Each synapse carries every spike of its source that arrives before the run ends."""
    total = 0
    for proj in net.projections:
        r = res[proj.pre]
        pre, delay = proj.synapses().pre, proj.delay_steps()
        for i, d in zip(pre.tolist(), delay.tolist()):
            total += int(np.count_nonzero(r.spike_steps[r.spike_ids == i] - res.first_step + d < res.steps))
    return total


@pytest.mark.parametrize("name, n, t_ms", TINY)
def test_reported_figures_match_the_run(name, n, t_ms):
    rec, peer_spec = measure_snn(name, n, t_ms, threads=1, repeat=2)
    assert json.loads(json.dumps(rec)) == rec
    net = build(WORKLOADS[name].spec(n))  # the same seed: the same network and spikes
    res = net.run(t_ms, threads=1, progress=False)
    assert rec["spikes"] == res.spike_count > 0
    if name == "sparse_delays" or n <= 200:  # the brute force is a Python loop over synapses
        assert rec["events"] == brute_force_events(net, res)
    n_syn = sum(p.n_synapses for p in net.projections)
    assert rec["n_synapses"] == n_syn
    assert rec["rate_hz"] == pytest.approx(res.spike_count * 1000.0 / (t_ms * n))
    assert rec["events_per_s"] == pytest.approx(rec["events"] / rec["run_s"])
    assert rec["wall_per_sim_s"] == pytest.approx(rec["run_s"] * 1000.0 / t_ms)
    assert rec["bytes_per_synapse"] == pytest.approx(sum(p.nbytes for p in net.projections) / n_syn)
    # each repeat built in a fresh process: real growth every time, not memory the last one freed
    assert len(rec["build_rss"]) == 2 and min(rec["build_rss"]) > 2**20
    assert max(rec["build_rss"]) < 2 * min(rec["build_rss"]) and rec["peak_rss"] > max(rec["build_rss"])
    assert rec["build_rss_per_synapse"] == pytest.approx(np.median(rec["build_rss"]) / n_syn)
    assert all(peak >= grown for peak, grown in zip(rec["build_peak_rss"], rec["build_rss"]))
    assert rec["build_peak_over_stored"] == pytest.approx(np.median(rec["build_peak_rss"]) / n_syn
                                                          - rec["bytes_per_synapse"])
    # the peers get the neurons' exact parameters
    if family(peer_spec) == "lif":  # all in the spec, with the draws build made
        assert peer_spec == resolved(WORKLOADS[name].spec(n), 1)
        return
    for p, pop in zip(peer_spec["populations"], net.populations):
        np.testing.assert_array_equal(np.broadcast_to(p["a"], pop.size), pop.parameters()["a"])


def test_events_are_spikes_times_fan_out_without_late_arrivals():
    # sparse_delays: every excitatory neuron has 100 synapses, delays 1..20 ms
    rec, _ = measure_snn("sparse_delays", 500, 200.0, threads=1)
    net = build(WORKLOADS["sparse_delays"].spec(500))
    res = net.run(200.0, threads=1, progress=False)
    upper = sum(res[p.pre].n_spikes * p.n_synapses // p.pre.size for p in net.projections)
    early = sum(int(np.count_nonzero(res[p.pre].spike_steps < 200 - 20)) * p.n_synapses // p.pre.size
                for p in net.projections)
    assert early <= rec["events"] <= upper
    assert rec["events"] < upper  # spikes of the last 20 ms have synapses still in flight


def test_delivered_events_against_brute_force():
    rng = np.random.default_rng(3)
    pre = rng.integers(0, 30, 400)
    delay = rng.integers(1, 8, 400)
    steps = 50
    spike_steps = rng.integers(0, steps, 200)
    spike_ids = rng.integers(0, 30, 200)
    expected = sum(int(np.count_nonzero((pre == i) & (s + delay < steps)))
                   for s, i in zip(spike_steps, spike_ids))
    assert delivered_events(spike_steps, spike_ids, pre, delay, steps) == expected
    assert delivered_events(spike_steps, spike_ids, pre, 3, steps) == sum(
        int(np.count_nonzero(pre == i)) * (s + 3 < steps) for s, i in zip(spike_steps, spike_ids))


def test_izh2003_in_degree_above_1000_neurons():
    spec = WORKLOADS["izh2003"].spec(1250)
    net = build(spec)
    for proj in net.projections:
        _, post, _, _ = proj.synapses()
        counts = np.bincount(post, minlength=proj.post.size)
        np.testing.assert_array_equal(counts, 800 if proj.pre.label == "exc" else 200)


def test_latency_of_snn_is_the_delay():
    for spec in latency_specs(delays=(1, 2, 4)):
        assert snn_latency(spec) == spec["projections"][0]["delay"][1]


def expected_latency(spec):
    """What every simulator should give for a LIF latency case: D, or R + 1 for the hold."""
    if spec["measure"] == "refractory":
        return round(spec["populations"][0]["tau_refrac"] / spec["dt"]) + 1
    return spec["projections"][0]["delay"][1]


def test_command_prints_table_and_json_and_skips_missing_peers(tmp_path, capsys):
    out_file = tmp_path / "bench.jsonl"
    rc = main(["izh2003", "sparse_delays", "--n", "100", "--t-ms", "20", "--repeat", "1", "--threads", "1",
               "--compare", "brian2,nest", "--peer-python", str(tmp_path / "no-python"),
               "--json", str(out_file)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "brian2 skipped" in printed and "nest skipped" in printed
    lines = [json.loads(x) for x in out_file.read_text().splitlines()]
    assert [(r["workload"], r["n"], r["sim"]) for r in lines] == [("izh2003", 100, "snn"),
                                                                 ("sparse_delays", 100, "snn")]
    for r in lines:
        assert json.dumps(r) in printed  # one JSON line per measurement on stdout too
        assert f"| {r['workload']} | 100 | snn cpu | 1 |" in printed


def test_help_documents_every_workload(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for w in (*WORKLOADS.values(), *SCRIPTED.values()):
        assert w.details.splitlines()[0] in text


@pytest.mark.skipif(snn.cuda_available(), reason="a CUDA device is present")
def test_missing_backend_is_skipped_with_a_note(capsys):
    assert main(["izh2003", "--n", "50", "--t-ms", "5", "--repeat", "1", "--backend", "cuda"]) == 0
    assert "backend cuda: skipped" in capsys.readouterr().out


def test_unknown_workload_is_an_error(capsys):
    assert main(["izh2003", "no_such_workload"]) == 2
    assert "no_such_workload" in capsys.readouterr().err


def test_basal_ganglia_figures_match_the_run(tmp_path, capsys):
    out_file = tmp_path / "bench.jsonl"
    rc = main(["basal_ganglia", "--t-ms", "20", "--repeat", "2", "--threads", "1", "--n", "100",
               "--compare", "nest", "--peer-python", str(tmp_path / "no-python"), "--json", str(out_file)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "basal_ganglia: snn only, 3,800 neurons: --n, --compare ignored for it" in printed
    assert "nest skipped" not in printed  # no peer is even looked for
    [rec] = [json.loads(x) for x in out_file.read_text().splitlines()]
    assert json.dumps(rec) in printed and "| basal_ganglia | 3,800 | snn cpu | 1 |" in printed
    assert (rec["n"], rec["t_ms"], rec["sim"], rec["threads"]) == (3800, 20.0, "snn", 1)
    assert rec["build_s"] == pytest.approx(rec["script_s"] + rec["build_izhi_s"])
    assert rec["run_s"] == rec["simulate_s"] >= rec["native_run_s"] > 0
    assert rec["rate_hz"] == pytest.approx(rec["spikes"] * 1000.0 / (20.0 * 3800))
    assert rec["events_per_s"] == pytest.approx(rec["events"] / rec["run_s"])
    assert rec["peak_rss"] >= rec["base_rss"] > 0
    # the same run again (seeded): spikes, synapses and events counted here the plain way
    _, (net, res) = _basal_ganglia_once(20.0, "cpu", 1)
    assert rec["spikes"] == res.spike_count > 0
    assert rec["n_synapses"] == sum(p.n_synapses for p in net.projections) > 3_000_000
    conn = sum(p.nbytes for p in net.projections)
    assert rec["bytes_per_synapse"] == pytest.approx(conn / rec["n_synapses"])
    events = 0
    for proj in net.projections:
        r = res[proj.pre]
        pre, delay = proj.synapses().pre, proj.delay_steps()
        assert np.all(delay == delay[0])  # one delay per projection
        fan_out = np.bincount(pre, minlength=proj.pre.size)
        events += int(fan_out[r.spike_ids[r.spike_steps - res.first_step + delay[0] < res.steps]].sum())
    assert rec["events"] == events > 0


PEER_PYTHON = os.environ.get("SNN_PEER_PYTHON") or shutil.which("python", path="/opt/peers-venv/bin")
needs_peers = pytest.mark.skipif(PEER_PYTHON is None, reason="no peers interpreter (set SNN_PEER_PYTHON)")


@pytest.mark.slow
@pytest.mark.skipif(PEER_PYTHON is None, reason="no peers interpreter (set SNN_PEER_PYTHON)")
def test_nest_peer_reports_consistent_figures():
    if peer_available("nest", PEER_PYTHON)[0] is None:
        pytest.skip("NEST not importable by the peers interpreter")
    rec, spec = measure_snn("izh2003", 100, 100.0, threads=1)
    peer = measure_peer("nest", "", spec, 100.0, PEER_PYTHON, threads=1)
    assert "skipped" not in peer, peer.get("skipped")
    assert peer["n_synapses"] == rec["n_synapses"] == 100 * 100
    # all-to-all, delay one step: each spike but those of the last step reaches 100 targets
    assert peer["events"] % 100 == 0 and peer["spikes"] * 100 - peer["events"] <= 100 * 100
    assert peer["rate_hz"] == pytest.approx(peer["spikes"] * 1000.0 / (100.0 * 100))


# --- sparse_delays --weights: one weight per projection or per-synapse weights ---------------


def test_weights_option_parses_and_defaults_to_one_weight(capsys):
    assert _parser().parse_args(["sparse_delays"]).weights is None
    assert _parser().parse_args(["sparse_delays", "--weights", "per-synapse"]).weights == ["per-synapse"]
    assert _parser().parse_args(["sparse_delays", "--weights", "one", "per-synapse"]).weights == [
        "one", "per-synapse"]
    with pytest.raises(SystemExit):
        _parser().parse_args(["sparse_delays", "--weights", "random"])
    assert "--weights" in capsys.readouterr().err
    w = WORKLOADS["sparse_delays"]
    assert w.weight_options == WORKLOADS["stdp"].weight_options == ("one", "per-synapse")
    assert w.make(1000) == w.make(1000, "one") == w.spec(1000)
    with pytest.raises(ValueError, match="per-synapse"):
        w.make(1000, "random")
    assert WORKLOADS["izh2003"].make(100, "per-synapse") == WORKLOADS["izh2003"].spec(100)  # no variants


def test_per_synapse_weights_vary_within_one_percent():
    one, per = (WORKLOADS["sparse_delays"].make(2000, w) for w in ("one", "per-synapse"))
    assert (one["weights"], per["weights"]) == ("one", "per-synapse")
    assert [pr["weight"] for pr in one["projections"]] == [["const", 6.0], ["const", 6.0], ["const", -5.0]]
    assert [pr["weight"] for pr in per["projections"]] == [["uniform", 5.94, 6.06]] * 2 + [
        ["uniform", -5.05, -4.95]]
    for pr_one, pr_per in zip(one["projections"], per["projections"]):  # nothing else differs
        assert {k: v for k, v in pr_one.items() if k != "weight"} == {
            k: v for k, v in pr_per.items() if k != "weight"}
    for proj, proj_one, w0 in zip(build(per).projections, build(one).projections, (6.0, 6.0, -5.0)):
        w = proj.weights().astype(np.float64)
        assert np.all(np.abs(w - w0) <= 0.01 * abs(w0) * (1 + 1e-6))
        assert np.ptp(w) > 0.019 * abs(w0)  # the whole range is used
        assert np.std(w) == pytest.approx(0.02 * abs(w0) / np.sqrt(12), rel=0.05)  # uniform
        assert np.unique(w).size > 0.5 * w.size  # float32 has about 2.5e5 values in the range
        assert abs(w.mean() - w0) < 0.001 * abs(w0)
        np.testing.assert_array_equal(proj_one.weights(), np.float32(w0))
        assert proj.nbytes > 1.9 * proj_one.nbytes  # 8-byte synapses against one weight's 4-byte keys


def test_command_measures_the_per_synapse_variant(tmp_path, capsys):
    out_file = tmp_path / "bench.jsonl"
    assert main(["sparse_delays", "izh2003", "--n", "200", "--t-ms", "20", "--repeat", "1", "--threads", "1",
                 "--weights", "per-synapse", "one", "--json", str(out_file)]) == 0
    printed = capsys.readouterr().out
    assert "--weights ignored for izh2003" in printed
    recs = [json.loads(x) for x in out_file.read_text().splitlines()]
    assert [(r["workload"], r.get("weights")) for r in recs] == [("sparse_delays", "per-synapse"),
                                                               ("sparse_delays", "one"), ("izh2003", None)]
    assert "| sparse_delays (per-synapse weights) | 200 | snn cpu | 1 |" in printed
    assert "| sparse_delays | 200 | snn cpu | 1 |" in printed
    # 8-byte synapses against one weight's 4-byte keys (plus per-projection tables)
    assert recs[0]["bytes_per_synapse"] == pytest.approx(recs[1]["bytes_per_synapse"] + 4.0)


@pytest.mark.slow
@needs_peers
@pytest.mark.parametrize("sim", ["nest", "brian2"])
def test_peers_take_their_one_weight_shortcut_and_per_synapse_weights(sim):
    """One weight: NEST's static_synapse_hom_w (a copy per projection) and Brian2's literal
    in on_pre; per-synapse: weights per synapse, drawn within 1% as snn's."""
    if peer_available(sim, PEER_PYTHON)[0] is None:
        pytest.skip(f"{sim} not importable by the peers interpreter")
    found = {}
    for weights in ("one", "per-synapse"):
        spec = WORKLOADS["sparse_delays"].make(1000, weights)
        found[weights], why = run_peer_task(dict(task="synapse_weights", sim=sim, spec=spec), PEER_PYTHON,
                                            timeout=600)
        assert found[weights] is not None, why
    one = {"nest": [f"static_synapse_hom_w_bench_{j}" for j in range(3)], "brian2": ["literal"] * 3}[sim]
    assert [(p["model"], p["n"], p["mean"]) for p in found["one"]] == list(zip(one, [1] * 3,
                                                                               [6.0, 6.0, -5.0]))
    per = {"nest": "static_synapse", "brian2": "w"}[sim]
    for p, w0, n in zip(found["per-synapse"], (6.0, 6.0, -5.0), (64_000, 16_000, 20_000)):
        assert (p["model"], p["n"]) == (per, n)
        assert w0 - 0.01 * abs(w0) <= p["min"] < p["max"] <= w0 + 0.01 * abs(w0)
        assert p["max"] - p["min"] > 0.019 * abs(w0)
        assert p["std"] == pytest.approx(0.02 * abs(w0) / np.sqrt(12), rel=0.05)


# --- stdp: sparse_delays with STDP on its excitatory synapses ------------------------------


def test_stdp_spec_is_sparse_delays_with_plastic_excitatory_synapses():
    stdp, static = WORKLOADS["stdp"].spec(1000), WORKLOADS["sparse_delays"].spec(1000)
    assert json.loads(json.dumps(stdp)) == stdp
    assert all("plasticity" not in pr for pr in static["projections"])  # the static specs stay as they were
    assert {k: v for k, v in stdp.items() if k not in ("name", "projections")} == {
        k: v for k, v in static.items() if k not in ("name", "projections")}
    for pr, base in zip(stdp["projections"], static["projections"], strict=True):
        assert {k: v for k, v in pr.items() if k != "plasticity"} == base
        assert pr.get("plasticity") == (STDP_RULE if pr["pre"] == "exc" else None)
    assert STDP_RULE == dict(rule="stdp", tau_plus=20.0, tau_minus=20.0, a_plus=0.1, a_minus=0.12, w_min=0.0,
                             w_max=10.0, weight_dependence="additive")
    w = WORKLOADS["stdp"]
    assert (w.sizes, w.t_ms, w.warmup_ms, w.baseline) == ((1000, 10_000, 100_000), 1000.0, 1000.0,
                                                          "sparse_delays")
    assert WORKLOADS["sparse_delays"].warmup_ms == 0.0


def test_stdp_figures_match_the_run():
    n, warmup, t_ms = 500, 60.0, 100.0
    rec, peer_spec = measure_snn("stdp", n, t_ms, threads=1, repeat=2, warmup_ms=warmup)
    assert json.loads(json.dumps(rec)) == rec
    assert [pr.get("plasticity") for pr in peer_spec["projections"]] == [STDP_RULE, STDP_RULE, None]
    net = build(WORKLOADS["stdp"].spec(n))  # the same seed: the same network, spikes and weights
    plastic = net.projections[:2]
    initial = [p.weights() for p in net.projections]
    net.run(warmup, threads=1, progress=False)
    res = net.run(t_ms, threads=1, progress=False)
    assert rec["warmup_ms"] == warmup and res.first_step == warmup
    assert rec["spikes"] == res.spike_count > 0
    assert rec["events"] == brute_force_events(net, res)
    final = [p.weights() for p in net.projections]
    for p, w0, w in zip(net.projections, initial, final):
        if p in plastic:  # moved, within the bounds
            assert np.all(w0 == 6.0) and np.count_nonzero(w != w0) > w.size // 2
            assert 0.0 <= w.min() and w.max() <= 10.0
        else:
            np.testing.assert_array_equal(w, w0)
    assert rec["mean_weight"] == pytest.approx(np.concatenate(final[:2]).mean(), rel=1e-12)
    assert rec["mean_weight"] != 6.0
    n_syn = sum(p.n_synapses for p in net.projections)
    # The engine's count of the plastic state, against its layout (cpu/post_history.hpp,
    # engine_plan.hpp): per synapse its place in its target's list with its source (uint32 x
    # 2); per source a trace (float32, uint64 step); per target a list
    # offset (uint64), a 128-byte head and a ring of 32 spikes of 16 bytes (delays 1-20
    # steps: 2^ceil(log2(20 + 10))); one more list offset; two tables of 1024 float32.
    sim = net._sim
    stdp_bytes = [sim.plasticity_bytes(p.index) for p in plastic]
    assert stdp_bytes == [8 * p.n_synapses + 12 * p.pre.size + (8 + 128 + 16 * 32) * p.post.size + 8 + 8192
                          for p in plastic]
    assert sim.plasticity_bytes(net.projections[2].index) == 0  # static
    conn = sum(p.nbytes for p in net.projections) + sum(stdp_bytes)
    assert rec["bytes_per_synapse"] == pytest.approx(conn / n_syn)
    static, _ = measure_snn("sparse_delays", n, t_ms, threads=1)
    assert "mean_weight" not in static and static["warmup_ms"] == 0.0


def test_command_reports_weights_and_the_cost_of_plasticity(capsys):
    assert main(["stdp", "sparse_delays", "--n", "200", "--t-ms", "30", "--warmup-ms", "20", "--repeat", "1",
                 "--threads", "1"]) == 0
    printed = capsys.readouterr().out
    recs = {r["workload"]: r for r in (json.loads(x) for x in printed.splitlines() if x.startswith("{"))}
    assert recs["stdp"]["warmup_ms"] == recs["sparse_delays"]["warmup_ms"] == 20.0
    mean = recs["stdp"]["mean_weight"]
    assert f"stdp N=200: mean final plastic weight: snn cpu (1 thr) {mean:.4f}" in printed
    ratio = recs["stdp"]["run_s"] / recs["sparse_delays"]["run_s"]
    assert f"stdp N=200 snn cpu (1 thr): run {ratio:.2f}x sparse_delays's" in printed
    assert printed.count('"workload": "sparse_delays"') == 1  # measured once, at the same warm-up


def test_stdp_alone_measures_its_baseline_after_the_same_warm_up(capsys):
    assert main(["stdp", "--n", "200", "--t-ms", "30", "--repeat", "1", "--threads", "1",
                 "--weights", "per-synapse"]) == 0
    printed = capsys.readouterr().out
    recs = [json.loads(x) for x in printed.splitlines() if x.startswith("{")]
    assert [(r["workload"], r.get("baseline_for"), r["warmup_ms"], r["weights"]) for r in recs] == [
        ("stdp", None, 1000.0, "per-synapse"), ("sparse_delays", "stdp", 1000.0, "per-synapse")]
    ratio = recs[0]["run_s"] / recs[1]["run_s"]
    line = (f"stdp (per-synapse weights) N=200 snn cpu (1 thr): run {ratio:.2f}x sparse_delays's "
            f"({recs[0]['run_s']:.3g} s vs {recs[1]['run_s']:.3g} s, both after a 1000 ms warm-up)")
    assert line in printed


def test_deferred_potentiation_against_brute_force():
    """What NEST still owes each synapse: the post spikes that reached it after its source's
    last spike, each potentiating by a_plus times the pre trace then."""
    rng = np.random.default_rng(5)
    steps, n, dt = 300, 12, 0.5
    spike_steps = rng.integers(0, steps, 150)
    spike_ids = rng.integers(0, n - 1, 150)  # neuron n - 1 is silent
    pre, post, delay = rng.integers(0, n, 200), rng.integers(0, n, 200), rng.integers(1, 25, 200)
    rule = dict(STDP_RULE, a_plus=0.3, tau_plus=7.0)
    got = deferred_potentiation(rule, dt, steps, spike_steps, spike_ids)(pre, post, delay)
    for g, i, j, d in zip(got, pre, post, delay):
        mine = spike_steps[spike_ids == i]
        expected = 0.0
        if mine.size:
            last = mine.max()
            trace = np.exp(-(last - mine) * dt / 7.0).sum()
            arrive = spike_steps[spike_ids == j] + d
            arrive = arrive[(arrive > last) & (arrive <= steps - 1)]
            expected = 0.3 * trace * np.exp(-(arrive - last) * dt / 7.0).sum()
        assert g == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert np.count_nonzero(got) > 20


def snn_stdp_pairs(pre, post, delays, rule, w0, steps, dt):
    """snn's weights after one source spiking at the steps ``pre`` and targets all spiking at
    ``post`` (forced by 100 mV jumps one step before; cm large, so that the plastic synapses
    move v by nothing), one plastic synapse of each delay (steps)."""
    net = snn.Network(dt=dt)
    src = net.population(1, snn.SpikeSource([np.asarray(pre) * dt]), label="pre")
    drive = net.population(1, snn.SpikeSource([(np.asarray(post) - 1) * dt]), label="drive")
    target = net.population(len(delays), snn.LIF(tau_refrac=0.0, cm=1e4), label="post")
    net.connect(drive, target, snn.AllToAll(), weight=100.0, delay=dt, kernel=snn.Instant(target="v"))
    stdp = snn.STDP(**{k: v for k, v in rule.items() if k != "rule"})
    projs = [net.connect(src, target, (np.array([0]), np.array([i])), weight=w0, delay=d * dt,
                         plasticity=stdp) for i, d in enumerate(delays)]
    res = net.run(steps * dt, progress=False)
    for i in range(len(delays)):
        np.testing.assert_array_equal(res[target].spike_steps[res[target].spike_ids == i], post)
    return np.array([p.weights()[0] for p in projs])




@pytest.mark.slow
@needs_peers
def test_peers_stdp_is_snns_on_given_spike_trains():
    """The peers' STDP as the bench builds it (Brian2's three pathways, NEST's stdp_synapse
    and the potentiation it owes) on the same pre and post spike trains as snn's: final
    weights within 1e-6, including pairs at t = 0, post spikes in consecutive steps and
    delays up to 20 steps."""
    for sim in ("brian2", "nest"):
        if peer_available(sim, PEER_PYTHON)[0] is None:
            pytest.skip(f"{sim} not importable by the peers interpreter")
    rng = np.random.default_rng(3)
    steps, dt, delays = 1000, 1.0, [1, 2, 5, 13, 20]
    pre = np.sort(rng.choice(np.arange(5, 900), 60, replace=False))
    post = np.union1d(rng.choice(np.arange(5, 900), 60, replace=False), pre[:6] - 5)  # t = 0 at D = 5
    assert np.any(np.diff(post) == 1)
    ours = snn_stdp_pairs(pre, post, delays, STDP_RULE, 6.0, steps, dt)
    assert np.all(np.abs(ours - 6.0) > 0.01)
    task = dict(task="stdp_pairs", dt=dt, steps=steps, pre=pre.tolist(), post=post.tolist(), delays=delays,
                rule=STDP_RULE, w0=6.0)
    brian, why = run_peer_task(dict(task, sim="brian2"), PEER_PYTHON, timeout=600)
    assert brian is not None, why
    np.testing.assert_allclose(brian, ours, rtol=1e-6)
    nest, why = run_peer_task(dict(task, sim="nest"), PEER_PYTHON, timeout=600)
    assert nest is not None, why
    np.testing.assert_allclose(nest["weights"], ours, rtol=1e-6)
    # NEST reports weights as of each synapse's last pre spike: the long delays' post spikes came later
    assert np.all(np.array(nest["as_read"])[-2:] < ours[-2:] - 0.05)


@pytest.mark.slow
@needs_peers
@pytest.mark.parametrize("sim, mode", [("nest", ""), ("brian2", "standalone")])
def test_stdp_peer_reports_consistent_figures(sim, mode, tmp_path):
    if peer_available(sim, PEER_PYTHON)[0] is None:
        pytest.skip(f"{sim} not importable by the peers interpreter")
    n, warmup, t_ms = 200, 100.0, 100.0
    rec, spec = measure_snn("stdp", n, t_ms, threads=1, warmup_ms=warmup)
    peer = measure_peer(sim, mode, spec, t_ms, PEER_PYTHON, threads=1, warmup_ms=warmup, repeat=2,
                        workdir=str(tmp_path))
    assert "skipped" not in peer, peer.get("skipped")
    assert peer["warmup_ms"] == warmup and peer["n_synapses"] == rec["n_synapses"] == n * 100
    assert 0 < peer["events"] <= peer["spikes"] * 100
    assert peer["rate_hz"] == pytest.approx(peer["spikes"] * 1000.0 / (t_ms * n))
    # 100 ms of 200 bursting neurons: rates differ between networks; weights hardly move yet
    assert peer["mean_weight"] != 6.0 and abs(peer["mean_weight"] - rec["mean_weight"]) < 0.05
    # two repeats, each built in a fresh process (the standalone binary's runs): real growth each time
    assert len(peer["build_rss"]) == 2 and min(peer["build_rss"]) > 0
    assert max(peer["build_rss"]) < 2 * min(peer["build_rss"])
    assert peer["build_rss_per_synapse"] == pytest.approx(np.median(peer["build_rss"]) / peer["n_synapses"])
    if sim == "nest":
        assert peer["mean_weight_as_read"] < peer["mean_weight"]


# --- snn.Pulses (the sparse_delays input; its exact stream is tested in test_inputs.py) ------


def pulse_net(seed=3, rate=50.0):
    net = snn.Network(dt=0.5, seed=seed)
    pop = net.population(400, "regular_spiking", label="p")
    net.input(pop, snn.Pulses(rate, 7.0))
    return net, pop


def test_pulses_rate_amplitude_and_determinism():
    net, pop = pulse_net()
    I = net.run(2000.0, record="I")[pop].I
    hits = np.rint(I / 7.0)
    np.testing.assert_array_equal(hits * 7.0, I)          # whole pulses only
    lam = 400 * 50.0 * 0.5 / 1000.0                       # 10 pulses per step, exactly
    np.testing.assert_array_equal(hits.sum(axis=1), np.full(I.shape[0], lam))
    p = lam / 400
    per_neuron = hits.sum(axis=0)
    assert per_neuron.std() < 2 * np.sqrt(I.shape[0] * p)  # no neuron favoured
    # independent across steps: a pulse is followed by one of the same neuron with chance p
    pulses = I != 0
    again = np.count_nonzero(pulses[1:] & pulses[:-1])
    expected = np.count_nonzero(pulses[:-1]) * p
    assert abs(again - expected) < 5 * np.sqrt(expected)
    net2, pop2 = pulse_net()  # the same seed, split into runs of other lengths
    parts = [net2.run(T, record="I")[pop2].I for T in (0.5, 333.0, 1666.5)]
    np.testing.assert_array_equal(np.vstack(parts), I)
    net3, pop3 = pulse_net(seed=4)
    assert not np.array_equal(net3.run(2000.0, record="I")[pop3].I, I)


# --- the LIF workloads: specs (data only), snn's builder (issue 11's engine), peers --------


def test_vogels_abbott_specs_have_the_published_parameters():
    cuba, coba = (WORKLOADS[w].spec(4000) for w in ("cuba", "coba"))
    for spec in (cuba, coba):
        assert [(p["label"], p["n"]) for p in spec["populations"]] == [("exc", 3200), ("inh", 800)]
        assert (spec["dt"], spec["inputs"]) == (0.1, [])
        for p in spec["populations"]:
            assert {k: p[k] for k in ("cm", "tau_m", "v_thresh", "v_reset", "tau_refrac")} == dict(
                cm=0.2, tau_m=20.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0)
            assert p["v0"] == ["uniform", -60.0, -50.0]
        assert [(pr["pre"], pr["post"]) for pr in spec["projections"]] == [
            ("exc", "exc"), ("exc", "inh"), ("inh", "exc"), ("inh", "inh")]
        for pr in spec["projections"]:
            assert (pr["rule"], pr["p"], pr["delay"]) == ("fixed_probability", 0.02, ["const", 2])
            assert pr["kernel"] == ["exponential", 5.0 if pr["pre"] == "exc" else 10.0]
    # CUBA: Brian2's weights (60*0.27/10) mV and (-20*4.5/10) mV are w_nA * tau_m / cm
    assert [p["v_rest"] for p in cuba["populations"]] == [-49.0, -49.0]
    w_mv = {pr["pre"]: pr["weight"][1] * 20.0 / 0.2 for pr in cuba["projections"]}
    assert w_mv == pytest.approx({"exc": 1.62, "inh": -9.0})
    assert all("receptor" not in pr and p["i_offset"] == 0.0 for pr in cuba["projections"]
               for p in cuba["populations"])
    # COBA: 6 nS and 67 nS into their receptors; 50 excitatory neurons driven
    for p in coba["populations"]:
        assert (p["model"], p["v_rest"], p["e_rev_E"], p["e_rev_I"]) == ("lif_cond", -60.0, 0.0, -80.0)
    assert {pr["pre"]: (pr["receptor"], pr["weight"][1]) for pr in coba["projections"]} == {
        "exc": ("excitatory", 0.006), "inh": ("inhibitory", 0.067)}
    drive = np.asarray(coba["populations"][0]["i_offset"])
    assert drive.shape == (3200,) and np.all(drive[:50] == 0.25) and np.all(drive[50:] == 0)
    assert coba["populations"][1]["i_offset"] == 0.0


def test_brunel_spec_is_model_a():
    spec = WORKLOADS["brunel"].spec(12_500)
    assert [(p["label"], p["n"]) for p in spec["populations"]] == [("exc", 10_000), ("inh", 2_500)]
    expected = dict(model="lif", tau_m=20.0, v_rest=0.0, v_reset=10.0, v_thresh=20.0, tau_refrac=2.0, v0=0.0)
    for p in spec["populations"]:
        assert {k: p[k] for k in expected} == expected
    assert {(pr["pre"], pr["post"]): (pr["k"], pr["weight"][1]) for pr in spec["projections"]} == {
        ("exc", "exc"): (1000, 0.1), ("exc", "inh"): (1000, 0.1),
        ("inh", "exc"): (250, -0.5), ("inh", "inh"): (250, -0.5)}
    assert all(pr["delay"] == ["const", 15] and pr["kernel"] == ["instant_v"] for pr in spec["projections"])
    # eta * nu_th * C_E with nu_th = theta / (J C_E tau_m): 2 * 10 Hz * 1000
    assert brunel_rate() == pytest.approx(20_000.0)
    assert spec["inputs"] == [{"pop": p, "kind": "poisson_input", "rate_hz": pytest.approx(20_000.0),
                               "weight": 0.1, "target": "v"} for p in ("exc", "inh")]


def test_lif_specs_scale_keeping_the_in_degree():
    assert {pr["p"] for pr in WORKLOADS["cuba"].spec(1000)["projections"]} == {0.08}
    assert {pr["p"] for pr in WORKLOADS["coba"].spec(40)["projections"]} == {1.0}
    assert len(WORKLOADS["coba"].spec(400)["populations"][0]["i_offset"]) == 320
    assert [pr["k"] for pr in WORKLOADS["brunel"].spec(1250)["projections"]] == [1000, 1000, 250, 250]
    assert [pr["k"] for pr in WORKLOADS["brunel"].spec(500)["projections"]] == [400, 400, 100, 100]


def test_resolved_draws_v0_per_seed_and_leaves_the_rest():
    spec = WORKLOADS["coba"].spec(400)
    one = resolved(spec, 1)
    assert one == resolved(spec, 1) == json.loads(json.dumps(one))
    assert one != resolved(spec, 2)
    for p, q in zip(spec["populations"], one["populations"]):
        v0 = np.asarray(q["v0"])
        assert v0.shape == (p["n"],) and np.all((v0 >= -60.0) & (v0 < -50.0)) and v0.std() > 2.0
        np.testing.assert_array_equal(v0, v0.astype(np.float32))  # what snn stores
        assert {k: v for k, v in q.items() if k != "v0"} == {k: v for k, v in p.items() if k != "v0"}
    assert {k: v for k, v in one.items() if k != "populations"} == {
        k: v for k, v in spec.items() if k != "populations"}
    izh = WORKLOADS["izh2003"].spec(100)
    assert resolved(izh, 1) == izh and family(izh) == "izhikevich" and family(spec) == "lif"


def test_nest_models_ports_and_delays_of_the_lif_workloads():
    models = {w: nest_lif_model(WORKLOADS[w].spec(400)) for w in ("cuba", "coba", "brunel")}
    assert models == {"cuba": "iaf_psc_exp", "coba": "iaf_cond_exp", "brunel": "iaf_psc_delta"}
    # NEST delay = (D - shift) dt: 0.1 ms for the Vogels-Abbott networks (NEST's example), 1.5 ms
    assert {w: WORKLOADS[w].spec(400)["projections"][0]["delay"][1] - NEST_DELAY_SHIFT[m]
            for w, m in models.items()} == {"cuba": 1, "coba": 1, "brunel": 15}
    cuba, coba = WORKLOADS["cuba"].spec(400), WORKLOADS["coba"].spec(400)
    assert [nest_port(pr) for pr in cuba["projections"]] == ["ex", "ex", "in", "in"]  # by sign
    assert [nest_port(pr) for pr in coba["projections"]] == ["ex", "ex", "in", "in"]  # by receptor


@needs_lif_engine
@pytest.mark.parametrize("name, n", [("cuba", 400), ("coba", 400), ("brunel", 1250)])
def test_lif_network_is_the_spec(name, n):
    spec = resolved(WORKLOADS[name].spec(n), 7)
    net = build(WORKLOADS[name].spec(n), seed=7)
    assert [(p.label, p.size) for p in net.populations] == [(p["label"], p["n"]) for p in spec["populations"]]
    sizes = {p["label"]: p["n"] for p in spec["populations"]}
    for pr, proj in zip(spec["projections"], net.projections, strict=True):
        pre, post, w, _ = proj.synapses()
        d = proj.delay_steps()
        assert (proj.pre.label, proj.post.label) == (pr["pre"], pr["post"])
        np.testing.assert_array_equal(d, pr["delay"][1])
        np.testing.assert_array_equal(w, np.float32(pr["weight"][1]))
        in_degree = np.bincount(post, minlength=sizes[pr["post"]])
        if pr["rule"] == "fixed_in_degree":
            np.testing.assert_array_equal(in_degree, pr["k"])
        else:  # each of n_pre * n_post pairs with probability p
            pairs, p = sizes[pr["pre"]] * sizes[pr["post"]], pr["p"]
            assert abs(pre.size - pairs * p) < 5 * np.sqrt(pairs * p * (1 - p))


@needs_lif_engine
def test_lif_latency_of_snn():
    for spec in lif_latency_specs():
        assert snn_latency(spec) == expected_latency(spec), spec["case"]


@pytest.mark.slow
@pytest.mark.skipif(PEER_PYTHON is None, reason="no peers interpreter (set SNN_PEER_PYTHON)")
@pytest.mark.parametrize("sim", ["brian2", "nest"])
def test_peers_lif_latency(sim):
    if peer_available(sim, PEER_PYTHON)[0] is None:
        pytest.skip(f"{sim} not importable by the peers interpreter")
    specs = lif_latency_specs()
    found, why = run_peer_task(dict(task="latency", sim=sim, specs=specs), PEER_PYTHON, timeout=600)
    assert why is None, why
    assert dict(zip([s["case"] for s in specs], found)) == {s["case"]: expected_latency(s) for s in specs}


@pytest.mark.slow
@pytest.mark.skipif(PEER_PYTHON is None, reason="no peers interpreter (set SNN_PEER_PYTHON)")
def test_nest_peer_lif_figures():
    if peer_available("nest", PEER_PYTHON)[0] is None:
        pytest.skip("NEST not importable by the peers interpreter")
    brunel = resolved(WORKLOADS["brunel"].spec(1250), 1)
    peer = measure_peer("nest", "", brunel, 30.0, PEER_PYTHON, threads=1)
    assert "skipped" not in peer, peer.get("skipped")
    assert peer["n_synapses"] == 1250 * 1250  # in-degree 1000 + 250 of 1250
    # delay 15 steps: every spike before step 285 reaches its 1250 targets within the run
    assert 0 < peer["events"] <= peer["spikes"] * 1250 and peer["events"] % 1250 == 0
    cuba = resolved(WORKLOADS["cuba"].spec(400), 1)
    peer = measure_peer("nest", "", cuba, 100.0, PEER_PYTHON, threads=1)
    assert "skipped" not in peer, peer.get("skipped")
    pairs = 400 * 400 * 0.2
    assert abs(peer["n_synapses"] - pairs) < 5 * np.sqrt(pairs)
    assert peer["spikes"] > 0 and peer["rate_hz"] == pytest.approx(peer["spikes"] * 1000.0 / (100.0 * 400))
