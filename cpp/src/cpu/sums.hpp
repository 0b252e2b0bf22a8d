#pragma once
// The arrivals of a step as the neuron update reads them: each thread's per-target sums of
// a sparse projection folded into the first thread's, converted to float32 once per target
// and cleared (docs/numerics.md, "Fixed-point synaptic input").
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

/// Per-thread sums [thread][n] of a sparse projection: the other threads' sums for [lo, hi)
/// added into the first thread's and cleared.
template <class T>
void fold_threads(T* __restrict sums, int threads, std::uint32_t n, std::uint32_t lo, std::uint32_t hi) {
  for (int tt = 1; tt < threads; ++tt) {
    T* __restrict other = sums + std::uint64_t(tt) * n;
    for (std::uint32_t i = lo; i < hi; ++i) sums[i] += other[i], other[i] = 0;
  }
}

/// Calls body(arrival) with projection j's arrivals at step k for neurons [lo, hi), after
/// folding the other threads' sums of a sparse projection into the first's.
template <class Body>
void cpu_engine::with_arrivals(std::uint32_t j, std::uint64_t k, std::uint32_t n, std::uint32_t lo, std::uint32_t hi,
                               Body&& body) {
  const projection_data& p = net_->projections[j];
  projection_state& ps = projs_[j];
  if (counted_projection(p)) {
    fold_threads(ps.counts.data(), nt_, n, lo, hi);
    body(counted_arrivals{ps.counts.data(), p.shared_weight * p.inv_scale()});
  } else if (p.dense) {
    body(fixed_arrivals{ps.ring.data() + (k % ps.ring_slots) * n, p.inv_scale()});
  } else {
    fold_threads(ps.ring.data(), nt_, n, lo, hi);
    body(fixed_arrivals{ps.ring.data(), p.inv_scale()});
  }
}

}  // namespace SNN_CPU_NS
}  // namespace snn
