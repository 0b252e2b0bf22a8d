"""snn: fast spiking neural networks on a native (C++/CUDA) engine.

Build a :class:`Network` of Izhikevich populations, connect them with delays and synaptic
kernels, drive them with inputs, and :meth:`Network.run` it; results are NumPy arrays.
Times are in ms, potentials in mV.
"""

from __future__ import annotations

from . import _core
from ._core import (
    BackendUnavailable,
    ConfigError,
    CudaError,
    SimulationError,
    SnnError,
    cuda_available,
)
from ._network import Network, Population, Projection
from ._result import PopulationResult, Result
from ._specs import (
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
    Pulses,
    Trace,
    Uniform,
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
    "Kernel",
    "Network",
    "Noise",
    "Normal",
    "OneToOne",
    "PRESETS",
    "Pulses",
    "Population",
    "PopulationResult",
    "Projection",
    "Result",
    "SimulationError",
    "SnnError",
    "Trace",
    "Uniform",
    "cuda_available",
]
