"""The simulator state of snn.pynn: one :class:`snn.Network`, built when first needed.

PyNN builds a model piece by piece (populations, then projections, then parameter changes)
and then runs it; snn's engine takes a network whole. So the PyNN objects keep what they
were given and :meth:`State.network` builds the snn network from them at the first
``run()`` (or the first question that needs the engine's connections, e.g. ``len()`` of a
projection drawn by a native rule). From then on the network's structure and parameters are
fixed: state variables (``initialize``) and weights (``Projection.set(weight=...)``) can
still change; ``reset()`` drops the built network so that the next run rebuilds it (time 0,
initial values, the connections as they were, plastic weights as at the start).
"""

from __future__ import annotations

import math
from typing import Any

from pyNN import common

import snn

name = "snn"


class ID(int, common.IDMixin):
    """A neuron's global id, as PyNN hands them out."""

    def __init__(self, n: int) -> None:
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    """Time step, seed, the PyNN objects made since setup(), and the snn network."""

    def __init__(self) -> None:
        super().__init__()
        self.mpi_rank = 0
        self.num_processes = 1
        self.dt = 0.1
        self.min_delay: Any = "auto"
        self.max_delay: Any = "auto"
        self.seed = 0
        self.backend = "auto"
        self.threads: int | None = None
        self.segment_counter = -1
        self.clear()

    def clear(self) -> None:
        """Forgets every population and projection (setup() and end())."""
        self.populations: list = []
        self.projections: list = []
        self.recorders = set()
        self.id_counter = 0
        self.segment_counter = -1
        self.net: snn.Network | None = None
        self.reset()

    def reset(self) -> None:
        """Back to t = 0: the next run rebuilds the network."""
        self.net = None
        self.steps = 0
        self.running = False
        self.t_start = 0.0
        self.segment_counter += 1
        for recorder in self.recorders:
            recorder._clear_simulator()
        for prj in getattr(self, "projections", []):
            prj._parts = []  # the old network's projections; the next build makes new ones
        for pop in getattr(self, "populations", []):
            pop._native = None

    @property
    def t(self) -> float:
        return self.steps * self.dt

    @property
    def built(self) -> bool:
        return self.net is not None

    def check_not_built(self, what: str) -> None:
        if self.net is not None:
            raise NotImplementedError(
                f"snn.pynn: {what} once the network is built (at the first run(), or by a question "
                f"about connections drawn by snn); do it before running, or call reset() first "
                f"(which starts again from t = 0)")

    def network(self) -> snn.Network:
        """The snn network, built from the PyNN objects if it is not yet."""
        if self.net is None:
            net = snn.Network(dt=self.dt, seed=self.seed)
            self.net = net
            try:
                for pop in self.populations:
                    pop._build(net)
                for prj in self.projections:
                    prj._build(net)
            except BaseException:
                self.net = None
                raise
        return self.net

    def run(self, simtime: float) -> None:
        self.run_until(self.t + simtime)

    def run_until(self, tstop: float) -> None:
        steps = int(math.floor(tstop / self.dt + 0.5)) - self.steps
        net = self.network()
        if steps > 0:
            traces = [tr for pop in self.populations for tr in pop.recorder._requests()]
            result = net.run(steps * self.dt, record=traces, backend=self.backend, threads=self.threads)
            for pop in self.populations:
                pop.recorder._store(result)
            self.steps += steps
        self.running = True


state = State()
