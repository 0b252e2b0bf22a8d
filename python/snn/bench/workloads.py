"""The benchmark's workloads: each a network spec that snn, Brian2 and NEST all build.

A spec is plain JSON-able data (so the peers' interpreter can read it without snn):

* ``dt`` (ms); for Izhikevich neurons ``v_substeps``, ``v0`` (mV), ``v_peak`` (mV);
* ``populations``: ``label``, ``n`` and either ``preset`` (a name :meth:`snn.Network.population`
  knows) or ``a, b, c, d`` (numbers or one value per neuron): Izhikevich neurons; or
  ``model`` ``"lif"`` (snn.LIF) or ``"lif_cond"`` (snn.LIFCond) with every parameter of
  :data:`.peer_worker.LIF_PARAMS` (PyNN's names and units: ms, mV, nF, nA, µS; numbers,
  one value per neuron, or ``["uniform", low, high]``: drawn per neuron, see :func:`resolved`);
  the peers take one neuron model for the whole network;
* ``projections``: ``pre``, ``post``, ``rule`` (``all_to_all``, ``fixed_in_degree`` or
  ``fixed_out_degree`` with ``k``; distinct partners, self-connections allowed; or
  ``fixed_probability`` with ``p``, each pair independently), ``weight`` (``["const", w]``,
  ``["uniform", low, high]`` or ``["normal", mean, std]``), ``delay`` in steps (``["const",
  D]`` or ``["uniform_int", low, high]``, both ends included) and the synapse: ``target``
  (``"I"``: current for one step, ``"v"``: a jump of v) or ``kernel`` (``["instant_v"]``: a
  jump of v, ``["exponential", tau]``: current (nA) or, into ``lif_cond``, conductance (µS)
  ``w exp(-m dt / tau)`` in the m-th step from arrival), into ``lif_cond`` a
  ``receptor`` (``"excitatory"`` or ``"inhibitory"``, weights >= 0), and optionally a
  ``plasticity``: ``{"rule": "stdp"}`` with every field of snn.STDP (``tau_plus``,
  ``tau_minus`` ms, ``a_plus``, ``a_minus``, ``w_min``, ``w_max``, ``weight_dependence``),
  pair-based STDP with the delay dendritic (docs/numerics.md, "Plasticity");
* ``inputs``: ``pop`` and ``kind`` ``constant`` (``value``), ``noise`` (``mean``, ``std``:
  a fresh draw per neuron and step), ``pulses`` (``rate_hz``, ``amplitude``: one-step
  current pulses, ``n * rate_hz * dt / 1000`` random neurons per step, see snn.Pulses) or
  ``poisson_input`` (``rate_hz``, ``weight``, ``target`` ``"I"`` or ``"v"``: per neuron and
  step a Poisson count of mean ``rate_hz * dt / 1000`` times ``weight``, see
  snn.PoissonInput);
* ``weights`` (sparse_delays and stdp): ``"one"`` or ``"per-synapse"``, the variant
  (:attr:`Workload.weight_options`) its projections' weights were made for.

Add a workload with :func:`register`; ``python -m snn.bench`` lists what is registered. The
LIF workloads are in :mod:`.lif_workloads`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _specs
from .._network import Network
from .peer_worker import LIF_PARAMS

Spec = dict[str, Any]


@dataclass(frozen=True)
class Workload:
    """A named network family: ``spec(n)`` gives the network of ``n`` neurons."""

    name: str
    summary: str
    details: str  # the exact parameters, shown by --help
    sizes: tuple[int, ...]  # default N
    t_ms: float  # default simulated time
    spec: Callable[[int], Spec] | None  # None: a fixed script (SCRIPTED), snn only
    warmup_ms: float = 0.0  # simulated, untimed and not counted, before the measured t_ms
    baseline: str | None = None  # the same network without what this one adds, to compare
    weight_options: tuple[str, ...] = ()  # what --weights may choose, the default first

    def make(self, n: int, weights: str | None = None) -> Spec:
        """``spec(n)``, with ``weights`` (one of :attr:`weight_options`) where it has them."""
        if not self.weight_options:
            return self.spec(n)
        weights = weights or self.weight_options[0]
        if weights not in self.weight_options:
            raise ValueError(f"{self.name} takes --weights {' or '.join(self.weight_options)}, "
                             f"got {weights!r}")
        return self.spec(n, weights=weights)


WORKLOADS: dict[str, Workload] = {}

#: Workloads that are planned but cannot be built yet, with the reason (shown by --help).
UNAVAILABLE: dict[str, str] = {}


def register(workload: Workload) -> Workload:
    WORKLOADS[workload.name] = workload
    UNAVAILABLE.pop(workload.name, None)
    return workload


def _network(name: str, n: int, dt: float, v_substeps: int, populations, projections, inputs) -> Spec:
    return dict(name=name, n=n, dt=dt, v_substeps=v_substeps, v0=-65.0, v_peak=30.0,
                populations=populations, projections=projections, inputs=inputs)


def _split(n: int) -> tuple[int, int]:
    """80 % excitatory, 20 % inhibitory."""
    if n < 2:
        raise ValueError(f"a network with excitatory and inhibitory neurons needs n >= 2, got {n}")
    n_exc = max(1, n * 4 // 5)
    return n_exc, n - n_exc


def seed_dense(n: int) -> Spec:
    return _network(
        "seed_dense", n, 0.1, 1,
        [{"label": "rs", "n": n, "preset": "regular_spiking"}],
        [{"pre": "rs", "post": "rs", "rule": "all_to_all", "weight": ["normal", 0.0, 1.0],
          "delay": ["const", 1], "target": "v"}],
        [{"pop": "rs", "kind": "constant", "value": 5.0}])


def izh2003(n: int) -> Spec:
    n_exc, n_inh = _split(n)
    projections = []
    sources = (("exc", n_exc, 800, ["uniform", 0.0, 0.5]), ("inh", n_inh, 200, ["uniform", -1.0, 0.0]))
    for pre, size, k, w in sources:
        rule = {"rule": "all_to_all"} if k >= size else {"rule": "fixed_in_degree", "k": k}
        for post in ("exc", "inh"):
            projections.append({"pre": pre, "post": post, **rule, "weight": w, "delay": ["const", 1],
                                "target": "I"})
    return _network(
        "izh2003", n, 1.0, 2,
        [{"label": "exc", "n": n_exc, "preset": "izhikevich2003_excitatory"},
         {"label": "inh", "n": n_inh, "preset": "izhikevich2003_inhibitory"}],
        projections,
        [{"pop": "exc", "kind": "noise", "mean": 0.0, "std": 5.0},
         {"pop": "inh", "kind": "noise", "mean": 0.0, "std": 2.0}])


#: sparse_delays' weights: one per projection (6 and -5), or per synapse within 1% of them.
WEIGHT_OPTIONS = ("one", "per-synapse")
PER_SYNAPSE_SPREAD = 0.01


def _weight(w: float, weights: str) -> list:
    if weights == "one":
        return ["const", w]
    lo, hi = sorted(round(w * (1 + s * PER_SYNAPSE_SPREAD), 12) for s in (-1, 1))  # 5.94, not 5.9399999...
    return ["uniform", lo, hi]


def sparse_delays(n: int, weights: str = "one") -> Spec:
    n_exc, n_inh = _split(n)
    m = 100  # outgoing synapses per neuron
    k_ee = min(n_exc, m * n_exc // n)
    k_ei = min(n_inh, m - k_ee)
    exc = {"weight": _weight(6.0, weights), "delay": ["uniform_int", 1, 20], "target": "I"}
    spec = _network(
        "sparse_delays", n, 1.0, 2,
        [{"label": "exc", "n": n_exc, "preset": "regular_spiking"},
         {"label": "inh", "n": n_inh, "preset": "fast_spiking"}],
        [{"pre": "exc", "post": "exc", "rule": "fixed_out_degree", "k": k_ee, **exc},
         {"pre": "exc", "post": "inh", "rule": "fixed_out_degree", "k": k_ei, **exc},
         {"pre": "inh", "post": "exc", "rule": "fixed_out_degree", "k": min(m, n_exc),
          "weight": _weight(-5.0, weights), "delay": ["const", 1], "target": "I"}],
        [{"pop": p, "kind": "pulses", "rate_hz": 1.0, "amplitude": 20.0} for p in ("exc", "inh")])
    return dict(spec, weights=weights)


register(Workload(
    "seed_dense", "N regular-spiking neurons, all-to-all voltage jumps", """\
N regular-spiking neurons (a=0.02, b=0.2, c=-65, d=8), v0=-65 mV, u0=b*v0, v_peak=30 mV;
all-to-all including self-connections, weights N(0, 1) mV added to the target's v on
arrival (a voltage jump), delay one step; constant input current 5; dt=0.1 ms, one forward
Euler step for v, then u with the new v.""", (1000, 10_000), 1000.0, seed_dense))

register(Workload(
    "izh2003", "Izhikevich's 2003 network (dense at N=1000, in-degree 1000 above)", """\
Izhikevich (2003): 80% excitatory (a=0.02, b=0.2, c=-65+15r^2, d=8-6r^2), 20% inhibitory
(a=0.02+0.08r, b=0.25-0.05r, c=-65, d=2), r ~ U(0,1) per neuron; v0=-65, u0=b*v0.
Weights U(0, 0.5) from excitatory and U(-1, 0) from inhibitory sources, current for one
step, delay 1 ms; thalamic noise 5*N(0,1) (exc) and 2*N(0,1) (inh) per neuron and ms;
dt=1 ms, v by two 0.5 ms Euler half-steps, then u. N <= 1000: all-to-all (self included).
N > 1000: fixed in-degree 1000 per target: 800 excitatory and 200 inhibitory sources drawn
without repeats (mean rate stays near 7.5 Hz).""", (1000, 10_000), 1000.0, izh2003))

register(Workload(
    "sparse_delays", "Izhikevich's 2006 polychronization network, no plasticity", """\
Izhikevich (2006) without STDP: 80% regular-spiking excitatory (a=0.02, b=0.2, c=-65,
d=8), 20% fast-spiking inhibitory (a=0.1, b=0.2, c=-65, d=2); 100 outgoing synapses per
neuron to distinct targets: excitatory to 80 excitatory and 20 inhibitory, weight +6,
delays uniform over 1..20 ms; inhibitory to 100 excitatory only, weight -5, delay 1 ms;
weights are current for one step, one per projection (--weights one: each simulator's
shortcut, snn's one-weight storage, Brian2's literal, NEST's static_synapse_hom_w) or,
with --weights per-synapse, drawn per synapse uniformly within 1% of 6 and -5. Input:
current 20 for one step to N/1000 random neurons per ms, 1 Hz per neuron (snn.Pulses:
one neuron per ms at N=1000, as in the original; the peers draw each neuron
independently with probability 1 Hz * dt, the same rate). dt=1 ms, v by two 0.5 ms
half-steps, then u.""",
    (1000, 100_000), 1000.0, sparse_delays, weight_options=WEIGHT_OPTIONS))

#: The stdp workload's rule: Izhikevich's (2006) scale (w_max 10, LTP 0.1, LTD 0.12, 20 ms),
#: applied to every pair at once instead of through his daily ``sd`` consolidation.
STDP_RULE = dict(rule="stdp", tau_plus=20.0, tau_minus=20.0, a_plus=0.1, a_minus=0.12, w_min=0.0, w_max=10.0,
                 weight_dependence="additive")


def stdp(n: int, weights: str = "one") -> Spec:
    spec = sparse_delays(n, weights)
    projections = [dict(pr, plasticity=dict(STDP_RULE)) if pr["pre"] == "exc" else pr
                   for pr in spec["projections"]]
    return dict(spec, name="stdp", projections=projections)


register(Workload(
    "stdp", "sparse_delays with STDP on its excitatory synapses", """\
sparse_delays (all its parameters above) with pair-based STDP (snn.STDP, NEST's
stdp_synapse) on the excitatory synapses, to excitatory and inhibitory targets: all-to-all
pairing through exponential traces, tau_plus = tau_minus = 20 ms, additive, a_plus 0.1,
a_minus 0.12, weights from 6 clipped to [0, 10]; the delay is dendritic: a pair is t =
t_post + D - t_pre, t > 0 adds a_plus exp(-t/tau_plus), t < 0 subtracts a_minus
exp(t/tau_minus), t = 0 nothing. Inhibitory synapses stay static. 1000 ms simulated first
(warm-up, --warmup-ms), then t ms measured; mean_weight: the mean final weight of the
plastic synapses (NEST's with the potentiation it defers to each synapse's next pre spike
applied, mean_weight_as_read without). snn's sparse_delays (the baseline) is measured
after it with the same size, threads, warm-up and --weights, for the cost of plasticity.""",
    (1000, 10_000, 100_000), 1000.0, stdp, warmup_ms=1000.0, baseline="sparse_delays",
    weight_options=WEIGHT_OPTIONS))

#: Workloads of a fixed size that time a script rather than build a spec: snn only (the
#: peers have no model of them), measured by :func:`.runner.measure_basal_ganglia`.
SCRIPTED: dict[str, Workload] = {"basal_ganglia": Workload(
    "basal_ganglia", "the old library's basal ganglia example through snn.network (snn only)", """\
python/snn/examples/basal_ganglia.py as the old script: seven Izhikevich nuclei, 3,800
neurons, 24 all-to-all projections (3.5 million synapses once zero weights are left out)
with delays and sampled decay kernels over 100- and 500-step windows, Gaussian input to
the cortex drawn by NumPy each step; dt=0.2 ms; v, u and I recorded (snn.network.simulate).
Fixed size (--n is ignored); build_s = script (weights, nuclei, connect) + build_izhi,
run_s = simulate, split by part in the JSON line (script_s, build_izhi_s, simulate_s and
native_run_s, the engine's run inside simulate); events count each spike once per synapse
of its source that it reaches within the run (not per step of the kernel's window).""",
    (3800,), 1000.0, None)}

# --------------------------------------------------------------------------- snn


def _is_draw(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 3 and value[0] == "uniform"


def resolved(spec: Spec, seed: int) -> Spec:
    """The spec with its per-neuron draws made: a population value ``["uniform", low, high]``
    (the LIF workloads' v0) becomes ``n`` values U(low, high) from NumPy's generator of
    ``seed``, rounded to float32 as snn stores them: the exact values snn builds and the
    peers copy. Specs without draws come back unchanged."""
    rng = np.random.default_rng(seed)
    pops = [{k: rng.uniform(v[1], v[2], p["n"]).astype(np.float32).tolist() if _is_draw(v) else v
             for k, v in p.items()} for p in spec["populations"]]
    return dict(spec, populations=pops)


def _distribution(value: list, dt: float | None = None) -> Any:
    """A spec's weight, or its delay in steps when ``dt`` is given, for snn (ms)."""
    kind, *p = value
    if kind == "const":
        return p[0] if dt is None else p[0] * dt
    if kind == "uniform_int":  # U((lo - 0.5) dt, (hi + 0.5) dt) rounds to lo..hi steps, evenly
        return _specs.Uniform((p[0] - 0.5) * dt, (p[1] + 0.5) * dt)
    return _specs.Uniform(p[0], p[1]) if kind == "uniform" else _specs.Normal(p[0], p[1])


def _rule(pr: dict) -> Any:
    if pr["rule"] == "all_to_all":
        return _specs.AllToAll()
    if pr["rule"] == "fixed_probability":
        return _specs.FixedProbability(pr["p"])
    return (_specs.FixedInDegree if pr["rule"] == "fixed_in_degree" else _specs.FixedOutDegree)(pr["k"])


def _kernel(pr: dict) -> Any:
    if "kernel" not in pr:
        return _specs.Instant(target=pr["target"])
    kind, *arg = pr["kernel"]
    return _specs.Exponential(arg[0]) if kind == "exponential" else _specs.Instant(target="v")


def _plasticity(pr: dict) -> Any:
    rule = dict(pr.get("plasticity") or {})
    if not rule:
        return None
    if rule.pop("rule") != "stdp":
        raise ValueError(f"the bench builds STDP only, got plasticity {pr['plasticity']}")
    return _specs.STDP(**rule)


def _input(x: dict) -> Any:
    if x["kind"] == "constant":
        return x["value"]
    if x["kind"] == "noise":
        return _specs.Noise(x["mean"], x["std"])
    if x["kind"] == "poisson_input":
        from .. import PoissonInput  # issue 11's engine

        return PoissonInput(x["rate_hz"], x["weight"], target=x["target"])
    return _specs.Pulses(x["rate_hz"], x["amplitude"])


def _population(net: Network, spec: Spec, p: dict) -> Any:
    if "model" in p:
        from .. import LIF, LIFCond  # issue 11's engine: only the LIF workloads need it

        model = {"lif": LIF, "lif_cond": LIFCond}[p["model"]]
        params = {k: np.asarray(p[k], np.float64) if isinstance(p[k], list) else p[k]
                  for k in LIF_PARAMS[p["model"]]}
        return net.population(p["n"], model(**params), label=p["label"])
    params = {k: p[k] for k in "abcd" if k in p}
    return net.population(p["n"], p.get("preset"), label=p["label"], v0=spec["v0"], v_peak=spec["v_peak"],
                          v_substeps=spec["v_substeps"], **params)


def build(spec: Spec, seed: int = 1) -> Network:
    """The spec as an snn network, through the native rules (draws made by :func:`resolved`)."""
    spec = resolved(spec, seed)
    net = Network(dt=spec["dt"], seed=seed)
    pops = {p["label"]: _population(net, spec, p) for p in spec["populations"]}
    for pr in spec["projections"]:
        receptor = {"receptor": pr["receptor"]} if "receptor" in pr else {}
        net.connect(pops[pr["pre"]], pops[pr["post"]], _rule(pr), weight=_distribution(pr["weight"]),
                    delay=_distribution(pr["delay"], spec["dt"]), kernel=_kernel(pr),
                    plasticity=_plasticity(pr), **receptor)
    for x in spec["inputs"]:
        net.input(pops[x["pop"]], _input(x))
    return net


def family(spec: Spec) -> str:
    """``"lif"`` for a spec of LIF populations, ``"izhikevich"`` otherwise."""
    return "lif" if any("model" in p for p in spec["populations"]) else "izhikevich"


def with_parameters(spec: Spec, net: Network) -> Spec:
    """The spec with each population's exact parameters as snn built them, for the peers to
    build the same neurons: LIF populations with their draws made (:func:`resolved`, the
    seed of ``net``); Izhikevich ones with a, b, c, d as snn drew them (numbers where all
    neurons share a value)."""
    if family(spec) == "lif":
        return resolved(spec, net.seed)
    out = dict(spec, populations=[])
    for p, pop in zip(spec["populations"], net.populations):
        params = pop.parameters()
        q = {k: v for k, v in p.items() if k != "preset"}
        for k in "abcd":
            a = np.asarray(params[k], np.float64)
            q[k] = float(a[0]) if np.all(a == a[0]) else a.tolist()
        out["populations"].append(q)
    return out
