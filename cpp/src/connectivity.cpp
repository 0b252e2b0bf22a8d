#include "connectivity.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "system.hpp"

namespace snn {
namespace {

// Candidates of a row: all targets, or all but `self` when self-connections are excluded.
struct candidates {
  std::uint32_t n;
  std::int64_t self;  // -1: none excluded
  std::uint32_t at(std::uint32_t c) const {
    return self >= 0 && c >= static_cast<std::uint32_t>(self) ? c + 1 : c;
  }
};

candidates row_candidates(std::uint32_t n, std::uint32_t row, bool exclude) {
  return exclude ? candidates{n - 1, row} : candidates{n, -1};
}

// Stream of 32-bit draws for one row (or one part of it): blocks of four from the counter
// (row, block, part).
struct row_stream {
  const counter_rng& rng;
  std::uint32_t row, object, purpose;
  std::uint32_t part = 0, block = 0, lane = 4;
  u32x4 w{};
  std::uint32_t next() {
    if (lane == 4) w = rng(row, block++, part, purpose, object), lane = 0;
    return w.x[lane++];
  }
};

// Fixed probability draws the candidates of a row in parts of this many, each part from its
// own stream, so that a process draws only the parts holding its targets (a constant: the
// network does not depend on the number of processes).
constexpr std::uint32_t probability_part = 4096;

// k distinct values of [0, n) (Floyd's algorithm), sorted; `table` is scratch.
void sample_distinct(row_stream& draws, std::uint32_t n, std::uint32_t k,
                     std::vector<std::uint32_t>& table, std::vector<std::uint32_t>& out) {
  out.clear();
  if (k == 0) return;
  std::size_t size = 16;
  while (size < 2 * static_cast<std::size_t>(k)) size *= 2;
  table.assign(size, 0);  // stores value + 1; 0 = empty
  const std::size_t mask = size - 1;
  auto insert = [&](std::uint32_t v) {  // returns false if present
    std::size_t h = (v * 0x9E3779B1u) & mask;
    while (table[h] != 0) {
      if (table[h] == v + 1) return false;
      h = (h + 1) & mask;
    }
    table[h] = v + 1;
    out.push_back(v);
    return true;
  };
  for (std::uint32_t j = n - k; j < n; ++j) {
    const auto t = static_cast<std::uint32_t>((static_cast<std::uint64_t>(draws.next()) * (j + 1ull)) >> 32);
    if (!insert(t)) insert(j);
  }
  std::sort(out.begin(), out.end());
}

const char* rule_name(rule_type t) {
  switch (t) {
    case rule_type::all_to_all: return "all-to-all";
    case rule_type::one_to_one: return "one-to-one";
    case rule_type::fixed_probability: return "fixed probability";
    case rule_type::fixed_in_degree: return "fixed in-degree";
    default: return "fixed out-degree";
  }
}

std::uint32_t bits_for(std::uint64_t max_value) {
  std::uint32_t b = 0;
  while (b < 64 && (max_value >> b) != 0) ++b;
  return b;
}

}  // namespace

void validate_rule(const projection_context& ctx, const rule& r) {
  const bool excl = ctx.same_population && !r.allow_self;
  switch (r.type) {
    case rule_type::one_to_one:
      if (ctx.n_pre != ctx.n_post)
        config_fail(ctx.who, ": one-to-one needs populations of equal size, got ", ctx.n_pre,
                    " and ", ctx.n_post);
      break;
    case rule_type::fixed_probability:
      if (!(r.p >= 0.0 && r.p <= 1.0))
        config_fail(ctx.who, ": probability p must lie in [0, 1], got ", r.p);
      break;
    case rule_type::fixed_in_degree:
    case rule_type::fixed_out_degree: {
      const bool in = r.type == rule_type::fixed_in_degree;
      const std::uint64_t possible = (in ? ctx.n_pre : ctx.n_post) - (excl ? 1 : 0);
      if (r.k > possible)
        config_fail(ctx.who, ": ", rule_name(r.type), " k = ", r.k, " is larger than the ",
                    possible, " distinct ", in ? "sources" : "targets",
                    " available without repeats");
      break;
    }
    default: break;
  }
}

double expected_synapses(const projection_context& ctx, const rule& r) {
  const double n_pre = ctx.n_pre, n_post = ctx.n_post;
  const double pairs = n_pre * n_post - (ctx.same_population && !r.allow_self ? n_pre : 0.0);
  switch (r.type) {
    case rule_type::all_to_all: return pairs;
    case rule_type::one_to_one: return n_pre;
    case rule_type::fixed_probability: return r.p * pairs + 5.0 * std::sqrt(pairs * r.p * (1 - r.p));
    case rule_type::fixed_in_degree: return n_post * static_cast<double>(r.k);
    default: return n_pre * static_cast<double>(r.k);
  }
}

pair_csr generate_pairs(const projection_context& ctx, const rule& r) {
  const bool excl = ctx.same_population && !r.allow_self;
  const std::uint32_t n_pre = ctx.n_pre, n_post = ctx.n_post;
  pair_csr out;
  out.row_ptr.assign(static_cast<std::size_t>(n_pre) + 1, 0);

  if (r.type == rule_type::fixed_in_degree) {
    // Draw k sources per target, then transpose into rows by source (posts ascending).
    // Only this process's targets [lo, hi): each draws from its own stream.
    const std::uint32_t k = static_cast<std::uint32_t>(r.k), lo = ctx.post_lo, hi = ctx.post_hi;
    std::vector<std::uint32_t> src(static_cast<std::size_t>(hi - lo) * k);
#pragma omp parallel
    {
      std::vector<std::uint32_t> table, chosen;
#pragma omp for schedule(static)
      for (std::int64_t j = lo; j < hi; ++j) {
        const auto cand = row_candidates(n_pre, static_cast<std::uint32_t>(j), excl);
        row_stream draws{ctx.rng, static_cast<std::uint32_t>(j), ctx.id, purpose_connect};
        sample_distinct(draws, cand.n, k, table, chosen);
        for (std::uint32_t c = 0; c < k; ++c) src[(j - lo) * k + c] = cand.at(chosen[c]);
      }
    }
    for (std::uint32_t s : src) ++out.row_ptr[s + 1];
    std::partial_sum(out.row_ptr.begin(), out.row_ptr.end(), out.row_ptr.begin());
    assign_huge(out.post, src.size());
    std::vector<std::uint64_t> fill(out.row_ptr.begin(), out.row_ptr.end() - 1);
    for (std::uint32_t j = lo; j < hi; ++j)
      for (std::uint32_t c = 0; c < k; ++c) out.post[fill[src[std::size_t(j - lo) * k + c]]++] = j;
    return out;
  }

  // Rules generated row by row: each thread fills its own block of rows, then the blocks
  // are concatenated in order. Every process draws whole rows and keeps its targets.
  const int nt = omp_get_max_threads();
  std::vector<std::vector<std::uint32_t>> part(nt);
  const double log_q = r.type == rule_type::fixed_probability ? std::log1p(-r.p) : 0.0;
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num();
    std::vector<std::uint32_t>& mine = part[t];
    std::vector<std::uint32_t> table, chosen;
    auto keep = [&](std::uint32_t post) {
      if (ctx.mine(post)) mine.push_back(post);
    };
#pragma omp for schedule(static)
    for (std::int64_t i64 = 0; i64 < n_pre; ++i64) {
      const auto i = static_cast<std::uint32_t>(i64);
      const auto cand = row_candidates(n_post, i, excl);
      const std::size_t before = mine.size();
      switch (r.type) {
        case rule_type::all_to_all:
          for (std::uint32_t c = 0; c < cand.n; ++c) keep(cand.at(c));
          break;
        case rule_type::one_to_one:
          keep(i);
          break;
        case rule_type::fixed_probability: {
          if (r.p <= 0.0) break;
          if (r.p >= 1.0) {
            for (std::uint32_t c = 0; c < cand.n; ++c) keep(cand.at(c));
            break;
          }
          // Geometric gaps between successes, gap = floor(log(u) / log(1 - p)), part by part,
          // from the part holding this process's first target to the one holding its last.
          const std::uint32_t lo = ctx.post_lo > 0 ? ctx.post_lo - 1 : 0;  // candidate <= target
          for (std::uint32_t part = lo / probability_part;
               std::uint64_t(part) * probability_part < cand.n && cand.at(part * probability_part) < ctx.post_hi;
               ++part) {
            row_stream draws{ctx.rng, i, ctx.id, purpose_connect};
            draws.part = part;
            const double end = std::min<double>(cand.n, (std::uint64_t(part) + 1) * probability_part);
            for (double pos = double(part) * probability_part - 1.0;;) {
              const double u = (static_cast<double>(draws.next()) + 1.0) * 0x1p-32;  // (0, 1]
              pos += std::floor(std::log(u) / log_q) + 1.0;
              if (pos >= end) break;
              keep(cand.at(static_cast<std::uint32_t>(pos)));
            }
          }
          break;
        }
        default: {  // fixed out-degree
          row_stream draws{ctx.rng, i, ctx.id, purpose_connect};
          sample_distinct(draws, cand.n, static_cast<std::uint32_t>(r.k), table, chosen);
          for (std::uint32_t c : chosen) keep(cand.at(c));
        }
      }
      out.row_ptr[i + 1] = mine.size() - before;
    }
  }
  std::partial_sum(out.row_ptr.begin(), out.row_ptr.end(), out.row_ptr.begin());
  assign_huge(out.post, out.row_ptr.back());
  std::size_t at = 0;
  for (auto& p : part) {
    std::copy(p.begin(), p.end(), out.post.begin() + at);
    at += p.size();
    release(p);
  }
  return out;
}

std::uint32_t delay_steps(const projection_context& ctx, double delay_ms) {
  if (!std::isfinite(delay_ms)) config_fail(ctx.who, ": delay must be finite, got ", delay_ms);
  if (delay_ms < 0) config_fail(ctx.who, ": delay must be >= 0 ms, got ", delay_ms);
  const double d = std::floor(delay_ms / ctx.dt + 0.5);
  if (d > max_delay_steps)
    config_fail(ctx.who, ": delay ", delay_ms, " ms is ", d, " steps of dt = ", ctx.dt,
                " ms, above the maximum of ", max_delay_steps, " steps");
  return std::max<std::uint32_t>(1, static_cast<std::uint32_t>(d));
}

void validate_distribution(const projection_context& ctx, const distribution& d, bool is_delay,
                           std::uint64_t n_array) {
  const char* what = is_delay ? "delay" : "weight";
  auto finite = [&](const char* name, double v) {
    if (!std::isfinite(v)) config_fail(ctx.who, ": ", what, " ", name, " must be finite, got ", v);
  };
  // Weights are stored as float32 (then fixed point): every value drawn must fit it.
  auto fits = [&](const char* name, double v) {
    if (!is_delay && !fits_float(v))
      config_fail(ctx.who, ": weight ", name, " ", v, " does not fit float32 (|w| <= ", float_max,
                  "), the type the engine stores weights in");
  };
  switch (d.type) {
    case dist_type::constant:
      finite("value", d.p0);
      fits("value", d.p0);
      if (is_delay) delay_steps(ctx, d.p0);
      break;
    case dist_type::array:
      if (d.array.size() != n_array)
        config_fail(ctx.who, ": ", what, " array has ", d.array.size(), " values, expected ",
                    n_array);
      for (std::size_t i = 0; i < d.array.size(); ++i) {
        if (!std::isfinite(d.array[i]))
          config_fail(ctx.who, ": ", what, "[", i, "] must be finite, got ", d.array[i]);
        if (is_delay) delay_steps(ctx, d.array[i]);
      }
      break;
    case dist_type::uniform:
      finite("low", d.p0);
      finite("high", d.p1);
      fits("low", d.p0);
      fits("high", d.p1);
      if (d.p1 < d.p0)
        config_fail(ctx.who, ": ", what, " uniform needs low <= high, got low = ", d.p0,
                    ", high = ", d.p1);
      if (is_delay) delay_steps(ctx, d.p0), delay_steps(ctx, d.p1);
      break;
    case dist_type::normal:
      finite("mean", d.p0);
      finite("std", d.p1);
      if (d.p1 < 0) config_fail(ctx.who, ": ", what, " std must be >= 0, got ", d.p1);
      if (std::isnan(d.low) || std::isnan(d.high) || d.high < d.low)
        config_fail(ctx.who, ": ", what, " normal needs low <= high, got low = ", d.low,
                    ", high = ", d.high);
      if (!is_delay) {
        // A draw is mean + std z, |z| <= 5.8 (the float32 Box-Muller's largest), clipped.
        const double lo = std::max(d.low, d.p0 - 6.0 * d.p1), hi = std::min(d.high, d.p0 + 6.0 * d.p1);
        if (!fits_float(lo) || !fits_float(hi))
          config_fail(ctx.who, ": weight Normal(mean = ", d.p0, ", std = ", d.p1, ") draws reach ",
                      fits_float(lo) ? hi : lo, ", which does not fit float32 (|w| <= ", float_max,
                      "), the type the engine stores weights in; narrow it or clip it with low and high");
      }
      if (is_delay) {
        if (!(d.low >= 0))
          config_fail(ctx.who, ": a normal delay distribution needs low >= 0 (clipping), got low = ",
                      d.low);
        if (std::isfinite(d.high)) delay_steps(ctx, d.high);
      }
      break;
  }
}

namespace {
// One value of a distribution for synapse (pre, post); array index `ai`.
double draw(const projection_context& ctx, const distribution& d, std::uint32_t purpose,
            std::uint32_t pre, std::uint32_t post, std::uint64_t ai) {
  switch (d.type) {
    case dist_type::constant: return d.p0;
    case dist_type::array: return d.array[ai];
    case dist_type::uniform: {
      const u32x4 w = ctx.rng(pre, post, 0, purpose, ctx.id);
      return d.p0 + (d.p1 - d.p0) * (static_cast<double>(w.x[0]) * 0x1p-32);
    }
    default: {
      const u32x4 w = ctx.rng(pre, post, 0, purpose, ctx.id);
      float z0, z1;
      normal_pair(w.x[0], w.x[1], z0, z1);
      return std::clamp(d.p0 + d.p1 * static_cast<double>(z0), d.low, d.high);
    }
  }
}
}  // namespace

void fill_values(const projection_context& ctx, const pair_csr& pairs, const distribution& weight,
                 const distribution& delay, array_layout layout,
                 const std::vector<std::uint64_t>* order, std::vector<std::int32_t>& weights,
                 std::vector<std::uint16_t>& delays) {
  const std::uint64_t n = pairs.post.size();
  weights.resize(n);
  delays.resize(n);
  const std::int64_t n_pre = ctx.n_pre;
  // Delay conversion may throw; exceptions must not leave an OpenMP region.
  std::vector<std::string> errors(omp_get_max_threads());
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t i = 0; i < n_pre; ++i) {
    const auto pre = static_cast<std::uint32_t>(i);
    for (std::uint64_t s = pairs.row_ptr[i]; s < pairs.row_ptr[i + 1]; ++s) {
      const std::uint32_t post = pairs.post[s];
      std::uint64_t ai = s;
      if (layout == array_layout::by_pair) ai = std::uint64_t(pre) * ctx.n_post + post;
      if (layout == array_layout::by_pre) ai = pre;
      if (order) ai = (*order)[s];
      const float w = static_cast<float>(draw(ctx, weight, purpose_weight, pre, post, ai));
      std::memcpy(&weights[s], &w, sizeof w);
      try {
        delays[s] = static_cast<std::uint16_t>(
            delay_steps(ctx, draw(ctx, delay, purpose_delay, pre, post, ai)));
      } catch (const config_error& e) {
        errors[omp_get_thread_num()] = e.what();
      }
    }
  }
  for (const auto& e : errors)
    if (!e.empty()) throw config_error(e);
}

std::vector<std::int32_t> dense_weights(const projection_context& ctx, const distribution& weight,
                                        bool exclude_self) {
  std::vector<std::int32_t> w;
  assign_huge(w, std::uint64_t(ctx.n_pre) * ctx.n_post);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < ctx.n_pre; ++i) {
    const auto pre = static_cast<std::uint32_t>(i);
    for (std::uint32_t post = 0; post < ctx.n_post; ++post) {
      const std::uint64_t ai = std::uint64_t(pre) * ctx.n_post + post;
      const float v = exclude_self && pre == post
                          ? 0.0f
                          : static_cast<float>(draw(ctx, weight, purpose_weight, pre, post, ai));
      std::memcpy(&w[ai], &v, sizeof v);
    }
  }
  return w;
}

int scale_exponent(float m) {
  int e = 0;
  if (m > 0) std::frexp(m, &e);
  return m > 0 ? 30 - e : 0;
}

int quantise_weights(std::vector<std::int32_t>& weights, const communicator* comm) {
  float m = 0.0f;
  for (std::int32_t bits : weights) {
    float w;
    std::memcpy(&w, &bits, sizeof w);
    m = std::max(m, std::fabs(w));
  }
  if (comm) {
    double all = m;
    comm->max(&all, 1);
    m = static_cast<float>(all);
  }
  const int s = scale_exponent(m);
  const double scale = std::ldexp(1.0, s);
  for (std::int32_t& bits : weights) {
    float w;
    std::memcpy(&w, &bits, sizeof w);
    bits = static_cast<std::int32_t>(std::nearbyint(static_cast<double>(w) * scale));
  }
  return s;
}

void finish_sparse(const projection_context& ctx, projection_data& p, pair_csr&& pairs,
                   std::vector<std::int32_t>&& weights, std::vector<std::uint16_t>&& delays) {
  p.dense = false;
  p.n_synapses = pairs.post.size();
  p.scale_exp = quantise_weights(weights, ctx.comm);
  double range[3] = {-double(max_delay_steps), 1.0, p.n_synapses ? 1.0 : 0.0};  // -d_min, d_max, any
  for (std::uint16_t d : delays) range[0] = std::max(range[0], -double(d)), range[1] = std::max(range[1], double(d));
  if (ctx.comm) ctx.comm->max(range, 3);
  p.d_min = static_cast<std::uint32_t>(-range[0]), p.d_max = static_cast<std::uint32_t>(range[1]);
  if (range[2] == 0.0) p.d_min = p.d_max = 1;
  p.d_min = std::min(p.d_min, p.d_max);
  const auto delay_bits = static_cast<int>(bits_for(p.d_max - p.d_min));
  p.post_bits = static_cast<int>(bits_for(ctx.n_post - 1));
  if (p.post_bits + delay_bits > 32)
    config_fail(ctx.who, ": ", ctx.n_post, " targets with delays from ", p.d_min, " to ", p.d_max,
                " steps need ", p.post_bits + delay_bits,
                " bits per synapse index; at most 32 are available (narrow the delay range)");
  // One weight for all (on every process): keep the keys alone (4 bytes a synapse).
  const std::int32_t w0 = weights.empty() ? 0 : weights[0];
  const bool same = std::all_of(weights.begin(), weights.end(), [&](std::int32_t w) { return w == w0; });
  const double none = -std::numeric_limits<double>::infinity();
  double agree[3] = {same ? 0.0 : 1.0, weights.empty() ? none : double(w0), weights.empty() ? none : -double(w0)};
  if (ctx.comm) ctx.comm->max(agree, 3);
  p.one_weight = agree[0] == 0.0 && agree[1] != none && agree[1] == -agree[2];
  if (p.one_weight) p.shared_weight = static_cast<std::int32_t>(agree[1]);
  // The targets become the keys in place, so that construction holds at most the targets,
  // weights and delays (10 bytes a synapse), or the keys, weights and synapses (16).
  std::vector<std::uint32_t>& keys = pairs.post;
  const std::int64_t n_rows = static_cast<std::int64_t>(pairs.row_ptr.size()) - 1;
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t i = 0; i < n_rows; ++i) {
    const std::uint64_t b = pairs.row_ptr[i], e = pairs.row_ptr[i + 1];
    for (std::uint64_t s = b; s < e; ++s) keys[s] = p.key_of(keys[s], delays[s]);
    if (p.one_weight) std::sort(keys.begin() + b, keys.begin() + e);
  }
  release(delays);
  if (p.one_weight) {
    release(weights);
    p.keys = std::move(keys);
  } else {
    assign_huge(p.synapses, p.n_synapses);
#pragma omp parallel for schedule(dynamic, 256)
    for (std::int64_t i = 0; i < n_rows; ++i) {
      const std::uint64_t b = pairs.row_ptr[i], e = pairs.row_ptr[i + 1];
      for (std::uint64_t s = b; s < e; ++s) p.synapses[s] = synapse{keys[s], weights[s]};
      // Keys tie only for repeated (post, delay) pairs, whose order does not matter.
      std::sort(p.synapses.begin() + b, p.synapses.begin() + e,
                [](const synapse& x, const synapse& y) { return x.key < y.key; });
    }
    release(keys);
    release(weights);
  }
  p.row_ptr = std::move(pairs.row_ptr);
}

}  // namespace snn
