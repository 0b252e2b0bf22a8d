"""Value types: connectivity rules, weight/delay distributions, kernels, inputs, traces."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _core
from ._core import ConfigError

# Every value that crosses into the engine is checked here for its type and for the range of
# the C++ type it becomes (float32 for weights, parameters, inputs and kernels; 64-bit
# integers for sizes, counts and indices), so that a bad one is a ConfigError naming it,
# never a TypeError from the bindings, NumPy's message, or a silent wrap-around.

F32_MAX = float(np.finfo(np.float32).max)
_REAL_SCALARS = (int, float, np.integer, np.floating, np.bool_)


def is_number(value: Any) -> bool:
    """A real number, not a bool."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def is_integer(value: Any) -> bool:
    """A whole number given as an integer type, not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def short(value: Any, width: int = 80) -> str:
    """repr(value), cut to ``width`` characters for messages."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 5] + " ...)"


def number(what: str, value: Any) -> float:
    """A real number as a float; ConfigError naming ``what`` otherwise (also for an integer
    too large for a float)."""
    if not is_number(value):
        raise ConfigError(f"{what} must be a number, got {short(value)}")
    try:
        return float(value)
    except OverflowError:
        raise ConfigError(f"{what} = {short(value)} is beyond the range of a float") from None


def integer(what: str, value: Any, low: int, high: int) -> int:
    """An integer in [low, high] (the range of the C++ type it becomes); ConfigError naming
    ``what`` otherwise."""
    if not is_integer(value) or not low <= value <= high:
        raise ConfigError(f"{what} must be an integer in [{low}, {high}], got {short(value)}")
    return int(value)


def text(what: str, value: Any) -> str:
    """``str(value)``, which must be encodable as UTF-8 (the engine's strings)."""
    out = str(value)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"{what} must be text that UTF-8 can encode, got {out!r}") from None
    return out


def real_array(value: Any, what: str, dtype: Any = np.float64,
               expected: str = "a number or an array of numbers") -> np.ndarray:
    """``value`` as an array of real numbers of ``dtype`` (float64 or float32).

    ConfigError naming ``what`` when it is not real numbers (text, None, complex, ragged), and,
    for float32 (the type the engine stores), when a finite value is beyond its range:
    NumPy would otherwise turn it into an infinity with only a warning.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{what} must be {expected}, got {short(value)}") from None
    if arr.dtype.kind == "c":
        raise ConfigError(f"{what} must be real numbers, got complex values {short(value)}")
    if arr.dtype.kind == "O":  # Python objects: numbers beyond int64 or mixed with others
        items = arr.ravel().tolist()
        if not all(isinstance(x, _REAL_SCALARS) for x in items):
            raise ConfigError(f"{what} must be {expected}, got {short(value)}")
        try:
            arr = np.array([float(x) for x in items], np.float64).reshape(arr.shape)
        except OverflowError:
            raise ConfigError(f"{what} holds a number beyond the range of a float: {short(value)}") from None
    elif arr.dtype.kind not in "biuf":
        raise ConfigError(f"{what} must be {expected}, got {short(value)}")
    out = arr.astype(np.float64, copy=False)
    if np.dtype(dtype) != np.float32:
        return out
    with np.errstate(invalid="ignore"):
        big = np.flatnonzero(np.isfinite(out) & (np.abs(out) > F32_MAX))
    if big.size:
        at = np.unravel_index(big[0], out.shape)
        where = f"[{', '.join(str(int(i)) for i in at)}]" if out.ndim else ""
        raise ConfigError(f"{what}{where} = {out[at]:g} does not fit float32 (|x| <= {F32_MAX:.4g}), "
                          f"the type the engine stores it in")
    return out.astype(np.float32)


def float32(what: str, value: Any) -> float:
    """A number that float32 holds (or a non-finite one, which the engine reports)."""
    x = number(what, value)
    if math.isfinite(x) and abs(x) > F32_MAX:
        raise ConfigError(f"{what} = {x:g} does not fit float32 (|x| <= {F32_MAX:.4g}), the type the "
                          f"engine stores it in")
    return x


def indices(what: str, value: Any, size: int, role: str = "") -> np.ndarray:
    """A 1-D array of integer indices as int64 (the engine checks them against ``size``);
    values beyond int64, which NumPy would wrap, are reported here as out of range."""
    arr = np.asarray(value)
    if arr.dtype.kind == "O" and all(is_integer(x) for x in arr.ravel().tolist()):
        values = arr.ravel().tolist()
    elif arr.size == 0 or arr.dtype.kind in "iu":
        values = None
    else:
        raise ConfigError(f"{what}: {role or 'explicit'} indices must be a 1-D array of integers, got "
                          f"{arr.dtype} of shape {arr.shape}")
    if arr.ndim != 1:
        raise ConfigError(f"{what}: {role or 'explicit'} indices must be 1-D, got shape {arr.shape}")
    if values is None and arr.dtype.kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
        values = arr.tolist()
    if values is not None:
        for i, x in enumerate(values):
            if not 0 <= x < size:
                raise ConfigError(f"{what}: {role} index {x} at position {i} is out of range [0, {size})")
    return np.ascontiguousarray(arr, dtype=np.int64)


# --- connectivity rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class AllToAll:
    """Every source to every target (stored as dense rows when the delay is one number)."""

    allow_self: bool = True

    def _native(self, who: str) -> _core.Rule:
        return _core.Rule.all_to_all(bool(self.allow_self))


@dataclass(frozen=True)
class OneToOne:
    """Source i to target i (populations of equal size)."""

    def _native(self, who: str) -> _core.Rule:
        return _core.Rule.one_to_one()


@dataclass(frozen=True)
class FixedProbability:
    """Each pair independently with probability ``p``."""

    p: float
    allow_self: bool = True

    def _native(self, who: str) -> _core.Rule:
        return _core.Rule.fixed_probability(number(f"{who}: probability p", self.p), bool(self.allow_self))


@dataclass(frozen=True)
class FixedInDegree:
    """Exactly ``k`` distinct sources for every target."""

    k: int
    allow_self: bool = True

    def _native(self, who: str) -> _core.Rule:
        return _core.Rule.fixed_in_degree(integer(f"{who}: in-degree k", self.k, 0, 2**64 - 1),
                                          bool(self.allow_self))


@dataclass(frozen=True)
class FixedOutDegree:
    """Exactly ``k`` distinct targets for every source."""

    k: int
    allow_self: bool = True

    def _native(self, who: str) -> _core.Rule:
        return _core.Rule.fixed_out_degree(integer(f"{who}: out-degree k", self.k, 0, 2**64 - 1),
                                           bool(self.allow_self))


RULES = (AllToAll, OneToOne, FixedProbability, FixedInDegree, FixedOutDegree)

# --- weight and delay distributions --------------------------------------------------------------


@dataclass(frozen=True)
class Uniform:
    """Uniform in [low, high), drawn per synapse."""

    low: float
    high: float

    def _native(self, who: str) -> _core.Distribution:
        return _core.Distribution.uniform(number(f"{who} low", self.low), number(f"{who} high", self.high))


@dataclass(frozen=True)
class Normal:
    """Normal(mean, std) drawn per synapse, clipped to [low, high]."""

    mean: float
    std: float
    low: float = -math.inf
    high: float = math.inf

    def _native(self, who: str) -> _core.Distribution:
        return _core.Distribution.normal(*(number(f"{who} {name}", getattr(self, name))
                                           for name in ("mean", "std", "low", "high")))


def distribution(who: str, name: str, value: Any) -> _core.Distribution:
    """A weight or delay given as a number, an array or a distribution."""
    if isinstance(value, (Uniform, Normal)):
        return value._native(f"{who}: {name}")
    if is_number(value):
        return _core.Distribution.constant(number(f"{who}: {name}", value))
    arr = real_array(value, f"{who}: {name}", expected="a number, an array or snn.Uniform/snn.Normal")
    if arr.ndim == 0:
        return _core.Distribution.constant(float(arr))
    return _core.Distribution.array(np.ascontiguousarray(real_array(arr.ravel(), f"{who}: {name}",
                                                                    np.float32)))


# --- kernels -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instant:
    """The weight acts for one step: as current (``target="I"``) or added to v (``"v"``)."""

    target: str = "I"

    def _native(self, who: str, dt: float) -> _core.Kernel:
        if self.target == "I":
            return _core.Kernel.instant()
        if self.target == "v":
            return _core.Kernel.voltage_jump()
        raise ConfigError(f"{who}: Instant target must be 'I' or 'v', got {self.target!r}")


@dataclass(frozen=True)
class Exponential:
    """kappa(t) = exp(-t / tau), t in ms since arrival."""

    tau: float

    def _native(self, who: str, dt: float) -> _core.Kernel:
        return _core.Kernel.exponential(number(f"{who}: kernel tau", self.tau))


@dataclass(frozen=True)
class Alpha:
    """kappa(t) = (t / tau) exp(1 - t / tau): peak 1 at t = tau (ms)."""

    tau: float

    def _native(self, who: str, dt: float) -> _core.Kernel:
        return _core.Kernel.alpha(number(f"{who}: kernel tau", self.tau))


@dataclass(frozen=True)
class Kernel:
    """Any kernel f(t), t in ms since arrival, sampled at m*dt for m*dt < window (ms).

    ``Kernel.from_samples(kappa)`` gives the samples directly: ``kappa[m]`` is the factor
    ``m`` steps after arrival, whatever dt is.
    """

    f: Callable[[Any], Any] | None
    window: float | None
    samples: tuple[float, ...] | None = None

    @classmethod
    def from_samples(cls, kappa: Any) -> Kernel:
        """A kernel given by its samples, one per step after arrival (a 1-D array)."""
        values = real_array(kappa, "Kernel.from_samples: samples", expected="a 1-D array of numbers")
        if values.ndim != 1:
            raise ConfigError(f"Kernel.from_samples: samples must be 1-D, got shape {values.shape}")
        return cls(None, None, tuple(float(x) for x in values))

    def _native(self, who: str, dt: float) -> _core.Kernel:
        if self.samples is not None:
            values = np.asarray(self.samples, dtype=np.float64)
            if values.size == 0 or values.size > _core.max_kernel_steps:
                raise ConfigError(f"{who}: a kernel from samples needs 1 to {_core.max_kernel_steps} "
                                  f"samples, got {values.size}")
        else:
            values = self._sample(who, dt)
        return _core.Kernel.sampled(real_array(values, f"{who}: kernel values", np.float32))

    def _sample(self, who: str, dt: float) -> np.ndarray:
        window = number(f"{who}: kernel window", self.window)
        if not math.isfinite(window) or window <= 0:
            raise ConfigError(f"{who}: kernel window must be a finite number > 0 ms, got {window}")
        if window / dt > _core.max_kernel_steps + 1:
            raise ConfigError(f"{who}: kernel window {window:g} ms is {window / dt:g} steps of dt = {dt} ms, "
                              f"above the maximum of {_core.max_kernel_steps} steps")
        steps = math.ceil(window / dt - 1e-9)
        if steps > _core.max_kernel_steps:
            raise ConfigError(f"{who}: kernel window {window} ms is {steps} steps of dt = {dt} ms, "
                              f"above the maximum of {_core.max_kernel_steps} steps")
        t = np.arange(steps, dtype=np.float64) * dt
        t = t[t < window]
        if not callable(self.f):
            raise ConfigError(f"{who}: kernel f must be callable, got {short(self.f)}")
        try:
            values = real_array(self.f(t), "kernel")
            if values.shape != t.shape:
                raise ValueError
        except Exception:  # not vectorised: one call per sample
            values = np.zeros(t.shape)
            for i, x in enumerate(t):
                value = real_array(self.f(float(x)), f"{who}: kernel f(t = {x:g} ms)")
                if value.shape != ():
                    raise ConfigError(f"{who}: kernel f(t = {x:g} ms) returned shape {value.shape}; "
                                      f"expected a number") from None
                values[i] = value
        return values


KERNELS = (Instant, Exponential, Alpha, Kernel)

# --- plasticity ------------------------------------------------------------------------------------


def _rule_numbers(rule, who: str, fields) -> list:
    return [float32(f"{who}: plasticity {f}", getattr(rule, f)) for f in fields]


@dataclass(frozen=True)
class STDP:
    """Pair-based STDP with all-to-all pairing through exponential traces (NEST's
    stdp_synapse, PyNN's SpikePairRule). The delay is dendritic: a pre spike meets the
    synapse when it arrives there and depresses it by ``a_minus * y`` (``y``: the sum of
    ``exp(-dt/tau_minus)`` over the post neuron's earlier spikes), a post spike potentiates
    it by ``a_plus * x`` (``x``: the same over the arrivals so far, tau_plus); weights stay in
    ``[w_min, w_max]``. ``weight_dependence="multiplicative"``: the changes are
    ``a_plus (w_max - w) x`` and ``a_minus (w - w_min) y``. Times in ms."""

    tau_plus: float = 20.0
    tau_minus: float = 20.0
    a_plus: float = 0.01
    a_minus: float = 0.012
    w_min: float = 0.0
    w_max: float = 1.0
    weight_dependence: str = "additive"

    def _native(self, who: str) -> _core.Plasticity:
        if self.weight_dependence not in ("additive", "multiplicative"):
            raise ConfigError(f"{who}: STDP weight_dependence must be 'additive' or 'multiplicative', "
                              f"got {self.weight_dependence!r}")
        return _core.Plasticity.stdp(*_rule_numbers(self, who, ("tau_plus", "tau_minus", "a_plus", "a_minus",
                                                                 "w_min", "w_max")),
                                     self.weight_dependence == "multiplicative")


@dataclass(frozen=True)
class STDPIzhikevich2006:
    """The rule of Izhikevich (2006), polychronization: pre and post traces set to 1 at each
    spike (arrival) and decaying with ``tau`` (ms); a post spike adds ``a_plus x`` and an
    arrival subtracts ``a_minus y`` from a derivative ``sd`` per synapse; every ``interval``
    ms the weights change by ``w += bias + sd`` (clipped to ``[0, w_max]``), then
    ``sd *= sd_decay``. Use it on excitatory synapses."""

    tau: float = 20.0
    a_plus: float = 0.1
    a_minus: float = 0.12
    w_max: float = 10.0
    interval: float = 1000.0
    bias: float = 0.01
    sd_decay: float = 0.9

    def _native(self, who: str) -> _core.Plasticity:
        fields = ("tau", "a_plus", "a_minus", "w_max", "interval", "bias", "sd_decay")
        return _core.Plasticity.izhikevich_2006(*_rule_numbers(self, who, fields))


PLASTICITY = (STDP, STDPIzhikevich2006)

# --- inputs and recording -------------------------------------------------------------------------


@dataclass(frozen=True)
class Noise:
    """Gaussian input current drawn fresh each step: mean + std * N(0, 1) (scalars or (n,))."""

    mean: Any = 0.0
    std: Any = 1.0


@dataclass(frozen=True)
class Pulses:
    """Random one-step current pulses of ``amplitude`` at ``rate`` Hz per neuron: each step,
    ``n * rate * dt / 1000`` neurons drawn uniformly (with repeats) get ``amplitude`` added to
    their input for that step; a fractional count is one more pulse with that probability.
    At ``n = 1000``, ``rate = 1`` Hz and ``dt = 1`` ms this is one random neuron per step, the
    thalamic input of Izhikevich's 2006 polychronization network."""

    rate: float
    amplitude: float = 1.0


@dataclass(frozen=True)
class PoissonInput:
    """Independent Poisson input per neuron: each step a count drawn with mean
    ``rate * dt / 1000`` (``rate`` in Hz, at most 100 per step on average) adds ``count *
    weight`` to the neuron's current (``target="I"``) or to its v (``"v"``, mV, right after
    the reset), like Brian2's PoissonInput and NEST's poisson_generator."""

    rate: float
    weight: float
    target: str = "I"


@dataclass(frozen=True)
class WeightTrace:
    """Record the weights of projection ``proj`` for ``synapses`` (indices in the order of
    :meth:`Projection.synapses`; all if None) at the steps k with k % every == 0, after the
    step's plasticity: ``result.weights(proj)``."""

    proj: Any
    synapses: Any = None
    every: int = 1


@dataclass(frozen=True)
class Trace:
    """Record variable ``var`` of ``pop`` (if None: every population whose model has it) for
    ``neurons`` (all if None) at the steps k with k % every == 0. Variables are the model's
    state and input channels: "v", "u", "I" of Izhikevich, "v", "I", "g_E", "g_I" of LIF
    (:func:`snn.models_info`)."""

    var: str
    pop: Any = None
    neurons: Any = None
    every: int = 1
