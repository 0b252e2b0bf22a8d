// A network as checkpoint arrays and back (docs/checkpoints.md, "The network"). Populations
// and inputs are rebuilt through the public API from what they were built of (their
// parameters as stored, spike tables, input rates), so they are checked as any other;
// projections keep their stored connectivity and fixed-point weights, which the checks of
// check_storage guard.
#include <algorithm>
#include <cmath>

#include "connectivity.hpp"
#include "network_data.hpp"
#include "populations.hpp"
#include "restore.hpp"
#include "snn/checkpoint.hpp"
#include "system.hpp"

namespace snn {

namespace {

const char* const kernel_names[] = {"instant", "voltage_jump", "exponential", "alpha", "sampled"};
const char* const input_names[] = {"constant", "noise", "stream", "pulses", "poisson"};
const char* const rule_names[] = {"none", "stdp", "izhikevich_2006"};

// The enum value named `s` in names[0..n); config_error naming the array otherwise.
template <class E, std::size_t N>
E from_name(const char* const (&names)[N], const state_arrays& in, const std::string& array) {
  const std::string s = get_text(in, array);
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  std::string known;
  for (std::size_t i = 0; i < N; ++i) known += cat(i ? ", " : "", names[i]);
  config_fail("checkpoint: array '", array, "' holds '", s, "'; expected one of ", known);
}

struct rule_field {
  const char* name;
  double plasticity::*member;
};
const rule_field rule_fields[] = {{"tau_plus", &plasticity::tau_plus}, {"tau_minus", &plasticity::tau_minus},
                                  {"a_plus", &plasticity::a_plus},     {"a_minus", &plasticity::a_minus},
                                  {"w_min", &plasticity::w_min},       {"w_max", &plasticity::w_max},
                                  {"interval", &plasticity::interval}, {"bias", &plasticity::bias},
                                  {"sd_decay", &plasticity::sd_decay}};

void save_population(state_arrays& out, const std::string& at, const population_data& p) {
  put_text(out, at + "label", p.label);
  put_text(out, at + "model", p.desc().name);
  put_array(out, at + "n", &p.n, 1);
  for (const auto& [name, values] : population_model(p).params)
    if (!values.empty()) put_array(out, at + "param/" + name, values);
  std::vector<std::int64_t> ids;  // spike sources: the table as (neuron, step) pairs
  for (std::uint32_t i = 0; i + 1 < p.table_ptr.size(); ++i) ids.insert(ids.end(), p.table_ptr[i + 1] - p.table_ptr[i], i);
  put_array(out, at + "spike_ids", ids);
  put_array(out, at + "spike_steps", p.table_steps);
  const auto n_inputs = static_cast<std::uint32_t>(p.inputs.size());
  put_array(out, at + "n_inputs", &n_inputs, 1);
  for (std::uint32_t k = 0; k < n_inputs; ++k) {
    const input_data& x = p.inputs[k];
    const std::string in = cat(at, "input", k, "/");
    put_text(out, in + "type", input_names[static_cast<int>(x.type)]);
    put_array(out, in + "mean", x.mean);
    put_array(out, in + "std", x.std);
    put_array(out, in + "rate", &x.rate, 1);
    const std::uint8_t to_v = x.to_v;
    put_array(out, in + "to_v", &to_v, 1);
  }
}

void load_population(network& net, const state_arrays& in, const std::string& at) {
  const std::uint32_t n = get_value<std::uint32_t>(in, at + "n");
  neuron_model m{get_text(in, at + "model"), {}, get_array<std::int64_t>(in, at + "spike_ids"), {}};
  const model_desc& desc = describe(find_model(m.name));
  for (int j = 0; j < desc.n_params; ++j) {
    const std::string name = at + "param/" + desc.params[j].name;
    if (in.count(name)) m.params.emplace_back(desc.params[j].name, get_array<float>(in, name));
  }
  for (std::uint64_t step : get_array<std::uint64_t>(in, at + "spike_steps", m.spike_ids.size()))
    m.spike_times.push_back(static_cast<double>(step) * net.dt());
  const std::size_t index = net.add_population(n, m, get_text(in, at + "label"));
  const std::uint32_t n_inputs = get_value<std::uint32_t>(in, at + "n_inputs");
  for (std::uint32_t k = 0; k < n_inputs; ++k) {
    const std::string x = cat(at, "input", k, "/");
    input i;
    i.type = from_name<input_type>(input_names, in, x + "type");
    i.mean = get_array<float>(in, x + "mean");
    i.std = get_array<float>(in, x + "std");
    i.rate = get_value<double>(in, x + "rate");
    i.to_v = get_value<std::uint8_t>(in, x + "to_v") != 0;
    net.add_input(index, i);
  }
}

void save_projection(state_arrays& out, const std::string& at, const network_data& d, const projection_data& p) {
  put_text(out, at + "label", p.label);
  put_array(out, at + "pre", &p.pre, 1);
  put_array(out, at + "post", &p.post, 1);
  put_text(out, at + "kernel", kernel_names[static_cast<int>(p.kernel.type)]);
  put_array(out, at + "tau", &p.kernel.tau, 1);
  put_array(out, at + "samples", p.kernel.samples);
  const channel_desc& ch = d.populations[p.post].desc().channels[p.channel];
  put_text(out, at + "receptor", p.channel > 0 ? ch.receptor : "");
  put_text(out, at + "plasticity", rule_names[static_cast<int>(p.rule.type)]);
  for (const rule_field& f : rule_fields) put_array(out, at + "rule/" + f.name, &(p.rule.*f.member), 1);
  const std::uint8_t flags[] = {p.rule.multiplicative, p.dense, p.dense_skip_zeros, p.exclude_self, p.one_weight};
  put_array(out, at + "rule/multiplicative", flags, 1);
  put_array(out, at + "dense", flags + 1, 1);
  put_array(out, at + "dense_skip_zeros", flags + 2, 1);
  put_array(out, at + "exclude_self", flags + 3, 1);
  put_array(out, at + "one_weight", flags + 4, 1);
  const std::int32_t scale_exp = p.scale_exp, post_bits = p.post_bits;
  put_array(out, at + "scale_exp", &scale_exp, 1);
  put_array(out, at + "post_bits", &post_bits, 1);
  put_array(out, at + "d_min", &p.d_min, 1);
  put_array(out, at + "d_max", &p.d_max, 1);
  put_array(out, at + "n_synapses", &p.n_synapses, 1);
  put_array(out, at + "row_ptr", p.row_ptr);
  std::vector<std::uint32_t> keys = p.keys;
  std::vector<std::int32_t> weights = p.dense ? p.weights : std::vector<std::int32_t>{};
  if (p.one_weight) weights = {p.shared_weight};
  for (const synapse& s : p.synapses) keys.push_back(s.key), weights.push_back(s.weight);
  put_array(out, at + "keys", keys);
  put_array(out, at + "weights", weights);
}

void load_projection(network& net, const state_arrays& in, const std::string& at) {
  projection_data p;
  p.label = get_text(in, at + "label");
  p.pre = get_value<std::uint32_t>(in, at + "pre");
  p.post = get_value<std::uint32_t>(in, at + "post");
  kernel k;
  k.type = from_name<kernel_type>(kernel_names, in, at + "kernel");
  k.tau = get_value<double>(in, at + "tau");
  k.samples = get_array<float>(in, at + "samples");
  k.receptor = get_text(in, at + "receptor");
  p.rule.type = from_name<plasticity_type>(rule_names, in, at + "plasticity");
  for (const rule_field& f : rule_fields) p.rule.*f.member = get_value<double>(in, at + "rule/" + f.name);
  p.rule.multiplicative = get_value<std::uint8_t>(in, at + "rule/multiplicative") != 0;
  p.dense = get_value<std::uint8_t>(in, at + "dense") != 0;
  p.dense_skip_zeros = get_value<std::uint8_t>(in, at + "dense_skip_zeros") != 0;
  p.exclude_self = get_value<std::uint8_t>(in, at + "exclude_self") != 0;
  p.one_weight = get_value<std::uint8_t>(in, at + "one_weight") != 0;
  p.scale_exp = get_value<std::int32_t>(in, at + "scale_exp");
  p.post_bits = get_value<std::int32_t>(in, at + "post_bits");
  p.d_min = get_value<std::uint32_t>(in, at + "d_min");
  p.d_max = get_value<std::uint32_t>(in, at + "d_max");
  p.n_synapses = get_value<std::uint64_t>(in, at + "n_synapses");
  p.row_ptr = get_array<std::uint64_t>(in, at + "row_ptr");
  std::vector<std::uint32_t> keys = get_array<std::uint32_t>(in, at + "keys");
  std::vector<std::int32_t> weights = get_array<std::int32_t>(in, at + "weights");
  if (p.dense) {
    p.weights = std::move(weights);
  } else if (p.one_weight) {
    if (weights.size() != 1) config_fail("checkpoint: array '", at, "weights' must hold one shared weight");
    p.shared_weight = weights[0], p.keys = std::move(keys);
  } else {
    if (weights.size() != keys.size())
      config_fail("checkpoint: arrays '", at, "keys' and '", at, "weights' differ in length");
    for (std::size_t s = 0; s < keys.size(); ++s) p.synapses.push_back({keys[s], weights[s]});
  }
  restore_projection(*net.data(), std::move(p), k);
}

}  // namespace

state_arrays save_network(const network& net) {
  const network_data& d = *net.data();
  auto guard = d.guard.read();
  if (d.comm->distributed()) throw error("checkpoints of networks spread over MPI processes are not supported yet");
  d.settle_weights();
  state_arrays out;
  put_array(out, "network/dt", &d.dt, 1);
  put_array(out, "network/seed", &d.seed, 1);
  const std::uint32_t counts[] = {static_cast<std::uint32_t>(d.populations.size()),
                                  static_cast<std::uint32_t>(d.projections.size())};
  put_array(out, "network/n_populations", counts, 1);
  put_array(out, "network/n_projections", counts + 1, 1);
  for (std::size_t i = 0; i < d.populations.size(); ++i)
    save_population(out, cat("network/pop", i, "/"), d.populations[i]);
  for (std::size_t j = 0; j < d.projections.size(); ++j)
    save_projection(out, cat("network/proj", j, "/"), d, d.projections[j]);
  return out;
}

network load_network(const state_arrays& in) {
  network net(get_value<double>(in, "network/dt"), get_value<std::uint64_t>(in, "network/seed"));
  const std::uint32_t n_pop = get_value<std::uint32_t>(in, "network/n_populations");
  const std::uint32_t n_proj = get_value<std::uint32_t>(in, "network/n_projections");
  for (std::uint32_t i = 0; i < n_pop; ++i) load_population(net, in, cat("network/pop", i, "/"));
  for (std::uint32_t j = 0; j < n_proj; ++j) load_projection(net, in, cat("network/proj", j, "/"));
  return net;
}

void check_storage(const std::string& who, const projection_data& p, std::uint32_t n_pre, std::uint32_t n_post,
                   double dt) {
  auto bad = [&](const auto&... what) { config_fail("checkpoint: ", who, ": ", what...); };
  if (p.d_min < 1 || p.d_min > p.d_max || p.d_max > max_delay_steps)
    bad("delays from ", p.d_min, " to ", p.d_max, " steps (expected 1 <= d_min <= d_max <= ", max_delay_steps, ")");
  if (p.scale_exp < -300 || p.scale_exp > 300) bad("fixed-point scale exponent ", p.scale_exp, " out of range");
  if (p.dense) {
    if (p.weights.size() != std::uint64_t(n_pre) * n_post)
      bad(p.weights.size(), " dense weights for ", n_pre, " x ", n_post, " neurons");
    if (p.plastic()) bad("a plastic projection is stored sparse");
  } else {
    if (p.post_bits < 0 || p.post_bits > 31 || (std::uint64_t(1) << p.post_bits) < n_post ||
        (std::uint64_t(p.d_max - p.d_min + 1) << p.post_bits) > (std::uint64_t(1) << 32))
      bad("key layout of ", p.post_bits, " target bits does not fit ", n_post, " targets and the delays");
    if (p.row_ptr.size() != n_pre + 1ull || p.row_ptr[0] != 0 || p.row_ptr.back() != p.n_synapses)
      bad("the CSR row pointers do not match ", n_pre, " sources and ", p.n_synapses, " synapses");
    if ((p.one_weight ? p.keys.size() : p.synapses.size()) != p.n_synapses)
      bad("holds ", p.one_weight ? p.keys.size() : p.synapses.size(), " synapses, expected ", p.n_synapses);
    if (p.plastic() && p.one_weight) bad("a plastic projection has a weight per synapse");
    for (std::uint32_t i = 0; i < n_pre; ++i) {
      if (p.row_ptr[i] > p.row_ptr[i + 1]) bad("the CSR row pointers decrease at source ", i);
      for (std::uint64_t s = p.row_ptr[i]; s < p.row_ptr[i + 1]; ++s) {
        const std::uint32_t key = p.synapse_at(s).key;
        if (p.post_of(key) >= n_post || p.delay_of(key) > p.d_max || p.delay_of(key) < p.d_min)
          bad("synapse ", s, " has a target or delay out of range (key ", key, ")");
        if (s > p.row_ptr[i] && key < p.synapse_at(s - 1).key) bad("row ", i, " is not sorted by delay and target");
      }
    }
  }
  std::uint64_t listed = 0;
  for_each_synapse(p, n_pre, n_post, [&](std::uint32_t, std::uint32_t, std::uint64_t, std::uint32_t) { ++listed; });
  if (listed != p.n_synapses) bad("stores ", listed, " synapses but says ", p.n_synapses);
  if (p.plastic()) check_rule(who, p.rule, dt);
}

}  // namespace snn
