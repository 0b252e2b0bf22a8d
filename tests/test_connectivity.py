"""Connectivity rules, weight and delay distributions, dense / sparse / explicit synapses."""

import math

import numpy as np
import pytest
import scipy.sparse

import reference as ref
import snn


def make(n_pre=50, n_post=40, dt=0.1, seed=1, same=False):
    net = snn.Network(dt=dt, seed=seed)
    pre = net.population(n_pre, "regular_spiking", label="pre")
    post = pre if same else net.population(n_post, "fast_spiking", label="post")
    return net, pre, post


def syn(proj):
    pre, post, w, delay_ms = proj.synapses()
    d = proj.delay_steps()
    assert pre.dtype == np.int32 and post.dtype == np.int32
    assert w.dtype == np.float64 and d.dtype == np.int32 and delay_ms.dtype == np.float64
    np.testing.assert_array_equal(delay_ms, d * proj._net.dt)  # ms, whole steps
    assert pre.shape == post.shape == w.shape == d.shape
    assert proj.n_synapses == pre.size
    return pre.astype(np.int64), post.astype(np.int64), w, d.astype(np.int64)


def assert_no_duplicates(pre, post, n_post):
    keys = pre * n_post + post
    assert np.unique(keys).size == keys.size, "duplicate (pre, post) pairs"


def by_pair(pre, post, *cols, n_post):
    order = np.argsort(pre * n_post + post, kind="stable")
    return (pre[order], post[order]) + tuple(c[order] for c in cols)


def test_all_to_all():
    net, a, b = make(7, 5)
    pre, post, w, d = syn(net.connect(a, b, snn.AllToAll(), weight=0.5, label="aa"))
    assert pre.size == 35
    assert_no_duplicates(pre, post, 5)
    np.testing.assert_array_equal(w, 0.5)
    np.testing.assert_array_equal(d, 1)              # delay 0 -> next step


def test_all_to_all_without_self():
    net, a, _ = make(9, same=True)
    pre, post, w, d = syn(net.connect(a, a, snn.AllToAll(allow_self=False), label="aa"))
    assert pre.size == 72
    assert not np.any(pre == post)
    assert_no_duplicates(pre, post, 9)


def test_one_to_one():
    net, a, b = make(12, 12)
    pre, post, w, d = syn(net.connect(a, b, snn.OneToOne(), weight=-2.0, delay=1.5, label="oo"))
    pre, post, w, d = by_pair(pre, post, w, d, n_post=12)
    np.testing.assert_array_equal(pre, np.arange(12))
    np.testing.assert_array_equal(post, np.arange(12))
    np.testing.assert_array_equal(w, -2.0)
    np.testing.assert_array_equal(d, 15)


@pytest.mark.parametrize("rule, k", [(snn.FixedInDegree, k) for k in (1, 7, 50)]
                         + [(snn.FixedOutDegree, k) for k in (1, 7, 40)])
def test_fixed_degree_exact(rule, k):
    """Every target (in-degree) or source (out-degree) has exactly k distinct partners."""
    net, a, b = make(50, 40)
    pre, post, w, d = syn(net.connect(a, b, rule(k), label="degree"))
    counted, n = (post, 40) if rule is snn.FixedInDegree else (pre, 50)
    np.testing.assert_array_equal(np.bincount(counted, minlength=n), np.full(n, k))
    assert_no_duplicates(pre, post, 40)
    assert pre.min() >= 0 and pre.max() < 50 and post.min() >= 0 and post.max() < 40


@pytest.mark.parametrize("rule", [snn.FixedInDegree, snn.FixedOutDegree])
def test_fixed_degree_without_self(rule):
    n = 30
    net, a, _ = make(n, same=True)
    for k in (5, n - 1):
        pre, post, w, d = syn(net.connect(a, a, rule(k, allow_self=False), label=f"k{k}"))
        col = post if rule is snn.FixedInDegree else pre
        np.testing.assert_array_equal(np.bincount(col, minlength=n), np.full(n, k))
        assert not np.any(pre == post)
        assert_no_duplicates(pre, post, n)


def test_fixed_in_degree_targets_are_spread():
    """Each target draws its k sources at random: sources are not always the first k."""
    net, a, b = make(200, 100)
    pre, post, w, d = syn(net.connect(a, b, snn.FixedInDegree(10), label="fin"))
    counts = np.bincount(pre, minlength=200)
    assert (counts > 0).sum() > 150
    # mean per source is 5; the spread looks binomial-ish, not degenerate
    assert 1.0 < counts.var() < 15.0


@pytest.mark.parametrize("p", [0.02, 0.1, 0.5])
def test_fixed_probability_count(p):
    n_pre, n_post = 200, 300
    net, a, b = make(n_pre, n_post)
    pre, post, w, d = syn(net.connect(a, b, snn.FixedProbability(p), label="fp"))
    N = n_pre * n_post
    assert abs(pre.size - p * N) < 4 * math.sqrt(N * p * (1 - p))
    assert_no_duplicates(pre, post, n_post)
    # no structure: out-degrees and in-degrees both look binomial
    out_deg = np.bincount(pre, minlength=n_pre)
    in_deg = np.bincount(post, minlength=n_post)
    assert abs(out_deg.mean() - p * n_post) < 4 * math.sqrt(p * (1 - p) * n_post / n_pre) + 1e-9
    assert out_deg.var() == pytest.approx(n_post * p * (1 - p), rel=0.35)
    assert in_deg.var() == pytest.approx(n_pre * p * (1 - p), rel=0.35)


def test_fixed_probability_extremes_and_self():
    net, a, _ = make(40, same=True)
    assert net.connect(a, a, snn.FixedProbability(0.0), label="none").n_synapses == 0
    pre, post, w, d = syn(net.connect(a, a, snn.FixedProbability(1.0), label="all"))
    assert pre.size == 1600
    pre, post, w, d = syn(net.connect(a, a, snn.FixedProbability(1.0, allow_self=False),
                                      label="noself"))
    assert pre.size == 1560 and not np.any(pre == post)
    pre, post, w, d = syn(net.connect(a, a, snn.FixedProbability(0.3, allow_self=False),
                                      label="noself2"))
    assert not np.any(pre == post)


def _random_projection(seed, rule):
    net, a, b = make(100, 80, seed=seed)
    return syn(net.connect(a, b, rule, weight=snn.Uniform(-1, 2), delay=snn.Uniform(0.5, 4),
                           label="r"))


@pytest.mark.parametrize("rule", [snn.FixedProbability(0.1), snn.FixedInDegree(9),
                                  snn.FixedOutDegree(9)], ids=["prob", "in", "out"])
def test_same_seed_same_synapses_other_seed_different(rule):
    s1 = _random_projection(3, rule)
    s2 = _random_projection(3, rule)
    s3 = _random_projection(4, rule)
    for x, y in zip(s1, s2):
        np.testing.assert_array_equal(x, y)
    if s1[0].size == s3[0].size and np.array_equal(s1[0], s3[0]) and np.array_equal(s1[1], s3[1]):
        pytest.fail("another seed gave the same connectivity")
    assert not np.array_equal(np.sort(s1[2]), np.sort(s3[2]))


def test_uniform_weights_and_delays_statistics():
    dt = 0.1
    net, a, b = make(300, 300, dt=dt)
    pre, post, w, d = syn(net.connect(a, b, snn.AllToAll(), weight=snn.Uniform(-0.5, 1.5),
                                      delay=snn.Uniform(1.0, 5.0), label="u"))
    n = w.size
    step = ref.fixed_point_step(w)
    assert w.min() >= -0.5 - step and w.max() <= 1.5 + step
    assert abs(w.mean() - 0.5) < 4 * (2 / math.sqrt(12)) / math.sqrt(n)
    assert w.std() == pytest.approx(2 / math.sqrt(12), rel=0.01)
    assert d.min() >= 10 and d.max() <= 50
    assert abs(d.mean() - 30.0) < 0.2
    # all whole steps from 10 to 50 occur; the two end bins are half as likely
    counts = np.bincount(d - 10, minlength=41)
    assert np.all(counts[1:-1] > 0.8 * n / 40) and np.all(counts[1:-1] < 1.2 * n / 40)
    assert counts[0] == pytest.approx(n / 80, rel=0.2)
    assert counts[-1] == pytest.approx(n / 80, rel=0.2)


def test_normal_weights_statistics_and_clipping():
    net, a, b = make(300, 300)
    pre, post, w, d = syn(net.connect(a, b, snn.AllToAll(), weight=snn.Normal(-1.0, 0.5),
                                      label="n"))
    n = w.size
    assert abs(w.mean() + 1.0) < 4 * 0.5 / math.sqrt(n)
    assert w.std() == pytest.approx(0.5, rel=0.01)
    pre, post, w, d = syn(net.connect(a, b, snn.AllToAll(),
                                      weight=snn.Normal(-1.0, 0.5, low=-1.5, high=-0.6),
                                      label="nc"))
    step = ref.fixed_point_step(w)
    assert w.min() >= -1.5 - step and w.max() <= -0.6 + step
    p_hi = 0.5 * math.erfc(0.8 / math.sqrt(2))        # P(z > 0.8)
    p_lo = 0.5 * math.erfc(1.0 / math.sqrt(2))        # P(z < -1)
    tol = max(step, 1e-6)       # the bound itself may have been rounded to float32
    frac_hi = np.mean(np.abs(w - (-0.6)) <= tol)
    frac_lo = np.mean(np.abs(w - (-1.5)) <= tol)
    assert frac_hi == pytest.approx(p_hi, abs=4 * math.sqrt(p_hi / n))
    assert frac_lo == pytest.approx(p_lo, abs=4 * math.sqrt(p_lo / n))


def _weights_given_and_stored(kind):
    """(given weights by (pre, post) order, stored weights by (pre, post) order)."""
    rng = np.random.default_rng(12)
    n_pre, n_post = 12, 9
    net, a, b = make(n_pre, n_post)
    if kind.startswith("scalar"):
        value = float(kind.split("=")[1])
        pre, post, w, d = syn(net.connect(a, b, snn.AllToAll(), weight=value, label=kind))
        return np.full(w.size, value), w
    W = rng.normal(0, 2, (n_pre, n_post)) * (rng.random((n_pre, n_post)) < 0.5)
    ip, jp = np.nonzero(W)
    if kind == "dense":
        proj = net.connect(a, b, W, label=kind)
    elif kind == "sparse":
        proj = net.connect(a, b, scipy.sparse.csr_matrix(W), label=kind)
    else:
        proj = net.connect(a, b, (ip, jp), weight=W[ip, jp], label=kind)
    pre, post, w = by_pair(*syn(proj)[:3], n_post=n_post)
    assert np.array_equal(pre, ip) and np.array_equal(post, jp)
    return W[ip, jp], w


@pytest.mark.parametrize("kind", ["scalar=3.7", "scalar=-2.3", "scalar=0.1", "scalar=123.456",
                                  "dense", "sparse", "explicit"])
def test_weights_quantised_from_float32(kind):
    """numerics.md: weights are float32, then w_q = rint(double(w) * 2^s), so every stored
    weight is float32(given) to within the fixed-point resolution 2^-s."""
    given, stored = _weights_given_and_stored(kind)
    given32 = np.asarray(given, dtype=np.float64).astype(np.float32).astype(np.float64)
    wq, s = ref.quantise(given32)
    np.testing.assert_array_equal(stored, ref.dequantise(wq, s))
    assert np.max(np.abs(stored - given32)) <= 2.0 ** -s


def test_weights_are_fixed_point_values():
    """synapses() weights are w_q * 2^-s: quantising them again gives integers."""
    net, a, b = make(60, 60)
    pre, post, w, d = syn(net.connect(a, b, snn.FixedProbability(0.3),
                                      weight=snn.Normal(0.3, 0.7), label="q"))
    s = ref.weight_scale(w)
    scaled = w * 2.0 ** s
    np.testing.assert_array_equal(scaled, np.rint(scaled))
    assert np.abs(scaled).max() <= 2 ** 30


@pytest.mark.parametrize("dense_delay", [0.0, 2.5])
def test_dense_matrix(dense_delay):
    rng = np.random.default_rng(2)
    W = rng.normal(0, 1, (30, 20)) * (rng.random((30, 20)) < 0.4)
    net, a, b = make(30, 20, dt=0.5)
    proj = net.connect(a, b, W, delay=dense_delay, label="dense")
    pre, post, w, d = by_pair(*syn(proj), n_post=20)
    ip, jp = np.nonzero(W)                               # row-major: sorted by (pre, post)
    np.testing.assert_array_equal(pre, ip)
    np.testing.assert_array_equal(post, jp)
    np.testing.assert_allclose(w, W[ip, jp], rtol=1e-7, atol=ref.fixed_point_step(W))
    np.testing.assert_array_equal(d, ref.delay_steps(dense_delay, 0.5))


def test_dense_matrix_all_to_all_full():
    W = np.arange(1, 13, dtype=float).reshape(3, 4) / 7.0
    net, a, b = make(3, 4)
    pre, post, w, d = by_pair(*syn(net.connect(a, b, W, label="full")), n_post=4)
    assert pre.size == 12
    np.testing.assert_allclose(w, W.ravel(), atol=ref.fixed_point_step(W))


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_scipy_sparse(fmt):
    S = scipy.sparse.random(40, 25, density=0.15, random_state=3, format=fmt) * 3.0
    S = S.asformat(fmt)
    net, a, b = make(40, 25)
    proj = net.connect(a, b, S, delay=1.0, label="sparse")
    pre, post, w, d = by_pair(*syn(proj), n_post=25)
    C = S.tocoo()
    order = np.lexsort((C.col, C.row))
    np.testing.assert_array_equal(pre, C.row[order])
    np.testing.assert_array_equal(post, C.col[order])
    np.testing.assert_allclose(w, C.data[order], atol=ref.fixed_point_step(C.data))
    np.testing.assert_array_equal(d, 10)


def test_explicit_arrays_with_weight_and_delay_arrays():
    dt = 0.25
    rng = np.random.default_rng(4)
    n_pre, n_post = 20, 15
    keys = rng.choice(n_pre * n_post, 60, replace=False)
    pre_ids, post_ids = keys // n_post, keys % n_post
    weights = rng.normal(0, 2, 60)
    delays = rng.uniform(0, 6, 60)
    net, a, b = make(n_pre, n_post, dt=dt)
    proj = net.connect(a, b, (pre_ids, post_ids), weight=weights, delay=delays,
                       label="explicit")
    pre, post, w, d = by_pair(*syn(proj), n_post=n_post)
    order = np.argsort(keys)
    np.testing.assert_array_equal(pre, pre_ids[order])
    np.testing.assert_array_equal(post, post_ids[order])
    np.testing.assert_allclose(w, weights[order], atol=ref.fixed_point_step(weights))
    np.testing.assert_array_equal(d, ref.delay_steps(delays[order], dt))


def test_explicit_arrays_with_scalar_weight_and_list_input():
    net, a, b = make(5, 5)
    proj = net.connect(a, b, ([0, 1, 4], [4, 0, 2]), weight=0.75, delay=0.3, label="ex")
    pre, post, w, d = by_pair(*syn(proj), n_post=5)
    assert pre.tolist() == [0, 1, 4] and post.tolist() == [4, 0, 2]
    np.testing.assert_array_equal(w, 0.75)
    np.testing.assert_array_equal(d, 3)


# ---- the documented Philox streams for weights and delays ---------------------------

def _check_uniform_stream(values, expected_candidates, what, tol=0.0):
    """``values`` equal one of the candidates (one convention for all synapses)."""
    for cand in expected_candidates:
        if values.shape == cand.shape and np.all(np.abs(values - cand) <= tol):
            return
    err = [float(np.max(np.abs(values - c))) for c in expected_candidates]
    raise AssertionError(f"{what}: not the documented Philox uniforms (max errors {err})")


@pytest.mark.parametrize("seed", [5, 2**40 + 17])
def test_uniform_weights_and_delays_follow_philox_stream(seed):
    """numerics.md: weights and delays of synapse (pre, post) of projection j come from
    Philox with counter (pre, post, 0, purpose << 24 | j), key (seed lo, seed hi);
    u = x0 * 2^-32 in double, weight float32(low + (high - low) * u), delay in double."""
    dt = 0.1
    net = snn.Network(dt=dt, seed=seed)
    a = net.population(20, "regular_spiking", label="a")
    b = net.population(30, "regular_spiking", label="b")
    net.connect(a, b, snn.AllToAll(), weight=0.5, label="first")          # j = 0
    proj = net.connect(a, b, snn.AllToAll(), weight=snn.Uniform(-1.0, 3.0),
                       delay=snn.Uniform(0.0, 8.0), label="second")        # j = 1
    pre, post, w, d = syn(proj)
    s = ref.weight_scale(w)
    x0w = ref.synapse_words(seed, ref.PURPOSE_WEIGHTS, 1, pre, post)[0]
    x0d = ref.synapse_words(seed, ref.PURPOSE_DELAYS, 1, pre, post)[0]
    uw = ref.uniform_u32_double(x0w)
    w32 = (-1.0 + 4.0 * uw).astype(np.float32).astype(np.float64)
    _check_uniform_stream(w, [ref.dequantise(ref.quantise(w32)[0], s)], "weights")
    _check_uniform_stream(d, [ref.delay_steps(0.0 + 8.0 * ref.uniform_u32_double(x0d), dt)], "delays")


def test_normal_weights_follow_philox_stream():
    seed = 9
    net = snn.Network(dt=0.1, seed=seed)
    a = net.population(25, "regular_spiking", label="a")
    proj = net.connect(a, a, snn.AllToAll(), weight=snn.Normal(0.5, 2.0, low=-3.0, high=4.0),
                       label="n")                                          # j = 0
    pre, post, w, d = syn(proj)
    x = ref.synapse_words(seed, ref.PURPOSE_WEIGHTS, 0, pre, post)
    z0, _ = ref.normal_pair(x[0], x[1])
    expected = np.clip(0.5 + 2.0 * z0, -3.0, 4.0)
    np.testing.assert_allclose(w, expected, atol=2e-4)


def test_explicit_four_tuple_equals_arrays_given_separately():
    """(pre_ids, post_ids, weights, delays) is the same as passing weight= and delay=."""
    pre_ids = np.array([3, 0, 2, 0, 1])
    post_ids = np.array([1, 4, 0, 2, 2])
    weights = np.array([0.5, -1.0, 2.0, 0.25, 1.5])
    delays = np.array([1.0, 0.0, 2.5, 3.0, 0.4])
    net, a, b = make(4, 5, dt=0.5)
    four = syn(net.connect(a, b, (pre_ids, post_ids, weights, delays), label="four"))
    two = syn(net.connect(a, b, (pre_ids, post_ids), weight=weights, delay=delays, label="two"))
    for x, y in zip(four, two):
        np.testing.assert_array_equal(x, y)
    order = np.lexsort((post_ids, pre_ids))
    np.testing.assert_array_equal(four[0], pre_ids[order])
    np.testing.assert_array_equal(four[3], ref.delay_steps(delays[order], 0.5))
    with pytest.raises(snn.ConfigError, match="four_again"):
        net.connect(a, b, (pre_ids, post_ids, weights, delays), weight=1.0, label="four_again")
    with pytest.raises(snn.ConfigError, match="four_delay"):
        net.connect(a, b, (pre_ids, post_ids, weights, delays), delay=delays, label="four_delay")


@pytest.mark.parametrize("dt", [0.1, 0.25, 1.0])
def test_a_network_rebuilt_from_synapses_is_the_same_network(dt):
    """synapses() gives delays in ms: connecting its table again makes the same synapses,
    and the rebuilt network spikes as the original."""
    def network(table=None):
        net, a, b = make(80, 60, dt=dt, seed=4)
        net.input(a, snn.Noise(4.0, 3.0))
        if table is None:
            proj = net.connect(a, b, snn.FixedProbability(0.2), weight=snn.Uniform(0.5, 3.0),
                               delay=snn.Uniform(0.0, 9.0), kernel=snn.Exponential(2.0))
        else:
            proj = net.connect(a, b, table, kernel=snn.Exponential(2.0))
        return net, proj, b

    net, proj, b = network()
    table = proj.synapses()
    assert isinstance(table, snn.Synapses) and table.delay.max() > 5.0  # ms, not steps
    net2, proj2, b2 = network(table)
    again = proj2.synapses()
    for x, y in zip(table, again):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(proj2.delay_steps(), proj.delay_steps())
    r1, r2 = net.run(200.0)[b], net2.run(200.0)[b2]
    assert r1.n_spikes > 0
    np.testing.assert_array_equal(r1.spike_steps, r2.spike_steps)
    np.testing.assert_array_equal(r1.spike_ids, r2.spike_ids)
