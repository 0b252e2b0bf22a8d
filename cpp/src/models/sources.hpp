#pragma once
// Spike sources: populations whose neurons spike by a rule instead of a state. They take no
// input and have no state; they are connected and recorded like any other population.
#include "model.hpp"

namespace snn {

/// Independent Poisson (Bernoulli per step) spike trains: neuron i spikes at step k if
/// x0 < p 2^32 (compared in double), p = float32(rate dt / 1000) and x0 word 0 of Philox
/// counter (i, k & 0xffffffff, k >> 32, 7 << 24 | population) (docs/numerics.md).
struct poisson_source_model {
  enum param { P, n_params };
  enum user { rate, n_user };
  static constexpr int n_vars = 0, n_channels = 0;
  struct constants {};
  static constexpr bool resets = false;

  static const model_desc& desc() {
    static const param_desc params[] = {{"rate", "Hz", no_default, param_check::nonnegative, true}};
    static const model_desc m{"poisson_source", "Poisson spike trains (spikes per step <= 1)", params,
                              n_user, nullptr, 0, nullptr, 0, false};
    return m;
  }

  static std::vector<std::vector<float>> init(param_values&, std::uint32_t) { return {}; }

  static derived_constants derive(const param_values& p, double dt) {
    derived_constants out;
    out.per_neuron.assign(1, std::vector<float>(p[rate].size()));
    for (std::size_t i = 0; i < p[rate].size(); ++i)
      out.per_neuron[P][i] = static_cast<float>(static_cast<double>(p[rate][i]) * dt / 1000.0);
    return out;
  }

  SNN_HD static void reset(float*, const float*, const constants&) {}

  SNN_HD static bool step(float*, const float* p, const float*, const constants&, const step_context& c) {
    const std::uint32_t x0 = c.rng(c.i, static_cast<std::uint32_t>(c.k), static_cast<std::uint32_t>(c.k >> 32),
                                   purpose_poisson_source, c.population).x[0];
    return static_cast<double>(x0) < static_cast<double>(p[P]) * 4294967296.0;
  }

  template <class F>
  SNN_HD static void with_stepper(const constants&, F&& f) {
    f(poisson_source_model{});
  }
};

/// Given spike times: neuron i spikes at the steps of its row of the population's table
/// (times t rounded to steps floor(t / dt + 0.5), strictly increasing per neuron).
struct spike_source_model {
  static constexpr int n_vars = 0, n_channels = 0, n_params = 0;
  struct constants {};
  static constexpr bool resets = false;

  static const model_desc& desc() {
    static const model_desc m{"spike_source", "given spike times", nullptr, 0, nullptr, 0, nullptr, 0,
                              false};
    return m;
  }

  static std::vector<std::vector<float>> init(param_values&, std::uint32_t) { return {}; }
  static derived_constants derive(const param_values&, double) { return {}; }

  SNN_HD static void reset(float*, const float*, const constants&) {}

  /// Binary search of step k in the neuron's sorted row: stateless, so a run may start
  /// anywhere and every backend and thread split agrees.
  SNN_HD static bool step(float*, const float*, const float*, const constants&, const step_context& c) {
    std::uint64_t lo = c.table_ptr[c.i], hi = c.table_ptr[c.i + 1];
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (c.table_steps[mid] < c.k)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < c.table_ptr[c.i + 1] && c.table_steps[lo] == c.k;
  }

  template <class F>
  SNN_HD static void with_stepper(const constants&, F&& f) {
    f(spike_source_model{});
  }
};

}  // namespace snn
