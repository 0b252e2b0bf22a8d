"""One time step of each integration method.

Every method has the signature ``step(system, t, S, dt, draws, frozen) -> S_next``:
``S`` is the state ``(variables, trajectories)`` at ``t`` (ms), ``draws`` the step's random
draws, and ``frozen`` (``None`` or a boolean array shaped like ``S``) marks the values that
stay put this step (a reset or refractory variable): their derivative counts as zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._system import DT, System


def _field(system: System, t: Any, S: np.ndarray, draws: np.ndarray,
           frozen: np.ndarray | None) -> np.ndarray:
    k = system.derivatives(system.environment(t, S, draws), np.empty_like(S))
    if frozen is not None:
        k[frozen] = 0
    return k


def explicit_euler(system: System, t: float, S: np.ndarray, dt: float, draws: np.ndarray,
                   frozen: np.ndarray | None) -> np.ndarray:
    """All variables advance together: ``x + dt * f(t, x)``. First order."""
    return S + dt * _field(system, t, S, draws, frozen)


def rk4(system: System, t: float, S: np.ndarray, dt: float, draws: np.ndarray,
        frozen: np.ndarray | None) -> np.ndarray:
    """The classic fourth-order Runge-Kutta step of the whole system: every stage moves all
    variables at once, and parameters given as expressions are evaluated at each stage."""
    h = dt / 2
    k1 = _field(system, t, S, draws, frozen)
    k2 = _field(system, t + h, S + h * k1, draws, frozen)
    k3 = _field(system, t + h, S + h * k2, draws, frozen)
    k4 = _field(system, t + dt, S + dt * k3, draws, frozen)
    return S + (dt / 6) * (k1 + 2 * (k2 + k3) + k4)


def rk4_seed(system: System, t: float, S: np.ndarray, dt: float, draws: np.ndarray,
             frozen: np.ndarray | None) -> np.ndarray:
    """The 2018 library's "RK4": one variable at a time, in the order declared.

    Parameters are evaluated once, at the start of the step, and held. Each variable runs
    the four stages of RK4 on its own derivative while the others stay frozen at whatever
    values the working state holds: for the variables already processed that is not their
    new value but ``x + dt*k3``, and ``t`` is left at ``t + dt`` (the old code wrote the last
    stage's arguments into the shared state and never put them back). Coupling is thus
    treated explicitly, and the method is first order for a coupled system; it exists so
    that the old figures can be drawn again.
    """
    env = system.environment(t, S, draws)
    new = S.copy()
    for i, (name, expr) in enumerate(zip(system.var_names, system.ddt)):
        t0, x0 = env["t"], S[i]
        k1 = expr.fn(env)
        env["t"], env[name] = t0 + dt / 2, x0 + dt / 2 * k1
        k2 = expr.fn(env)
        env[name] = x0 + dt / 2 * k2
        k3 = expr.fn(env)
        env["t"], env[name] = t0 + dt, x0 + dt * k3
        k4 = expr.fn(env)
        new[i] = x0 + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
        if frozen is not None and frozen[i].any():  # a reset variable: not integrated
            new[i] = np.where(frozen[i], x0, new[i])
            env["t"], env[name] = np.where(frozen[i], t0, env["t"]), np.where(frozen[i], x0, env[name])
    if not np.isfinite(new).all():
        raise system.not_finite(new, system.environment(t, S, draws))
    return new


def engine_euler(system: System, t: float, S: np.ndarray, dt: float, draws: np.ndarray,
                 frozen: np.ndarray | None) -> np.ndarray:
    """Euler in the native engine's order and float32 arithmetic (docs/numerics.md).

    Parameters are evaluated once, at the start of the step (after a reset). The variables
    then advance one by one in the order declared, each reading the values already
    advanced this step (Izhikevich: ``v`` first, then ``u`` with the new ``v``), as
    ``x + dt*f`` with ``dt`` multiplied into the first factor of ``f`` when ``f`` is a
    product; with a float32 :class:`System` every operation rounds once, in the order
    written, as the engine's compiled code does.
    """
    env = system.environment(t, S, draws)
    env[DT] = system.dtype(dt)
    new = S.copy()
    for i, (name, update) in enumerate(zip(system.var_names, system.updates)):
        x = update.fn(env)
        if frozen is not None:
            x = np.where(frozen[i], S[i], x)
        env[name] = new[i] = x
    if not np.isfinite(new).all():
        raise system.not_finite(new, env)
    return new


Step = Callable[[System, float, np.ndarray, float, np.ndarray, "np.ndarray | None"], np.ndarray]

METHODS: dict[str, Step] = {"rk4": rk4, "explicit_euler": explicit_euler, "rk4_seed": rk4_seed,
                            "engine_euler": engine_euler}
