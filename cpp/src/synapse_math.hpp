#pragma once
// The synaptic arithmetic both engines share (docs/numerics.md): where a delayed arrival
// lands in a ring of slots, how each kernel turns a step's arrival into current, and the
// window sum of sampled kernels. SNN_HD: compiled for host and device alike.
#include <cstdint>

#include "hd.hpp"
#include "neuron_math.hpp"
#include "snn/network.hpp"

namespace snn {

/// The slot, in a ring of R = d_max slots, where spikes of step k-1 delivered at step k
/// over the shortest delay d_min arrive: (k - 1 + d_min) mod R.
SNN_HD std::uint32_t first_slot(std::uint64_t k, std::uint32_t d_min, std::uint32_t R) {
  return static_cast<std::uint32_t>((k % R + d_min - 1) % R);
}

/// The slot of a delay d_min + code from first_slot's (code <= R - d_min).
SNN_HD std::uint32_t ring_slot(std::uint32_t first, std::uint32_t code, std::uint32_t R) {
  const std::uint32_t slot = first + code;  // < 2R
  return slot >= R ? slot - R : slot;
}

/// Slot of an arrival: a spike of step k-1 delivered during step k over a synapse of delay
/// D = d_min + code (steps) arrives at step k-1+D, kept in slot (k-1+D) mod R, R = d_max >= D.
/// The neuron update of step k reads slot k mod R.
SNN_HD std::uint32_t arrival_slot(std::uint64_t k, std::uint32_t d_min, std::uint32_t code, std::uint32_t R) {
  return ring_slot(first_slot(k, d_min, R), code, R);
}

/// The recursive kernels' constants (network_data's kernel_data, as the step reads them).
struct kernel_constants {
  float q = 0.0f;  ///< exp(-dt / tau)
  float c = 0.0f;  ///< e dt / tau (alpha)
};

template <kernel_type K>
struct kernel_tag {
  static constexpr kernel_type type = K;
};

/// Calls f(kernel_tag<K>{}) for the kernel type: the engines pick each projection's loop
/// (CPU) or per-neuron code (CUDA) once, from one list.
template <class F>
SNN_HD void with_kernel(kernel_type type, F&& f) {
  switch (type) {
    case kernel_type::instant: f(kernel_tag<kernel_type::instant>{}); break;
    case kernel_type::voltage_jump: f(kernel_tag<kernel_type::voltage_jump>{}); break;
    case kernel_type::exponential: f(kernel_tag<kernel_type::exponential>{}); break;
    case kernel_type::alpha: f(kernel_tag<kernel_type::alpha>{}); break;
    case kernel_type::sampled: f(kernel_tag<kernel_type::sampled>{}); break;
  }
}

/// The current of this step from arrival a through a recursive kernel, updating its state
/// s0 (exponential S, alpha X) and s1 (alpha Y). Instant: a itself. (Voltage jumps add a to
/// v instead; sampled kernels go through their history, sampled_window.)
template <kernel_type K>
SNN_HD float kernel_current(float* s0, float* s1, float a, const kernel_constants& k) {
  if constexpr (K == kernel_type::exponential) return exp_kernel_step(*s0, a, k.q);
  if constexpr (K == kernel_type::alpha) return alpha_kernel_step(*s0, *s1, a, k.q, k.c);
  (void)s0, (void)s1, (void)k;
  return a;
}

/// acc[b] += sum over m = 0 .. L-1 of double(kappa[m]) * double(h[(now - m) mod L][b]), in the
/// order m = 0, 1, ... for each of W neurons b: the sampled kernel's current before rounding
/// to float32. `h` points at slot 0 of the first neuron; slots are `stride` floats apart.
template <int W>
SNN_HD void sampled_window(double* acc, const float* kappa, std::uint32_t L, std::uint32_t now,
                           const float* h, std::uint64_t stride) {
  for (std::uint32_t m = 0; m < L; ++m) {
    const double km = kappa[m];
    const float* slot = h + (now >= m ? now - m : now + L - m) * stride;
    for (int b = 0; b < W; ++b) acc[b] += km * static_cast<double>(slot[b]);
  }
}

}  // namespace snn
