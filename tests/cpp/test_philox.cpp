// Philox4x32-10 against the Random123 known-answer vectors (kat_vectors, philox4x32 10
// rounds), and the counter layout and uniform conversions of docs/numerics.md.
#include <cstdint>

#include "check.hpp"
#include "random.hpp"

namespace {

void check_kat(snn::u32x4 ctr, std::uint32_t k0, std::uint32_t k1, snn::u32x4 expect) {
  const snn::u32x4 got = snn::philox4x32(ctr, k0, k1);
  for (int i = 0; i < 4; ++i) CHECK_EQ(got.x[i], expect.x[i]);
}

void known_answers() {
  check_kat({{0u, 0u, 0u, 0u}}, 0u, 0u, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}});
  check_kat({{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu,
            {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}});
  check_kat({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u,
            {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}});
}

// The engine's generator: key (seed low, seed high), word 3 = purpose << 24 | object.
void counter_layout() {
  const std::uint64_t seed = 0x299f31d0a4093822ull;
  const snn::counter_rng rng(seed);
  const snn::u32x4 a = rng(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 5u, 0x707344u);
  const snn::u32x4 b = snn::philox4x32({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x05707344u}},
                                       0xa4093822u, 0x299f31d0u);
  for (int i = 0; i < 4; ++i) CHECK_EQ(a.x[i], b.x[i]);
  // All-zero seed and counter with purpose 0 is the first known answer.
  const snn::u32x4 z = snn::counter_rng(0)(0, 0, 0, 0, 0);
  CHECK_EQ(z.x[0], 0x6627e8d5u);
  CHECK_EQ(z.x[3], 0x9b00dbd8u);
}

// 24-bit uniforms: (0, 1] from (x >> 8) + 1 and [0, 1) from x >> 8, times 2^-24, exactly.
void uniforms() {
  CHECK_EQ(snn::uniform_open0(0u), 0x1p-24f);
  CHECK_EQ(snn::uniform_open0(0xffffffffu), 1.0f);
  CHECK_EQ(snn::uniform_open0(0x000000ffu), 0x1p-24f);
  CHECK_EQ(snn::uniform_open0(0x80000000u), 0.5f + 0x1p-24f);
  CHECK_EQ(snn::uniform01(0u), 0.0f);
  CHECK_EQ(snn::uniform01(0xffffffffu), 1.0f - 0x1p-24f);
  CHECK_EQ(snn::uniform01(0x80000000u), 0.5f);
  CHECK_EQ(snn::uniform01(0x12345678u), static_cast<float>(0x123456u) * 0x1p-24f);
}

}  // namespace

int main() {
  RUN_TEST(known_answers);
  RUN_TEST(counter_layout);
  RUN_TEST(uniforms);
  return snn_test::finish("philox");
}
