#pragma once
// The arithmetic of synaptic plasticity both engines share (docs/numerics.md,
// "Plasticity"). Traces are kept as their value just before their latest spike and that
// step, and decayed when read; weights stay in the projection's fixed point, changed in
// double and rounded once.
#include <cmath>
#include <cstdint>

#include "hd.hpp"
#include "models/model.hpp"

namespace snn {

/// A plastic projection's rule as the engines read it (network_data's plasticity, derived).
struct plasticity_args {
  std::uint32_t izhikevich = 0;      ///< the 2006 rule: traces set to 1, changes into sd
  std::uint32_t dendritic = 0;       ///< the delay is dendritic (stdp) rather than axonal
  std::uint32_t multiplicative = 0;  ///< stdp's weight dependence
  float c_plus = 0, c_minus = 0;     ///< dt / tau_plus, dt / tau_minus
  double a_plus = 0, a_minus = 0, w_min = 0, w_max = 0;
  double scale = 1, inv_scale = 1;  ///< 2^s and 2^-s of the fixed point
  /// a_plus, a_minus, w_min, w_max times 2^s: in the fixed point's units
  double a_plus_q = 0, a_minus_q = 0, w_min_q = 0, w_max_q = 0;
  double bias = 0;                  ///< izhikevich: w += bias + sd each interval
  float sd_decay = 1;
  std::uint64_t interval = 0;  ///< izhikevich: steps between weight changes
};

/// A trace of spikes is kept as its value just before its latest spike and that spike's
/// step (`no_spike` before the first). No spike: 0.
inline constexpr std::uint64_t no_spike = ~std::uint64_t(0);

/// e^(-age c) with the age as float32 (capped at 2^24 steps, where it is 0 anyway).
SNN_HD float decay(std::uint64_t age, float c) {
  const float a = age < (std::uint64_t(1) << 24) ? static_cast<float>(age) : 16777216.0f;
  return exp_f32(-(a * c));
}

/// decay(age, c) for one c, its values for ages below n read from a table (the same
/// numbers; a table of a few KB stays in L1, where exp_f32 costs some 20 operations).
struct decay_table {
  const float* v = nullptr;
  std::uint32_t n = 0;
  float c = 0;
  SNN_HD float operator()(std::uint64_t age) const { return age < n ? v[age] : decay(age, c); }
};

/// A trace's value at step t >= k (its latest spike's step): the value after that spike
/// (+1, or 1 under the 2006 rule) decayed over t - k steps by decay_of(age); at t == k, the
/// value before it unless `inclusive` (pairs at equal times are then left out).
template <class Decay>
SNN_HD float trace_value_by(float before, std::uint64_t k, std::uint64_t t, const plasticity_args& r, bool inclusive,
                            const Decay& decay_of) {
  if (k == no_spike) return 0.0f;
  if (t == k && !inclusive) return before;
  return (r.izhikevich ? 1.0f : before + 1.0f) * decay_of(t - k);
}

/// trace_value_by with decay(age, c).
SNN_HD float trace_value(float before, std::uint64_t k, std::uint64_t t, float c, const plasticity_args& r,
                         bool inclusive) {
  return trace_value_by(before, k, t, r, inclusive, [c](std::uint64_t age) { return decay(age, c); });
}

/// A spike at step t >= k: the trace's new (before, k).
SNN_HD void trace_spike(float& before, std::uint64_t& k, std::uint64_t t, float c, const plasticity_args& r) {
  before = trace_value(before, k, t, c, r, false);
  k = t;
}

/// wq, a weight in the fixed point's units, clipped to [w_min, w_max] and rounded. Depression
/// and potentiation compute in those units: a product or sum scaled by 2^s rounds to the
/// same significand, so this is the arithmetic on w = wq 2^-s, with two multiplications
/// fewer.
SNN_HD std::int32_t clip_to_fixed(double wq, const plasticity_args& r) {
  const double c = wq < r.w_min_q ? r.w_min_q : wq > r.w_max_q ? r.w_max_q : wq;
  return static_cast<std::int32_t>(rint(c));
}

/// w clipped to [w_min, w_max] and rounded to the fixed point (w 2^s is exact).
SNN_HD std::int32_t weight_to_fixed(double w, const plasticity_args& r) {
  return clip_to_fixed(w * r.scale, r);
}

/// Depression when a spike arrives at the synapse, the post trace being y.
SNN_HD void depress(std::int32_t& wq, float& sd, float y, const plasticity_args& r) {
  if (r.izhikevich) {
    sd = sd - static_cast<float>(r.a_minus) * y;
    return;
  }
  const double w = wq;
  const double dw = r.multiplicative ? r.a_minus * (w - r.w_min_q) * y : r.a_minus_q * y;
  wq = clip_to_fixed(w - dw, r);
}

/// Potentiation when the post neuron fires, the synapse's pre trace being x.
SNN_HD void potentiate(std::int32_t& wq, float& sd, float x, const plasticity_args& r) {
  if (r.izhikevich) {
    sd = sd + static_cast<float>(r.a_plus) * x;
    return;
  }
  const double w = wq;
  const double dw = r.multiplicative ? r.a_plus * (r.w_max_q - w) * x : r.a_plus_q * x;
  wq = clip_to_fixed(w + dw, r);
}

/// The 2006 rule's change at the end of each interval: w += bias + sd, then sd *= sd_decay.
SNN_HD void consolidate(std::int32_t& wq, float& sd, const plasticity_args& r) {
  wq = weight_to_fixed(wq * r.inv_scale + r.bias + static_cast<double>(sd), r);
  sd = sd * r.sd_decay;
}

/// True at the end of the steps where the 2006 rule changes weights: (k + 1) % interval == 0.
SNN_HD bool consolidates_after(std::uint64_t k, const plasticity_args& r) {
  return r.izhikevich && (k + 1) % r.interval == 0;
}

}  // namespace snn
