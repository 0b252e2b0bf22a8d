"""Checkpoints (docs/checkpoints.md): what snn.load reads back equals what net.save wrote, and
a run continued from a checkpoint is bit-identical to an uninterrupted one, for every kind
of state (delay rings and queues, kernels, plastic traces and weights, sources, inputs), for
any thread count on either side, in a fresh process, and with the CPU engine's epochs; bad
files raise clear errors."""

import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import snn

T1, T2 = 60.0, 60.0


def izhikevich_sparse():
    """Sparse rows of many delays (queued events), one-weight rows of one delay (read from the
    spike history), noise."""
    net = snn.Network(dt=1.0, seed=11)
    e = net.population(200, "izhikevich2003_excitatory", label="e")
    i = net.population(70, "izhikevich2003_inhibitory", label="i")
    net.connect(e, e, snn.FixedProbability(0.1), weight=snn.Uniform(0.0, 6.0), delay=snn.Uniform(1.0, 20.0))
    net.connect(e, i, snn.FixedProbability(0.1), weight=5.0, delay=3.0)
    net.connect(i, e, snn.FixedProbability(0.2), weight=-5.0, delay=snn.Uniform(1.0, 4.0))
    net.input(e, snn.Noise(0.0, 5.0))
    net.input(i, snn.Noise(0.0, 2.0))
    return net


def lif_kernels():
    """LIF with exponential, alpha and sampled kernels, a dense all-to-all ring, Poisson input."""
    net = snn.Network(dt=0.5, seed=5)
    src = net.population(100, snn.LIF(), label="src")
    dst = net.population(90, snn.LIF(), label="dst")
    net.input(src, snn.PoissonInput(rate=4000.0, weight=2.0))
    net.input(src, 0.7)
    net.connect(src, dst, snn.AllToAll(), weight=0.01, delay=2.0, kernel=snn.Exponential(5.0))
    net.connect(src, dst, snn.FixedProbability(0.3), weight=snn.Uniform(0.0, 0.1),
                delay=snn.Uniform(0.5, 4.0), kernel=snn.Alpha(2.0))
    net.connect(dst, dst, snn.FixedProbability(0.2), weight=-0.1, delay=1.0,
                kernel=snn.Kernel.from_samples([1.0, 0.6, 0.3, 0.1]))
    net.input(dst, 0.7)
    return net


def dense_and_jumps():
    """A dense weight matrix, voltage jumps, pulses and Poisson input onto v."""
    rng = np.random.default_rng(2)
    net = snn.Network(dt=0.25, seed=8)
    a = net.population(80, "RS", label="a")
    b = net.population(75, "FS", label="b")
    net.input(a, snn.Pulses(rate=400.0, amplitude=30.0))
    net.input(b, snn.PoissonInput(rate=2000.0, weight=3.0, target="v"))
    net.connect(a, b, rng.uniform(0.0, 4.0, (80, 75)).astype(np.float32), delay=1.5)
    net.connect(b, a, snn.FixedProbability(0.2), weight=2.0, delay=0.75, kernel=snn.Instant(target="v"))
    return net


def sources():
    """Poisson and given spike-time sources driving Izhikevich neurons."""
    net = snn.Network(dt=1.0, seed=4)
    rng = np.random.default_rng(1)
    ids, times = rng.integers(0, 70, 400), rng.uniform(0.0, T1 + T2, 400)
    keep = np.unique(np.stack([ids, np.round(times)]), axis=1)
    poisson = net.population(150, snn.PoissonSource(rate=40.0), label="poisson")
    given = net.population(70, snn.SpikeSource(times=(keep[0].astype(int), keep[1])), label="given")
    post = net.population(100, "RS", label="post")
    net.connect(poisson, post, snn.FixedProbability(0.2), weight=snn.Uniform(0.0, 8.0),
                delay=snn.Uniform(1, 6))
    net.connect(given, post, snn.FixedInDegree(5), weight=10.0, delay=2.0)
    return net


def stdp():
    """Pair-based STDP (dendritic delays) on rows of several delays."""
    net = snn.Network(dt=1.0, seed=21)
    pre = net.population(150, snn.PoissonSource(rate=30.0), label="pre")
    post = net.population(80, "RS", label="post")
    net.connect(pre, post, snn.FixedProbability(0.3), weight=snn.Uniform(1.0, 5.0), delay=snn.Uniform(1, 8),
                plasticity=snn.STDP(a_plus=0.2, a_minus=0.25, w_min=0.0, w_max=8.0), label="plastic")
    net.input(post, snn.Noise(2.0, 3.0))
    return net


def izhikevich_2006():
    """Izhikevich's 2006 rule (axonal delays, sd per synapse, weight changes every 20 ms)."""
    net = snn.Network(dt=1.0, seed=9)
    e = net.population(160, "izhikevich2003_excitatory", label="e")
    net.connect(e, e, snn.FixedProbability(0.1), weight=snn.Uniform(0.0, 6.0), delay=snn.Uniform(1, 10),
                plasticity=snn.STDPIzhikevich2006(w_max=10.0, interval=20.0), label="plastic")
    net.input(e, snn.Pulses(rate=20.0, amplitude=20.0))
    return net


NETWORKS = [izhikevich_sparse, lif_kernels, dense_and_jumps, sources, stdp, izhikevich_2006]


def record_of(net):
    """Every state variable of every population, and the weights of every projection."""
    out = sorted({v for p in net.populations for v in p.variables})
    return out + [snn.WeightTrace(p, every=7) for p in net.projections]


def outcome(net, res):
    """Spikes, traces and recorded weights of a run, then the final state and weights."""
    out = {}
    for p in net.populations:
        r = res[p]
        out[f"{p.label} spikes"] = (r.spike_steps, r.spike_ids)
        for v in p.variables:
            out[f"{p.label} trace {v}"] = r.traces[v]
            out[f"{p.label} final {v}"] = getattr(p, v)
    for proj in net.projections:
        out[f"{proj.label} weight trace"] = res.weights(proj).values
        out[f"{proj.label} final weights"] = proj.weights()
    return out


def assert_same(got, want):
    assert got.keys() == want.keys()
    for k in want:
        for g, w in zip(np.atleast_1d(got[k]) if not isinstance(got[k], tuple) else got[k],
                        np.atleast_1d(want[k]) if not isinstance(want[k], tuple) else want[k]):
            assert g.dtype == w.dtype and g.shape == w.shape and g.tobytes() == w.tobytes(), k


def uninterrupted(build, threads, T=T1 + T2):
    net = build()
    net.run(T1, threads=threads, backend="cpu")
    return outcome(net, net.run(T - T1, record=record_of(net)))


def continued(build, path, save_threads, load_threads, T=T1 + T2):
    net = build()
    net.run(T1, threads=save_threads, backend="cpu")
    net.save(path)
    loaded = snn.load(path, backend="cpu", threads=load_threads)
    return outcome(loaded, loaded.run(T - T1, record=record_of(loaded)))


@pytest.mark.parametrize("build", NETWORKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("threads", [(1, 1), (2, 2), (2, 1), (1, 2)], ids=lambda t: f"save{t[0]}-load{t[1]}")
def test_continuation_is_bit_identical(build, threads, tmp_path):
    want = uninterrupted(build, threads[0])
    got = continued(build, tmp_path / "net.npz", *threads)
    assert sum(len(v[0]) for k, v in want.items() if k.endswith("spikes")) > 50  # the networks are active
    assert_same(got, want)


@pytest.mark.parametrize("build", NETWORKS, ids=lambda f: f.__name__)
def test_read_back_equals_written(build, tmp_path):
    net = build()
    net.run(T1, threads=2, backend="cpu")
    net.save(tmp_path / "net.npz")
    back = snn.load(tmp_path / "net.npz")
    assert (back.dt, back.seed, back.step, repr(back)) == (net.dt, net.seed, net.step, repr(net))
    assert [(p.label, p.size, p.model) for p in back.populations] == \
        [(p.label, p.size, p.model) for p in net.populations]
    for p, q in zip(net.populations, back.populations):
        for v in p.variables:
            np.testing.assert_array_equal(getattr(q, v), getattr(p, v))
        for k, x in p.parameters().items():
            np.testing.assert_array_equal(q.parameters()[k], x)
    for p, q in zip(net.projections, back.projections):
        assert (q.label, q.pre.label, q.post.label, q.dense, q.n_synapses) == \
            (p.label, p.pre.label, p.post.label, p.dense, p.n_synapses)
        for x, y in zip(p.synapses(), q.synapses()):
            np.testing.assert_array_equal(y, x)
        np.testing.assert_array_equal(q.weights(), p.weights())


def test_epochs_carry_the_undelivered_last_step(tmp_path, monkeypatch):
    """SNN_CPU_EPOCH=3 with delays >= 3 steps: the engine integrates 3 steps before delivering;
    the spikes of an advance's last step are delivered when the next begins, so the
    checkpoint carries them; it continues identically under either epoch length."""
    def build():
        net = snn.Network(dt=1.0, seed=13)
        e = net.population(200, "izhikevich2003_excitatory", label="e")
        i = net.population(70, "izhikevich2003_inhibitory", label="i")
        net.connect(e, e, snn.FixedProbability(0.1), weight=snn.Uniform(0.0, 8.0), delay=snn.Uniform(3, 12))
        net.connect(e, i, snn.FixedProbability(0.1), weight=6.0, delay=3.0)
        net.connect(i, e, snn.FixedProbability(0.2), weight=-6.0, delay=4.0, kernel=snn.Exponential(3.0))
        net.connect(e, i, snn.AllToAll(), weight=0.02, delay=5.0)
        net.input(e, snn.Noise(0.0, 5.0))
        return net

    monkeypatch.setenv("SNN_CPU_EPOCH", "3")
    want = uninterrupted(build, 2)
    saved = build()
    saved.run(T1 + 1.0, threads=2, backend="cpu")  # ends inside an epoch
    saved.save(tmp_path / "a.npz")
    arrays = np.load(tmp_path / "a.npz")
    last = arrays["state/pop0/spike_steps"]
    assert (last == saved.step - 1).any()  # the last step's spikes are in the file
    for epoch in ("3", "1"):
        monkeypatch.setenv("SNN_CPU_EPOCH", epoch)
        net = build()
        net.run(T1, threads=2, backend="cpu")
        net.save(tmp_path / "b.npz")
        loaded = snn.load(tmp_path / "b.npz", threads=1)
        assert_same(outcome(loaded, loaded.run(T2, record=record_of(loaded))), want)


def test_fresh_process_continues_identically(tmp_path):
    want = uninterrupted(stdp, 1)
    net = stdp()
    net.run(T1, threads=2, backend="cpu")
    net.save(tmp_path / "net.npz")
    script = f"""
import numpy as np, snn, sys
sys.path.insert(0, {os.path.dirname(__file__)!r})
from test_checkpoint import outcome, record_of
net = snn.load({str(tmp_path / "net.npz")!r})
out = outcome(net, net.run({T2}, record=record_of(net)))
np.savez({str(tmp_path / "out.npz")!r}, **{{k.replace(" ", "_") + f"_{{j}}": x for k, v in out.items()
                                           for j, x in enumerate(v if isinstance(v, tuple) else (v,))}})
"""
    subprocess.run([sys.executable, "-c", script], check=True, cwd=tmp_path)
    got = np.load(tmp_path / "out.npz")
    for k, v in want.items():
        for j, x in enumerate(v if isinstance(v, tuple) else (v,)):
            np.testing.assert_array_equal(got[k.replace(" ", "_") + f"_{j}"], x, err_msg=k)


def test_python_inputs(tmp_path):
    """Arrays travel in the file; callables (which a file cannot hold) are passed again."""
    def drive(t):
        return 8.0 + 4.0 * np.sin(t / 7.0)

    def build():
        net = snn.Network(dt=1.0, seed=2)
        p = net.population(80, "RS", label="p")
        net.input(p, np.random.default_rng(0).uniform(0.0, 12.0, (100, 80)), start=10.0)
        net.input(p, drive)
        net.input(p, 1.5, start=30.0)
        net.connect(p, p, snn.FixedProbability(0.1), weight=2.0, delay=snn.Uniform(1, 5))
        return net

    want = build()
    want.run(T1)
    want = outcome(want, want.run(T2, record=record_of(want)))
    net = build()
    net.run(T1)
    net.save(tmp_path / "net.npz")
    with pytest.raises(snn.ConfigError, match=r"1 input callable\(s\).*callables=\[\.\.\.\]"):
        snn.load(tmp_path / "net.npz")
    loaded = snn.load(tmp_path / "net.npz", callables=[drive])
    assert_same(outcome(loaded, loaded.run(T2, record=record_of(loaded))), want)

    def bad_stream(a):
        h = json.loads(a["header"].tobytes())
        h["streams"][0]["population"] = -1
        a["header"] = np.frombuffer(json.dumps(h).encode(), np.uint8)
    with pytest.raises(snn.ConfigError, match="stream input 0 of the header is malformed"):
        snn.load(rewrite(tmp_path / "net.npz", bad_stream), callables=[drive])
    def narrow(a):
        a["python/stream0"] = a["python/stream0"][:, :5]
    with pytest.raises(snn.ConfigError, match="'python/stream0' does not fit population 'p'"):
        snn.load(rewrite(tmp_path / "net.npz", narrow),
                 callables=[drive])


def test_never_run_network(tmp_path):
    net = sources()
    net.save(tmp_path / "net.npz")
    loaded = snn.load(tmp_path / "net.npz")
    assert loaded.step == 0 and loaded._sim is None
    want = sources()
    assert_same(outcome(loaded, loaded.run(T1, record=record_of(loaded))),
                outcome(want, want.run(T1, record=record_of(want))))


def test_set_weights_and_state_survive(tmp_path):
    net = izhikevich_sparse()
    net.run(10.0)
    proj = net.projections[0]
    proj.set_weights(np.linspace(0.0, 7.0, proj.n_synapses))
    net.populations[0].v = -70.0
    net.save(tmp_path / "net.npz")
    back = snn.load(tmp_path / "net.npz")
    np.testing.assert_array_equal(back.projections[0].weights(), proj.weights())
    np.testing.assert_array_equal(back.populations[0].v, np.full(200, -70.0, np.float32))


# --- bad input -----------------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    net = izhikevich_sparse()
    net.run(20.0)
    net.save(tmp_path / "net.npz")
    return tmp_path / "net.npz"


def rewrite(path, change):
    """The checkpoint at `path` with change(arrays) applied, written to a new file."""
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    out = path.with_name("changed.npz")
    np.savez(out, **arrays)
    return out


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file"):
        snn.load(tmp_path / "nothing.npz")


def test_not_an_npz(tmp_path):
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(snn.ConfigError, match="not a NumPy .npz file"):
        snn.load(tmp_path / "text.npz")
    np.save(tmp_path / "one.npy", np.arange(3))
    with pytest.raises(snn.ConfigError, match="a single .npy array"):
        snn.load(tmp_path / "one.npy")


def test_pickles_are_refused(tmp_path):
    np.savez(tmp_path / "obj.npz", header=np.array([{"format": "snn-checkpoint"}], dtype=object))
    with pytest.raises(snn.ConfigError, match="array .header. is corrupt.*allow_pickle"):
        snn.load(tmp_path / "obj.npz")


def test_foreign_npz(tmp_path, saved):
    np.savez(tmp_path / "foreign.npz", x=np.arange(4))
    with pytest.raises(snn.ConfigError, match="not an snn checkpoint .*without a 'header'"):
        snn.load(tmp_path / "foreign.npz")

    def header(h):
        return lambda a: a.update(header=np.frombuffer(json.dumps(h).encode(), np.uint8))
    with pytest.raises(snn.ConfigError, match="not an snn checkpoint"):
        snn.load(rewrite(saved, header({"format": "other"})))
    with pytest.raises(snn.ConfigError, match="format version 99 .*reads version 1"):
        snn.load(rewrite(saved, header({"format": "snn-checkpoint", "version": 99})))
    with pytest.raises(snn.ConfigError, match="header is not valid JSON"):
        snn.load(rewrite(saved, lambda a: a.update(header=np.frombuffer(b"{oops", np.uint8))))


def test_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(snn.ConfigError, match="not a NumPy .npz file"):
        snn.load(saved)


def test_corrupt_array(saved):
    name = "network/proj0/keys.npy"
    with zipfile.ZipFile(saved) as z:
        info = z.getinfo(name)
    data = bytearray(saved.read_bytes())
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200  # inside the values
    data[at] ^= 0xFF
    saved.write_bytes(bytes(data))
    with pytest.raises(snn.ConfigError, match="array 'network/proj0/keys' is corrupt"):
        snn.load(saved)


@pytest.mark.parametrize("change, message", [
    (lambda a: a.pop("state/pop0/v"), "array 'state/pop0/v' is missing"),
    (lambda a: a.update({"state/pop0/v": a["state/pop0/v"].astype(np.float64)}),
     "array 'state/pop0/v' has dtype <f8, expected <f4"),
    (lambda a: a.update({"state/pop1/u": a["state/pop1/u"][:-1]}),
     "'state/pop1/u' has 69 values, expected 70"),
    (lambda a: a.update({"network/pop0/n": np.array([2**31], np.uint32)}), "size must be a positive integer"),
    (lambda a: a.update({"network/pop1/model": np.frombuffer(b"hodgkin", np.uint8)}), "unknown neuron model"),
    (lambda a: a.update({"network/proj0/kernel": np.frombuffer(b"gauss", np.uint8)}),
     "'network/proj0/kernel' holds 'gauss'"),
    (lambda a: a.update({"network/proj0/keys": a["network/proj0/keys"] | np.uint32(0xFFFF)}),
     "e->e': synapse 0 has a target or delay out of range"),
    (lambda a: a.update({"network/proj0/row_ptr": a["network/proj0/row_ptr"][::-1].copy()}),
     "CSR row pointers do not match"),
    (lambda a: a.update({"network/proj1/d_max": np.array([5000], np.uint32)}), "delays from 3 to 5000"),
    (lambda a: a.update({"network/proj2/post": np.array([9], np.uint32)}), "population index 9 out of range"),
    (lambda a: a.update({"state/pop0/spike_ids": a["state/pop0/spike_ids"] + np.uint32(1000)}),
     "spike 0 .* is out of range or order"),
    (lambda a: a.update({"state/proj0/event_targets": a["state/proj0/event_targets"] + np.uint32(1000)}),
     "'state/proj0/event_targets': event 0 .* out of range"),
    (lambda a: a.update({"state/pop0/v": a["state/pop0/v"].reshape(20, 10)}), "must be one-dimensional"),
])
def test_inconsistent_arrays(saved, change, message):
    with pytest.raises(snn.ConfigError, match=message):
        snn.load(rewrite(saved, change))


def test_save_during_a_run(tmp_path):
    net = snn.Network(dt=1.0)
    p = net.population(10, "RS")
    errors = []

    def inside(t):
        try:
            net.save(tmp_path / "x.npz")
        except snn.SnnError as e:
            errors.append(str(e))
        return 0.0

    net.input(p, inside)
    net.run(2.0)
    assert errors and "running" in errors[0]
    assert not (tmp_path / "x.npz").exists()


@pytest.mark.gpu
def test_cuda_checkpoints_are_refused(tmp_path):
    net = izhikevich_sparse()
    net.run(5.0, backend="cuda")
    with pytest.raises(snn.SnnError, match="checkpoints of the cuda backend are not supported yet"):
        net.save(tmp_path / "x.npz")
