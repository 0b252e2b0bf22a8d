# Type stubs of the native module, generated from it with pybind11-stubgen (regenerate after
# changing the bindings: pybind11-stubgen snn._core -o <dir>).
"""
snn native engine (C++ core, CPU and CUDA backends)
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['BackendUnavailable', 'ConfigError', 'CudaError', 'Distribution', 'Kernel', 'Network', 'Plasticity', 'Rule', 'Simulation', 'SimulationError', 'SnnError', 'TraceRequest', 'config', 'cuda_available', 'cuda_compiled', 'load_network', 'load_state', 'max_delay_steps', 'max_kernel_steps', 'max_steps', 'max_threads', 'models', 'mpi_compiled', 'preset', 'preset_names', 'save_network', 'save_state']
class SnnError(RuntimeError):
    pass
class SimulationError(SnnError):
    pass
class BackendUnavailable(SnnError):
    pass
class CudaError(SnnError):
    pass
class ConfigError(ValueError):
    pass
class Kernel:
    @staticmethod
    def alpha(tau: typing.SupportsFloat | typing.SupportsIndex) -> Kernel:
        ...
    @staticmethod
    def exponential(tau: typing.SupportsFloat | typing.SupportsIndex) -> Kernel:
        ...
    @staticmethod
    def instant() -> Kernel:
        ...
    @staticmethod
    def sampled(kappa: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> Kernel:
        ...
    @staticmethod
    def voltage_jump() -> Kernel:
        ...
    def on(self, receptor: str) -> Kernel:
        ...
    @property
    def receptor(self) -> str:
        ...
class Plasticity:
    @staticmethod
    def izhikevich_2006(tau: typing.SupportsFloat | typing.SupportsIndex, a_plus: typing.SupportsFloat | typing.SupportsIndex, a_minus: typing.SupportsFloat | typing.SupportsIndex, w_max: typing.SupportsFloat | typing.SupportsIndex, interval: typing.SupportsFloat | typing.SupportsIndex, bias: typing.SupportsFloat | typing.SupportsIndex, sd_decay: typing.SupportsFloat | typing.SupportsIndex) -> Plasticity:
        ...
    @staticmethod
    def stdp(tau_plus: typing.SupportsFloat | typing.SupportsIndex, tau_minus: typing.SupportsFloat | typing.SupportsIndex, a_plus: typing.SupportsFloat | typing.SupportsIndex, a_minus: typing.SupportsFloat | typing.SupportsIndex, w_min: typing.SupportsFloat | typing.SupportsIndex, w_max: typing.SupportsFloat | typing.SupportsIndex, multiplicative: bool) -> Plasticity:
        ...
    def __init__(self) -> None:
        """
        no plasticity
        """
class Distribution:
    @staticmethod
    def array(values: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> Distribution:
        ...
    @staticmethod
    def constant(value: typing.SupportsFloat | typing.SupportsIndex) -> Distribution:
        ...
    @staticmethod
    def normal(mean: typing.SupportsFloat | typing.SupportsIndex, std: typing.SupportsFloat | typing.SupportsIndex, low: typing.SupportsFloat | typing.SupportsIndex, high: typing.SupportsFloat | typing.SupportsIndex) -> Distribution:
        ...
    @staticmethod
    def uniform(low: typing.SupportsFloat | typing.SupportsIndex, high: typing.SupportsFloat | typing.SupportsIndex) -> Distribution:
        ...
class Rule:
    @staticmethod
    def all_to_all(allow_self: bool) -> Rule:
        ...
    @staticmethod
    def fixed_in_degree(k: typing.SupportsInt | typing.SupportsIndex, allow_self: bool) -> Rule:
        ...
    @staticmethod
    def fixed_out_degree(k: typing.SupportsInt | typing.SupportsIndex, allow_self: bool) -> Rule:
        ...
    @staticmethod
    def fixed_probability(p: typing.SupportsFloat | typing.SupportsIndex, allow_self: bool) -> Rule:
        ...
    @staticmethod
    def one_to_one() -> Rule:
        ...
class Network:
    def __init__(self, dt: typing.SupportsFloat | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def add_input_constant(self, arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> int:
        ...
    def add_input_noise(self, arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], arg2: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> int:
        ...
    def add_input_poisson(self, pop: typing.SupportsInt | typing.SupportsIndex, rate: typing.SupportsFloat | typing.SupportsIndex, weight: typing.SupportsFloat | typing.SupportsIndex, to_v: bool) -> int:
        ...
    def add_input_pulses(self, arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsFloat | typing.SupportsIndex, arg2: typing.SupportsFloat | typing.SupportsIndex) -> int:
        ...
    def add_input_stream(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> int:
        ...
    def add_population(self, n: typing.SupportsInt | typing.SupportsIndex, model: str, params: collections.abc.Sequence[tuple[str, typing.Annotated[numpy.typing.ArrayLike, numpy.float32]]], spike_ids: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], spike_times: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], label: str) -> int:
        ...
    def connect(self, pre: typing.SupportsInt | typing.SupportsIndex, post: typing.SupportsInt | typing.SupportsIndex, rule: Rule, weight: Distribution, delay: Distribution, kernel: Kernel, label: str, plasticity: Plasticity = ...) -> int:
        ...
    def connect_dense(self, pre: typing.SupportsInt | typing.SupportsIndex, post: typing.SupportsInt | typing.SupportsIndex, w: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], delay: Distribution, kernel: Kernel, label: str, plasticity: Plasticity = ...) -> int:
        ...
    def connect_explicit(self, pre: typing.SupportsInt | typing.SupportsIndex, post: typing.SupportsInt | typing.SupportsIndex, pre_ids: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], post_ids: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], weight: Distribution, delay: Distribution, kernel: Kernel, label: str, plasticity: Plasticity = ...) -> int:
        ...
    def distribute(self, mpi_comm_handle: typing.SupportsInt | typing.SupportsIndex) -> None:
        """
        Spreads the network over an MPI communicator (its handle: mpi4py's MPI._handleof(comm)).
        """
    def initial_state(self, pop: typing.SupportsInt | typing.SupportsIndex, variable: str) -> numpy.typing.NDArray[numpy.float32]:
        ...
    def is_dense(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> bool:
        ...
    def izhikevich_2003(self, n: typing.SupportsInt | typing.SupportsIndex, excitatory: bool) -> dict:
        ...
    def owned(self, population: typing.SupportsInt | typing.SupportsIndex) -> tuple[int, int]:
        ...
    def population_label(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> str:
        ...
    def population_model(self, pop: typing.SupportsInt | typing.SupportsIndex) -> tuple[str, dict]:
        ...
    def population_size(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> int:
        ...
    def projection_bytes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> int:
        ...
    def projection_label(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> str:
        ...
    def projection_name(self, pre: typing.SupportsInt | typing.SupportsIndex, post: typing.SupportsInt | typing.SupportsIndex, label: str) -> str:
        ...
    def set_plasticity(self, projection: typing.SupportsInt | typing.SupportsIndex, rule: Plasticity) -> None:
        ...
    def synapse_count(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> int:
        ...
    def synapses(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> tuple[numpy.typing.NDArray[numpy.int32], numpy.typing.NDArray[numpy.int32], numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.int32]]:
        ...
    @property
    def dt(self) -> float:
        ...
    @property
    def population_count(self) -> int:
        ...
    @property
    def process(self) -> int:
        ...
    @property
    def processes(self) -> int:
        ...
    @property
    def projection_count(self) -> int:
        ...
    @property
    def seed(self) -> int:
        ...
class TraceRequest:
    def __init__(self, population: typing.SupportsInt | typing.SupportsIndex, variable: str, neurons: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], every: typing.SupportsInt | typing.SupportsIndex, projection: typing.SupportsInt | typing.SupportsIndex = -1) -> None:
        ...
    @property
    def neurons(self) -> numpy.typing.NDArray[numpy.int64]:
        ...
    @property
    def population(self) -> int:
        ...
    @property
    def projection(self) -> int:
        ...
    @property
    def variable(self) -> str:
        ...
class Simulation:
    def __init__(self, network: Network, backend: str, threads: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def advance(self, steps: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def begin_run(self, steps: typing.SupportsInt | typing.SupportsIndex, traces: collections.abc.Sequence[TraceRequest]) -> None:
        ...
    def end_run(self) -> dict:
        ...
    def exchanges(self) -> dict:
        ...
    def get_state(self, arg0: typing.SupportsInt | typing.SupportsIndex, arg1: str) -> numpy.typing.NDArray[numpy.float32]:
        ...
    def get_weights(self, projection: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
        ...
    def plasticity_bytes(self, projection: typing.SupportsInt | typing.SupportsIndex) -> int:
        ...
    def set_state(self, arg0: typing.SupportsInt | typing.SupportsIndex, arg1: str, arg2: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> None:
        ...
    def set_stream(self, arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex, arg2: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> None:
        ...
    def set_weights(self, projection: typing.SupportsInt | typing.SupportsIndex, weights: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> None:
        ...
    @property
    def backend(self) -> str:
        ...
    @property
    def step(self) -> int:
        ...
    @property
    def threads(self) -> int:
        ...
def config() -> dict:
    """
    The build's configuration: version, CUDA and MPI compiled in, architectures, devices seen.
    """
def cuda_available() -> bool:
    """
    True if the CUDA backend is compiled in and a CUDA device is present.
    """
def max_threads() -> int:
    """
    Most CPU threads a simulation takes: 4 x the hardware threads.
    """
def models() -> list:
    """
    Every neuron model: name, parameters (name, unit, default, per_neuron, computed, integer), variables.
    """
def save_network(network: Network) -> dict[str, numpy.ndarray]:
    """
    The network's description as checkpoint arrays (docs/checkpoints.md).
    """
def load_network(arrays: dict) -> Network:
    """
    A network rebuilt from checkpoint arrays, checked (ConfigError naming what is wrong).
    """
def save_state(simulation: Simulation) -> dict[str, numpy.ndarray]:
    """
    A simulation's state as checkpoint arrays.
    """
def load_state(simulation: Simulation, arrays: dict) -> None:
    """
    Takes checkpoint arrays into a simulation (between runs).
    """
def preset(name: str) -> dict:
    ...
def preset_names() -> list[str]:
    ...
__version__: str = '0.1.0'
cuda_compiled: bool = False
max_delay_steps: int = 4096
max_kernel_steps: int = 4096
max_steps: int = 9223372036854775807
mpi_compiled: bool = True
