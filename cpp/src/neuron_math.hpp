#pragma once
// The model equations of one step (docs/numerics.md), shared by every backend. float32,
// operations in the order written; compiled without FMA contraction on host and device.
#include <cstdint>

#include "hd.hpp"

namespace snn {

/// Reset after a spike at the previous step: v = c, u += d (mV).
SNN_HD void izh_reset(float& v, float& u, float c, float d) {
  v = c;
  u = u + d;
}

/// Advances v by `substeps` Euler substeps of h = dt/substeps, then u by dt; returns
/// whether the neuron spiked (v >= v_peak), in which case v is clamped to v_peak.
SNN_HD bool izh_integrate(float& v, float& u, float I, float a, float b, float h, float dt,
                          int substeps, float v_peak) {
  float vv = v;
  for (int s = 0; s < substeps; ++s)
    vv = vv + h * (0.04f * vv * vv + 5.0f * vv + 140.0f - u + I);
  u = u + dt * a * (b * vv - u);
  const bool spiked = vv >= v_peak;
  v = spiked ? v_peak : vv;
  return spiked;
}

/// Fixed-point arrival sum -> float32 current (scale = 2^-s, exact in double).
SNN_HD float fixed_to_float(std::int64_t acc, double inv_scale) {
  return static_cast<float>(static_cast<double>(acc) * inv_scale);
}

/// Exponential kernel: kappa[m] = q^m. Returns this step's current.
SNN_HD float exp_kernel_step(float& s, float arrival, float q) {
  s = s + arrival;
  const float cur = s;
  s = s * q;
  return cur;
}

/// Alpha kernel by recursion: kappa[m] = c * m * q^m with c = e dt / tau.
SNN_HD float alpha_kernel_step(float& x, float& y, float arrival, float q, float c) {
  x = x + arrival;
  const float cur = c * y;
  y = q * (y + x);
  x = q * x;
  return cur;
}

}  // namespace snn
