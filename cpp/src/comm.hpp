#pragma once
// The processes of a distributed run (MPI), or one process. Every collective here is called
// by every process of the communicator in the same order; with one process each is a no-op
// or a copy, so single-process builds never touch MPI.
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "snn/errors.hpp"

namespace snn {

class communicator {
 public:
  communicator() = default;  // one process
  /// A copy of the MPI communicator `handle` (an MPI_Comm as an integer; needs SNN_HAVE_MPI).
  static std::shared_ptr<communicator> from_mpi(std::intptr_t handle);
  ~communicator();
  communicator(const communicator&) = delete;
  communicator& operator=(const communicator&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }
  /// The block of n neurons that process r owns: [64 floor(u r / P), 64 floor(u (r + 1) / P))
  /// with u = ceil(n / 64), capped at n (a process may own none).
  std::pair<std::uint32_t, std::uint32_t> block(std::uint32_t n, int r) const;
  std::pair<std::uint32_t, std::uint32_t> owned(std::uint32_t n) const { return block(n, rank_); }

  /// Element-wise maximum of v over all processes, in place.
  void max(double* v, int n) const;
  /// Every process's words, concatenated in rank order; sizes[r]: process r's count.
  std::vector<std::uint32_t> all_gather(const std::vector<std::uint32_t>& mine, std::vector<int>& sizes) const;
  /// Process root's string on every process.
  std::string broadcast(std::string s, int root) const;

  /// Runs body(); if it threw on any process, throws on every one: the process's own
  /// exception where it failed, else a config_error with the first failed process's message.
  template <class Body>
  void all_or_none(Body&& body) const {
    std::exception_ptr failed;
    std::string message;
    try {
      body();
    } catch (const std::exception& e) {
      failed = std::current_exception(), message = e.what();
    }
    if (distributed()) agree_on_failure(failed, message);
    if (failed) std::rethrow_exception(failed);
  }

 private:
  void agree_on_failure(std::exception_ptr& failed, const std::string& message) const;
  int rank_ = 0, size_ = 1;
  void* comm_ = nullptr;  // an MPI_Comm duplicated for snn (SNN_HAVE_MPI), else null
};

}  // namespace snn
