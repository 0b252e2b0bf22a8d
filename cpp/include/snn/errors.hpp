#pragma once
/// \file errors.hpp
/// Exceptions thrown by the engine. Nothing in the engine aborts: every failure is one of
/// these (or std::bad_alloc), and the Python module maps each to its own exception class.
#include <stdexcept>
#include <string>

namespace snn {

/// Root of the engine's runtime errors (Python: snn.SnnError, a RuntimeError).
struct error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Bad network description or argument (Python: snn.ConfigError, a ValueError). The
/// message names the population or projection, the parameter and the bad value.
struct config_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// The network would not fit in memory; thrown before anything large is allocated
/// (Python: MemoryError). The message gives the estimate.
struct memory_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A neuron's state became NaN or infinite during a run (Python: snn.SimulationError).
struct simulation_error : error {
  using error::error;
};

/// The backend asked for is not compiled in or has no device (Python: snn.BackendUnavailable).
struct backend_unavailable : error {
  using error::error;
};

/// A CUDA call failed (Python: snn.CudaError); the message names the call, file and line.
struct cuda_error : error {
  using error::error;
};

}  // namespace snn
