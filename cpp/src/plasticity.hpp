#pragma once
// The arithmetic of synaptic plasticity both engines share (docs/numerics.md,
// "Plasticity"). Traces are kept per synapse (the pre trace, of the spikes arriving there)
// and per post neuron, each as its value at its last spike and that step, and decayed when
// read; weights stay in the projection's fixed point, changed in double and rounded once.
#include <cmath>
#include <cstdint>

#include "hd.hpp"
#include "models/model.hpp"

namespace snn {

/// A plastic projection's rule as the engines read it (network_data's plasticity, derived).
struct plasticity_args {
  std::uint32_t izhikevich = 0;      ///< the 2006 rule: traces set to 1, changes into sd
  std::uint32_t multiplicative = 0;  ///< stdp's weight dependence
  float c_plus = 0, c_minus = 0;     ///< dt / tau_plus, dt / tau_minus
  double a_plus = 0, a_minus = 0, w_min = 0, w_max = 0;
  double scale = 1, inv_scale = 1;  ///< 2^s and 2^-s of the fixed point
  double bias = 0;                  ///< izhikevich: w += bias + sd each interval
  float sd_decay = 1;
  std::uint64_t interval = 0;  ///< izhikevich: steps between weight changes
};

/// A trace's value at step k, from its value `last` at step k_last (<= k): last exp(-(k -
/// k_last) dt / tau), the age as float32 (capped at 2^24 steps, where it is 0 anyway).
SNN_HD float trace_at(float last, std::uint64_t k_last, std::uint64_t k, float c) {
  const std::uint64_t age = k - k_last;
  const float a = age < (std::uint64_t(1) << 24) ? static_cast<float>(age) : 16777216.0f;
  return last * exp_f32(-(a * c));
}

/// A trace just after a spike at the step where it is worth `now`: +1 (all-to-all pairing),
/// or 1 (the 2006 rule).
SNN_HD float trace_after_spike(float now, const plasticity_args& r) { return r.izhikevich ? 1.0f : now + 1.0f; }

/// w clipped to [w_min, w_max] and rounded to the fixed point.
SNN_HD std::int32_t weight_to_fixed(double w, const plasticity_args& r) {
  const double c = w < r.w_min ? r.w_min : w > r.w_max ? r.w_max : w;
  return static_cast<std::int32_t>(rint(c * r.scale));
}

/// Depression when a spike arrives at the synapse, the post trace being y.
SNN_HD void depress(std::int32_t& wq, float& sd, float y, const plasticity_args& r) {
  if (r.izhikevich) {
    sd = sd - static_cast<float>(r.a_minus) * y;
    return;
  }
  const double w = wq * r.inv_scale;
  const double dw = r.multiplicative ? r.a_minus * (w - r.w_min) * y : r.a_minus * y;
  wq = weight_to_fixed(w - dw, r);
}

/// Potentiation when the post neuron fires, the synapse's pre trace being x.
SNN_HD void potentiate(std::int32_t& wq, float& sd, float x, const plasticity_args& r) {
  if (r.izhikevich) {
    sd = sd + static_cast<float>(r.a_plus) * x;
    return;
  }
  const double w = wq * r.inv_scale;
  const double dw = r.multiplicative ? r.a_plus * (r.w_max - w) * x : r.a_plus * x;
  wq = weight_to_fixed(w + dw, r);
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
