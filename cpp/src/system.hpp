#pragma once
// Small helpers: error messages, memory checks, thread counts.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "snn/errors.hpp"

namespace snn {

/// Concatenates its arguments with operator<< (numbers in full precision).
template <class... T>
std::string cat(const T&... parts) {
  std::ostringstream os;
  os.precision(10);
  (os << ... << parts);
  return os.str();
}

template <class... T>
[[noreturn]] void config_fail(const T&... parts) {
  throw config_error(cat(parts...));
}

/// Bytes of memory the machine can still give (MemAvailable), 0 if unknown.
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

/// Hardware threads usable by this process.
int hardware_threads();

/// "1.5 GiB"
std::string format_bytes(double bytes);

}  // namespace snn
