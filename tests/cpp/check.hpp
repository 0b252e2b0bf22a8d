#pragma once
// A tiny test harness: CHECK-style macros that count failures and keep going, and a
// summary that becomes the process exit status. No framework, no downloads.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "snn/simulation.hpp"

namespace snn_test {

inline int& failures() {
  static int n = 0;
  return n;
}
inline int& checks() {
  static int n = 0;
  return n;
}

inline void report(bool ok, const char* file, int line, const std::string& what) {
  ++checks();
  if (ok) return;
  ++failures();
  std::fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what.c_str());
}

template <class T>
void put(std::ostream& os, const T& x) {
  os << x;
}
/// Vectors print as [size: first values ...].
template <class T>
void put(std::ostream& os, const std::vector<T>& x) {
  os << "[" << x.size() << ":";
  for (std::size_t i = 0; i < x.size() && i < 12; ++i) os << " " << x[i];
  os << (x.size() > 12 ? " ...]" : "]");
}

template <class A, class B>
std::string show_pair(const char* ea, const char* eb, const A& a, const B& b) {
  std::ostringstream os;
  os.precision(17);
  os << ea << " == " << eb << " (got ";
  put(os, a);
  os << " vs ";
  put(os, b);
  os << ")";
  return os.str();
}

/// Summary line and exit status of a test program.
inline int finish(const char* name) {
  std::printf("%s: %d checks, %d failed\n", name, checks(), failures());
  return failures() == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/// Backends to run behavioural tests on: the CPU always, CUDA where compiled in and present.
inline std::vector<snn::backend> backends() {
  std::vector<snn::backend> out{snn::backend::cpu};
  if (snn::cuda_available()) out.push_back(snn::backend::cuda);
  return out;
}

inline const char* backend_label(snn::backend b) { return b == snn::backend::cuda ? "cuda" : "cpu"; }

}  // namespace snn_test

/// A condition that must hold.
#define CHECK(cond) ::snn_test::report(static_cast<bool>(cond), __FILE__, __LINE__, #cond)

/// Two values that must compare equal (printed on failure).
#define CHECK_EQ(a, b)                                                                    \
  do {                                                                                    \
    const auto& snn_a_ = (a);                                                             \
    const auto& snn_b_ = (b);                                                             \
    ::snn_test::report(snn_a_ == snn_b_, __FILE__, __LINE__,                              \
                       ::snn_test::show_pair(#a, #b, snn_a_, snn_b_));                    \
  } while (0)

/// |a - b| <= tol.
#define CHECK_NEAR(a, b, tol)                                                             \
  do {                                                                                    \
    const double snn_a_ = static_cast<double>(a), snn_b_ = static_cast<double>(b);       \
    const double snn_t_ = static_cast<double>(tol);                                       \
    std::ostringstream snn_os_;                                                           \
    snn_os_.precision(17);                                                                \
    snn_os_ << "|" #a " - " #b "| <= " #tol " (got " << snn_a_ << " vs " << snn_b_       \
            << ", difference " << std::fabs(snn_a_ - snn_b_) << ")";                      \
    ::snn_test::report(std::fabs(snn_a_ - snn_b_) <= snn_t_, __FILE__, __LINE__,          \
                       snn_os_.str());                                                    \
  } while (0)

/// The statement throws an exception of type E (and nothing else).
#define CHECK_THROWS(E, stmt)                                                             \
  do {                                                                                    \
    std::string snn_what_ = "no exception";                                               \
    bool snn_ok_ = false;                                                                 \
    try {                                                                                 \
      stmt;                                                                               \
    } catch (const E&) {                                                                  \
      snn_ok_ = true;                                                                     \
    } catch (const std::exception& snn_e_) {                                              \
      snn_what_ = std::string("other exception: ") + snn_e_.what();                       \
    } catch (...) {                                                                       \
      snn_what_ = "unknown exception";                                                    \
    }                                                                                     \
    ::snn_test::report(snn_ok_, __FILE__, __LINE__,                                       \
                       "`" #stmt "` throws " #E " (" + snn_what_ + ")");                  \
  } while (0)

/// Runs a test body; an unexpected exception is a failure, not a crash.
#define RUN_TEST(fn)                                                                      \
  do {                                                                                    \
    try {                                                                                 \
      fn();                                                                               \
    } catch (const std::exception& snn_e_) {                                              \
      ::snn_test::report(false, __FILE__, __LINE__,                                       \
                         std::string(#fn " threw: ") + snn_e_.what());                    \
    }                                                                                     \
  } while (0)
