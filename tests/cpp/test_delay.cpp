// One source neuron forced to spike once; its spike reaches targets through explicit
// (sparse) and all-to-all (dense) synapses with delays D = max(1, floor(delay/dt + 0.5)) steps and each of the five kernels.
// The recorded input I (and v for the voltage jump) of each target is compared with the
// kernel arithmetic of docs/numerics.md and with the kernels' closed forms.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "check.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"

namespace {

constexpr double dt = 0.25;             // ms
constexpr std::int64_t spike_step = 7;  // the source's only spike
constexpr std::uint64_t steps_after = 70;

std::uint32_t doc_delay_steps(float delay_ms) {
  const double d = std::floor(static_cast<double>(delay_ms) / dt + 0.5);
  return d < 1 ? 1u : static_cast<std::uint32_t>(d);
}

// The fixed-point weight of docs/numerics.md: s = 30 - e with max|w| = f 2^e, rint(w 2^s) 2^-s.
std::vector<double> quantised(const std::vector<float>& w) {
  float m = 0;
  for (float x : w) m = std::max(m, std::fabs(x));
  int e = 0;
  std::frexp(m, &e);
  const int s = 30 - e;
  std::vector<double> out;
  for (float x : w) out.push_back(std::ldexp(std::nearbyint(std::ldexp(static_cast<double>(x), s)), -s));
  return out;
}

// Input current of target j at absolute step k, from run r (which starts at spike_step).
float current(const snn::trace_record& tr, std::int64_t k, std::size_t j) {
  return tr.data[static_cast<std::size_t>(k - spike_step) * tr.neurons.size() + j];
}

void delayed_spike(snn::backend be) {
  snn::network net(dt, 42);
  const std::size_t src = net.add_population(1, snn::presets::regular_spiking(), "source");
  const std::size_t inst = net.add_population(7, snn::presets::regular_spiking(), "instant");
  const std::size_t expo = net.add_population(2, snn::presets::regular_spiking(), "exponential");
  const std::size_t alph = net.add_population(1, snn::presets::regular_spiking(), "alpha");
  const std::size_t samp = net.add_population(1, snn::presets::regular_spiking(), "sampled");
  const std::size_t jump = net.add_population(2, snn::presets::regular_spiking(), "jump");

  // Instant: one synapse per target neuron, each with its own delay and weight.
  const std::vector<float> delays{0.0f, 0.1f, 0.125f, 0.375f, 1.0f, 3.3f, 10.0f};
  const std::vector<std::uint32_t> expect_d{1, 1, 1, 2, 4, 13, 40};  // worked by hand
  const std::vector<float> weights{2.5f, 0.3f, -1.75f, 12.0f, 0.001f, -0.5f, 7.0f};
  const std::vector<std::int64_t> zeros(7, 0), targets{0, 1, 2, 3, 4, 5, 6};
  const std::size_t p_inst = net.connect_explicit(
      src, inst, zeros.data(), targets.data(), 7, snn::distribution::from_array(weights),
      snn::distribution::from_array(delays), snn::kernel::instant(), "instant");
  const std::vector<std::int64_t> two_src{0, 0}, two_dst{0, 1};
  const double tau = 2.0;
  net.connect_explicit(src, expo, two_src.data(), two_dst.data(), 2,
                       snn::distribution::from_array({1.5f, -0.8f}),
                       snn::distribution::from_array({0.5f, 2.0f}), snn::kernel::exponential(tau),
                       "exponential");
  net.connect(src, alph, snn::rule::all_to_all(), snn::distribution::constant(3.0),
              snn::distribution::constant(1.5), snn::kernel::alpha(tau), "alpha");
  const std::vector<float> kappa{1.0f, 0.5f, 0.25f, -0.125f, 0.1f};
  net.connect(src, samp, snn::rule::all_to_all(), snn::distribution::constant(2.0),
              snn::distribution::constant(0.75), snn::kernel::sampled(kappa), "sampled");
  const std::int64_t only_first = 0;
  net.connect_explicit(src, jump, &only_first, &only_first, 1, snn::distribution::constant(5.0),
                       snn::distribution::constant(1.0), snn::kernel::voltage_jump(), "jump");

  // Built synapses: delays in steps and quantised weights as documented.
  const snn::synapse_list syn = net.synapses(p_inst);
  const std::vector<double> wq = quantised(weights);
  CHECK_EQ(syn.post.size(), std::size_t{7});
  for (std::size_t i = 0; i < syn.post.size() && i < 7; ++i) {
    CHECK_EQ(syn.post[i], static_cast<std::int32_t>(i));
    CHECK_EQ(static_cast<std::uint32_t>(syn.delay_steps[i]), expect_d[i]);
    CHECK_EQ(doc_delay_steps(delays[i]), expect_d[i]);
    CHECK_EQ(syn.weight[i], wq[i]);
    // |w| >= 1/8 is exact at this projection's scale 2^26; 0.001 is within half a step.
    if (std::fabs(weights[i]) >= 0.125f) CHECK_EQ(syn.weight[i], static_cast<double>(weights[i]));
    CHECK_NEAR(syn.weight[i], weights[i], 0x1p-27);
  }

  snn::simulation sim(net, be, 1);
  // Quiet until step 7; then v = v_peak makes the source cross v_peak at step 7.
  const snn::run_result before = sim.run(spike_step);
  for (const auto& s : before.spikes) CHECK(s.steps.empty());
  const float peak = 30.0f;
  sim.set_state(src, "v", &peak, 1);
  std::vector<snn::trace_request> traces;
  for (std::size_t p : {inst, expo, alph, samp, jump}) traces.push_back({p, "I", {}, 1});
  traces.push_back({jump, "v", {}, 1});
  traces.push_back({jump, "u", {}, 1});
  const snn::run_result r = sim.run(steps_after, traces);
  CHECK_EQ(r.spikes[src].steps, std::vector<std::int64_t>{spike_step});
  if (r.traces.size() != 7) {
    CHECK_EQ(r.traces.size(), std::size_t{7});
    return;
  }
  const std::int64_t end = spike_step + static_cast<std::int64_t>(steps_after);

  // Instant: the weight, exactly D steps after the spike, and nothing else.
  std::size_t mismatches = 0;
  for (std::size_t j = 0; j < 7; ++j)
    for (std::int64_t k = spike_step; k < end; ++k) {
      const float expect = k == spike_step + expect_d[j] ? static_cast<float>(wq[j]) : 0.0f;
      if (current(r.traces[0], k, j) != expect) {
        ++mismatches;
        std::fprintf(stderr, "[%s] instant target %zu step %lld: I = %.9g, expected %.9g\n",
                     snn_test::backend_label(be), j, static_cast<long long>(k),
                     current(r.traces[0], k, j), expect);
      }
    }
  CHECK_EQ(mismatches, std::size_t{0});
  CHECK_EQ(current(r.traces[0], spike_step + 1, 0), 2.5f);
  CHECK_EQ(current(r.traces[0], spike_step + 40, 6), 7.0f);

  // Exponential: S = S + a; I = S; S = S * q, q = float32(exp(-dt/tau)); and I = w q^m.
  const float q = static_cast<float>(std::exp(-dt / tau));
  const std::vector<float> w_exp{1.5f, -0.8f};
  const std::vector<std::uint32_t> d_exp{2, 8};
  const double scale_exp = std::ldexp(1.0, 30 - 1);  // max |w| = 1.5 = 0.75 * 2^1
  for (std::size_t j = 0; j < 2; ++j) {
    const float a = static_cast<float>(std::nearbyint(w_exp[j] * scale_exp) / scale_exp);
    float S = 0;
    std::size_t bad = 0;
    double worst = 0;
    for (std::int64_t k = spike_step; k < end; ++k) {
      const std::int64_t m = k - spike_step - d_exp[j];
      S = S + (m == 0 ? a : 0.0f);
      const float expect = S;
      S = S * q;
      const float got = current(r.traces[1], k, j);
      bad += got != expect;
      if (m >= 0) worst = std::max(worst, std::fabs(got - a * std::exp(-m * dt / tau)) / std::fabs(a));
    }
    CHECK_EQ(bad, std::size_t{0});
    CHECK(worst < 2e-5);  // the recursion stays on exp(-m dt / tau)
  }

  // Alpha: X = X + a; I = c Y; Y = q (Y + X); X = q X, c = float32(e dt / tau); and the
  // current is w (m dt / tau) exp(1 - m dt / tau), peaking at w when m dt = tau.
  {
    const float c = static_cast<float>(std::exp(1.0) * dt / tau);
    const std::int64_t d_alpha = 6;  // 1.5 ms
    const float a = 3.0f;
    float X = 0, Y = 0;
    std::size_t bad = 0;
    double worst = 0;
    for (std::int64_t k = spike_step; k < end; ++k) {
      const std::int64_t m = k - spike_step - d_alpha;
      X = X + (m == 0 ? a : 0.0f);
      const float expect = c * Y;
      Y = q * (Y + X);
      X = q * X;
      const float got = current(r.traces[2], k, 0);
      bad += got != expect;
      if (m >= 0) {
        const double x = m * dt / tau;
        worst = std::max(worst, std::fabs(got - a * x * std::exp(1.0 - x)) / a);
      }
    }
    CHECK_EQ(bad, std::size_t{0});
    CHECK(worst < 2e-5);
    CHECK_NEAR(current(r.traces[2], spike_step + d_alpha + 8, 0), 3.0, 3e-5);  // m dt = tau
  }

  // Sampled kernel: I = float32(double(kappa[m]) * double(a)) for m < L, then 0.
  {
    const std::int64_t d_samp = 3;  // 0.75 ms
    std::size_t bad = 0;
    for (std::int64_t k = spike_step; k < end; ++k) {
      const std::int64_t m = k - spike_step - d_samp;
      const float expect = m >= 0 && m < static_cast<std::int64_t>(kappa.size())
                               ? static_cast<float>(static_cast<double>(kappa[m]) * 2.0)
                               : 0.0f;
      bad += current(r.traces[3], k, 0) != expect;
    }
    CHECK_EQ(bad, std::size_t{0});
  }

  // Voltage jump: no current; at arrival (D = 4) v = v + w before integration.
  {
    const snn::trace_record& I = r.traces[4];
    const snn::trace_record& v = r.traces[5];
    const snn::trace_record& u = r.traces[6];
    std::size_t nonzero = 0;
    for (float x : I.data) nonzero += x != 0.0f;
    CHECK_EQ(nonzero, std::size_t{0});
    const std::int64_t k = spike_step + 4;
    for (std::size_t j = 0; j < 2; ++j) {
      float vv = current(v, k - 1, j), uu = current(u, k - 1, j);
      vv = vv + (j == 0 ? 5.0f : 0.0f);
      vv = vv + 0.25f * (0.04f * vv * vv + 5.0f * vv + 140.0f - uu + 0.0f);
      uu = uu + 0.25f * 0.02f * (0.2f * vv - uu);
      CHECK_EQ(current(v, k, j), vv);
      CHECK_EQ(current(u, k, j), uu);
    }
    CHECK(current(v, k, 0) > current(v, k, 1) + 4.0f);
    CHECK_EQ(current(v, k - 1, 0), current(v, k - 1, 1));
  }
  std::printf("delay [%s]: checked %zu target traces over %llu steps\n", snn_test::backend_label(be),
              r.traces.size(), static_cast<unsigned long long>(steps_after));
}

}  // namespace

int main() {
  for (snn::backend be : snn_test::backends()) {
    try {
      delayed_spike(be);
    } catch (const std::exception& e) {
      CHECK(!"unexpected exception");
      std::fprintf(stderr, "[%s]: %s\n", snn_test::backend_label(be), e.what());
    }
  }
  return snn_test::finish("delay");
}
