// External inputs of a population for a thread's neurons (docs/numerics.md, "External
// input"): added in the order they were given, to the current (channel 0) or, for inputs
// onto v, to v right after the reset.
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <omp.h>

#include "cpu/cpu_engine.hpp"
#include "input_math.hpp"

namespace snn {
namespace SNN_CPU_NS {

namespace {

// Ten Philox rounds on eight counters at once (AVX2 where compiled for it).
void philox_lanes(std::uint32_t* x0, std::uint32_t* x1, std::uint32_t* x2, std::uint32_t* x3, std::uint32_t k0,
                  std::uint32_t k1) {
#if defined(__AVX2__)
  __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x0));
  __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x1));
  __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x2));
  __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x3));
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int r = 0; r < 10; ++r) {
    // 32x32 -> 64-bit products of even and odd lanes, split into hi and lo words.
    const __m256i pe0 = _mm256_mul_epu32(a, m0), po0 = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m0);
    const __m256i pe1 = _mm256_mul_epu32(c, m1), po1 = _mm256_mul_epu32(_mm256_srli_epi64(c, 32), m1);
    const __m256i lo0 = _mm256_blend_epi32(pe0, _mm256_slli_epi64(po0, 32), 0xAA);
    const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(pe0, 32), po0, 0xAA);
    const __m256i lo1 = _mm256_blend_epi32(pe1, _mm256_slli_epi64(po1, 32), 0xAA);
    const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(pe1, 32), po1, 0xAA);
    a = _mm256_xor_si256(_mm256_xor_si256(hi1, b), _mm256_set1_epi32(static_cast<int>(k0)));
    b = lo1;
    c = _mm256_xor_si256(_mm256_xor_si256(hi0, d), _mm256_set1_epi32(static_cast<int>(k1)));
    d = lo0;
    k0 += philox_w0, k1 += philox_w1;
  }
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(x0), a);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(x1), b);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(x2), c);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(x3), d);
#else
  for (int r = 0; r < 10; ++r) {
    for (int l = 0; l < 8; ++l) philox_round(x0[l], x1[l], x2[l], x3[l], k0, k1);
    k0 += philox_w0, k1 += philox_w1;
  }
#endif
}

/// Philox outputs for the blocks of four neurons covering [lo, hi), G = 8 blocks at a time in
/// structure-of-arrays form so that the rounds vectorise: body(g, x0, x1, x2, x3) for the
/// blocks first + g .. first + g + 7, whose counters are counter(block) (word 0 the block).
template <class Counter, class Body>
void philox_blocks(const counter_rng& rng, std::uint32_t lo, std::uint32_t hi, Counter counter, Body&& body) {
  constexpr std::uint32_t G = 8;
  const std::uint32_t first = lo / 4, blocks = (hi - first * 4 + 3) / 4;
  const u32x4 c = counter(first);
  for (std::uint32_t g = 0; g < blocks; g += G) {
    std::uint32_t x0[G], x1[G], x2[G], x3[G];
    for (std::uint32_t l = 0; l < G; ++l) x0[l] = first + g + l, x1[l] = c.x[1], x2[l] = c.x[2], x3[l] = c.x[3];
    philox_lanes(x0, x1, x2, x3, rng.k0, rng.k1);
    body(g, x0, x1, x2, x3);
  }
}

}  // namespace

void cpu_engine::add_inputs(std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi,
                            const std::vector<stream_view>& streams, bool to_v) {
  const population_data& pop = net_->populations[pi];
  float* dst = to_v ? pops_[pi].vars[0].data() : pops_[pi].channels[0].data();
  for (std::size_t in = 0; in < pop.inputs.size(); ++in) {
    const input_data& x = pop.inputs[in];
    if (x.to_v != to_v) continue;
    const auto index = static_cast<std::uint32_t>(in);
    if (x.type == input_type::constant) {
      if (x.mean.size() == 1) {
        const float c = x.mean[0];
        for (std::uint32_t i = lo; i < hi; ++i) dst[i] = dst[i] + c;
      } else {
        const float* c = x.mean.data();
        for (std::uint32_t i = lo; i < hi; ++i) dst[i] = dst[i] + c[i];
      }
    } else if (x.type == input_type::noise) {
      add_noise(x, pi, index, k, lo, hi, dst);
    } else if (x.type == input_type::pulses) {
      add_pulses(x, pi, index, k, lo, hi, dst);
    } else if (x.type == input_type::poisson) {
      add_poisson(x, pi, index, k, lo, hi, dst);
    } else {
      const stream_view& sv = streams[in];
      const float* row = sv.data + (k - sv.first_step) * pop.n;
      for (std::uint32_t i = lo; i < hi; ++i) dst[i] = dst[i] + row[i];
    }
  }
}

// Every thread draws all of the step's pulses (a handful) and adds those in its range;
// equal amplitudes make repeated hits order-independent.
void cpu_engine::add_pulses(const input_data& x, std::uint32_t pi, std::uint32_t in, std::uint64_t k,
                            std::uint32_t lo, std::uint32_t hi, float* dst) const {
  const counter_rng rng(net_->seed);
  const float amplitude = x.mean[0];
  const std::uint32_t count = pulse_count(rng, x.per_step, k, in, pi);
  for (std::uint32_t j = 0; j < count; ++j) {
    const std::uint32_t i = pulse_target(rng, net_->populations[pi].n, k, in, pi, j);
    if (i >= lo && i < hi) dst[i] = dst[i] + amplitude;
  }
}

// Normals by blocks of four neurons (the lanes of one Philox call: normal4's order).
void cpu_engine::add_noise(const input_data& x, std::uint32_t pi, std::uint32_t in, std::uint64_t k,
                           std::uint32_t lo, std::uint32_t hi, float* dst) {
  const std::uint32_t first = lo / 4;
  std::vector<float>& z = noise_[omp_get_thread_num()];
  z.resize((hi - first * 4 + 3) / 4 * 4 + 32);
  philox_blocks(counter_rng(net_->seed), lo, hi, [&](std::uint32_t b) { return noise_counter(b, k, in, pi); },
                [&](std::uint32_t g, const std::uint32_t* x0, const std::uint32_t* x1, const std::uint32_t* x2,
                    const std::uint32_t* x3) {
                  float z0[8], z1[8], z2[8], z3[8];
                  for (std::uint32_t l = 0; l < 8; ++l) {
                    normal_pair(x0[l], x1[l], z0[l], z1[l]);
                    normal_pair(x2[l], x3[l], z2[l], z3[l]);
                  }
                  float* out = z.data() + std::size_t(g) * 4;
                  for (std::uint32_t l = 0; l < 8; ++l)
                    out[4 * l] = z0[l], out[4 * l + 1] = z1[l], out[4 * l + 2] = z2[l], out[4 * l + 3] = z3[l];
                });
  const float* zz = z.data() - std::size_t(first) * 4;  // zz[i]: neuron i
  if (x.mean.size() == 1 && x.std.size() == 1) {
    const float m = x.mean[0], sd = x.std[0];
    for (std::uint32_t i = lo; i < hi; ++i) dst[i] = dst[i] + noise_value(m, sd, zz[i]);
  } else {
    const bool per_mean = x.mean.size() > 1, per_std = x.std.size() > 1;
    for (std::uint32_t i = lo; i < hi; ++i)
      dst[i] = dst[i] + noise_value(per_mean ? x.mean[i] : x.mean[0], per_std ? x.std[i] : x.std[0], zz[i]);
  }
}

// Poisson counts by blocks of four neurons: word i % 4 of the block is neuron i's. The
// counts are made threshold by threshold over all neurons (loops that vectorise), the
// same number as poisson_count's.
void cpu_engine::add_poisson(const input_data& x, std::uint32_t pi, std::uint32_t in, std::uint64_t k,
                             std::uint32_t lo, std::uint32_t hi, float* dst) {
  const std::uint32_t first = lo / 4;
  std::vector<std::uint32_t>& buf = words_[omp_get_thread_num()];
  buf.resize((hi - first * 4 + 3) / 4 * 4 + 32 + 2 * std::size_t(hi - lo));
  std::uint32_t* words = buf.data();
  philox_blocks(counter_rng(net_->seed), lo, hi, [&](std::uint32_t b) { return poisson_counter(b, k, in, pi); },
                [&](std::uint32_t g, const std::uint32_t* x0, const std::uint32_t* x1, const std::uint32_t* x2,
                    const std::uint32_t* x3) {
                  std::uint32_t* out = words + std::size_t(g) * 4;
                  for (std::uint32_t l = 0; l < 8; ++l)
                    out[4 * l] = x0[l], out[4 * l + 1] = x1[l], out[4 * l + 2] = x2[l], out[4 * l + 3] = x3[l];
                });
  const std::uint32_t* __restrict ww = words + (lo - first * 4);  // ww[i - lo]: neuron i
  std::uint32_t* __restrict count = words + (hi - first * 4 + 3) / 4 * 4 + 32;
  const std::uint32_t n = hi - lo;
  std::fill(count, count + n, 0u);
  for (std::uint32_t T : x.thresholds)
    for (std::uint32_t i = 0; i < n; ++i) count[i] += ww[i] >= T ? 1u : 0u;
  const float w = x.mean[0];
  float* __restrict out = dst + lo;
  for (std::uint32_t i = 0; i < n; ++i) out[i] = out[i] + poisson_value(count[i], w);
}

}  // namespace SNN_CPU_NS
}  // namespace snn
