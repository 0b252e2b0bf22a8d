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
from snn.bench.__main__ import main
from snn.bench.peer_worker import delivered_events
from snn.bench.runner import _basal_ganglia_once, latency_specs, measure_peer, peer_available, snn_latency
from snn.bench.workloads import SCRIPTED, build

TINY = [("seed_dense", 60, 30.0), ("izh2003", 200, 100.0), ("izh2003", 1250, 50.0),
        ("sparse_delays", 500, 100.0)]


def brute_force_events(net, res):
    """Each synapse carries every spike of its source that arrives before the run ends."""
    total = 0
    for proj in net.projections:
        r = res[proj.pre]
        pre, _, _, delay = proj.synapses()
        for i, d in zip(pre.tolist(), delay.tolist()):
            total += int(np.count_nonzero(r.spike_steps[r.spike_ids == i] + d < res.steps))
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
    assert rec["peak_rss"] >= rec["base_rss"] > 0
    # the peers get the neurons' exact parameters
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
        pre, _, _, delay = proj.synapses()
        assert np.all(delay == delay[0])  # one delay per projection
        fan_out = np.bincount(pre, minlength=proj.pre.size)
        events += int(fan_out[r.spike_ids[r.spike_steps - res.first_step + delay[0] < res.steps]].sum())
    assert rec["events"] == events > 0


PEER_PYTHON = os.environ.get("SNN_PEER_PYTHON") or shutil.which("python", path="/opt/peers-venv/bin")


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
