"""Population, PopulationView and Assembly of snn.pynn."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyNN import common, errors
from pyNN.parameters import LazyArray, ParameterSpace, simplify

from . import simulator
from .recording import Recorder
from .simulator import state
from .standardmodels import CELL_TYPES, _SnnCell


class Assembly(common.Assembly):
    _simulator = simulator


def _evaluate(value: Any, size: int) -> np.ndarray:
    if isinstance(value, LazyArray):
        value.shape = (size,)
        return np.asarray(value.evaluate(simplify=False))
    return np.asarray(np.broadcast_to(value, (size,)))


class PopulationView(common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    def _root(self) -> tuple[Population, np.ndarray]:
        """The Population underneath and the indices of this view's neurons in it."""
        return self.grandparent, np.asarray(self.index_in_grandparent(np.arange(self.size)), dtype=np.int64)

    def _get_parameters(self, *names: str) -> ParameterSpace:
        root, index = self._root()
        return root._get_parameters(*names, index=index)

    def _get_native_parameters(self, *names: str) -> ParameterSpace:
        root, index = self._root()
        return root._get_native_parameters(*names, index=index)

    def _set_parameters(self, parameter_space: ParameterSpace) -> None:
        root, index = self._root()
        root._set_native(parameter_space, index)

    def initialize(self, **initial_values: Any) -> None:
        root, index = self._root()
        for variable, value in initial_values.items():
            values = _evaluate(LazyArray(value, shape=(self.size,), dtype=float), self.size)
            root._set_initial(variable, values, index)

    def _get_view(self, selector: Any, label: str | None = None) -> PopulationView:
        return PopulationView(self, selector, label)


class Population(common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def __init__(self, size, cellclass, cellparams=None, structure=None, initial_values=None, label=None):
        ours = isinstance(cellclass, _SnnCell) or (isinstance(cellclass, type)
                                                    and issubclass(cellclass, _SnnCell))
        if not ours:
            name = getattr(cellclass, "__name__", type(cellclass).__name__)
            raise NotImplementedError(
                f"snn.pynn: the cell type must be an instance of one of snn.pynn's "
                f"{', '.join(c.__name__ for c in CELL_TYPES)}, e.g. sim.IF_cond_exp(tau_m=20.0); got {name}")
        state.check_not_built("populations cannot be added")
        self._native: Any = None
        self._init: dict[str, np.ndarray] = {}
        super().__init__(size, cellclass, cellparams, structure, initial_values or {}, label)
        state.populations.append(self)

    def _create_cells(self) -> None:
        ids = np.arange(state.id_counter, state.id_counter + self.size)
        self.all_cells = np.array([simulator.ID(i) for i in ids], dtype=simulator.ID)
        self._mask_local = np.ones(self.size, dtype=bool)
        for cell in self.all_cells:
            cell.parent = self
        state.id_counter += self.size
        space = self.celltype.native_parameters
        space.shape = (self.size,)
        space.evaluate(simplify=False)
        self._parameters = {k: np.array(v) for k, v in space.as_dict().items()}

    def _get_view(self, selector: Any, label: str | None = None) -> PopulationView:
        return PopulationView(self, selector, label)

    # --- parameters ----------------------------------------------------------------------------

    def _get_parameters(self, *names: str, index: Any = None) -> ParameterSpace:
        if any(name in self.celltype.computed_parameters() for name in names):
            native = self.celltype.get_native_names()
        else:
            native = self.celltype.get_native_names(*names)
        return self.celltype.reverse_translate(self._get_native_parameters(*native, index=index))

    def _get_native_parameters(self, *names: str, index: Any = None) -> ParameterSpace:
        values = {name: simplify(self._parameters[name] if index is None else self._parameters[name][index])
                  for name in names}
        return ParameterSpace(values, shape=(self.size if index is None else len(index),))

    def _set_parameters(self, parameter_space: ParameterSpace) -> None:
        self._set_native(parameter_space, None)

    def _set_native(self, parameter_space: ParameterSpace, index: Any) -> None:
        state.check_not_built(f"the parameters of population '{self.label}' cannot change")
        size = self.size if index is None else len(index)
        parameter_space.shape = (size,)
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            target = self._parameters[name]
            value = np.asarray(value)
            if target.dtype != object and value.dtype == object:
                raise errors.InvalidParameterValueError(f"{name} must be numbers, got {value!r}")
            if index is None:
                self._parameters[name] = np.array(np.broadcast_to(value, (size,)), dtype=target.dtype)
            else:
                target[index] = value

    # --- initial values ------------------------------------------------------------------------

    def _set_initial_value_array(self, variable: str, initial_values: Any) -> None:
        self._set_initial(variable, _evaluate(initial_values, self.size), None)

    def _set_initial(self, variable: str, values: np.ndarray, index: Any) -> None:
        celltype = self.celltype
        if variable in celltype._zero_initial:
            if np.any(np.asarray(values, dtype=float) != 0):
                raise NotImplementedError(f"snn.pynn: population '{self.label}': the initial value of "
                                          f"'{variable}' must be 0 on snn (its synaptic state starts empty)")
            return
        if variable not in celltype.default_initial_values:
            raise errors.NonExistentParameterError(variable, type(celltype).__name__,
                                                   list(celltype.default_initial_values))
        values = np.asarray(values, dtype=np.float64)
        if index is None:
            self._init[variable] = np.array(np.broadcast_to(values, (self.size,)))
        else:
            self._init[variable][index] = values
            self.initial_values[variable] = LazyArray(self._init[variable].copy(), shape=(self.size,))
        if self._native is not None:  # built: the state changes now
            setattr(self._native, celltype.variable_map[variable], self._init[variable])

    # --- building ------------------------------------------------------------------------------

    def _build(self, net: Any) -> None:
        taken = {p.label for p in net.populations}
        label, k = self.label, 1
        while label in taken:  # snn's labels are unique, PyNN's need not be
            k += 1
            label = f"{self.label}#{k}"
        model, current = self.celltype._snn_model(self._parameters, self._init, self.label,
                                                  len(net.populations))
        self._native = net.population(self.size, model, label=label)
        if current is not None:
            net.input(self._native, current)
