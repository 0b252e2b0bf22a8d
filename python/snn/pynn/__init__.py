"""snn as a PyNN backend: ``import snn.pynn as sim`` runs PyNN scripts on snn's engine.

Needs PyNN 0.13 (an optional extra: ``pip install "snn[pynn]"``). What it provides:
``setup/run/run_until/end/reset``, ``Population`` (views and assemblies too) of
``IF_curr_exp``, ``IF_cond_exp``, ``Izhikevich``, ``SpikeSourcePoisson`` and
``SpikeSourceArray``; ``Projection`` with PyNN's connectors, ``StaticSynapse`` and
``STDPMechanism`` (``SpikePairRule`` with ``AdditiveWeightDependence`` or
``MultiplicativeWeightDependence``); recording of ``spikes``, ``v``, ``u``, ``gsyn_exc``,
``gsyn_inh`` with ``get_data()`` giving neo Blocks; ``get``/``set`` of parameters and
weights. The engine does every step; Python only builds the network and reads results.

``setup(timestep=0.1, min_delay='auto', max_delay='auto', rng_seed=0, backend='auto',
threads=None)``: ``rng_seed`` (or ``seed``) seeds snn's generator (connections drawn by
:class:`NativeRNG` connectors, Poisson sources); ``backend`` and ``threads`` are those of
:meth:`snn.Network.run`. The network is built at the first ``run()``; see
:mod:`snn.pynn.simulator` for what can change after that, :mod:`snn.pynn.standardmodels`
for how each model maps onto snn's, :mod:`snn.pynn.projections` for which connections are
exactly PyNN's, and :mod:`snn.pynn.recording` for the times of samples.
"""

from __future__ import annotations

try:
    import pyNN  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("snn.pynn needs PyNN 0.13, an optional extra: pip install \"snn[pynn]\" "
                      "(or pip install PyNN==0.13.*)") from exc

from pyNN import common, errors, random, space  # noqa: F401
from pyNN.common.control import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.connectors import (  # noqa: F401
    AllToAllConnector,
    ArrayConnector,
    CloneConnector,
    DisplacementDependentProbabilityConnector,
    DistanceDependentProbabilityConnector,
    FixedNumberPostConnector,
    FixedNumberPreConnector,
    FixedProbabilityConnector,
    FixedTotalNumberConnector,
    FromFileConnector,
    FromListConnector,
    IndexBasedProbabilityConnector,
    OneToOneConnector,
    SmallWorldConnector,
)
from pyNN.network import Network  # noqa: F401
from pyNN.random import NumpyRNG, RandomDistribution  # noqa: F401
from pyNN.recording import get_io
from pyNN.space import Space  # noqa: F401
from pyNN.standardmodels import StandardCellType

from . import simulator
from .populations import Assembly, Population, PopulationView
from .projections import Projection
from .simulator import state
from .standardmodels import (  # noqa: F401
    UNAVAILABLE,
    AdditiveWeightDependence,
    IF_cond_exp,
    IF_curr_exp,
    Izhikevich,
    MultiplicativeWeightDependence,
    SpikePairRule,
    SpikeSourceArray,
    SpikeSourcePoisson,
    StaticSynapse,
    STDPMechanism,
)

globals().update({cls.__name__: cls for cls in UNAVAILABLE})


class NativeRNG(random.NativeRNG):
    """Draw with snn's own counter-based generator, keyed by ``setup(rng_seed=...)`` (its own
    ``seed`` is not used): connectors with it become snn's native rules."""

    def next(self, n=None, distribution=None, parameters=None, mask=None):
        # TypeError: what PyNN expects of an RNG without a Python interface
        raise TypeError("snn.pynn: NativeRNG values are drawn by snn's engine when the network is built, "
                        "not in Python")


_SETUP_KEYWORDS = ("max_delay", "rng_seed", "seed", "backend", "threads")


def setup(timestep: float = DEFAULT_TIMESTEP, min_delay: float | str = DEFAULT_MIN_DELAY, **extra_params):
    """Starts a new simulation (forgetting any earlier one). Times in ms; see the module's
    docstring for the extra parameters. Returns the MPI rank (0)."""
    unknown = sorted(set(extra_params) - set(_SETUP_KEYWORDS))
    if unknown:
        raise TypeError(f"snn.pynn.setup: unknown parameter(s) {unknown}; snn takes timestep, min_delay "
                        f"and {', '.join(_SETUP_KEYWORDS)}")
    common.setup(timestep, min_delay, **extra_params)
    seed = extra_params.get("rng_seed", extra_params.get("seed", 0))
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise ValueError(f"snn.pynn.setup: rng_seed must be an integer in [0, 2^64), got {seed!r}")
    state.clear()
    state.dt = float(timestep)
    state.min_delay = min_delay
    state.max_delay = extra_params.get("max_delay", DEFAULT_MAX_DELAY)
    state.seed = seed
    state.backend = extra_params.get("backend", "auto")
    state.threads = extra_params.get("threads")
    return 0


def end(compatible_output: bool = True) -> None:
    """Writes the files asked for with ``record(..., to_file=...)`` and drops the network."""
    for population, variables, filename in state.write_on_end:
        population.write_data(get_io(filename), variables)
    state.write_on_end = []
    state.clear()


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, get_min_delay, get_max_delay, num_processes, rank = \
    common.build_state_queries(simulator)


def get_min_delay() -> float:  # noqa: F811 - 'auto' means one step
    """The smallest delay, ms (one time step where setup was given 'auto')."""
    return state.dt if state.min_delay == "auto" else float(state.min_delay)


create = common.build_create(Population)
connect = common.build_connect(Projection, FixedProbabilityConnector, StaticSynapse)
record = common.build_record(simulator)


def record_v(source, filename):
    return record(["v"], source, filename)


def record_gsyn(source, filename):
    return record(["gsyn_exc", "gsyn_inh"], source, filename)


def list_standard_models() -> list[str]:
    """The standard cell types snn.pynn runs."""
    return [c.__name__ for c in (IF_curr_exp, IF_cond_exp, Izhikevich, SpikeSourcePoisson, SpikeSourceArray)
            if issubclass(c, StandardCellType)]


__all__ = ["AdditiveWeightDependence", "AllToAllConnector", "Assembly", "FixedNumberPostConnector",
           "FixedNumberPreConnector", "FixedProbabilityConnector", "FromListConnector", "IF_cond_exp",
           "IF_curr_exp", "Izhikevich", "MultiplicativeWeightDependence", "NativeRNG", "NumpyRNG",
           "OneToOneConnector", "Population", "PopulationView", "Projection", "RandomDistribution",
           "STDPMechanism", "SpikePairRule", "SpikeSourceArray", "SpikeSourcePoisson", "StaticSynapse",
           "connect", "create", "end", "get_current_time", "get_max_delay", "get_min_delay", "get_time_step",
           "initialize", "list_standard_models", "num_processes", "rank", "record", "reset", "run",
           "run_for", "run_until", "setup"]
