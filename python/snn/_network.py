"""Network, Population and Projection: the Python face of the native engine."""

from __future__ import annotations

import dataclasses
import math
import time
from typing import Any, NamedTuple

import numpy as np

from . import _core
from ._core import ConfigError
from ._models import MODELS, Izhikevich, NeuronModel, models_info
from ._progress import Progress
from ._result import Result
from ._specs import (
    KERNELS,
    PLASTICITY,
    RULES,
    Instant,
    Noise,
    PoissonInput,
    Pulses,
    Trace,
    WeightTrace,
    as_array,
    distribution,
    is_integer,
    is_number,
)
from .presets import ALIASES, PRESETS, RANDOM_PRESETS

_INFO = {m["name"]: m for m in models_info()}


class Population:
    """A population of neurons of one model; made by :meth:`Network.population`.

    Each variable of the model (its state and input channels, e.g. ``v``, ``u``, ``I``) is
    an attribute: reading gives its value now (a copy), assigning sets it for every neuron.
    """

    _fields = ("_net", "index", "label", "size", "model")

    def __init__(self, net: Network, index: int, label: str, size: int, model: str) -> None:
        for name, value in zip(self._fields, (net, index, label, size, model)):
            object.__setattr__(self, name, value)

    @property
    def variables(self) -> tuple[str, ...]:
        """The model's variables: state variables, then input channels."""
        return tuple(v["name"] for v in _INFO[self.model]["variables"])

    def parameters(self) -> dict[str, Any]:
        """The model's parameters as stored: float32 arrays of one value per neuron, and
        numbers for those that hold for the whole population (e.g. ``v_peak``)."""
        name, params = self._net._native.population_model(self.index)
        info = {p["name"]: p for p in _INFO[name]["parameters"]}
        return {k: v if info[k]["per_neuron"] else (int(v[0]) if info[k]["integer"] else float(v[0]))
                for k, v in params.items()}

    def _check_variable(self, var: str) -> None:
        if var not in self.variables:
            raise ConfigError(f"population '{self.label}': model '{self.model}' has no variable '{var}' "
                              f"(its variables: {', '.join(self.variables) or 'none'})")

    def _state(self, var: str) -> np.ndarray:
        self._check_variable(var)
        sim = self._net._sim
        if sim is None:
            return self._net._native.initial_state(self.index, var)
        return sim.get_state(self.index, var)

    def _set_state(self, var: str, values: Any) -> None:
        self._check_variable(var)
        arr = np.broadcast_to(np.asarray(values, dtype=np.float32), (self.size,))
        self._net._simulation().set_state(self.index, var, np.ascontiguousarray(arr))

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_") or name not in self.variables:
            raise AttributeError(f"population '{self.label}' ({self.model}) has no attribute or variable "
                                 f"{name!r} (its variables: {', '.join(self.variables) or 'none'})")
        return self._state(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._fields or name not in self.variables:
            raise AttributeError(f"population '{self.label}': cannot set {name!r} (its variables: "
                                 f"{', '.join(self.variables) or 'none'})")
        self._set_state(name, value)

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"<Population '{self.label}' of {self.size} {self.model} neurons>"


class Synapses(NamedTuple):
    """A projection's synapses in (pre, post) order: source and target indices (int32),
    weights (float64, the exact values the engine uses) and delays (float64, ms)."""

    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    delay: np.ndarray


class Projection:
    """Synapses from one population to another; made by :meth:`Network.connect`."""

    def __init__(self, net: Network, index: int, label: str, pre: Population, post: Population) -> None:
        self._net, self.index, self.label, self.pre, self.post = net, index, label, pre, post

    @property
    def n_synapses(self) -> int:
        return self._net._native.synapse_count(self.index)

    @property
    def dense(self) -> bool:
        """True if stored as dense rows (no per-synapse indices)."""
        return self._net._native.is_dense(self.index)

    @property
    def nbytes(self) -> int:
        """Bytes of connectivity storage."""
        return self._net._native.projection_bytes(self.index)

    def synapses(self) -> Synapses:
        """The synapses in (pre, post) order as :class:`Synapses` (pre, post, weight, delay):
        delays in ms, whole steps as the engine uses them (:meth:`delay_steps` gives the
        steps); ``net.connect(pre, post, proj.synapses())`` makes the same synapses."""
        pre, post, w, d = self._net._native.synapses(self.index)
        return Synapses(pre, post, w, d * self._net.dt)

    def delay_steps(self) -> np.ndarray:
        """The delays in steps (int32, in the order of :meth:`synapses`)."""
        return self._net._native.synapses(self.index)[3]

    def weights(self) -> np.ndarray:
        """The weights now (float64, in the order of :meth:`synapses`)."""
        sim = self._net._sim
        return self._net._native.synapses(self.index)[2] if sim is None else sim.get_weights(self.index)

    def set_weights(self, values: Any) -> None:
        """Sets every weight (one value, or one per synapse in the order of :meth:`synapses`),
        rounded to float32 and to the projection's fixed-point step; the range is about
        twice its largest weight at build. A projection built with one weight for all its
        synapses takes one value for all."""
        arr = as_array(values, np.float64, f"projection '{self.label}': weights must be numbers")
        arr = np.ascontiguousarray(np.broadcast_to(arr.reshape(-1) if arr.ndim else arr, (self.n_synapses,)))
        self._net._simulation().set_weights(self.index, arr)

    def __repr__(self) -> str:
        return f"<Projection '{self.label}' {self.pre.label}->{self.post.label}: {self.n_synapses} synapses>"


class _Stream:
    """An input evaluated in Python per chunk: an array (steps, n), a callable f(t_ms) or a
    constant (n,) delivered from ``start`` (steps) on; zero before."""

    def __init__(self, pop: Population, index: int, source: Any, start: int) -> None:
        self.pop, self.index, self.source, self.start = pop, index, source, start

    def value(self, step: int, dt: float) -> np.ndarray | float:
        """The input of one step (a callable is called with t = (step - start) * dt)."""
        n, j = self.pop.size, step - self.start
        if j < 0:
            return 0.0
        if not callable(self.source):
            data = self.source
            if data.ndim == 1:  # a constant
                return data
            return data[j] if j < len(data) else 0.0
        t = j * dt
        value = np.asarray(self.source(t), dtype=np.float64)
        if value.shape not in ((), (n,), (n, 1)):
            raise ConfigError(f"input of population '{self.pop.label}': the callable returned "
                              f"shape {value.shape} at t = {t:g} ms; expected a scalar or ({n},)")
        if not np.all(np.isfinite(value)):
            raise ConfigError(f"input of population '{self.pop.label}': the callable returned "
                              f"a non-finite value at t = {t:g} ms")
        return value.reshape(-1) if value.ndim else value


def _stream_rows(streams: list[_Stream], first: int, count: int, dt: float) -> list[np.ndarray]:
    """Rows of steps [first, first + count) of every stream, evaluated step by step and,
    within a step, in the order the inputs were added (so callables drawing from one random
    generator see the same sequence whatever the chunk sizes)."""
    out = [np.zeros((count, s.pop.size), np.float32) for s in streams]
    for r in range(count):
        for s, rows in zip(streams, out):
            rows[r] = s.value(first + r, dt)
    return out


class Network:
    """A network of populations of neurons and spike sources.

    Parameters
    ----------
    dt : float
        Time step, ms.
    seed : int
        Seeds every random draw (connectivity, weights, delays, parameters, noise): the same
        seed gives the same network and spike trains on any backend and thread count.
    """

    def __init__(self, dt: float = 0.1, seed: int = 0) -> None:
        if not is_number(dt):
            raise ConfigError(f"network: dt must be a finite number > 0 ms, got {dt!r}")
        if not is_integer(seed) or not 0 <= seed < 2**64:
            raise ConfigError(f"network: seed must be an integer in [0, 2^64), got {seed!r}")
        self._native = _core.Network(float(dt), int(seed))
        self.dt = float(dt)
        self.seed = int(seed)
        self.populations: list[Population] = []
        self.projections: list[Projection] = []
        self._streams: list[_Stream] = []
        self._sim: Any = None
        self.last_result: Result | None = None

    # --- building ------------------------------------------------------------------------------

    def population(self, n: int, model: NeuronModel | str | None = None, *, label: str | None = None,
                   **params: Any) -> Population:
        """Adds ``n`` neurons of a model.

        ``model``: a model object (:class:`snn.Izhikevich`, :class:`snn.LIF`,
        :class:`snn.LIFCond`, :class:`snn.PoissonSource`, :class:`snn.SpikeSource`, ...),
        an Izhikevich preset name (see :data:`snn.PRESETS`, or ``izhikevich2003_excitatory``
        / ``izhikevich2003_inhibitory``), a model name (``"lif"``), or None: Izhikevich
        neurons from the keywords. Keywords set or override the model's parameters (scalars
        or arrays of ``n`` values); Izhikevich's ``u0`` defaults to ``b * v0``.
        """
        label = f"pop{len(self.populations)}" if label is None else str(label)
        who = f"population '{label}'"
        if not is_integer(n) or n <= 0:
            raise ConfigError(f"{who}: size must be a positive integer, got {n!r}")
        spec = self._model_spec(who, int(n), model, params)
        index = self._native.add_population(int(n), label=label, **spec._native(who, int(n)))
        pop = Population(self, index, label, int(n), spec._model)
        self.populations.append(pop)
        return pop

    def _model_spec(self, who: str, n: int, model: Any, params: dict[str, Any]) -> NeuronModel:
        """The model object of a population(...) call, keywords applied."""
        given = {k: v for k, v in params.items() if v is not None}
        if isinstance(model, NeuronModel):
            return model.replace(**given) if given else model
        if model is None or (isinstance(model, str) and (ALIASES.get(model, model) in PRESETS or
                                                          model in RANDOM_PRESETS)):
            values: dict[str, Any] = {}
            if isinstance(model, str) and model in RANDOM_PRESETS:
                values.update(self._native.izhikevich_2003(n, RANDOM_PRESETS[model]))
            elif model is not None:
                values.update(PRESETS[ALIASES.get(model, model)])
            values.update(given)
            fields = {f for f in Izhikevich.__dataclass_fields__}
            unknown = sorted(set(values) - fields)
            if unknown:
                raise ConfigError(f"{who}: unknown parameter(s) {unknown} of model 'izhikevich'; its "
                                  f"parameters: {sorted(fields)} (other models: snn.LIF, snn.LIFCond, "
                                  f"...; snn.models_info())")
            missing = [k for k in "abcd" if k not in values]
            if missing:
                raise ConfigError(f"{who}: parameter(s) {missing} missing (give them or a preset)")
            return Izhikevich(**values)
        if isinstance(model, str) and model in MODELS and model != "spike_source":
            fields = [f for f in MODELS[model].__dataclass_fields__ if f != "_model"]
            unknown = sorted(set(given) - set(fields))
            missing = [f.name for f in dataclasses.fields(MODELS[model])
                       if f.default is dataclasses.MISSING and f.name not in given]
            if unknown or missing:
                problem = f"has no parameter(s) {unknown}" if unknown else f"needs parameter(s) {missing}"
                raise ConfigError(f"{who}: model '{model}' {problem}; its parameters: {fields}")
            return MODELS[model](**given)
        raise ConfigError(f"{who}: unknown model or preset {model!r}; presets: "
                          f"{sorted(PRESETS) + sorted(RANDOM_PRESETS)}; models: {sorted(MODELS)} "
                          f"(or a model object such as snn.LIF(...))")

    def _population(self, pop: Any, role: str) -> Population:
        if isinstance(pop, Population) and pop._net is self:
            return pop
        if isinstance(pop, str):
            for p in self.populations:
                if p.label == pop:
                    return p
        raise ConfigError(f"{role}: {pop!r} is not a population of this network")

    def connect(self, pre: Population | str, post: Population | str, connectivity: Any,
                weight: Any = None, delay: Any = 0.0, kernel: Any = None,
                label: str | None = None, receptor: str | None = None,
                plasticity: Any = None) -> Projection:
        """Connects ``pre`` to ``post``.

        ``connectivity``: a rule (:class:`AllToAll`, :class:`OneToOne`,
        :class:`FixedProbability`, :class:`FixedInDegree`, :class:`FixedOutDegree`), a dense
        matrix ``W[pre, post]`` (zeros are absent synapses), a SciPy sparse matrix,
        ``(pre_ids, post_ids)`` or ``(pre_ids, post_ids, weights, delays)``. ``weight``
        (default 1; not with a matrix) and ``delay`` (ms):
        a number, an array with one value per synapse, :class:`Uniform` or :class:`Normal`.
        ``kernel``: :class:`Instant` (default), :class:`Exponential`, :class:`Alpha` or
        :class:`Kernel`. ``receptor``: for conductance-based targets (:class:`LIFCond`),
        ``"excitatory"`` or ``"inhibitory"``; the weights are then conductances (µS, >= 0).
        ``plasticity``: :class:`STDP` or :class:`STDPIzhikevich2006` (the projection is then
        stored sparse with a weight per synapse; initial weights within the rule's bounds).
        """
        a, b = self._population(pre, "connect pre"), self._population(post, "connect post")
        label = "" if label is None else str(label)  # "": the engine names it pre->post
        who = f"projection '{label or f'{a.label}->{b.label}'}'"
        kernel = Instant() if kernel is None else kernel
        if not isinstance(kernel, KERNELS):
            raise ConfigError(f"{who}: kernel must be snn.Instant, Exponential, Alpha or Kernel, "
                              f"got {kernel!r}")
        k = kernel._native(who, self.dt)
        if receptor is not None:
            if not isinstance(receptor, str):
                raise ConfigError(f"{who}: receptor must be a string such as 'excitatory', got {receptor!r}")
            k = k.on(receptor)
        d = distribution(who, "delay", delay)
        n = self._native
        if isinstance(connectivity, RULES):
            w = distribution(who, "weight", 1.0 if weight is None else weight)
            index = n.connect(a.index, b.index, connectivity._native(who), w, d, k, label)
        elif hasattr(connectivity, "tocoo"):  # SciPy sparse matrix
            if weight is not None:
                raise ConfigError(f"{who}: weights come from the sparse matrix; do not pass weight")
            coo = connectivity.tocoo()
            if coo.shape != (a.size, b.size):
                raise ConfigError(f"{who}: sparse matrix has shape {coo.shape}, expected "
                                  f"({a.size}, {b.size}) = (pre size, post size)")
            w = distribution(who, "weight", np.asarray(coo.data, dtype=np.float64))
            index = n.connect_explicit(a.index, b.index, np.asarray(coo.row, np.int64),
                                       np.asarray(coo.col, np.int64), w, d, k, label)
        elif isinstance(connectivity, tuple):
            if len(connectivity) == 4:  # (pre_ids, post_ids, weights, delays)
                if weight is not None or not (is_number(delay) and delay == 0.0):
                    raise ConfigError(f"{who}: weights and delays come from the 4-tuple; do not "
                                      f"pass weight or delay")
                connectivity, weight, delay = connectivity[:2], connectivity[2], connectivity[3]
                d = distribution(who, "delay", delay)
            if len(connectivity) != 2:
                raise ConfigError(f"{who}: explicit connectivity is (pre_ids, post_ids) or "
                                  f"(pre_ids, post_ids, weights, delays), got a tuple of {len(connectivity)}")
            pre_ids, post_ids = (self._indices(who, x) for x in connectivity)
            w = distribution(who, "weight", 1.0 if weight is None else weight)
            index = n.connect_explicit(a.index, b.index, pre_ids, post_ids, w, d, k, label)
        else:
            if weight is not None:
                raise ConfigError(f"{who}: weights come from the matrix; do not pass weight")
            mat = as_array(connectivity, np.float32,
                           f"{who}: connectivity must be a rule, a matrix or (pre_ids, post_ids)")
            if mat.ndim != 2:
                raise ConfigError(f"{who}: weight matrix must be 2-D (pre size, post size), "
                                  f"got shape {mat.shape}")
            index = n.connect_dense(a.index, b.index, np.ascontiguousarray(mat), d, k, label)
        if plasticity is not None:
            if not isinstance(plasticity, PLASTICITY):
                raise ConfigError(f"{who}: plasticity must be snn.STDP or snn.STDPIzhikevich2006, "
                                  f"got {plasticity!r}")
            n.set_plasticity(index, plasticity._native(f"projection '{n.projection_label(index)}'"))
        proj = Projection(self, index, n.projection_label(index), a, b)
        self.projections.append(proj)
        return proj

    @staticmethod
    def _indices(who: str, x: Any) -> np.ndarray:
        arr = np.asarray(x)
        if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
            raise ConfigError(f"{who}: explicit indices must be 1-D integer arrays, "
                              f"got {arr.dtype} of shape {arr.shape}")
        return np.ascontiguousarray(arr, dtype=np.int64)

    def input(self, pop: Population | str, source: Any, start: float = 0.0) -> None:
        """Adds an external input current to ``pop``: a number, an ``(n,)`` array,
        :class:`Noise`, an array ``(steps, n)`` (row j = step j from ``start``), or a
        callable ``f(t_ms)`` returning a scalar or ``(n,)``. Inputs add up.

        ``start`` (ms, a whole number of steps): the input is 0 before it; an array's row 0
        and a callable's ``t = 0`` fall on the step at ``start``. Callables are called once
        per step, in step order and within a step in the order the inputs were added.
        """
        p = self._population(pop, "input")
        who = f"input of population '{p.label}'"
        first = self._steps(start, f"{who}: start")
        n = self._native
        if isinstance(source, (Noise, Pulses, PoissonInput)) and first:
            raise ConfigError(f"{who}: snn.{type(source).__name__} starts with the run; start must be 0")
        if isinstance(source, Noise):
            mean = np.ascontiguousarray(np.asarray(source.mean, dtype=np.float64).reshape(-1), np.float32)
            std = np.ascontiguousarray(np.asarray(source.std, dtype=np.float64).reshape(-1), np.float32)
            n.add_input_noise(p.index, mean, std)
            return
        if isinstance(source, Pulses):
            if not (is_number(source.rate) and is_number(source.amplitude)):
                raise ConfigError(f"{who}: snn.Pulses needs numbers, got rate={source.rate!r} Hz, "
                                  f"amplitude={source.amplitude!r}")
            n.add_input_pulses(p.index, float(source.rate), float(source.amplitude))
            return
        if isinstance(source, PoissonInput):
            if not (is_number(source.rate) and is_number(source.weight)) or source.target not in ("I", "v"):
                raise ConfigError(f"{who}: snn.PoissonInput needs numbers and target 'I' or 'v', got "
                                  f"rate={source.rate!r} Hz, weight={source.weight!r}, "
                                  f"target={source.target!r}")
            n.add_input_poisson(p.index, float(source.rate), float(source.weight), source.target == "v")
            return
        if callable(source):
            self._streams.append(_Stream(p, n.add_input_stream(p.index), source, first))
            return
        arr = as_array(source, np.float64, f"{who}: must be a number, an array, snn.Noise or a callable")
        if arr.ndim <= 1 and first == 0:
            n.add_input_constant(p.index, np.ascontiguousarray(arr.reshape(-1), np.float32))
        elif arr.ndim <= 1:  # a constant from `start` on: delivered as a stream
            if arr.size not in (1, p.size):
                raise ConfigError(f"{who}: constant input has {arr.size} values, expected 1 or {p.size}")
            data = np.ascontiguousarray(np.broadcast_to(arr.reshape(-1), (p.size,)), np.float32)
            self._streams.append(_Stream(p, n.add_input_stream(p.index), data, first))
        elif arr.ndim == 2:
            if arr.shape[1] != p.size:
                raise ConfigError(f"{who}: array input has shape {arr.shape}, expected (steps, {p.size})")
            bad = np.argwhere(~np.isfinite(arr))
            if bad.size:
                step, neuron = (int(x) for x in bad[0])
                raise ConfigError(f"{who}: array input holds a non-finite value {arr[step, neuron]} "
                                  f"at step {step}, neuron {neuron}")
            data = np.ascontiguousarray(arr, np.float32)
            self._streams.append(_Stream(p, n.add_input_stream(p.index), data, first))
        else:
            raise ConfigError(f"{who}: array input must be (n,) or (steps, n), got shape {arr.shape}")

    # --- running -------------------------------------------------------------------------------

    @property
    def step(self) -> int:
        """Steps run so far."""
        return 0 if self._sim is None else self._sim.step

    @property
    def t(self) -> float:
        """Time reached, ms."""
        return self.step * self.dt

    def _simulation(self, backend: str = "auto", threads: int | None = None) -> Any:
        if threads is not None and (not is_integer(threads) or threads < 1):
            raise ConfigError(f"run: threads must be a positive integer or None, got {threads!r}")
        if backend not in ("auto", "cpu", "cuda"):
            raise ConfigError(f"run: backend must be 'auto', 'cpu' or 'cuda', got {backend!r}")
        if self._sim is None:
            self._sim = _core.Simulation(self._native, backend, int(threads or 0))
        else:
            if backend != "auto" and backend != self._sim.backend:
                raise ConfigError(f"run: this network already runs on backend '{self._sim.backend}'; "
                                  f"build a new network for backend '{backend}'")
            if threads is not None and threads != self._sim.threads:
                raise ConfigError(f"run: this network already runs with {self._sim.threads} threads; "
                                  f"build a new network for threads={threads}")
        return self._sim

    def _steps(self, T: Any, what: str = "run: T") -> int:
        if not is_number(T):
            raise ConfigError(f"{what} must be a number of ms, got {T!r}")
        T = float(T)
        if not math.isfinite(T) or T < 0:
            raise ConfigError(f"{what} must be a finite number >= 0 ms, got {T}")
        steps = round(T / self.dt)
        if abs(T / self.dt - steps) > 1e-6:
            raise ConfigError(f"{what} = {T} ms is not a whole number of steps of dt = {self.dt} ms "
                              f"({T / self.dt:.6g} steps)")
        return int(steps)

    def _traces(self, record: Any) -> list:
        if record is None:
            return []
        items = [record] if isinstance(record, (str, Trace, WeightTrace)) else list(record)
        out, weighed = [], set()
        for item in items:
            if isinstance(item, WeightTrace):
                if id(item.proj) in weighed:
                    raise ConfigError(f"record: the weights of {item.proj!r} are asked for twice (one "
                                      f"snn.WeightTrace per projection)")
                weighed.add(id(item.proj))
                out.append(self._weight_trace(item))
                continue
            tr = Trace(item) if isinstance(item, str) else item
            if not isinstance(tr, Trace):
                raise ConfigError(f"record: expected 'v', 'u', 'I' or snn.Trace, got {item!r}")
            if not is_integer(tr.every) or tr.every < 1:
                raise ConfigError(f"record: 'every' must be a positive integer of steps, got {tr.every!r}")
            var = str(tr.var)
            if tr.pop is not None:
                pops = [self._population(tr.pop, "record")]
            else:  # every population whose model has the variable
                pops = [p for p in self.populations if var in p.variables]
                if not pops:
                    raise ConfigError(f"record: no population has a variable '{var}' (models' variables: "
                                      + "; ".join(f"{p.label}: {', '.join(p.variables) or 'none'}"
                                                  for p in self.populations) + ")")
            neurons = (np.zeros(0, np.int64) if tr.neurons is None
                       else self._indices("record", np.atleast_1d(tr.neurons)))
            for p in pops:
                out.append(_core.TraceRequest(p.index, var, neurons, int(tr.every)))
        return out

    def _weight_trace(self, tr: WeightTrace) -> Any:
        if not isinstance(tr.proj, Projection) or tr.proj._net is not self:
            raise ConfigError(f"record: WeightTrace needs a projection of this network, got {tr.proj!r}")
        if not is_integer(tr.every) or tr.every < 1:
            raise ConfigError(f"record: 'every' must be a positive integer of steps, got {tr.every!r}")
        synapses = (np.zeros(0, np.int64) if tr.synapses is None
                    else self._indices("record", np.atleast_1d(tr.synapses)))
        return _core.TraceRequest(0, "weight", synapses, int(tr.every), tr.proj.index)

    def run(self, T: float, record: Any = None, backend: str = "auto", threads: int | None = None,
            progress: bool | None = None) -> Result:
        """Runs ``T`` ms (a whole number of steps), continuing from where the last run ended.

        ``record``: variable names ("v", "u", "I", "g_E", ...: recorded in every population
        whose model has them), :class:`Trace` and :class:`WeightTrace` items (spikes are
        always recorded).
        ``backend``: "auto", "cpu" or "cuda". ``threads``: CPU threads (None: chosen from the
        network size). ``progress``: progress bar (None: on a terminal, for runs over 1 s).
        Ctrl-C stops at the next chunk: KeyboardInterrupt is raised and ``last_result`` holds
        what was recorded so far.
        """
        steps = self._steps(T)
        traces = self._traces(record)
        sim = self._simulation(backend, threads)
        start = time.perf_counter()
        sim.begin_run(steps, traces)
        bar = Progress(steps, progress)
        done, chunk = 0, 16
        try:
            while done < steps:
                n = min(chunk, steps - done)
                for s, rows in zip(self._streams, _stream_rows(self._streams, sim.step, n, self.dt)):
                    sim.set_stream(s.pop.index, s.index, rows)
                t0 = time.perf_counter()
                sim.advance(n)
                done += n
                bar.update(done)
                # Chunks of ~0.1 s: responsive to Ctrl-C, negligible overhead.
                elapsed = time.perf_counter() - t0
                chunk = max(1, min(chunk * 4, int(n * 0.1 / elapsed) if elapsed > 0 else chunk * 4))
        finally:
            bar.close()
            self.last_result = Result(sim.end_run(), self.populations, time.perf_counter() - start,
                                      self.projections)
        return self.last_result

    def __repr__(self) -> str:
        return (f"<Network dt={self.dt} ms, {len(self.populations)} populations, "
                f"{len(self.projections)} projections, t={self.t:g} ms>")
