#pragma once
// Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11), with the engine's own
// float32 log/sin/cos so that normals are bit-identical on every backend (docs/numerics.md).
#include <cstdint>
#include <cmath>
#include <cstring>

#include "hd.hpp"

namespace snn {

/// Purposes, the top byte of counter word 3.
enum purpose : std::uint32_t {
  purpose_params = 1,
  purpose_connect = 2,
  purpose_weight = 3,
  purpose_delay = 4,
  purpose_noise = 5,
  purpose_pulses = 6,
  purpose_poisson_source = 7,
  purpose_poisson_input = 8,
};

struct u32x4 {
  std::uint32_t x[4];
};

SNN_HD std::uint32_t mulhilo32(std::uint32_t a, std::uint32_t b, std::uint32_t& hi) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  return static_cast<std::uint32_t>(p);
}

inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u, philox_w1 = 0xBB67AE85u;

/// One Philox4x32 round on the counter words with key (k0, k1).
SNN_HD void philox_round(std::uint32_t& x0, std::uint32_t& x1, std::uint32_t& x2,
                         std::uint32_t& x3, std::uint32_t k0, std::uint32_t k1) {
  std::uint32_t hi0, hi1;
  const std::uint32_t lo0 = mulhilo32(0xD2511F53u, x0, hi0);
  const std::uint32_t lo1 = mulhilo32(0xCD9E8D57u, x2, hi1);
  x0 = hi1 ^ x1 ^ k0;
  x1 = lo1;
  x2 = hi0 ^ x3 ^ k1;
  x3 = lo0;
}

/// Philox4x32 with 10 rounds.
SNN_HD u32x4 philox4x32(u32x4 c, std::uint32_t k0, std::uint32_t k1) {
  for (int r = 0; r < 10; ++r) {
    philox_round(c.x[0], c.x[1], c.x[2], c.x[3], k0, k1);
    k0 += philox_w0;
    k1 += philox_w1;
  }
  return c;
}

/// Counter word 3: the purpose in the top byte, the population or projection below.
SNN_HD std::uint32_t counter_word3(std::uint32_t purpose, std::uint32_t object) {
  return (purpose << 24) | (object & 0xFFFFFFu);
}

/// Generator keyed by the network seed; a draw is a pure function of (seed, counter).
struct counter_rng {
  std::uint32_t k0, k1;
  SNN_HD explicit counter_rng(std::uint64_t seed)
      : k0(static_cast<std::uint32_t>(seed)), k1(static_cast<std::uint32_t>(seed >> 32)) {}
  SNN_HD u32x4 operator()(std::uint32_t c0, std::uint32_t c1, std::uint32_t c2,
                          std::uint32_t purpose, std::uint32_t object) const {
    return philox4x32(u32x4{{c0, c1, c2, counter_word3(purpose, object)}}, k0, k1);
  }
};

/// Counter word 2 of a per-step draw of an input: the high bits of the step, xor the input's
/// index among its population's inputs in bits 16-31 (0 for the first input).
SNN_HD std::uint32_t step_word2(std::uint64_t k, std::uint32_t input) {
  return static_cast<std::uint32_t>(k >> 32) ^ (input << 16);
}

/// floor(x * n / 2^64): an unbiased-enough index in [0, n) from 64 random bits.
SNN_HD std::uint32_t scale_to(std::uint64_t x, std::uint32_t n) {
#if defined(__CUDA_ARCH__)
  return static_cast<std::uint32_t>(__umul64hi(x, n));
#else
  return static_cast<std::uint32_t>((static_cast<unsigned __int128>(x) * n) >> 64);
#endif
}

/// Random pulses (docs/numerics.md): at step k, input `input` of population `pop` hits
/// floor(per_step) neurons, plus one more with probability frac(per_step).
SNN_HD std::uint32_t pulse_count(const counter_rng& rng, double per_step, std::uint64_t k,
                                 std::uint32_t input, std::uint32_t pop) {
  const double whole = floor(per_step);
  const u32x4 w = rng(0xFFFFFFFFu, static_cast<std::uint32_t>(k), step_word2(k, input), purpose_pulses, pop);
  return static_cast<std::uint32_t>(whole) + (static_cast<double>(w.x[0]) * 0x1p-32 < per_step - whole ? 1u : 0u);
}

/// The neuron hit by pulse j (j < pulse_count) of that step, uniform over the n neurons.
SNN_HD std::uint32_t pulse_target(const counter_rng& rng, std::uint32_t n, std::uint64_t k,
                                  std::uint32_t input, std::uint32_t pop, std::uint32_t j) {
  const u32x4 w = rng(j, static_cast<std::uint32_t>(k), step_word2(k, input), purpose_pulses, pop);
  return scale_to((static_cast<std::uint64_t>(w.x[1]) << 32) | w.x[0], n);
}

SNN_HD float bits_as_float(std::uint32_t b) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(b);
#else
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
#endif
}

SNN_HD std::uint32_t float_as_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  std::uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
#endif
}

/// Uniform in (0, 1], 24 bits.
SNN_HD float uniform_open0(std::uint32_t x) {
  // Through int32 (exact below 2^24): unsigned conversions do not vectorise on AVX2.
  return static_cast<float>(static_cast<std::int32_t>((x >> 8) + 1u)) * 5.9604645e-8f;  // 2^-24
}
/// Uniform in [0, 1), 24 bits.
SNN_HD float uniform01(std::uint32_t x) {
  return static_cast<float>(static_cast<std::int32_t>(x >> 8)) * 5.9604645e-8f;
}

/// Natural log for x in (0, 1] (normal floats); relative error ~1e-7.
SNN_HD float log_f32(float x) {
  const std::uint32_t bits = float_as_bits(x);
  const float m1 = bits_as_float((bits & 0x7FFFFFu) | 0x3F800000u);  // [1, 2)
  const bool big = m1 > 1.41421356f;  // selects, not branches, so that loops vectorise
  const float m = big ? 0.5f * m1 : m1;
  const int e = static_cast<int>((bits >> 23) & 0xFFu) - 127 + (big ? 1 : 0);
  const float f = m - 1.0f;
  const float z = f / (2.0f + f);  // log(m) = 2 atanh(z)
  const float z2 = z * z;
  float p = 0.11111111f;
  p = p * z2 + 0.14285715f;
  p = p * z2 + 0.2f;
  p = p * z2 + 0.33333334f;
  p = p * z2 + 1.0f;
  return static_cast<float>(e) * 0.69314718f + 2.0f * z * p;
}

/// cos and sin of 2 pi j / 2^24 for a 24-bit j, by quadrant and Taylor polynomials.
SNN_HD void sincos_turns24(std::uint32_t j, float& s_out, float& c_out) {
  const std::uint32_t k = (j + (1u << 21)) >> 22;  // nearest quadrant, 0..4
  const float r = static_cast<float>(static_cast<std::int32_t>(j - (k << 22))) * 2.3841858e-7f;
  const float x = r * 1.57079637f;  // [-pi/4, pi/4)
  const float x2 = x * x;
  float s = 2.7557319e-6f;
  s = s * x2 - 1.9841270e-4f;
  s = s * x2 + 8.3333333e-3f;
  s = s * x2 - 0.16666667f;
  s = (s * x2) * x + x;
  float c = -2.7557319e-7f;
  c = c * x2 + 2.4801587e-5f;
  c = c * x2 - 1.3888889e-3f;
  c = c * x2 + 4.1666667e-2f;
  c = c * x2 - 0.5f;
  c = c * x2 + 1.0f;
  // Quadrant k: (sin, cos) = (s, c), (c, -s), (-s, -c), (-c, s); written as selects.
  const bool odd = (k & 1u) != 0;
  const float so = odd ? c : s, co = odd ? s : c;
  s_out = (k & 2u) ? -so : so;
  c_out = ((k + 1u) & 2u) ? -co : co;
}

/// Box-Muller: two standard normals from two words (|z| <= 5.77 by the 24-bit u1).
SNN_HD void normal_pair(std::uint32_t x, std::uint32_t y, float& z0, float& z1) {
  const float r = sqrtf(-2.0f * log_f32(uniform_open0(x)));
  float s, c;
  sincos_turns24(y >> 8, s, c);
  z0 = r * c;
  z1 = r * s;
}

/// The four normals of one Philox block, in lane order.
SNN_HD void normal4(const u32x4& w, float* z) {
  normal_pair(w.x[0], w.x[1], z[0], z[1]);
  normal_pair(w.x[2], w.x[3], z[2], z[3]);
}

/// Normal number `lane` (0-3) of normal4(w), computing only the pair that holds it (one
/// thread per neuron on the GPU).
SNN_HD float normal_lane(const u32x4& w, std::uint32_t lane) {
  const std::uint32_t pair = lane & 2u;
  float z0, z1;
  normal_pair(w.x[pair], w.x[pair + 1], z0, z1);
  return (lane & 1u) ? z1 : z0;
}

}  // namespace snn
