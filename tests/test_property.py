"""Property-based tests (hypothesis): random small networks against the NumPy reference, and
random invalid ones that must be refused.

Valid: random models (Izhikevich, the 2018 Izhikevich, LIF, LIFCond, Poisson and given-times
sources), sizes, parameters (scalars or per neuron), rules and matrices, weights, delays,
kernels, receptors and inputs, run in one or two parts on 1 or 2 threads: spikes and traces
equal the reference's (tests/reference.py, tests/reference_models.py) bit for bit, the
reference being built from what the engine built (``proj.synapses()``), as in
tests/test_models.py.

Invalid: a valid network with one value made hostile (non-finite, beyond float32 or the C++
integer types, of the wrong type or shape, out of range). Building and running it must raise
ConfigError or MemoryError; the cases run in a child process, so that a crash is a failure
and not the end of pytest.

The default run is small and derandomised (a few seconds, the same examples each time); the
tests marked slow (``--runslow`` or SNN_RUN_SLOW=1) run a deeper, random search: 400 valid
and 1000 invalid networks.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import reference_models as rm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference as ref
import snn

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ("poisson_source", "spike_source")
CURRENT = {"izhikevich": (-10.0, 15.0), "izhikevich_2018": (-10.0, 15.0), "lif": (-1.0, 3.0),
           "lif_cond": (-0.5, 1.0)}  # input and weight ranges into each model's current


def search(examples: int, derandomize: bool):
    """Hypothesis settings: derandomised for the fast default (the same examples each run),
    random for the deeper slow ones."""
    return settings(max_examples=examples, derandomize=derandomize, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---- random valid networks, as plain data -------------------------------------------------------

def values(draw, n, low, high, per_neuron=True):
    """A number, or (sometimes) one per neuron."""
    if per_neuron and draw(st.booleans()):
        return [draw(st.floats(low, high)) for _ in range(n)]
    return draw(st.floats(low, high))


@st.composite
def population(draw, dt):
    model = draw(st.sampled_from(["izhikevich", "izhikevich_2018", "lif", "lif_cond"] + list(SOURCES)))
    n = draw(st.integers(1, 12))
    p: dict = {}
    if model.startswith("izhikevich"):
        p = dict(a=values(draw, n, 0.01, 0.1), b=values(draw, n, 0.15, 0.3), c=values(draw, n, -70, -45),
                 d=values(draw, n, 0.05, 8), v0=values(draw, n, -75, -55))
        if model == "izhikevich":
            p.update(v_substeps=draw(st.integers(1, 3)), v_peak=draw(st.floats(25, 35)))
    elif model.startswith("lif"):
        p = dict(cm=values(draw, n, 0.1, 2), tau_m=values(draw, n, 5, 30), v_rest=-65.0,
                 v_reset=values(draw, n, -72, -60), v_thresh=values(draw, n, -56, -48),
                 tau_refrac=values(draw, n, 0, 5), i_offset=values(draw, n, 0, 1.5))
        if model == "lif_cond":
            p.update(e_rev_E=0.0, e_rev_I=draw(st.floats(-85, -70)))
    elif model == "poisson_source":
        p = dict(rate=values(draw, n, 0, 300))
    else:
        steps = st.lists(st.integers(0, 150), unique=True, max_size=6).map(sorted)
        p = dict(times=[[k * dt for k in draw(steps)] for _ in range(n)])
    return dict(model=model, n=n, params=p)


@st.composite
def kernel(draw, post_model, receptor):
    kinds = ["instant", "exp", "alpha", "sampled"] + (["jump"] if receptor is None else [])
    kind = draw(st.sampled_from(kinds))
    if kind in ("exp", "alpha"):
        return (kind, draw(st.floats(0.3, 10)))
    if kind == "sampled":
        return (kind, draw(st.floats(0.5, 5)), draw(st.floats(0.2, 6)))  # tau of tau / (tau + t), window
    return (kind,)


@st.composite
def weight(draw, low, high):
    kind = draw(st.sampled_from(["constant", "uniform", "normal"]))
    if kind == "constant":
        return ("constant", draw(st.floats(low, high)))
    a, b = sorted(draw(st.floats(low, high)) for _ in range(2))
    if kind == "uniform":
        return ("uniform", a, b)
    return ("normal", (a + b) / 2, (b - a) / 4, low, high)


@st.composite
def projection(draw, pops):
    targets = [i for i, p in enumerate(pops) if p["model"] not in SOURCES]
    pre, post = draw(st.integers(0, len(pops) - 1)), draw(st.sampled_from(targets))
    n_pre, n_post, model = pops[pre]["n"], pops[post]["n"], pops[post]["model"]
    receptor = None
    if model == "lif_cond":
        receptor = draw(st.sampled_from(["excitatory", "inhibitory", None]))
    k = draw(kernel(model, receptor))
    if model == "lif_cond" and receptor is None:
        k = ("jump",)  # into a conductance model, only voltage jumps come without a receptor
    if receptor is not None:
        low, high = 0.0, 0.08
    elif k[0] == "jump":
        low, high = -5.0, 8.0
    else:
        low, high = CURRENT[model]
    excl = pre == post and draw(st.booleans())
    rules = ["all", "probability", "in", "out", "dense", "explicit"] + (["one"] if n_pre == n_post else [])
    rule = draw(st.sampled_from(rules))
    if rule == "probability":
        rule = ("probability", draw(st.floats(0, 0.6)), not excl)
    elif rule == "in":
        rule = ("in", draw(st.integers(0, n_pre - excl)), not excl)
    elif rule == "out":
        rule = ("out", draw(st.integers(0, n_post - excl)), not excl)
    elif rule == "all":
        rule = ("all", not excl)
    elif rule == "dense":
        rule = ("dense", [[draw(st.floats(low, high)) if draw(st.booleans()) else 0.0 for _ in range(n_post)]
                          for _ in range(n_pre)])
    elif rule == "explicit":
        m = draw(st.integers(0, 15))
        rule = ("explicit", [draw(st.integers(0, n_pre - 1)) for _ in range(m)],
                [draw(st.integers(0, n_post - 1)) for _ in range(m)],
                [draw(st.floats(low, high)) for _ in range(m)], [draw(st.floats(0, 4)) for _ in range(m)])
    else:
        rule = ("one",)
    w = draw(weight(low, high)) if rule[0] not in ("dense", "explicit") else None
    d = None
    if rule[0] != "explicit":
        d = draw(st.one_of(st.floats(0, 4).map(lambda x: ("constant", x)),
                           st.tuples(st.floats(0, 2), st.floats(2, 4)).map(lambda x: ("uniform",) + x)))
    return dict(pre=pre, post=post, rule=rule, weight=w, delay=d, kernel=k, receptor=receptor)


@st.composite
def stimulus(draw, pop, steps):
    n, (low, high) = pop["n"], CURRENT[pop["model"]]
    kind = draw(st.sampled_from(["constant", "array", "callable", "poisson"]))
    if kind == "constant":
        return ("constant", values(draw, n, 0, high))
    if kind == "array":
        rows = draw(st.integers(1, steps))
        return ("array", [[draw(st.floats(low, high)) for _ in range(n)] for _ in range(rows)])
    if kind == "callable":
        return ("callable", draw(st.floats(0, high)), draw(st.floats(0, high)), draw(st.floats(1, 20)),
                draw(st.booleans()))
    target = draw(st.sampled_from(["I", "v"]))
    return ("poisson", draw(st.floats(0, 3000)), draw(st.floats(0, 2 if target == "v" else high / 4)), target)


@st.composite
def network(draw):
    dt = draw(st.sampled_from([0.1, 0.25, 0.5, 1.0]))
    pops = [draw(population(dt)) for _ in range(draw(st.integers(1, 4)))]
    steps = draw(st.integers(1, 150))
    projs, inputs = [], []
    if any(p["model"] not in SOURCES for p in pops):
        projs = [draw(projection(pops)) for _ in range(draw(st.integers(0, 5)))]
        for i, p in enumerate(pops):
            if p["model"] not in SOURCES:
                inputs += [(i, draw(stimulus(p, steps))) for _ in range(draw(st.integers(0, 2)))]
    return dict(dt=dt, seed=draw(st.integers(0, 2**64 - 1)), pops=pops, projs=projs, inputs=inputs,
                steps=steps, split=draw(st.integers(0, steps)), threads=draw(st.sampled_from([1, 2])))


# ---- building a network and its reference twin from the plain data ------------------------------

def snn_model(p):
    params = dict(p["params"])
    return {"izhikevich": snn.Izhikevich, "izhikevich_2018": snn.Izhikevich2018, "lif": snn.LIF,
            "lif_cond": snn.LIFCond, "poisson_source": snn.PoissonSource, "spike_source": snn.SpikeSource}[
        p["model"]](**params)


def reference_model(p, pop, dt, seed):
    n, params = p["n"], dict(p["params"])
    if p["model"] == "poisson_source":
        return rm.PoissonSource(n, dt, pop.parameters()["rate"], seed, pop.index)
    if p["model"] == "spike_source":
        return rm.SpikeSource(n, dt, params["times"])
    return {"izhikevich": rm.Izhikevich, "izhikevich_2018": rm.Izhikevich2018, "lif": rm.LIF,
            "lif_cond": rm.LIFCond}[p["model"]](n, dt, **params)


def kernels(k, reference=True):
    """(snn kernel, reference kernel or None)."""
    if k[0] in ("instant", "jump", "exp", "alpha"):
        make = {"instant": (snn.Instant, ref.Instant),
                "jump": (lambda: snn.Instant(target="v"), ref.InstantV),
                "exp": (snn.Exponential, ref.Exponential), "alpha": (snn.Alpha, ref.Alpha)}[k[0]]
        return make[0](*k[1:]), make[1](*k[1:]) if reference else None
    tau = k[1]

    def f(t):  # rational: the same IEEE operations on scalars and arrays
        return tau / (tau + t)

    return snn.Kernel(f, k[2]), ref.Sampled(f, k[2]) if reference else None


def distribution(spec):
    if spec is None:
        return None
    kind, *args = spec
    return {"constant": lambda x: x, "uniform": snn.Uniform, "normal": snn.Normal}[kind](*args)


def connectivity(rule):
    kind = rule[0]
    if kind == "all":
        return snn.AllToAll(allow_self=rule[1])
    if kind == "one":
        return snn.OneToOne()
    if kind == "probability":
        return snn.FixedProbability(rule[1], allow_self=rule[2])
    if kind == "in":
        return snn.FixedInDegree(rule[1], allow_self=rule[2])
    if kind == "out":
        return snn.FixedOutDegree(rule[1], allow_self=rule[2])
    if kind == "dense":
        return rule[1]  # nested lists, as a user may give them
    return tuple(rule[1:])


def stimuli(x, n):
    """(snn input, reference input)."""
    kind, *args = x
    if kind == "constant":
        value = np.array(args[0]) if isinstance(args[0], list) else args[0]
        return value, value
    if kind == "array":
        return np.array(args[0]), np.array(args[0])
    if kind == "poisson":
        rate, w, target = args
        return snn.PoissonInput(rate, w, target=target), ("poisson", rate, w, target)
    offset, amplitude, period, per_neuron = args
    spread = np.linspace(0.5, 1.0, n)

    def f(t):
        value = offset + amplitude * math.sin(t / period)
        return value * spread if per_neuron else value

    return f, f


def build(spec, record_variables=True):
    """The snn network, its reference twin and the populations, from the plain data."""
    dt, seed = spec["dt"], spec["seed"]
    net, r = snn.Network(dt=dt, seed=seed), ref.Network(dt, seed=seed)
    pops, rpops = [], []
    for i, p in enumerate(spec["pops"]):
        pop = net.population(p["n"], snn_model(p), label=f"p{i}")
        pops.append(pop)
        rpops.append(r.add(p["n"], reference_model(p, pop, dt, seed), label=f"p{i}"))
    for j in spec["projs"]:
        k_snn, k_ref = kernels(j["kernel"])
        kw = {} if j["weight"] is None else dict(weight=distribution(j["weight"]))
        if j["delay"] is not None:
            kw["delay"] = distribution(j["delay"])
        proj = net.connect(pops[j["pre"]], pops[j["post"]], connectivity(j["rule"]), kernel=k_snn,
                           receptor=j["receptor"], **kw)
        pre, post, w, _ = proj.synapses()
        r.connect(rpops[j["pre"]], rpops[j["post"]], pre, post, w, proj.delay_steps(), k_ref,
                  receptor=j["receptor"])
    for i, x in spec["inputs"]:
        x_snn, x_ref = stimuli(x, spec["pops"][i]["n"])
        net.input(pops[i], x_snn)
        r.input(rpops[i], x_ref)
    return net, r, pops


def recorded(pops):
    names = {v for p in pops for v in p.variables}
    return [v for v in ("v", "u", "refrac", "I", "g_E", "g_I") if v in names]


def check_against_reference(spec):
    net, r, pops = build(spec)
    record = recorded(pops)
    parts = [spec["split"], spec["steps"] - spec["split"]]
    got = {p.label: {"spike_steps": [], "spike_ids": [], **{v: [] for v in record}} for p in pops}
    want = {p.label: {"spike_steps": [], "spike_ids": [], **{v: [] for v in record}} for p in pops}
    for steps in parts:
        k0 = net.step
        try:
            res = net.run(steps * spec["dt"], record=record or None, threads=spec["threads"])
        except snn.SimulationError as e:  # a state became NaN or infinite: in the reference too
            k = int(re.search(r"at step (\d+)", str(e)).group(1))
            out = r.run(k - k0 + 1, record=tuple(record))
            state = [o[v][-1] for p, o in zip(pops, out) for v in ("v", "u", "refrac") if v in p.variables]
            assert not all(np.all(np.isfinite(x)) for x in state), f"the reference is finite at step {k}: {e}"
            return
        out = r.run(steps, record=tuple(record))
        for p, o in zip(pops, out):
            for field in ("spike_steps", "spike_ids"):
                got[p.label][field].append(getattr(res[p], field))
                want[p.label][field].append(o[field])
            for v in record:
                if v in p.variables:
                    got[p.label][v].append(res[p].traces[v])
                    want[p.label][v].append(o[v])
    for label in got:
        for field, chunks in got[label].items():
            if chunks:
                np.testing.assert_array_equal(np.concatenate(chunks), np.concatenate(want[label][field]),
                                              err_msg=f"{label}.{field}")


@search(25, derandomize=True)
@given(network())
def test_random_networks_match_the_reference(spec):
    check_against_reference(spec)


@pytest.mark.slow
@search(400, derandomize=False)
@given(network())
def test_random_networks_match_the_reference_deeper(spec):
    check_against_reference(spec)


# ---- random invalid networks ---------------------------------------------------------------------

NOT_A_NUMBER = [math.nan, math.inf, -math.inf, 1e39, -1e300, 10**400, "x", 1j]
BAD = {  # values that are wrong wherever they go (None is a default for parameters and weights)
    "dt": [0, -0.1, math.nan, math.inf, 1e-320, 1e39, 10**400, "0.1", None],
    "size": [0, -1, 2**31, 2**64, 10**30, 1.5, "3", None, True],
    "param": NOT_A_NUMBER,
    "positive_param": [0.0, -1.0] + NOT_A_NUMBER,
    "weight": NOT_A_NUMBER,
    "delay": [-1.0, -1e-3, 1e300, 5000.0, None] + NOT_A_NUMBER,
    "tau": [0.0, -1.0, 1e-300, math.nan, math.inf, -1e300, 10**400, "x", None, 1j],
    "probability": [-0.1, 1.5, math.nan, 10**400, "half", None],
    "degree": [-1, "big", 1.5, 2**64, 2**70, "one more than possible"],
    "input": [None, "wrong shape"] + NOT_A_NUMBER,
    "T": [-1.0, math.nan, math.inf, 1e30, 10**400, "1", None],
    "threads": [0, -1, 10**6, 2**40, 1.5, "2"],
    "record": [123, "w", "every 0", "neuron 2**63 + 1"],
}


@st.composite
def invalid_network(draw):
    """A valid network, a place in it and a number that picks what there and the bad value."""
    spec = draw(network())
    places = ["dt", "size", "param", "T", "threads", "record"]
    if spec["projs"]:
        places += ["weight", "delay", "tau"]
        if any(j["rule"][0] in ("probability", "in", "out") for j in spec["projs"]):
            places += ["rule"]
    if spec["inputs"]:
        places += ["input"]
    return spec, draw(st.sampled_from(places)), draw(st.integers(0, 2**32))


def pick(options, choice):
    return options[choice % len(options)], choice // len(options)


def corrupt(spec, where, choice):
    """The network with one hostile value at `where`: (spec, run arguments, what was done)."""
    spec = {**spec, "pops": [dict(p, params=dict(p["params"])) for p in spec["pops"]],
            "projs": [dict(j) for j in spec["projs"]], "inputs": list(spec["inputs"])}
    run = dict(T=spec["steps"] * spec["dt"], threads=spec["threads"], record=None)
    if where == "param":
        pops = [p for p in spec["pops"] if p["model"] != "spike_source"]
        if not pops:
            where = "size"
    if where == "rule":
        j, choice = pick([j for j in spec["projs"] if j["rule"][0] in ("probability", "in", "out")], choice)
        kind = "probability" if j["rule"][0] == "probability" else "degree"
    elif where == "param":
        p, choice = pick(pops, choice)
        name, choice = pick(sorted(p["params"]), choice)
        kind = "positive_param" if name in ("cm", "tau_m") else "param"
    else:
        kind = where
    value, choice = pick(BAD[kind], choice)
    if where == "dt":
        spec["dt"] = value
    elif where == "size":
        pick(spec["pops"], choice)[0]["n"] = value
    elif where == "param":
        p["params"][name] = value
    elif where in ("weight", "delay"):
        j = pick(spec["projs"], choice)[0]
        if j["rule"][0] == "explicit":
            pre, post, w, d = (list(x) for x in j["rule"][1:])
            if not pre:
                pre, post, w, d = [0], [0], [0.0], [0.0]
            (w if where == "weight" else d)[0] = value
            j["rule"] = ("explicit", pre, post, w, d)
        elif j["rule"][0] == "dense" and where == "weight":
            j["rule"] = ("dense", [[value] + row[1:] for row in j["rule"][1]])
        else:
            j[where] = ("constant", value)
    elif where == "tau":
        j = pick(spec["projs"], choice)[0]
        j["kernel"] = ("alpha" if value == 1e-300 else pick(["exp", "alpha"], choice)[0], value)
    elif where == "rule":
        if value == "one more than possible":
            value = spec["pops"][j["pre" if j["rule"][0] == "in" else "post"]]["n"] + 1
        j["rule"] = (j["rule"][0], value, j["rule"][2])
    elif where == "input":
        at, _ = pick(range(len(spec["inputs"])), choice)
        i = spec["inputs"][at][0]
        spec["inputs"][at] = (i, ("constant", [0.0] * (spec["pops"][i]["n"] + 1)) if value == "wrong shape"
                              else ("raw", value))
    elif where in ("T", "threads"):
        run[where] = value
    else:  # record
        label = f"p{pick(range(len(spec['pops'])), choice)[0]}"
        run["record"] = {123: 123, "w": "w", "every 0": [snn.Trace("v", label, every=0)],
                         "neuron 2**63 + 1": [snn.Trace("v", label, neurons=[2**63 + 1])]}[value]
    return spec, run, f"{where} = {value!r}"


def build_and_run(spec, run):
    """The snn side alone (raw hostile inputs are passed as they are)."""
    dt = spec["dt"]
    net = snn.Network(dt=dt, seed=spec["seed"])
    pops = [net.population(p["n"], snn_model(p), label=f"p{i}") for i, p in enumerate(spec["pops"])]
    for j in spec["projs"]:
        kw = {} if j["weight"] is None else dict(weight=distribution(j["weight"]))
        if j["delay"] is not None:
            kw["delay"] = distribution(j["delay"])
        net.connect(pops[j["pre"]], pops[j["post"]], connectivity(j["rule"]),
                    kernel=kernels(j["kernel"], reference=False)[0],
                    receptor=j["receptor"], **kw)
    for i, x in spec["inputs"]:
        net.input(pops[i], x[1] if x[0] == "raw" else stimuli(x, spec["pops"][i]["n"])[0])
    net.run(run["T"], record=run["record"], threads=run["threads"])


def check_refused(spec, where, choice):
    spec, run, what = corrupt(spec, where, choice)
    try:
        build_and_run(spec, run)
    except (snn.ConfigError, MemoryError):
        return
    except Exception as e:
        raise AssertionError(f"{what}: {type(e).__name__}: {e}") from e
    raise AssertionError(f"{what} was accepted")


def invalid_networks(max_examples: int, derandomize: bool) -> None:
    """Runs the invalid-network search here (in the child process)."""
    @search(max_examples, derandomize)
    @given(invalid_network())
    def refused(case):
        check_refused(*case)

    refused()


def search_invalid_in_a_child(examples: int, derandomize: bool) -> None:
    code = (f"import sys; sys.path.insert(0, {HERE!r}); import test_property as t; "
            f"t.invalid_networks({examples}, {derandomize})")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1200,
                          cwd=HERE)
    assert proc.returncode == 0, f"status {proc.returncode}:\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"


def test_random_invalid_networks_are_refused():
    search_invalid_in_a_child(80, derandomize=True)


@pytest.mark.slow
def test_random_invalid_networks_are_refused_deeper():
    search_invalid_in_a_child(1000, derandomize=False)
