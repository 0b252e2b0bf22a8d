// snn_embed_demo: builds a small cortical network with the installed C++ engine, runs
// 200 ms twice from the same seed, and checks the results. Exit status 0 on success.
#include <snn/config.hpp>
#include <snn/errors.hpp>
#include <snn/network.hpp>
#include <snn/simulation.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

namespace {

constexpr double dt = 0.5;       // ms
constexpr double t_run = 200.0;  // ms
constexpr std::int64_t n_exc = 100, n_inh = 20;

snn::network build(std::uint64_t seed) {
  snn::network net(dt, seed);
  const std::size_t exc = net.add_population(n_exc, snn::presets::regular_spiking(), "exc");
  const std::size_t inh = net.add_population(n_inh, snn::presets::fast_spiking(), "inh");
  const auto delay = snn::distribution::uniform(1.0, 5.0);  // ms
  net.connect(exc, exc, snn::rule::fixed_probability(0.1, false), snn::distribution::uniform(0.0, 1.0),
              delay, snn::kernel::exponential(5.0), "ee");
  net.connect(exc, inh, snn::rule::fixed_probability(0.2), snn::distribution::uniform(0.0, 1.0), delay,
              snn::kernel::exponential(5.0), "ei");
  net.connect(inh, exc, snn::rule::fixed_probability(0.3), snn::distribution::constant(-2.0),
              snn::distribution::constant(1.0), snn::kernel::exponential(10.0), "ie");
  net.add_input(exc, snn::input::noise({4.0f}, {3.0f}));
  net.add_input(inh, snn::input::noise({2.0f}, {2.0f}));
  return net;
}

int failures = 0;
void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "snn_embed_demo: FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  try {
    const auto steps = static_cast<std::uint64_t>(t_run / dt + 0.5);
    const snn::network net = build(12345);
    snn::simulation sim(net, snn::backend::cpu);
    const snn::run_result r = sim.run(steps);

    std::size_t count = 0;
    for (std::size_t p = 0; p < r.spikes.size(); ++p) {
      const snn::spike_record& s = r.spikes[p];
      const auto n = static_cast<std::int32_t>(net.population_size(p));
      count += s.steps.size();
      bool in_range = s.ids.size() == s.steps.size() && s.times.size() == s.steps.size();
      bool sorted = true;
      for (std::size_t i = 0; in_range && i < s.steps.size(); ++i) {
        in_range = in_range && s.steps[i] >= 0 && s.steps[i] < static_cast<std::int64_t>(steps) &&
                   s.ids[i] >= 0 && s.ids[i] < n && s.times[i] == s.steps[i] * dt;
        if (i > 0)
          sorted = sorted && (s.steps[i - 1] < s.steps[i] ||
                              (s.steps[i - 1] == s.steps[i] && s.ids[i - 1] < s.ids[i]));
      }
      expect(in_range, "spike steps, times and ids lie in range");
      expect(sorted, "spikes are in (step, neuron) order");
      std::printf("%-4s %3d neurons: %5zu spikes, %6.2f Hz\n", net.population_label(p).c_str(), n,
                  s.steps.size(), 1000.0 * s.steps.size() / (n * t_run));
    }
    std::printf("snn %s (%s backend, %d thread(s)): %zu synapses in %zu projections, "
                "%llu steps of %g ms, %zu spikes\n",
                SNN_VERSION, sim.backend_name(), sim.threads(),
                static_cast<std::size_t>(net.synapse_count(0) + net.synapse_count(1) + net.synapse_count(2)),
                net.projection_count(), static_cast<unsigned long long>(r.steps), dt, count);
    expect(r.steps == steps, "the run covers every step");
    expect(count > 0, "the network fires");
    expect(count < static_cast<std::size_t>((n_exc + n_inh) * steps / 2), "the network is not saturated");

    // Same seed, fresh network and simulation, in two chunks: the same spikes.
    const snn::network again = build(12345);
    snn::simulation sim2(again, snn::backend::cpu, 2);
    const snn::run_result a = sim2.run(steps / 4);
    const snn::run_result b = sim2.run(steps - steps / 4);
    bool same = true;
    for (std::size_t p = 0; p < r.spikes.size(); ++p) {
      std::vector<std::int64_t> st = a.spikes[p].steps;
      std::vector<std::int32_t> id = a.spikes[p].ids;
      st.insert(st.end(), b.spikes[p].steps.begin(), b.spikes[p].steps.end());
      id.insert(id.end(), b.spikes[p].ids.begin(), b.spikes[p].ids.end());
      same = same && st == r.spikes[p].steps && id == r.spikes[p].ids;
    }
    expect(same, "a rerun with the same seed (2 threads, two chunks) gives the same spikes");

    // Bad input is an exception, not an abort.
    bool threw = false;
    try {
      snn::network bad(-1.0);
    } catch (const snn::config_error&) {
      threw = true;
    }
    expect(threw, "dt < 0 throws snn::config_error");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "snn_embed_demo: unexpected exception: %s\n", e.what());
    return EXIT_FAILURE;
  }
  std::printf("snn_embed_demo: %s\n", failures == 0 ? "OK" : "FAILED");
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
