#pragma once
// The built network as the engines consume it. Private: embedders use snn::network.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "comm.hpp"
#include "models/registry.hpp"
#include "snn/network.hpp"
#include "thread_guard.hpp"

namespace snn {

class engine;

struct input_data {
  input_type type = input_type::constant;
  std::vector<float> mean, std;  // 1 or n values (pulses, poisson: mean = {weight})
  double rate = 0.0;             // pulses, poisson: Hz, as given (a checkpoint rebuilds from it)
  double per_step = 0.0;         // pulses: expected pulses per step, n * rate * dt / 1000
  bool to_v = false;             // added to v (state variable 0) after the reset
  std::vector<std::uint32_t> thresholds;  // poisson: count = #{j : x0 >= thresholds[j]}
};

struct population_data {
  std::string label;
  std::uint32_t n = 0;
  model_id model = model_id::izhikevich;
  param_values params;                   // in the model's order: n values, 1 for population-wide ones
  std::vector<std::vector<float>> init;  // initial state, n values per state variable
  std::vector<std::uint64_t> table_ptr, table_steps;  // spike sources: steps of each neuron
  std::vector<input_data> inputs;
  const model_desc& desc() const { return describe(model); }
};

/// Kernel constants derived at build (docs/numerics.md).
struct kernel_data {
  kernel_type type = kernel_type::instant;
  double tau = 0.0;              // ms, as given (exponential, alpha)
  float q = 0.0f;                // exp(-dt / tau)
  float c = 0.0f;                // e dt / tau (alpha)
  std::vector<float> samples;    // sampled kappa
};

/// One stored synapse of a sparse projection: 8 bytes. `key` packs the delay and the
/// target, (D - d_min) << post_bits | post; `weight` is fixed point.
struct synapse {
  std::uint32_t key;
  std::int32_t weight;
};

/// A projection's connectivity. Sparse: CSR by source, each row sorted by key, that is by
/// delay and then target, so that the synapses a spike delivers at one step are one run;
/// 8-byte synapses, or 4-byte keys alone where every synapse has the same weight
/// (`one_weight`, as NEST's homogeneous-weight synapses). Dense: weights[pre * n_post +
/// post], one delay d_min for all.
struct projection_data {
  std::string label;
  std::uint32_t pre = 0, post = 0;  // population indices
  kernel_data kernel;
  std::uint32_t channel = 0;  // the target's input channel (0: current; voltage jumps: v)
  plasticity rule;            // type none: static
  bool plastic() const { return rule.type != plasticity_type::none; }
  bool dense = false;
  bool dense_skip_zeros = false;  // a dense matrix's zeros are absent synapses
  bool exclude_self = false;      // dense all-to-all without i -> i
  int scale_exp = 0;              // weight = w_q * 2^-scale_exp
  std::uint32_t d_min = 1, d_max = 1;
  int post_bits = 0;
  std::uint64_t n_synapses = 0;
  std::vector<std::uint64_t> row_ptr;  // sparse: n_pre + 1
  std::vector<synapse> synapses;       // sparse, unless one_weight
  bool one_weight = false;             // sparse: keys[s] with weight shared_weight
  std::vector<std::uint32_t> keys;
  std::int32_t shared_weight = 0;
  std::vector<std::int32_t> weights;   // dense, fixed point

  double inv_scale() const;
  /// Sparse synapse s, whichever the storage.
  synapse synapse_at(std::uint64_t s) const { return one_weight ? synapse{keys[s], shared_weight} : synapses[s]; }
  /// The fixed-point weight at storage index `at` (dense index or CSR position).
  std::int32_t weight_at(std::uint64_t at) const { return dense ? weights[at] : synapse_at(at).weight; }
  std::uint32_t key_of(std::uint32_t post, std::uint32_t delay) const {
    return ((delay - d_min) << post_bits) | post;
  }
  std::uint32_t post_of(std::uint32_t key) const {
    return static_cast<std::uint32_t>(key & ((std::uint64_t(1) << post_bits) - 1));
  }
  std::uint32_t delay_of(std::uint32_t key) const {
    return static_cast<std::uint32_t>(std::uint64_t(key) >> post_bits) + d_min;
  }
};

struct network_data {
  double dt = 0.1;
  std::uint64_t seed = 0;
  // The processes the network is distributed over: each owns comm->owned(n) of every
  // population (integrates them, stores the synapses onto them); one process owns all.
  std::shared_ptr<const communicator> comm = std::make_shared<communicator>();
  std::vector<population_data> populations;
  std::vector<projection_data> projections;
  bool frozen = false;  // a simulation has been made of it
  mutable thread_guard guard;  // held by every call of the network and its simulations
  // The engine that applies some weight changes lazily (engine::settle): readers of the
  // weights here (save_network, network::synapses) have it bring them up to date first.
  engine* lazy = nullptr;
  void settle_weights() const;
};

}  // namespace snn
