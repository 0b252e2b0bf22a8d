// Izhikevich neurons with constant input through snn::simulation, against a hand-written
// float32 loop of the step in docs/numerics.md: same spike steps, same v, u and I.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "check.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"

namespace {

struct neuron_case {
  std::string name;
  double dt;
  int substeps;
  float v_peak;
  std::vector<float> a, b, c, d, v0;          // one value per neuron
  std::vector<std::vector<float>> inputs;     // constant inputs, one value per neuron each
  std::vector<std::uint64_t> chunks;          // runs of this many steps, one after another
};

struct trajectory {
  std::vector<std::int64_t> spike_steps;
  std::vector<float> v, u, I;  // [step]
};

// docs/numerics.md, "Neuron step k", for one neuron; every operation rounds to float32.
trajectory reference(const neuron_case& nc, std::size_t i, std::uint64_t steps) {
  const float a = nc.a[i], b = nc.b[i], c = nc.c[i], d = nc.d[i];
  const float dt32 = static_cast<float>(nc.dt);
  const float h = static_cast<float>(nc.dt / nc.substeps);
  float v = nc.v0[i];
  float u = b * v;  // u0 = float32(b * v0)
  bool spiked = false;
  trajectory out;
  for (std::uint64_t k = 0; k < steps; ++k) {
    if (spiked) {
      v = c;
      u = u + d;
    }
    float I = 0.0f;
    for (const auto& in : nc.inputs) I = I + in[i];
    for (int s = 0; s < nc.substeps; ++s) {
      const float dv = 0.04f * v * v + 5.0f * v + 140.0f - u + I;
      v = v + h * dv;
    }
    u = u + dt32 * a * (b * v - u);
    spiked = v >= nc.v_peak;
    if (spiked) {
      v = nc.v_peak;
      out.spike_steps.push_back(static_cast<std::int64_t>(k));
    }
    out.v.push_back(v);
    out.u.push_back(u);
    out.I.push_back(I);
  }
  return out;
}

void run_case(const neuron_case& nc, snn::backend be) {
  const std::size_t n = nc.a.size();
  snn::network net(nc.dt, 1);
  snn::izhikevich p{nc.a, nc.b, nc.c, nc.d, nc.v0, {}, nc.v_peak, nc.substeps};
  const std::size_t pop = net.add_population(static_cast<std::int64_t>(n), p, "neurons");
  for (const auto& in : nc.inputs) net.add_input(pop, snn::input::constant(in));

  snn::simulation sim(net, be, 1);
  std::vector<snn::trace_request> traces{{pop, "v", {}, 1}, {pop, "u", {}, 1}, {pop, "I", {}, 1}};
  std::uint64_t total = 0;
  std::vector<std::vector<std::int64_t>> spikes(n);
  std::vector<std::vector<float>> v(n), u(n), I(n);
  for (std::uint64_t chunk : nc.chunks) {
    const snn::run_result r = sim.run(chunk, traces);
    CHECK_EQ(r.first_step, total);
    CHECK_EQ(r.steps, chunk);
    CHECK_EQ(r.spikes.size(), std::size_t{1});
    CHECK_EQ(r.traces.size(), std::size_t{3});
    if (r.spikes.size() != 1 || r.traces.size() != 3) return;
    const snn::spike_record& s = r.spikes[0];
    CHECK_EQ(s.steps.size(), s.ids.size());
    CHECK_EQ(s.steps.size(), s.times.size());
    for (std::size_t j = 0; j < s.steps.size() && j < s.ids.size() && j < s.times.size(); ++j) {
      CHECK(s.steps[j] >= static_cast<std::int64_t>(total) &&
            s.steps[j] < static_cast<std::int64_t>(total + chunk));
      CHECK_EQ(s.times[j], static_cast<double>(s.steps[j]) * nc.dt);
      if (s.ids[j] >= 0 && static_cast<std::size_t>(s.ids[j]) < n) spikes[s.ids[j]].push_back(s.steps[j]);
      else CHECK(!"spike id out of range");
    }
    for (int t = 0; t < 3; ++t) {
      const snn::trace_record& tr = r.traces[t];
      CHECK_EQ(tr.steps.size(), static_cast<std::size_t>(chunk));
      CHECK_EQ(tr.neurons.size(), n);
      CHECK_EQ(tr.data.size(), static_cast<std::size_t>(chunk) * n);
      if (tr.steps.size() != chunk || tr.data.size() != chunk * n) return;
      for (std::uint64_t k = 0; k < chunk; ++k) {
        if (tr.steps[k] != static_cast<std::int64_t>(total + k)) CHECK_EQ(tr.steps[k], static_cast<std::int64_t>(total + k));
        for (std::size_t i = 0; i < n; ++i) {
          const float x = tr.data[k * n + i];
          (t == 0 ? v : t == 1 ? u : I)[i].push_back(x);
        }
      }
    }
    total += chunk;
  }
  CHECK_EQ(sim.step(), total);

  for (std::size_t i = 0; i < n; ++i) {
    const trajectory ref = reference(nc, i, total);
    CHECK_EQ(spikes[i], ref.spike_steps);
    double dv = 0, du = 0, dI = 0;
    std::size_t bit_diff = 0;
    for (std::uint64_t k = 0; k < total; ++k) {
      dv = std::max(dv, std::fabs(double(v[i][k]) - ref.v[k]));
      du = std::max(du, std::fabs(double(u[i][k]) - ref.u[k]));
      dI = std::max(dI, std::fabs(double(I[i][k]) - ref.I[k]));
      bit_diff += v[i][k] != ref.v[k] || u[i][k] != ref.u[k] || I[i][k] != ref.I[k];
    }
    std::printf("%s [%s] neuron %zu: %zu spikes (reference %zu), max |dv| %.3g, |du| %.3g, "
                "|dI| %.3g, %zu samples not bit-identical\n",
                nc.name.c_str(), snn_test::backend_label(be), i, spikes[i].size(),
                ref.spike_steps.size(), dv, du, dI, bit_diff);
    CHECK(!ref.spike_steps.empty());  // the case is meant to fire
    CHECK(dv <= 1e-4);
    CHECK(du <= 1e-4);
    CHECK_EQ(dI, 0.0);
    // docs/numerics.md promises the same bits (no FMA, one rounding per operation).
    CHECK_EQ(bit_diff, std::size_t{0});
  }
  // The final state equals the last trace sample.
  const std::vector<float> v_end = sim.get_state(pop, "v"), u_end = sim.get_state(pop, "u");
  for (std::size_t i = 0; i < n; ++i) {
    CHECK_EQ(v_end[i], v[i].back());
    CHECK_EQ(u_end[i], u[i].back());
  }
}

}  // namespace

int main() {
  std::vector<neuron_case> cases;
  // A regular-spiking neuron, I = 10, dt = 0.1 ms; the 200 ms run is split into two runs.
  cases.push_back({"regular spiking, I = 10", 0.1, 1, 30.0f,
                   {0.02f}, {0.2f}, {-65.0f}, {8.0f}, {-65.0f}, {{10.0f}}, {700, 1300}});
  // Izhikevich (2003) stepping: dt = 1 ms, two substeps; input as two constants 3 + 2.
  cases.push_back({"fast spiking, dt = 1, 2 substeps", 1.0, 2, 30.0f,
                   {0.1f}, {0.2f}, {-65.0f}, {2.0f}, {-65.0f}, {{3.0f}, {2.0f}}, {1000}});
  // Per-neuron parameters and inputs (RS, IB, CH, LTS), dt = 0.25 ms, 4 substeps, v_peak 35.
  cases.push_back({"four types, dt = 0.25, 4 substeps", 0.25, 4, 35.0f,
                   {0.02f, 0.02f, 0.02f, 0.02f},
                   {0.2f, 0.2f, 0.2f, 0.25f},
                   {-65.0f, -55.0f, -50.0f, -65.0f},
                   {8.0f, 4.0f, 2.0f, 2.0f},
                   {-65.0f, -70.0f, -60.0f, -64.0f},
                   {{10.0f, 10.0f, 10.0f, 4.5f}, {0.3f, -0.7f, 1.1f, 0.05f}},
                   {333, 1, 1666}});
  for (const auto& nc : cases)
    for (snn::backend be : snn_test::backends()) {
      try {
        run_case(nc, be);
      } catch (const std::exception& e) {
        CHECK(!"unexpected exception");
        std::fprintf(stderr, "%s [%s]: %s\n", nc.name.c_str(), snn_test::backend_label(be), e.what());
      }
    }
  return snn_test::finish("neuron");
}
