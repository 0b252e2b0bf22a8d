#pragma once
// Izhikevich neurons with the arithmetic of the 2018 TensorFlow library, for snn.network
// (shared/DESIGN.md section 3): dv = (((0.04 v + 5) v + 140) - u) + I; v = v + dv dt;
// u = u + (a (b v - u)) dt with the new v; a spike is v >= 30, stored as v = 30; the reset
// v = c, u += d comes the step after.
#include "izhikevich.hpp"

namespace snn {

struct izhikevich_2018_model {
  using base = izhikevich_model;
  enum var { V, U, n_vars };
  enum channel { I, n_channels };
  enum param { A, B, C, D, n_params };
  enum user { a, b, c, d, v0, u0, n_user };
  struct constants {
    float dt;
  };
  static constexpr bool resets = true;
  static constexpr float v_peak = 30.0f;

  static const model_desc& desc() {
    static const model_desc m{"izhikevich_2018", "Izhikevich neurons in the 2018 library's arithmetic",
                              base::common, n_user, base::vars, n_vars, base::channels, n_channels, true};
    return m;
  }

  static std::vector<std::vector<float>> init(param_values& p, std::uint32_t n) {
    return base::init(p, n);  // the same user indices for a, b, v0, u0
  }

  static derived_constants derive(const param_values& p, double dt) {
    derived_constants out;
    out.per_neuron = {p[a], p[b], p[c], p[d]};
    const constants k{static_cast<float>(dt)};
    std::memcpy(out.scalars, &k, sizeof k);
    return out;
  }

  SNN_HD static void reset(float* x, const float* p, const constants&) { izh_reset(x[V], x[U], p[C], p[D]); }

  SNN_HD static bool step(float* x, const float* p, const float* in, const constants& c,
                          const step_context&) {
    const float v = x[V], u = x[U];
    const float dv = (((0.04f * v + 5.0f) * v + 140.0f) - u) + in[I];
    const float vv = v + dv * c.dt;
    x[U] = u + (p[A] * (p[B] * vv - u)) * c.dt;
    const float peak = v_peak;  // a value: `spiked ? v_peak : vv` would select addresses
    const bool spiked = vv >= peak;
    x[V] = spiked ? peak : vv;
    return spiked;
  }

  template <class F>
  SNN_HD static void with_stepper(const constants&, F&& f) {
    f(izhikevich_2018_model{});
  }
};

}  // namespace snn
