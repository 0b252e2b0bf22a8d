#pragma once
// The one coarse backend interface: an engine is built once from a frozen network and then
// advanced by chunks of steps. Nothing here is called per neuron or per step.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "network_data.hpp"
#include "snn/checkpoint.hpp"
#include "snn/simulation.hpp"

namespace snn {

class recorder;

/// Rows of a stream input: data[(k - first_step) * n + i] for steps [first_step, first_step + steps).
struct stream_view {
  const float* data = nullptr;
  std::uint64_t first_step = 0, steps = 0;
};

/// Stream inputs by [population][input index] (empty views for other input kinds).
using stream_table = std::vector<std::vector<stream_view>>;

struct advance_result {
  std::uint64_t steps = 0;  ///< steps completed
  std::string error;        ///< non-empty: a neuron's state became NaN/inf at the last step
};

class engine {
 public:
  virtual ~engine() = default;
  virtual const char* name() const = 0;
  virtual int threads() const = 0;
  /// Runs steps [first_step, first_step + n_steps), recording into `rec`.
  virtual advance_result advance(std::uint64_t first_step, std::uint64_t n_steps,
                                 const stream_table& streams, recorder& rec) = 0;
  /// Variable `var` of a population's model (its state variables, then its input
  /// channels: variable_index in models/registry.hpp), one value per neuron.
  virtual void read_state(std::uint32_t population, int var, float* out) const = 0;
  virtual void write_state(std::uint32_t population, int var, const float* in) = 0;
  /// A projection's fixed-point weights in storage order (dense: w[pre * n_post + post];
  /// sparse: the CSR's order; one shared weight: one value).
  virtual void read_weights(std::uint32_t projection, std::int32_t* out) const = 0;
  virtual void write_weights(std::uint32_t projection, const std::int32_t* in) = 0;
  /// Brings the weights in the network data up to date where the engine applies changes
  /// lazily (the CPU engine's dendritic-delay STDP: potentiation at a synapse's next pre
  /// spike; such an engine sets network_data::lazy). The simulation and the network call it
  /// before weights are read, written or saved; safe from several readers at once.
  virtual void settle() {}
  /// See simulation::plasticity_bytes.
  virtual std::uint64_t plasticity_bytes(std::uint32_t) const { return 0; }
  /// Distributed runs: what exchanging spikes has cost (see simulation::exchanges).
  virtual exchange_stats exchanges() const { return {}; }
  /// What a continuation from step `next` needs beyond the network (model state, the last
  /// steps' spikes, arrivals on their way, kernel and plasticity state) as "state/..."
  /// arrays in a form that does not depend on the thread count (docs/checkpoints.md).
  /// load_state takes them into an engine built from an equal network, checking every size
  /// and index (config_error naming the array). Engines without checkpoints throw snn::error.
  virtual void save_state(std::uint64_t next, state_arrays& out) const;
  virtual void load_state(std::uint64_t next, const state_arrays& in);
};

/// The engines keep the projections' weights in the network data (the state of the
/// weights; nothing else of it changes once built) and copies where they run.
std::unique_ptr<engine> make_cpu_engine(std::shared_ptr<network_data> net, int threads);
/// Defined in cuda/cuda_engine.cu, or in cpp/src/cuda_stub.cpp when CUDA is not built.
std::unique_ptr<engine> make_cuda_engine(std::shared_ptr<network_data> net);
bool cuda_device_present();
/// Fills the CUDA part of `out` (runtime and driver versions, devices, status); defined
/// beside make_cuda_engine.
void query_cuda(build_config& out);

/// Bytes an engine needs beyond the network itself (state, delay rings, kernel buffers).
double engine_state_bytes(const network_data& net, int threads);

/// Number of weights read_weights gives for a projection.
std::uint64_t stored_weights(const projection_data& p);

/// The message of a neuron whose state became NaN or infinite at `step`; `state` holds its
/// state variables' values.
std::string failure_message(const network_data& net, std::uint32_t population, std::uint32_t neuron,
                            std::uint64_t step, const float* state);

}  // namespace snn
