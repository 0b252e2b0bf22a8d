"""Projections of snn.pynn: PyNN connectors onto snn's connection rules or explicit lists.

Which connections a projection gets (what is exact):

- ``AllToAllConnector`` and ``OneToOneConnector`` between whole populations, with weights
  and delays that are numbers (or distributions drawn by a :class:`NativeRNG`), become snn's
  ``AllToAll`` / ``OneToOne`` rules: the same connections PyNN's own code makes.
- ``FixedProbabilityConnector``, ``FixedNumberPreConnector`` and ``FixedNumberPostConnector``
  (without replacement) given ``rng=NativeRNG()`` become snn's ``FixedProbability``,
  ``FixedInDegree`` and ``FixedOutDegree``, drawn by snn's counter-based generator (keyed by
  ``setup(rng_seed=...)``): the counts PyNN documents, the same on every snn backend, but not
  the connections PyNN's NumPy code would draw. Weights and delays must then be numbers or
  ``RandomDistribution('uniform' | 'normal' | 'normal_clipped_to_boundary', rng=NativeRNG())``
  (snn.Uniform, snn.Normal; snn clips a normal to its bounds, as the last of these).
- Everything else (the default ``NumpyRNG``, views and assemblies, distance expressions,
  ``FromListConnector``, ...) runs PyNN's own connector code, and the engine gets the
  explicit list: exactly the connections, weights and delays of every other PyNN backend
  that runs that code with the same ``rng``.

Weights are rounded as the engine stores them (float32, then its fixed-point step);
delays to whole steps (``get('delay')`` gives the delays used, in ms).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyNN import common, connectors, errors
from pyNN.parameters import ParameterSpace
from pyNN.random import NativeRNG, RandomDistribution
from pyNN.space import Space

import snn

from . import simulator
from .simulator import state
from .standardmodels import StaticSynapse, STDPMechanism

_SPACE = Space()
_STDP_NAMES = ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max")


def _native_value(lazy: Any) -> Any:
    """A number, an snn distribution, or None where the value needs PyNN's code."""
    base = lazy.base_value
    if getattr(lazy, "operations", None):
        return None
    if isinstance(base, (int, float, np.integer, np.floating)) and not isinstance(base, bool):
        return float(base)
    if isinstance(base, RandomDistribution) and isinstance(base.rng, NativeRNG):
        p = base.parameters
        if base.name == "uniform":
            return snn.Uniform(p["low"], p["high"])
        if base.name == "normal":
            return snn.Normal(p["mu"], p["sigma"])
        if base.name == "normal_clipped_to_boundary":
            return snn.Normal(p["mu"], p["sigma"], p["low"], p["high"])
        raise NotImplementedError(
            f"snn.pynn: RandomDistribution('{base.name}') with a NativeRNG is not available on snn "
            f"(snn draws 'uniform', 'normal' and 'normal_clipped_to_boundary'); use a NumpyRNG")
    return None


def _native_rule(connector: Any) -> Any:
    """snn's rule for a connector, or None."""
    self_ok = getattr(connector, "allow_self_connections", True)
    if self_ok not in (True, False):  # 'NoMutual'
        return None
    if isinstance(connector, connectors.AllToAllConnector):
        return snn.AllToAll(allow_self=self_ok)
    if isinstance(connector, connectors.OneToOneConnector):
        return snn.OneToOne()
    if not isinstance(getattr(connector, "rng", None), NativeRNG):
        return None
    if isinstance(connector, connectors.FixedProbabilityConnector):
        return snn.FixedProbability(connector.p_connect, allow_self=self_ok)
    if isinstance(connector, (connectors.FixedNumberPreConnector, connectors.FixedNumberPostConnector)):
        if connector.with_replacement or not isinstance(connector.n, (int, np.integer)):
            raise NotImplementedError(
                f"snn.pynn: {type(connector).__name__} with a NativeRNG needs an integer n and "
                f"with_replacement=False (snn draws distinct partners); use a NumpyRNG for the rest")
        pre = isinstance(connector, connectors.FixedNumberPreConnector)
        return (snn.FixedInDegree if pre else snn.FixedOutDegree)(int(connector.n), allow_self=self_ok)
    raise NotImplementedError(f"snn.pynn: {type(connector).__name__} has no native snn rule; give it a "
                              f"NumpyRNG (or no rng) to run PyNN's own connector code")


def _roots(cells: Any) -> tuple[list, np.ndarray, np.ndarray]:
    """For each neuron of a Population, view or Assembly: its Population (index into the
    returned list) and its index there."""
    parts = cells.populations if isinstance(cells, common.Assembly) else [cells]
    roots: list = []
    which, index = [], []
    for part in parts:
        if isinstance(part, common.PopulationView):
            root, idx = part._root()
        else:
            root, idx = part, np.arange(part.size)
        if not any(r is root for r in roots):
            roots.append(root)
        which.append(np.full(len(idx), next(i for i, r in enumerate(roots) if r is root)))
        index.append(np.asarray(idx, dtype=np.int64))
    return roots, np.concatenate(which), np.concatenate(index)


class Connection(common.Connection):
    """One connection: its indices and attributes (weight, delay, ...) as they are now."""

    def __init__(self, projection: Projection, i: int) -> None:
        self.presynaptic_index = int(projection._pre[i])
        self.postsynaptic_index = int(projection._post[i])
        for name, values in projection._values().items():
            setattr(self, name, float(values[i]))

    def as_tuple(self, *names: str) -> tuple:
        return tuple(getattr(self, n) for n in names)


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=_SPACE, label=None):
        state.check_not_built("projections cannot be added")
        if synapse_type is not None and not isinstance(synapse_type, (StaticSynapse, STDPMechanism)):
            raise NotImplementedError(f"snn.pynn: the synapse type must be snn.pynn's StaticSynapse or "
                                      f"STDPMechanism, got {type(synapse_type).__name__}")
        if not postsynaptic_population.receptor_types:
            raise errors.ConnectionError(
                f"snn.pynn: '{postsynaptic_population.label}' is made of spike sources "
                f"({type(postsynaptic_population.celltype).__name__}), which take no synapses")
        if source is not None:
            raise NotImplementedError("snn.pynn: standard cells have one spike source; source must be None")
        super().__init__(presynaptic_population, postsynaptic_population, connector, synapse_type, source,
                         receptor_type, space, label)
        self._chunks: list[tuple[np.ndarray, int, dict[str, Any]]] = []
        self._pre = self._post = np.zeros(0, np.int64)
        self._attrs: dict[str, np.ndarray] = {}
        self._parts: list[tuple[Any, int, int]] = []  # (snn projection, first, stop) in our order
        self._spec: dict[str, Any] | None = None  # a native rule and its values, not drawn yet
        state.projections.append(self)
        if not self._connect_natively(connector):
            for name, lazy in self.synapse_type.native_parameters.items():
                base = lazy.base_value
                if isinstance(base, RandomDistribution) and isinstance(base.rng, NativeRNG):
                    raise NotImplementedError(f"snn.pynn: '{name}' drawn by a NativeRNG needs a connector "
                                              f"that snn draws itself (see snn.pynn.projections); use a "
                                              f"NumpyRNG")
            connector.connect(self)

    def _connect_natively(self, connector: Any) -> bool:
        from .populations import Population

        rule = _native_rule(connector)
        if rule is None:
            return False
        whole = isinstance(self.pre, Population) and isinstance(self.post, Population)
        values = {name: _native_value(lazy) for name, lazy in self.synapse_type.native_parameters.items()}
        if whole and all(v is not None for v in values.values()):
            self._spec = dict(values, rule=rule)
            return True
        if isinstance(rule, (snn.AllToAll, snn.OneToOne)):
            return False  # PyNN's code makes the same connections
        raise NotImplementedError(
            f"snn.pynn: projection '{self.label}': a connector with a NativeRNG is drawn by snn, which needs "
            f"whole populations (not views or assemblies) and weights, delays and plasticity parameters "
            f"given as numbers or NativeRNG distributions; use a NumpyRNG otherwise")

    # --- what PyNN's connectors call -------------------------------------------------------------

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, location_selector=None,
                            **connection_parameters):
        if location_selector is not None:
            raise NotImplementedError("snn.pynn: point neurons only; location_selector must be None")
        pre = np.asarray(presynaptic_indices, dtype=np.int64).reshape(-1)
        self._chunks.append((pre, int(postsynaptic_index), connection_parameters))

    def _collect(self) -> None:
        """Joins the connections the connector made so far into the arrays."""
        if not self._chunks:
            return
        pre = [self._pre] + [c[0] for c in self._chunks]
        post = [self._post] + [np.full(c[0].size, c[1], np.int64) for c in self._chunks]
        names = set(self._chunks[0][2]) | set(self._attrs)
        attrs = {name: np.concatenate([self._attrs.get(name, np.zeros(0))] + [
            np.broadcast_to(np.asarray(c[2][name], dtype=np.float64), c[0].shape) for c in self._chunks])
            for name in names}
        self._pre, self._post, self._attrs = np.concatenate(pre), np.concatenate(post), attrs
        self._chunks = []

    def _connections(self) -> tuple[np.ndarray, np.ndarray]:
        if self._spec is not None:  # drawn by the engine: build it
            state.network()
        self._collect()
        return self._pre, self._post

    def _values(self) -> dict[str, np.ndarray]:
        """Every attribute (native names) of every connection, weights as they are now."""
        self._connections()
        out = dict(self._attrs)
        if self._parts:
            out["weight"] = np.concatenate([p.weights() for p, _, _ in self._parts])
        return out

    def __len__(self) -> int:
        return int(self._connections()[0].size)

    def __getitem__(self, i: int) -> Connection:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"projection '{self.label}' has {n} connections, no connection {i}")
        return Connection(self, i % n)

    # --- get and set ---------------------------------------------------------------------------

    def _get_attributes_as_list(self, names):
        pre, post = self._connections()
        values = self._values()
        columns = []
        for name in names:
            if name == "presynaptic_index":
                columns.append(pre.tolist())
            elif name == "postsynaptic_index":
                columns.append(post.tolist())
            else:
                columns.append(self._column(values, name).tolist())
        return list(zip(*columns))

    def _column(self, values: dict[str, np.ndarray], name: str) -> np.ndarray:
        if name not in values:
            raise errors.NonExistentParameterError(name, type(self.synapse_type).__name__,
                                                   self.synapse_type.get_parameter_names())
        return values[name]

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        pre, post = self._connections()
        values = self._values()
        flat = pre * self.post.size + post
        unique, first, counts = np.unique(flat, return_index=True, return_counts=True)
        out = []
        for name in names:
            column = self._column(values, name)
            arr = np.full(self.pre.size * self.post.size, np.nan)
            if np.all(counts == 1):
                arr[flat] = column
            else:
                reduce = {"sum": np.add, "min": np.minimum, "max": np.maximum}.get(multiple_synapses)
                if reduce is not None:
                    acc = np.zeros(unique.size) if multiple_synapses == "sum" else column[first].copy()
                    reduce.at(acc, np.searchsorted(unique, flat), column)
                    arr[unique] = acc
                elif multiple_synapses == "first":
                    arr[unique] = column[first]
                else:  # last
                    last = flat.size - 1 - np.unique(flat[::-1], return_index=True)[1]
                    arr[unique] = column[last]
            out.append(arr.reshape(self.pre.size, self.post.size))
        return out

    def set(self, **attributes):
        if self._spec is not None and not any(isinstance(v, (list, np.ndarray)) for v in attributes.values()):
            space = self.synapse_type.translate(
                ParameterSpace(attributes, self.synapse_type.get_schema(), self.shape))
            values = {name: _native_value(lazy) for name, lazy in space.items()}
            if all(v is not None for v in values.values()):  # not drawn yet: the rule takes them
                self._spec.update(values)
                return
        super().set(**attributes)

    def _set_attributes(self, parameter_space):
        pre, post = self._connections()
        parameter_space.shape = (self.pre.size, self.post.size)
        for name, lazy in parameter_space.items():
            if lazy.is_homogeneous:
                values = np.full(pre.size, float(lazy.evaluate(simplify=True)))
            else:
                values = np.asarray(lazy.evaluate(simplify=False), dtype=np.float64)[pre, post]
            if name not in self._attrs:
                raise errors.NonExistentParameterError(name, type(self.synapse_type).__name__,
                                                       self.synapse_type.get_parameter_names())
            if name == "weight" and self._parts:
                for native, first, stop in self._parts:
                    native.set_weights(values[first:stop])
            elif self._parts:
                state.check_not_built(f"'{name}' of projection '{self.label}' cannot change")
            self._attrs[name] = values

    # --- building ------------------------------------------------------------------------------

    def _synapse(self, root: Any) -> tuple[Any, str | None]:
        return root.celltype._snn_synapse(self.receptor_type, root._parameters)

    def _rule(self, values: dict[str, Any]) -> Any:
        if not isinstance(self.synapse_type, STDPMechanism):
            return None
        p = {}
        for name in _STDP_NAMES:
            v = values[name]
            if isinstance(v, np.ndarray):
                if v.size and np.any(v != v[0]):
                    raise NotImplementedError(f"snn.pynn: projection '{self.label}': STDP parameter '{name}' "
                                              f"must be the same for every synapse (snn keeps one rule per "
                                              f"projection)")
                v = float(v[0]) if v.size else float(self.synapse_type.native_parameters[name].base_value)
            p[name] = float(v)
        return self.synapse_type._snn_rule(p)

    def _label(self, net: Any) -> str:
        """A label snn has not used yet (snn's labels are unique, PyNN's need not be)."""
        base = self.label or f"{self.pre.label}->{self.post.label}"
        taken = {p.label for p in net.projections}
        label, k = base, 1
        while label in taken:
            k += 1
            label = f"{base}#{k}"
        return label

    def _build(self, net: Any) -> None:
        self._parts = []
        if self._spec is not None:
            spec = self._spec
            kernel, receptor = self._synapse(self.post)
            proj = net.connect(self.pre._native, self.post._native, spec["rule"], weight=spec["weight"],
                               delay=spec["delay"], kernel=kernel, receptor=receptor,
                               label=self._label(net), plasticity=self._rule(spec))
            pre, post, _, delay = proj.synapses()
            n = pre.size
            self._pre, self._post = pre.astype(np.int64), post.astype(np.int64)
            self._attrs = {name: np.full(n, v) for name, v in spec.items()
                           if name not in ("rule", "weight", "delay")}
            self._attrs["weight"] = proj.weights().copy()
            self._attrs["delay"] = np.asarray(delay, float)
            self._parts = [(proj, 0, n)]
            self._spec = None  # drawn: from now on (and after a reset) the explicit list
            return
        self._collect()
        pre_roots, pre_which, pre_index = _roots(self.pre)
        post_roots, post_which, post_index = _roots(self.post)
        if not self._attrs:  # no connections
            return
        rule = self._rule(self._attrs)
        group = pre_which[self._pre] * len(post_roots) + post_which[self._post]
        order_pre, order_post, attrs = [], [], {name: [] for name in self._attrs}
        first = 0
        for g in np.unique(group):
            sel = np.flatnonzero(group == g)
            a, b = pre_roots[g // len(post_roots)], post_roots[g % len(post_roots)]
            kernel, receptor = self._synapse(b)
            proj = net.connect(a._native, b._native,
                               (pre_index[self._pre[sel]], post_index[self._post[sel]],
                                self._attrs["weight"][sel], self._attrs["delay"][sel]),
                               kernel=kernel, receptor=receptor, label=self._label(net), plasticity=rule)
            pre, post, _, delay = proj.synapses()
            # back to this projection's indices, in the engine's order
            mine_pre = np.flatnonzero(pre_which == g // len(post_roots))
            mine_post = np.flatnonzero(post_which == g % len(post_roots))
            back_pre = np.full(a.size, -1, np.int64)
            back_pre[pre_index[mine_pre]] = mine_pre
            back_post = np.full(b.size, -1, np.int64)
            back_post[post_index[mine_post]] = mine_post
            order_pre.append(back_pre[pre])
            order_post.append(back_post[post])
            for name in self._attrs:
                if name == "weight":
                    attrs[name].append(proj.weights().copy())
                elif name == "delay":
                    attrs[name].append(np.asarray(delay, float))
                else:
                    attrs[name].append(np.full(pre.size, self._attrs[name][sel][0]))
            self._parts.append((proj, first, first + pre.size))
            first += pre.size
        self._pre, self._post = np.concatenate(order_pre), np.concatenate(order_post)
        self._attrs = {name: np.concatenate(v) for name, v in attrs.items()}
