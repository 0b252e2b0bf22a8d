#pragma once
// Leaky integrate-and-fire neurons with current input, PyNN's IF_curr_* parameters (ms, mV,
// nF, nA): dv/dt = (v_rest - v) / tau_m + (I + i_offset) / cm, integrated exactly over a
// step with I held (the exponential propagator NEST's iaf_psc_* use). A spike is
// v >= v_thresh; v is then v_reset and held there for round(tau_refrac / dt) steps, whose
// input is lost (docs/numerics.md, "LIF").
#include <cmath>

#include "model.hpp"

namespace snn {

struct lif_model {
  enum var { V, REFRAC, n_vars };
  enum channel { I, n_channels };
  enum param { P22, P21, V_REST, V_RESET, V_THRESH, I_OFFSET, HOLD, n_params };
  enum user { cm, tau_m, v_rest, v_reset, v_thresh, tau_refrac, i_offset, v0, n_user };
  struct constants {};
  static constexpr bool resets = false;

  /// The parameters LIF and LIF with conductances share, in this order.
  static constexpr param_desc common[n_user] = {
      {"cm", "nF", 1.0, param_check::positive, true},
      {"tau_m", "ms", 20.0, param_check::positive, true},
      {"v_rest", "mV", -65.0, param_check::finite, true},
      {"v_reset", "mV", -65.0, param_check::finite, true},
      {"v_thresh", "mV", -50.0, param_check::finite, true},
      {"tau_refrac", "ms", 0.1, param_check::duration, true},
      {"i_offset", "nA", 0.0, param_check::finite, true},
      {"v0", "mV", no_default, param_check::finite, true, true},
  };
  static constexpr var_desc vars[n_vars] = {{"v", "mV"}, {"refrac", "steps"}};

  static const model_desc& desc() {
    static const channel_desc channels[] = {{"I", "nA", nullptr}};
    static const model_desc m{"lif", "leaky integrate-and-fire, current input (PyNN IF_curr)", common,
                              n_user, vars, n_vars, channels, n_channels, true};
    return m;
  }

  /// v0 defaults to v_rest; no neuron starts refractory.
  static std::vector<std::vector<float>> init(param_values& p, std::uint32_t n) {
    if (p[v0].empty()) p[v0] = p[v_rest];
    return {p[v0], std::vector<float>(n, 0.0f)};
  }

  /// round(tau_refrac / dt) steps, as delays round (floor(x + 0.5)).
  static float hold_steps(double tau_refrac, double dt) { return static_cast<float>(std::floor(tau_refrac / dt + 0.5)); }

  static derived_constants derive(const param_values& p, double dt) {
    const std::size_t n = p[cm].size();
    derived_constants out;
    out.per_neuron.assign(n_params, std::vector<float>(n));
    auto& q = out.per_neuron;
    for (std::size_t i = 0; i < n; ++i) {
      const double tau = p[tau_m][i];
      q[P22][i] = static_cast<float>(std::exp(-dt / tau));
      q[P21][i] = static_cast<float>(tau / p[cm][i] * -std::expm1(-dt / tau));  // R (1 - P22)
      q[HOLD][i] = hold_steps(p[tau_refrac][i], dt);
    }
    q[V_REST] = p[v_rest], q[V_RESET] = p[v_reset], q[V_THRESH] = p[v_thresh], q[I_OFFSET] = p[i_offset];
    return out;
  }

  SNN_HD static void reset(float*, const float*, const constants&) {}

  /// The refractory hold and the threshold around a new v, for LIF and LIF with conductances.
  SNN_HD static bool fire_or_hold(float* x, float v, float v_reset, float v_thresh, float hold) {
    const bool held = x[REFRAC] > 0.0f;
    const bool spiked = !held && v >= v_thresh;
    x[V] = held || spiked ? v_reset : v;
    x[REFRAC] = spiked ? hold : held ? x[REFRAC] - 1.0f : x[REFRAC];
    return spiked;
  }

  SNN_HD static bool step(float* x, const float* p, const float* in, const constants&,
                          const step_context&) {
    const float v = (x[V] - p[V_REST]) * p[P22] + (in[I] + p[I_OFFSET]) * p[P21] + p[V_REST];
    return fire_or_hold(x, v, p[V_RESET], p[V_THRESH], p[HOLD]);
  }

  template <class F>
  SNN_HD static void with_stepper(const constants&, F&& f) {
    f(lif_model{});
  }
};

}  // namespace snn
