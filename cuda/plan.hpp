#pragma once
// Pure index arithmetic of the CUDA engine, shared by its host code and kernels and tested on
// the CPU (tests/cpp/test_cuda_plan.cpp): how a chunk of steps splits into reusable graphs,
// which trace rows a chunk fills, how a failure is keyed. (Ring slots: synapse_math.hpp.)
#include <cstdint>
#include <vector>

#include "hd.hpp"
#include "synapse_math.hpp"

namespace snn {
namespace cuda {

/// Recorded rows of a trace (first sampled step fs, every e steps) among steps [0, end):
/// the row of the first sampled step at or after `end`.
SNN_HD std::uint64_t trace_rows_before(std::uint64_t end, std::uint64_t fs, std::uint64_t every) {
  return end <= fs ? 0 : (end - fs + every - 1) / every;
}

/// The first NaN/inf of a chunk as one word, so that atomicMin keeps the earliest step, then
/// the lowest population, then the lowest neuron (as the CPU engine reports it).
SNN_HD unsigned long long failure_key(std::uint32_t pos, std::uint32_t population,
                                      std::uint32_t neuron) {
  return (static_cast<unsigned long long>(pos) << 48) |
         (static_cast<unsigned long long>(population & 0xFFFFu) << 32) | neuron;
}
inline constexpr unsigned long long no_failure = ~0ull;
/// Positions in a chunk stay below 2^16 - 1 so that no_failure's position is never reached.
inline constexpr std::uint32_t max_chunk_steps = 65535;

/// Steps per chunk: as many as the record buffers allow when every neuron spikes every step
/// (bytes_per_step), within [1, max_chunk_steps].
inline std::uint32_t chunk_steps(double budget_bytes, double bytes_per_step) {
  const double s = bytes_per_step > 0 ? budget_bytes / bytes_per_step : max_chunk_steps;
  return s < 1 ? 1 : s > max_chunk_steps ? max_chunk_steps : static_cast<std::uint32_t>(s);
}

/// Largest power of two <= min(limit, cap): the longest graph captured.
inline std::uint32_t longest_graph(std::uint32_t limit, std::uint32_t cap) {
  std::uint32_t g = 1;
  while (2 * g <= limit && 2 * g <= cap) g *= 2;
  return g;
}

/// Splits `steps` into graph lengths, each a power of two <= `longest` (a power of two):
/// as many of the longest as fit, then the binary digits of the rest, longest first.
inline std::vector<std::uint32_t> graph_lengths(std::uint32_t steps, std::uint32_t longest) {
  std::vector<std::uint32_t> out(steps / longest, longest);
  for (std::uint32_t g = longest / 2, rest = steps % longest; g > 0; g /= 2)
    if (rest & g) out.push_back(g);
  return out;
}

}  // namespace cuda
}  // namespace snn
