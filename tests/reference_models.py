"""Plain NumPy reference of the engine's neuron models and Poisson draws (docs/numerics.md).

Each model holds its state as float32 arrays in ``state`` and has ``channels`` (input
channel names: "I" first, then receptors), ``resets`` (a reset the step after a spike),
``reset(spiked)`` and ``step(ch, k)`` -> spiked, written in the documented order of
operations so that results agree with the engine bit for bit. Nothing here imports snn.
"""

from __future__ import annotations

import math

import numpy as np

from reference import philox4x32, philox_key

F32 = np.float32
F64 = np.float64

PURPOSE_POISSON_SOURCE = 7
PURPOSE_POISSON_INPUT = 8


def _param(n, x):
    arr = np.asarray(x, dtype=F32)
    return np.full(n, arr, dtype=F32) if arr.ndim == 0 else arr.astype(F32).copy()


def exp_f32(x):
    """The engine's float32 exp (models/model.hpp), operation by operation."""
    x = np.asarray(x, dtype=F32)
    xc = np.where(x > F32(-87), np.where(x < F32(88), x, F32(88)), F32(-87)).astype(F32)
    y = xc * F32(1.44269504)
    nf = (y + np.where(y < 0, F32(-0.5), F32(0.5))).astype(np.int32).astype(F32)
    r = (xc - nf * F32(0.693145752)) - nf * F32(1.42860677e-6)
    p = F32(1.98412698e-4)
    for c in (1.38888889e-3, 8.33333333e-3, 4.16666667e-2, 0.166666667, 0.5, 1.0, 1.0):
        p = p * r + F32(c)
    scale = ((nf.astype(np.int32) + 127) << 23).astype(np.uint32).view(F32)
    e = p * scale
    return (e * (x >= F32(-87)).astype(F32) + (x - x)).astype(F32)


def hold_steps(tau_refrac, dt):
    """round(tau_refrac / dt) steps, in double, as delays round."""
    return np.floor(np.asarray(tau_refrac, dtype=F32).astype(F64) / dt + 0.5).astype(F32)


class Izhikevich:
    """The engine's Izhikevich step (numerics.md, "Izhikevich")."""

    channels = ("I",)
    resets = True

    def __init__(self, n, dt, a, b, c, d, v0=-65.0, u0=None, v_peak=30.0, v_substeps=1):
        self.n, self.dt32 = n, F32(dt)
        self.a, self.b, self.c, self.d = (_param(n, x) for x in (a, b, c, d))
        v0 = _param(n, v0)
        u0 = _param(n, u0) if u0 is not None else self.b * v0
        self.v_peak, self.sub = F32(v_peak), int(v_substeps)
        self.h = F32(dt / self.sub)
        self.state = {"v": v0.copy(), "u": u0.copy()}

    def reset(self, spiked):
        s = self.state
        s["v"], s["u"] = np.where(spiked, self.c, s["v"]), np.where(spiked, s["u"] + self.d, s["u"])

    def step(self, ch, k):
        v, u, I = self.state["v"], self.state["u"], ch["I"]
        for _ in range(self.sub):
            v = v + self.h * (F32(0.04) * v * v + F32(5.0) * v + F32(140.0) - u + I)
        u = u + self.dt32 * self.a * (self.b * v - u)
        spk = v >= self.v_peak
        self.state["v"], self.state["u"] = np.where(spk, self.v_peak, v), u
        return spk


class Izhikevich2018(Izhikevich):
    """The 2018 library's arithmetic (shared/DESIGN.md section 3)."""

    def __init__(self, n, dt, a, b, c, d, v0=-65.0, u0=None):
        super().__init__(n, dt, a, b, c, d, v0, u0, 30.0, 1)

    def step(self, ch, k):
        v, u = self.state["v"], self.state["u"]
        dv = (((F32(0.04) * v + F32(5.0)) * v + F32(140.0)) - u) + ch["I"]
        v = v + dv * self.dt32
        u = u + (self.a * (self.b * v - u)) * self.dt32
        spk = v >= F32(30.0)
        self.state["v"], self.state["u"] = np.where(spk, F32(30.0), v), u
        return spk


class LIF:
    """Current-based LIF: v = (v - v_rest) P22 + (I + i_offset) P21 + v_rest, refractory hold."""

    channels = ("I",)
    resets = False

    def __init__(self, n, dt, cm=1.0, tau_m=20.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0,
                 tau_refrac=0.1, i_offset=0.0, v0=None):
        self.n = n
        cm, tau = _param(n, cm).astype(F64), _param(n, tau_m).astype(F64)
        self.P22 = np.array([math.exp(-dt / t) for t in tau], dtype=F32)
        self.P21 = np.array([t / c * -math.expm1(-dt / t) for t, c in zip(tau, cm)], dtype=F32)
        self.v_rest, self.v_reset, self.v_thresh, self.i_offset = (
            _param(n, x) for x in (v_rest, v_reset, v_thresh, i_offset))
        self.hold = hold_steps(_param(n, tau_refrac), dt)
        self.state = {"v": _param(n, v_rest if v0 is None else v0), "refrac": np.zeros(n, F32)}

    def reset(self, spiked):
        pass

    def integrate(self, ch):
        v = self.state["v"]
        return (v - self.v_rest) * self.P22 + (ch["I"] + self.i_offset) * self.P21 + self.v_rest

    def step(self, ch, k):
        v, r = self.integrate(ch), self.state["refrac"]
        held = r > 0
        spk = ~held & (v >= self.v_thresh)
        self.state["v"] = np.where(held | spk, self.v_reset, v)
        self.state["refrac"] = np.where(spk, self.hold, np.where(held, r - F32(1), r))
        return spk


class LIFCond(LIF):
    """Conductance-based LIF, exponential Euler with g held over the step."""

    channels = ("I", "g_E", "g_I")
    receptors = {"excitatory": "g_E", "inhibitory": "g_I"}

    def __init__(self, n, dt, cm=1.0, tau_m=20.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0,
                 tau_refrac=0.1, i_offset=0.0, v0=None, e_rev_E=0.0, e_rev_I=-70.0):
        super().__init__(n, dt, cm, tau_m, v_rest, v_reset, v_thresh, tau_refrac, i_offset, v0)
        cm, tau = _param(n, cm).astype(F64), _param(n, tau_m).astype(F64)
        self.g_L = (cm / tau).astype(F32)
        self.dt_cm = (dt / cm).astype(F32)
        self.e_E, self.e_I = _param(n, e_rev_E), _param(n, e_rev_I)

    def integrate(self, ch):
        gE, gI = ch["g_E"], ch["g_I"]
        g = self.g_L + gE + gI
        drive = self.g_L * self.v_rest + gE * self.e_E + gI * self.e_I + ch["I"] + self.i_offset
        v_inf = drive / g
        return v_inf + (self.state["v"] - v_inf) * exp_f32(-(g * self.dt_cm))


class PoissonSource:
    """Spike iff x0 < p 2^32 (double), p = float32(rate dt / 1000), counter (i, k lo, k hi,
    7 << 24 | population)."""

    channels = ()
    resets = False

    def __init__(self, n, dt, rate, seed, index):
        self.n, self.seed, self.index = n, seed, index
        self.p = (_param(n, rate).astype(F64) * dt / 1000.0).astype(F32)
        self.state = {}

    def reset(self, spiked):
        pass

    def step(self, ch, k):
        i = np.arange(self.n, dtype=np.int64)
        x0 = philox4x32((i, k & 0xFFFFFFFF, k >> 32, (PURPOSE_POISSON_SOURCE << 24) | self.index),
                        philox_key(self.seed))[0]
        return x0.astype(F64) < self.p.astype(F64) * 2.0**32


class SpikeSource:
    """Spikes on the steps round(t / dt) of each neuron's times."""

    channels = ()
    resets = False

    def __init__(self, n, dt, times):
        self.n = n
        self.steps = [set(np.floor(np.asarray(t, F64) / dt + 0.5).astype(np.int64).tolist()) for t in times]
        self.state = {}

    def reset(self, spiked):
        pass

    def step(self, ch, k):
        return np.array([k in s for s in self.steps], dtype=bool)


def poisson_thresholds(lam):
    """T_j = ceil(F(j) 2^32) of the Poisson CDF F, up to the first that reaches 2^32."""
    out, p, F, j = [], math.exp(-lam), 0.0, 0
    while True:
        F += p
        T = math.ceil(F * 4294967296.0)
        if T >= 4294967296:
            return np.array(out, dtype=np.uint64)
        out.append(T)
        p = p * lam / (j + 1)
        j += 1


def poisson_counts(seed, pop_index, input_index, n, rate, dt, step):
    """The counts of Poisson input ``input_index`` at ``step``: word i % 4 of Philox counter
    (i / 4, k lo, w2(k, m), 8 << 24 | p), count = #{j : x >= T_j}."""
    from reference import step_word2

    i = np.arange(n, dtype=np.int64)
    word3 = (PURPOSE_POISSON_INPUT << 24) | pop_index
    ctr = (i // 4, step & 0xFFFFFFFF, step_word2(step, input_index), word3)
    words = np.stack(philox4x32(ctr, philox_key(seed)))[i % 4, i].astype(np.uint64)
    T = poisson_thresholds(float(rate) * float(dt) / 1000.0)
    return (words[:, None] >= T[None, :]).sum(axis=1)
