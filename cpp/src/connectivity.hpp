#pragma once
// Building connectivity: canonical (pre, post) pairs from the native rules, weights and
// delays per synapse, and the final fixed-point storage (sparse CSR or dense rows).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "network_data.hpp"
#include "random.hpp"

namespace snn {

/// Synapse pairs in (pre, post) order: row_ptr[n_pre + 1], post[n_synapses]. finish_sparse
/// turns `post` into the stored keys in place: allocate it with assign_huge, as storage is.
struct pair_csr {
  std::vector<std::uint64_t> row_ptr;
  std::vector<std::uint32_t> post;
};

/// Whatever a projection build needs to know about itself.
struct projection_context {
  std::string who;  // "projection 'x'" for messages
  std::uint32_t id = 0;
  std::uint32_t n_pre = 0, n_post = 0;
  bool same_population = false;
  double dt = 0.1;
  counter_rng rng{0};
  const communicator* comm = nullptr;   // the processes the projection is spread over
  std::uint32_t post_lo = 0, post_hi = 0;  // the targets this process stores: [lo, hi)
  bool mine(std::uint32_t post) const { return post >= post_lo && post < post_hi; }
};

/// Expected number of synapses of a rule (validated first).
double expected_synapses(const projection_context& ctx, const rule& r);
void validate_rule(const projection_context& ctx, const rule& r);
/// The pairs of a rule onto this process's targets (ctx.post_lo, post_hi).
pair_csr generate_pairs(const projection_context& ctx, const rule& r);

/// Index of a synapse in a weight/delay array, by how the connectivity was given.
enum class array_layout { by_pair, by_pre, by_synapse };

/// Validates a weight (is_delay false) or delay distribution for `n_array` array values.
void validate_distribution(const projection_context& ctx, const distribution& d, bool is_delay,
                           std::uint64_t n_array);

/// Fills weights (as float bits in `weights`) and delay steps for the pairs, in parallel.
/// `order` (optional) maps a synapse to its index in user-ordered arrays.
void fill_values(const projection_context& ctx, const pair_csr& pairs, const distribution& weight,
                 const distribution& delay, array_layout layout,
                 const std::vector<std::uint64_t>* order, std::vector<std::int32_t>& weights,
                 std::vector<std::uint16_t>& delays);

/// Dense weights w[pre * n_post + post] (float bits) of an all-to-all rule; the diagonal is
/// zero (absent) when self-connections are excluded.
std::vector<std::int32_t> dense_weights(const projection_context& ctx, const distribution& weight,
                                        bool exclude_self);

/// Delay in ms -> steps D = max(1, floor(delay/dt + 0.5)), validated.
std::uint32_t delay_steps(const projection_context& ctx, double delay_ms);

/// The fixed-point scale exponent s of a projection whose largest |weight| is m: 30 - e for
/// m = f 2^e, f in [0.5, 1) (0 when m = 0), so that every |w 2^s| < 2^30.
int scale_exponent(float m);

/// Quantises float weights (stored as bits) in place; returns the scale exponent (from the
/// largest |weight| over every process of `comm`, when given).
int quantise_weights(std::vector<std::int32_t>& weights, const communicator* comm = nullptr);

/// Final sparse storage from pairs, float-bit weights and delay steps, which it consumes (a
/// collective over ctx.comm: the processes agree on the scale, the delay range and one
/// shared weight).
void finish_sparse(const projection_context& ctx, projection_data& p, pair_csr&& pairs,
                   std::vector<std::int32_t>&& weights, std::vector<std::uint16_t>&& delays);

/// Checks a plasticity rule's parameters (plasticity.cpp); config_error naming the bad one.
void check_rule(const std::string& who, const plasticity& r, double dt);

/// Makes projection p plastic (plasticity.cpp): checks the rule and the weights against its
/// bounds, stores the synapses as sparse rows with a weight each on a scale holding them.
/// Of dense rows, only the targets [post_lo, post_hi) are kept (this process's).
void make_plastic(const std::string& who, projection_data& p, std::uint32_t n_pre, std::uint32_t n_post,
                  const plasticity& rule, double dt, std::uint32_t post_lo, std::uint32_t post_hi);

/// Calls f(pre, post, storage index, delay steps) for each synapse of a projection in
/// listing order ((pre, post), as network::synapses gives them). The storage index is
/// pre * n_post + post for dense rows and the CSR position for sparse ones.
template <class F>
void for_each_synapse(const projection_data& p, std::uint32_t n_pre, std::uint32_t n_post, F&& f) {
  if (p.dense) {
    for (std::uint32_t i = 0; i < n_pre; ++i)
      for (std::uint32_t j = 0; j < n_post; ++j) {
        const std::uint64_t at = std::uint64_t(i) * n_post + j;
        if ((p.exclude_self && i == j) || (p.dense_skip_zeros && p.weights[at] == 0)) continue;
        f(i, j, at, p.d_min);
      }
    return;
  }
  std::vector<std::uint64_t> row;  // stored by (delay, post); listed by post
  for (std::uint32_t i = 0; i < n_pre; ++i) {
    row.clear();
    for (std::uint64_t s = p.row_ptr[i]; s < p.row_ptr[i + 1]; ++s) row.push_back(s);
    std::stable_sort(row.begin(), row.end(), [&](std::uint64_t x, std::uint64_t y) {
      return p.post_of(p.synapse_at(x).key) < p.post_of(p.synapse_at(y).key);
    });
    for (std::uint64_t s : row) {
      const std::uint32_t key = p.synapse_at(s).key;
      f(i, p.post_of(key), s, p.delay_of(key));
    }
  }
}

}  // namespace snn
