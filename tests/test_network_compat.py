"""``snn.network`` (the old TensorFlow library's API) against a plain NumPy implementation of
DESIGN.md section 3 written here: the old update order, read order and quirks, the 2018
graph's float32 arithmetic, with the engine's synaptic sums of docs/numerics.md (fixed-point
arrivals per projection, sampled-kernel histories shared per target and kernel, window sums
in double). Spike trains, v, u and I must agree to the bit."""

import numpy as np
import pytest

import reference as ref
import snn
from snn import network as old
from snn.examples import basal_ganglia, simple_network, synapse_demo

F32, F64 = np.float32, np.float64


def old_reference(dt, T, nuclei, conns, synapse_type):
    """DESIGN 3. ``nuclei``: dicts n, a, b, c, d ((n,) arrays), Iext (number or callable);
    ``conns``: (source index, target index, W[pre, post], delay ms, decay, howfar ms).
    Returns per nucleus v, u, I (M, n) float32, spike steps and ids, and the rate (Hz)."""
    M = int(T / dt)
    h = F32(dt)
    v = [np.full(N["n"], F32(-65.0)) for N in nuclei]
    p32 = [{k: np.asarray(N[k], F64).astype(F32) for k in "abcd"} for N in nuclei]
    u = [p["b"] * F32(-65.0) for p in p32]
    I = [np.zeros(N["n"], F32) for N in nuclei]
    rec = [{x: np.empty((M, N["n"]), F32) for x in ("v", "u", "I")} for N in nuclei]
    for r, vv, uu, II in zip(rec, v, u, I):
        r["v"][0], r["u"][0], r["I"][0] = vv, uu, II
    # synapses: D and K by truncation, weights rounded to float32 and quantised
    syn = []
    groups = {}  # (target, samples) -> [leader index, {step: h}]
    for j, (src, dst, W, delay, decay, howfar) in enumerate(conns):
        D = int((1 / dt) * int(delay))
        wq, s = ref.quantise(np.asarray(W, F64).astype(F32).astype(F64))
        kappa = None
        if synapse_type == "simple":
            K = int((1 / dt) * howfar)
            if K == 0:
                continue  # no input
            kappa = np.asarray(decay(np.arange(K, dtype=F64)), F64).astype(F32)
            groups.setdefault((dst, kappa.tobytes()), [j, {}])
        syn.append((j, src, dst, D, wq, s, kappa))
    fired = [[] for _ in nuclei]  # per nucleus, per old step: bool (n,)
    spiked = [np.zeros(N["n"], bool) for N in nuclei]
    with np.errstate(over="ignore", invalid="ignore"):
        for m in range(M - 1):
            for i in range(len(nuclei)):
                p = p32[i]
                vv = np.where(spiked[i], p["c"], v[i])
                uu = np.where(spiked[i], u[i] + p["d"], u[i])
                dv = (((F32(0.04) * vv + F32(5.0)) * vv + F32(140.0)) - uu) + I[i]  # the 2018 graph
                vv = vv + dv * h
                uu = uu + (p["a"] * (p["b"] * vv - uu)) * h
                spiked[i] = vv >= F32(30.0)
                v[i], u[i] = np.where(spiked[i], F32(30.0), vv), uu
                fired[i].append(spiked[i])
                rec[i]["v"][m + 1], rec[i]["u"][m + 1] = v[i], u[i]
            # the I of the next step: Iext(m*dt), then the synapses in creation order, which
            # read the window before this step's spikes were appended: spikes up to m - 1
            arrivals = {}
            for j, src, dst, D, wq, s, kappa in syn:
                A = (wq[fired[src][m - 1 - D]].sum(axis=0) if m - 1 - D >= 0
                     else np.zeros(wq.shape[1], np.int64))
                arrivals[j] = ref.arrival(A, s)
                if kappa is not None:
                    g = groups[(dst, kappa.tobytes())]
                    g[1][m] = arrivals[j] if g[0] == j else g[1][m] + arrivals[j]
            for i, N in enumerate(nuclei):
                x = N["Iext"]
                if callable(x):
                    val = np.broadcast_to(np.asarray(x(m * dt), F64).reshape(-1), (N["n"],)).astype(F32)
                    I[i] = F32(0.0) + val
                else:
                    I[i] = np.full(N["n"], F32(0.0) + F32(x), F32)
                for j, _src, dst, _D, _wq, _s, kappa in syn:
                    if dst != i:
                        continue
                    if kappa is None:
                        I[i] = I[i] + arrivals[j]
                        continue
                    g = groups[(dst, kappa.tobytes())]
                    if g[0] != j:
                        continue  # the group's current counts at its first projection
                    hist = np.stack([g[1].get(m - k, np.zeros(N["n"], F32)) for k in range(kappa.size)])
                    cur = np.cumsum(kappa.astype(F64)[:, None] * hist.astype(F64), axis=0)[-1]
                    I[i] = I[i] + cur.astype(F32)
                rec[i]["I"][m + 1] = I[i]
    for i, N in enumerate(nuclei):
        steps, ids = np.nonzero(np.array(fired[i]).reshape(M - 1, N["n"]))
        rec[i]["spike_steps"], rec[i]["spike_ids"] = steps, ids
        rec[i]["rate"] = 1000.0 * ids.size / (T * N["n"])
    return rec


def spec(N):
    """The reference's description of a nucleus (parameters as given to Izhi_Nucleus)."""
    return {"n": N.n, "a": N.a, "b": N.b, "c": N.c, "d": N.d, "Iext": N.Iext}


def assert_matches(nuclei, out, dt):
    for N, r in zip(nuclei, out):
        h = N.historique
        for var in ("v", "u", "I"):
            assert h[var].shape == (r[var].shape[0], N.n, 1) and h[var].dtype == F32
            np.testing.assert_array_equal(h[var][:, :, 0], r[var], err_msg=f"{N.label} {var}")
        steps = np.concatenate([np.full(len(ids), round(t / dt)) for t, ids in h["fired"].items()])
        ids = np.concatenate(list(h["fired"].values()))
        np.testing.assert_array_equal(steps, r["spike_steps"], err_msg=f"{N.label} spike steps")
        np.testing.assert_array_equal(ids, r["spike_ids"], err_msg=f"{N.label} spike ids")
        assert N.firing_rate == r["rate"]


# --- the three examples ------------------------------------------------------------------------


def test_synapse_demo_n1_rate_is_the_old_librarys_6_66_hz():
    """Full length (300 ms, dt = 0.3): N1 fires 20 spikes in 10 neurons, 6.666... Hz,
    printed by the old library as 6.66."""
    N1, N2 = synapse_demo.run_network(backend="cpu")
    np.random.seed(123)
    out = old_reference(0.3, 300.0, [spec(N1), spec(N2)],
                        [(0, 1, np.ones((10, 10)), 30, lambda t: np.exp(-t / 10), 30),
                         (0, 0, np.full((10, 10), 0.5), 50, lambda t: (t / 50) * np.exp(1 - t / 50), 100)],
                        "simple")
    assert_matches([N1, N2], out, 0.3)
    assert N1.firing_rate == pytest.approx(20 / 3, rel=1e-12)
    assert f"{N1.firing_rate:.4f}"[:4] == "6.66"
    assert N1.historique["v"].shape == (1000, 10, 1) and N1.historique["t"] == 300.0
    assert N2.firing_rate > 0  # N1 drives N2 through the 30 ms delay
    # the thesis's figures 32-33: N1 fires at 8.4 and 88.8 ms, N2 at 46.5 ms
    assert synapse_demo.spike_times(N1) == [8.4, 88.8] and synapse_demo.spike_times(N2) == [46.5]


@pytest.mark.parametrize("synapse, T", [("voltage_jump", 100.0), ("simple", 60.0)])
def test_simple_network_matches_reference(synapse, T):
    N = simple_network.run_network(T, synapse, backend="cpu")
    W = simple_network.weights()
    decay = lambda t: np.exp(-(t / 20))  # noqa: E731
    conns = [(0, 0, W, 5, decay, 50)] if synapse == "simple" else [(0, 0, W, 0, None, 0)]
    out = old_reference(0.1, T, [spec(N)], conns, synapse)
    assert out[0]["spike_ids"].size > 1000
    assert_matches([N], out, 0.1)


def test_basal_ganglia_matches_reference():
    """100 ms (the old library's short run): 7 nuclei, 24 projections, windows of 100 and 500
    steps, a random CTX input drawn at every step from NumPy's generator."""
    T = 100.0
    nuclei = basal_ganglia.run_network(T, backend="cpu")
    np.random.seed(basal_ganglia.SEED)
    names = list(basal_ganglia.NUCLEI)
    # P is (source size, target size), as the thesis-era script drew it
    conns = [(names.index(s), names.index(d), P, delay,
              basal_ganglia.excitatory if exc else basal_ganglia.inhibitory,
              basal_ganglia.EXC_HOWFAR if exc else basal_ganglia.INH_HOWFAR)
             for s, d, P, delay, exc in basal_ganglia.projections()]
    assert len(conns) == 24
    out = old_reference(basal_ganglia.DT, T, [spec(N) for N in nuclei], conns, "simple")
    assert sum(r["spike_ids"].size for r in out) > 1000
    assert_matches(nuclei, out, basal_ganglia.DT)


def test_basal_ganglia_native_version_gives_the_same_spikes():
    T = 150.0
    nuclei = basal_ganglia.run_network(T, backend="cpu")
    res = basal_ganglia.run_native(T, backend="cpu", threads=2)
    assert res.steps == int(T / basal_ganglia.DT) - 1
    for N, r in zip(nuclei, res):
        np.testing.assert_array_equal(r.spike_steps, N.historique["spike_steps"], err_msg=N.label)
        np.testing.assert_array_equal(r.spike_ids, N.historique["spike_ids"], err_msg=N.label)
    assert sum(r.n_spikes for r in res) > 1000


def test_basal_ganglia_weights_are_drawn_source_by_target():
    """The thesis-era draw: one N(0, 1) matrix of shape (source size, target size) per
    projection, in row order of WEIGHTS."""
    np.random.seed(basal_ganglia.SEED)
    first = basal_ganglia.projections()[0]        # CTX -> D1, 2000 x 400
    np.random.seed(basal_ganglia.SEED)
    x = np.random.normal(0.0, 1.0, (2000, 400))
    w = 30 / 2000
    assert first[:2] == ("CTX", "D1") and first[2].shape == (2000, 400)
    np.testing.assert_array_equal(first[2], np.maximum(0, w + w * x))


# --- the quirks, one by one ---------------------------------------------------------------------


def one_to_one(w, delay=0, decay=None, howfar=0, synapse="simple", T=60.0, dt=0.5, params=None,
               P=None):
    """A driven source nucleus of 3 neurons into a silent target of 3 (never reaching 30 mV
    from these inputs); returns (source, target)."""
    a, b, c, d = params or (0.02, 0.2, -65, 8)
    src = old.Izhi_Nucleus(3, a, b, c, d, lambda t: np.full((3, 1), 12.0), label="src")
    dst = old.Izhi_Nucleus(3, a, b, c, d, 0, label="dst")
    old.connect(src, dst, w * np.eye(3) if P is None else P, delay=delay, decay=decay, howfar=howfar)
    data = old.build_izhi(dt, [src, dst], synapse)
    old.simulate(T, dt, old.Graph(), [src, dst], data, backend="cpu")
    return src, dst


def decay_exp(t):
    return np.exp(-t / 4)


def test_delay_is_truncated_to_whole_ms():
    """delay 2.5 ms behaves as 2 (D = int(int(2.5)/dt) = 4 steps at dt 0.5), not as 3."""
    _, d25 = one_to_one(2.0, delay=2.5, decay=decay_exp, howfar=5)
    _, d2 = one_to_one(2.0, delay=2.0, decay=decay_exp, howfar=5)
    _, d3 = one_to_one(2.0, delay=3.0, decay=decay_exp, howfar=5)
    np.testing.assert_array_equal(d25.historique["I"], d2.historique["I"])
    assert not np.array_equal(d25.historique["I"], d3.historique["I"])
    # the first input is in the I of step first + 2 + D: computed at the end of step
    # first + 1 + D, which reads the window before that step's spikes
    src, dst = one_to_one(2.0, delay=2.5, decay=decay_exp, howfar=5)
    first = min(round(t / 0.5) for t, ids in src.historique["fired"].items() if len(ids))
    I = dst.historique["I"][:, 0, 0]
    assert np.flatnonzero(I)[0] == first + 2 + 4


def test_decay_is_called_with_step_offsets():
    """decay gets k = 0 .. K-1 (steps), K = int(howfar/dt): dt 0.5, howfar 3 -> 0..5."""
    calls = []

    def decay(k):
        calls.append(np.array(k, dtype=float))
        return np.exp(-np.asarray(k) / 2)

    src, dst = one_to_one(1.5, decay=decay, howfar=3)
    np.testing.assert_array_equal(np.concatenate(calls), np.arange(6.0))
    # a spike's current over the steps after the next is w * decay(0), w * decay(1), ...
    first = min(round(t / 0.5) for t, ids in src.historique["fired"].items() if len(ids))
    I = dst.historique["I"][first + 2:first + 8, 0, 0]
    np.testing.assert_allclose(I, 1.5 * np.exp(-np.arange(6) / 2), rtol=1e-6)
    assert dst.historique["I"][first + 1, 0, 0] == 0.0


@pytest.mark.parametrize("synapse, howfar", [("voltage_jump", 0), ("simple", 0.5), ("simple", 1.5),
                                             ("simple", 3.0), ("simple", 7.0)])
def test_input_lags_the_spike_by_one_step_more_than_the_delay(synapse, howfar):
    """The I computed at the end of step m reads the spike window before step m's spikes are
    appended: a spike of step s with delay 0 is first felt by step s + 2, never s + 1 (DESIGN
    3); 'simple' then adds w * decay(k) for k = 0 .. K-1, K = int(howfar/dt), and nothing
    after."""
    dt = 0.5
    src = old.Izhi_Nucleus(1, 0.02, 0.2, -65, 8, lambda t: np.full((1, 1), 12.0), label="src")
    dst = old.Izhi_Nucleus(1, 0.02, 0.2, -65, 8, 0, label="dst")
    old.connect(src, dst, 0.25, delay=0, decay=decay_exp, howfar=howfar)
    old.simulate(40.0, dt, None, [src, dst], old.build_izhi(dt, [src, dst], synapse))
    s = min(round(t / dt) for t, ids in src.historique["fired"].items() if len(ids))
    I = dst.historique["I"][:, 0, 0]
    K = 1 if synapse == "voltage_jump" else int((1 / dt) * howfar)
    kappa = np.ones(1) if synapse == "voltage_jump" else decay_exp(np.arange(K))
    assert np.all(I[:s + 2] == 0), I[:s + 3]
    np.testing.assert_allclose(I[s + 2:s + 2 + K], 0.25 * kappa.astype(np.float32), rtol=1e-6)
    steps = sorted(round(t / dt) for t, ids in src.historique["fired"].items() if len(ids))
    second = steps[1]
    if s + 2 + K < second + 2:  # the window ends before the next spike's input starts
        assert np.all(I[s + 2 + K:second + 2] == 0)


def test_scalar_P_is_all_to_all_with_that_weight():
    _, a = one_to_one(0, P=0.7, decay=decay_exp, howfar=5)
    _, b = one_to_one(0, P=np.full((3, 3), 0.7), decay=decay_exp, howfar=5)
    np.testing.assert_array_equal(a.historique["I"], b.historique["I"])
    assert a.historique["I"].max() > 0


def test_matrix_orientations():
    """(n_pre, n_post) and (n_post, n_pre) give the same synapses; a square matrix is read
    as (pre, post)."""
    def run(P, n_post):
        src = old.Izhi_Nucleus(2, 0.02, 0.2, -65, 8, lambda t: np.array([[12.0], [0.0]]), label="src")
        dst = old.Izhi_Nucleus(n_post, 0.02, 0.2, -65, 8, 0, label="dst")
        old.connect(src, dst, P)
        old.simulate(40.0, 0.5, None, [src, dst], old.build_izhi(0.5, [src, dst], "voltage_jump"))
        return dst.historique["I"][:, :, 0]

    P = np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])  # from source 0 -> 1, 2, 3
    I_pre_post, I_post_pre = run(P, 3), run(P.T, 3)
    np.testing.assert_array_equal(I_pre_post, I_post_pre)
    spikes = I_pre_post[:, 0] > 0
    assert spikes.any()
    np.testing.assert_array_equal(I_pre_post[spikes], np.tile([1.0, 2.0, 3.0], (spikes.sum(), 1)))
    square = run(np.array([[1.0, 2.0], [5.0, 7.0]]), 2)
    np.testing.assert_array_equal(np.unique(square[square > 0]), [1.0, 2.0])  # row 0: from source 0


def test_parameter_arrays_n_and_n1():
    """a-d as (n,) or (n, 1) arrays give the same run; a uniform array the same as a scalar."""
    def run(shape):
        arr = lambda x: np.full(shape, x)  # noqa: E731
        return one_to_one(2.0, decay=decay_exp, howfar=5,
                          params=(arr(0.02), arr(0.2), arr(-65.0), arr(8.0)))

    flat, col = run((3,)), run((3, 1))
    scalar = one_to_one(2.0, decay=decay_exp, howfar=5)
    for a, b, c in zip(flat, col, scalar):
        for var in ("v", "u", "I"):
            np.testing.assert_array_equal(a.historique[var], b.historique[var])
            np.testing.assert_array_equal(a.historique[var], c.historique[var])
    # and per-neuron values are per neuron: a larger d slows one neuron down
    src, _ = one_to_one(2.0, decay=decay_exp, howfar=5,
                        params=(0.02, 0.2, -65.0, np.array([[2.0], [8.0], [8.0]])))
    counts = np.bincount(np.concatenate(list(src.historique["fired"].values())), minlength=3)
    assert counts[0] > counts[1] == counts[2]


def test_howfar_zero_gives_no_input():
    src, dst = one_to_one(5.0, decay=decay_exp, howfar=0)
    assert len(np.concatenate(list(src.historique["fired"].values()))) > 0
    np.testing.assert_array_equal(dst.historique["I"], 0.0)
    # a window shorter than one step is empty too: K = int(0.4 / 0.5) = 0
    _, dst = one_to_one(5.0, decay=decay_exp, howfar=0.4)
    np.testing.assert_array_equal(dst.historique["I"], 0.0)


def test_samples_and_initial_state():
    """M = int(T/dt) samples including the initial state v = -65, u = b*v, I = 0; fired has
    one entry per step, keyed m*dt; a second simulate starts again from the initial state."""
    src, dst = one_to_one(2.0, decay=decay_exp, howfar=5, T=10.3, dt=0.5)
    h = src.historique
    assert h["v"].shape == (20, 3, 1) and h["t"] == 10.3
    assert (h["v"][0] == -65).all() and (h["u"][0] == F32(0.2) * F32(-65)).all() and (h["I"][0] == 0).all()
    assert list(h["fired"]) == [m * 0.5 for m in range(19)]
    N = old.Izhi_Nucleus(4, 0.02, 0.2, -65, 8, 10, label="N")
    data = old.build_izhi(0.25, [N], "voltage_jump")
    old.simulate(50, 0.25, None, [N], data)
    first = {k: N.historique[k].copy() for k in ("v", "u", "I")}
    old.simulate(50, 0.25, None, [N], data)
    for k, x in first.items():
        np.testing.assert_array_equal(N.historique[k], x)


def test_two_connections_between_the_same_nuclei_add_up():
    """Same labels, two connections A -> B: both count (3 = 1 + 2 per source spike)."""
    a = old.Izhi_Nucleus(1, 0.02, 0.2, -65, 8, 10, label="A")
    b = old.Izhi_Nucleus(1, 0.02, 0.2, -65, 8, 0, label="A")
    old.connect(a, b, 1.0)
    old.connect(a, b, 2.0, delay=1)
    old.simulate(40, 0.5, None, [a, b], old.build_izhi(0.5, [a, b], "voltage_jump"))
    spikes = [round(t / 0.5) for t, ids in a.historique["fired"].items() if len(ids)]
    I = b.historique["I"][:, 0, 0]
    assert spikes and I[spikes[0] + 2] == 1.0 and I[spikes[0] + 4] == 2.0  # D = 0 and D = 2
    assert I.sum() == sum(1.0 * (m + 2 < I.size) + 2.0 * (m + 4 < I.size) for m in spikes)


def test_graph_and_seed_are_accepted():
    g = old.Graph()
    with g.as_default() as same:
        assert same is g
    old.set_random_seed(5)
    with pytest.raises(snn.ConfigError, match="seed"):
        old.set_random_seed(-1)
    old.set_random_seed(0)


# --- bad input ---------------------------------------------------------------------------------


def test_wrong_matrix_shape():
    a = old.Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 0, label="A")
    b = old.Izhi_Nucleus(4, 0.02, 0.2, -65, 8, 0, label="B")
    with pytest.raises(snn.ConfigError, match=r"A->B: P has shape \(2, 4\).*\(3, 4\).*\(4, 3\)"):
        old.connect(a, b, np.ones((2, 4)))
    with pytest.raises(snn.ConfigError, match="non-finite"):
        old.connect(a, b, np.full((3, 4), np.nan))
    with pytest.raises(snn.ConfigError, match="delay"):
        old.connect(a, b, 1.0, delay=-1)


def test_unknown_synapse_type():
    a = old.Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 0, label="A")
    with pytest.raises(snn.ConfigError, match="unknown synapse type 'exponential'"):
        old.build_izhi(0.1, [a], "exponential")


def test_callable_iext_of_wrong_shape():
    a = old.Izhi_Nucleus(3, 0.02, 0.2, -65, 8, lambda t: np.ones((2, 1)), label="A")
    data = old.build_izhi(0.1, [a], "simple")
    with pytest.raises(snn.ConfigError, match=r"Izhi_Nucleus 'A': Iext\(0\) returned shape \(2, 1\)"):
        old.simulate(10, 0.1, None, [a], data)


def test_connected_nucleus_not_passed_to_build_izhi():
    a = old.Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 0, label="A")
    b = old.Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 0, label="B")
    old.connect(a, b, 1.0, decay=decay_exp, howfar=1)
    with pytest.raises(snn.ConfigError, match="nucleus 'A' is connected to 'B' but not in the list"):
        old.build_izhi(0.1, [b])
    with pytest.raises(snn.ConfigError, match="nucleus 'B' is connected to 'A' but not in the list"):
        old.build_izhi(0.1, [a])


def test_other_bad_input():
    with pytest.raises(snn.ConfigError, match=r"parameter a has shape \(2,\)"):
        old.Izhi_Nucleus(3, np.ones(2), 0.2, -65, 8, 0, label="A")
    with pytest.raises(snn.ConfigError, match="Iext must be a number or a callable"):
        old.Izhi_Nucleus(3, 0.02, 0.2, -65, 8, "five", label="A")
    a = old.Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 0, label="A")
    old.connect(a, a, 1.0, howfar=2)
    with pytest.raises(snn.ConfigError, match="needs a decay function"):
        old.build_izhi(0.1, [a], "simple")
    b = old.Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 0, label="B")
    data = old.build_izhi(0.1, [b], "voltage_jump")
    with pytest.raises(snn.ConfigError, match="differs from build_izhi's dt"):
        old.simulate(10, 0.2, None, [b], data)
    with pytest.raises(snn.ConfigError, match="must be what build_izhi returned"):
        old.simulate(10, 0.1, None, [b], None)
    with pytest.raises(snn.ConfigError, match="connect: target M must be an Izhi_Nucleus"):
        old.connect(b, "B", 1.0)
