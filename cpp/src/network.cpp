#include "snn/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <tuple>

#include "connectivity.hpp"
#include "network_data.hpp"
#include "populations.hpp"
#include "restore.hpp"
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

network_data& mutable_data_of(network_data& d) {
  if (d.frozen)
    config_fail("the network has already been simulated; its structure can no longer change "
                "(build a new network)");
  return d;
}
network_data& mutable_data(const std::shared_ptr<network_data>& d) { return mutable_data_of(*d); }

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
    const double c = std::exp(1.0) * dt / k.tau;  // q = exp(-dt / tau) is in [0, 1]
    if (k.type == kernel_type::alpha && !fits_float(c))
      config_fail(who, ": alpha kernel tau = ", k.tau, " ms is too short for dt = ", dt,
                  " ms: its constant e dt / tau = ", c, " does not fit float32 (tau must be at least ",
                  std::exp(1.0) * dt / float_max, " ms)");
    out.tau = k.tau;
    out.q = static_cast<float>(std::exp(-dt / k.tau));
    out.c = static_cast<float>(c);
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
  // The models step with float32(dt): it must be a normal, finite float32.
  constexpr double float_min = 1.1754943508222875e-38;
  if (!std::isfinite(dt) || !(dt >= float_min && dt <= float_max))
    config_fail("network: dt must be a finite number > 0 ms that float32 holds as a normal number (",
                float_min, " to ", float_max, " ms), got ", dt);
  data_->dt = dt;
  data_->seed = seed;
}

void network::distribute_handle(std::intptr_t mpi_comm) {
  network_data& d = mutable_data(data_);
  if (!d.populations.empty())
    config_fail("distribute: call it before adding populations (", d.populations.size(), " added)");
  d.comm = communicator::from_mpi(mpi_comm);
}

int network::process() const { return data_->comm->rank(); }
int network::processes() const { return data_->comm->size(); }

std::pair<std::size_t, std::size_t> network::owned(std::size_t population) const {
  return data_->comm->owned(population_at(*data_, population).n);
}

double network::dt() const { return data_->dt; }
std::uint64_t network::seed() const { return data_->seed; }

std::size_t network::add_population(std::int64_t n, const neuron_model& model, const std::string& label) {
  auto guard = data_->guard.write();
  network_data& d = mutable_data(data_);
  const std::size_t id = d.populations.size();
  const std::string name = label.empty() ? cat("pop", id) : label;
  const std::string who = cat("population '", name, "'");
  for (const auto& other : d.populations)
    if (other.label == name) config_fail(who, ": label already used by another population");
  if (n <= 0 || n > 0x7FFFFFFF)
    config_fail(who, ": size must be a positive integer below 2^31, got ", n);
  population_data pop = build_population(who, static_cast<std::uint32_t>(n), model, d.dt);
  pop.label = name;
  d.populations.push_back(std::move(pop));
  return id;
}

std::size_t network::add_population(std::int64_t n, const izhikevich& p, const std::string& label) {
  return add_population(n, neuron_model::from(p), label);
}

izhikevich network::izhikevich_2003(std::int64_t n, bool excitatory) const {
  auto guard = data_->guard.read();
  if (n <= 0 || n > 0x7FFFFFFF)
    config_fail("izhikevich_2003: size must be a positive integer below 2^31, got ", n);
  // Four draws per neuron, then the population they are for.
  check_memory(cat("izhikevich_2003: the parameters of ", n, " neurons"),
               16.0 * n + population_bytes(describe(model_id::izhikevich), static_cast<std::uint32_t>(n), 0));
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

// The label of the next projection: `label`, or "pre->post", numbered when the pair is
// connected again.
std::string next_projection_label(const network_data& d, std::size_t pre, std::size_t post,
                                  const std::string& label) {
  const population_data& a = population_at(d, pre);
  const population_data& b = population_at(d, post);
  if (!label.empty()) return label;
  std::string name = cat(a.label, "->", b.label);
  for (const auto& other : d.projections)
    if (other.label == name) name = cat(a.label, "->", b.label, "#", d.projections.size());
  return name;
}

projection_context make_context(const network_data& d, std::size_t pre, std::size_t post,
                                const std::string& label) {
  const population_data& a = population_at(d, pre);
  const population_data& b = population_at(d, post);
  projection_context ctx;
  ctx.id = static_cast<std::uint32_t>(d.projections.size());
  ctx.who = cat("projection '", next_projection_label(d, pre, post, label), "'");
  ctx.n_pre = a.n;
  ctx.n_post = b.n;
  ctx.same_population = pre == post;
  ctx.dt = d.dt;
  ctx.rng = counter_rng(d.seed);
  ctx.comm = d.comm.get();
  std::tie(ctx.post_lo, ctx.post_hi) = d.comm->owned(b.n);
  return ctx;
}

// The input channel of the target's model that the kernel feeds (0: current), checked
// against the model: sources take no synapses, conductance models need a receptor.
std::uint32_t target_channel(const std::string& who, const population_data& post, const kernel& k) {
  const model_desc& m = post.desc();
  if (m.n_channels == 0)
    config_fail(who, ": population '", post.label, "' is a spike source (", m.name, "); it takes no synapses");
  std::string receptors;
  for (int j = 1; j < m.n_channels; ++j) receptors += cat(j > 1 ? ", " : "", "'", m.channels[j].receptor, "'");
  if (k.type == kernel_type::voltage_jump) {
    if (!m.jumps) config_fail(who, ": model '", m.name, "' of population '", post.label, "' takes no voltage jumps");
    if (!k.receptor.empty()) config_fail(who, ": a voltage jump goes to v; it takes no receptor");
    return 0;
  }
  if (k.receptor.empty()) {
    if (!receptors.empty())
      config_fail(who, ": population '", post.label, "' (", m.name, ") is conductance-based: give a receptor (",
                  receptors, ")");
    return 0;
  }
  for (int j = 1; j < m.n_channels; ++j)
    if (k.receptor == m.channels[j].receptor) {
      for (float x : k.samples)
        if (x < 0) config_fail(who, ": a conductance kernel must be >= 0, got ", x);
      return static_cast<std::uint32_t>(j);
    }
  if (receptors.empty())
    config_fail(who, ": population '", post.label, "' (", m.name, ") takes current synapses; receptor '", k.receptor,
                "' is for conductance-based models (leave it out)");
  config_fail(who, ": unknown receptor '", k.receptor, "' of model '", m.name, "'; its receptors: ", receptors);
}

projection_data new_projection(const network_data& d, const projection_context& ctx, std::size_t pre,
                               std::size_t post, const kernel& k) {
  projection_data p;
  p.label = ctx.who.substr(12, ctx.who.size() - 13);  // strip "projection '" and "'"
  p.pre = static_cast<std::uint32_t>(pre);
  p.post = static_cast<std::uint32_t>(post);
  p.kernel = build_kernel(ctx.who, k, ctx.dt);
  p.channel = target_channel(ctx.who, d.populations[post], k);
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
  s.p = new_projection(d, s.ctx, pre, post, k);
  for (const auto& other : d.projections)
    if (other.label == s.p.label) config_fail(s.ctx.who, ": label already used by another projection");
  return s;
}

// Conductances (weights into a receptor channel) are >= 0.
void check_sign(const std::string& who, const projection_data& p) {
  if (p.channel == 0) return;
  const double inv = p.inv_scale();
  auto check = [&](std::int32_t wq) {
    if (wq < 0) config_fail(who, ": conductance weights must be >= 0 uS, got ", wq * inv);
  };
  for (std::int32_t w : p.weights) check(w);
  for (const synapse& s : p.synapses) check(s.weight);
  check(p.shared_weight);
}

// Makes p plastic (see network::set_plasticity); throws before p is changed where it cannot.
void apply_plasticity(const network_data& d, projection_data& p, const plasticity& rule) {
  if (rule.type == plasticity_type::none) return;
  if (p.channel > 0 && rule.w_min < 0)
    config_fail("projection '", p.label, "': conductance weights must be >= 0 uS, got plasticity w_min = ", rule.w_min);
  const auto [lo, hi] = d.comm->owned(d.populations[p.post].n);
  make_plastic(cat("projection '", p.label, "'"), p, d.populations[p.pre].n, d.populations[p.post].n, rule, d.dt,
               lo, hi);
}

// The last checks (on this process's synapses: every process raises if one fails) and the
// plasticity rule.
std::size_t add_projection(network_data& d, const std::string& who, projection_data&& p, const plasticity& rule) {
  d.comm->all_or_none([&] {
    check_sign(who, p);
    apply_plasticity(d, p, rule);
  });
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
                             const kernel& k, const std::string& label, const plasticity& rule) {
  auto guard = data_->guard.write();
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
  if (d.comm->distributed() && layout == array_layout::by_synapse &&
      (weight.type == dist_type::array || delay.type == dist_type::array))
    config_fail(ctx.who, ": weight or delay arrays by synapse need one process (distributed, each stores "
                "only its synapses); give explicit synapses with their values instead");
  // Sparse: at most the keys, weights and synapses at once (finish_sparse), and the row pointers.
  check_memory(ctx.who, dense ? 4.0 * ctx.n_pre * ctx.n_post : (16.0 * n_syn + 8.0 * ctx.n_pre) / d.comm->size());

  if (dense) {
    const bool excl = ctx.same_population && !r.allow_self;
    p.exclude_self = excl;
    finish_dense(p, dense_weights(ctx, weight, excl), delay_steps(ctx, delay.p0),
                 std::uint64_t(ctx.n_pre) * ctx.n_post - (excl ? ctx.n_pre : 0));
  } else {
    pair_csr pairs;
    std::vector<std::int32_t> w;
    std::vector<std::uint16_t> delays;
    d.comm->all_or_none([&] {  // a delay out of range may be drawn on one process only
      pairs = generate_pairs(ctx, r);
      fill_values(ctx, pairs, weight, delay, layout, nullptr, w, delays);
    });
    finish_sparse(ctx, p, std::move(pairs), std::move(w), std::move(delays));
  }
  return add_projection(d, ctx.who, std::move(p), rule);
}

std::size_t network::connect_dense(std::size_t pre, std::size_t post, const float* w,
                                   std::size_t n_pre, std::size_t n_post,
                                   const distribution& delay, const kernel& k,
                                   const std::string& label, const plasticity& rule) {
  auto guard = data_->guard.write();
  network_data& d = mutable_data(data_);
  auto [ctx, p] = start_projection(d, pre, post, k, label);
  if (n_pre != ctx.n_pre || n_post != ctx.n_post)
    config_fail(ctx.who, ": weight matrix has shape (", n_pre, ", ", n_post, "), expected (",
                ctx.n_pre, ", ", ctx.n_post, ") = (pre size, post size)");
  const std::uint64_t total = std::uint64_t(n_pre) * n_post;
  std::uint64_t nnz = 0;
  float largest = 0.0f;
  for (std::uint64_t i = 0; i < total; ++i) {
    if (!std::isfinite(w[i]))
      config_fail(ctx.who, ": weight [", i / n_post, ", ", i % n_post, "] must be finite, got ", w[i]);
    nnz += w[i] != 0.0f;
    largest = std::max(largest, std::fabs(w[i]));
  }
  validate_distribution(ctx, delay, true, total);
  bool dense = delay.type == dist_type::constant && 2 * nnz >= total;
  // Dense rows take a zero for an absent synapse: a nonzero weight below the fixed-point step
  // (2^-s, s from the largest weight) would vanish there, so such a matrix is stored sparse,
  // where it stays a synapse of weight 0 (as in every sparse projection).
  const double scale = std::ldexp(1.0, scale_exponent(largest));
  for (std::uint64_t i = 0; dense && i < total; ++i)
    dense = w[i] == 0.0f || std::nearbyint(static_cast<double>(w[i]) * scale) != 0.0;
  if (dense) {
    check_memory(ctx.who, 4.0 * total);
    std::vector<std::int32_t> bits(total);
    std::memcpy(bits.data(), w, total * sizeof(float));
    p.dense_skip_zeros = true;
    finish_dense(p, std::move(bits), delay_steps(ctx, delay.p0), nnz);
  } else {
    check_memory(ctx.who, 4.0 * total + 18.0 * nnz + 8.0 * n_pre);
    pair_csr pairs;
    pairs.row_ptr.assign(n_pre + 1, 0);
    pairs.post.reserve(nnz);
    advise_huge_pages(pairs.post.data(), nnz * sizeof(std::uint32_t));  // finish_sparse's keys
    for (std::uint32_t i = 0; i < n_pre; ++i) {
      for (std::uint32_t j = ctx.post_lo; j < ctx.post_hi; ++j)
        if (w[std::uint64_t(i) * n_post + j] != 0.0f) pairs.post.push_back(j);
      pairs.row_ptr[i + 1] = pairs.post.size();
    }
    std::vector<std::int32_t> wq;
    std::vector<std::uint16_t> delays;
    d.comm->all_or_none([&] {  // the matrix's copy as a weight array lives only while it is read
      fill_values(ctx, pairs, distribution::from_array(std::vector<float>(w, w + total)), delay,
                  array_layout::by_pair, nullptr, wq, delays);
    });
    finish_sparse(ctx, p, std::move(pairs), std::move(wq), std::move(delays));
  }
  return add_projection(d, ctx.who, std::move(p), rule);
}

std::size_t network::connect_explicit(std::size_t pre, std::size_t post, const std::int64_t* pre_ids,
                                      const std::int64_t* post_ids, std::size_t n,
                                      const distribution& weight, const distribution& delay,
                                      const kernel& k, const std::string& label, const plasticity& rule) {
  auto guard = data_->guard.write();
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
  if (d.comm->distributed())  // this process's synapses
    order.erase(std::remove_if(order.begin(), order.end(),
                               [&](std::uint64_t x) { return !ctx.mine(static_cast<std::uint32_t>(post_ids[x])); }),
                order.end());
  n = order.size();
  pair_csr pairs;
  pairs.row_ptr.assign(ctx.n_pre + 1ull, 0);
  assign_huge(pairs.post, n);
  for (std::size_t s = 0; s < n; ++s) {
    pairs.post[s] = static_cast<std::uint32_t>(post_ids[order[s]]);
    ++pairs.row_ptr[pre_ids[order[s]] + 1];
  }
  std::partial_sum(pairs.row_ptr.begin(), pairs.row_ptr.end(), pairs.row_ptr.begin());
  std::vector<std::int32_t> w;
  std::vector<std::uint16_t> delays;
  d.comm->all_or_none([&] { fill_values(ctx, pairs, weight, delay, array_layout::by_synapse, &order, w, delays); });
  release(order);  // 8 bytes a synapse that finish_sparse's peak need not hold
  finish_sparse(ctx, p, std::move(pairs), std::move(w), std::move(delays));
  return add_projection(d, ctx.who, std::move(p), rule);
}

void restore_projection(network_data& d, projection_data&& p, const kernel& k) {
  auto guard = d.guard.write();
  auto [ctx, q] = start_projection(mutable_data_of(d), p.pre, p.post, k, p.label);
  p.label = q.label;
  p.kernel = std::move(q.kernel);
  p.channel = q.channel;
  check_storage(ctx.who, p, ctx.n_pre, ctx.n_post, d.dt);
  check_sign(ctx.who, p);
  d.projections.push_back(std::move(p));
}

void network::set_plasticity(std::size_t projection, const plasticity& rule) {
  network_data& d = mutable_data(data_);
  if (projection >= d.projections.size())
    config_fail("projection index ", projection, " out of range (", d.projections.size(), " projections)");
  projection_data p = d.projections[projection];  // a copy: unchanged if the rule does not fit
  apply_plasticity(d, p, rule);
  d.projections[projection] = std::move(p);
}

std::size_t network::add_input(std::size_t population, const input& in) {
  auto guard = data_->guard.write();
  network_data& d = mutable_data(data_);
  population_at(d, population);
  population_data& pop = d.populations[population];
  pop.inputs.push_back(build_input(cat(population_who(pop), " input ", pop.inputs.size()), pop, in, d.dt));
  return pop.inputs.size() - 1;
}

std::size_t network::population_count() const {
  auto guard = data_->guard.read();
  return data_->populations.size();
}
std::size_t network::projection_count() const {
  auto guard = data_->guard.read();
  return data_->projections.size();
}
std::size_t network::population_size(std::size_t i) const {
  auto guard = data_->guard.read();
  return population_at(*data_, i).n;
}
const std::string& network::population_label(std::size_t i) const {
  auto guard = data_->guard.read();
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
  auto guard = data_->guard.read();
  return projection_at(*data_, i).label;
}

std::string network::projection_name(std::size_t pre, std::size_t post, const std::string& label) const {
  auto guard = data_->guard.read();
  return next_projection_label(*data_, pre, post, label);
}

neuron_model network::population_model(std::size_t i) const {
  auto guard = data_->guard.read();
  return snn::population_model(population_at(*data_, i));
}

std::vector<float> network::initial_state(std::size_t i, const std::string& variable) const {
  auto guard = data_->guard.read();
  const population_data& p = population_at(*data_, i);
  const int var = variable_index(p.desc(), variable);
  if (var < 0)
    config_fail(population_who(p), ": model '", p.desc().name, "' has no variable '", variable,
                "' (its variables: ", variable_names(p.desc()), ")");
  return var < p.desc().n_vars ? p.init[var] : std::vector<float>(p.n, 0.0f);
}

izhikevich network::parameters(std::size_t i) const {
  auto guard = data_->guard.read();
  const population_data& p = population_at(*data_, i);
  if (p.model != model_id::izhikevich)
    config_fail(population_who(p), ": parameters() is for Izhikevich populations; this one is '", p.desc().name,
                "' (use population_model())");
  using M = izhikevich_model;
  return {p.params[M::a], p.params[M::b], p.params[M::c], p.params[M::d], p.params[M::v0], p.params[M::u0],
          p.params[M::v_peak][0], static_cast<int>(p.params[M::v_substeps][0])};
}

std::uint64_t network::synapse_count(std::size_t i) const {
  auto guard = data_->guard.read();
  return projection_at(*data_, i).n_synapses;
}
bool network::is_dense(std::size_t i) const {
  auto guard = data_->guard.read();
  return projection_at(*data_, i).dense;
}

std::uint64_t network::projection_bytes(std::size_t i) const {
  auto guard = data_->guard.read();
  const projection_data& p = projection_at(*data_, i);
  return p.weights.size() * 4 + p.synapses.size() * sizeof(synapse) + p.keys.size() * 4 + p.row_ptr.size() * 8;
}

synapse_list network::synapses(std::size_t i) const {
  auto guard = data_->guard.read();
  const projection_data& p = projection_at(*data_, i);
  data_->settle_weights();
  const double inv = p.inv_scale();
  synapse_list out;
  for_each_synapse(p, data_->populations[p.pre].n, data_->populations[p.post].n,
                   [&](std::uint32_t pre, std::uint32_t post, std::uint64_t at, std::uint32_t delay) {
                     out.pre.push_back(static_cast<std::int32_t>(pre));
                     out.post.push_back(static_cast<std::int32_t>(post));
                     out.weight.push_back(p.weight_at(at) * inv);
                     out.delay_steps.push_back(static_cast<std::int32_t>(delay));
                   });
  return out;
}

}  // namespace snn
