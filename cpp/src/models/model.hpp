#pragma once
// What every neuron model is made of (docs/dev/extending.md). A model is one header of this
// directory holding a struct with
//   - its description for the host: parameter names, units, defaults and checks, state
//     variable names and units, input channels and receptors (model_desc);
//   - `derive`: the per-neuron constants of the step (n values each) and the population's
//     scalar constants (a small POD struct), computed once at build from the parameters and dt;
//   - `init`: the initial state from the parameters (filling in computed ones left out);
//   - `reset` (the step after a spike) and `step` (one step of one neuron), SNN_HD code that
//     both backends call from loops instantiated per model (registry.hpp).
// State, channels and constants are float32; a step reads x[] (state), p[] (derived
// constants), in[] (this step's input channels) and updates x[], returning whether the
// neuron spiked.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "hd.hpp"
#include "random.hpp"

namespace snn {

/// Largest counts a model may declare (the CUDA engine's descriptors are fixed-size).
inline constexpr int max_model_vars = 4, max_model_params = 10, max_model_channels = 3;
/// Bytes of a model's scalar constants (models/registry.hpp checks each model's).
inline constexpr std::size_t max_model_constants = 32;

/// A parameter's fallback when it has no default.
inline constexpr double no_default = std::numeric_limits<double>::quiet_NaN();

/// How a parameter is checked (after conversion to float32). duration: a time >= 0 ms of
/// at most 2^24 steps of dt (a count of steps held in float32, which counts down exactly
/// only up to 2^24).
enum class param_check { finite, positive, nonnegative, count, duration };

struct param_desc {
  const char* name;
  const char* unit;
  double fallback;       ///< default value; NaN: required (or computed by init, if optional)
  param_check check;    ///< count: an integer in [1, 1000]
  bool per_neuron;       ///< false: one value for the whole population
  bool optional = false; ///< may be left out with no default: init computes it
};

struct var_desc {
  const char* name;
  const char* unit;
};

/// One input channel of a model: channel 0 ("I", current) takes the external inputs and
/// projections without a receptor; others take the projections of their receptor.
struct channel_desc {
  const char* name;
  const char* unit;
  const char* receptor;  ///< nullptr: current (no receptor)
};

/// The host-side description of a model.
struct model_desc {
  const char* name;
  const char* summary;
  const param_desc* params;
  int n_params;
  const var_desc* vars;  ///< state variables; vars[0] is v where voltage jumps land
  int n_vars;
  const channel_desc* channels;
  int n_channels;
  bool jumps;  ///< accepts voltage jumps (Instant(target="v"), PoissonInput(target="v"))
};

/// What a neuron's step may use besides its state, constants and input: the step, its
/// index, the network's generator and, for spike sources, a per-neuron table of steps.
struct step_context {
  std::uint64_t k = 0;
  std::uint32_t i = 0;
  std::uint32_t population = 0;
  counter_rng rng{0};
  const std::uint64_t* table_ptr = nullptr;    ///< table_steps[table_ptr[i] .. table_ptr[i+1])
  const std::uint64_t* table_steps = nullptr;  ///< sorted steps of neuron i
  SNN_HD step_context at(std::uint32_t neuron) const {
    step_context c = *this;
    c.i = neuron;
    return c;
  }
};

/// The parameters of a population as given (each 1 or n values), in the model's order.
using param_values = std::vector<std::vector<float>>;

/// What `derive` computes for the engines: n values of each per-neuron constant, and the
/// scalar constants as bytes (memcpy'd into the model's `constants`).
struct derived_constants {
  std::vector<std::vector<float>> per_neuron;
  unsigned char scalars[max_model_constants] = {};
};

/// float32 exp(x) with the engine's own arithmetic, so that every backend rounds alike:
/// x = n ln2 + r (Cody-Waite), exp(r) by its Taylor polynomial to r^7, times 2^n. Relative
/// error ~2e-7 for x in [-87, 88]; 0 below -87 (no subnormals), exp(88) above 88, NaN for
/// a non-finite x.
SNN_HD float exp_f32(float x) {
  // Selects of constants, not branches, so that loops vectorise.
  float xc = x < 88.0f ? x : 88.0f;
  xc = xc > -87.0f ? xc : -87.0f;
  const float y = xc * 1.44269504f;
  const float half = y < 0.0f ? -0.5f : 0.5f;
  const float nf = static_cast<float>(static_cast<int>(y + half));  // nearest integer
  const float r = (xc - nf * 0.693145752f) - nf * 1.42860677e-6f;  // ln2 = hi + lo, hi * n exact
  float p = 1.98412698e-4f;
  p = p * r + 1.38888889e-3f;
  p = p * r + 8.33333333e-3f;
  p = p * r + 4.16666667e-2f;
  p = p * r + 0.166666667f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const float e = p * bits_as_float(static_cast<std::uint32_t>(static_cast<int>(nf) + 127) << 23);
  // e * 0 below -87, e * 1 above (a select on e here stops GCC 12 vectorising the loop);
  // x - x: 0, or NaN where x is not finite.
  return e * static_cast<float>(x >= -87.0f) + (x - x);
}

}  // namespace snn
