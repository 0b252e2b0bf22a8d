#pragma once
// The post spikes of each neuron of a dendritic-delay plastic projection, as its synapses see
// them a delay later. STDP's potentiation by them waits for each synapse's next pre spike
// (NEST's scheme), when one walk back over the target's spikes both potentiates and reads
// the post trace, along the pre spike's row: sequential in the weights, one scattered read
// of the target's head per synapse (docs/numerics.md, "Plasticity").
#include <algorithm>
#include <cstdint>
#include <vector>

#include "plasticity.hpp"
#include "cpu/variant.hpp"
#include "system.hpp"

namespace snn {
namespace SNN_CPU_NS {

struct post_history {
  struct entry {
    std::uint64_t step = no_spike;
    float before = 0.0f;  // the trace's value before the spike
    std::uint32_t unused = 0;
  };
  // Two cache lines a neuron: how many spikes so far; `settled`: every synapse into it holds
  // the potentiation by the post spikes that reached it at steps <= settled; the newest
  // `near` spikes (spike c at [c % near]), what a synapse reads nearly always. (With 4 in
  // one line, a third of the time went to reading older ones.)
  static constexpr std::uint32_t near = 8;
  struct alignas(128) head {
    std::uint64_t settled = 0;
    std::uint32_t count = 0, unused = 0;
    std::uint64_t step[near] = {};
    float before[near] = {};
  };
  static_assert(sizeof(head) == 128, "a head is two cache lines");
  std::uint32_t depth = 0, d_max = 0;
  std::vector<head> heads;
  std::vector<entry> ring;  // [neuron * depth + c % depth]: its last `depth` spikes
  std::vector<float> tables;  // decay by ages below 1024 steps, c_plus's then c_minus's
  decay_table plus, minus;

  void reset(std::uint32_t n, std::uint32_t d, std::uint32_t longest, const plasticity_args& r) {
    depth = d, d_max = longest;
    assign_huge(heads, n), assign_huge(ring, std::size_t(n) * d);  // read at random: fewer TLB misses
    constexpr std::uint32_t ages = 1024;
    tables.resize(2 * ages);
    for (std::uint32_t a = 0; a < ages; ++a) tables[a] = decay(a, r.c_plus), tables[ages + a] = decay(a, r.c_minus);
    plus = {tables.data(), ages, r.c_plus}, minus = {tables.data() + ages, ages, r.c_minus};
  }
  /// No spikes yet.
  void clear() { std::fill(heads.begin(), heads.end(), head{}); }
  /// Spike number c of neuron i (one of its last `depth`).
  entry nth(std::uint32_t i, std::uint32_t c) const {
    const head& h = heads[i];
    return c + near >= h.count ? entry{h.step[c % near], h.before[c % near], 0}
                               : ring[std::size_t(i) * depth + (c & (depth - 1))];
  }
  /// Neuron i's next spike, at step k with the trace `before` it.
  void put(std::uint32_t i, std::uint64_t k, float before) {
    head& h = heads[i];
    h.step[h.count % near] = k, h.before[h.count % near] = before;
    ring[std::size_t(i) * depth + (h.count & (depth - 1))] = {k, before, 0};
    ++h.count;
  }
  /// The next spike of neuron i would overwrite one that some synapse may still be owed.
  bool full(std::uint32_t i) const {
    const head& h = heads[i];
    return h.count >= depth && nth(i, h.count - depth).step + d_max > h.settled;
  }
  /// The spike of neuron i at step k (after every earlier one).
  void push(std::uint32_t i, std::uint64_t k, const plasticity_args& r) {
    const std::uint32_t c = heads[i].count;
    const entry last = c > 0 ? nth(i, c - 1) : entry{};
    put(i, k, c > 0 ? trace_value_by(last.before, last.step, k, r, false, minus) : 0.0f);
  }
  /// The synapse of delay d into neuron i, its source's trace (x, xk), at step t: first the
  /// potentiation owed by the post spikes reaching it at steps in (max(xk, settled), t], in
  /// order, each with the pre trace then (pre spikes before it); returns the post trace as
  /// a pre spike at t sees it (spikes reaching the synapse at t left out). One walk from the
  /// newest spike back reads each spike once (the spikes owed again, oldest first: rare).
  __attribute__((always_inline)) float catch_up(std::uint32_t i, std::uint32_t d, std::uint64_t t,
                                               float x, std::uint64_t xk, const plasticity_args& r,
                                               std::int32_t& wq, float& sd) const {
    const head& h = heads[i];
    const std::uint32_t count = h.count, held = std::min(count, depth);
    auto back = [&](std::uint32_t j) { return nth(i, count - 1 - j); };  // j = 0: the newest
    std::uint32_t b = 0;  // the newest spike at the synapse by t, counted back
    entry e{};
    while (b < held && (e = back(b)).step + d > t) ++b;
    if (xk != no_spike && b < held) {  // no pre spike yet, or no post spike at the synapse: none owed
      const std::uint64_t lo = std::max(xk, h.settled);
      std::uint32_t a = b;  // one past the oldest spike owed, counted back
      if (e.step + d > lo)
        for (++a; a < held && back(a).step + d > lo;) ++a;
      while (a > b) potentiate(wq, sd, trace_value_by(x, xk, back(--a).step + d, r, true, plus), r);
    }
    if (b == held) return 0.0f;
    return trace_value_by(e.before, e.step + d, t, r, false, minus);
  }
};

}  // namespace SNN_CPU_NS
}  // namespace snn
