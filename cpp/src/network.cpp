#include "snn/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "connectivity.hpp"
#include "model.hpp"
#include "system.hpp"

namespace snn {

namespace presets {
namespace {
izhikevich make(float a, float b, float c, float d) { return {{a}, {b}, {c}, {d}, {-65.0f}, {}, 30.0f, 1}; }
}  // namespace
izhikevich regular_spiking() { return make(0.02f, 0.2f, -65.0f, 8.0f); }
izhikevich intrinsically_bursting() { return make(0.02f, 0.2f, -55.0f, 4.0f); }
izhikevich chattering() { return make(0.02f, 0.2f, -50.0f, 2.0f); }
izhikevich fast_spiking() { return make(0.1f, 0.2f, -65.0f, 2.0f); }
izhikevich low_threshold_spiking() { return make(0.02f, 0.25f, -65.0f, 2.0f); }
izhikevich thalamo_cortical() { return make(0.02f, 0.25f, -65.0f, 0.05f); }
izhikevich resonator() { return make(0.1f, 0.26f, -65.0f, 2.0f); }

namespace {
struct named {
  const char* name;
  izhikevich (*make)();
};
constexpr named table[] = {
    {"regular_spiking", regular_spiking},    {"intrinsically_bursting", intrinsically_bursting},
    {"chattering", chattering},              {"fast_spiking", fast_spiking},
    {"low_threshold_spiking", low_threshold_spiking}, {"thalamo_cortical", thalamo_cortical},
    {"resonator", resonator},
};
}  // namespace

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const named& p : table) out.emplace_back(p.name);
  return out;
}

izhikevich by_name(const std::string& name) {
  for (const named& p : table)
    if (name == p.name) return p.make();
  std::string known;
  for (const named& p : table) known += (known.empty() ? "" : ", ") + std::string(p.name);
  config_fail("unknown preset '", name, "'; known presets: ", known);
}
}  // namespace presets

double projection_data::inv_scale() const { return std::ldexp(1.0, -scale_exp); }

namespace {

network_data& mutable_data(const std::shared_ptr<network_data>& d) {
  if (d->frozen)
    config_fail("the network has already been simulated; its structure can no longer change "
                "(build a new network)");
  return *d;
}

// One value or n values, all finite; returns n values.
std::vector<float> expand(const std::string& who, const char* name, const values& v,
                          std::uint32_t n) {
  if (v.size() != 1 && v.size() != n)
    config_fail(who, ": parameter '", name, "' has ", v.size(), " values, expected 1 or ", n);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      config_fail(who, ": parameter '", name, "' must be finite, got ", v[i],
                  v.size() > 1 ? cat(" at neuron ", i) : std::string());
  return v.size() == n ? v : std::vector<float>(n, v[0]);
}

const population_data& population_at(const network_data& d, std::size_t i) {
  if (i >= d.populations.size())
    config_fail("population index ", i, " out of range (", d.populations.size(), " populations)");
  return d.populations[i];
}

std::string population_who(const population_data& p) { return cat("population '", p.label, "'"); }

kernel_data build_kernel(const std::string& who, const kernel& k, double dt) {
  kernel_data out;
  out.type = k.type;
  if (k.type == kernel_type::exponential || k.type == kernel_type::alpha) {
    if (!(k.tau > 0) || !std::isfinite(k.tau))
      config_fail(who, ": kernel tau must be a finite number > 0 ms, got ", k.tau);
    out.q = static_cast<float>(std::exp(-dt / k.tau));
    out.c = static_cast<float>(std::exp(1.0) * dt / k.tau);
  }
  if (k.type == kernel_type::sampled) {
    if (k.samples.empty()) config_fail(who, ": kernel window holds no sample (window < dt)");
    if (k.samples.size() > max_kernel_steps)
      config_fail(who, ": kernel window of ", k.samples.size(), " steps is above the maximum of ",
                  max_kernel_steps, " steps");
    for (std::size_t m = 0; m < k.samples.size(); ++m)
      if (!std::isfinite(k.samples[m]))
        config_fail(who, ": kernel value at ", m * dt, " ms must be finite, got ", k.samples[m]);
    out.samples = k.samples;
  }
  return out;
}

}  // namespace

network::network(double dt, std::uint64_t seed) : data_(std::make_shared<network_data>()) {
  if (!std::isfinite(dt) || !(dt > 0))
    config_fail("network: dt must be a finite number > 0 ms, got ", dt);
  data_->dt = dt;
  data_->seed = seed;
}

double network::dt() const { return data_->dt; }
std::uint64_t network::seed() const { return data_->seed; }

std::size_t network::add_population(std::int64_t n, const izhikevich& p, const std::string& label) {
  network_data& d = mutable_data(data_);
  const std::size_t id = d.populations.size();
  population_data pop;
  pop.label = label.empty() ? cat("pop", id) : label;
  const std::string who = population_who(pop);
  for (const auto& other : d.populations)
    if (other.label == pop.label) config_fail(who, ": label already used by another population");
  if (n <= 0 || n > 0x7FFFFFFF)
    config_fail(who, ": size must be a positive integer below 2^31, got ", n);
  check_memory(who, static_cast<double>(n) * 64.0);
  pop.n = static_cast<std::uint32_t>(n);
  pop.a = expand(who, "a", p.a, pop.n);
  pop.b = expand(who, "b", p.b, pop.n);
  pop.c = expand(who, "c", p.c, pop.n);
  pop.d = expand(who, "d", p.d, pop.n);
  pop.v0 = expand(who, "v0", p.v0, pop.n);
  if (p.u0.empty()) {
    pop.u0.resize(pop.n);
    for (std::uint32_t i = 0; i < pop.n; ++i) pop.u0[i] = pop.b[i] * pop.v0[i];
  } else {
    pop.u0 = expand(who, "u0", p.u0, pop.n);
  }
  if (!std::isfinite(p.v_peak)) config_fail(who, ": parameter 'v_peak' must be finite, got ", p.v_peak);
  if (p.v_substeps < 1 || p.v_substeps > 1000)
    config_fail(who, ": parameter 'v_substeps' must be an integer in [1, 1000], got ", p.v_substeps);
  pop.v_peak = p.v_peak;
  pop.v_substeps = p.v_substeps;
  d.populations.push_back(std::move(pop));
  return id;
}

izhikevich network::izhikevich_2003(std::int64_t n, bool excitatory) const {
  if (n <= 0 || n > 0x7FFFFFFF)
    config_fail("izhikevich_2003: size must be a positive integer below 2^31, got ", n);
  const auto id = static_cast<std::uint32_t>(data_->populations.size());
  const counter_rng rng(data_->seed);
  izhikevich p;
  p.a.resize(n), p.b.resize(n), p.c.resize(n), p.d.resize(n);
  for (std::int64_t i = 0; i < n; ++i) {
    const float r = uniform01(rng(static_cast<std::uint32_t>(i), 0, 0, purpose_params, id).x[0]);
    if (excitatory) {  // Izhikevich (2003): re = rand, c = -65 + 15 re^2, d = 8 - 6 re^2
      p.a[i] = 0.02f, p.b[i] = 0.2f, p.c[i] = -65.0f + 15.0f * r * r, p.d[i] = 8.0f - 6.0f * r * r;
    } else {  // ri = rand, a = 0.02 + 0.08 ri, b = 0.25 - 0.05 ri
      p.a[i] = 0.02f + 0.08f * r, p.b[i] = 0.25f - 0.05f * r, p.c[i] = -65.0f, p.d[i] = 2.0f;
    }
  }
  return p;
}

namespace {

projection_context make_context(const network_data& d, std::size_t pre, std::size_t post,
                                const std::string& label) {
  const population_data& a = population_at(d, pre);
  const population_data& b = population_at(d, post);
  projection_context ctx;
  ctx.id = static_cast<std::uint32_t>(d.projections.size());
  std::string name = label;
  if (name.empty()) {  // "pre->post", numbered when the pair is connected again
    name = cat(a.label, "->", b.label);
    for (const auto& other : d.projections)
      if (other.label == name) name = cat(a.label, "->", b.label, "#", ctx.id);
  }
  ctx.who = cat("projection '", name, "'");
  ctx.n_pre = a.n;
  ctx.n_post = b.n;
  ctx.same_population = pre == post;
  ctx.dt = d.dt;
  ctx.rng = counter_rng(d.seed);
  return ctx;
}

projection_data new_projection(const projection_context& ctx, std::size_t pre, std::size_t post,
                               const kernel& k) {
  projection_data p;
  p.label = ctx.who.substr(12, ctx.who.size() - 13);  // strip "projection '" and "'"
  p.pre = static_cast<std::uint32_t>(pre);
  p.post = static_cast<std::uint32_t>(post);
  p.kernel = build_kernel(ctx.who, k, ctx.dt);
  return p;
}

struct projection_start {
  projection_context ctx;
  projection_data p;
};

// What every way of connecting does first: names, validates the populations and kernel.
projection_start start_projection(const network_data& d, std::size_t pre, std::size_t post,
                                  const kernel& k, const std::string& label) {
  projection_start s{make_context(d, pre, post, label), {}};
  s.p = new_projection(s.ctx, pre, post, k);
  for (const auto& other : d.projections)
    if (other.label == s.p.label) config_fail(s.ctx.who, ": label already used by another projection");
  return s;
}

std::size_t add_projection(network_data& d, projection_data&& p) {
  d.projections.push_back(std::move(p));
  return d.projections.size() - 1;
}

// Dense rows for weights w[pre * n_post + post] (float bits), one delay for all.
void finish_dense(projection_data& p, std::vector<std::int32_t>&& w, std::uint32_t delay,
                  std::uint64_t n_synapses) {
  p.dense = true;
  p.n_synapses = n_synapses;
  p.scale_exp = quantise_weights(w);
  p.weights = std::move(w);
  p.d_min = p.d_max = delay;
}

}  // namespace

std::size_t network::connect(std::size_t pre, std::size_t post, const rule& r,
                             const distribution& weight, const distribution& delay,
                             const kernel& k, const std::string& label) {
  network_data& d = mutable_data(data_);
  auto [ctx, p] = start_projection(d, pre, post, k, label);
  validate_rule(ctx, r);
  const double n_syn = expected_synapses(ctx, r);
  const bool dense = r.type == rule_type::all_to_all && delay.type == dist_type::constant;
  std::uint64_t n_array = static_cast<std::uint64_t>(n_syn);
  array_layout layout = array_layout::by_synapse;
  if (r.type == rule_type::all_to_all) n_array = std::uint64_t(ctx.n_pre) * ctx.n_post, layout = array_layout::by_pair;
  if (r.type == rule_type::one_to_one) layout = array_layout::by_pre;
  if (r.type == rule_type::fixed_probability && (weight.type == dist_type::array || delay.type == dist_type::array))
    config_fail(ctx.who, ": weight or delay arrays need a rule with a known synapse count "
                "(fixed probability has none); use a distribution or explicit synapses");
  validate_distribution(ctx, weight, false, n_array);
  validate_distribution(ctx, delay, true, n_array);
  check_memory(ctx.who, dense ? 4.0 * ctx.n_pre * ctx.n_post : 18.0 * n_syn + 8.0 * ctx.n_pre);

  if (dense) {
    const bool excl = ctx.same_population && !r.allow_self;
    p.exclude_self = excl;
    finish_dense(p, dense_weights(ctx, weight, excl), delay_steps(ctx, delay.p0),
                 std::uint64_t(ctx.n_pre) * ctx.n_post - (excl ? ctx.n_pre : 0));
  } else {
    pair_csr pairs = generate_pairs(ctx, r);
    std::vector<std::int32_t> w;
    std::vector<std::uint16_t> delays;
    fill_values(ctx, pairs, weight, delay, layout, nullptr, w, delays);
    finish_sparse(ctx, p, std::move(pairs), std::move(w), delays);
  }
  return add_projection(d, std::move(p));
}

std::size_t network::connect_dense(std::size_t pre, std::size_t post, const float* w,
                                   std::size_t n_pre, std::size_t n_post,
                                   const distribution& delay, const kernel& k,
                                   const std::string& label) {
  network_data& d = mutable_data(data_);
  auto [ctx, p] = start_projection(d, pre, post, k, label);
  if (n_pre != ctx.n_pre || n_post != ctx.n_post)
    config_fail(ctx.who, ": weight matrix has shape (", n_pre, ", ", n_post, "), expected (",
                ctx.n_pre, ", ", ctx.n_post, ") = (pre size, post size)");
  const std::uint64_t total = std::uint64_t(n_pre) * n_post;
  std::uint64_t nnz = 0;
  for (std::uint64_t i = 0; i < total; ++i) {
    if (!std::isfinite(w[i]))
      config_fail(ctx.who, ": weight [", i / n_post, ", ", i % n_post, "] must be finite, got ", w[i]);
    nnz += w[i] != 0.0f;
  }
  validate_distribution(ctx, delay, true, total);
  if (delay.type == dist_type::constant && 2 * nnz >= total) {
    check_memory(ctx.who, 4.0 * total);
    std::vector<std::int32_t> bits(total);
    std::memcpy(bits.data(), w, total * sizeof(float));
    p.dense_skip_zeros = true;
    finish_dense(p, std::move(bits), delay_steps(ctx, delay.p0), nnz);
  } else {
    check_memory(ctx.who, 18.0 * nnz + 8.0 * n_pre);
    pair_csr pairs;
    pairs.row_ptr.assign(n_pre + 1, 0);
    pairs.post.reserve(nnz);
    for (std::uint32_t i = 0; i < n_pre; ++i) {
      for (std::uint32_t j = 0; j < n_post; ++j)
        if (w[std::uint64_t(i) * n_post + j] != 0.0f) pairs.post.push_back(j);
      pairs.row_ptr[i + 1] = pairs.post.size();
    }
    const distribution weights = distribution::from_array(std::vector<float>(w, w + total));
    std::vector<std::int32_t> wq;
    std::vector<std::uint16_t> delays;
    fill_values(ctx, pairs, weights, delay, array_layout::by_pair, nullptr, wq, delays);
    finish_sparse(ctx, p, std::move(pairs), std::move(wq), delays);
  }
  return add_projection(d, std::move(p));
}

std::size_t network::connect_explicit(std::size_t pre, std::size_t post, const std::int64_t* pre_ids,
                                      const std::int64_t* post_ids, std::size_t n,
                                      const distribution& weight, const distribution& delay,
                                      const kernel& k, const std::string& label) {
  network_data& d = mutable_data(data_);
  auto [ctx, p] = start_projection(d, pre, post, k, label);
  for (std::size_t i = 0; i < n; ++i) {
    if (pre_ids[i] < 0 || pre_ids[i] >= ctx.n_pre)
      config_fail(ctx.who, ": pre index ", pre_ids[i], " at position ", i, " is out of range [0, ",
                  ctx.n_pre, ")");
    if (post_ids[i] < 0 || post_ids[i] >= ctx.n_post)
      config_fail(ctx.who, ": post index ", post_ids[i], " at position ", i,
                  " is out of range [0, ", ctx.n_post, ")");
  }
  validate_distribution(ctx, weight, false, n);
  validate_distribution(ctx, delay, true, n);
  check_memory(ctx.who, 34.0 * n + 8.0 * ctx.n_pre);
  // Sort into (pre, post) order, stable so that repeated pairs keep their given order.
  std::vector<std::uint64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::uint64_t x, std::uint64_t y) {
    return pre_ids[x] != pre_ids[y] ? pre_ids[x] < pre_ids[y] : post_ids[x] < post_ids[y];
  });
  pair_csr pairs;
  pairs.row_ptr.assign(ctx.n_pre + 1ull, 0);
  pairs.post.resize(n);
  for (std::size_t s = 0; s < n; ++s) {
    pairs.post[s] = static_cast<std::uint32_t>(post_ids[order[s]]);
    ++pairs.row_ptr[pre_ids[order[s]] + 1];
  }
  std::partial_sum(pairs.row_ptr.begin(), pairs.row_ptr.end(), pairs.row_ptr.begin());
  std::vector<std::int32_t> w;
  std::vector<std::uint16_t> delays;
  fill_values(ctx, pairs, weight, delay, array_layout::by_synapse, &order, w, delays);
  finish_sparse(ctx, p, std::move(pairs), std::move(w), delays);
  return add_projection(d, std::move(p));
}

std::size_t network::add_input(std::size_t population, const input& in) {
  network_data& d = mutable_data(data_);
  population_at(d, population);
  population_data& pop = d.populations[population];
  const std::string who = cat(population_who(pop), " input ", pop.inputs.size());
  input_data data;
  data.type = in.type;
  if (in.type == input_type::constant) {
    data.mean = expand(who, "value", in.mean, pop.n);
    if (in.mean.size() == 1) data.mean.resize(1);
  } else if (in.type == input_type::noise) {
    data.mean = expand(who, "mean", in.mean, pop.n);
    data.std = expand(who, "std", in.std, pop.n);
    if (in.mean.size() == 1) data.mean.resize(1);
    if (in.std.size() == 1) data.std.resize(1);
    for (float s : data.std)
      if (s < 0) config_fail(who, ": noise 'std' must be >= 0, got ", s);
  } else if (in.type == input_type::pulses) {
    if (!(in.rate >= 0) || in.rate * d.dt > 1000.0)
      config_fail(who, ": pulse 'rate' must be between 0 and 1000/dt = ", 1000.0 / d.dt, " Hz, got ", in.rate);
    if (in.mean.size() != 1 || !std::isfinite(in.mean[0]))
      config_fail(who, ": pulse 'amplitude' must be one finite number");
    data.mean = in.mean;
    data.per_step = static_cast<double>(pop.n) * in.rate * d.dt / 1000.0;
  }
  pop.inputs.push_back(std::move(data));
  return pop.inputs.size() - 1;
}

std::size_t network::population_count() const { return data_->populations.size(); }
std::size_t network::projection_count() const { return data_->projections.size(); }
std::size_t network::population_size(std::size_t i) const { return population_at(*data_, i).n; }
const std::string& network::population_label(std::size_t i) const {
  return population_at(*data_, i).label;
}

namespace {
const projection_data& projection_at(const network_data& d, std::size_t i) {
  if (i >= d.projections.size())
    config_fail("projection index ", i, " out of range (", d.projections.size(), " projections)");
  return d.projections[i];
}
}  // namespace

const std::string& network::projection_label(std::size_t i) const {
  return projection_at(*data_, i).label;
}

izhikevich network::parameters(std::size_t i) const {
  const population_data& p = population_at(*data_, i);
  izhikevich out{p.a, p.b, p.c, p.d, p.v0, p.u0, p.v_peak, p.v_substeps};
  return out;
}

std::uint64_t network::synapse_count(std::size_t i) const { return projection_at(*data_, i).n_synapses; }
bool network::is_dense(std::size_t i) const { return projection_at(*data_, i).dense; }

std::uint64_t network::projection_bytes(std::size_t i) const {
  const projection_data& p = projection_at(*data_, i);
  return p.weights.size() * 4 + p.synapses.size() * sizeof(synapse) + p.keys.size() * 4 + p.row_ptr.size() * 8;
}

synapse_list network::synapses(std::size_t i) const {
  const projection_data& p = projection_at(*data_, i);
  const std::uint32_t n_pre = data_->populations[p.pre].n, n_post = data_->populations[p.post].n;
  const double inv = p.inv_scale();
  synapse_list out;
  auto add = [&](std::uint32_t pre, std::uint32_t post, std::int32_t wq, std::uint32_t delay) {
    out.pre.push_back(static_cast<std::int32_t>(pre));
    out.post.push_back(static_cast<std::int32_t>(post));
    out.weight.push_back(wq * inv);
    out.delay_steps.push_back(static_cast<std::int32_t>(delay));
  };
  if (p.dense) {
    for (std::uint32_t i = 0; i < n_pre; ++i)
      for (std::uint32_t j = 0; j < n_post; ++j) {
        const std::int32_t wq = p.weights[std::uint64_t(i) * n_post + j];
        if ((p.exclude_self && i == j) || (p.dense_skip_zeros && wq == 0)) continue;
        add(i, j, wq, p.d_min);
      }
  } else {
    std::vector<synapse> row;  // stored by (delay, post); listed by post
    for (std::uint32_t i = 0; i < n_pre; ++i) {
      row.clear();
      for (std::uint64_t s = p.row_ptr[i]; s < p.row_ptr[i + 1]; ++s) row.push_back(p.synapse_at(s));
      std::stable_sort(row.begin(), row.end(), [&](const synapse& x, const synapse& y) {
        return p.post_of(x.key) < p.post_of(y.key);
      });
      for (const synapse& s : row) add(i, p.post_of(s.key), s.weight, p.delay_of(s.key));
    }
  }
  return out;
}

}  // namespace snn
