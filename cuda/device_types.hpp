#pragma once
// Plain descriptors handed from the CUDA engine's host code to its kernels (by value or in
// device arrays). No CUDA syntax: the host side compiles them with the ordinary compiler.
#include <cstdint>

#include "models/registry.hpp"
#include "plasticity.hpp"

namespace snn {
namespace cuda {

/// Control block of a chunk, in device memory. Kernels of chunk position q run step
/// first + q and do nothing once an earlier position has failed.
struct step_control {
  std::uint64_t first = 0;         ///< step of position 0
  std::uint32_t base = 0;          ///< position of the next graph's first step
  std::uint32_t pad = 0;
  unsigned long long fail = ~0ull;  ///< failure_key of the first NaN/inf, or no_failure
};

/// Spike lists of one population during a chunk: the list of position q is
/// ids[offsets[q] .. offsets[q + 1]) in neuron order; the list of the step before the
/// chunk is prev[0 .. *prev_count).
struct spike_lists {
  std::uint32_t* ids = nullptr;      // capacity n * chunk steps
  std::uint32_t* offsets = nullptr;  // chunk steps + 1; offsets[0] = 0
  std::uint32_t* prev = nullptr;     // n
  std::uint32_t* prev_count = nullptr;
};

enum class input_kind : std::uint32_t { constant, noise, stream, pulses, poisson };

struct input_args {
  input_kind kind = input_kind::constant;
  std::uint32_t index = 0;  // among the population's inputs (its random stream)
  std::uint32_t per_neuron_mean = 0, per_neuron_std = 0;  // else one value
  std::uint32_t to_v = 0;       // added to v after the reset, not to the current
  const float* mean = nullptr;  // pulses: the amplitude; poisson: the weight
  const float* std = nullptr;
  const float* stream = nullptr;  // [position][n] of the chunk
  double per_step = 0.0;          // pulses: expected pulses per step
  std::uint32_t* hits = nullptr;  // pulses: this step's pulses per neuron (zeroed when read)
  const std::uint32_t* thresholds = nullptr;  // poisson: the count's inversion table
  std::uint32_t n_thresholds = 0;
};

/// A projection as its target population reads it: arrivals and kernel state.
struct arrival_args {
  std::uint32_t kernel = 0;  // snn::kernel_type
  std::uint32_t channel = 0; // the target model's input channel (voltage jumps: v)
  std::uint32_t slots = 1;   // ring slots (d_max)
  unsigned long long* ring = nullptr;  // [slot][n] int64 fixed point
  double inv_scale = 1.0;
  float q = 0.0f, c = 0.0f;
  float* s0 = nullptr;  // exponential S, alpha X
  float* s1 = nullptr;  // alpha Y
  // Sampled: the history [L][n] of summed arrivals shared by the projections into this
  // population with bitwise-equal samples; the first of them (leader) adds the current.
  float* hist = nullptr;
  const float* kappa = nullptr;
  std::uint32_t samples = 0;  // L
  std::uint32_t leader = 0;
};

/// Spike lists of the last `steps` steps of a population: step k's list is
/// ids[(k % steps) * n ..) of length count[k % steps] (steps = 0: none kept).
struct spike_history {
  std::uint32_t* ids = nullptr;
  std::uint32_t* count = nullptr;
  std::uint32_t steps = 0, n = 0;
};

struct population_args {
  std::uint32_t n = 0, index = 0;
  model_id model = model_id::izhikevich;
  unsigned char constants[max_model_constants] = {};  // the model's scalar constants
  float* vars[max_model_vars] = {};                   // state variables, [n] each
  float* channels[max_model_channels] = {};           // this step's inputs, [n] each
  const float* params[max_model_params] = {};         // per-neuron constants, [n] each
  const std::uint64_t* table_ptr = nullptr;           // spike sources: steps of neuron i are
  const std::uint64_t* table_steps = nullptr;         // table_steps[table_ptr[i] .. table_ptr[i+1])
  std::uint8_t* spiked = nullptr;  // spiked at the last step run
  std::uint64_t seed = 0;  // Philox key
  const input_args* inputs = nullptr;
  std::uint32_t n_inputs = 0;
  bool has_pulses = false;
  const arrival_args* arrivals = nullptr;  // projections into it, in creation order
  std::uint32_t n_arrivals = 0;
  std::uint32_t* block_counts = nullptr;  // spikes per block of the last step
  spike_lists spikes;
  spike_history history;  // the last steps' spike lists (plastic projections read them)
};

/// One stored sparse synapse, laid out as snn::synapse.
struct device_synapse {
  std::uint32_t key;
  std::int32_t weight;
};

/// A plastic projection's rule and state on the device (the CPU engine's plastic_state and
/// plastic_plan): traces (value before the latest spike, its step), sd, the synapses by
/// target sorted by delay, and the spike histories of its source and target.
struct plastic_args {
  plasticity_args rule;
  float *x = nullptr, *y = nullptr, *sd = nullptr;  // y: per synapse (dendritic) or target
  std::uint64_t *xk = nullptr, *yk = nullptr;
  const std::uint64_t* in_ptr = nullptr;  // n_post + 1
  const std::uint32_t* in_syn = nullptr;
  const std::uint16_t* in_delay = nullptr;
  spike_history pre, post;
  std::uint64_t n_synapses = 0;
  std::uint32_t d_max = 1;
};

struct projection_args {
  bool dense = false;
  std::uint32_t n_post = 0, slots = 1, d_min = 1, post_bits = 0;
  spike_lists source;  // the pre population's spikes
  const std::uint64_t* row_ptr = nullptr;  // sparse
  device_synapse* synapses = nullptr;     // (plastic projections change the weights)
  const std::int32_t* weights = nullptr;  // dense [pre][post]
  unsigned long long* ring = nullptr;     // [slot][post]
  std::uint32_t blocks = 1;               // grid of the delivery kernel
  bool plastic = false;
  plastic_args pl;
};

/// One recorded variable: column j holds src[neurons[j]] of each sampled step (weights:
/// synapses[storage[j]].weight * inv_scale).
struct trace_args {
  const float* src = nullptr;
  const std::int32_t* neurons = nullptr;
  const device_synapse* synapses = nullptr;  // a weight trace's projection
  const std::uint64_t* storage = nullptr;
  double inv_scale = 1.0;
  std::uint32_t columns = 0, first_column = 0;  // first_column: among all traces' columns
  std::uint64_t first_sample = 0, every = 1;
  float* out = nullptr;  // [row of this chunk][columns]
};

/// Everything of a small network, for the single-block kernel (device arrays).
struct fused_args {
  const population_args* populations = nullptr;
  std::uint32_t n_populations = 0;
  const projection_args* projections = nullptr;
  std::uint32_t n_projections = 0;
  const trace_args* traces = nullptr;
  std::uint32_t n_traces = 0, n_columns = 0;
};

}  // namespace cuda
}  // namespace snn
