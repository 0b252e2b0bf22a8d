"""Variables and models: the API of the 2018 library's ``snn.single``."""

from __future__ import annotations

import keyword
from typing import Any

import numpy as np

from .._core import ConfigError
from ._expr import FUNCTIONS, RANDOM
from ._methods import METHODS
from ._simulate import Simulation, simulate
from ._system import System


def _check_name(name: Any, what: str) -> str:
    if (not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name)
            or name.startswith("_") or name == "t" or name in FUNCTIONS or name in RANDOM):
        raise ConfigError(f"snn.single: {what} name {name!r} must be an identifier that is not a "
                          "keyword, 't', a function name, or start with '_'")
    return name


class Variable:
    """A state variable of a :class:`Model`.

    Parameters
    ----------
    name : str
        Its name in expressions.
    ddt : str or float
        Its derivative with respect to time (per ms), an expression of ``t`` (ms), the
        model's variables and parameters, e.g. ``'0.04*v**2 + 5*v + 140 - u + I'``.
    init_value : float or array
        Its value at ``t = 0`` (an array: one per trajectory of a batch).
    reset_value : str or float, optional
        Its value at the step after a spike (an expression, evaluated on the state at the
        spike, e.g. ``'u + d'``); ``None``: not reset.
    unit : str, optional
        Shown on figure axes, e.g. ``"mV"``.
    """

    def __init__(self, name: str, ddt: str | float, init_value: float,
                 reset_value: str | float | None = None, unit: str | None = None) -> None:
        self.name = _check_name(name, "variable")
        self.ddt = ddt if isinstance(ddt, str) else repr(float(ddt))
        value = np.asarray(init_value, dtype=float)
        self.init_value = float(value) if value.ndim == 0 else value
        self.reset_value = reset_value
        self.unit = unit

    def __repr__(self) -> str:
        reset = "" if self.reset_value is None else f", reset_value={self.reset_value!r}"
        unit = "" if self.unit is None else f", unit={self.unit!r}"
        return f"Variable({self.name!r}, {self.ddt!r}, {self.init_value!r}{reset}{unit})"


class Model:
    """A single neuron (or any small ODE system) given by equations in text.

    Parameters
    ----------
    *variables : Variable
        The state variables, in order (the order ``rk4_seed`` and ``engine_euler`` advance
        them in).
    spike_when : str or None
        A condition on the state, e.g. ``'v >= 30'``; ``None`` for a model that never
        spikes (then no variable is reset).
    max_spike_value : float
        On a spike step, the variables that ``spike_when`` reads are clamped to at most
        this value (so that a trace shows each spike at one height), mV.
    simul_method : {'rk4', 'explicit_euler', 'rk4_seed', 'engine_euler'}
        ``'rk4'``: the classic Runge-Kutta method of order 4 applied to the whole system.
        ``'explicit_euler'``: Euler's method, all variables together (order 1).
        ``'rk4_seed'``: the 2018 library's RK4, which advanced one variable at a time
        with the others frozen; it is only first order for coupled equations (see
        :func:`snn.single._methods.rk4_seed`), and is here to redraw the old figures.
        ``'engine_euler'``: Euler in the native engine's order and float32 arithmetic,
        so that an Izhikevich neuron spikes at the same steps as in :class:`snn.Network`:
        at a step after a spike the reset is followed by integration, the variables
        advance one by one in the order declared, each reading those already advanced
        (``v`` then ``u`` with the new ``v``), as ``x + dt*f`` with ``dt`` multiplied into
        the first factor of a product ``f`` (``u + (dt*a)*(b*v - u)``), with float32
        constants and state so that every operation rounds as the engine's does. Write
        ``0.04*v*v``, not ``0.04*v**2``, to get the engine's ``(0.04*v)*v``.
    refractory : float
        Absolute refractory period, ms: after a spike, the variables with a reset take
        their reset values at the next step and then stay there ``round(refractory/dt)``
        more steps (the variables without reset keep integrating).
    time_unit : str
        The unit of ``t`` on figures.
    **params : float, array or str
        Parameters: numbers, arrays (one value per trajectory of a batch), or expressions
        of ``t``, the variables and the other parameters, re-evaluated whenever the
        derivatives are (``I='10 if t > 50 else 0'``, ``I='5 + 2*randn()'``; random draws
        are taken once per step).

    Expressions may use numbers, the names above, ``+ - * / **``, comparisons,
    ``and``/``or``/``not``, ``x if c else y`` and the functions in
    :data:`snn.single.FUNCTIONS` (``exp``, ``log``, ``sqrt``, ``sin``, ``tanh``, ``abs``,
    ``min``, ``max``, ``exprel``, ...) and :data:`snn.single.RANDOM` (``randn()``,
    ``rand()``). They are parsed and checked when the model is built and evaluated with
    NumPy over any number of trajectories at once; nothing is passed to ``eval``. A bad
    expression raises :class:`snn.ConfigError` naming what it defines.
    """

    def __init__(self, *variables: Variable, spike_when: str | None = "v >= 30",
                 max_spike_value: float = 30.0, simul_method: str = "rk4", refractory: float = 0.0,
                 time_unit: str = "ms", **params: Any) -> None:
        if not variables or not all(isinstance(v, Variable) for v in variables):
            raise ConfigError("snn.single: Model(*variables): expected one or more Variable objects")
        self.variables = {v.name: v for v in variables}
        if len(self.variables) != len(variables):
            raise ConfigError(f"snn.single: two variables share a name: {[v.name for v in variables]}")
        for name in params:
            _check_name(name, "parameter")
            if name in self.variables:
                raise ConfigError(f"snn.single: {name!r} is both a variable and a parameter")
        if simul_method not in METHODS:
            raise ConfigError(f"snn.single: simul_method must be one of {sorted(METHODS)}, "
                              f"got {simul_method!r}")
        if not refractory >= 0:
            raise ConfigError(f"snn.single: refractory must be >= 0 ms, got {refractory!r}")
        self.params = dict(params)
        self.spike_when, self.max_spike_value = spike_when, float(max_spike_value)
        self.simul_method, self.refractory, self.time_unit = simul_method, float(refractory), time_unit
        self._systems = {"float64": System(self, np.float64)}  # builds (checks) every expression

    def system(self, simul_method: str | None = None) -> System:
        """The compiled equations (float32 in the engine's order for ``'engine_euler'``)."""
        key = "engine" if simul_method == "engine_euler" else "float64"
        if key not in self._systems:
            self._systems[key] = System(self, np.float32, engine=True)
        return self._systems[key]

    def replace(self, **changes: Any) -> Model:
        """A copy with some parameters, or ``spike_when``, ``max_spike_value``,
        ``simul_method``, ``refractory``, ``time_unit``, changed."""
        options = {"spike_when": self.spike_when, "max_spike_value": self.max_spike_value,
                   "simul_method": self.simul_method, "refractory": self.refractory,
                   "time_unit": self.time_unit}
        params = dict(self.params)
        for name, value in changes.items():
            if name in options:
                options[name] = value
            elif name in params:
                params[name] = value
            else:
                raise ConfigError(f"snn.single: replace: {name!r} is not a parameter of this model "
                                  f"(parameters: {', '.join(params)})")
        return Model(*self.variables.values(), **options, **params)

    def unit(self, name: str) -> str | None:
        """The unit of a variable, or of ``t``."""
        return self.time_unit if name == "t" else self.variables[name].unit

    def label(self, name: str) -> str:
        """``"name (unit)"`` for a figure axis."""
        unit = self.unit(name) if name == "t" or name in self.variables else None
        return f"{name} ({unit})" if unit else name

    def simulation(self, T: float, dt: float, keep: Any = "all", start: dict[str, Any] | None = None,
                   seed: Any = None) -> Simulation:
        """Integrates the model for ``T`` ms with steps of ``dt`` ms.

        Parameters
        ----------
        T, dt : float
            Duration and step, ms (``T`` a whole number of steps).
        keep : "all", str or list of str
            What to keep in the history: ``"t"``, variables and parameters.
        start : dict, optional
            Initial values that replace the variables' ``init_value``; arrays of one
            length ``n`` simulate ``n`` trajectories at once.
        seed : int or numpy.random.Generator, optional
            Seeds ``randn()``/``rand()``.

        Returns
        -------
        Simulation
            ``history, spike_times = model.simulation(...)`` as in the old library;
            also ``.spike_steps``, ``.spike_ids``.
        """
        return simulate(self, T, dt, keep, start, seed)

    def derivatives(self, state: dict[str, Any] | None = None, t: float = 0.0) -> dict[str, np.ndarray]:
        """Each variable's derivative (per ms) at ``state`` (the variables not given are at
        their initial values; arrays are evaluated elementwise), with random draws at their
        means: the deterministic vector field."""
        from ._analysis import field
        return field(self, state or {}, t)

    def jacobian(self, state: dict[str, Any] | None = None, t: float = 0.0,
                 variables: list[str] | None = None) -> np.ndarray:
        """The Jacobian ``d(dx_i/dt)/dx_j`` of the deterministic field at ``state`` (one
        point), by central differences, over ``variables`` (default: all, in order)."""
        from ._analysis import jacobian
        return jacobian(self, state or {}, t, variables)

    def fixed_points(self, xdata: tuple[str, float, float], ydata: tuple[str, float, float],
                     others: dict[str, Any] | None = None, t: float = 0.0) -> list:
        """The fixed points of the two variables ``xdata[0]``, ``ydata[0]`` in the box
        ``[xdata[1], xdata[2]] x [ydata[1], ydata[2]]``, the other variables held at
        ``others`` (or their initial values); ``others`` may also set parameters. Returns
        :class:`snn.single.FixedPoint` objects, classified from the Jacobian's eigenvalues."""
        from ._analysis import fixed_points
        return fixed_points(self, xdata, ydata, others or {}, t)

    def plot(self, T: float = 1000.0, dt: float = 0.1, history: Any = None, keep: Any = None,
             **kwargs: Any) -> Any:
        """Figure of the variables (default) or of ``keep`` against time; see
        :func:`snn.single.plot`."""
        from ._figures import plot
        return plot(self, T, dt, history, keep, **kwargs)

    def phase_portrait(self, xvarname: str, yvarname: str, T: float = 1000.0, dt: float = 0.1,
                       history: Any = None, **kwargs: Any) -> Any:
        """Figure of the trajectory in the plane of two variables; see
        :func:`snn.single.phase_portrait`."""
        from ._figures import phase_portrait
        return phase_portrait(self, xvarname, yvarname, T, dt, history, **kwargs)

    def phase_plane(self, xdata: tuple[str, float, float], ydata: tuple[str, float, float],
                    others: dict[str, Any] | None = None, nb_of_vector_by_axis: int = 25,
                    rescale: bool = False, no_dynamics: bool = False, interactive: bool = False,
                    **kwargs: Any) -> Any:
        """Vector field, nullclines and fixed points in the plane of two variables; see
        :func:`snn.single.phase_plane`."""
        from ._figures import phase_plane
        return phase_plane(self, xdata, ydata, others, nb_of_vector_by_axis, rescale, no_dynamics,
                           interactive, **kwargs)

    def __repr__(self) -> str:
        variables = ", ".join(map(repr, self.variables.values()))
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return (f"Model({variables}, spike_when={self.spike_when!r}, simul_method={self.simul_method!r}"
                f"{params})")
