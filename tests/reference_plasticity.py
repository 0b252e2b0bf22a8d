"""Plain NumPy reference of the engine's plasticity (docs/numerics.md, "Plasticity"):
traces kept as (value before the latest spike, its step) and decayed through the engine's
exp_f32; STDP with a dendritic delay (NEST's convention), the 2006 rule with an axonal one
(the paper's); weights in the projection's fixed point, changed in double and rounded once.
Nothing here imports snn."""

from __future__ import annotations

import math

import numpy as np
from reference_models import exp_f32

from reference import Projection, arrival, weight_scale

F32 = np.float32
F64 = np.float64


NO_SPIKE = -1


class Rule:
    """A rule as the engine derives it: kind "stdp" (dendritic delay, NEST's convention) or
    "izhikevich_2006" (axonal delay, the paper's), its parameters."""

    def __init__(self, dt, kind="stdp", tau_plus=20.0, tau_minus=20.0, a_plus=0.01, a_minus=0.012,
                 w_min=0.0, w_max=1.0, multiplicative=False, interval=1000.0, bias=0.01, sd_decay=0.9):
        self.izhikevich = kind == "izhikevich_2006"
        self.dendritic = not self.izhikevich
        self.multiplicative = multiplicative
        self.c_plus, self.c_minus = F32(dt / tau_plus), F32(dt / tau_minus)
        self.a_plus, self.a_minus, self.w_min, self.w_max = a_plus, a_minus, w_min, w_max
        self.s = weight_scale([w_min, w_max])
        self.bias, self.sd_decay = bias, F32(sd_decay)
        self.interval = round(interval / dt)

    def value(self, before, k, t, c, inclusive):
        """A trace (its value before its latest spike, that step k) read at step t >= k."""
        if k == NO_SPIKE:
            return F32(0.0)
        if t == k and not inclusive:
            return F32(before)
        after = F32(1.0) if self.izhikevich else F32(F32(before) + F32(1.0))
        age = F32(min(t - k, 2**24))
        return F32(after * exp_f32(-(age * c)))

    def spike(self, trace, i, t, c):
        """A spike at step t of trace arrays trace = (before, k) at index i."""
        before, k = trace
        before[i] = self.value(before[i], k[i], t, c, False)
        k[i] = t

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


def _trace(n):
    return np.zeros(n, F32), np.full(n, NO_SPIKE, np.int64)


class PlasticProjection(Projection):
    """A projection whose weights follow a Rule. Dendritic delay: a pre spike is at the
    synapse at once (depression, then its weight leaves with the spike), a post spike
    reaches it after the delay (potentiation). Axonal delay: arrivals are kept per step as
    synapse indices and read their weight when they land (depression), post spikes are at
    the synapse at once (potentiation)."""

    def __init__(self, *args, rule, **kw):
        super().__init__(*args, **kw)
        self.rule = rule
        w = self.wq * 2.0**-self.s                       # the weights as given (exact)
        self.s = rule.s
        self.wq = np.rint(w * 2.0**self.s).astype(np.int64)
        n = self.pre_ids.size
        self.x = _trace(n)                               # per synapse: the pre spikes there
        self.y = _trace(n if rule.dendritic else self.post.n)
        self.sd = np.zeros(n, F32)
        self.pending = {}
        self.post_spikes = {}                            # step -> ids (dendritic)
        self.into = [np.flatnonzero(self.post_ids == j) for j in range(self.post.n)]

    def schedule(self, k, spiking_ids):
        r = self.rule
        for i in spiking_ids:
            for idx in range(self.ptr[i], self.ptr[i + 1]):
                if r.dendritic:
                    y = r.value(self.y[0][idx], self.y[1][idx], k, r.c_minus, False)
                    self.wq[idx], self.sd[idx] = r.change(int(self.wq[idx]), self.sd[idx], y, up=False)
                    r.spike(self.x, idx, k, r.c_plus)
                    self.ring[(k + self.D[idx]) % self.R, self.post_ids[idx]] += self.wq[idx]
                else:
                    self.pending.setdefault(k + int(self.D[idx]), []).append(idx)

    def take_arrival(self, k):
        r, A = self.rule, np.zeros(self.post.n, np.int64)
        if r.dendritic:
            return super().take_arrival(k)
        for idx in self.pending.pop(k, []):
            j = self.post_ids[idx]
            y = r.value(self.y[0][j], self.y[1][j], k, r.c_minus, False)
            self.wq[idx], self.sd[idx] = r.change(int(self.wq[idx]), self.sd[idx], y, up=False)
            r.spike(self.x, idx, k, r.c_plus)
            A[j] += self.wq[idx]
        return arrival(A, self.s)

    def potentiate(self, idx, k):
        r = self.rule
        x = r.value(self.x[0][idx], self.x[1][idx], k, r.c_plus, True)
        self.wq[idx], self.sd[idx] = r.change(int(self.wq[idx]), self.sd[idx], x, up=True)

    def after_step(self, k):
        r = self.rule
        if r.dendritic:
            self.post_spikes[k] = np.flatnonzero(self.post.spiked)
            for idx in range(self.wq.size):              # post spikes of k - D reach now
                if np.any(self.post_spikes.get(k - int(self.D[idx]), ()) == self.post_ids[idx]):
                    self.potentiate(idx, k)
                    r.spike(self.y, idx, k, r.c_minus)
        else:
            for j in np.flatnonzero(self.post.spiked):
                for idx in self.into[j]:
                    self.potentiate(idx, k)
                r.spike(self.y, j, k, r.c_minus)
        if r.izhikevich and (k + 1) % r.interval == 0:  # every synapse, elementwise
            w = np.clip(self.wq * 2.0**-self.s + r.bias + self.sd.astype(F64), r.w_min, r.w_max)
            self.wq = np.rint(w * 2.0**self.s).astype(np.int64)
            self.sd = (self.sd * r.sd_decay).astype(F32)

    def weights(self):
        """The weights now, in (pre, post) order."""
        return self.wq * 2.0**-self.s


def stdp_window(dt_ms, a_plus, a_minus, tau_plus, tau_minus):
    """The additive window's change for one pair, dt_ms = t_post + delay - t_pre (0: none)."""
    if dt_ms == 0:
        return 0.0
    return a_plus * math.exp(-dt_ms / tau_plus) if dt_ms > 0 else -a_minus * math.exp(dt_ms / tau_minus)
