#pragma once
// The registry of neuron models: one line per model in SNN_MODELS (its id and its struct,
// from the header included above it). Engines dispatch once per population and chunk of
// steps, never per neuron: with_model calls f with the model and its stepper types.
#include <string>
#include <vector>

#include "models/izhikevich.hpp"
#include "models/izhikevich_2018.hpp"
#include "models/lif.hpp"
#include "models/lif_cond.hpp"
#include "models/sources.hpp"

namespace snn {

#define SNN_MODELS(X)                      \
  X(izhikevich, izhikevich_model)           \
  X(izhikevich_2018, izhikevich_2018_model) \
  X(lif, lif_model)                         \
  X(lif_cond, lif_cond_model)               \
  X(poisson_source, poisson_source_model)   \
  X(spike_source, spike_source_model)

enum class model_id : std::uint32_t {
#define SNN_MODEL_ID(id, type) id,
  SNN_MODELS(SNN_MODEL_ID)
#undef SNN_MODEL_ID
};

// The dispatch below is host-and-device code that host code calls with host lambdas and
// device code with device ones: nvcc's cross-calling check is off for it.
#if defined(__CUDACC__)
#define SNN_NO_HD_CHECK _Pragma("nv_exec_check_disable")
#else
#define SNN_NO_HD_CHECK
#endif

/// Calls f(M{}, S{}, c) for model M once its constants c have chosen the stepper S.
template <class M, class F>
struct stepper_call {
  F& f;
  const typename M::constants& c;
  SNN_NO_HD_CHECK
  template <class S>
  SNN_HD void operator()(S s) const {
    f(M{}, s, c);
  }
};

SNN_NO_HD_CHECK
template <class M, class F>
SNN_HD void with_model_type(const unsigned char* constants, F& f) {
  static_assert(M::n_vars <= max_model_vars && M::n_params <= max_model_params &&
                    M::n_channels <= max_model_channels && sizeof(typename M::constants) <= max_model_constants,
                "a model exceeds the engine's fixed limits (models/model.hpp)");
  typename M::constants c;
  std::memcpy(&c, constants, sizeof c);
  M::with_stepper(c, stepper_call<M, F>{f, c});
}

/// Calls f(M{}, S{}, c) for the model `id`, the stepper its constants select and the
/// constants c (as M::constants, from the bytes of derived_constants::scalars).
SNN_NO_HD_CHECK
template <class F>
SNN_HD void with_model(model_id id, const unsigned char* constants, F&& f) {
  switch (id) {
#define SNN_MODEL_CASE(id, type)                  \
  case model_id::id:                              \
    with_model_type<type>(constants, f);          \
    break;
    SNN_MODELS(SNN_MODEL_CASE)
#undef SNN_MODEL_CASE
  }
}

/// Host functions of each model (registry.cpp).
const model_desc& describe(model_id id);
/// The model called `name`; config_error naming the known models otherwise.
model_id find_model(const std::string& name);
std::vector<model_id> all_models();
derived_constants derive(model_id id, const param_values& params, double dt);
/// The initial state; computed parameters left out (u0 = b v0, ...) are filled in.
std::vector<std::vector<float>> initial_state(model_id id, param_values& params, std::uint32_t n);

/// Index of state variable or channel `name` in a model's variables (state first, then
/// channels); -1 if it has none of that name.
int variable_index(const model_desc& m, const std::string& name);
/// "v, u, I" (the names that variable_index knows).
std::string variable_names(const model_desc& m);

}  // namespace snn
