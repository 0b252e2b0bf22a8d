// The neuron step functions of neuron_math.hpp, alone: the reset, one Euler substep against
// the same formula in double, the resting state of Izhikevich's model (a stable fixed point),
// the spike cut-off, and the time to the first spike against the closed-form solution of
// the quadratic equation with u held.
#include <cmath>
#include <cstdint>

#include "check.hpp"
#include "neuron_math.hpp"

namespace {

void reset_and_substep() {
  float v = 30.0f, u = -12.5f;
  snn::izh_reset(v, u, -65.0f, 8.0f);
  CHECK_EQ(v, -65.0f);
  CHECK_EQ(u, -4.5f);
  // One substep: v + h (0.04 v^2 + 5 v + 140 - u + I), in float32 close to the double value.
  for (float v0 : {-80.0f, -65.0f, -55.5f, -40.0f, 0.0f, 25.0f}) {
    const float h = 0.25f, u0 = -13.0f, I = 7.5f;
    const double ref = v0 + 0.25 * (0.04 * v0 * v0 + 5.0 * v0 + 140.0 - u0 + I);
    CHECK_NEAR(snn::izh_dv(v0, u0, I, h), ref, 1e-5 * std::fmax(1.0, std::fabs(ref)));
  }
}

// With b = 0.2 and I = 0 the model rests at v = -70 mV, u = b v = -14 (dv = dv/dt = 0:
// 0.04 * 4900 - 350 + 140 + 14 = 0). A perturbed neuron returns there.
void resting_state() {
  for (float start : {-70.0f, -68.0f, -72.0f}) {
    float v = start, u = -14.0f;
    bool spiked = false;
    for (int k = 0; k < 2000; ++k)
      spiked = spiked || snn::izh_integrate(v, u, 0.0f, 0.02f, 0.2f, 0.5f, 1.0f, 2, 30.0f);
    CHECK(!spiked);
    CHECK_NEAR(v, -70.0, 1e-3);
    CHECK_NEAR(u, -14.0, 1e-3);
  }
}

// Crossing v_peak: v is clamped to v_peak exactly, u advances with the unclamped v.
void cutoff() {
  float v = 29.0f, u = -10.0f;
  const float vv = snn::izh_dv(v, u, 0.0f, 1.0f);
  CHECK(vv > 30.0f);
  const float expect_u = -10.0f + 1.0f * 0.02f * (0.2f * vv - -10.0f);
  CHECK(snn::izh_integrate(v, u, 0.0f, 0.02f, 0.2f, 1.0f, 1.0f, 1, 30.0f));
  CHECK_EQ(v, 30.0f);
  CHECK_EQ(u, expect_u);
  float w = 10.0f, x = 0.0f;  // below the peak: not clamped, no spike
  CHECK(!snn::izh_finish(w, x, 29.9f, 0.02f, 0.2f, 1.0f, 30.0f));
  CHECK_EQ(w, 29.9f);
}

// With a = 0 (u held at 0) and current I, dv/dt = 0.04 ((v + 62.5)^2 + D) with
// D = (140 + I) / 0.04 - 62.5^2 > 0 for I > 16.25, so v + 62.5 = sqrt(D) tan(0.04 sqrt(D) t + c):
// the time from v0 to v_peak is [atan((v_peak + 62.5)/sqrt D) - atan((v0 + 62.5)/sqrt D)] /
// (0.04 sqrt D). Euler substeps of 1 us reach the peak within 1% of that.
void first_spike_time() {
  for (float I : {20.0f, 40.0f}) {
    const double D = (140.0 + I) / 0.04 - 62.5 * 62.5, r = std::sqrt(D);
    const double t_exact = (std::atan((30.0 + 62.5) / r) - std::atan((-65.0 + 62.5) / r)) / (0.04 * r);
    const double dt = 0.01;
    const int substeps = 10;
    float v = -65.0f, u = 0.0f;
    std::int64_t k = 0;
    while (!snn::izh_integrate(v, u, I, 0.0f, 0.0f, static_cast<float>(dt / substeps),
                               static_cast<float>(dt), substeps, 30.0f) &&
           k < 100000)
      ++k;
    CHECK_NEAR((k + 1) * dt, t_exact, 0.01 * t_exact);
    CHECK_EQ(u, 0.0f);  // a = 0 holds u
  }
}

}  // namespace

int main() {
  RUN_TEST(reset_and_substep);
  RUN_TEST(resting_state);
  RUN_TEST(cutoff);
  RUN_TEST(first_spike_time);
  return snn_test::finish("neuron_math");
}
