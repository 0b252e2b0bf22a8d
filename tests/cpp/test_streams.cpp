// The engine's random streams: each draw is keyed by (seed, counter, purpose, object), so
// streams of different purposes, objects, counters and seeds are distinct and, as samples,
// independent and uniform; the same key always gives the same draw.
#include <cmath>
#include <cstdint>
#include <vector>

#include "check.hpp"
#include "random.hpp"

namespace {

constexpr std::uint32_t n = 1u << 16;

// Uniforms [0, 1) of stream (purpose, object) for counters (i, c1) i = 0..n-1.
std::vector<double> stream(const snn::counter_rng& rng, std::uint32_t purpose, std::uint32_t object,
                           std::uint32_t c1 = 0) {
  std::vector<double> out(n);
  for (std::uint32_t i = 0; i < n; ++i) out[i] = snn::uniform01(rng(i, c1, 0, purpose, object).x[0]);
  return out;
}

double mean(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

// Pearson correlation of two samples.
double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = mean(x), my = mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// Chi-square of 64 equal bins of [0, 1).
double chi_square(const std::vector<double>& x) {
  std::vector<double> bins(64, 0.0);
  for (double v : x) bins[static_cast<std::size_t>(v * 64)] += 1.0;
  const double e = static_cast<double>(x.size()) / 64;
  double c = 0;
  for (double b : bins) c += (b - e) * (b - e) / e;
  return c;
}

void uniform_and_independent() {
  const snn::counter_rng rng(20260);
  const std::vector<std::vector<double>> streams{
      stream(rng, snn::purpose_params, 0),  stream(rng, snn::purpose_connect, 0),
      stream(rng, snn::purpose_weight, 0),  stream(rng, snn::purpose_delay, 0),
      stream(rng, snn::purpose_noise, 0),   stream(rng, snn::purpose_noise, 1),
      stream(rng, snn::purpose_noise, 0, 1), stream(snn::counter_rng(20261), snn::purpose_noise, 0)};
  const double sd_mean = 1.0 / std::sqrt(12.0 * n), max_r = 5.0 / std::sqrt(double(n));
  for (std::size_t a = 0; a < streams.size(); ++a) {
    CHECK_NEAR(mean(streams[a]), 0.5, 5 * sd_mean);
    // 63 degrees of freedom: mean 63, sd 11.2.
    CHECK(chi_square(streams[a]) < 63 + 5 * 11.2);
    // Successive draws of one stream are uncorrelated.
    std::vector<double> x(streams[a].begin(), streams[a].end() - 1), y(streams[a].begin() + 1, streams[a].end());
    CHECK(std::fabs(correlation(x, y)) < max_r);
    for (std::size_t b = a + 1; b < streams.size(); ++b) {
      CHECK(std::fabs(correlation(streams[a], streams[b])) < max_r);
      std::size_t equal = 0;
      for (std::uint32_t i = 0; i < n; ++i) equal += streams[a][i] == streams[b][i];
      CHECK(equal < 64);  // 24-bit values: ~n / 2^24 = 0.004 coincidences expected
    }
  }
}

// The key: both seed words matter; the object is the low 24 bits of counter word 3.
void key_layout() {
  const std::uint64_t lo = 5, hi = 5 + (1ull << 32);
  CHECK(snn::counter_rng(lo)(1, 2, 3, snn::purpose_noise, 4).x[0] !=
        snn::counter_rng(hi)(1, 2, 3, snn::purpose_noise, 4).x[0]);
  CHECK_EQ(snn::counter_word3(snn::purpose_noise, 7), 0x05000007u);
  CHECK_EQ(snn::counter_word3(snn::purpose_params, 0xABCDEFu), 0x01ABCDEFu);
  const snn::counter_rng rng(99);
  const snn::u32x4 a = rng(10, 20, 30, snn::purpose_weight, 40), b = rng(10, 20, 30, snn::purpose_weight, 40);
  for (int i = 0; i < 4; ++i) CHECK_EQ(a.x[i], b.x[i]);  // pure function of the key
}

}  // namespace

int main() {
  RUN_TEST(uniform_and_independent);
  RUN_TEST(key_layout);
  return snn_test::finish("streams");
}
