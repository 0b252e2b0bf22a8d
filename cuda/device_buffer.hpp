#pragma once
// Owning device and pinned host arrays: allocation checked (snn::cuda_error), freed on
// destruction, movable, never copied.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "cuda_check.hpp"

namespace snn {
namespace cuda {

/// Device memory (Host = false) or page-locked host memory for asynchronous copies
/// (Host = true).
template <class T, bool Host>
class cuda_array {
 public:
  cuda_array() = default;
  explicit cuda_array(std::size_t n) : n_(n) {
    if (n == 0) return;
    if constexpr (Host)
      SNN_CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(&p_), n * sizeof(T)));
    else if (cudaMalloc(reinterpret_cast<void**>(&p_), n * sizeof(T)) == cudaErrorMemoryAllocation)
      out_of_memory(n * sizeof(T));
    SNN_CUDA_CHECK(cudaGetLastError());
  }
  explicit cuda_array(const std::vector<T>& host) : cuda_array(host.size()) {
    upload(host.data(), host.size());
  }
  ~cuda_array() {  // no throw from a destructor; a failed free leaves nothing to do
    if (!p_) return;
    if constexpr (Host)
      cudaFreeHost(p_);
    else
      cudaFree(p_);
  }
  cuda_array(cuda_array&& o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  cuda_array& operator=(cuda_array&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  cuda_array(const cuda_array&) = delete;
  cuda_array& operator=(const cuda_array&) = delete;

  T* get() const { return p_; }
  T& operator[](std::size_t i) const { return p_[i]; }
  std::size_t size() const { return n_; }
  void upload(const T* src, std::size_t n) const {
    if (n) SNN_CUDA_CHECK(cudaMemcpy(p_, src, n * sizeof(T), cudaMemcpyDefault));
  }
  void download(T* dst, std::size_t n, std::size_t offset = 0) const {
    if (n) SNN_CUDA_CHECK(cudaMemcpy(dst, p_ + offset, n * sizeof(T), cudaMemcpyDefault));
  }
  void zero() {
    if (n_) SNN_CUDA_CHECK(cudaMemset(p_, 0, n_ * sizeof(T)));
  }

 private:
  [[noreturn]] static void out_of_memory(std::size_t bytes) {
    cudaGetLastError();  // not sticky: clear it
    std::size_t free = 0, total = 0;
    cudaMemGetInfo(&free, &total);
    throw memory_error("backend 'cuda': cannot allocate " + std::to_string(bytes) +
                       " bytes of device memory (" + std::to_string(free) + " of " +
                       std::to_string(total) + " bytes free)");
  }

  T* p_ = nullptr;
  std::size_t n_ = 0;
};

template <class T>
using device_array = cuda_array<T, false>;
template <class T>
using pinned_array = cuda_array<T, true>;

}  // namespace cuda
}  // namespace snn
