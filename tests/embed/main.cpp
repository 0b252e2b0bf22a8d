// snn_embed_demo: Izhikevich's 2003 network (800 excitatory + 200 inhibitory neurons,
// all-to-all, thalamic noise, dt = 1 ms with two v substeps) built and run with the
// installed C++ engine, exactly as snn.models.izhikevich_2003 builds it in Python.
//
//   snn_embed_demo [seed [steps]]     (defaults: seed 1, 1000 steps = 1000 ms)
//
// Checks the result (spikes in range and order, a rerun in chunks on 2 threads gives the
// same spikes, state can be read and set, bad input throws) and prints one machine-readable
// line that tests/test_embed.py compares with the Python API's run of the same seed:
//
//   snn_embed_result seed=S n=N steps=K spikes=C exc_spikes=E inh_spikes=I key_sum=A key_sq_sum=B
//
// where key = step * N + neuron (inhibitory neurons numbered after the excitatory ones)
// and the sums run over every spike. Exit status 0 only if every check passed.
#include <snn/snn.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

namespace {

constexpr double dt = 1.0;  // ms
constexpr std::int64_t n_exc = 800, n_inh = 200;

// Populations 0 (exc) and 1 (inh); projections exc->exc, exc->inh, inh->exc, inh->inh.
snn::network izhikevich_2003(std::uint64_t seed) {
  snn::network net(dt, seed);
  snn::izhikevich exc_params = net.izhikevich_2003(n_exc, true);
  exc_params.v_substeps = 2;
  const std::size_t exc = net.add_population(n_exc, exc_params, "exc");
  snn::izhikevich inh_params = net.izhikevich_2003(n_inh, false);
  inh_params.v_substeps = 2;
  const std::size_t inh = net.add_population(n_inh, inh_params, "inh");
  const snn::distribution from_exc = snn::distribution::uniform(0.0, 0.5);
  const snn::distribution from_inh = snn::distribution::uniform(-1.0, 0.0);
  const snn::distribution next_step = snn::distribution::constant(0.0);  // delay 0: next step
  for (const std::size_t pre : {exc, inh})
    for (const std::size_t post : {exc, inh})
      net.connect(pre, post, snn::rule::all_to_all(), pre == exc ? from_exc : from_inh, next_step,
                  snn::kernel::instant());
  net.add_input(exc, snn::input::noise({0.0f}, {5.0f}));
  net.add_input(inh, snn::input::noise({0.0f}, {2.0f}));
  return net;
}

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "snn_embed_demo: FAILED: %s\n", what.c_str());
    ++failures;
  }
}

// Spikes in range and in (step, neuron) order.
bool well_formed(const snn::spike_record& s, std::int64_t n, std::uint64_t steps) {
  if (s.ids.size() != s.steps.size() || s.times.size() != s.steps.size()) return false;
  for (std::size_t i = 0; i < s.steps.size(); ++i) {
    if (s.steps[i] < 0 || static_cast<std::uint64_t>(s.steps[i]) >= steps || s.ids[i] < 0 ||
        s.ids[i] >= n || s.times[i] != static_cast<double>(s.steps[i]) * dt)
      return false;
    if (i > 0 && !(s.steps[i - 1] < s.steps[i] ||
                   (s.steps[i - 1] == s.steps[i] && s.ids[i - 1] < s.ids[i])))
      return false;
  }
  return true;
}

std::uint64_t parse(const char* text, const char* what) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0') throw snn::config_error(std::string(what) + " must be a non-negative integer, got '" + text + "'");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::uint64_t seed = argc > 1 ? parse(argv[1], "seed") : 1;
    const std::uint64_t steps = argc > 2 ? parse(argv[2], "steps") : 1000;

    const snn::network net = izhikevich_2003(seed);
    snn::simulation sim(net, snn::backend::cpu);
    const snn::run_result r = sim.run(steps);
    expect(r.steps == steps && r.first_step == 0, "the run covers every step");
    expect(r.spikes.size() == 2, "one spike record per population");

    const std::int64_t n = n_exc + n_inh;
    std::uint64_t count[2] = {0, 0}, key_sum = 0, key_sq_sum = 0;
    for (std::size_t p = 0; p < 2; ++p) {
      const snn::spike_record& s = r.spikes[p];
      const std::int64_t size = static_cast<std::int64_t>(net.population_size(p));
      const std::int64_t offset = p == 0 ? 0 : n_exc;
      expect(well_formed(s, size, steps), net.population_label(p) + ": spikes in range and order");
      count[p] = s.steps.size();
      for (std::size_t i = 0; i < s.steps.size(); ++i) {
        const auto key = static_cast<std::uint64_t>(s.steps[i] * n + offset + s.ids[i]);
        key_sum += key;
        key_sq_sum += key * key;
      }
      std::printf("%s: %lld neurons, %llu spikes, %.2f Hz\n", net.population_label(p).c_str(),
                  static_cast<long long>(size), static_cast<unsigned long long>(count[p]),
                  1000.0 * static_cast<double>(count[p]) /
                      (static_cast<double>(size) * static_cast<double>(steps) * dt));
    }
    std::uint64_t synapses = 0;
    for (std::size_t j = 0; j < net.projection_count(); ++j) synapses += net.synapse_count(j);
    std::printf("snn %s, %s backend, %d thread(s): %llu synapses in %zu projections, %llu steps "
                "of %g ms\n",
                SNN_VERSION, sim.backend_name(), sim.threads(),
                static_cast<unsigned long long>(synapses), net.projection_count(),
                static_cast<unsigned long long>(r.steps), dt);
    expect(synapses == static_cast<std::uint64_t>(n * n), "all-to-all: N^2 synapses");
    // The 2003 network fires at a few to ~20 Hz (Izhikevich 2003, fig. 3): between 1 and
    // 100 spikes per neuron per second.
    const double spikes_per_neuron_s = static_cast<double>(count[0] + count[1]) /
                                       static_cast<double>(n) / (static_cast<double>(steps) * dt / 1000.0);
    expect(steps == 0 || (spikes_per_neuron_s > 1.0 && spikes_per_neuron_s < 100.0),
           "the network fires at 1-100 Hz");

    // Same seed, fresh network and simulation, 2 threads, in two chunks: the same spikes.
    const snn::network again = izhikevich_2003(seed);
    snn::simulation sim2(again, snn::backend::cpu, 2);
    const snn::run_result a = sim2.run(steps / 3);
    const snn::run_result b = sim2.run(steps - steps / 3);
    bool same = true;
    for (std::size_t p = 0; p < 2; ++p) {
      std::vector<std::int64_t> st = a.spikes[p].steps;
      std::vector<std::int32_t> id = a.spikes[p].ids;
      st.insert(st.end(), b.spikes[p].steps.begin(), b.spikes[p].steps.end());
      id.insert(id.end(), b.spikes[p].ids.begin(), b.spikes[p].ids.end());
      same = same && st == r.spikes[p].steps && id == r.spikes[p].ids;
    }
    expect(same, "a rerun with the same seed (2 threads, two chunks) gives the same spikes");

    // State is read and set through the API.
    std::vector<float> v = sim2.get_state(0, "v");
    expect(v.size() == static_cast<std::size_t>(n_exc), "get_state returns one v per neuron");
    v.assign(v.size(), -70.0f);
    sim2.set_state(0, "v", v.data(), v.size());
    expect(sim2.get_state(0, "v") == v, "set_state then get_state gives the values set");

    // Bad input is an exception naming what is wrong, not an abort.
    std::string message;
    try {
      snn::network bad(dt, seed);
      bad.add_population(0, snn::presets::regular_spiking(), "empty");
    } catch (const snn::config_error& e) {
      message = e.what();
    }
    expect(message.find("population 'empty'") != std::string::npos &&
               message.find("size") != std::string::npos,
           "a population of 0 neurons throws snn::config_error naming it (got '" + message + "')");

    std::printf("snn_embed_result seed=%llu n=%lld steps=%llu spikes=%llu exc_spikes=%llu "
                "inh_spikes=%llu key_sum=%llu key_sq_sum=%llu\n",
                static_cast<unsigned long long>(seed), static_cast<long long>(n),
                static_cast<unsigned long long>(steps),
                static_cast<unsigned long long>(count[0] + count[1]),
                static_cast<unsigned long long>(count[0]), static_cast<unsigned long long>(count[1]),
                static_cast<unsigned long long>(key_sum), static_cast<unsigned long long>(key_sq_sum));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "snn_embed_demo: unexpected exception: %s\n", e.what());
    return EXIT_FAILURE;
  }
  std::printf("snn_embed_demo: %s\n", failures == 0 ? "OK" : "FAILED");
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
