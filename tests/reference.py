"""Plain NumPy reference of one step of the snn engine.

This module implements, independently of the engine, the arithmetic pinned down in
``docs/numerics.md``: float32 Izhikevich neurons, fixed-point synaptic arrival per
projection, the kernels (Instant, Instant(target="v"), Exponential, Alpha, sampled Kernel),
external inputs (constant, per-neuron, (steps, n) arrays, callables) and recording of
spikes and the v, u, I traces.  It also implements Philox4x32-10 and the documented
uniform/normal conversions (with float64 log/cos instead of the engine's float32
polynomials, so normals agree only approximately).

Everything is float32 (NumPy 2, NEP 50: a ``np.float32`` combined with a Python float stays
float32) and every operation is written in the order numerics.md gives, so that the results
agree with the engine bit for bit when the engine follows the contract.

Nothing here imports ``snn``.
"""

from __future__ import annotations

import math

import numpy as np

F32 = np.float32
F64 = np.float64

MAX_DELAY_STEPS = 4096      # README: "delays up to 4096 steps"
MAX_WINDOW_STEPS = 4096     # README: "kernel windows up to 4096 steps"

# Izhikevich (2003), fig. 2.
PRESETS = {
    "regular_spiking": (0.02, 0.2, -65.0, 8.0),
    "intrinsically_bursting": (0.02, 0.2, -55.0, 4.0),
    "chattering": (0.02, 0.2, -50.0, 2.0),
    "fast_spiking": (0.1, 0.2, -65.0, 2.0),
    "low_threshold_spiking": (0.02, 0.25, -65.0, 2.0),
    "thalamo_cortical": (0.02, 0.25, -65.0, 0.05),
    "resonator": (0.1, 0.26, -65.0, 2.0),
}


# --------------------------------------------------------------------------------------
# Philox4x32-10 (Salmon et al. 2011, Random123 constants)
# --------------------------------------------------------------------------------------

_MASK32 = np.uint64(0xFFFFFFFF)
_PHILOX_M0 = np.uint64(0xD2511F53)
_PHILOX_M1 = np.uint64(0xCD9E8D57)
_PHILOX_W0 = np.uint64(0x9E3779B9)
_PHILOX_W1 = np.uint64(0xBB67AE85)


def philox4x32(counter, key, rounds=10):
    """Philox4x32-``rounds``.

    ``counter`` is a sequence of four integers or integer arrays (broadcast together),
    ``key`` a pair.  Returns a tuple of four uint32 arrays.  The 32x32->64 bit products are
    computed in uint64, which cannot overflow.
    """
    c = [np.asarray(x, dtype=np.uint64) & _MASK32 for x in counter]
    c = list(np.broadcast_arrays(*c))
    k0 = np.uint64(int(key[0]) & 0xFFFFFFFF)
    k1 = np.uint64(int(key[1]) & 0xFFFFFFFF)
    for r in range(rounds):
        if r > 0:
            k0 = (k0 + _PHILOX_W0) & _MASK32
            k1 = (k1 + _PHILOX_W1) & _MASK32
        p0 = _PHILOX_M0 * c[0]
        p1 = _PHILOX_M1 * c[2]
        hi0, lo0 = p0 >> np.uint64(32), p0 & _MASK32
        hi1, lo1 = p1 >> np.uint64(32), p1 & _MASK32
        c = [hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0]
    return tuple(x.astype(np.uint32) for x in c)


def philox_key(seed):
    seed = int(seed)
    return (seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF)


def uniform_open_closed(x):
    """Uniform in (0, 1] from a 32-bit word: float32((x >> 8) + 1) * 2^-24."""
    x = np.asarray(x, dtype=np.uint32)
    return ((x >> np.uint32(8)).astype(np.int64) + 1).astype(F32) * F32(2.0 ** -24)


def uniform_closed_open(x):
    """Uniform in [0, 1) from a 32-bit word: float32(x >> 8) * 2^-24."""
    x = np.asarray(x, dtype=np.uint32)
    return (x >> np.uint32(8)).astype(F32) * F32(2.0 ** -24)


def uniform_u32_double(x):
    """Uniform in [0, 1) in double from a 32-bit word: x * 2^-32 (weight/delay draws)."""
    return np.asarray(x, dtype=np.uint32).astype(F64) * 2.0**-32


def normal_pair(x, y):
    """Box-Muller pair from two words, with float64 log/cos/sin.

    The engine uses float32 polynomials for log, cos and sin, so these agree with it only
    to roughly float32 precision, not bit for bit.
    """
    u1 = uniform_open_closed(x).astype(F64)
    u2 = uniform_closed_open(y).astype(F64)
    r = np.sqrt(-2.0 * np.log(u1))
    return r * np.cos(2.0 * np.pi * u2), r * np.sin(2.0 * np.pi * u2)


def philox_normals(counter, key):
    """Four normals per Philox call: z0, z1 from (x0, x1), then z0, z1 from (x2, x3)."""
    x0, x1, x2, x3 = philox4x32(counter, key)
    a0, a1 = normal_pair(x0, x1)
    b0, b1 = normal_pair(x2, x3)
    return a0, a1, b0, b1


PURPOSE_PARAMETERS = 1
PURPOSE_CONNECTIVITY = 2
PURPOSE_WEIGHTS = 3
PURPOSE_DELAYS = 4
PURPOSE_NOISE = 5


PURPOSE_PULSES = 6


def step_word2(step, input_index):
    """Counter word 2 of a per-step input draw: (k >> 32) ^ (m << 16)."""
    return ((int(step) >> 32) ^ (int(input_index) << 16)) & 0xFFFFFFFF


def noise_normals(seed, pop_index, n, step, input_index=0):
    """Standard normals (float64, approximate) of noise input ``input_index`` of population
    ``pop_index`` (n neurons) at global step ``step``: counter (i/4, k lo, w2(k, m),
    5<<24 | p), lane i%4."""
    i = np.arange(n, dtype=np.int64)
    step = int(step)
    ctr = (i // 4, step & 0xFFFFFFFF, step_word2(step, input_index),
           (PURPOSE_NOISE << 24) | int(pop_index))
    lanes = np.stack(philox_normals(ctr, philox_key(seed)))  # (4, n)
    return lanes[i % 4, i]


def pulse_targets(seed, pop_index, input_index, n, rate, dt, step):
    """Neurons hit (with repeats) by the pulses of input ``input_index`` of population
    ``pop_index`` at ``step``: floor(lam) pulses, one more if x0 * 2^-32 < frac(lam)
    (counter (2^32-1, k lo, w2, 6<<24 | p)), pulse j at floor((x1 << 32 | x0) * n / 2^64)
    (counter (j, k lo, w2, 6<<24 | p)), lam = n * rate * dt / 1000."""
    step = int(step)
    lam = float(n) * float(rate) * float(dt) / 1000.0
    word2 = step_word2(step, input_index)
    word3 = (PURPOSE_PULSES << 24) | int(pop_index)
    x0 = philox4x32((0xFFFFFFFF, step & 0xFFFFFFFF, word2, word3), philox_key(seed))[0]
    whole = np.floor(lam)
    count = int(whole) + int(float(x0) * 2.0**-32 < lam - whole)
    j = np.arange(count, dtype=np.int64)
    w = philox4x32((j, step & 0xFFFFFFFF, word2, word3), philox_key(seed))
    bits = [(int(hi) << 32) | int(lo) for lo, hi in zip(np.atleast_1d(w[0]), np.atleast_1d(w[1]))]
    return np.array([(b * int(n)) >> 64 for b in bits], dtype=np.int64)


def synapse_words(seed, purpose, proj_index, pre, post):
    """Philox words for synapses (pre, post) of projection ``proj_index``:
    counter (pre, post, 0, purpose << 24 | j)."""
    pre = np.asarray(pre, dtype=np.int64)
    post = np.asarray(post, dtype=np.int64)
    return philox4x32((pre, post, 0, (int(purpose) << 24) | int(proj_index)),
                      philox_key(seed))


# --------------------------------------------------------------------------------------
# Fixed point and delays
# --------------------------------------------------------------------------------------

def weight_scale(weights):
    """``s`` of numerics.md: 30 - e with max|w| = f * 2^e, f in [0.5, 1); 0 if all zero."""
    w = np.asarray(weights, dtype=F64)
    m = float(np.max(np.abs(w))) if w.size else 0.0
    if m == 0.0:
        return 0
    _, e = math.frexp(m)
    return 30 - e


def quantise(weights):
    """(w_q as int64, s): w_q = rint(w * 2^s), round half to even, in double."""
    w = np.asarray(weights, dtype=F64)
    s = weight_scale(w)
    return np.rint(w * (2.0 ** s)).astype(np.int64), s


def dequantise(wq, s):
    return np.asarray(wq, dtype=F64) * (2.0 ** -s)


def fixed_point_step(weights):
    """Resolution 2^-s of a projection's weights."""
    return 2.0 ** -weight_scale(weights)


def arrival(A, s):
    """float32(double(A) * 2^-s)."""
    return (np.asarray(A, dtype=np.int64).astype(F64) * (2.0 ** -s)).astype(F32)


def delay_steps(delay_ms, dt):
    """D = max(1, floor(delay/dt + 0.5)), in double."""
    d = np.asarray(delay_ms, dtype=F64)
    D = np.floor(d / float(dt) + 0.5)
    return np.maximum(1, D).astype(np.int64)


# --------------------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------------------

class Instant:
    """kappa = [1] on the input current."""

    target = "I"

    def __repr__(self):
        return "Instant()"

    def kappa(self, dt, m):
        m = np.asarray(m)
        return np.where(m == 0, 1.0, 0.0)


class InstantV:
    """Instant(target="v"): the arrival is added to v right after the reset."""

    target = "v"

    def __repr__(self):
        return 'Instant(target="v")'


class Exponential:
    target = "I"

    def __init__(self, tau):
        self.tau = float(tau)

    def __repr__(self):
        return f"Exponential({self.tau})"

    def kappa(self, dt, m):
        return np.exp(-np.asarray(m, dtype=F64) * dt / self.tau)


class Alpha:
    target = "I"

    def __init__(self, tau):
        self.tau = float(tau)

    def __repr__(self):
        return f"Alpha({self.tau})"

    def kappa(self, dt, m):
        x = np.asarray(m, dtype=F64) * dt / self.tau
        return x * np.exp(1.0 - x)


class Sampled:
    """Kernel(f, window): kappa[m] = float32(f(m*dt)) for m*dt < window."""

    target = "I"

    def __init__(self, f, window):
        self.f = f
        self.window = float(window)

    def __repr__(self):
        return f"Kernel({getattr(self.f, '__name__', 'f')}, {self.window})"

    def length(self, dt):
        L = 0
        while L * float(dt) < self.window:
            L += 1
        return L

    def samples(self, dt):
        return np.array([F32(self.f(m * float(dt))) for m in range(self.length(dt))],
                        dtype=F32)

    def kappa(self, dt, m):
        k = self.samples(dt).astype(F64)
        m = np.asarray(m)
        out = np.zeros(m.shape, dtype=F64)
        inside = (m >= 0) & (m < k.size)
        out[inside] = k[m[inside]]
        return out


class _KernelState:
    """Per-projection, per-target-neuron kernel state."""

    def __init__(self, kernel, dt, n):
        self.kernel = kernel
        self.n = n
        if isinstance(kernel, Exponential):
            self.q = F32(math.exp(-float(dt) / kernel.tau))
            self.S = np.zeros(n, dtype=F32)
        elif isinstance(kernel, Alpha):
            self.q = F32(math.exp(-float(dt) / kernel.tau))
            self.c = F32(math.e * float(dt) / kernel.tau)
            self.X = np.zeros(n, dtype=F32)
            self.Y = np.zeros(n, dtype=F32)
        elif not isinstance(kernel, (Instant, InstantV, Sampled)):
            raise TypeError(f"unknown kernel {kernel!r}")

    def current(self, k, a):
        """The current of step k given this step's arrival a (float32 (n,))."""
        kern = self.kernel
        if isinstance(kern, Instant):
            return a
        if isinstance(kern, Exponential):
            self.S = self.S + a
            cur = self.S
            self.S = self.S * self.q
            return cur
        if isinstance(kern, Alpha):
            self.X = self.X + a
            cur = self.c * self.Y
            self.Y = self.q * (self.Y + self.X)
            self.X = self.q * self.X
            return cur
        raise TypeError(kern)


class _SampledGroup:
    """Sampled-kernel projections into one population with bitwise-equal samples: one
    history of summed arrivals h[k] = a_1 + a_2 + ... (float32, projection order), one current
    added at the first of them."""

    def __init__(self, leader, samples, n):
        self.leader = leader
        self.samples = samples
        self.kappa64 = samples.astype(F64)
        self.L = samples.size
        self.h = np.zeros((max(self.L, 1), n), dtype=F32)

    def matches(self, post, channel, samples):
        return (self.leader.post is post and self.leader.channel == channel
                and self.samples.tobytes() == samples.tobytes())

    def take(self, pr, k, a):
        slot = k % self.h.shape[0]
        self.h[slot] = a if pr is self.leader else self.h[slot] + a

    def current(self, k):
        L = self.L
        if L == 0:
            return np.zeros(self.h.shape[1], dtype=F32)
        # products kappa[m] * h[k - m] are exact in double; cumsum adds them strictly in
        # the order m = 0, 1, ... (unlike np.sum, which may sum pairwise)
        hist = self.h[(k - np.arange(L)) % L].astype(F64)
        return np.cumsum(self.kappa64[:, None] * hist, axis=0)[-1].astype(F32)


# --------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------

class Population:
    """A population of the reference: a model of reference_models (its state in
    ``model.state``, read and set as attributes ``v``, ``u``, ...), its inputs and spikes."""

    def __init__(self, index, n, model, label=None):
        self.__dict__.update(index=index, n=int(n), model=model, label=label,
                             spiked=np.zeros(int(n), dtype=bool), inputs=[])

    def __getattr__(self, name):
        state = self.__dict__["model"].state
        if name in state:
            return state[name]
        return getattr(self.__dict__["model"], name)

    def __setattr__(self, name, value):
        if name in self.model.state:
            self.model.state[name] = np.asarray(value, dtype=F32).copy()
        else:
            self.__dict__[name] = value


class Projection:
    def __init__(self, index, pre, post, pre_ids, post_ids, weights, delays, kernel, dt, receptor=None):
        self.index = index
        self.pre = pre
        self.post = post
        # the target's input channel: "I", or the receptor's ("g_E", "g_I")
        self.channel = "I" if receptor is None else post.model.receptors[receptor]
        pre_ids = np.asarray(pre_ids, dtype=np.int64)
        post_ids = np.asarray(post_ids, dtype=np.int64)
        wq, s = quantise(weights)
        D = np.broadcast_to(np.asarray(delays, dtype=np.int64), pre_ids.shape)
        order = np.argsort(pre_ids, kind="stable")
        self.pre_ids = pre_ids[order]
        self.post_ids = post_ids[order]
        self.wq = wq[order] if wq.ndim else np.full(pre_ids.shape, wq, np.int64)
        self.D = D[order]
        self.s = s
        self.ptr = np.searchsorted(self.pre_ids, np.arange(pre.n + 1))
        self.R = int(self.D.max()) + 1 if self.D.size else 2
        self.ring = np.zeros((self.R, post.n), dtype=np.int64)
        self.kernel = kernel
        self.state = _KernelState(kernel, dt, post.n)
        self.group = None  # a _SampledGroup for sampled kernels (set by Network.connect)

    def take_arrival(self, k):
        slot = k % self.R
        a = arrival(self.ring[slot], self.s)
        self.ring[slot] = 0
        return a

    def schedule(self, k, spiking_ids):
        if spiking_ids.size == 0 or self.pre_ids.size == 0:
            return
        idx = np.concatenate([np.arange(self.ptr[i], self.ptr[i + 1]) for i in spiking_ids])
        if idx.size == 0:
            return
        np.add.at(self.ring, ((k + self.D[idx]) % self.R, self.post_ids[idx]), self.wq[idx])

    def after_step(self, k):
        """After every population's step k (plastic projections potentiate here)."""


class Network:
    """The reference network.  ``run(steps)`` continues from the current step."""

    def __init__(self, dt, seed=0):
        self.dt = float(dt)
        self.dt32 = F32(self.dt)
        self.seed = int(seed)
        self.populations = []
        self.projections = []
        self.groups = []
        self.step = 0

    def population(self, n, a, b, c, d, v0=-65.0, u0=None, v_peak=30.0, v_substeps=1,
                   label=None):
        """Izhikevich neurons."""
        from reference_models import Izhikevich

        return self.add(n, Izhikevich(int(n), self.dt, a, b, c, d, v0, u0, v_peak, v_substeps), label)

    def add(self, n, model, label=None):
        """A population of any reference_models model (built for this dt)."""
        p = Population(len(self.populations), n, model, label)
        self.populations.append(p)
        return p

    def connect(self, pre, post, pre_ids, post_ids, weights, delays, kernel=None, receptor=None,
                rule=None):
        """Synapses as arrays; ``delays`` in steps (already D, >= 1); ``rule``: a
        reference_plasticity.Rule for a plastic projection."""
        kernel = Instant() if kernel is None else kernel
        args = (len(self.projections), pre, post, pre_ids, post_ids, weights, delays, kernel, self.dt,
                receptor)
        if rule is None:
            pr = Projection(*args)
        else:
            from reference_plasticity import PlasticProjection

            pr = PlasticProjection(*args, rule=rule)
        if isinstance(kernel, Sampled):
            samples = kernel.samples(self.dt)
            pr.group = next((g for g in self.groups if g.matches(post, pr.channel, samples)), None)
            if pr.group is None:
                pr.group = _SampledGroup(pr, samples, post.n)
                self.groups.append(pr.group)
        self.projections.append(pr)
        return pr

    def input(self, pop, x):
        """A number, a (n,) array (constant), a (steps, n) array, a callable f(t_ms), or
        ("poisson", rate_hz, weight, target) with target "I" or "v"."""
        if isinstance(x, tuple) and x[0] == "poisson":
            pop.inputs.append(("poisson", x[1:]))
            return
        if callable(x):
            pop.inputs.append(("call", x))
            return
        arr = np.asarray(x)
        if arr.ndim == 0:
            pop.inputs.append(("const", np.full(pop.n, F32(arr), dtype=F32)))
        elif arr.ndim == 1:
            assert arr.shape == (pop.n,)
            pop.inputs.append(("const", arr.astype(F32)))
        elif arr.ndim == 2:
            assert arr.shape[1] == pop.n
            pop.inputs.append(("array", arr.astype(F32)))
        else:
            raise ValueError("bad input")

    def _external(self, pop, k, target="I", onto=None):
        """The inputs onto ``target`` ("I": the current, "v") of step k, added in order to
        ``onto`` (zeros if None): v = v + x for each input onto v (numerics.md)."""
        from reference_models import poisson_counts

        I = np.zeros(pop.n, dtype=F32) if onto is None else onto
        for m, (kind, x) in enumerate(pop.inputs):
            if kind == "poisson":
                rate, weight, onto = x
                if onto != target:
                    continue
                counts = poisson_counts(self.seed, pop.index, m, pop.n, rate, self.dt, k)
                val = counts.astype(np.int32).astype(F32) * F32(weight)
            elif target != "I":
                continue
            elif kind == "const":
                val = x
            elif kind == "array":
                val = x[k] if k < x.shape[0] else np.zeros(pop.n, dtype=F32)
            else:
                r = np.asarray(x(k * self.dt), dtype=F64).astype(F32)
                val = np.broadcast_to(r, (pop.n,))
            I = I + val
        return I

    def _channels(self, p, k, currents):
        """Input channels of population p at step k: external current, then each projection's
        current in creation order."""
        ch = {name: np.zeros(p.n, dtype=F32) for name in p.model.channels}
        if "I" in ch:
            ch["I"] = self._external(p, k)
        for j, pr in enumerate(self.projections):
            if pr.post is p and currents[j] is not None:
                ch[pr.channel] = ch[pr.channel] + currents[j]
        return ch

    def run(self, steps, record=("v", "u", "I")):
        steps = int(steps)
        pops, projs = self.populations, self.projections
        spikes = [[] for _ in pops]
        traces = {var: [np.empty((steps, p.n), dtype=F32) for p in pops] for var in record}
        k0 = self.step
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(steps):
                k = k0 + i
                # the spikes of step k-1 leave now, with the weights of now (as the engine
                # queues them at the step after they fire)
                for pr in projs:
                    if k > 0:
                        pr.schedule(k - 1, np.flatnonzero(pr.pre.spiked))
                arrivals = [pr.take_arrival(k) for pr in projs]
                currents = [None] * len(projs)
                for j, pr in enumerate(projs):
                    if pr.group is not None:
                        pr.group.take(pr, k, arrivals[j])
                for j, pr in enumerate(projs):
                    if pr.group is not None:
                        if pr.group.leader is pr:
                            currents[j] = pr.group.current(k)
                    elif pr.kernel.target == "I":
                        currents[j] = pr.state.current(k, arrivals[j])
                for p in pops:
                    ch = self._channels(p, k, currents)
                    if p.model.resets:
                        p.model.reset(p.spiked)
                    if "v" in p.model.state:
                        v = self._external(p, k, "v", onto=p.model.state["v"])
                        for j, pr in enumerate(projs):
                            if pr.post is p and pr.kernel.target == "v":
                                v = v + arrivals[j]
                        p.model.state["v"] = v
                    spk = p.model.step(ch, k)
                    p.spiked = spk
                    ids = np.flatnonzero(spk)
                    if ids.size:
                        spikes[p.index].append((k, ids))
                    for var in traces:
                        source = ch if var in ch else p.model.state
                        if var in source:
                            traces[var][p.index][i] = source[var]
                for pr in projs:
                    pr.after_step(k)
        self.step = k0 + steps
        out = []
        for p in pops:
            if spikes[p.index]:
                st = np.concatenate([np.full(ids.size, k, np.int64) for k, ids in spikes[p.index]])
                si = np.concatenate([ids for _, ids in spikes[p.index]]).astype(np.int32)
            else:
                st = np.zeros(0, np.int64)
                si = np.zeros(0, np.int32)
            r = {"spike_steps": st, "spike_ids": si,
                 "trace_steps": np.arange(k0, k0 + steps, dtype=np.int64)}
            for var in traces:
                r[var] = traces[var][p.index]
            out.append(r)
        return out


def simulate_neurons(a, b, c, d, I, steps, dt, v0=-65.0, u0=None, v_peak=30.0, v_substeps=1):
    """Convenience: one population with a constant input; returns the run's record."""
    n = np.broadcast(np.asarray(a), np.asarray(b), np.asarray(c), np.asarray(d),
                     np.asarray(I)).shape
    n = n[0] if n else 1
    net = Network(dt)
    p = net.population(n, a, b, c, d, v0, u0, v_peak, v_substeps)
    net.input(p, I)
    return net.run(steps)[0]
