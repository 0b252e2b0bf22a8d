#include "system.hpp"

#include <omp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace snn {

namespace {

// The number after `key` on its line of a file such as /proc/meminfo (kB there), 0 if absent.
std::uint64_t kib_field(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, key.size(), key) == 0) {
      std::istringstream rest(line.substr(key.size()));
      std::uint64_t kib = 0;
      return rest >> kib ? kib : 0;
    }
  return 0;
}

// A number in a one-line file (cgroup v2), 0 if absent or "max".
std::uint64_t file_number(const char* file) {
  std::ifstream in(file);
  std::uint64_t x = 0;
  return in >> x ? x : 0;
}

}  // namespace

std::uint64_t available_memory() {
  std::uint64_t avail = kib_field("/proc/meminfo", "MemAvailable:") * 1024;
  if (avail == 0) {
    const long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    avail = pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * size : 0;
  }
  auto at_most = [&](std::uint64_t limit, std::uint64_t used) {
    const std::uint64_t room = limit > used ? limit - used : 1;  // 1: nothing left (0 is "unknown")
    avail = avail == 0 ? room : std::min(avail, room);
  };
  if (const std::uint64_t max = file_number("/sys/fs/cgroup/memory.max"))
    at_most(max, file_number("/sys/fs/cgroup/memory.current"));
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
    at_most(as.rlim_cur, kib_field("/proc/self/status", "VmSize:") * 1024);
  return avail;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024 && u < 5) bytes /= 1024, ++u;
  std::ostringstream os;
  os.precision(3);
  os << bytes << ' ' << units[u];
  return os.str();
}

void check_memory(const std::string& what, double bytes) {
  const std::uint64_t avail = available_memory();
  if (avail > 0 && bytes > static_cast<double>(avail))
    throw memory_error(cat(what, " needs an estimated ", format_bytes(bytes), " but only ",
                           format_bytes(static_cast<double>(avail)), " of memory is available"));
}

void advise_huge_pages(const void* data, std::size_t bytes) {
#if defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t huge = 2u << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data, (void)bytes;
#endif
}

int hardware_threads() { return omp_get_num_procs(); }

int max_threads() { return 4 * std::max(1, hardware_threads()); }

}  // namespace snn
