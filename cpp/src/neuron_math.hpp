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

/// One Euler substep of v (u and I held).
SNN_HD float izh_dv(float v, float u, float I, float h) {
  return v + h * (0.04f * v * v + 5.0f * v + 140.0f - u + I);
}

/// After the substeps of v: advances u by dt with the new v; returns whether the neuron
/// spiked (v >= v_peak), in which case v is clamped to v_peak.
SNN_HD bool izh_finish(float& v, float& u, float vv, float a, float b, float dt, float v_peak) {
  u = u + dt * a * (b * vv - u);
  const bool spiked = vv >= v_peak;
  v = spiked ? v_peak : vv;
  return spiked;
}

/// Advances v by `substeps` Euler substeps of h = dt/substeps, then u by dt; returns
/// whether the neuron spiked.
SNN_HD bool izh_integrate(float& v, float& u, float I, float a, float b, float h, float dt,
                          int substeps, float v_peak) {
  float vv = v;
  for (int s = 0; s < substeps; ++s) vv = izh_dv(vv, u, I, h);
  return izh_finish(v, u, vv, a, b, dt, v_peak);
}

/// int64 -> double, correctly rounded, from two exact 32-bit conversions (vectorises
/// without AVX-512's 64-bit integer conversions).
SNN_HD double int64_to_double(std::int64_t x) {
  const auto hi = static_cast<std::int32_t>(x >> 32);
  const auto lo = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) ^ 0x80000000u);
  return static_cast<double>(hi) * 4294967296.0 + (static_cast<double>(lo) + 2147483648.0);
}

/// Fixed-point arrival sum -> float32 current (scale = 2^-s, exact in double).
SNN_HD float fixed_to_float(std::int64_t acc, double inv_scale) {
  return static_cast<float>(int64_to_double(acc) * inv_scale);
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
