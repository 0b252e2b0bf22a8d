#pragma once
// A network and the simulations made of it are used by one thread at a time. Neither the
// description nor an engine's state is safe to touch from two threads at once, so every
// public call holds the network's guard for its duration: reads exclude writes, a write
// excludes every other call, and a call that would overlap another thread's throws
// snn::error instead of racing. A run (begin_run to end_run) belongs to the thread that
// began it: between its chunks, calls from other threads throw too, while its own thread
// (e.g. an input evaluated between chunks) may still read and set state.
#include <mutex>
#include <thread>

#include "snn/errors.hpp"

namespace snn {

class thread_guard {
 public:
  /// Holds the guard for one call (a read or a write).
  class scope {
   public:
    scope(thread_guard& g, bool write) : g_(g), write_(write) { g_.enter(write_); }
    ~scope() { g_.leave(write_); }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

   private:
    thread_guard& g_;
    bool write_;
  };

  scope read() { return scope(*this, false); }
  scope write() { return scope(*this, true); }
  /// The calling thread owns the network until release() (a run begun).
  void claim() {
    std::lock_guard<std::mutex> lock(m_);
    owner_ = std::this_thread::get_id();
  }
  void release() {
    std::lock_guard<std::mutex> lock(m_);
    owner_ = std::thread::id();
  }

 private:
  void enter(bool write) {
    std::lock_guard<std::mutex> lock(m_);
    if (owner_ != std::thread::id() && owner_ != std::this_thread::get_id())
      throw error("the network is running in another thread (a run belongs to the thread that began it)");
    if (writer_ || (write && readers_ > 0))
      throw error("the network is in use by another thread (a network is used by one thread at a time)");
    if (write)
      writer_ = true;
    else
      ++readers_;
  }
  void leave(bool write) {
    std::lock_guard<std::mutex> lock(m_);
    if (write)
      writer_ = false;
    else
      --readers_;
  }

  std::mutex m_;
  std::thread::id owner_;
  int readers_ = 0;
  bool writer_ = false;
};

}  // namespace snn
