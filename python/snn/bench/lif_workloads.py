"""The LIF workloads: the Vogels-Abbott networks of Brette et al. (2007), benchmarks 1
(``coba``) and 2 (``cuba``), and Brunel's (2000) model A (``brunel``), as specs of
:mod:`.workloads` (LIF populations, exponential and delta synapses, Poisson drive).

Sources of the parameters: Brian2's ``examples/CUBA.py`` (2.9.0 documentation) for cuba;
NEST 3.10's ``examples/brette_et_al_2007/coba.py`` for coba (the conductance weights, its
Brian equivalent being Brette's Brian 1 ``COBA.py``, 6/10 and 67/10 of g_L); NEST's
``brunel_delta_nest.py`` for brunel, with Brunel's V_r = 10 mV (that example resets to 0).
"""

from __future__ import annotations

from typing import Any

from .peer_worker import LIF_PARAMS
from .workloads import Spec, Workload, _split, register

DT = 0.1  # ms, all three


def lif_population(label: str, n: int, model: str, **params: Any) -> dict[str, Any]:
    """A LIF population of a spec: every parameter of ``model`` given, none other."""
    if set(params) != set(LIF_PARAMS[model]):
        raise ValueError(f"population {label!r} ({model}): parameters {sorted(params)}, "
                         f"expected {sorted(LIF_PARAMS[model])}")
    return {"label": label, "n": n, "model": model, **params}


# --------------------------------------------------------------------------- Vogels-Abbott

VA_IN_DEGREE = 80  # expected sources per neuron: 2 % of 4000
VA_DELAY = 2  # steps: 0.2 ms in snn, NEST's and Brian2's 0.1 ms (see peer_worker's docstring)
VA_MEMBRANE = dict(cm=0.2, tau_m=20.0, v_reset=-60.0, v_thresh=-50.0, tau_refrac=5.0)  # nF, ms, mV
COBA_DRIVE = 0.25  # nA into 1/64 of the excitatory neurons (50 of 3200): they start the activity


def _vogels_abbott(name: str, n: int, model: str, exc: tuple, inh: tuple, drive: float = 0.0,
                   **neuron: Any) -> Spec:
    """Two populations, 80 % exc and 20 % inh, every pair connected with probability
    VA_IN_DEGREE / n (2 % at n = 4000); ``exc``, ``inh``: (weight, tau_syn ms) of each
    source population; initial v uniform in [v_reset, v_thresh); i_offset ``drive`` (nA)
    into the first 1/64 of the excitatory neurons, 0 elsewhere."""
    n_exc, n_inh = _split(n)
    p = min(1.0, VA_IN_DEGREE / n)
    v0 = ["uniform", VA_MEMBRANE["v_reset"], VA_MEMBRANE["v_thresh"]]
    k = max(1, n_exc // 64) if drive else 0
    drives = [drive] * k + [0.0] * (n_exc - k) if k else 0.0
    pops = [lif_population("exc", n_exc, model, **VA_MEMBRANE, **neuron, i_offset=drives, v0=v0),
            lif_population("inh", n_inh, model, **VA_MEMBRANE, **neuron, i_offset=0.0, v0=v0)]
    projections = []
    for pre, (w, tau), receptor in (("exc", exc, "excitatory"), ("inh", inh, "inhibitory")):
        for post in ("exc", "inh"):
            pr = {"pre": pre, "post": post, "rule": "fixed_probability", "p": p, "weight": ["const", w],
                  "delay": ["const", VA_DELAY], "kernel": ["exponential", tau]}
            if model == "lif_cond":
                pr["receptor"] = receptor
            projections.append(pr)
    return dict(name=name, n=n, dt=DT, populations=pops, projections=projections, inputs=[])


def _cuba_weight(w_mv: float) -> float:
    """Brian2's CUBA weight (a jump of its current-as-voltage ge, mV) as current, nA."""
    return w_mv * VA_MEMBRANE["cm"] / VA_MEMBRANE["tau_m"]


def cuba(n: int) -> Spec:
    return _vogels_abbott("cuba", n, "lif", (_cuba_weight(60 * 0.27 / 10), 5.0),
                          (_cuba_weight(-20 * 4.5 / 10), 10.0), v_rest=-49.0)


def coba(n: int) -> Spec:
    return _vogels_abbott("coba", n, "lif_cond", (0.006, 5.0), (0.067, 10.0), drive=COBA_DRIVE,
                          v_rest=-60.0, e_rev_E=0.0, e_rev_I=-80.0)


register(Workload(
    "cuba", "Vogels-Abbott CUBA, Brette et al. 2007 benchmark 2 (LIF, exponential currents)", """\
Brette et al. (2007) benchmark 2 as Brian2's examples/CUBA.py: 80% excitatory, 20%
inhibitory snn.LIF neurons, cm=0.2 nF, tau_m=20 ms, v_rest=-49 mV (above threshold: the
neurons fire without input), v_thresh=-50, v_reset=-60 mV, tau_refrac=5 ms, v0 uniform in
[-60, -50) mV per neuron; every ordered pair (self included) connected with probability 2%
at N=4000 (80/N at other N: the expected in-degree stays 80); exponential currents
(snn.Exponential), tau 5 ms from excitatory and 10 ms from inhibitory sources, weights
0.0162 nA and -0.09 nA (Brian2's (60*0.27/10) mV and (-20*4.5/10) mV times cm/tau_m),
delay 0.2 ms (2 steps: NEST's example's 0.1 ms delay, see --check-latency); no external
input; dt=0.1 ms. Mean rate about 5.6 Hz, varying with the network draw (NEST 5.2-5.9 Hz
over 12 draws, Brian2 5.2-6.2 Hz over 14).""", (4000,), 1000.0, cuba))

register(Workload(
    "coba", "Vogels-Abbott COBA, Brette et al. 2007 benchmark 1 (LIF, exponential conductances)", """\
Brette et al. (2007) benchmark 1 as NEST's examples/brette_et_al_2007/coba.py: 80%
excitatory, 20% inhibitory snn.LIFCond neurons, cm=0.2 nF, tau_m=20 ms (g_L=10 nS),
v_rest=-60, v_thresh=-50, v_reset=-60 mV, tau_refrac=5 ms, e_rev_E=0, e_rev_I=-80 mV,
v0 uniform in [-60, -50) mV per neuron; connectivity as cuba (2% at N=4000, in-degree 80);
exponential conductances, excitatory receptor tau 5 ms, weight 0.006 uS (6 nS),
inhibitory receptor tau 10 ms, weight 0.067 uS (67 nS); delay 0.2 ms (2 steps). Without
input this network stays silent (v only decays to -60 mV); the published runs kick it
(NEST: 300 Hz Poisson to 50 neurons for 50 ms; Brian 1: random initial conductances).
Here i_offset=0.25 nA into the first 1/64 of the excitatory neurons (50 at N=4000) starts
it and the rest is self-sustained; dt=0.1 ms. Mean rate about 18.8 Hz, varying with the
network draw (NEST 17.0-20.6 Hz over 12 draws, Brian2 16.3-22.4 Hz over 17): the 10% rate
check compares single draws and can flag this workload.""", (4000,), 1000.0, coba))


# --------------------------------------------------------------------------- Brunel

BRUNEL = dict(J=0.1, g=5.0, eta=2.0, c_e=1000, c_i=250, delay=15)  # mV, -, -, sources, sources, steps
BRUNEL_NEURON = dict(cm=0.001, tau_m=20.0, v_rest=0.0, v_reset=10.0, v_thresh=20.0, tau_refrac=2.0,
                     i_offset=0.0, v0=0.0)  # nF (NEST's 1 pF; no currents flow), ms, mV


def brunel_rate(c_e: int = BRUNEL["c_e"]) -> float:
    """The external Poisson rate per neuron, Hz: eta * nu_th * C_E, nu_th = theta / (J C_E tau_m)."""
    nu_th = BRUNEL_NEURON["v_thresh"] / (BRUNEL["J"] * c_e * BRUNEL_NEURON["tau_m"])  # per ms
    return 1000.0 * BRUNEL["eta"] * nu_th * c_e


def brunel(n: int) -> Spec:
    n_exc, n_inh = _split(n)
    J, g = BRUNEL["J"], BRUNEL["g"]
    pops = [lif_population("exc", n_exc, "lif", **BRUNEL_NEURON),
            lif_population("inh", n_inh, "lif", **BRUNEL_NEURON)]
    sources = (("exc", min(BRUNEL["c_e"], n_exc), J), ("inh", min(BRUNEL["c_i"], n_inh), -g * J))
    projections = [{"pre": pre, "post": post, "rule": "fixed_in_degree", "k": k, "weight": ["const", w],
                    "delay": ["const", BRUNEL["delay"]], "kernel": ["instant_v"]}
                   for pre, k, w in sources for post in ("exc", "inh")]
    inputs = [{"pop": p, "kind": "poisson_input", "rate_hz": brunel_rate(), "weight": J, "target": "v"}
              for p in ("exc", "inh")]
    return dict(name="brunel", n=n, dt=DT, populations=pops, projections=projections, inputs=inputs)


register(Workload(
    "brunel", "Brunel 2000 model A (delta synapses, Poisson drive) as NEST's brunel_delta_nest.py", """\
Brunel (2000) model A, g=5, eta=2, as NEST's brunel_delta_nest.py: 80% excitatory, 20%
inhibitory snn.LIF neurons, tau_m=20 ms, v_rest=0, v_thresh=20 mV, v_reset=10 mV (Brunel's
V_r; NEST's example resets to 0), tau_refrac=2 ms, v0=0 mV; every neuron has exactly
C_E=1000 excitatory and C_I=250 inhibitory sources, distinct, self allowed (10% of 10,000
and 2,500 at N=12,500; at other N the same in-degrees, capped at the population sizes);
voltage jumps (snn.Instant(target="v")) J=0.1 mV and -g*J=-0.5 mV, delay 1.5 ms (15
steps), discarded during the refractory period; external drive per neuron
snn.PoissonInput(20 kHz, 0.1 mV, target="v"): eta * nu_th * C_E with nu_th = theta /
(J C_E tau_m) = 10 Hz (Poisson jumps are not counted as synaptic events); dt=0.1 ms.
Mean rate 37 Hz (NEST 37.1 Hz over 2 network draws, Brian2 36.7-37.2 Hz over 3).""",
    (12_500,), 1000.0, brunel))
