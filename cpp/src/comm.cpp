#include "comm.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "snn/config.hpp"
#include "system.hpp"
#if SNN_HAVE_MPI
#include <mpi.h>
#endif

namespace snn {

// In whole units of 64 neurons, as the CPU engine splits a population among its threads.
std::pair<std::uint32_t, std::uint32_t> communicator::block(std::uint32_t n, int r) const {
  const std::uint64_t units = (std::uint64_t(n) + 63) / 64;
  auto at = [&](int q) { return static_cast<std::uint32_t>(std::min<std::uint64_t>(n, 64 * (units * q / size_))); };
  return {at(r), at(r + 1)};
}

#if SNN_HAVE_MPI

namespace {
MPI_Comm as_mpi(void* c) { return *static_cast<MPI_Comm*>(c); }
}  // namespace

std::shared_ptr<communicator> communicator::from_mpi(std::intptr_t handle) {
  int ready = 0;
  MPI_Initialized(&ready);
  if (!ready) config_fail("MPI is not initialised (import mpi4py, or call MPI_Init, before distributing)");
  MPI_Comm given;
  std::memcpy(&given, &handle, sizeof given);  // MPI_Comm is a pointer (Open MPI) or an int (MPICH)
  auto c = std::make_shared<communicator>();
  auto* mine = new MPI_Comm;
  MPI_Comm_dup(given, mine);  // snn's messages never meet the caller's
  c->comm_ = mine;
  MPI_Comm_rank(*mine, &c->rank_);
  MPI_Comm_size(*mine, &c->size_);
  return c;
}

communicator::~communicator() {
  if (!comm_) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Comm_free(static_cast<MPI_Comm*>(comm_));
  delete static_cast<MPI_Comm*>(comm_);
}

void communicator::max(double* v, int n) const {
  if (distributed()) MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_MAX, as_mpi(comm_));
}

std::vector<std::uint32_t> communicator::all_gather(const std::vector<std::uint32_t>& mine,
                                                    std::vector<int>& sizes) const {
  sizes.assign(size_, 0);
  if (!distributed()) return sizes[0] = static_cast<int>(mine.size()), mine;
  const int n = static_cast<int>(mine.size());
  MPI_Allgather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, as_mpi(comm_));
  std::vector<int> at(size_, 0);
  std::partial_sum(sizes.begin(), sizes.end() - 1, at.begin() + 1);
  std::vector<std::uint32_t> all(static_cast<std::size_t>(at.back()) + sizes.back());
  MPI_Allgatherv(mine.data(), n, MPI_UINT32_T, all.data(), sizes.data(), at.data(), MPI_UINT32_T, as_mpi(comm_));
  return all;
}

std::string communicator::broadcast(std::string s, int root) const {
  if (!distributed()) return s;
  unsigned long long n = s.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, root, as_mpi(comm_));
  s.resize(n);
  MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, root, as_mpi(comm_));
  return s;
}

#else

std::shared_ptr<communicator> communicator::from_mpi(std::intptr_t) {
  config_fail("this snn was built without MPI (rebuild with SNN_ENABLE_MPI=ON and an MPI library installed)");
}
communicator::~communicator() = default;
void communicator::max(double*, int) const {}
std::vector<std::uint32_t> communicator::all_gather(const std::vector<std::uint32_t>& mine,
                                                    std::vector<int>& sizes) const {
  sizes.assign(1, static_cast<int>(mine.size()));
  return mine;
}
std::string communicator::broadcast(std::string s, int) const { return s; }

#endif

namespace {

// The kind of a failure as one letter, and back: the others raise what the first raised.
char kind_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const simulation_error&) {
    return 's';
  } catch (const memory_error&) {
    return 'm';
  } catch (const config_error&) {
    return 'c';
  } catch (...) {
    return 'e';
  }
}

std::exception_ptr raised_elsewhere(char kind, const std::string& text) {
  switch (kind) {
    case 's': return std::make_exception_ptr(simulation_error(text));
    case 'm': return std::make_exception_ptr(memory_error(text));
    case 'c': return std::make_exception_ptr(config_error(text));
    default: return std::make_exception_ptr(error(text));
  }
}

}  // namespace

// The first process that failed (lowest rank) tells the others what went wrong.
void communicator::agree_on_failure(std::exception_ptr& failed, const std::string& message) const {
  double first = failed ? -static_cast<double>(rank_) : -static_cast<double>(size_);
  max(&first, 1);
  const int root = static_cast<int>(-first);
  if (root == size_) return;
  const std::string text = broadcast(failed ? std::string(1, kind_of(failed)) + message : std::string(), root);
  if (!failed) failed = raised_elsewhere(text[0], cat(text.substr(1), " (on process ", root, " of ", size_, ")"));
}

}  // namespace snn
