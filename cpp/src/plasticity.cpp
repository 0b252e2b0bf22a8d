// Making a projection plastic: the rule checked, the synapses stored as sparse rows with a
// fixed-point weight each, on a scale that holds the rule's whole weight range.
#include <algorithm>
#include <cmath>

#include "connectivity.hpp"
#include "network_data.hpp"
#include "system.hpp"

namespace snn {

void check_rule(const std::string& who, const plasticity& r, double dt) {
  auto positive = [&](const char* name, double x) {
    if (!(x > 0) || !std::isfinite(x)) config_fail(who, ": plasticity '", name, "' must be a finite number > 0, got ", x);
  };
  auto nonnegative = [&](const char* name, double x) {
    if (!(x >= 0) || !std::isfinite(x)) config_fail(who, ": plasticity '", name, "' must be finite and >= 0, got ", x);
  };
  positive("tau_plus", r.tau_plus);
  positive("tau_minus", r.tau_minus);
  nonnegative("a_plus", r.a_plus);
  nonnegative("a_minus", r.a_minus);
  if (!std::isfinite(r.w_min) || !std::isfinite(r.w_max) || !(r.w_min <= r.w_max))
    config_fail(who, ": plasticity needs finite w_min <= w_max, got w_min = ", r.w_min, ", w_max = ", r.w_max);
  if (r.type == plasticity_type::izhikevich_2006) {
    positive("interval", r.interval);
    if (std::fabs(r.interval / dt - std::round(r.interval / dt)) > 1e-6)
      config_fail(who, ": plasticity 'interval' = ", r.interval, " ms is not a whole number of steps of dt = ", dt, " ms");
    if (!std::isfinite(r.bias)) config_fail(who, ": plasticity 'bias' must be finite, got ", r.bias);
    if (!(r.sd_decay >= 0 && r.sd_decay <= 1)) config_fail(who, ": plasticity 'sd_decay' must lie in [0, 1], got ", r.sd_decay);
  }
}

namespace {

// The scale 2^s of numerics.md for a largest magnitude m.
int scale_exponent(double m) {
  int e = 0;
  if (m > 0) std::frexp(m, &e);
  return m > 0 ? 30 - e : 0;
}

}  // namespace

void make_plastic(const std::string& who, projection_data& p, std::uint32_t n_pre, std::uint32_t n_post,
                  const plasticity& rule, double dt, std::uint32_t post_lo, std::uint32_t post_hi) {
  if (rule.type == plasticity_type::none) config_fail(who, ": no plasticity rule given");
  check_rule(who, rule, dt);
  if (p.plastic()) config_fail(who, ": the projection is plastic already");
  // Every weight within the bounds, then all of them on a scale that holds the range.
  const double inv = p.inv_scale();
  for_each_synapse(p, n_pre, n_post, [&](std::uint32_t pre, std::uint32_t post, std::uint64_t at, std::uint32_t) {
    const double w = p.weight_at(at) * inv;
    if (w < rule.w_min || w > rule.w_max)
      config_fail(who, ": weight ", w, " of synapse ", pre, " -> ", post, " is outside the plasticity bounds [",
                  rule.w_min, ", ", rule.w_max, "]");
  });
  const int s = scale_exponent(std::max(std::fabs(rule.w_min), std::fabs(rule.w_max)));
  const double rescale = std::ldexp(1.0, s - p.scale_exp);  // s <= scale_exp: exact or rounded once
  // Sparse rows with a weight per synapse, each row sorted by key (delay, then target).
  std::vector<std::uint64_t> row_ptr(n_pre + 1ull, 0);
  std::vector<synapse> syn;
  syn.reserve(p.n_synapses);
  int post_bits = p.post_bits;  // dense rows had no keys: bits for the targets, no delay range
  if (p.dense)
    for (post_bits = 0; (std::uint64_t(1) << post_bits) < n_post;) ++post_bits;
  projection_data q;  // keys on the new layout
  q.d_min = p.d_min, q.post_bits = post_bits;
  for_each_synapse(p, n_pre, n_post, [&](std::uint32_t pre, std::uint32_t post, std::uint64_t at, std::uint32_t delay) {
    if (post < post_lo || post >= post_hi) return;  // dense rows: another process's target
    syn.push_back({q.key_of(post, delay), static_cast<std::int32_t>(std::nearbyint(p.weight_at(at) * rescale))});
    ++row_ptr[pre + 1ull];
  });
  for (std::uint32_t i = 0; i < n_pre; ++i) {
    row_ptr[i + 1] += row_ptr[i];
    std::stable_sort(syn.begin() + static_cast<std::ptrdiff_t>(row_ptr[i]), syn.begin() + static_cast<std::ptrdiff_t>(row_ptr[i + 1]),
                     [](const synapse& x, const synapse& y) { return x.key < y.key; });
  }
  p.dense = p.dense_skip_zeros = p.exclude_self = p.one_weight = false;
  std::vector<std::int32_t>().swap(p.weights);
  std::vector<std::uint32_t>().swap(p.keys);
  p.n_synapses = syn.size();
  p.synapses = std::move(syn);
  p.row_ptr = std::move(row_ptr);
  p.post_bits = post_bits;
  p.scale_exp = s;
  p.rule = rule;
}

}  // namespace snn
