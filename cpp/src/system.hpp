#pragma once
// Small helpers: error messages, memory checks, thread counts.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "snn/errors.hpp"

namespace snn {

namespace detail {
template <class T>
void put(std::ostringstream& os, const T& x) {
  os << x;
}
/// A float32 as the shortest text that reads back as it (1e+38, 0.1), not as the double
/// it widens to (9.99999968e+37, 0.1000000015).
inline void put(std::ostringstream& os, float x) {
  char text[32];
  const std::to_chars_result r = std::to_chars(text, text + sizeof text, x);
  os.write(text, r.ptr - text);
}
}  // namespace detail

/// Concatenates its arguments with operator<< (numbers in full precision).
template <class... T>
std::string cat(const T&... parts) {
  std::ostringstream os;
  os.precision(10);
  (detail::put(os, parts), ...);
  return os.str();
}

template <class... T>
[[noreturn]] void config_fail(const T&... parts) {
  throw config_error(cat(parts...));
}

/// Largest finite float32 (FLT_MAX).
inline constexpr double float_max = 3.4028234663852886e38;

/// True if x converts to a finite float32: converting a larger double is undefined behaviour
/// in C++, and the engine stores weights, parameters and constants as float32.
inline bool fits_float(double x) { return std::fabs(x) <= float_max; }

/// Bytes of memory this process can still get: the least of MemAvailable, the cgroup's
/// memory.max headroom and the address-space limit (RLIMIT_AS) headroom; 0 if unknown.
std::uint64_t available_memory();

/// Throws memory_error if `bytes` exceeds what is available; `what` names the allocation.
void check_memory(const std::string& what, double bytes);

/// Asks the kernel to back a large allocation with huge pages (transparent huge pages in
/// "madvise" mode): random access into big synapse arrays and buffers otherwise spends much of
/// its time in TLB misses. A hint only; harmless where unsupported.
void advise_huge_pages(const void* data, std::size_t bytes);

/// Sizes `v` to n copies of `value`, asking for huge pages before the memory is touched.
template <class T>
void assign_huge(std::vector<T>& v, std::size_t n, const T& value = T()) {
  v.clear();
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
  v.assign(n, value);
}

/// Frees the memory of `v` now (clear() keeps it), to lower the peak of what follows.
template <class T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

/// Hardware threads usable by this process.
int hardware_threads();

/// Most CPU threads a simulation takes: 4 x hardware_threads() (more only oversubscribe, and
/// an OpenMP team of millions exhausts the stack or the thread limit).
int max_threads();

/// "1.5 GiB"
std::string format_bytes(double bytes);

}  // namespace snn
