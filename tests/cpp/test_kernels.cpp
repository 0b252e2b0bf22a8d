// The kernel recursions of neuron_math.hpp against the kernels' closed forms
// (kappa[m] = exp(-m dt/tau), (m dt/tau) exp(1 - m dt/tau)), their linearity in the
// arrivals, and the exact int64 -> double conversion of the fixed-point input sums.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "check.hpp"
#include "neuron_math.hpp"

namespace {

constexpr double dt = 0.1;  // ms
constexpr int steps = 400;

double exp_kappa(int m, double tau) { return std::exp(-m * dt / tau); }
double alpha_kappa(int m, double tau) {
  const double x = m * dt / tau;
  return x * std::exp(1.0 - x);
}

// Currents of an exponential kernel for arrivals[m] added at step m.
std::vector<float> run_exponential(const std::vector<float>& arrivals, double tau) {
  const auto q = static_cast<float>(std::exp(-dt / tau));  // as network.cpp derives it
  float s = 0.0f;
  std::vector<float> out;
  for (float a : arrivals) out.push_back(snn::exp_kernel_step(s, a, q));
  return out;
}

std::vector<float> run_alpha(const std::vector<float>& arrivals, double tau) {
  const auto q = static_cast<float>(std::exp(-dt / tau));
  const auto c = static_cast<float>(std::exp(1.0) * dt / tau);
  float x = 0.0f, y = 0.0f;
  std::vector<float> out;
  for (float a : arrivals) out.push_back(snn::alpha_kernel_step(x, y, a, q, c));
  return out;
}

// One unit arrival at step 0: the closed form, to float32 rounding growing with m
// (each step multiplies by the rounded q: relative error <= m * 2^-23 or so).
void single_arrival() {
  for (double tau : {0.5, 2.0, 10.0}) {
    std::vector<float> in(steps, 0.0f);
    in[0] = 1.0f;
    const std::vector<float> e = run_exponential(in, tau), a = run_alpha(in, tau);
    for (int m = 0; m < steps; ++m) {
      const double tol = 1e-7 + 2e-7 * (m + 1);
      CHECK_NEAR(e[m], exp_kappa(m, tau), tol * std::fmax(1.0, exp_kappa(m, tau)));
      CHECK_NEAR(a[m], alpha_kappa(m, tau), tol * std::fmax(1.0, alpha_kappa(m, tau)));
    }
    CHECK_EQ(e[0], 1.0f);  // the arrival acts at once, undecayed
    CHECK_EQ(a[0], 0.0f);  // the alpha kernel starts at 0 ...
    const int peak = static_cast<int>(std::lround(tau / dt));
    CHECK_NEAR(a[peak], 1.0, 1e-5);  // ... and peaks at 1 at t = tau
  }
}

// Kernels are linear: arrivals of 2.5 at step 3 and -0.75 at step 40 give the sum of the
// shifted, scaled kernels.
void superposition() {
  const double tau = 3.0;
  std::vector<float> in(steps, 0.0f);
  in[3] = 2.5f;
  in[40] = -0.75f;
  const std::vector<float> e = run_exponential(in, tau), a = run_alpha(in, tau);
  for (int m = 0; m < steps; ++m) {
    double ee = 0, aa = 0;
    if (m >= 3) ee += 2.5 * exp_kappa(m - 3, tau), aa += 2.5 * alpha_kappa(m - 3, tau);
    if (m >= 40) ee += -0.75 * exp_kappa(m - 40, tau), aa += -0.75 * alpha_kappa(m - 40, tau);
    CHECK_NEAR(e[m], ee, 1e-4);
    CHECK_NEAR(a[m], aa, 1e-4);
  }
  CHECK(e[2] == 0.0f && a[2] == 0.0f);  // nothing before the first arrival
}

// The fixed-point sums are converted exactly (correct rounding, as a plain cast).
void int64_conversion() {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::vector<std::int64_t> xs{0, 1, -1, 123456789, -987654321012LL, (1LL << 53) + 1,
                                     -(1LL << 53) - 3, (1LL << 62) + 12345, big, -big - 1,
                                     0x7FFFFFFF, -0x80000000LL, 0x100000000LL};
  for (std::int64_t x : xs) CHECK_EQ(snn::int64_to_double(x), static_cast<double>(x));
  const double inv = std::ldexp(1.0, -28);  // weight scale 2^-28
  CHECK_EQ(snn::fixed_to_float(3LL << 28, inv), 3.0f);
  CHECK_EQ(snn::fixed_to_float(-(5LL << 26), inv), -1.25f);
  CHECK_EQ(snn::fixed_to_float(1, inv), static_cast<float>(std::ldexp(1.0, -28)));
}

}  // namespace

int main() {
  RUN_TEST(single_arrival);
  RUN_TEST(superposition);
  RUN_TEST(int64_conversion);
  return snn_test::finish("kernels");
}
