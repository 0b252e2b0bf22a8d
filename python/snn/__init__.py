"""snn: fast spiking neural networks on a native (C++/CUDA) engine.

Build a :class:`Network` of populations (Izhikevich, LIF, LIF with conductances, spike
sources), connect them with delays, synaptic kernels and receptors, drive them with
inputs, and :meth:`Network.run` it; results are NumPy arrays. Units follow PyNN: ms, mV,
nF, nA, µS.
"""

from __future__ import annotations

from . import _core
from ._checkpoint import load
from ._core import (
    BackendUnavailable,
    ConfigError,
    CudaError,
    SimulationError,
    SnnError,
    config,
    cuda_available,
)
from ._models import (
    LIF,
    Izhikevich,
    Izhikevich2018,
    LIFCond,
    NeuronModel,
    PoissonSource,
    SpikeSource,
    models_info,
)
from ._network import Network, Population, Projection, Synapses
from ._result import PopulationResult, Result
from ._specs import (
    STDP,
    AllToAll,
    Alpha,
    Exponential,
    FixedInDegree,
    FixedOutDegree,
    FixedProbability,
    Instant,
    Kernel,
    Noise,
    Normal,
    OneToOne,
    PoissonInput,
    Pulses,
    STDPIzhikevich2006,
    Trace,
    Uniform,
    WeightTrace,
)
from .presets import PRESETS

__version__ = _core.__version__

__all__ = [
    "Alpha",
    "AllToAll",
    "BackendUnavailable",
    "ConfigError",
    "CudaError",
    "Exponential",
    "FixedInDegree",
    "FixedOutDegree",
    "FixedProbability",
    "Instant",
    "Izhikevich",
    "Izhikevich2018",
    "Kernel",
    "LIF",
    "LIFCond",
    "Network",
    "NeuronModel",
    "Noise",
    "Normal",
    "OneToOne",
    "PoissonInput",
    "PoissonSource",
    "Pulses",
    "PRESETS",
    "Population",
    "PopulationResult",
    "Projection",
    "Synapses",
    "Result",
    "SimulationError",
    "SnnError",
    "SpikeSource",
    "STDP",
    "STDPIzhikevich2006",
    "Trace",
    "Uniform",
    "WeightTrace",
    "config",
    "cuda_available",
    "load",
    "models_info",
]
