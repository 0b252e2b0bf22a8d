#pragma once
// The arrivals of a step as the neuron update reads them: a sparse projection's events of
// the step drained into its per-target sums (delivery.cpp), each sum converted to float32
// once and cleared (docs/numerics.md, "Fixed-point synaptic input").
#include "cpu/cpu_engine.hpp"
#include "neuron_math.hpp"

namespace snn {
namespace SNN_CPU_NS {

/// A one-weight sparse projection counts its arrivals (see projection_state::counts).
inline bool counted_projection(const projection_data& p) {
  return !p.dense && p.one_weight && p.n_synapses < (std::uint64_t(1) << 31);
}

/// Arrival of neuron i as float32, read once (the sum is cleared): fixed-point sums...
struct fixed_arrivals {
  std::int64_t* a;
  double inv;
  float operator()(std::uint32_t i) const {
    const float x = fixed_to_float(a[i], inv);
    a[i] = 0;
    return x;
  }
};

/// ... or counts of one weight w = w_q 2^-s: float32(double(c) * w) is float32(double(c *
/// w_q) * 2^-s), both products rounded once (docs/numerics.md), so the same value.
struct counted_arrivals {
  std::int32_t* c;
  double w;
  float operator()(std::uint32_t i) const {
    const float x = static_cast<float>(static_cast<double>(c[i]) * w);
    c[i] = 0;
    return x;
  }
};

/// Calls body(arrival) with projection j's arrivals at step k for thread t's neurons [lo,
/// hi), after draining a sparse projection's events of the step into their sums.
template <class Body>
void cpu_engine::with_arrivals(int t, std::uint32_t j, std::uint64_t k, std::uint32_t lo, std::uint32_t hi,
                               Body&& body) {
  const projection_data& p = net_->projections[j];
  projection_state& ps = projs_[j];
  if (!p.dense) arrive(t, j, k, lo, hi);
  if (counted_projection(p))
    body(counted_arrivals{ps.counts.data(), p.shared_weight * p.inv_scale()});
  else
    body(fixed_arrivals{ps.ring.data() + (k % ps.ring_slots) * net_->populations[p.post].n, p.inv_scale()});
}

}  // namespace SNN_CPU_NS
}  // namespace snn
