"""PyNN's standard cells and synapses on snn's models.

snn's parameters already carry PyNN's names and units (ms, mV, nF, nA, µS), so most
translations are the identity. Each cell type also says which snn model it becomes
(``_snn_model``) and how a projection onto it is delivered (``_snn_synapse``: kernel and
receptor):

=====================  ============================================================
PyNN                   snn
=====================  ============================================================
IF_curr_exp            snn.LIF; excitatory/inhibitory synapses are currents (nA)
                       through snn.Exponential(tau_syn_E / tau_syn_I)
IF_cond_exp            snn.LIFCond; conductances (µS) through snn.Exponential(tau_syn_E
                       / tau_syn_I) onto the receptor "excitatory" / "inhibitory"
Izhikevich             snn.Izhikevich (v_peak 30 mV, one Euler substep); a spike jumps
                       v by the weight (mV), snn.Instant(target="v"), as in NEST;
                       i_offset (nA) is the equation's I = 1000 * i_offset (mV/ms)
SpikeSourcePoisson     snn.PoissonSource where start = 0 and the duration is unbounded;
                       otherwise snn.SpikeSource times drawn with the engine's generator
                       (the same spikes as a native PoissonSource inside the window)
SpikeSourceArray       snn.SpikeSource (times sorted; one spike per step at most)
StaticSynapse          weight (nA, µS, or mV onto Izhikevich) and delay (ms)
STDPMechanism          snn.STDP (dendritic delay): SpikePairRule with
                       AdditiveWeightDependence (a_plus = A_plus * w_max, a_minus =
                       A_minus * w_max, as NEST's stdp_synapse) or
                       MultiplicativeWeightDependence (a_plus = A_plus, a_minus = A_minus)
=====================  ============================================================

Every other PyNN model is named here too, and raises NotImplementedError saying it is not
available on snn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyNN.standardmodels import build_translations, cells, electrodes, synapses

import snn

from .simulator import state

# A window end at or past this (ms) counts as "for ever" (PyNN's default duration is 1e10).
UNBOUNDED_MS = 1e9


def _homogeneous(values: Any, what: str) -> float:
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if arr.size and np.any(arr != arr[0]):
        raise NotImplementedError(f"snn.pynn: {what} must be the same for every neuron of a population "
                                  f"(snn keeps one synaptic kernel per projection); got values from "
                                  f"{arr.min():g} to {arr.max():g}")
    return float(arr[0])


class _SnnCell:
    """What an snn cell type adds to PyNN's: the snn model and the synapses onto it."""

    # PyNN recordable variable -> snn variable
    variable_map = {"v": "v"}
    # initial values that snn cannot set (synaptic state): they must stay 0
    _zero_initial: tuple[str, ...] = ()

    def _snn_model(self, p: dict[str, np.ndarray], init: dict[str, np.ndarray], label: str,
                   population: int) -> tuple[snn.NeuronModel, np.ndarray | None]:
        """The snn model of a population with native parameters ``p`` and initial values
        ``init``, and the constant input current (None if none)."""
        raise NotImplementedError

    def _snn_synapse(self, receptor: str, p: dict[str, np.ndarray]) -> tuple[Any, str | None]:
        """(kernel, receptor) of a projection onto these cells."""
        raise NotImplementedError


_LIF_TRANSLATIONS = [(name, name) for name in ("v_rest", "cm", "tau_m", "tau_refrac", "tau_syn_E",
                                               "tau_syn_I", "i_offset", "v_reset", "v_thresh")]


def _lif_arguments(p: dict[str, np.ndarray], init: dict[str, np.ndarray]) -> dict[str, Any]:
    names = ("cm", "tau_m", "v_rest", "v_reset", "v_thresh", "tau_refrac", "i_offset")
    return dict({k: p[k] for k in names}, v0=init["v"])


def _exponential(receptor: str, p: dict[str, np.ndarray], who: str) -> Any:
    name = "tau_syn_E" if receptor == "excitatory" else "tau_syn_I"
    return snn.Exponential(_homogeneous(p[name], f"{who} {name}"))


class IF_curr_exp(_SnnCell, cells.IF_curr_exp):
    __doc__ = cells.IF_curr_exp.__doc__
    translations = build_translations(*_LIF_TRANSLATIONS)
    _zero_initial = ("isyn_exc", "isyn_inh")

    def _snn_model(self, p, init, label, population):
        return snn.LIF(**_lif_arguments(p, init)), None

    def _snn_synapse(self, receptor, p):
        return _exponential(receptor, p, "IF_curr_exp"), None


class IF_cond_exp(_SnnCell, cells.IF_cond_exp):
    __doc__ = cells.IF_cond_exp.__doc__
    translations = build_translations(*_LIF_TRANSLATIONS, ("e_rev_E", "e_rev_E"), ("e_rev_I", "e_rev_I"))
    variable_map = {"v": "v", "gsyn_exc": "g_E", "gsyn_inh": "g_I"}
    _zero_initial = ("gsyn_exc", "gsyn_inh")

    def _snn_model(self, p, init, label, population):
        return snn.LIFCond(**_lif_arguments(p, init), e_rev_E=p["e_rev_E"], e_rev_I=p["e_rev_I"]), None

    def _snn_synapse(self, receptor, p):
        return _exponential(receptor, p, "IF_cond_exp"), receptor


class Izhikevich(_SnnCell, cells.Izhikevich):
    __doc__ = cells.Izhikevich.__doc__
    # i_offset (nA) drives the equation as I = 1000 * i_offset (mV/ms), as in NEST and Brian2
    translations = build_translations(("a", "a"), ("b", "b"), ("c", "c"), ("d", "d"),
                                      ("i_offset", "I_offset", 1000.0))
    variable_map = {"v": "v", "u": "u"}

    def _snn_model(self, p, init, label, population):
        model = snn.Izhikevich(a=p["a"], b=p["b"], c=p["c"], d=p["d"], v0=init["v"], u0=init["u"])
        current = np.asarray(p["I_offset"], dtype=np.float64)
        return model, (current if np.any(current != 0) else None)

    def _snn_synapse(self, receptor, p):
        return snn.Instant(target="v"), None


class SpikeSourcePoisson(_SnnCell, cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = build_translations(("rate", "rate"), ("start", "start"), ("duration", "duration"))
    variable_map = {}

    def _snn_model(self, p, init, label, population):
        rate, start, duration = (np.asarray(p[k], dtype=np.float64) for k in ("rate", "start", "duration"))
        stop = start + duration
        dt = state.dt
        if np.all(np.abs(start) < dt / 2) and np.all(stop >= UNBOUNDED_MS):
            return snn.PoissonSource(rate=rate), None
        if np.any(stop >= UNBOUNDED_MS):
            raise NotImplementedError(
                f"snn.pynn: SpikeSourcePoisson '{label}': a source that starts later than t = 0 needs "
                f"a finite duration on snn (start + duration < {UNBOUNDED_MS:g} ms); got start from "
                f"{start.min():g} ms and an unbounded duration")
        from ._poisson import window_spike_times

        first = np.ceil(start / dt - 1e-9).clip(min=0)   # steps k with start <= k dt < start + duration
        last = np.ceil(stop / dt - 1e-9).clip(min=0)
        times = window_spike_times(rate, first, np.maximum(first, last), dt, state.seed, population)
        return snn.SpikeSource(times), None


class SpikeSourceArray(_SnnCell, cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = build_translations(("spike_times", "spike_times"))
    variable_map = {}

    def _snn_model(self, p, init, label, population):
        times = [np.sort(np.asarray(getattr(s, "value", s), dtype=np.float64).reshape(-1))
                 for s in np.asarray(p["spike_times"], dtype=object).reshape(-1)]
        return snn.SpikeSource(times), None


# --- synapses ----------------------------------------------------------------------------------


def _minimum_delay() -> float:
    return state.dt if state.min_delay == "auto" else float(state.min_delay)


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"))

    def _get_minimum_delay(self):
        return _minimum_delay()


class STDPMechanism(synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = build_translations(("weight", "weight"), ("delay", "delay"),
                                           ("dendritic_delay_fraction", "dendritic_delay_fraction"))

    def __init__(self, timing_dependence=None, weight_dependence=None, voltage_dependence=None,
                 dendritic_delay_fraction=1.0, weight=0.0, delay=None):
        for part, kinds, what in ((timing_dependence, (SpikePairRule,), "timing dependence"),
                                  (weight_dependence, (AdditiveWeightDependence,
                                                       MultiplicativeWeightDependence), "weight dependence")):
            if not isinstance(part, kinds):
                raise NotImplementedError(
                    f"snn.pynn: STDPMechanism needs a {what} of {', '.join(k.__name__ for k in kinds)} "
                    f"(from snn.pynn), got {type(part).__name__}")
        if voltage_dependence is not None:
            raise NotImplementedError("snn.pynn: STDPMechanism has no voltage dependence on snn")
        if dendritic_delay_fraction != 1:
            raise NotImplementedError(f"snn.pynn: snn's STDP delays are dendritic (as NEST's); "
                                      f"dendritic_delay_fraction must be 1, got {dendritic_delay_fraction}")
        super().__init__(timing_dependence, weight_dependence, voltage_dependence,
                         dendritic_delay_fraction, weight, delay)

    def _build_translations(self):
        # a copy: the base class would extend the class-wide table in place
        self.translations = dict(self.base_translations)
        for part in (self.timing_dependence, self.weight_dependence):
            self.translations.update(part.translations)

    def _get_minimum_delay(self):
        return _minimum_delay()

    def _snn_rule(self, p: dict[str, float]) -> snn.STDP:
        """The snn rule for homogeneous native parameters ``p``."""
        w_max = p["w_max"]
        additive = isinstance(self.weight_dependence, AdditiveWeightDependence)
        scale = w_max if additive else 1.0  # PyNN's additive amplitudes are fractions of w_max
        return snn.STDP(tau_plus=p["tau_plus"], tau_minus=p["tau_minus"], a_plus=p["A_plus"] * scale,
                        a_minus=p["A_minus"] * scale, w_min=p["w_min"], w_max=w_max,
                        weight_dependence="additive" if additive else "multiplicative")


class SpikePairRule(synapses.SpikePairRule):
    __doc__ = synapses.SpikePairRule.__doc__
    translations = build_translations(("tau_plus", "tau_plus"), ("tau_minus", "tau_minus"),
                                      ("A_plus", "A_plus"), ("A_minus", "A_minus"))
    possible_models = {"snn.STDP"}


class AdditiveWeightDependence(synapses.AdditiveWeightDependence):
    __doc__ = synapses.AdditiveWeightDependence.__doc__
    translations = build_translations(("w_min", "w_min"), ("w_max", "w_max"))
    possible_models = {"snn.STDP"}


class MultiplicativeWeightDependence(synapses.MultiplicativeWeightDependence):
    __doc__ = synapses.MultiplicativeWeightDependence.__doc__
    translations = build_translations(("w_min", "w_min"), ("w_max", "w_max"))
    possible_models = {"snn.STDP"}


# --- what snn does not have ----------------------------------------------------------------------


def _not_available(name: str, base: type) -> type:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"snn.pynn: PyNN's {name} is not available on snn (the cell types are "
                                  f"{', '.join(c.__name__ for c in CELL_TYPES)}; synapses StaticSynapse "
                                  f"and STDPMechanism with SpikePairRule and Additive/Multiplicative"
                                  f"WeightDependence)")

    return type(name, (base,), {"__init__": __init__, "__doc__": "Not available on snn: raises "
                                "NotImplementedError.", "__module__": __name__})


UNAVAILABLE = [_not_available(name, getattr(module, name)) for module, names in (
    (cells, ("IF_curr_alpha", "IF_curr_delta", "IF_cond_alpha", "IF_cond_exp_gsfa_grr",
             "IF_facets_hardware1", "HH_cond_exp", "EIF_cond_alpha_isfa_ista", "EIF_cond_exp_isfa_ista",
             "GIF_cond_exp", "SpikeSourcePoissonRefractory", "SpikeSourceGamma", "SpikeSourceInhGamma")),
    (synapses, ("ElectricalSynapse", "TsodyksMarkramSynapse", "SimpleStochasticSynapse",
                "StochasticTsodyksMarkramSynapse", "MultiQuantalSynapse",
                "AdditivePotentiationMultiplicativeDepression", "GutigWeightDependence", "Vogels2011Rule")),
    (electrodes, ("DCSource", "ACSource", "StepCurrentSource", "NoisyCurrentSource")),
) for name in names]

CELL_TYPES = (IF_curr_exp, IF_cond_exp, Izhikevich, SpikeSourcePoisson, SpikeSourceArray)
