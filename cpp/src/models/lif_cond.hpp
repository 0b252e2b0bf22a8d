#pragma once
// Leaky integrate-and-fire neurons with conductance input, PyNN's IF_cond_* parameters:
// cm dv/dt = g_L (v_rest - v) + g_E (e_rev_E - v) + g_I (e_rev_I - v) + I + i_offset, with
// g_L = cm / tau_m and the conductances (µS) and I (nA) held over a step, which makes it
// linear in v: integrated exactly (exponential Euler, as Brian2 does for such equations).
// Refractoriness and threshold as lif_model (docs/numerics.md, "LIF with conductances").
#include "lif.hpp"

namespace snn {

struct lif_cond_model {
  using base = lif_model;
  enum var { V, REFRAC, n_vars };
  enum channel { I, G_E, G_I, n_channels };
  enum param { G_L, DT_CM, V_REST, V_RESET, V_THRESH, I_OFFSET, HOLD, E_REV_E, E_REV_I, n_params };
  enum user { e_rev_E = base::n_user, e_rev_I, n_user };
  struct constants {};
  static constexpr bool resets = false;

  static const model_desc& desc() {
    static const param_desc params[] = {
        base::common[base::cm], base::common[base::tau_m], base::common[base::v_rest],
        base::common[base::v_reset], base::common[base::v_thresh], base::common[base::tau_refrac],
        base::common[base::i_offset], base::common[base::v0],
        {"e_rev_E", "mV", 0.0, param_check::finite, true},
        {"e_rev_I", "mV", -70.0, param_check::finite, true},
    };
    static const channel_desc channels[] = {
        {"I", "nA", nullptr}, {"g_E", "uS", "excitatory"}, {"g_I", "uS", "inhibitory"}};
    static const model_desc m{"lif_cond", "leaky integrate-and-fire, conductance input (PyNN IF_cond)",
                              params, n_user, base::vars, n_vars, channels, n_channels, true};
    return m;
  }

  static std::vector<std::vector<float>> init(param_values& p, std::uint32_t n) { return base::init(p, n); }

  static derived_constants derive(const param_values& p, double dt) {
    const std::size_t n = p[base::cm].size();
    derived_constants out;
    out.per_neuron.assign(n_params, std::vector<float>(n));
    auto& q = out.per_neuron;
    for (std::size_t i = 0; i < n; ++i) {
      q[G_L][i] = static_cast<float>(static_cast<double>(p[base::cm][i]) / p[base::tau_m][i]);
      q[DT_CM][i] = static_cast<float>(dt / p[base::cm][i]);
      q[HOLD][i] = base::hold_steps(p[base::tau_refrac][i], dt);
    }
    q[V_REST] = p[base::v_rest], q[V_RESET] = p[base::v_reset], q[V_THRESH] = p[base::v_thresh];
    q[I_OFFSET] = p[base::i_offset], q[E_REV_E] = p[e_rev_E], q[E_REV_I] = p[e_rev_I];
    return out;
  }

  SNN_HD static void reset(float*, const float*, const constants&) {}

  SNN_HD static bool step(float* x, const float* p, const float* in, const constants&,
                          const step_context&) {
    const float g = p[G_L] + in[G_E] + in[G_I];
    const float drive = p[G_L] * p[V_REST] + in[G_E] * p[E_REV_E] + in[G_I] * p[E_REV_I] + in[I] + p[I_OFFSET];
    const float v_inf = drive / g;
    const float v = v_inf + (x[V] - v_inf) * exp_f32(-(g * p[DT_CM]));
    return base::fire_or_hold(x, v, p[V_RESET], p[V_THRESH], p[HOLD]);
  }

  template <class F>
  SNN_HD static void with_stepper(const constants&, F&& f) {
    f(lif_cond_model{});
  }
};

}  // namespace snn
