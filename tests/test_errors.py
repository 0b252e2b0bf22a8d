"""Validation: every bad input raises snn.ConfigError (a ValueError) naming the population or
projection label, the parameter and the bad value; MemoryError before allocating an
impossible network; SimulationError for a non-finite state; the interpreter survives."""

import math
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import reference as ref
import snn
from twin import BACKEND, Twin, assert_same_spikes, assert_trace_close

# The backend suite: every test runs on each backend (conftest.py).
pytestmark = pytest.mark.usefixtures("on_backend")

NAN = float("nan")
INF = float("inf")


def check(excinfo, *patterns):
    """Each regex in ``patterns`` occurs in the message (case-insensitive)."""
    msg = str(excinfo.value)
    for pat in patterns:
        assert re.search(pat, msg, re.IGNORECASE), f"{pat!r} not in message {msg!r}"


def value_pattern(x):
    if isinstance(x, float) and math.isnan(x):
        return r"nan"
    if isinstance(x, float) and math.isinf(x):
        return r"-inf" if x < 0 else r"inf"
    if isinstance(x, float) and x == int(x):
        return rf"(?<![\d.]){re.escape(str(int(x)))}(\.0*)?(?![\d])"
    return rf"(?<![\d]){re.escape(repr(x))}"


def two_pops(n_pre=10, n_post=8, dt=0.5):
    net = snn.Network(dt=dt, seed=1)
    a = net.population(n_pre, "regular_spiking", label="src_pop")
    b = net.population(n_post, "fast_spiking", label="dst_pop")
    return net, a, b


def test_exception_hierarchy():
    assert issubclass(snn.ConfigError, ValueError)
    assert issubclass(snn.SnnError, RuntimeError)
    for name in ("SimulationError", "BackendUnavailable", "CudaError"):
        assert issubclass(getattr(snn, name), Exception)


# ---- network level ------------------------------------------------------------------

@pytest.mark.parametrize("dt", [0.0, -1.0, NAN, INF])
def test_bad_dt(dt):
    with pytest.raises(snn.ConfigError, match=r"\bdt\b") as ei:
        net = snn.Network(dt=dt, seed=1)
        net.population(2, "regular_spiking", label="p")
        net.run(1.0, backend=BACKEND)
    check(ei, value_pattern(dt))


@pytest.mark.parametrize("T", [-1.0, NAN, INF])
def test_bad_duration(T):
    net = snn.Network(dt=0.5, seed=1)
    net.population(2, "regular_spiking", label="p")
    with pytest.raises(snn.ConfigError, match=r"\bT\b|duration") as ei:
        net.run(T, backend=BACKEND)
    check(ei, value_pattern(T))


def test_duration_not_whole_number_of_steps():
    net = snn.Network(dt=0.1, seed=1)
    net.population(2, "regular_spiking", label="p")
    with pytest.raises(snn.ConfigError, match=r"\bT\b|duration") as ei:
        net.run(0.05, backend=BACKEND)
    check(ei, r"0\.05")
    with pytest.raises(snn.ConfigError):
        net.run(10.03, backend=BACKEND)
    net.run(10.0, backend=BACKEND)                    # whole number of 0.1 ms steps is fine
    net.run(0.3, backend=BACKEND)                     # 0.3/0.1 is 2.9999999999999996 steps


def test_unknown_backend_or_unavailable_cuda():
    net = snn.Network(dt=0.5, seed=1)
    net.population(2, "regular_spiking", label="p")
    with pytest.raises((snn.ConfigError, snn.BackendUnavailable), match="warp"):
        net.run(1.0, backend="warp_drive")
    if not snn.cuda_available():
        with pytest.raises(snn.BackendUnavailable, match=r"(?i)cuda"):
            net.run(1.0, backend="cuda")
    net.run(1.0, backend="cpu")


# ---- populations -----------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, -3, 2.5])
def test_bad_population_size(n):
    net = snn.Network(dt=0.5, seed=1)
    with pytest.raises(snn.ConfigError, match="tiny") as ei:
        net.population(n, "regular_spiking", label="tiny")
    check(ei, r"\bn\b|size", value_pattern(float(n)) if n == 2.5 else rf"(?<!\d){n}(?!\d)")


def test_unknown_preset():
    net = snn.Network(dt=0.5, seed=1)
    with pytest.raises(snn.ConfigError, match="regular_spikin"):
        net.population(3, "regular_spikin", label="typo")


@pytest.mark.parametrize("param", ["a", "b", "c", "d", "v0", "u0"])
def test_parameter_array_of_wrong_length(param):
    net = snn.Network(dt=0.5, seed=1)
    kw = dict(a=0.02, b=0.2, c=-65.0, d=8.0)
    kw[param] = np.full(9, kw.get(param, -65.0))
    with pytest.raises(snn.ConfigError, match="wrongly") as ei:
        net.population(10, label="wrongly", **kw)
    check(ei, rf"\b{param}\b", r"\b9\b")


@pytest.mark.parametrize("param, bad", [("a", NAN), ("b", INF), ("c", NAN), ("d", -INF),
                                        ("v0", NAN), ("u0", INF), ("v_peak", NAN)])
def test_non_finite_parameter(param, bad):
    net = snn.Network(dt=0.5, seed=1)
    kw = dict(a=0.02, b=0.2, c=-65.0, d=8.0)
    kw[param] = bad
    with pytest.raises(snn.ConfigError, match="nonfinite") as ei:
        net.population(4, label="nonfinite", **kw)
    check(ei, rf"\b{param}\b", value_pattern(bad))


def test_non_finite_parameter_inside_array():
    net = snn.Network(dt=0.5, seed=1)
    c = np.full(6, -65.0)
    c[4] = NAN
    with pytest.raises(snn.ConfigError, match="arr_pop") as ei:
        net.population(6, a=0.02, b=0.2, c=c, d=8, label="arr_pop")
    check(ei, r"\bc\b", "nan")


def test_bad_substeps():
    net = snn.Network(dt=0.5, seed=1)
    with pytest.raises(snn.ConfigError, match="subs") as ei:
        net.population(3, "regular_spiking", v_substeps=0, label="subs")
    check(ei, "v_substeps", r"\b0\b")


# ---- projections -----------------------------------------------------------------------

@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_non_finite_weight(bad):
    net, a, b = two_pops()
    with pytest.raises(snn.ConfigError, match="bad_proj") as ei:
        net.connect(a, b, snn.AllToAll(), weight=bad, label="bad_proj")
    check(ei, "weight", value_pattern(bad))


def test_non_finite_weight_in_dense_matrix_and_arrays():
    net, a, b = two_pops(4, 5)
    W = np.ones((4, 5))
    W[2, 3] = NAN
    with pytest.raises(snn.ConfigError, match="dense_proj") as ei:
        net.connect(a, b, W, label="dense_proj")
    check(ei, "nan")
    w = np.array([1.0, INF])
    with pytest.raises(snn.ConfigError, match="arr_proj") as ei:
        net.connect(a, b, ([0, 1], [2, 3]), weight=w, label="arr_proj")
    check(ei, "weight", "inf")


@pytest.mark.parametrize("bad", [NAN, INF, -1.0, -0.25])
def test_bad_delay(bad):
    net, a, b = two_pops()
    with pytest.raises(snn.ConfigError, match="del_proj") as ei:
        net.connect(a, b, snn.AllToAll(), delay=bad, label="del_proj")
    check(ei, "delay", value_pattern(bad))


def test_bad_delay_in_array():
    net, a, b = two_pops()
    with pytest.raises(snn.ConfigError, match="del_arr") as ei:
        net.connect(a, b, ([0, 1, 2], [0, 1, 2]), delay=np.array([1.0, -2.0, 1.0]),
                    label="del_arr")
    check(ei, "delay", r"-2")


def test_delay_limit():
    net, a, b = two_pops(dt=1.0)
    proj = net.connect(a, b, snn.AllToAll(), delay=4095.0, label="longest")
    assert set(proj.delay_steps().tolist()) == {4095} and set(proj.synapses().delay.tolist()) == {4095.0}
    with pytest.raises(snn.ConfigError, match="too_long") as ei:
        net.connect(a, b, snn.AllToAll(), delay=4097.0, label="too_long")
    check(ei, "delay", r"4097")
    with pytest.raises(snn.ConfigError, match="way_too_long") as ei:
        net.connect(a, b, snn.AllToAll(), delay=10000.0, label="way_too_long")
    check(ei, "delay", r"10000")
    # delays are rounded to steps first: 409.66 ms at dt = 0.1 is 4097 steps
    net2 = snn.Network(dt=0.1, seed=1)
    p = net2.population(2, "regular_spiking", label="p")
    with pytest.raises(snn.ConfigError, match="rounded_up") as ei:
        net2.connect(p, p, snn.AllToAll(), delay=409.66, label="rounded_up")
    check(ei, "delay", r"409\.66")


def test_delay_of_4096_steps_is_the_largest():
    """README: "delays up to 4096 steps"."""
    net, a, b = two_pops(dt=1.0)
    proj = net.connect(a, b, snn.AllToAll(), delay=4096.0, label="at_4096")
    assert set(proj.delay_steps().tolist()) == {4096}
    assert snn._core.max_delay_steps == 4096


def test_kernel_window_limit():
    """README: kernel windows up to 4096 steps."""
    net, a, b = two_pops(dt=1.0)
    net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(lambda t: np.exp(-t / 100.0), 4096.0),
                label="widest")
    with pytest.raises(snn.ConfigError, match="too_wide") as ei:
        net.connect(a, b, snn.AllToAll(),
                    kernel=snn.Kernel(lambda t: np.exp(-t / 100.0), 5000.0), label="too_wide")
    check(ei, "window", r"5000")


def _bad_kernel(make, label, net, a, b, *patterns):
    """The kernel constructor may validate (no label known yet) or connect does."""
    try:
        kernel = make()
    except snn.ConfigError as exc:
        for pat in patterns:
            assert re.search(pat, str(exc), re.I), (pat, str(exc))
        return
    with pytest.raises(snn.ConfigError, match=label) as ei:
        net.connect(a, b, snn.AllToAll(), kernel=kernel, label=label)
    check(ei, *patterns)


@pytest.mark.parametrize("tau", [0.0, -2.0, NAN])
@pytest.mark.parametrize("cls", [snn.Exponential, snn.Alpha])
def test_bad_tau(cls, tau):
    net, a, b = two_pops()
    _bad_kernel(lambda: cls(tau=tau), "tau_proj", net, a, b, r"\btau\b", value_pattern(tau))


def test_bad_kernel_function_and_window():
    net, a, b = two_pops()
    _bad_kernel(lambda: snn.Kernel(lambda t: np.exp(-t), -1.0), "win_proj", net, a, b,
                "window", r"-1")
    with pytest.raises(snn.ConfigError, match="nan_kernel") as ei:
        net.connect(a, b, snn.AllToAll(),
                    kernel=snn.Kernel(lambda t: np.where(np.asarray(t) > 1.0, NAN, 1.0), 3.0),
                    label="nan_kernel")
    check(ei, "nan")


def test_unknown_kernel_target():
    with pytest.raises(snn.ConfigError, match=r"\bw\b"):
        net, a, b = two_pops()
        net.connect(a, b, snn.AllToAll(), kernel=snn.Instant(target="w"), label="tgt")


@pytest.mark.parametrize("p", [1.5, -0.1, NAN])
def test_bad_probability(p):
    net, a, b = two_pops()
    try:
        rule = snn.FixedProbability(p)
    except snn.ConfigError as exc:
        assert re.search(value_pattern(p), str(exc), re.I), str(exc)
        return
    with pytest.raises(snn.ConfigError, match="prob_proj") as ei:
        net.connect(a, b, rule, label="prob_proj")
    check(ei, r"\bp\b|probab", value_pattern(p))


def test_degree_larger_than_possible():
    net, a, b = two_pops(10, 8)
    with pytest.raises(snn.ConfigError, match="in_proj") as ei:
        net.connect(a, b, snn.FixedInDegree(11), label="in_proj")
    check(ei, r"\b11\b")
    with pytest.raises(snn.ConfigError, match="out_proj") as ei:
        net.connect(a, b, snn.FixedOutDegree(9), label="out_proj")
    check(ei, r"\b9\b")
    # without self-connections only n - 1 candidates remain
    with pytest.raises(snn.ConfigError, match="self_in") as ei:
        net.connect(a, a, snn.FixedInDegree(10, allow_self=False), label="self_in")
    check(ei, r"\b10\b")
    with pytest.raises(snn.ConfigError, match="self_out") as ei:
        net.connect(b, b, snn.FixedOutDegree(8, allow_self=False), label="self_out")
    check(ei, r"\b8\b")
    # the largest possible degrees are fine
    net.connect(a, b, snn.FixedInDegree(10), label="in_ok")
    net.connect(a, b, snn.FixedOutDegree(8), label="out_ok")
    net.connect(a, a, snn.FixedInDegree(9, allow_self=False), label="self_ok")


def test_negative_degree():
    net, a, b = two_pops()
    with pytest.raises(snn.ConfigError):
        net.connect(a, b, snn.FixedInDegree(-1), label="neg_in")


def test_dense_matrix_of_wrong_shape():
    net, a, b = two_pops(4, 5)
    with pytest.raises(snn.ConfigError, match="shape_proj") as ei:
        net.connect(a, b, np.ones((4, 6)), label="shape_proj")
    check(ei, r"\b6\b")
    with pytest.raises(snn.ConfigError, match="shape_proj2"):
        net.connect(a, b, np.ones((5, 4)), label="shape_proj2")


def test_sparse_matrix_of_wrong_shape():
    scipy_sparse = pytest.importorskip("scipy.sparse")
    net, a, b = two_pops(4, 5)
    with pytest.raises(snn.ConfigError, match="sp_shape"):
        net.connect(a, b, scipy_sparse.csr_matrix(np.ones((4, 7))), label="sp_shape")


def test_explicit_indices_out_of_range():
    net, a, b = two_pops(10, 8)
    with pytest.raises(snn.ConfigError, match="idx_proj") as ei:
        net.connect(a, b, (np.array([0, 10]), np.array([1, 2])), label="idx_proj")
    check(ei, r"\b10\b")
    with pytest.raises(snn.ConfigError, match="idx_post") as ei:
        net.connect(a, b, (np.array([0, 1]), np.array([1, 8])), label="idx_post")
    check(ei, r"\b8\b")
    with pytest.raises(snn.ConfigError, match="idx_neg") as ei:
        net.connect(a, b, (np.array([0, -1]), np.array([1, 2])), label="idx_neg")
    check(ei, r"-1")
    with pytest.raises(snn.ConfigError, match="idx_len"):
        net.connect(a, b, (np.array([0, 1, 2]), np.array([1, 2])), label="idx_len")


def test_weight_array_of_wrong_length():
    net, a, b = two_pops()
    with pytest.raises(snn.ConfigError, match="wlen") as ei:
        net.connect(a, b, ([0, 1, 2], [0, 1, 2]), weight=np.ones(4), label="wlen")
    check(ei, "weight", r"\b4\b")


# ---- inputs and recording --------------------------------------------------------------

def _bad_input(x, *patterns):
    """Validated when added or at the latest when the network runs."""
    net = snn.Network(dt=0.5, seed=1)
    pop = net.population(5, "regular_spiking", label="inp")
    with pytest.raises(snn.ConfigError, match="inp") as ei:
        net.input(pop, x)
        net.run(1.0, backend=BACKEND)
    check(ei, *patterns)


def test_input_array_of_wrong_shape():
    _bad_input(np.ones(4), r"\b4\b")
    _bad_input(np.ones((10, 6)), r"\b6\b")
    _bad_input(np.ones((10, 5, 1)), r"\bshape|dim")


def test_input_non_finite_or_bad_noise():
    _bad_input(NAN, "nan")
    a = np.ones((10, 5))
    a[3, 2] = INF
    _bad_input(a, "inf")
    _bad_input(snn.Noise(mean=0.0, std=-1.0), r"\bstd\b", r"-1")
    _bad_input(snn.Noise(mean=NAN, std=1.0), r"\bmean\b", "nan")


@pytest.mark.parametrize("rate, amplitude, what", [
    (-1.0, 1.0, "rate"), (float("nan"), 1.0, "rate"), (2001.0, 1.0, "rate"),
    (10.0, float("inf"), "amplitude"), ("fast", 1.0, "Pulses"), (10.0, None, "Pulses"),
])
def test_bad_pulses(rate, amplitude, what):
    net = snn.Network(dt=0.5)
    pop = net.population(4, "regular_spiking", label="cells")
    with pytest.raises(snn.ConfigError, match=what) as e:
        net.input(pop, snn.Pulses(rate=rate, amplitude=amplitude))
    assert "cells" in str(e.value)


def test_input_callable_wrong_shape_names_time():
    net = snn.Network(dt=0.5, seed=1)
    pop = net.population(5, "regular_spiking", label="callpop")
    net.input(pop, lambda t: np.ones(5) if t < 2.5 else np.ones(3))
    with pytest.raises(snn.ConfigError, match="callpop") as ei:
        net.run(10.0, backend=BACKEND)
    check(ei, r"2\.5|\b5\b", r"\b3\b")


def test_input_callable_nan_names_time():
    net = snn.Network(dt=0.5, seed=1)
    pop = net.population(5, "regular_spiking", label="nanpop")
    net.input(pop, lambda t: 1.0 if t < 3.5 else NAN)
    with pytest.raises(snn.ConfigError, match="nanpop") as ei:
        net.run(10.0, backend=BACKEND)
    check(ei, r"3\.5|\b7\b", "nan")


def test_unknown_record_variable():
    net = snn.Network(dt=0.5, seed=1)
    pop = net.population(5, "regular_spiking", label="recpop")
    with pytest.raises(snn.ConfigError, match=r"\bw\b"):
        net.run(1.0, record="w", backend=BACKEND)
    with pytest.raises(snn.ConfigError, match=r"\bspikes?x\b"):
        net.run(1.0, record=[snn.Trace("spikesx", pop)], backend=BACKEND)
    with pytest.raises(snn.ConfigError, match=r"recpop|\b5\b"):
        net.run(1.0, record=[snn.Trace("v", pop, neurons=[0, 5])], backend=BACKEND)
    with pytest.raises(snn.ConfigError, match=r"every|\b0\b"):
        net.run(1.0, record=[snn.Trace("v", pop, every=0)], backend=BACKEND)
    net.run(1.0, record="v", backend=BACKEND)


# ---- resources and numerical failures ---------------------------------------------------

MEMORY_SCRIPT = textwrap.dedent("""
    import resource, sys, time
    import numpy as np
    import snn
    # cap further address space at 6 GiB above what the imports reserved
    vm_kb = int([l.split()[1] for l in open("/proc/self/status") if l.startswith("VmSize")][0])
    limit = vm_kb * 1024 + (6 << 30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    net = snn.Network(dt=1.0, seed=1)
    a = net.population(10**6, "regular_spiking", label="big_a")
    b = net.population(10**6, "regular_spiking", label="big_b")
    t0 = time.time()
    try:
        net.connect(a, b, snn.AllToAll(), weight=0.1, label="huge")
        net.run(1.0, backend="cpu")
    except MemoryError as exc:
        print("MEMORYERROR:", exc)
    else:
        print("NO ERROR")
    print("SECONDS:", time.time() - t0)
    print("MAXRSS_KB:", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    net2 = snn.Network(dt=1.0, seed=1)
    p = net2.population(3, "regular_spiking", label="after")
    net2.input(p, 10.0)
    print("AFTER_SPIKES:", net2.run(100.0, backend="cpu")[p].n_spikes)
""")


def test_memory_error_before_allocation():
    """AllToAll between two populations of 10^6 neurons: 10^12 synapses, terabytes. The
    engine must refuse with MemoryError naming its estimate, before allocating. Run in a
    subprocess with an address-space limit so a failure cannot take the machine down."""
    proc = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT], capture_output=True,
                          text=True, timeout=300, cwd=os.path.dirname(__file__))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    m = re.search(r"MEMORYERROR: (.*)", out)
    assert m, out[-3000:]
    msg = m.group(1)
    assert re.search(r"\d", msg) and re.search(r"(?i)(bytes|[kmgtp]i?b\b)", msg), \
        f"the message should state the estimate: {msg!r}"
    assert float(re.search(r"SECONDS: (\S+)", out).group(1)) < 30
    assert int(re.search(r"MAXRSS_KB: (\d+)", out).group(1)) < 2 * 1024 * 1024
    assert int(re.search(r"AFTER_SPIKES: (\d+)", out).group(1)) > 0


def _first_nonfinite_steps(I_bad, dt, n_steps):
    r = ref.Network(dt)
    p = r.population(10, 0.02, 0.2, -65, 8)
    x = np.zeros(10)
    x[7] = I_bad
    r.input(p, x)
    out = r.run(n_steps)[0]
    bad_u = np.flatnonzero(~np.isfinite(out["u"][:, 7]))
    bad_v = np.flatnonzero(~np.isfinite(out["v"][:, 7]))
    first = min(bad_u[0] if bad_u.size else n_steps, bad_v[0] if bad_v.size else n_steps)
    last = bad_v[0] if bad_v.size else n_steps
    return int(first), int(last)


def test_simulation_error_names_population_neuron_and_step():
    dt = 0.1
    first, last = _first_nonfinite_steps(-1e38, dt, 20)
    assert first < last < 20
    net = snn.Network(dt=dt, seed=1)
    net.population(4, "regular_spiking", label="calm")
    pop = net.population(10, "regular_spiking", label="exploding")
    x = np.zeros(10)
    x[7] = -1e38
    net.input(pop, x)
    with pytest.raises(snn.SimulationError, match="exploding") as ei:
        net.run(5.0, backend=BACKEND)
    msg = str(ei.value)
    assert re.search(r"neuron\D{0,12}7\b", msg, re.I), msg
    m = re.search(r"step\D{0,12}(\d+)", msg, re.I)
    assert m, msg
    # the state is first non-finite at step `first` (u, or v before the peak clamp) and the
    # stored v at step `last`; a NaN v follows one step later
    assert first <= int(m.group(1)) <= last + 1, (first, last, msg)


def test_simulation_error_from_a_weight():
    """A voltage jump of 1e38 drives v to infinity."""
    dt = 0.5
    net = snn.Network(dt=dt, seed=1)
    src = net.population(1, "regular_spiking", label="src")
    dst = net.population(3, "regular_spiking", label="victim")
    net.input(src, 20.0)
    net.connect(src, dst, (np.array([0]), np.array([2])), weight=1e38,
                kernel=snn.Instant(target="v"), label="blast")
    with pytest.raises(snn.SimulationError, match="victim") as ei:
        net.run(100.0, backend=BACKEND)
    assert re.search(r"neuron\D{0,12}2\b", str(ei.value), re.I), str(ei.value)


def test_interpreter_alive_after_errors():
    # a batch of errors in a row ...
    for bad in (0.0, NAN):
        with pytest.raises(snn.ConfigError):
            net = snn.Network(dt=bad, seed=1)
            net.population(2, "regular_spiking", label="p")
            net.run(1.0, backend=BACKEND)
    net = snn.Network(dt=0.1, seed=1)
    pop = net.population(3, "regular_spiking", label="x")
    net.input(pop, np.array([0.0, 0.0, -1e38]))
    with pytest.raises(snn.SimulationError):
        net.run(2.0, backend=BACKEND)
    # ... then a fresh small network runs and is right
    tw = Twin(0.5, seed=2)
    p = tw.population(4, "chattering", label="ok")
    tw.input(p, np.array([5.0, 10.0, 15.0, 20.0]))
    res = tw.run(100.0, record="v")
    out = tw.reference().run(200, record=("v",))[0]
    assert out["spike_steps"].size > 0
    assert_same_spikes(res[p], out, "ok")
    assert_trace_close(res[p].v, out["v"], what="v")
