#pragma once
// The external inputs' arithmetic both engines share (docs/numerics.md, "External input"):
// the counters of their random draws and the value each adds for a neuron and step.
#include <cstdint>

#include "hd.hpp"
#include "random.hpp"

namespace snn {

/// Philox counter of noise input `in` of population `pop` at step k for the four neurons of
/// block `block` (neurons 4 block .. 4 block + 3, one normal each, in lane order).
SNN_HD u32x4 noise_counter(std::uint32_t block, std::uint64_t k, std::uint32_t in, std::uint32_t pop) {
  return u32x4{{block, static_cast<std::uint32_t>(k), step_word2(k, in), counter_word3(purpose_noise, pop)}};
}

/// Philox counter of Poisson input `in` of population `pop` at step k for block `block`:
/// word i % 4 of the output is neuron i's.
SNN_HD u32x4 poisson_counter(std::uint32_t block, std::uint64_t k, std::uint32_t in, std::uint32_t pop) {
  return u32x4{{block, static_cast<std::uint32_t>(k), step_word2(k, in), counter_word3(purpose_poisson_input, pop)}};
}

/// A noise input's value: mean + std * z (float32).
SNN_HD float noise_value(float mean, float std, float z) { return mean + std * z; }

/// A Poisson count by inversion of a 32-bit word: #{j < L : x >= thresholds[j]}.
SNN_HD std::uint32_t poisson_count(std::uint32_t x, const std::uint32_t* thresholds, std::uint32_t L) {
  std::uint32_t count = 0;
  for (std::uint32_t j = 0; j < L; ++j) count += x >= thresholds[j] ? 1u : 0u;
  return count;
}

/// A Poisson input's value: count * weight (float32).
SNN_HD float poisson_value(std::uint32_t count, float weight) {
  return static_cast<float>(static_cast<std::int32_t>(count)) * weight;
}

}  // namespace snn
