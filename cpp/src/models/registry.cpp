#include "models/registry.hpp"

#include "system.hpp"

namespace snn {

namespace {

struct model_entry {
  model_id id;
  const model_desc& (*desc)();
  derived_constants (*derive)(const param_values&, double);
  std::vector<std::vector<float>> (*init)(param_values&, std::uint32_t);
};

template <class M>
model_entry entry(model_id id) {
  return {id, &M::desc, &M::derive, &M::init};
}

const std::vector<model_entry>& table() {
  static const std::vector<model_entry> t = {
#define SNN_MODEL_ENTRY(id, type) entry<type>(model_id::id),
      SNN_MODELS(SNN_MODEL_ENTRY)
#undef SNN_MODEL_ENTRY
  };
  return t;
}

const model_entry& at(model_id id) { return table()[static_cast<std::size_t>(id)]; }

}  // namespace

const model_desc& describe(model_id id) { return at(id).desc(); }

model_id find_model(const std::string& name) {
  std::string known;
  for (const model_entry& e : table()) {
    if (name == e.desc().name) return e.id;
    known += (known.empty() ? "" : ", ") + std::string(e.desc().name);
  }
  config_fail("unknown neuron model '", name, "'; known models: ", known);
}

std::vector<model_id> all_models() {
  std::vector<model_id> out;
  for (const model_entry& e : table()) out.push_back(e.id);
  return out;
}

derived_constants derive(model_id id, const param_values& params, double dt) { return at(id).derive(params, dt); }

std::vector<std::vector<float>> initial_state(model_id id, param_values& params, std::uint32_t n) {
  return at(id).init(params, n);
}

int variable_index(const model_desc& m, const std::string& name) {
  for (int j = 0; j < m.n_vars; ++j)
    if (name == m.vars[j].name) return j;
  for (int j = 0; j < m.n_channels; ++j)
    if (name == m.channels[j].name) return m.n_vars + j;
  return -1;
}

std::string variable_names(const model_desc& m) {
  std::string out;
  for (int j = 0; j < m.n_vars + m.n_channels; ++j)
    out += cat(j ? ", " : "", j < m.n_vars ? m.vars[j].name : m.channels[j - m.n_vars].name);
  return out.empty() ? "none" : out;
}

}  // namespace snn
