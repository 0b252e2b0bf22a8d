#pragma once
// Izhikevich (2003) neurons, the engine's own step order (docs/numerics.md, "Izhikevich"):
// reset v = c, u += d the step after a spike; v by `v_substeps` Euler substeps with u and I
// held; u by dt with the new v; a spike is v >= v_peak, stored as v = v_peak.
#include "model.hpp"
#include "neuron_math.hpp"

namespace snn {

struct izhikevich_model {
  enum var { V, U, n_vars };
  enum channel { I, n_channels };
  enum param { A, B, C, D, n_params };
  enum user { a, b, c, d, v0, u0, v_peak, v_substeps, n_user };
  struct constants {
    float h, dt, v_peak;
    int substeps;
  };
  static constexpr bool resets = true;

  /// The parameters every Izhikevich variant has, in this order (a, b, c, d, v0, u0).
  static constexpr param_desc common[] = {
      {"a", "1/ms", no_default, param_check::finite, true},
      {"b", "", no_default, param_check::finite, true},
      {"c", "mV", no_default, param_check::finite, true},
      {"d", "mV/ms", no_default, param_check::finite, true},
      {"v0", "mV", -65.0, param_check::finite, true},
      {"u0", "mV/ms", no_default, param_check::finite, true, true},
  };
  static constexpr var_desc vars[n_vars] = {{"v", "mV"}, {"u", "mV/ms"}};
  static constexpr channel_desc channels[n_channels] = {{"I", "mV/ms", nullptr}};

  static const model_desc& desc() {
    static const param_desc params[] = {
        common[a], common[b], common[c], common[d], common[v0], common[u0],
        {"v_peak", "mV", 30.0, param_check::finite, false},
        {"v_substeps", "", 1.0, param_check::count, false},
    };
    static const model_desc m{"izhikevich", "Izhikevich (2003) neurons", params, n_user, vars, n_vars,
                              channels, n_channels, true};
    return m;
  }

  /// u0 defaults to float32(b * v0).
  static std::vector<std::vector<float>> init(param_values& p, std::uint32_t n) {
    if (p[u0].empty()) {
      p[u0].resize(n);
      for (std::uint32_t i = 0; i < n; ++i) p[u0][i] = p[b][i] * p[v0][i];
    }
    return {p[v0], p[u0]};
  }

  static derived_constants derive(const param_values& p, double dt) {
    derived_constants out;
    out.per_neuron = {p[a], p[b], p[c], p[d]};
    const int sub = static_cast<int>(p[v_substeps][0]);
    const constants k{static_cast<float>(dt / sub), static_cast<float>(dt), p[v_peak][0], sub};
    std::memcpy(out.scalars, &k, sizeof k);
    return out;
  }

  SNN_HD static void reset(float* x, const float* p, const constants&) { izh_reset(x[V], x[U], p[C], p[D]); }

  /// SUB > 0: that many substeps, known at compile time (loops vectorise); 0: c.substeps.
  template <int SUB>
  struct stepper {
    SNN_HD static bool step(float* x, const float* p, const float* in, const constants& c,
                            const step_context&) {
      const int n_sub = SUB > 0 ? SUB : c.substeps;
      float vv = x[V];
      for (int s = 0; s < n_sub; ++s) vv = izh_dv(vv, x[U], in[I], c.h);
      return izh_finish(x[V], x[U], vv, p[A], p[B], c.dt, c.v_peak);
    }
  };

  /// Calls f with the stepper for this population's substep count.
  template <class F>
  SNN_HD static void with_stepper(const constants& c, F&& f) {
    if (c.substeps == 1)
      f(stepper<1>{});
    else if (c.substeps == 2)
      f(stepper<2>{});
    else
      f(stepper<0>{});
  }
};

}  // namespace snn
