// The same seed gives the same network and the same spike trains whatever the thread count
// (docs/numerics.md: counter-based draws, fixed-point synaptic sums), and on every backend.
#include <omp.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "check.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"

namespace {

constexpr std::int64_t n_exc = 2400, n_inh = 600;
constexpr double dt = 0.5;               // ms
constexpr std::uint64_t n_steps = 1000;  // 500 ms

// Izhikevich (2003)-style random network, 3000 neurons, every rule and kernel type.
snn::network build(std::uint64_t seed) {
  snn::network net(dt, seed);
  const std::size_t exc = net.add_population(n_exc, net.izhikevich_2003(n_exc, true), "exc");
  const std::size_t inh = net.add_population(n_inh, net.izhikevich_2003(n_inh, false), "inh");
  net.connect(exc, exc, snn::rule::fixed_probability(0.05, false), snn::distribution::uniform(0.0, 0.5),
              snn::distribution::uniform(0.5, 20.0), snn::kernel::instant(), "ee");
  net.connect(exc, inh, snn::rule::fixed_out_degree(40), snn::distribution::uniform(0.0, 1.0),
              snn::distribution::constant(1.0), snn::kernel::exponential(5.0), "ei");
  net.connect(inh, exc, snn::rule::fixed_in_degree(50),
              snn::distribution::normal(-1.0, 0.3, -2.0, 0.0),
              snn::distribution::normal(2.0, 1.0, 0.0, 5.0), snn::kernel::alpha(3.0), "ie");
  net.connect(inh, inh, snn::rule::all_to_all(false), snn::distribution::constant(-0.05),
              snn::distribution::constant(1.0), snn::kernel::sampled({1.0f, 0.6f, 0.3f}), "ii");
  net.add_input(exc, snn::input::noise({0.0f}, {5.0f}));
  net.add_input(inh, snn::input::noise({0.0f}, {2.0f}));
  net.add_input(exc, snn::input::constant({0.5f}));
  return net;
}

struct outcome {
  std::vector<std::vector<std::int64_t>> steps;
  std::vector<std::vector<std::int32_t>> ids;
  std::vector<std::vector<float>> v, u;
  bool operator==(const outcome& o) const { return steps == o.steps && ids == o.ids && v == o.v && u == o.u; }
};

outcome simulate(const snn::network& net, snn::backend be, int threads, std::vector<std::uint64_t> chunks) {
  snn::simulation sim(net, be, threads);
  if (be == snn::backend::cpu) CHECK_EQ(sim.threads(), threads);
  outcome out;
  out.steps.resize(net.population_count());
  out.ids.resize(net.population_count());
  for (std::uint64_t c : chunks) {
    const snn::run_result r = sim.run(c);
    for (std::size_t p = 0; p < r.spikes.size(); ++p) {
      out.steps[p].insert(out.steps[p].end(), r.spikes[p].steps.begin(), r.spikes[p].steps.end());
      out.ids[p].insert(out.ids[p].end(), r.spikes[p].ids.begin(), r.spikes[p].ids.end());
    }
  }
  for (std::size_t p = 0; p < net.population_count(); ++p) {
    out.v.push_back(sim.get_state(p, "v"));
    out.u.push_back(sim.get_state(p, "u"));
  }
  return out;
}

bool same_synapses(const snn::network& a, const snn::network& b) {
  if (a.projection_count() != b.projection_count()) return false;
  for (std::size_t j = 0; j < a.projection_count(); ++j) {
    const snn::synapse_list x = a.synapses(j), y = b.synapses(j);
    if (x.pre != y.pre || x.post != y.post || x.weight != y.weight || x.delay_steps != y.delay_steps)
      return false;
  }
  return true;
}

void thread_counts() {
  // Building: the same synapses whatever the OpenMP team size.
  const int max_threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const snn::network net = build(2003);
  omp_set_num_threads(3);
  const snn::network net3 = build(2003);
  omp_set_num_threads(max_threads);
  CHECK(same_synapses(net, net3));
  for (std::size_t j = 0; j < net.projection_count(); ++j)
    std::printf("projection %s: %llu synapses\n", net.projection_label(j).c_str(),
                static_cast<unsigned long long>(net.synapse_count(j)));
  CHECK_EQ(net.synapse_count(2), std::uint64_t{n_exc * 50});
  CHECK_EQ(net.synapse_count(3), std::uint64_t{n_inh * (n_inh - 1)});

  // Running: 1 thread, 2 threads, 3 threads in uneven chunks.
  const outcome one = simulate(net, snn::backend::cpu, 1, {n_steps});
  const outcome two = simulate(net, snn::backend::cpu, 2, {n_steps});
  const outcome three = simulate(net3, snn::backend::cpu, 3, {1, 399, 600});
  std::size_t total = 0;
  for (const auto& s : one.steps) total += s.size();
  const double rate = 1000.0 * total / ((n_exc + n_inh) * n_steps * dt);
  std::printf("threads 1: %zu spikes (%.2f Hz mean rate); 2 threads: %zu; 3 threads: %zu\n", total, rate,
              two.steps[0].size() + two.steps[1].size(), three.steps[0].size() + three.steps[1].size());
  CHECK(rate > 1.0 && rate < 100.0);  // an active, not saturated, network
  CHECK(!one.steps[1].empty());
  CHECK(one == two);
  CHECK(one == three);
  CHECK_EQ(one.steps[0].size(), two.steps[0].size());
  CHECK_EQ(one.steps[1].size(), two.steps[1].size());

  // Spike records are in (step, neuron) order within the range run.
  for (std::size_t p = 0; p < 2; ++p) {
    bool ordered = true;
    for (std::size_t i = 0; i < one.steps[p].size(); ++i) {
      const std::int64_t n = p == 0 ? n_exc : n_inh;
      ordered = ordered && one.steps[p][i] >= 0 && one.steps[p][i] < std::int64_t(n_steps) &&
                one.ids[p][i] >= 0 && one.ids[p][i] < n;
      if (i > 0)
        ordered = ordered && (one.steps[p][i - 1] < one.steps[p][i] ||
                              (one.steps[p][i - 1] == one.steps[p][i] && one.ids[p][i - 1] < one.ids[p][i]));
    }
    CHECK(ordered);
  }

  // Another seed gives another network and other spikes.
  const snn::network other = build(2004);
  CHECK(!same_synapses(net, other));
  CHECK(!(simulate(other, snn::backend::cpu, 2, {n_steps}) == one));

  // CPU-CUDA parity where a device is present.
  if (snn::cuda_available()) {
    const outcome gpu = simulate(net, snn::backend::cuda, 0, {n_steps});
    std::printf("cuda: %zu spikes\n", gpu.steps[0].size() + gpu.steps[1].size());
    CHECK(gpu == one);
  }
}

}  // namespace

int main() {
  RUN_TEST(thread_counts);
  return snn_test::finish("determinism");
}
