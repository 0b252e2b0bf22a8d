#pragma once
// What both engines derive from a network before they allocate anything: each population's
// model constants, the projections into each population, and the groups of sampled kernels
// that share one history (docs/numerics.md, "Kernels").
#include <algorithm>
#include <cstdint>
#include <vector>

#include "network_data.hpp"
#include "plasticity.hpp"

namespace snn {

/// Sampled-kernel projections into one population and input channel with bitwise-equal
/// samples: their summed arrivals share one history; the current is added at the first of
/// them, the leader.
struct kernel_group {
  std::uint32_t post = 0, channel = 0;
  std::uint32_t leader = 0;
  std::vector<float> kappa;
};

/// A plastic projection's rule and its synapses by target: entries in_ptr[j] .. in_ptr[j + 1]
/// are the synapses into neuron j (potentiation walks them). make_plan(by_delay): in_syn,
/// their CSR positions sorted by delay, and in_delay, their delays (the CUDA engine searches
/// them). Otherwise (the CPU engine) in CSR order: in_syn, or with dendritic delays only
/// in_pairs, {synapse, source} side by side.
struct plastic_plan {
  plasticity_args args;
  std::vector<std::uint64_t> in_ptr;
  std::vector<std::uint32_t> in_syn;
  std::vector<std::uint16_t> in_delay;
  std::vector<std::uint32_t> in_pairs;
};

struct engine_plan {
  std::vector<derived_constants> constants;        ///< per population
  std::vector<std::vector<std::uint32_t>> into;    ///< projections into each population, in order
  std::vector<kernel_group> groups;
  std::vector<std::int32_t> group_of;              ///< per projection: its group, -1 if not sampled
  std::vector<plastic_plan> plastic;               ///< per projection (empty for static ones)
};

engine_plan make_plan(const network_data& net, bool by_delay);

}  // namespace snn
