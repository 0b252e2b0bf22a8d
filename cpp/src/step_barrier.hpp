#pragma once
// A barrier for the CPU engine's threads, which meet twice per step.
#include <atomic>
#include <condition_variable>
#include <mutex>

namespace snn {

/// Spins briefly, then sleeps. The wait at a step's barrier is usually a few microseconds,
/// which a spin catches; but when another process holds a core, a thread spinning for long
/// (as OpenMP's barrier does by default) takes the time the thread it waits for needs.
class step_barrier {
 public:
  explicit step_barrier(int threads) : n_(threads) {}

  void wait() {
    const unsigned gen = gen_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == n_) {  // the last to arrive
      arrived_.store(0, std::memory_order_relaxed);
      {
        std::lock_guard<std::mutex> lock(m_);
        gen_.store(gen + 1, std::memory_order_release);
      }
      cv_.notify_all();
      return;
    }
    for (int i = 0; i < spins; ++i) {
      if (gen_.load(std::memory_order_acquire) != gen) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return gen_.load(std::memory_order_acquire) != gen; });
  }

 private:
  static constexpr int spins = 2000;  // ~50-300 us of pause instructions, by CPU
  const int n_;
  std::atomic<int> arrived_{0};
  std::atomic<unsigned> gen_{0};
  std::mutex m_;
  std::condition_variable cv_;
};

}  // namespace snn
