"""The benchmark's networks in Brian2 and NEST, run in the peers' own interpreter.

    PEER_PYTHON peer_worker.py TASK.json          # prints one line: PEER_RESULT {...}

The peers need an older NumPy than snn, so they live in their own virtual environment and
this file runs there as a plain script: at module level it imports only the standard
library and NumPy, and never snn. snn's bench imports the helpers it shares with the peers
(:func:`delivered_events`, the memory probes) from here, so each is written once.

A task is JSON: ``{"task": "bench" | "latency" | "stdp_pairs" | "synapse_weights", "sim": "brian2" | "nest",
"mode": "standalone" | "runtime", "threads", "repeat", "warmup_ms", "t_ms", "workdir",
"spec"}``; ``spec`` is the network as :mod:`snn.bench.workloads` describes it (populations
with their exact parameters, projections, inputs, dt, v_substeps). ``warmup_ms`` is
simulated first, untimed; spikes and events count from its end. A bench task is one
repeat (the bench starts a fresh process for each), but for Brian2's standalone mode:
``repeat`` runs of its binary, each a process of its own, compiled once. ``build_rss`` is
the growth of resident memory over the build (before any spike is recorded), as snn's.

Timing conventions, so that both peers do what snn does in the same steps:

* snn: a spike at step ``k`` through a delay of ``D`` steps is felt as current in step
  ``k + D`` (or, for ``target="v"``, added to ``v`` just before that step's integration).
* Brian2 delivers a spike in the ``synapses`` slot of its own step ``k`` when the delay is
  0, after the neurons were updated: a delay of ``(D - 1) dt`` into an accumulator that the
  next update consumes gives snn's timing exactly.
* NEST's ``izhikevich`` adds a spike's weight to ``V_m`` at the end of the step it arrives
  in, after the threshold test; a spike sent in step ``k`` with delay ``d`` arrives in step
  ``k + d/dt``. A one-step current ``w`` under Izhikevich's scheme and NEST's jump ``w`` at
  the end of the same step move ``v`` alike, so current synapses get NEST delay ``D dt``
  (hence Brian2's ``d`` matches NEST's ``d + dt``); voltage jumps get ``(D - 1) dt``, at
  least NEST's minimum of one step. :func:`latency` measures this with three neurons.
* LIF models (``cuba``, ``coba``, ``brunel``) are written idiomatically in each peer:
  Brian2 equations (``exact``, or ``exponential_euler`` for conductances) with ``(unless
  refractory)``, NEST's ``iaf_psc_exp``, ``iaf_cond_exp`` and ``iaf_psc_delta``. Brian2
  again takes ``(D - 1) dt``: a synaptic variable (or ``v``) changed in step ``k + D - 1``'s
  synapses slot acts in step ``k + D``'s integration, as snn's arrival does. NEST's
  ``iaf_psc_exp`` and ``iaf_cond_exp`` add an arriving weight to the synaptic current or
  conductance after the step's integration, so it acts one step after arrival: NEST delay
  ``(D - 1) dt`` (D >= 2); ``iaf_psc_delta`` adds it to ``V_m`` in the arrival step, before
  the threshold test: ``D dt``. Refractoriness: snn and NEST hold v for ``R =
  round(tau_refrac / dt)`` steps after the spike step and discard input to v meanwhile;
  Brian2 counts its refractory period from the start of the spike step, so it gets
  ``(R + 1) dt`` (its ``unless refractory`` also discards jumps of v, one step longer than
  NEST and snn). :func:`latency` checks delays and the hold (:func:`latency_steps`).
* STDP (a projection's ``plasticity``; snn.STDP, additive, w_min = 0 for NEST): the delay
  is dendritic, so a pair is ``t = t_post + D - t_pre`` (steps, spike steps as reported),
  as snn's docs/numerics.md and NEST's ``stdp_synapse`` define it; ``t = 0`` changes
  nothing. NEST: ``stdp_synapse`` with ``lambda = a_plus / w_max``, ``alpha = a_minus /
  a_plus``, ``mu_plus = mu_minus = 0``, ``Wmax = w_max``, the target's ``tau_minus``; it
  applies the potentiation by post spikes only at the synapse's next pre spike, so the
  weights it reports at the end lack what the post spikes since each synapse's last pre
  spike owe (:func:`deferred_potentiation` adds it: ``mean_weight``; as read:
  ``mean_weight_as_read``). Brian2: three pathways. ``pre`` delivers the weight, delay
  ``(D - 1) dt`` as for static synapses; ``stdp``, delay 0, depresses at the spike by the
  post trace and adds it to the pre trace; ``on_post``, delay ``D dt``, is the post spike
  reaching the synapse: potentiation by the pre trace, then the post trace. In a step the
  post pathway runs first, then ``stdp``, then ``pre`` (``order``), and the depression
  leaves out a post spike that reached the synapse in the same step, so that pairs at
  ``t = 0`` change nothing and a potentiation and a depression of the same step come in
  snn's and NEST's order. One difference remains: Brian2's ``pre`` pathway delivers the
  weight as it is on arrival, snn and NEST the weight as the spike left (for D > 1 they
  differ by the changes during the delay). :func:`stdp_pairs` checks both peers on given
  spike trains.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

# --------------------------------------------------------------------------- shared helpers


def rss_bytes(field: str = "VmRSS") -> int:
    """Resident memory of this process now (``VmRSS``) or at its peak (``VmHWM``), bytes."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak_rss() -> None:
    """Restarts the kernel's peak-RSS count (``VmHWM``) from the current RSS, where Linux
    allows it; elsewhere the peak stays the process's lifetime peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def measured(spike_steps, spike_ids, first: int):
    """The spikes from step ``first`` on (the end of a warm-up), steps counted from there."""
    spike_steps, spike_ids = np.asarray(spike_steps, np.int64), np.asarray(spike_ids, np.int64)
    keep = spike_steps >= first
    return spike_steps[keep] - first, spike_ids[keep]


def deferred_potentiation(rule, dt, steps, spike_steps, spike_ids):
    """What NEST's ``stdp_synapse`` owes at the end of a run of ``steps`` steps (all
    neurons' spikes, ids in one array): it potentiates only at a synapse's next pre spike,
    for the post spikes that reached it since. Returns ``owed(pre, post, delay)``: per
    synapse (ids, delay in steps) ``a_plus`` times the sum over its target's spikes ``p``
    with ``l < p + d <= steps - 1`` of ``K exp(-(p + d - l) dt / tau_plus)``, ``l`` its
    source's last spike and ``K`` the pre trace just after it (all-to-all: 1 per spike);
    additive STDP: NEST's weight plus this, clipped at w_max, is snn's."""
    c = dt / rule["tau_plus"]
    spike_steps, spike_ids = np.asarray(spike_steps, np.int64), np.asarray(spike_ids, np.int64)
    n = int(spike_ids.max(initial=-1)) + 1
    last = np.full(n + 1, -1, np.int64)  # [n]: neurons that never spiked
    np.maximum.at(last, spike_ids, spike_steps)
    trace = np.bincount(spike_ids, np.exp(-(last[spike_ids] - spike_steps) * c), minlength=n + 1)
    keys = np.sort(spike_ids * steps + spike_steps)  # by neuron, then step

    def owed(pre, post, delay):
        pre, post, delay = (np.asarray(a, np.int64) for a in (pre, post, delay))
        lp = last[np.minimum(pre, n)]
        # the target's spikes with lp - d < p <= steps - 1 - d (bounds kept in its own range)
        lo = np.searchsorted(keys, post * steps + np.maximum(lp - delay, -1), "right")
        hi = np.searchsorted(keys, post * steps + np.maximum(steps - 1 - delay, -1), "right")
        count = np.where(lp >= 0, np.maximum(hi - lo, 0), 0)
        syn = np.repeat(np.arange(pre.size), count)
        at = lo[syn] + np.arange(syn.size) - np.repeat(np.cumsum(count) - count, count)
        age = keys[at] - post[syn] * steps + delay[syn] - lp[syn]
        x = trace[pre[syn]] * np.exp(-age * c)
        return rule["a_plus"] * np.bincount(syn, x, minlength=pre.size)

    return owed


def dense_events(spike_steps, steps: int, n_post: int, delay: int) -> int:
    """:func:`delivered_events` for a projection from every source to all ``n_post``
    targets through one delay (steps), without listing its synapses."""
    return n_post * int(np.count_nonzero(np.asarray(spike_steps) + delay < steps))


def delivered_events(spike_steps, spike_ids, syn_pre, syn_delay, steps: int) -> int:
    """Synaptic events delivered within a run of ``steps`` steps: for each spike (step ``s``
    of source ``i``), the synapses of ``i`` whose delay ``D`` (steps) brings it to a step
    ``s + D < steps``. ``syn_delay`` may be one number for all synapses."""
    spike_steps = np.asarray(spike_steps, np.int64)
    spike_ids = np.asarray(spike_ids, np.int64)
    syn_pre = np.asarray(syn_pre, np.int64)
    if syn_pre.size == 0 or spike_ids.size == 0:
        return 0
    n_pre = int(max(syn_pre.max(), spike_ids.max())) + 1
    total = int(np.bincount(syn_pre, minlength=n_pre)[spike_ids].sum())
    delay = np.broadcast_to(np.asarray(syn_delay, np.int64), syn_pre.shape)
    d_max = int(delay.max())
    tail = spike_steps + d_max >= steps  # spikes with synapses arriving after the run
    if not tail.any():
        return total
    keys = np.sort(syn_pre * (d_max + 1) + delay)
    lim = steps - 1 - spike_steps[tail]  # the longest delay still arriving in the run
    base = spike_ids[tail] * (d_max + 1)
    late = np.searchsorted(keys, base + d_max, "right") - np.searchsorted(keys, base + lim, "right")
    return total - int(late.sum())


# --------------------------------------------------------------------------- the network spec


#: The parameters of a LIF population in a spec, every one given (snn.LIF / snn.LIFCond
#: names and units: nF, ms, mV, nA; a number or one value per neuron).
LIF_PARAMS = {"lif": ("cm", "tau_m", "v_rest", "v_reset", "v_thresh", "tau_refrac", "i_offset", "v0")}
LIF_PARAMS["lif_cond"] = LIF_PARAMS["lif"] + ("e_rev_E", "e_rev_I")


def lif_model(spec):
    """``"lif"`` or ``"lif_cond"`` for a spec of LIF populations (the peers take one model
    for the whole network), None for Izhikevich neurons."""
    models = {p.get("model") for p in spec["populations"]}
    if len(models) != 1:
        raise ValueError(f"the peers build one neuron model per network, got {sorted(map(str, models))}")
    return models.pop()


def population_slices(spec):
    """(label, first, stop) of each population in one array of all neurons."""
    out, first = [], 0
    for p in spec["populations"]:
        out.append((p["label"], first, first + p["n"]))
        first += p["n"]
    return out


def per_neuron(spec, key, default=0.0):
    """A parameter of every neuron (populations give a number or a list), as one array."""
    return np.concatenate([np.broadcast_to(np.asarray(p.get(key, default), np.float64), (p["n"],))
                           for p in spec["populations"]])


def input_columns(spec):
    """Per-neuron constant current, noise std, pulse probability and pulse amplitude."""
    n = sum(p["n"] for p in spec["populations"])
    cols = {k: np.zeros(n) for k in ("I0", "sigma", "pulse_p", "pulse_amp")}
    where = {label: slice(a, b) for label, a, b in population_slices(spec)}
    for x in spec["inputs"]:
        s = where[x["pop"]]
        if x["kind"] == "constant":
            cols["I0"][s] += x["value"]
        elif x["kind"] == "noise":
            cols["I0"][s] += x.get("mean", 0.0)
            cols["sigma"][s] = np.hypot(cols["sigma"][s], x["std"])
        elif x["kind"] == "pulses":
            cols["pulse_p"][s] = x["rate_hz"] * spec["dt"] / 1000.0
            cols["pulse_amp"][s] = x["amplitude"]
        else:
            raise ValueError(f"unknown input kind {x['kind']!r}")
    return cols


# --------------------------------------------------------------------------- Brian2


def _brian_value(values):
    """A literal when all neurons share the value, else None (a per-neuron constant)."""
    return repr(float(values[0])) if np.all(values == values[0]) else None


def _brian_parameters(columns):
    """(names to declare as per-neuron constants, {name: a literal or the name})."""
    declared = [k for k, values in columns.items() if _brian_value(values) is None]
    return declared, {k: _brian_value(values) or k for k, values in columns.items()}


def additive_stdp(rule):
    """A projection's plasticity if the peers build it: additive snn.STDP with w_min = 0."""
    if rule["rule"] != "stdp" or rule["weight_dependence"] != "additive" or rule["w_min"] != 0:
        raise ValueError(f"the peers build additive STDP with w_min = 0 only, got {rule}")
    return rule


def _brian_stdp(rule, deliver):
    """Brian2 model, on_pre and on_post of STDP with snn's dendritic delay, the weight
    delivered by ``deliver`` (module docstring)."""
    r = additive_stdp(rule)

    def clip(change):
        return f"w = clip(w {change}, {r['w_min']!r}, {r['w_max']!r})"

    model = (f"w : 1\ndapre/dt = -apre / ({r['tau_plus']!r} * ms) : 1 (event-driven)\n"
             f"dapost/dt = -apost / ({r['tau_minus']!r} * ms) : 1 (event-driven)\ntpost : second")
    # a post spike that reached the synapse in this step (its pathway ran first) is left out
    on_pre = {"pre": deliver, "stdp": clip(f"- {r['a_minus']!r} * (apost - int(tpost == t))") + "\napre += 1"}
    return model, on_pre, clip(f"+ {r['a_plus']!r} * apre") + "\napost += 1\ntpost = t"


def _brian_synapses(b2, sub_of, j, pr, var, dt):
    """Projection ``j``: Synapses adding the weight to ``var`` of the target, delay (D - 1) dt;
    with STDP (``plasticity``) as the module's docstring says, delays set by brian_connect."""
    kind, *wp = pr["weight"]
    rule = pr.get("plasticity")
    const_w = kind == "const" and not rule
    on_pre = f"{var}_post += {wp[0]!r}" if const_w else f"{var}_post += w"
    dkind, *dp = pr["delay"]
    delay = {"pre": (dp[0] - 1) * dt * b2.ms} if dkind == "const" else {}
    model, kw = "" if const_w else "w : 1 (constant)", {}
    if rule:
        model, on_pre, kw["on_post"] = _brian_stdp(rule, on_pre)
        delay["stdp"] = 0 * b2.ms
        if dkind == "const":
            delay["post"] = dp[0] * dt * b2.ms
        else:  # D per synapse for both delayed pathways
            model += "\nd_steps : integer (constant)"
    S = b2.Synapses(sub_of[pr["pre"]], sub_of[pr["post"]], model, on_pre=on_pre, delay=delay, name=f"syn{j}",
                    **kw)
    if rule:  # in a step: the post spikes reaching the synapses, the pre spikes' STDP, delivery
        S.post.order, S.stdp.order = -3, -2
    return S


def brian_build(b2, spec, record_v=False):
    """The network as Brian2 objects; returns (objects for a Network: the group and any
    inputs, spike monitor, [(Synapses, projection)], v monitor or None)."""
    if lif_model(spec):
        return brian_lif_build(b2, spec, record_v)
    dt, sub = spec["dt"], spec["v_substeps"]
    n = sum(p["n"] for p in spec["populations"])
    columns = {k: per_neuron(spec, k) for k in "abcd"}
    columns.update(input_columns(spec))
    declared, literal = _brian_parameters(columns)
    targets = {pr["target"] for pr in spec["projections"]}
    eqs = ["v : 1", "u : 1"] + [f"{k} : 1 (constant)" for k in declared]
    eqs += [f"{acc} : 1" for acc, t in (("Isyn", "I"), ("Vjump", "v")) if t in targets]
    # One step of snn's scheme (docs/numerics.md): jumps, input of this step, v by
    # v_substeps Euler substeps, then u with the new v. Brian2 has already reset the
    # neurons that spiked (its resets slot ends the step they spiked in).
    code = ["v += Vjump", "Vjump = 0"] if "v" in targets else []
    terms = []
    if float(np.max(np.abs(columns["I0"]))) > 0:
        terms.append(literal["I0"])
    if float(np.max(columns["sigma"])) > 0:
        terms.append(f"{literal['sigma']} * randn()")
    if float(np.max(columns["pulse_p"])) > 0:
        terms.append(f"{literal['pulse_amp']} * int(rand() < {literal['pulse_p']})")
    if "I" in targets:
        terms.append("Isyn")
    code.append(f"I = {' + '.join(terms) or '0'}")
    if "I" in targets:
        code.append("Isyn = 0")
    h = dt / sub
    code += [f"v += {h!r} * (0.04 * v**2 + 5 * v + 140 - u + I)"] * sub
    code.append(f"u += {dt!r} * {literal['a']} * ({literal['b']} * v - u)")
    G = b2.NeuronGroup(n, "\n".join(eqs), threshold=f"v >= {spec['v_peak']!r}",
                       reset=f"v = {literal['c']}; u += {literal['d']}", name="neurons")
    for k in declared:
        setattr(G, k, columns[k])
    G.v = spec["v0"]
    G.u = columns["b"] * spec["v0"]
    G.run_regularly("\n".join(code), when="groups", name="izhikevich_step")
    mon = b2.SpikeMonitor(G, name="spikes")
    sub_of = {label: G[a:b] for label, a, b in population_slices(spec)}
    syns = [(_brian_synapses(b2, sub_of, j, pr, "Isyn" if pr["target"] == "I" else "Vjump", dt), pr)
            for j, pr in enumerate(spec["projections"])]
    vmon = b2.StateMonitor(G, "v", record=True, when="end", name="vmon") if record_v else None
    return [G], mon, syns, vmon


#: Brian2 names of the LIF parameters (snn's "cm" is Brian2's centimetre).
BRIAN_LIF_NAMES = {"cm": "C", "tau_m": "tau", "v_rest": "E_L", "v_reset": "V_r", "v_thresh": "V_th",
                   "i_offset": "I_0", "e_rev_E": "E_E", "e_rev_I": "E_I"}
POISSON_SOURCE_P = 1e-3  # PoissonInput: sources firing with at most this chance per step


def brian_lif_build(b2, spec, record_v=False):
    """:func:`brian_build` for LIF networks, written as a Brian2 user would: v ``(unless
    refractory)``, one decaying variable per (receptor, tau) of the exponential synapses
    (current in nA or conductance in uS), jumps of v straight into v, PoissonInput."""
    model, dt = lif_model(spec), spec["dt"]
    n = sum(p["n"] for p in spec["populations"])
    columns = {b: per_neuron(spec, k) for k, b in BRIAN_LIF_NAMES.items() if k in LIF_PARAMS[model]}
    # Brian2 counts the refractory period from the start of the spike step (module docstring)
    columns["t_ref"] = (np.rint(per_neuron(spec, "tau_refrac") / dt) + 1) * dt
    declared, lit = _brian_parameters(columns)
    channels = {}  # (receptor, tau) -> variable
    for pr in spec["projections"]:
        if pr["kernel"][0] == "exponential":
            channels.setdefault((pr.get("receptor"), pr["kernel"][1]), f"s{len(channels)}")
    if model == "lif":
        terms = list(channels.values())
    else:
        rev = {"excitatory": lit["E_E"], "inhibitory": lit["E_I"]}
        terms = [f"{s} * ({rev[r]} - v)" for (r, _), s in channels.items()]
    if np.any(columns["I_0"] != 0):
        terms.append(lit["I_0"])
    current = f" + ({' + '.join(terms)}) / ({lit['C']} * ms)" if terms else ""
    eqs = [f"dv/dt = ({lit['E_L']} - v) / ({lit['tau']} * ms){current} : 1 (unless refractory)"]
    eqs += [f"d{s}/dt = -{s} / ({tau!r} * ms) : 1" for (_, tau), s in channels.items()]
    eqs += [f"{k} : 1 (constant)" for k in declared]
    G = b2.NeuronGroup(n, "\n".join(eqs), threshold=f"v >= {lit['V_th']}", reset=f"v = {lit['V_r']}",
                       refractory=f"{lit['t_ref']} * ms", name="neurons",
                       method="exact" if model == "lif" else "exponential_euler")
    for k in declared:
        setattr(G, k, columns[k])
    G.v = per_neuron(spec, "v0")
    mon = b2.SpikeMonitor(G, name="spikes")
    sub_of = {label: G[a:b] for label, a, b in population_slices(spec)}
    objects = [G]
    for x in spec["inputs"]:
        if (x["kind"], x.get("target")) != ("poisson_input", "v"):
            raise ValueError(f"the peers' LIF networks take Poisson jumps of v only, got input {x}")
        n_src = max(1, int(np.ceil(x["rate_hz"] * dt / 1000.0 / POISSON_SOURCE_P)))
        rate = x["rate_hz"] / n_src * b2.Hz
        objects.append(b2.PoissonInput(sub_of[x["pop"]], "v", n_src, rate, x["weight"]))
    syns = []
    for j, pr in enumerate(spec["projections"]):
        kind, *tau = pr["kernel"]
        syns.append((_brian_synapses(b2, sub_of, j, pr, "v" if kind == "instant_v" else
                                     channels[(pr.get("receptor"), tau[0])], dt), pr))
    # sampled after the integration, before threshold and jumps: v as snn's trace shows it
    vmon = b2.StateMonitor(G, "v", record=True, when="before_thresholds", name="vmon") if record_v else None
    return objects, mon, syns, vmon


def brian_connect(syns, dt):
    for S, pr in syns:
        rule = pr["rule"]
        if rule == "all_to_all":
            S.connect()
        elif rule == "fixed_probability":
            S.connect(p=pr["p"])
        elif rule == "fixed_out_degree":
            S.connect(j=f"k for k in sample(N_post, size={pr['k']})")
        elif rule == "fixed_in_degree":
            S.connect(i=f"k for k in sample(N_pre, size={pr['k']})")
        else:
            raise ValueError(f"unknown rule {rule!r}")
        kind, *wp = pr["weight"]
        if kind == "uniform":
            S.w = f"{wp[0]!r} + {wp[1] - wp[0]!r} * rand()"
        elif kind == "normal":
            S.w = f"{wp[0]!r} + {wp[1]!r} * randn()"
        elif "plasticity" in pr:
            S.w = wp[0]
        dkind, *dp = pr["delay"]
        if "plasticity" in pr:
            S.tpost = "-1 * second"  # no post spike yet
        if dkind == "uniform_int" and "plasticity" in pr:  # D uniform in lo..hi steps
            S.d_steps = f"{dp[0]} + int({dp[1] - dp[0] + 1} * rand())"
            S.pre.delay = f"(d_steps - 1) * {dt!r} * ms"
            S.post.delay = f"d_steps * {dt!r} * ms"
        elif dkind == "uniform_int":  # D uniform in lo..hi steps; Brian2 delay (D - 1) dt
            S.delay = f"({dp[0] - 1} + floor({dp[1] - dp[0] + 1} * rand())) * {dt!r} * ms"


def projection_events(spec, pr, spike_steps, ids, steps, synapses) -> int:
    """Events delivered through projection ``pr``, given the spikes of all neurons (ids in
    one array of all populations) and ``synapses()`` -> (source index in ``pre``, delay in
    steps), called only when the projection is not all-to-all with one delay."""
    where = {label: (lo, hi) for label, lo, hi in population_slices(spec)}
    lo, hi = where[pr["pre"]]
    sel = (ids >= lo) & (ids < hi)
    if pr["rule"] == "all_to_all" and pr["delay"][0] == "const":
        n_post = where[pr["post"]][1] - where[pr["post"]][0]
        return dense_events(spike_steps[sel], steps, n_post, pr["delay"][1])
    return delivered_events(spike_steps[sel], ids[sel] - lo, *synapses(), steps)


def brian_spikes(b2, spec, mon):
    """(steps, ids) of the spikes Brian2's monitor recorded."""
    return np.rint(np.asarray(mon.t / b2.ms) / spec["dt"]).astype(np.int64), np.asarray(mon.i[:])


def brian_figures(b2, spec, mon, syns, task):
    """Spikes, synapses, events and the plastic synapses' mean weight of the measured run."""
    dt, first = spec["dt"], round(task.get("warmup_ms", 0.0) / spec["dt"])
    spike_steps, ids = measured(*brian_spikes(b2, spec, mon), first)
    out = dict(spikes=int(ids.size), n_synapses=int(sum(len(s) for s, _ in syns)),
               events=brian_events(b2, spec, spike_steps, ids, syns, round(task["t_ms"] / dt)))
    plastic = [np.asarray(S.w[:]) for S, pr in syns if "plasticity" in pr]
    if plastic:
        out["mean_weight"] = float(np.concatenate(plastic).mean())
    return out


def brian_events(b2, spec, spike_steps, ids, syns, steps):
    dt = spec["dt"]

    def synapses(S):  # Brian2's delay d is snn's d / dt + 1 steps
        delay = np.rint(np.asarray(S.delay[:] / b2.ms) / dt).astype(np.int64) + 1
        return np.asarray(S.i[:]), delay

    return sum(projection_events(spec, pr, spike_steps, ids, steps, lambda S=S: synapses(S))
               for S, pr in syns)


#: C++ put at the start of the standalone binary's main (before its arrays are made) and
#: before its first network run: the build's time and growth of resident memory (VmRSS).
BRIAN_START_PROBE = """\
struct timespec _bb0, _bb1; clock_gettime(CLOCK_MONOTONIC, &_bb0);
auto _bb_rss = []() { std::ifstream f("/proc/self/status"); std::string k; long kb = 0;
                      while (f >> k) if (k == "VmRSS:") { f >> kb; break; } return kb * 1024; };
const long _bb_rss0 = _bb_rss();"""
BRIAN_BUILD_PROBE = (
    "clock_gettime(CLOCK_MONOTONIC, &_bb1); std::cout << \"BENCH_BUILD \" << "
    "((_bb1.tv_sec - _bb0.tv_sec) + 1e-9 * (_bb1.tv_nsec - _bb0.tv_nsec)) << \" \" << "
    "(_bb_rss() - _bb_rss0) << std::endl;")


def brian_standalone(task):
    import brian2 as b2

    spec, t_ms, threads = task["spec"], task["t_ms"], task["threads"]
    variant = f"_{spec['weights']}" if "weights" in spec else ""
    directory = os.path.join(task["workdir"], f"brian2_{spec['name']}{variant}_{spec['n']}_t{threads}")
    rss_file = os.path.join(directory, "peak_rss")
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0 if threads == 1 else threads
    # The binary runs under this script's --rss wrapper, which writes its peak RSS.
    b2.prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, os.path.abspath(__file__),
                                                    "--rss", rss_file, "./main"]
    b2.defaultclock.dt = spec["dt"] * b2.ms
    b2.seed(task["seed"])
    b2.device.insert_code("before_start", BRIAN_START_PROBE)
    objects, mon, syns, _ = brian_build(b2, spec)
    brian_connect(syns, spec["dt"])
    b2.device.insert_code("before_network_run", BRIAN_BUILD_PROBE)
    net = b2.Network(*objects, mon, *[s for s, _ in syns])
    if task.get("warmup_ms"):
        net.run(task["warmup_ms"] * b2.ms)
    net.run(t_ms * b2.ms)  # the last run: the one Brian2 times
    t0 = time.perf_counter()
    b2.device.build(directory=directory, compile=True, run=False, clean=True)
    compile_s = time.perf_counter() - t0
    builds, runs, peaks, growth = [], [], [], []
    for _ in range(task["repeat"]):  # each run of the binary is a fresh process
        b2.device.run(directory=directory, with_output=False)
        with open(os.path.join(b2.device.results_dir, "stdout.txt")) as f:
            _, build_s, build_rss = next(ln for ln in f if ln.startswith("BENCH_BUILD")).split()
        builds.append(float(build_s))
        growth.append(int(build_rss))
        runs.append(b2.device._last_run_time)
        with open(rss_file) as f:
            peaks.append(int(f.read()))
    return dict(build_s=builds, run_s=runs, compile_s=compile_s, peak_rss=max(peaks), build_rss=growth,
                **brian_figures(b2, spec, mon, syns, task), version=b2.__version__,
                note="build = binary's array setup and synapse creation; compile once")


def brian_runtime(task):
    """One repeat (the bench runs each in a fresh process): build, warm-up, timed run."""
    import brian2 as b2

    spec, t_ms = task["spec"], task["t_ms"]
    b2.prefs.codegen.target = "cython"
    b2.prefs.codegen.runtime.cython.cache_dir = os.path.join(task["workdir"], "brian2_cython_cache")
    b2.defaultclock.dt = spec["dt"] * b2.ms
    b2.seed(task["seed"])
    base = rss_bytes()
    t0 = time.perf_counter()
    objects, mon, syns, _ = brian_build(b2, spec)
    brian_connect(syns, spec["dt"])
    net = b2.Network(*objects, mon, *[s for s, _ in syns])
    net.run(0 * b2.ms)  # generates, compiles (or loads from the cache) every code object
    build_s, build_rss = time.perf_counter() - t0, rss_bytes() - base
    if task.get("warmup_ms"):
        net.run(task["warmup_ms"] * b2.ms)
    t0 = time.perf_counter()
    net.run(t_ms * b2.ms)
    run_s = time.perf_counter() - t0
    return dict(build_s=[build_s], run_s=[run_s], build_rss=[build_rss], peak_rss=rss_bytes("VmHWM"),
                **brian_figures(b2, spec, mon, syns, task), version=b2.__version__,
                note="single-threaded (Cython); build includes code generation")


# --------------------------------------------------------------------------- NEST


def _nest_izhikevich(nest, spec):
    """Izhikevich neurons and their inputs: (neurons, NEST weight of a projection, delay
    shift 0: NEST delay = snn's D steps, the module's docstring)."""
    dt, n = spec["dt"], sum(p["n"] for p in spec["populations"])
    if spec["v_substeps"] not in (1, 2):
        raise ValueError("NEST's izhikevich integrates v in one step or two half-steps")
    cols = input_columns(spec)
    a, b, c, d = (per_neuron(spec, k) for k in "abcd")
    pop = nest.Create("izhikevich", n)
    # consistent_integration=False is Izhikevich's published scheme (two v half-steps, then
    # u with the new v); True is one Euler step for both (u with the old v).
    pop.set(a=a, b=b, c=c, d=d, V_m=np.full(n, spec["v0"]), U_m=b * spec["v0"], V_th=spec["v_peak"],
            I_e=cols["I0"], consistent_integration=spec["v_substeps"] == 1)
    for _label, lo, hi in population_slices(spec):
        sigma, prob = cols["sigma"][lo], cols["pulse_p"][lo]
        if sigma > 0:  # an independent draw per target and step
            noise = nest.Create("noise_generator", params={"mean": 0.0, "std": sigma, "dt": dt})
            nest.Connect(noise, pop[lo:hi], syn_spec={"delay": dt})
        if prob > 0:  # Poisson spikes per target; the jump stands for a one-step current
            gen = nest.Create("poisson_generator", params={"rate": prob * 1000.0 / dt})
            nest.Connect(gen, pop[lo:hi], syn_spec={"weight": cols["pulse_amp"][lo], "delay": dt})
    return pop, lambda pr: nest_weight(nest, pr["weight"]), 0


def nest_lif_model(spec):
    """The NEST model of a LIF spec: iaf_cond_exp; iaf_psc_exp (exponential currents) or
    iaf_psc_delta (jumps of v, or no synapses)."""
    if lif_model(spec) == "lif_cond":
        return "iaf_cond_exp"
    kernels = {pr["kernel"][0] for pr in spec["projections"]}
    if len(kernels) > 1:
        raise ValueError(f"NEST has no LIF model taking both kinds of synapse {sorted(kernels)}")
    return "iaf_psc_exp" if kernels == {"exponential"} else "iaf_psc_delta"


#: snn's delay in steps minus NEST's, per model (the module's docstring).
NEST_DELAY_SHIFT = {"iaf_psc_exp": 1, "iaf_cond_exp": 1, "iaf_psc_delta": 0}


def nest_port(pr):
    """``"ex"`` or ``"in"``: the receptor of a projection, or the sign of its weights."""
    if "receptor" in pr:
        return "ex" if pr["receptor"] == "excitatory" else "in"
    kind, *wp = pr["weight"]
    if kind in ("const", "uniform") and min(wp) >= 0:
        return "ex"
    if kind in ("const", "uniform") and max(wp) <= 0:
        return "in"
    raise ValueError(f"NEST needs one sign of weight per projection for its ports, got {pr['weight']}")


def _nest_lif(nest, spec):
    """LIF neurons (nA -> pA, nF -> pF, uS -> nS) and their Poisson inputs: (neurons, NEST
    weight of a projection, delay shift)."""
    model, dt = nest_lif_model(spec), spec["dt"]
    c = {k: per_neuron(spec, k) for k in LIF_PARAMS[lif_model(spec)]}
    params = dict(C_m=c["cm"] * 1e3, E_L=c["v_rest"], V_reset=c["v_reset"], V_th=c["v_thresh"],
                  t_ref=c["tau_refrac"], I_e=c["i_offset"] * 1e3, V_m=c["v0"])
    if model == "iaf_cond_exp":
        params.update(g_L=c["cm"] / c["tau_m"] * 1e3, E_ex=c["e_rev_E"], E_in=c["e_rev_I"])
    else:
        params["tau_m"] = c["tau_m"]
    where = {label: slice(lo, hi) for label, lo, hi in population_slices(spec)}
    taus = {}  # (post population, port) -> tau_syn: NEST has one per port and neuron
    for pr in spec["projections"]:
        if pr["kernel"][0] == "exponential":
            tau = taus.setdefault((pr["post"], nest_port(pr)), pr["kernel"][1])
            if tau != pr["kernel"][1]:
                raise ValueError(f"NEST's {model} has one tau_syn_{nest_port(pr)} per neuron; projections "
                                 f"into {pr['post']!r} ask for {tau} and {pr['kernel'][1]} ms")
    for (post, port), tau in taus.items():
        key = f"tau_syn_{port}"
        params.setdefault(key, np.full(len(c["cm"]), nest.GetDefaults(model)[key]))[where[post]] = tau
    pop = nest.Create(model, len(c["cm"]))
    pop.set(**params)
    for x in spec["inputs"]:
        if (x["kind"], x.get("target"), model) != ("poisson_input", "v", "iaf_psc_delta"):
            raise ValueError(f"NEST takes Poisson jumps of v into iaf_psc_delta only, got input {x}")
        gen = nest.Create("poisson_generator", params={"rate": x["rate_hz"]})  # independent per target
        nest.Connect(gen, pop[where[x["pop"]]], syn_spec={"weight": x["weight"], "delay": dt})
    # pA, nS (NEST's inhibitory conductances are negative weights) or mV
    scale = {"iaf_psc_exp": lambda pr: 1e3, "iaf_psc_delta": lambda pr: 1.0,
             "iaf_cond_exp": lambda pr: 1e3 if nest_port(pr) == "ex" else -1e3}[model]
    return pop, lambda pr: nest_weight(nest, pr["weight"], scale(pr)), NEST_DELAY_SHIFT[model]


def nest_weight(nest, value, scale=1.0):
    """A spec's weight for NEST, times ``scale``."""
    kind, *wp = value
    if kind == "const":
        return wp[0] * scale
    if kind == "uniform":
        return nest.random.uniform(*sorted((wp[0] * scale, wp[1] * scale)))
    return nest.random.normal(wp[0] * scale, wp[1] * abs(scale))


def nest_delay(nest, value, dt, shift):
    """A spec's delay of D steps as NEST's delay (D - shift) dt, ms."""
    dkind, *dp = value
    lo = dp[0] - shift
    if lo < 1:
        raise ValueError(f"a delay of {dp[0]} steps is {lo} steps in NEST, below its minimum of one")
    return lo * dt if dkind == "const" else (lo + nest.random.uniform_int(dp[1] - dp[0] + 1)) * dt


def nest_conn(pr):
    """A spec's rule as NEST's conn_spec."""
    if pr["rule"] == "all_to_all":
        return {"rule": "all_to_all", "allow_autapses": True}
    if pr["rule"] == "fixed_probability":
        return {"rule": "pairwise_bernoulli", "p": pr["p"], "allow_autapses": True}
    key = {"fixed_in_degree": "indegree", "fixed_out_degree": "outdegree"}[pr["rule"]]
    return {"rule": "fixed_" + key, key: pr["k"], "allow_autapses": True, "allow_multapses": False}


def nest_stdp(rule):
    """NEST's stdp_synapse for a projection's plasticity (module docstring)."""
    r = additive_stdp(rule)
    return {"synapse_model": "stdp_synapse", "tau_plus": r["tau_plus"], "lambda": r["a_plus"] / r["w_max"],
            "alpha": r["a_minus"] / r["a_plus"], "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": r["w_max"]}


def nest_synapse_model(pr):
    """NEST's synapse model for a projection: stdp_synapse with plasticity, else
    static_synapse_hom_w where all its synapses have one weight (NEST's shortcut, as snn
    stores one weight for them), else static_synapse."""
    if "plasticity" in pr:
        return "stdp_synapse"
    return "static_synapse_hom_w" if pr["weight"][0] == "const" else "static_synapse"


def nest_synapse(nest, pr, weight, name):
    """syn_spec (without the delay) of a projection with NEST weight ``weight``; a
    homogeneous weight goes into a copy of static_synapse_hom_w called ``name``."""
    model = nest_synapse_model(pr)
    if model == "stdp_synapse":
        return {**nest_stdp(pr["plasticity"]), "weight": weight}
    if model == "static_synapse_hom_w":
        nest.CopyModel(model, name, {"weight": weight})
        return {"synapse_model": name}
    return {"synapse_model": model, "weight": weight}


def nest_build(nest, spec, record_v=False):
    """The network in NEST; returns (all neurons, spike recorder, (pre, post, delay shift:
    snn's D minus NEST's steps) of each projection, number of synapses, multimeter or None)."""
    dt = spec["dt"]
    pop, weight, shift = (_nest_lif if lif_model(spec) else _nest_izhikevich)(nest, spec)
    sub = {label: pop[lo:hi] for label, lo, hi in population_slices(spec)}
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    projs, before, tau_minus = [], nest.num_connections, {}
    for j, pr in enumerate(spec["projections"]):
        if "plasticity" in pr:  # NEST keeps the post trace's tau_minus in the target neuron
            tau = pr["plasticity"]["tau_minus"]
            if tau_minus.setdefault(pr["post"], tau) != tau:
                raise ValueError(f"NEST has one tau_minus per neuron; plastic projections into "
                                 f"{pr['post']!r} ask for {tau_minus[pr['post']]} and {tau} ms")
            sub[pr["post"]].set(tau_minus=tau)
        syn = nest_synapse(nest, pr, weight(pr), f"static_synapse_hom_w_bench_{j}")
        nest.Connect(sub[pr["pre"]], sub[pr["post"]], nest_conn(pr),
                     {**syn, "delay": nest_delay(nest, pr["delay"], dt, shift)})
        projs.append((sub[pr["pre"]], sub[pr["post"]], shift))
    n_syn = nest.num_connections - before
    vmon = None
    if record_v:
        vmon = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": dt})
        nest.Connect(vmon, pop)
    return pop, rec, projs, n_syn, vmon


def nest_spike_steps(rec, first_id, dt):
    ev = rec.get("events")
    # NEST stamps a spike of step k at the step's end, (k + 1) dt.
    return np.rint(np.asarray(ev["times"]) / dt).astype(np.int64) - 1, np.asarray(ev["senders"]) - first_id


def nest_blocks(nest, pre, post, keys, n_syn):
    """The connections from ``pre`` to ``post`` as {key: array}, in blocks of sources
    (NEST's connection lists are large)."""
    block = max(1, 200_000 * len(pre) // max(1, n_syn))
    for lo in range(0, len(pre), block):
        got = nest.GetConnections(pre[lo:min(lo + block, len(pre))], post).get(keys)
        yield {k: np.atleast_1d(np.asarray(got[k])) for k in keys}


def nest_mean_weights(nest, spec, projs, n_syn, steps, spikes, first_id):
    """The plastic synapses' mean weight after a run of ``steps`` steps with ``spikes``
    (steps, ids from ``first_id``): as NEST reports it, and with the potentiation it owes
    (:func:`deferred_potentiation`) added, clipped at w_max."""
    read = total = count = 0.0
    for pr, (pre, post, _) in zip(spec["projections"], projs):
        if "plasticity" not in pr:
            continue
        owed = deferred_potentiation(pr["plasticity"], spec["dt"], steps, *spikes)
        for got in nest_blocks(nest, pre, post, ["source", "target", "delay", "weight"], n_syn):
            w = got["weight"].astype(np.float64)
            d = np.rint(got["delay"] / spec["dt"]).astype(np.int64)
            owes = owed(got["source"] - first_id, got["target"] - first_id, d)
            w_now = np.minimum(w + owes, pr["plasticity"]["w_max"])
            read, total, count = read + w.sum(), total + w_now.sum(), count + w.size
    return total / count, read / count


def nest_run(task):
    """One repeat (the bench runs each in a fresh process): build, warm-up, timed run."""
    import nest

    nest.set_verbosity("M_ERROR")
    spec, t_ms = task["spec"], task["t_ms"]
    dt = spec["dt"]
    nest.ResetKernel()
    nest.resolution = dt
    nest.local_num_threads = task["threads"]
    nest.rng_seed = task["seed"]
    base = rss_bytes()
    t0 = time.perf_counter()
    pop, rec, projs, n_syn, _ = nest_build(nest, spec)
    nest.Prepare()  # NEST finishes its connection tables here
    build_s, build_rss = time.perf_counter() - t0, rss_bytes() - base
    if task.get("warmup_ms"):
        nest.Run(task["warmup_ms"])
    t0 = time.perf_counter()
    nest.Run(t_ms)
    run_s = time.perf_counter() - t0
    nest.Cleanup()
    peak = rss_bytes("VmHWM")
    steps, first = round(t_ms / dt), round(task.get("warmup_ms", 0.0) / dt)
    all_steps, all_ids = nest_spike_steps(rec, pop[0].global_id, dt)
    spike_steps, ids = measured(all_steps, all_ids, first)

    def synapses(pre, post, shift):
        got = list(nest_blocks(nest, pre, post, ["source", "delay"], n_syn))
        return (np.concatenate([g["source"] for g in got]).astype(np.int64) - pre[0].global_id,
                np.concatenate([np.rint(g["delay"] / dt).astype(np.int64) + shift for g in got]))  # snn's D

    events = sum(projection_events(spec, pr, spike_steps, ids, steps, lambda p=p: synapses(*p))
                 for pr, p in zip(spec["projections"], projs))
    out = dict(build_s=[build_s], run_s=[run_s], build_rss=[build_rss], peak_rss=peak, spikes=int(ids.size),
               n_synapses=n_syn, events=events, version=nest.__version__,
               note="build = Create + Connect + Prepare; one-weight projections static_synapse_hom_w")
    if any("plasticity" in pr for pr in spec["projections"]):
        out["mean_weight"], out["mean_weight_as_read"] = nest_mean_weights(
            nest, spec, projs, n_syn, first + steps, (all_steps, all_ids), pop[0].global_id)
    return out


# --------------------------------------------------------------------------- latency check


def latency_steps(spec, v, spike):
    """The figure of a latency case, from v (rows source, target, twin; sample j after step
    j) and the source's first spike step: the steps from that spike to the target's first
    sample off its twin's or, for ``"measure": "refractory"``, to the source's first sample
    after the spike off v_reset (R + 1 for v held R steps after the spike step)."""
    if spec.get("measure") == "refractory":
        off = np.flatnonzero(v[0, spike + 1:] != spec["populations"][0]["v_reset"])
        return int(off[0]) + 1 if off.size else None
    differ = np.flatnonzero(v[1] != v[2])
    return int(differ[0]) - spike if differ.size else None


def latency(task):
    """For each case (target "I" or "v", delay in steps) of a three-neuron network (a source
    driven to spike, a target it excites, an unconnected twin of the target), the steps from
    the source's first spike to the first step after which target and twin differ."""
    out = []
    for spec in task["specs"]:
        if task["sim"] == "brian2":
            import brian2 as b2

            b2.start_scope()
            b2.prefs.codegen.target = "numpy"
            b2.defaultclock.dt = spec["dt"] * b2.ms
            objects, mon, syns, vmon = brian_build(b2, spec, record_v=True)
            brian_connect(syns, spec["dt"])
            b2.Network(*objects, mon, vmon, *[s for s, _ in syns]).run(spec["t_ms"] * b2.ms)
            spike = int(np.rint(mon.t[0] / b2.ms / spec["dt"]))
            v = np.asarray(vmon.v)  # (neurons, samples); sample j after step j
        else:
            import nest

            nest.set_verbosity("M_ERROR")
            nest.ResetKernel()
            nest.resolution = spec["dt"]
            pop, rec, _, _, vmon = nest_build(nest, spec, record_v=True)
            nest.Simulate(spec["t_ms"])
            spike = int(nest_spike_steps(rec, pop[0].global_id, spec["dt"])[0][0])
            ev = vmon.get("events")
            ids = np.asarray(ev["senders"]) - pop[0].global_id
            steps = np.rint(np.asarray(ev["times"]) / spec["dt"]).astype(np.int64) - 1
            v = np.full((3, steps.max() + 1), np.nan)
            v[ids, steps] = ev["V_m"]
        out.append(latency_steps(spec, v, spike))
    return out


def stdp_pairs(task):
    """STDP on given spike trains, built as the bench builds a plastic projection: one
    source spiking at the steps ``pre``, ``len(delays)`` targets all spiking at the steps
    ``post``, one synapse (weight ``w0``, ``rule``) into each with its delay (steps, snn's
    D); ``steps`` steps of ``dt``. Returns the final weights; NEST: {"as_read": NEST's,
    "weights": with the potentiation it owes}."""
    dt, rule, m = task["dt"], task["rule"], len(task["delays"])
    projections = [{"pre": "pre", "post": f"post{i}", "rule": "all_to_all", "weight": ["const", task["w0"]],
                    "delay": ["const", d], "target": "I", "plasticity": rule}
                   for i, d in enumerate(task["delays"])]
    pre, post = np.asarray(task["pre"]), np.asarray(task["post"])
    if task["sim"] == "brian2":
        import brian2 as b2

        b2.start_scope()
        b2.prefs.codegen.target = "numpy"
        b2.defaultclock.dt = dt * b2.ms
        source = b2.SpikeGeneratorGroup(1, np.zeros(pre.size, int), pre * dt * b2.ms)
        fires = b2.TimedArray(np.isin(np.arange(task["steps"]), post).astype(float), dt=dt * b2.ms)
        targets = b2.NeuronGroup(m, "Isyn : 1", threshold="fires(t) > 0", reset="",
                                 namespace={"fires": fires})
        sub_of = {"pre": source, **{f"post{i}": targets[i:i + 1] for i in range(m)}}
        syns = [(_brian_synapses(b2, sub_of, j, pr, "Isyn", dt), pr) for j, pr in enumerate(projections)]
        brian_connect(syns, dt)
        b2.Network(source, targets, *[S for S, _ in syns]).run(task["steps"] * dt * b2.ms)
        return [float(S.w[0]) for S, _ in syns]
    import nest

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = dt
    cells = nest.Create("parrot_neuron", 1 + m, params={"tau_minus": rule["tau_minus"]})
    rec = nest.Create("spike_recorder")
    nest.Connect(cells, rec)
    for group, steps in ((cells[:1], pre), (cells[1:], post)):  # a generator's time k dt: a parrot's step k
        gen = nest.Create("spike_generator", params={"spike_times": (steps * dt).tolist()})
        nest.Connect(gen, group, syn_spec={"delay": dt})
    for i, pr in enumerate(projections):  # receptor 1: the targets do not repeat these spikes
        nest.Connect(cells[:1], cells[1 + i], syn_spec={**nest_stdp(rule), "weight": task["w0"],
                                                      "delay": nest_delay(nest, pr["delay"], dt, 0),
                                                      "receptor_type": 1})
    nest.Simulate(task["steps"] * dt)
    read = np.array([nest.GetConnections(cells[:1], cells[1 + i]).get("weight") for i in range(m)], float)
    owed = deferred_potentiation(rule, dt, task["steps"], *nest_spike_steps(rec, cells[0].global_id, dt))
    owes = owed(np.zeros(m, int), np.arange(1, m + 1), task["delays"])
    return {"as_read": read.tolist(), "weights": np.minimum(read + owes, rule["w_max"]).tolist()}


def synapse_weights(task):
    """Per projection of ``spec``, as the bench builds it in the peer (Brian2 in runtime mode
    with NumPy): its synapse model (NEST's, or Brian2's ``"literal"`` for a weight written
    into on_pre, ``"w"`` for a weight per synapse) and its synapses' weights (count, min,
    max, mean, std; Brian2's literal as one value)."""
    spec = task["spec"]

    def summary(model, w):
        w = np.asarray(w, np.float64)
        return dict(model=model, n=int(w.size), min=float(w.min()), max=float(w.max()), mean=float(w.mean()),
                    std=float(w.std()))

    if task["sim"] == "brian2":
        import brian2 as b2

        b2.prefs.codegen.target = "numpy"
        b2.defaultclock.dt = spec["dt"] * b2.ms
        b2.seed(task.get("seed", 1))
        _, _, syns, _ = brian_build(b2, spec)
        brian_connect(syns, spec["dt"])
        return [summary("w", S.w[:]) if "w" in S.variables else
                summary("literal", [pr["weight"][1]]) for S, pr in syns]
    import nest

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = spec["dt"]
    nest.rng_seed = task.get("seed", 1)
    _, _, projs, n_syn, _ = nest_build(nest, spec)
    out = []
    for pre, post, _ in projs:
        [model] = {str(m) for g in nest_blocks(nest, pre, post, ["synapse_model"], n_syn)
                   for m in g["synapse_model"]}
        if model.startswith("static_synapse_hom_w"):
            out.append(summary(model, [nest.GetDefaults(model)["weight"]]))  # one weight, kept once
        else:
            out.append(summary(model, np.concatenate([g["weight"] for g in nest_blocks(
                nest, pre, post, ["weight"], n_syn)])))
    return out


TASKS = {("bench", "brian2", "standalone"): brian_standalone, ("bench", "brian2", "runtime"): brian_runtime,
         ("bench", "nest", ""): nest_run}


def main(argv) -> int:
    if argv[:1] == ["--rss"]:  # run a command, write its peak RSS in bytes
        proc = subprocess.Popen(argv[2:])
        _, status, usage = os.wait4(proc.pid, 0)
        with open(argv[1], "w") as f:
            f.write(str(usage.ru_maxrss * 1024))
        return os.waitstatus_to_exitcode(status)
    with open(argv[0]) as f:
        task = json.load(f)
    if task["task"] in ("latency", "stdp_pairs", "synapse_weights"):
        tasks = {"latency": latency, "stdp_pairs": stdp_pairs, "synapse_weights": synapse_weights}
        result = tasks[task["task"]](task)
    else:
        result = TASKS[(task["task"], task["sim"], task.get("mode", ""))](task)
    print("PEER_RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
