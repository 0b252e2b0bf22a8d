"""Network, Population and Projection: the Python face of the native engine."""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from typing import Any, NamedTuple

import numpy as np

from . import _core, _distributed
from ._core import ConfigError, SnnError
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
    distribution,
    float32,
    indices,
    integer,
    is_number,
    number,
    real_array,
    short,
    text,
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

    @property
    def owned(self) -> tuple[int, int]:
        """The neurons [first, last) this process integrates (all unless the network is spread
        over MPI processes); the others' entries of its variables read as NaN."""
        return tuple(self._net._native.owned(self.index))

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
        what = f"population '{self.label}': {var}"
        arr = real_array(values, what, np.float32)
        if arr.shape not in ((), (self.size,)):
            raise ConfigError(f"{what} takes one value or {self.size}, got shape {arr.shape}")
        arr = np.broadcast_to(arr, (self.size,))
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
        what = f"projection '{self.label}': weights"
        arr = real_array(values, what)
        n = self.n_synapses
        if arr.ndim and arr.size != n:
            raise ConfigError(f"{what}: set_weights takes one value or {n}, got shape {arr.shape}")
        arr = np.ascontiguousarray(np.broadcast_to(arr.reshape(-1) if arr.ndim else arr, (n,)))
        self._net._simulation().set_weights(self.index, arr)

    def __repr__(self) -> str:
        return f"<Projection '{self.label}' {self.pre.label}->{self.post.label}: {self.n_synapses} synapses>"


class _Stream:
    """An input evaluated in Python per chunk: an array (steps, n), a callable f(t_ms) or a
    constant (n,) delivered from ``start`` (steps) on; zero before.

    A callable's values are kept by step until the step has run (``computed``): a run
    interrupted between computing a chunk and running it (Ctrl-C, an error in another input)
    leaves them for the next run, so a callable is called once per step whatever happens, and
    callables that share a random generator draw the same sequence as in an uninterrupted run.
    """

    def __init__(self, pop: Population, index: int, source: Any, start: int) -> None:
        self.pop, self.index, self.source, self.start = pop, index, source, start
        self.computed: dict[int, np.ndarray | float] = {}

    def value(self, step: int, dt: float) -> np.ndarray | float:
        """The input of one step (a callable is called with t = (step - start) * dt)."""
        j = step - self.start
        if j < 0:
            return 0.0
        if not callable(self.source):
            data = self.source
            if data.ndim == 1:  # a constant
                return data
            return data[j] if j < len(data) else 0.0
        if step not in self.computed:
            self.computed[step] = self._call(j * dt)
        return self.computed[step]

    def _call(self, t: float) -> np.ndarray | float:
        n, who = self.pop.size, f"input of population '{self.pop.label}'"
        value = real_array(self.source(t), f"{who}: the callable's value at t = {t:g} ms", np.float32,
                           expected=f"a number or ({n},) numbers")
        if value.shape not in ((), (n,), (n, 1)):
            raise ConfigError(f"{who}: the callable returned shape {value.shape} at t = {t:g} ms; "
                              f"expected a scalar or ({n},)")
        if not np.all(np.isfinite(value)):
            raise ConfigError(f"{who}: the callable returned a non-finite value at t = {t:g} ms")
        return value.reshape(-1) if value.ndim else value

    def forget_before(self, step: int) -> None:
        """Drops the kept values of the steps before ``step`` (they have run)."""
        for k in [k for k in self.computed if k < step]:
            del self.computed[k]


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
    comm : mpi4py communicator, optional
        Spreads the network over the processes of ``comm`` (default: all of them when the
        script was launched on several by ``mpirun``): every process runs the same script,
        owns a block of every population (:attr:`Population.owned`) and stores the synapses
        onto it; runs return each process's own spikes and traces (:meth:`Result.gather` puts
        them together), bit for bit those of one process. ``comm=MPI.COMM_SELF``: one.
    """

    def __init__(self, dt: float = 0.1, seed: int = 0, comm: Any = None) -> None:
        dt = number("network: dt (a finite number > 0 ms)", dt)
        seed = integer("network: seed", seed, 0, 2**64 - 1)
        native = _core.Network(dt, seed)
        comm = _distributed.resolve(comm)
        if comm is not None:
            native.distribute(_distributed.handle(comm))
        self._adopt(native, [], comm)

    def _adopt(self, native: Any, projection_ends: list[tuple[int, int]], comm: Any) -> None:
        """Sets up the Python side of a native network as it stands (a new one, or one rebuilt
        from a checkpoint): its populations, and its projections from ``projection_ends``
        (the (pre, post) population indices of each)."""
        self._native = native
        self.comm = comm
        self.dt = native.dt
        self.seed = native.seed
        self.populations: list[Population] = [
            Population(self, i, native.population_label(i), native.population_size(i),
                       native.population_model(i)[0]) for i in range(native.population_count)]
        self.projections: list[Projection] = [
            Projection(self, j, native.projection_label(j), self.populations[a], self.populations[b])
            for j, (a, b) in enumerate(projection_ends)]
        self._streams: list[_Stream] = []
        self._sim: Any = None
        self._sim_lock = threading.Lock()  # one Simulation, even if two threads ask at once
        self._run_thread: int | None = None  # the thread running the network now
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
        label = "" if label is None else text("population: label", label)  # "": the engine's "pop<i>"
        who = f"population '{label or f'pop{len(self.populations)}'}'"
        n = integer(f"{who}: size (a positive integer below 2^31)", n, 1, 2**31 - 1)
        spec = self._model_spec(who, n, model, params)
        index = self._native.add_population(n, label=label, **spec._native(who, n))
        pop = Population(self, index, self._native.population_label(index), n, spec._model)
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
                try:
                    values.update(self._native.izhikevich_2003(n, RANDOM_PRESETS[model]))
                except MemoryError as e:
                    raise MemoryError(f"{who}: {e}") from None
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
        label = "" if label is None else text("connect: label", label)  # "": the engine names it pre->post
        who = f"projection '{self._native.projection_name(a.index, b.index, label)}'"
        kernel = Instant() if kernel is None else kernel
        if not isinstance(kernel, KERNELS):
            raise ConfigError(f"{who}: kernel must be snn.Instant, Exponential, Alpha or Kernel, "
                              f"got {kernel!r}")
        k = kernel._native(who, self.dt)
        if receptor is not None:
            if not isinstance(receptor, str):
                raise ConfigError(f"{who}: receptor must be a string such as 'excitatory', got {receptor!r}")
            k = k.on(text(f"{who}: receptor", receptor))
        d = distribution(who, "delay", delay)
        n = self._native
        rule = _core.Plasticity()
        if plasticity is not None:
            if not isinstance(plasticity, PLASTICITY):
                raise ConfigError(f"{who}: plasticity must be snn.STDP or snn.STDPIzhikevich2006, "
                                  f"got {plasticity!r}")
            rule = plasticity._native(f"projection '{n.projection_name(a.index, b.index, label)}'")
        if isinstance(connectivity, RULES):
            w = distribution(who, "weight", 1.0 if weight is None else weight)
            index = n.connect(a.index, b.index, connectivity._native(who), w, d, k, label, rule)
        elif hasattr(connectivity, "tocoo"):  # SciPy sparse matrix
            if weight is not None:
                raise ConfigError(f"{who}: weights come from the sparse matrix; do not pass weight")
            coo = connectivity.tocoo()
            if coo.shape != (a.size, b.size):
                raise ConfigError(f"{who}: sparse matrix has shape {coo.shape}, expected "
                                  f"({a.size}, {b.size}) = (pre size, post size)")
            w = distribution(who, "weight", np.asarray(coo.data, dtype=np.float64))
            index = n.connect_explicit(a.index, b.index, np.asarray(coo.row, np.int64),
                                       np.asarray(coo.col, np.int64), w, d, k, label, rule)
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
            pre_ids = indices(who, connectivity[0], a.size, "pre")
            post_ids = indices(who, connectivity[1], b.size, "post")
            if pre_ids.size != post_ids.size:
                raise ConfigError(f"{who}: explicit synapses have {pre_ids.size} pre indices but "
                                  f"{post_ids.size} post indices")
            w = distribution(who, "weight", 1.0 if weight is None else weight)
            index = n.connect_explicit(a.index, b.index, pre_ids, post_ids, w, d, k, label, rule)
        else:
            if not isinstance(connectivity, (np.ndarray, list)) and not hasattr(connectivity, "__array__"):
                raise ConfigError(f"{who}: connectivity must be a rule (snn.AllToAll(), snn.OneToOne(), "
                                  f"...), a weight matrix (pre size, post size), a SciPy sparse matrix or "
                                  f"(pre_ids, post_ids), got {short(connectivity)}")
            if weight is not None:
                raise ConfigError(f"{who}: weights come from the matrix; do not pass weight")
            mat = real_array(connectivity, f"{who}: weight matrix", np.float32,
                             expected="a 2-D array of numbers (pre size, post size)")
            if mat.ndim != 2:
                raise ConfigError(f"{who}: weight matrix must be 2-D (pre size, post size), "
                                  f"got shape {mat.shape}")
            index = n.connect_dense(a.index, b.index, np.ascontiguousarray(mat), d, k, label, rule)
        proj = Projection(self, index, n.projection_label(index), a, b)
        self.projections.append(proj)
        return proj

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
            mean, std = (np.ascontiguousarray(real_array(getattr(source, x), f"{who}: noise {x}",
                                                         np.float32).reshape(-1)) for x in ("mean", "std"))
            n.add_input_noise(p.index, mean, std)
            return
        if isinstance(source, Pulses):
            n.add_input_pulses(p.index, number(f"{who}: snn.Pulses rate (Hz)", source.rate),
                               float32(f"{who}: snn.Pulses amplitude", source.amplitude))
            return
        if isinstance(source, PoissonInput):
            if source.target not in ("I", "v"):
                raise ConfigError(f"{who}: snn.PoissonInput target must be 'I' or 'v', got {source.target!r}")
            n.add_input_poisson(p.index, number(f"{who}: snn.PoissonInput rate (Hz)", source.rate),
                                float32(f"{who}: snn.PoissonInput weight", source.weight),
                                source.target == "v")
            return
        if callable(source):
            self._streams.append(_Stream(p, n.add_input_stream(p.index), source, first))
            return
        arr = real_array(source, f"{who}: value", np.float32,
                         expected="a number, an array, snn.Noise or a callable")
        if arr.ndim <= 1 and first == 0:
            n.add_input_constant(p.index, np.ascontiguousarray(arr.reshape(-1)))
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
            self._streams.append(_Stream(p, n.add_input_stream(p.index), np.ascontiguousarray(arr), first))
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

    def exchanges(self) -> dict[str, Any]:
        """What exchanging spikes between processes has cost so far (a network spread over
        MPI processes; zeros otherwise): ``epochs``, ``spikes_sent`` (this process's),
        ``words_received`` (32-bit) and ``seconds`` (in the exchanges, waiting included)."""
        if self._sim is None:
            return {"epochs": 0, "spikes_sent": 0, "words_received": 0, "seconds": 0.0}
        return self._sim.exchanges()

    def _simulation(self, backend: str = "auto", threads: int | None = None) -> Any:
        if threads is not None:
            threads = integer(f"run: threads (at most 4 x the {_core.max_threads() // 4} hardware threads)",
                              threads, 1, _core.max_threads())
        if not isinstance(backend, str) or backend not in ("auto", "cpu", "cuda"):
            raise ConfigError(f"run: backend must be 'auto', 'cpu' or 'cuda', got {backend!r}")
        with self._sim_lock:
            if self._sim is None:
                self._sim = _core.Simulation(self._native, backend, threads or 0)
                return self._sim
            if backend != "auto" and backend != self._sim.backend:
                raise ConfigError(f"run: this network already runs on backend '{self._sim.backend}'; "
                                  f"build a new network for backend '{backend}'")
            if threads is not None and threads != self._sim.threads:
                raise ConfigError(f"run: this network already runs with {self._sim.threads} threads; "
                                  f"build a new network for threads={threads}")
        return self._sim

    def _steps(self, T: Any, what: str = "run: T") -> int:
        T = number(f"{what} (ms)", T)
        if not math.isfinite(T) or T < 0:
            raise ConfigError(f"{what} must be a finite number >= 0 ms, got {T}")
        if T / self.dt > _core.max_steps:
            raise ConfigError(f"{what} = {T:g} ms is {T / self.dt:g} steps of dt = {self.dt:g} ms, more than "
                              f"the engine's limit of 2^63 - 1 steps")
        steps = round(T / self.dt)
        if abs(T / self.dt - steps) > 1e-6:
            raise ConfigError(f"{what} = {T} ms is not a whole number of steps of dt = {self.dt} ms "
                              f"({T / self.dt:.6g} steps)")
        return int(steps)

    def _traces(self, record: Any) -> list:
        if record is None:
            return []
        if not isinstance(record, (str, Trace, WeightTrace)) and not hasattr(record, "__iter__"):
            raise ConfigError(f"record: expected a variable name ('v', 'u', 'I', ...), snn.Trace, "
                              f"snn.WeightTrace or a list of them, got {short(record)}")
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
            every = integer("record: 'every' (steps)", tr.every, 1, 2**64 - 1)
            var = text("record: variable", tr.var)
            if tr.pop is not None:
                pops = [self._population(tr.pop, "record")]
            else:  # every population whose model has the variable
                pops = [p for p in self.populations if var in p.variables]
                if not pops:
                    raise ConfigError(f"record: no population has a variable '{var}' (models' variables: "
                                      + "; ".join(f"{p.label}: {', '.join(p.variables) or 'none'}"
                                                  for p in self.populations) + ")")
            for p in pops:
                neurons = (np.zeros(0, np.int64) if tr.neurons is None else
                           indices(f"record on population '{p.label}'", np.atleast_1d(tr.neurons), p.size,
                                   "neuron"))
                out.append(_core.TraceRequest(p.index, var, neurons, every))
        return out

    def _weight_trace(self, tr: WeightTrace) -> Any:
        if not isinstance(tr.proj, Projection) or tr.proj._net is not self:
            raise ConfigError(f"record: WeightTrace needs a projection of this network, got {tr.proj!r}")
        every = integer("record: WeightTrace 'every' (steps)", tr.every, 1, 2**64 - 1)
        synapses = (np.zeros(0, np.int64) if tr.synapses is None
                    else indices(f"record the weights of {tr.proj!r}", np.atleast_1d(tr.synapses),
                                 tr.proj.n_synapses, "synapse"))
        return _core.TraceRequest(0, "weight", synapses, every, tr.proj.index)

    def run(self, T: float, record: Any = None, backend: str = "auto", threads: int | None = None,
            progress: bool | None = None) -> Result:
        """Runs ``T`` ms (a whole number of steps), continuing from where the last run ended.

        ``record``: variable names ("v", "u", "I", "g_E", ...: recorded in every population
        whose model has them), :class:`Trace` and :class:`WeightTrace` items (spikes are
        always recorded).
        ``backend``: "auto", "cpu" or "cuda". ``threads``: CPU threads (None: chosen from the
        network size). ``progress``: progress bar (None: on a terminal, for runs over 1 s).
        Ctrl-C stops at the next chunk: KeyboardInterrupt is raised, ``last_result`` holds
        what was recorded so far, and the values that input callables had already computed for
        steps not yet run are kept for the next run (each callable is called once per step, so
        callables drawing from a shared random generator continue as if uninterrupted).

        A network runs in one thread at a time: ``run`` from another thread while it runs (or
        reading or setting its state or weights from there) raises :class:`snn.SnnError`, and
        so does ``run`` from inside one of its own input callables; independent networks run
        in parallel threads (the engine releases the GIL).
        """
        if self._run_thread is not None:
            if self._run_thread == threading.get_ident():
                raise SnnError("run: the network is already running in this thread: net.run was called "
                               "from inside its own run (from one of its input callables?)")
            raise SnnError("run: the network is running in another thread (a network runs in one thread "
                           "at a time)")
        steps = self._steps(T)
        traces = self._traces(record)
        sim = self._simulation(backend, threads)
        start = time.perf_counter()
        sim.begin_run(steps, traces)
        self._run_thread = threading.get_ident()
        bar = Progress(steps, progress if self.comm is None or self.comm.Get_rank() == 0 else False)
        done, chunk = 0, 16
        try:
            while done < steps:
                n = min(chunk, steps - done)
                for s in self._streams:
                    s.forget_before(sim.step)
                for s, rows in zip(self._streams, _stream_rows(self._streams, sim.step, n, self.dt)):
                    sim.set_stream(s.pop.index, s.index, rows)
                t0 = time.perf_counter()
                sim.advance(n)
                done += n
                bar.update(done)
                # Chunks of ~0.1 s: responsive to Ctrl-C, negligible overhead.
                elapsed = time.perf_counter() - t0
                chunk = max(1, min(chunk * 4, int(n * 0.1 / elapsed) if elapsed > 0 else chunk * 4))
                if self.comm is not None:  # every process runs the same chunks (collectives)
                    chunk = self.comm.bcast(chunk, root=0)
        finally:
            self._run_thread = None
            bar.close()
            self.last_result = Result(sim.end_run(), self.populations, time.perf_counter() - start,
                                      self.projections)
            self.last_result._comm = self.comm
            self.last_result._requested = {(t.population, t.variable): t.neurons
                                           for t in traces if t.projection < 0}
        return self.last_result

    # --- checkpoints ---------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the network and its state (after the steps run so far) to a checkpoint file
        at ``path`` (NumPy's ``.npz`` format; docs/checkpoints.md): :func:`snn.load` gives
        a network whose runs continue bit for bit as this one's would. Input callables are
        not stored (pass them again to :func:`snn.load`); recordings are not stored. The
        file is written whole or not at all."""
        from ._checkpoint import save

        if self._run_thread is not None:
            raise SnnError("save: the network is running (save it between runs)")
        save(self, path)

    @staticmethod
    def load(path: str | os.PathLike[str], *, backend: str = "auto", threads: int | None = None,
             callables: Any = ()) -> Network:
        """The network saved at ``path`` by :meth:`save` (see :func:`snn.load`)."""
        from ._checkpoint import load

        return load(path, backend=backend, threads=threads, callables=callables)

    def __repr__(self) -> str:
        return (f"<Network dt={self.dt} ms, {len(self.populations)} populations, "
                f"{len(self.projections)} projections, t={self.t:g} ms>")
