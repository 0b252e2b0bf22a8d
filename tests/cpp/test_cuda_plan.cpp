// The CUDA engine's pure index arithmetic (cuda/plan.hpp) and random.hpp's normal_lane,
// checked on the host against direct formulas and brute force: the kernels call the same
// functions, so these hold on the device too.
#include <cstdint>
#include <vector>

#include "check.hpp"
#include "plan.hpp"
#include "random.hpp"

namespace {

// A spike at step k-1 delivered at step k over delay D = d_min + code arrives at k-1+D and
// is read from slot (k-1+D) mod R at that step; no live arrival shares its slot.
void arrival_slots() {
  const std::uint32_t rings[] = {1, 2, 3, 7, 20, 4096};
  for (std::uint32_t R : rings)
    for (std::uint32_t d_min = 1; d_min <= R; d_min += (R > 8 ? R / 5 : 1))
      for (std::uint32_t code = 0; d_min + code <= R; code += (R > 8 ? 3 : 1))
        for (std::uint64_t k : {std::uint64_t(1), std::uint64_t(2), std::uint64_t(R), std::uint64_t(R + 1),
                                std::uint64_t(12345), std::uint64_t(1) << 40, (std::uint64_t(1) << 62) + 3}) {
          const std::uint64_t arrive = k - 1 + d_min + code;
          const std::uint32_t slot = snn::arrival_slot(k, d_min, code, R);
          CHECK(slot < R);
          CHECK_EQ(slot, static_cast<std::uint32_t>(arrive % R));
        }
}

// trace_rows_before(end) counts the steps k < end with k >= fs and (k - fs) % every == 0
// (recorder.hpp's trace_buffer::row), by brute force.
void trace_rows() {
  for (std::uint64_t every : {1, 2, 3, 7, 50})
    for (std::uint64_t fs : {0, 1, 6, 49, 100}) {
      std::uint64_t count = 0;
      for (std::uint64_t end = 0; end < 400; ++end) {
        CHECK_EQ(snn::cuda::trace_rows_before(end, fs, every), count);
        if (end >= fs && (end - fs) % every == 0) ++count;  // step `end` is sampled
      }
    }
}

// failure_key orders (position, population, neuron) lexicographically, below no_failure.
void failure_keys() {
  const std::uint32_t pos[] = {0, 1, 2, 65534}, pop[] = {0, 1, 65535}, neuron[] = {0, 7, 0xFFFFFFFFu};
  std::vector<unsigned long long> keys;
  for (std::uint32_t a : pos)
    for (std::uint32_t b : pop)
      for (std::uint32_t c : neuron) keys.push_back(snn::cuda::failure_key(a, b, c));
  for (std::size_t i = 1; i < keys.size(); ++i) CHECK(keys[i - 1] < keys[i]);
  CHECK(keys.back() < snn::cuda::no_failure);
  CHECK_EQ(snn::cuda::failure_key(65534, 3, 9) >> 48, 65534ull);
  // Kernels stop at positions after the failing one, never while no failure is recorded.
  CHECK((snn::cuda::no_failure >> 48) > snn::cuda::max_chunk_steps - 1);
}

void chunk_sizes() {
  CHECK_EQ(snn::cuda::chunk_steps(1000.0, 10.0), 100u);
  CHECK_EQ(snn::cuda::chunk_steps(5.0, 10.0), 1u);  // always at least one step
  CHECK_EQ(snn::cuda::chunk_steps(1e12, 4.0), snn::cuda::max_chunk_steps);
  CHECK_EQ(snn::cuda::chunk_steps(1000.0, 0.0), snn::cuda::max_chunk_steps);
  CHECK_EQ(snn::cuda::longest_graph(1000, 64), 64u);
  CHECK_EQ(snn::cuda::longest_graph(40, 64), 32u);
  CHECK_EQ(snn::cuda::longest_graph(1, 64), 1u);
}

// Graph lengths: powers of two <= longest summing to the steps, the longest first, at most
// one of each shorter length.
void graph_lengths() {
  for (std::uint32_t longest : {1u, 2u, 16u, 64u})
    for (std::uint32_t steps = 0; steps < 300; ++steps) {
      const std::vector<std::uint32_t> g = snn::cuda::graph_lengths(steps, longest);
      std::uint64_t sum = 0;
      for (std::size_t i = 0; i < g.size(); ++i) {
        sum += g[i];
        CHECK(g[i] >= 1 && g[i] <= longest && (g[i] & (g[i] - 1)) == 0);
        if (i > 0) CHECK(g[i] <= g[i - 1] && (g[i] < g[i - 1] || g[i] == longest));
      }
      CHECK_EQ(sum, std::uint64_t(steps));
    }
}

// normal_lane(w, l) is exactly lane l of normal4(w).
void normal_lanes() {
  const snn::counter_rng rng(0xfeedbeefcafeull);
  for (std::uint32_t i = 0; i < 20000; ++i) {
    const snn::u32x4 w = rng(i, i * 7u, 1, snn::purpose_noise, 3);
    float z[4];
    snn::normal4(w, z);
    for (std::uint32_t l = 0; l < 4; ++l)
      CHECK_EQ(snn::float_as_bits(snn::normal_lane(w, l)), snn::float_as_bits(z[l]));
  }
}

}  // namespace

int main() {
  RUN_TEST(arrival_slots);
  RUN_TEST(trace_rows);
  RUN_TEST(failure_keys);
  RUN_TEST(chunk_sizes);
  RUN_TEST(graph_lengths);
  RUN_TEST(normal_lanes);
  return snn_test::finish("cuda_plan");
}
