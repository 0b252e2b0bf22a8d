"""Built-in single-neuron models: Hodgkin-Huxley, FitzHugh-Nagumo, Izhikevich, LIF.

Each function returns a :class:`~snn.single.Model`; keywords override its parameters
(numbers, arrays or expressions, e.g. ``I='10 if t > 50 else 0'``).
"""

from __future__ import annotations

from typing import Any

from ..presets import ALIASES, PRESETS
from ._expr import compile_expression
from ._model import Model, Variable

#: Hodgkin & Huxley (1952) with the resting potential at -65 mV: rate functions in 1/ms of
#: V in mV. ``1/exprel(-x) = x / (1 - exp(-x))`` has no 0/0 at ``x = 0``.
HH_RATES = {
    "alpha_n": "0.1 / exprel(-(V + 55) / 10)",
    "beta_n": "0.125 * exp(-(V + 65) / 80)",
    "alpha_m": "1 / exprel(-(V + 40) / 10)",
    "beta_m": "4 * exp(-(V + 65) / 18)",
    "alpha_h": "0.07 * exp(-(V + 65) / 20)",
    "beta_h": "1 / (1 + exp(-(V + 35) / 10))",
}

#: Hodgkin-Huxley parameters: uF/cm^2, mS/cm^2, mV, uA/cm^2.
HH_PARAMS = {"Cm": 1.0, "gK": 36.0, "gNa": 120.0, "gL": 0.3, "EK": -77.0, "ENa": 50.0, "EL": -54.4,
             "I": 10.0}


def _gate_at_rest(gate: str, V: float) -> float:
    """The steady state ``alpha / (alpha + beta)`` of a gate at ``V`` mV."""
    alpha, beta = (compile_expression(HH_RATES[f"{k}_{gate}"], k, frozenset({"V"})).fn({"V": V})
                   for k in ("alpha", "beta"))
    return float(alpha / (alpha + beta))


def hodgkin_huxley(V0: float = -65.0, simul_method: str = "rk4", **params: Any) -> Model:
    """The Hodgkin-Huxley squid axon (V in mV, t in ms, currents in uA/cm^2).

    ``Cm dV/dt = I - gNa m^3 h (V - ENa) - gK n^4 (V - EK) - gL (V - EL)``, each gate
    ``dx/dt = alpha_x (1 - x) - beta_x x``, starting at rest (``V0``, gates at their
    steady states there). A spike is an upward crossing of 0 mV (nothing is reset or
    clamped). Parameters: :data:`HH_PARAMS`; ``I = 5`` gives one action potential, ``I =
    10`` a periodic train.
    """
    V = Variable("V", "(I - gNa*m**3*h*(V - ENa) - gK*n**4*(V - EK) - gL*(V - EL)) / Cm", V0, unit="mV")
    gates = [Variable(g, f"alpha_{g}*(1 - {g}) - beta_{g}*{g}", _gate_at_rest(g, V0)) for g in "nmh"]
    return Model(V, *gates, spike_when="V >= 0", max_spike_value=float("inf"),
                 simul_method=simul_method, **{**HH_PARAMS, **HH_RATES, **params})


def fitzhugh_nagumo(v0: float = -1.2, w0: float = -0.6, simul_method: str = "rk4", **params: Any) -> Model:
    """FitzHugh-Nagumo: ``dv/dt = v - v^3/3 - w + I``, ``dw/dt = (v + a - b w) / tau``
    (dimensionless; ``a = 0.7``, ``b = 0.8``, ``tau = 12.5``, ``I = 0.5``). A spike is an
    upward crossing of ``v = 1``. The fixed point loses its stability (a Hopf
    bifurcation) where ``1 - v*^2 = b/tau``: ``I`` between about 0.331 and 1.419 gives a
    limit cycle.
    """
    v = Variable("v", "v - v**3/3 - w + I", v0)
    w = Variable("w", "(v + a - b*w) / tau", w0)
    return Model(v, w, spike_when="v >= 1", max_spike_value=float("inf"), simul_method=simul_method,
                 **{"a": 0.7, "b": 0.8, "tau": 12.5, "I": 0.5, **params})


#: The classic firing types of Izhikevich (2003, fig. 2): snn.PRESETS, by name and alias.
IZHIKEVICH_TYPES = {**PRESETS, **{alias: PRESETS[name] for alias, name in ALIASES.items()}}


def izhikevich(preset: str | None = "regular_spiking", v0: float = -65.0, u0: float | None = None,
               simul_method: str = "explicit_euler", **params: Any) -> Model:
    """Izhikevich's simple model (v in mV, t in ms).

    ``dv/dt = 0.04 v^2 + 5 v + 140 - u + I`` (written ``0.04*v*v``, as the engine rounds
    it), ``du/dt = a (b v - u)``; a spike when ``v >= v_peak`` (30 mV), after which
    ``v = c``, ``u = u + d``. ``preset``: a key of :data:`IZHIKEVICH_TYPES` (``"RS"``,
    ``"fast_spiking"``, ...) or None (then give ``a, b, c, d``); ``u0`` defaults to
    ``b * v0``; ``I = 10`` unless given. With ``simul_method="engine_euler"`` the
    arithmetic is that of :class:`snn.Network` (same spike steps).
    """
    values = {**(IZHIKEVICH_TYPES[preset] if preset else {}), "I": 10.0, "v_peak": 30.0, **params}
    missing = [k for k in "abcd" if k not in values]
    if missing:
        raise TypeError(f"izhikevich: give a preset or the parameters {missing}")
    u_init = values["b"] * v0 if u0 is None else u0
    v = Variable("v", "0.04*v*v + 5*v + 140 - u + I", v0, reset_value="c", unit="mV")
    u = Variable("u", "a*(b*v - u)", u_init, reset_value="u + d", unit="mV")
    return Model(v, u, spike_when="v >= v_peak", max_spike_value=values["v_peak"],
                 simul_method=simul_method, **values)


def lif(refractory: float = 0.0, v0: float = 0.0, simul_method: str = "rk4", **params: Any) -> Model:
    """Leaky integrate-and-fire: ``tau_m dv/dt = -v + R I`` (ms, mV with R in MOhm and I in
    nA); a spike when ``v >= theta``, then ``v = v_reset``, held there for ``refractory`` ms
    more (the absolute refractory period). ``tau_m = 10``, ``R = 1``, ``theta = 1``,
    ``v_reset = 0``, ``I = 1.5``. With ``R I > theta`` it fires with the period
    ``tau_m ln(R I / (R I - theta)) + refractory`` (up to a step or two).
    """
    values = {"tau_m": 10.0, "R": 1.0, "theta": 1.0, "v_reset": 0.0, "I": 1.5, **params}
    v = Variable("v", "(-v + R*I) / tau_m", v0, reset_value="v_reset", unit="mV")
    return Model(v, spike_when="v >= theta", max_spike_value=float("inf"), simul_method=simul_method,
                 refractory=refractory, **values)
