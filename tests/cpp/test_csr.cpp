// Connectivity storage: the sparse CSR built from explicit synapses (row pointers, rows
// sorted by (delay, target), packed keys, fixed-point weights) worked by hand, and the
// native rules' pair sets against their definitions (exact degrees, distinct targets, no
// self-connections when excluded, the fixed-probability count within 5 sigma of binomial).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "check.hpp"
#include "network_data.hpp"
#include "snn/network.hpp"

namespace {

constexpr double dt = 0.5;  // ms

snn::network two_populations(std::int64_t n_pre, std::int64_t n_post, std::uint64_t seed = 7) {
  snn::network net(dt, seed);
  net.add_population(n_pre, snn::presets::regular_spiking(), "a");
  if (n_post > 0) net.add_population(n_post, snn::presets::regular_spiking(), "b");
  return net;
}

const snn::projection_data& stored(const snn::network& net, std::size_t j) {
  return net.data()->projections[j];
}

// Explicit synapses given out of order, one pair repeated: the CSR is worked out by hand.
void explicit_csr() {
  snn::network net = two_populations(4, 6);
  const std::vector<std::int64_t> pre{2, 0, 2, 3, 0, 2};
  const std::vector<std::int64_t> post{5, 4, 1, 0, 4, 1};
  const std::vector<float> w{0.5f, -2.0f, 1.0f, 0.25f, 3.0f, -1.5f};
  const std::vector<float> delay{1.0f, 2.0f, 0.5f, 0.0f, 1.0f, 3.0f};  // ms: 2, 4, 1, 1, 2, 6 steps
  net.connect_explicit(0, 1, pre.data(), post.data(), pre.size(), snn::distribution::from_array(w),
                       snn::distribution::from_array(delay), snn::kernel::instant(), "x");
  const snn::projection_data& p = stored(net, 0);
  CHECK(!p.dense);
  CHECK_EQ(p.n_synapses, 6u);
  CHECK_EQ(p.row_ptr, (std::vector<std::uint64_t>{0, 2, 2, 5, 6}));
  CHECK_EQ(p.d_min, 1u);
  CHECK_EQ(p.d_max, 6u);
  CHECK_EQ(p.post_bits, 3);  // targets 0..5
  // max |w| = 3 = 0.75 * 2^2: scale 2^(30 - 2), weights rint(w * 2^28).
  CHECK_EQ(p.scale_exp, 28);
  // In ms 1, 2, 0.5, 0, 1, 3 -> steps 2, 4, 1, 1, 2, 6. Each row sorted by key, that is by
  // (delay, post): row 0: (post 4, 2 steps, w 3), (4, 4, -2); row 2: (1, 1, 1), (5, 2, 0.5),
  // (1, 6, -1.5); row 3: (0, 1, 0.25).
  struct expect_syn {
    std::uint32_t post, delay;
    double w;
  };
  const std::vector<expect_syn> rows{{4, 2, 3.0}, {4, 4, -2.0}, {1, 1, 1.0},
                                     {5, 2, 0.5}, {1, 6, -1.5}, {0, 1, 0.25}};
  std::vector<expect_syn> got;
  for (const snn::synapse& s : p.synapses)
    got.push_back({p.post_of(s.key), p.delay_of(s.key), s.weight * std::ldexp(1.0, -28)});
  CHECK_EQ(got.size(), rows.size());
  for (std::size_t s = 0; s < rows.size() && s < got.size(); ++s) {
    CHECK_EQ(got[s].post, rows[s].post);
    CHECK_EQ(got[s].delay, rows[s].delay);
    CHECK_EQ(got[s].w, rows[s].w);
  }
  for (const snn::synapse& s : p.synapses) CHECK_EQ(p.key_of(p.post_of(s.key), p.delay_of(s.key)), s.key);
  // synapses() lists them by (pre, post); a repeated pair by delay.
  const snn::synapse_list l = net.synapses(0);
  CHECK_EQ(l.pre, (std::vector<std::int32_t>{0, 0, 2, 2, 2, 3}));
  CHECK_EQ(l.post, (std::vector<std::int32_t>{4, 4, 1, 1, 5, 0}));
  CHECK_EQ(l.weight, (std::vector<double>{3.0, -2.0, 1.0, -1.5, 0.5, 0.25}));
  CHECK_EQ(l.delay_steps, (std::vector<std::int32_t>{2, 4, 1, 6, 2, 1}));
}

// A mostly-zero dense matrix is stored sparse: its nonzeros in row-major order.
void dense_matrix_to_csr() {
  snn::network net = two_populations(3, 5);
  std::vector<float> w(15, 0.0f);
  w[0 * 5 + 3] = 0.125f, w[2 * 5 + 0] = -4.0f, w[2 * 5 + 4] = 1.5f;
  net.connect_dense(0, 1, w.data(), 3, 5, snn::distribution::constant(0.0), snn::kernel::instant());
  CHECK(!net.is_dense(0));
  CHECK_EQ(stored(net, 0).row_ptr, (std::vector<std::uint64_t>{0, 1, 1, 3}));
  const snn::synapse_list l = net.synapses(0);
  CHECK_EQ(l.pre, (std::vector<std::int32_t>{0, 2, 2}));
  CHECK_EQ(l.post, (std::vector<std::int32_t>{3, 0, 4}));
  CHECK_EQ(l.weight, (std::vector<double>{0.125, -4.0, 1.5}));
  CHECK_EQ(l.delay_steps, (std::vector<std::int32_t>{1, 1, 1}));
}

// Pairs of a projection as (pre, post).
std::vector<std::pair<int, int>> pairs_of(const snn::network& net, std::size_t j) {
  const snn::synapse_list l = net.synapses(j);
  std::vector<std::pair<int, int>> out;
  for (std::size_t s = 0; s < l.pre.size(); ++s) out.emplace_back(l.pre[s], l.post[s]);
  return out;
}

void rules() {
  const std::int64_t n = 300, m = 200;
  snn::network net = two_populations(n, m);
  const snn::distribution w = snn::distribution::constant(1.0);
  const snn::distribution d = snn::distribution::uniform(0.5, 3.0);  // not constant: sparse
  const snn::kernel k = snn::kernel::instant();
  const std::size_t in_deg = net.connect(0, 1, snn::rule::fixed_in_degree(17), w, d, k, "in");
  const std::size_t out_deg = net.connect(0, 0, snn::rule::fixed_out_degree(23, false), w, d, k, "out");
  const std::size_t one = net.connect(0, 0, snn::rule::one_to_one(), w, d, k, "one");
  const std::size_t all = net.connect(1, 1, snn::rule::all_to_all(false), w, d, k, "all");
  const double p = 0.05;
  const std::size_t prob = net.connect(0, 0, snn::rule::fixed_probability(p, false), w, d, k, "prob");

  std::vector<int> in_count(m, 0);
  std::set<std::pair<int, int>> distinct;
  for (auto [i, j] : pairs_of(net, in_deg)) ++in_count[j], distinct.insert({i, j});
  CHECK(std::all_of(in_count.begin(), in_count.end(), [](int c) { return c == 17; }));
  CHECK_EQ(distinct.size(), static_cast<std::size_t>(17 * m));

  std::vector<int> out_count(n, 0);
  distinct.clear();
  bool self = false;
  for (auto [i, j] : pairs_of(net, out_deg)) ++out_count[i], distinct.insert({i, j}), self = self || i == j;
  CHECK(std::all_of(out_count.begin(), out_count.end(), [](int c) { return c == 23; }));
  CHECK_EQ(distinct.size(), static_cast<std::size_t>(23 * n));
  CHECK(!self);

  const auto ones = pairs_of(net, one);
  CHECK_EQ(ones.size(), static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < ones.size(); ++i)
    CHECK(ones[i].first == static_cast<int>(i) && ones[i].second == static_cast<int>(i));

  const auto alls = pairs_of(net, all);
  CHECK_EQ(alls.size(), static_cast<std::size_t>(m * (m - 1)));
  CHECK(std::none_of(alls.begin(), alls.end(), [](auto pr) { return pr.first == pr.second; }));

  // Binomial(n (n - 1), p): mean 4485, sd 65.
  const auto probs = pairs_of(net, prob);
  const double pairs = static_cast<double>(n) * (n - 1), mean = p * pairs;
  CHECK_NEAR(static_cast<double>(probs.size()), mean, 5.0 * std::sqrt(mean * (1 - p)));
  CHECK(std::none_of(probs.begin(), probs.end(), [](auto pr) { return pr.first == pr.second; }));
  const std::set<std::pair<int, int>> unique_pairs(probs.begin(), probs.end());
  CHECK_EQ(unique_pairs.size(), probs.size());
  // Targets are spread evenly: each column's count ~ Binomial(n - 1, p), sum of squared
  // deviations ~ chi-square with n degrees of freedom (mean 300, sd 24.5): below 5 sd above.
  std::vector<double> col(n, 0.0);
  for (auto pr : probs) col[static_cast<std::size_t>(pr.second)] += 1.0;
  double chi2 = 0;
  const double e = p * (n - 1), var = e * (1 - p);
  for (double c : col) chi2 += (c - e) * (c - e) / var;
  CHECK(chi2 < n + 5.0 * std::sqrt(2.0 * n));

  // Every row of the stored CSR is sorted by key, and the delays are those of uniform(0.5, 3) ms.
  for (std::size_t j = 0; j < net.projection_count(); ++j) {
    const snn::projection_data& pd = stored(net, j);
    bool sorted = true;
    for (std::size_t i = 0; i + 1 < pd.row_ptr.size(); ++i)
      for (std::uint64_t s = pd.row_ptr[i]; s + 1 < pd.row_ptr[i + 1]; ++s)
        sorted = sorted && pd.synapse_at(s).key <= pd.synapse_at(s + 1).key;
    CHECK(sorted);
    CHECK(pd.d_min >= 1 && pd.d_max <= 6);
  }
}

// The same seed builds the same synapses; another seed other ones.
void seeded() {
  auto build = [](std::uint64_t seed) {
    snn::network net = two_populations(100, 0, seed);
    net.connect(0, 0, snn::rule::fixed_probability(0.1), snn::distribution::normal(0.0, 1.0),
                snn::distribution::uniform(0.0, 5.0), snn::kernel::instant());
    return net.synapses(0);
  };
  const snn::synapse_list a = build(3), b = build(3), c = build(4);
  CHECK(a.pre == b.pre && a.post == b.post && a.weight == b.weight && a.delay_steps == b.delay_steps);
  CHECK(a.post != c.post || a.weight != c.weight);
}

// A projection whose synapses share one weight stores 4-byte keys alone; any other, 8-byte
// synapses. Both list the same way.
void one_weight_storage() {
  snn::network net = two_populations(50, 40);
  const snn::distribution d = snn::distribution::uniform(0.5, 3.0);
  const snn::kernel k = snn::kernel::instant();
  const std::size_t same = net.connect(0, 1, snn::rule::fixed_out_degree(10, true), snn::distribution::constant(-2.5),
                                       d, k, "same");
  const std::size_t varied = net.connect(0, 1, snn::rule::fixed_out_degree(10, true),
                                         snn::distribution::uniform(1.0, 2.0), d, k, "varied");
  const snn::projection_data& a = stored(net, same);
  const snn::projection_data& b = stored(net, varied);
  CHECK(a.one_weight);
  CHECK(!b.one_weight);
  CHECK_EQ(a.keys.size(), 500u);
  CHECK(a.synapses.empty());
  CHECK_EQ(b.synapses.size(), 500u);
  CHECK_EQ(net.projection_bytes(same), 500u * 4 + 51u * 8);
  CHECK_EQ(net.projection_bytes(varied), 500u * 8 + 51u * 8);
  const snn::synapse_list l = net.synapses(same);
  CHECK_EQ(l.weight.size(), 500u);
  CHECK(std::all_of(l.weight.begin(), l.weight.end(), [](double w) { return w == -2.5; }));
  for (std::uint64_t s = 0; s < a.n_synapses; ++s) {
    CHECK_EQ(a.synapse_at(s).key, a.keys[s]);
    CHECK_EQ(a.synapse_at(s).weight, a.shared_weight);
  }
}

}  // namespace

int main() {
  RUN_TEST(explicit_csr);
  RUN_TEST(dense_matrix_to_csr);
  RUN_TEST(rules);
  RUN_TEST(seeded);
  RUN_TEST(one_weight_storage);
  return snn_test::finish("csr");
}
