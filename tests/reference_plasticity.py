"""Plain NumPy reference of the engine's plasticity (docs/numerics.md, "Plasticity"):
per-synapse traces of the arrivals, per-neuron traces of the post spikes, both kept as
(value at the last spike, its step) and decayed through the engine's exp_f32; depression
at an arrival, potentiation at a post spike, the 2006 rule's derivative and interval;
weights in the projection's fixed point, changed in double and rounded once. Nothing here
imports snn."""

from __future__ import annotations

import math

import numpy as np
from reference_models import exp_f32

from reference import Projection, arrival, weight_scale

F32 = np.float32
F64 = np.float64


class Rule:
    """A rule as the engine derives it: kind "stdp" or "izhikevich_2006", its parameters."""

    def __init__(self, dt, kind="stdp", tau_plus=20.0, tau_minus=20.0, a_plus=0.01, a_minus=0.012,
                 w_min=0.0, w_max=1.0, multiplicative=False, interval=1000.0, bias=0.01, sd_decay=0.9):
        self.izhikevich = kind == "izhikevich_2006"
        self.multiplicative = multiplicative
        self.c_plus, self.c_minus = F32(dt / tau_plus), F32(dt / tau_minus)
        self.a_plus, self.a_minus, self.w_min, self.w_max = a_plus, a_minus, w_min, w_max
        self.s = weight_scale([w_min, w_max])
        self.bias, self.sd_decay = bias, F32(sd_decay)
        self.interval = round(interval / dt)

    def trace(self, last, k_last, k, c):
        age = np.minimum(np.asarray(k, np.int64) - np.asarray(k_last, np.int64), 2**24).astype(F32)
        return (F32(last) * exp_f32(-(age * c))).astype(F32)

    def after_spike(self, now):
        return F32(1.0) if self.izhikevich else F32(now + F32(1.0))

    def fixed(self, w):
        return int(np.rint(min(max(w, self.w_min), self.w_max) * 2.0**self.s))

    def change(self, wq, sd, trace, up):
        """(wq, sd) after a potentiation (up) or depression with the trace's value."""
        a = self.a_plus if up else self.a_minus
        if self.izhikevich:
            return wq, F32(sd + F32(a) * trace) if up else F32(sd - F32(a) * trace)
        w = wq * 2.0**-self.s
        if self.multiplicative:
            dw = a * ((self.w_max - w) if up else (w - self.w_min)) * F64(trace)
        else:
            dw = a * F64(trace)
        return self.fixed(w + dw if up else w - dw), sd


class PlasticProjection(Projection):
    """A projection whose weights follow a Rule; arrivals are kept per step as synapse
    indices, so that each reads its weight when it lands."""

    def __init__(self, *args, rule, **kw):
        super().__init__(*args, **kw)
        self.rule = rule
        w = self.wq * 2.0**-self.s                       # the weights as given (exact)
        self.s = rule.s
        self.wq = np.rint(w * 2.0**self.s).astype(np.int64)
        n = self.pre_ids.size
        self.x, self.xk = np.zeros(n, F32), np.zeros(n, np.int64)
        self.y, self.yk = np.zeros(self.post.n, F32), np.zeros(self.post.n, np.int64)
        self.sd = np.zeros(n, F32)
        self.pending = {}
        self.into = [np.flatnonzero(self.post_ids == j) for j in range(self.post.n)]

    def schedule(self, k, spiking_ids):
        for i in spiking_ids:
            for idx in range(self.ptr[i], self.ptr[i + 1]):
                self.pending.setdefault(k + int(self.D[idx]), []).append(idx)

    def take_arrival(self, k):
        r, A = self.rule, np.zeros(self.post.n, np.int64)
        for idx in self.pending.pop(k, []):
            j = self.post_ids[idx]
            y = r.trace(self.y[j], self.yk[j], k, r.c_minus)
            self.wq[idx], self.sd[idx] = r.change(int(self.wq[idx]), self.sd[idx], y, up=False)
            self.x[idx] = r.after_spike(r.trace(self.x[idx], self.xk[idx], k, r.c_plus))
            self.xk[idx] = k
            A[j] += self.wq[idx]
        return arrival(A, self.s)

    def after_step(self, k):
        r = self.rule
        for j in np.flatnonzero(self.post.spiked):
            for idx in self.into[j]:
                x = r.trace(self.x[idx], self.xk[idx], k, r.c_plus)
                self.wq[idx], self.sd[idx] = r.change(int(self.wq[idx]), self.sd[idx], x, up=True)
            self.y[j] = r.after_spike(r.trace(self.y[j], self.yk[j], k, r.c_minus))
            self.yk[j] = k
        if r.izhikevich and (k + 1) % r.interval == 0:  # every synapse, elementwise
            w = np.clip(self.wq * 2.0**-self.s + r.bias + self.sd.astype(F64), r.w_min, r.w_max)
            self.wq = np.rint(w * 2.0**self.s).astype(np.int64)
            self.sd = (self.sd * r.sd_decay).astype(F32)

    def weights(self):
        """The weights now, in (pre, post) order."""
        return self.wq * 2.0**-self.s


def stdp_window(dt_ms, a_plus, a_minus, tau_plus, tau_minus):
    """The additive window's change for one pair, t_post - t_arrival = dt_ms."""
    return a_plus * math.exp(-dt_ms / tau_plus) if dt_ms >= 0 else -a_minus * math.exp(dt_ms / tau_minus)
