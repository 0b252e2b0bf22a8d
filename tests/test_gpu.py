"""CPU vs CUDA parity: every network below, built twice from the same seed, gives identical
spike trains and identical traces of every variable (bit for bit) on both backends.
Together the networks use every feature of the core suite: every neuron model and spike
source, both receptors, all connectivity forms and rules, dense and sparse storage, delays,
the five kernels, every input kind, traces (all neurons, subsets, every n steps), runs
split into several calls, state read and written between runs, and a NaN failure. Skipped
(visibly) where no CUDA device is present."""

import numpy as np
import pytest
import scipy.sparse
from test_models import build_models_network
from test_threads import izhikevich_2003 as sparse_2003

import snn
from snn.models import izhikevich_2003

pytestmark = pytest.mark.gpu

ALL_TRACES = ["v", "u", "I"]


def dense_2003():
    net, exc, inh = izhikevich_2003(seed=5)
    return net, 400.0


def sparse_delays():
    net, (exc, _) = sparse_2003(23)
    net.input(exc, snn.Pulses(rate=5.3, amplitude=20.0))  # 8.48 pulses per step
    return net, 500.0


def kernels_network():
    """dt = 0.1 ms; one source drives a target through each kernel and storage form."""
    net = snn.Network(dt=0.1, seed=11)
    rng = np.random.default_rng(0)
    src = net.population(60, "regular_spiking", label="src", v0=rng.uniform(-70, -50, 60))
    dst = net.population(40, "fast_spiking", label="dst", v_substeps=3)
    net.input(src, rng.uniform(5.0, 15.0, 60))          # per-neuron constant
    net.input(dst, snn.Noise(mean=1.0, std=rng.uniform(0.5, 3.0, 40)))
    net.connect(src, dst, snn.FixedOutDegree(5), weight=snn.Uniform(0.0, 4.0),
                delay=snn.Uniform(0.1, 3.0), label="instant")
    net.connect(src, dst, snn.FixedProbability(0.2), weight=snn.Normal(1.0, 0.5, low=0.0, high=2.0),
                delay=1.0, kernel=snn.Instant(target="v"), label="jump")
    net.connect(src, dst, snn.FixedInDegree(8), weight=2.0, delay=snn.Uniform(0.5, 2.0),
                kernel=snn.Exponential(3.0), label="exp")
    net.connect(src, dst, snn.AllToAll(), weight=snn.Uniform(-0.3, 0.6), delay=0.7,
                kernel=snn.Alpha(1.5), label="alpha_dense")
    wavy = snn.Kernel(lambda t: np.exp(-t / 2.0) * np.sin(t + 0.3), 4.0)
    net.connect(src, dst, snn.FixedOutDegree(3), weight=3.0, delay=0.2, kernel=wavy, label="sampled")
    # Equal samples: shares the history of "sampled"; different samples: a history of its own.
    net.connect(src, dst, snn.FixedProbability(0.1), weight=-2.0, delay=1.0, kernel=wavy, label="sampled2")
    net.connect(src, dst, snn.FixedOutDegree(2), weight=1.5, delay=0.5,
                kernel=snn.Kernel(lambda t: 1.0 / (1.0 + t), 2.0), label="sampled3")
    net.connect(dst, dst, snn.OneToOne(), weight=0.5, delay=0.3, label="self")
    w = rng.uniform(-2.0, 2.0, (60, 40)) * (rng.random((60, 40)) < 0.3)
    net.connect(src, dst, w.astype(np.float32), delay=1.3, label="matrix")
    coo = scipy.sparse.random(60, 40, density=0.1, random_state=3, format="coo")
    net.connect(src, dst, coo, delay=2.0, kernel=snn.Exponential(1.0), label="scipy")
    pre = rng.integers(0, 60, 300)
    post = rng.integers(0, 40, 300)
    net.connect(src, dst, (pre, post, rng.uniform(-1, 2, 300), rng.uniform(0, 5, 300)),
                kernel=snn.Alpha(0.5), label="explicit")
    net.connect(dst, src, snn.FixedProbability(0.3), weight=-1.0, delay=0.0, label="back")
    net.connect(dst, dst, snn.AllToAll(allow_self=False), weight=0.05, delay=0.4, label="recurrent")
    return net, 150.0


def streams_network():
    """Array and callable inputs (uploaded per chunk), two noise inputs and random pulses."""
    net = snn.Network(dt=0.5, seed=2)
    pop = net.population(30, "chattering", label="p")
    rng = np.random.default_rng(1)
    net.input(pop, rng.normal(5.0, 4.0, (400, 30)).astype(np.float32))
    net.input(pop, lambda t: 3.0 * np.sin(t / 10.0) * np.ones(30))
    net.input(pop, snn.Noise(0.0, 2.0))
    net.input(pop, snn.Noise(1.0, 1.5))        # a second noise input: its own stream
    net.input(pop, snn.Pulses(rate=40.0, amplitude=12.0))
    net.connect(pop, pop, snn.FixedProbability(0.2), weight=snn.Uniform(-2, 3), delay=snn.Uniform(0, 6))
    return net, 200.0


def models_network():
    """LIF, LIF with conductances, Poisson and given-times sources, Poisson input
    (tests/test_models.py)."""
    net, _, _ = build_models_network(seed=7)
    return net, 100.0


NETWORKS = {
    "models": models_network,
    "dense_2003": dense_2003,
    "sparse_delays": sparse_delays,
    "kernels": kernels_network,
    "streams": streams_network,
}


def results(res, net):
    out = {}
    for p in net.populations:
        r = res[p]
        out[p.label] = {"spike_steps": r.spike_steps, "spike_ids": r.spike_ids,
                        **{var: r.traces[var] for var in r.traces}}
    return out


def run_split(builder, backend, record=None):
    """The network run in three calls of different lengths (chunk boundaries everywhere);
    record: every variable of every population if None."""
    net, T = builder()
    if record is None:
        record = sorted({var for p in net.populations for var in p.variables})
    parts = [T / 4, T / 4 + net.dt * 3, T / 2 - net.dt * 3]
    return net, [results(net.run(t, record=record, backend=backend), net) for t in parts]


def assert_identical(cpu, gpu, what):
    assert cpu.keys() == gpu.keys()
    for label in cpu:
        for name in cpu[label]:
            a, b = cpu[label][name], gpu[label][name]
            assert a.shape == b.shape, f"{what}: {label}.{name} shape {a.shape} vs {b.shape}"
            # Bit for bit: compare the raw bytes (NaN-safe, and -0.0 != 0.0).
            assert a.tobytes() == b.tobytes(), f"{what}: {label}.{name} differs between cpu and cuda"


@pytest.fixture(params=["graphs", "fused"])
def cuda_path(request, monkeypatch):
    """Both ways the CUDA engine runs a chunk: CUDA Graphs of per-step kernels (large
    networks) and one block running the whole chunk (small networks)."""
    monkeypatch.setenv("SNN_CUDA_FUSED", "1" if request.param == "fused" else "0")
    return request.param


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_cpu_and_cuda_identical(name, cuda_path):
    net_c, cpu = run_split(NETWORKS[name], "cpu")
    net_g, gpu = run_split(NETWORKS[name], "cuda")
    assert net_g._sim.backend == "cuda"
    total = sum(r[label]["spike_ids"].size for r in cpu for label in r)
    assert total > 50, f"{name}: too few spikes ({total}) for a meaningful comparison"
    for i, (c, g) in enumerate(zip(cpu, gpu)):
        assert_identical(c, g, f"{name}, run {i}")


def test_subset_traces_every_n_steps(cuda_path):
    record = [snn.Trace("v", "exc", neurons=[5, 3, 3, 799], every=7),
              snn.Trace("I", "inh", neurons=np.arange(0, 200, 9), every=2), snn.Trace("u", every=50)]
    out = {}
    for backend in ("cpu", "cuda"):
        net, T = dense_2003()
        out[backend] = [results(net.run(t, record=record, backend=backend), net) for t in (33.0, 101.0, 66.0)]
    for c, g in zip(out["cpu"], out["cuda"]):
        assert_identical(c, g, "subset traces")


def test_state_written_between_runs(cuda_path):
    out = {}
    for backend in ("cpu", "cuda"):
        net, exc, inh = izhikevich_2003(seed=9)
        first = results(net.run(50.0, record="v", backend=backend), net)
        exc.v = np.linspace(-80.0, 20.0, exc.size)
        inh.u = inh.u + 3.0
        second = results(net.run(50.0, record=ALL_TRACES, backend=backend), net)
        out[backend] = (first, second, exc.v, inh.u)
    for c, g in zip(out["cpu"][:2], out["cuda"][:2]):
        assert_identical(c, g, "state written")
    assert np.array_equal(out["cpu"][2], out["cuda"][2]) and np.array_equal(out["cpu"][3], out["cuda"][3])


def test_failure_at_the_same_step_with_the_same_message(cuda_path):
    messages, steps = {}, {}
    for backend in ("cpu", "cuda"):
        net = snn.Network(dt=0.1, seed=1)
        net.population(4, "regular_spiking", label="calm")
        pop = net.population(10, "regular_spiking", label="exploding")
        x = np.zeros(10)
        x[7] = x[3] = -1e38
        net.input(pop, x)
        with pytest.raises(snn.SimulationError) as ei:
            net.run(20.0, record="v", backend=backend)
        messages[backend] = str(ei.value)
        steps[backend] = net.step
        assert net.last_result is not None
        steps[backend] = (net.step, net.last_result["exploding"].v.tobytes())
    assert messages["cpu"] == messages["cuda"]
    assert steps["cpu"] == steps["cuda"]


def test_cuda_reports_its_device():
    cfg = snn.config()
    assert cfg["cuda_compiled"] and cfg["devices"], cfg
    dev = cfg["devices"][0]
    assert dev["memory_bytes"] > 0 and dev["compute_capability"][0] >= 7, dev
    net, _ = dense_2003()
    net.run(1.0, backend="cuda")
    assert net._sim.backend == "cuda"


def test_network_too_large_for_the_device_is_a_memory_error():
    """A delay ring (8 bytes x delay steps x targets) twice the device's memory, small on the
    host: MemoryError with the estimate before anything is allocated; the device stays usable."""
    dev_bytes = snn.config()["devices"][0]["memory_bytes"]
    n = int(2 * dev_bytes / (8 * 4000)) + 1
    net = snn.Network(dt=1.0, seed=1)
    pre = net.population(1, "regular_spiking", label="pre")
    post = net.population(n, "regular_spiking", label="post")
    net.connect(pre, post, (np.array([0]), np.array([0])), weight=1.0, delay=4000.0)
    with pytest.raises(MemoryError, match="device memory"):
        net.run(1.0, backend="cuda")
    net2, _ = dense_2003()
    net2.run(5.0, backend="cuda")


@pytest.mark.parametrize("kind", ["additive", "multiplicative", "izhikevich_2006"])
def test_plasticity_identical_on_cpu_and_cuda(kind, cuda_path):
    """Plastic networks (tests/test_plasticity.py): the same spikes, weight traces and final
    weights, bit for bit, on both backends."""
    from test_plasticity import build_plastic_network

    out = {}
    for backend in ("cpu", "cuda"):
        net, _, plastic = build_plastic_network(kind)
        proj = plastic[0][0]
        res = net.run(300.0, record=[snn.WeightTrace(proj, every=7)], backend=backend)
        out[backend] = (results(res, net), res.weights(proj).values, [p.weights() for p, _, _ in plastic])
    assert_identical(out["cpu"][0], out["cuda"][0], f"plastic {kind}")
    assert out["cpu"][1].tobytes() == out["cuda"][1].tobytes()
    for a, b in zip(out["cpu"][2], out["cuda"][2]):
        assert a.tobytes() == b.tobytes()
