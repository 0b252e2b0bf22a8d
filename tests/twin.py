"""Build an snn network and its NumPy reference side by side.

``Twin`` forwards populations, projections and inputs to ``snn.Network`` and remembers
them; ``Twin.reference()`` then builds a ``reference.Network`` from what the engine
actually built: per-neuron parameters from ``pop.parameters()`` and synapses from
``proj.synapses()``.  Kernels are given as ``reference`` kernel objects and translated to
their ``snn`` counterparts.
"""

from __future__ import annotations

import numpy as np

import reference as ref
import snn

# The backend Twin.run uses: cpu, or per test the backend of conftest's on_backend fixture.
BACKEND = "cpu"


def snn_kernel(k):
    if isinstance(k, ref.Instant):
        return snn.Instant()
    if isinstance(k, ref.InstantV):
        return snn.Instant(target="v")
    if isinstance(k, ref.Exponential):
        return snn.Exponential(tau=k.tau)
    if isinstance(k, ref.Alpha):
        return snn.Alpha(tau=k.tau)
    if isinstance(k, ref.Sampled):
        return snn.Kernel(k.f, k.window)
    raise TypeError(k)


class Twin:
    def __init__(self, dt, seed=1):
        self.dt = float(dt)
        self.seed = seed
        self.net = snn.Network(dt=dt, seed=seed)
        self.pops = []      # (pop, v_peak, v_substeps)
        self.projs = []     # (proj, pre, post, ref kernel)
        self.inputs = []    # (pop, x)

    def population(self, n, preset=None, *, v_peak=30.0, v_substeps=1, **kw):
        pop = self.net.population(n, preset, v_peak=v_peak, v_substeps=v_substeps, **kw)
        self.pops.append((pop, v_peak, v_substeps))
        return pop

    def connect(self, pre, post, connectivity, kernel=None, **kw):
        kernel = ref.Instant() if kernel is None else kernel
        proj = self.net.connect(pre, post, connectivity, kernel=snn_kernel(kernel), **kw)
        self.projs.append((proj, pre, post, kernel))
        return proj

    def input(self, pop, x):
        self.net.input(pop, x)
        self.inputs.append((pop, x))

    def run(self, T, **kw):
        kw.setdefault("backend", BACKEND)
        return self.net.run(T, **kw)

    def index(self, pop):
        for i, (p, _, _) in enumerate(self.pops):
            if p is pop:
                return i
        raise KeyError(pop)

    def reference(self, state_from_engine=False):
        """The reference network of what the engine built.

        With ``state_from_engine`` the initial v and u are read from ``pop.v``/``pop.u``
        instead of the parameters' v0/u0.
        """
        r = ref.Network(self.dt)
        rpops = []
        for pop, v_peak, v_substeps in self.pops:
            P = pop.parameters()
            rp = r.population(pop.size, P["a"], P["b"], P["c"], P["d"], P["v0"], P["u0"],
                              v_peak=v_peak, v_substeps=v_substeps, label=pop.label)
            if state_from_engine:
                rp.v = np.asarray(pop.v, dtype=np.float32).copy()
                rp.u = np.asarray(pop.u, dtype=np.float32).copy()
            rpops.append(rp)
        for proj, pre, post, kernel in self.projs:
            pre_ids, post_ids, w, _ = proj.synapses()
            D = proj.delay_steps()
            r.connect(rpops[self.index(pre)], rpops[self.index(post)], pre_ids, post_ids,
                      w, D, kernel)
        for pop, x in self.inputs:
            r.input(rpops[self.index(pop)], x)
        return r


def sorted_spikes(steps, ids):
    steps = np.asarray(steps, dtype=np.int64)
    ids = np.asarray(ids, dtype=np.int64)
    order = np.lexsort((ids, steps))
    return steps[order], ids[order]


def assert_same_spikes(eng, refr, what=""):
    """``eng``: an snn population result; ``refr``: a reference record dict."""
    es, ei = sorted_spikes(eng.spike_steps, eng.spike_ids)
    rs, ri = sorted_spikes(refr["spike_steps"], refr["spike_ids"])
    if es.shape == rs.shape and np.array_equal(es, rs) and np.array_equal(ei, ri):
        return
    n = min(es.size, rs.size)
    diff = np.flatnonzero((es[:n] != rs[:n]) | (ei[:n] != ri[:n]))
    first = int(diff[0]) if diff.size else n
    raise AssertionError(
        f"{what}: spikes differ: engine {es.size} spikes, reference {rs.size}; first "
        f"difference at spike #{first}: engine "
        f"{list(zip(es[first:first + 3].tolist(), ei[first:first + 3].tolist()))}, "
        f"reference {list(zip(rs[first:first + 3].tolist(), ri[first:first + 3].tolist()))}")


def assert_trace_close(eng, refr, atol=1e-4, rtol=1e-6, what=""):
    eng = np.asarray(eng)
    refr = np.asarray(refr)
    assert eng.shape == refr.shape, f"{what}: shape {eng.shape} != {refr.shape}"
    assert eng.dtype == np.float32, f"{what}: dtype {eng.dtype}"
    bad = ~np.isclose(eng, refr, atol=atol, rtol=rtol)
    if bad.any():
        s, i = np.argwhere(bad)[0]
        raise AssertionError(
            f"{what}: {int(bad.sum())} samples differ; first at sample {s}, neuron {i}: "
            f"engine {eng[s, i]!r}, reference {refr[s, i]!r}")


def trace_steps(r, var):
    """Steps of the samples of trace ``var`` of a population result (an array, or a dict
    by variable)."""
    ts = r.trace_steps
    return ts[var] if isinstance(ts, dict) else ts


def trace_neurons(r, var):
    tn = r.trace_neurons
    return tn[var] if isinstance(tn, dict) else tn
