#pragma once
// Walking the rows of a step's spiking sources: rows are scattered in memory (at N = 10^5,
// tens of MB), a few lines each.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cpu/variant.hpp"

namespace snn {
namespace SNN_CPU_NS {

/// Before row pres[i] is read: claims the row pointers of the source 8 ahead and the whole
/// row of the source `Ahead` on (for writing if `Write`). Always inlined: GCC drops a
/// function of prefetches alone as one without effects.
template <int Ahead, int Write = 0, class S>
__attribute__((always_inline)) inline void prefetch_rows(const S* syn, const std::uint64_t* row_ptr,
                                                         const std::vector<std::uint32_t>& pres, std::size_t i) {
  const std::size_t n = pres.size();
  if (i + 8 < n) __builtin_prefetch(row_ptr + pres[i + 8]);
  if (i + Ahead < n)
    for (const S* r = syn + row_ptr[pres[i + Ahead]]; r < syn + row_ptr[pres[i + Ahead] + 1]; r += 64 / sizeof(S))
      __builtin_prefetch(r, Write);
}

}  // namespace SNN_CPU_NS
}  // namespace snn
