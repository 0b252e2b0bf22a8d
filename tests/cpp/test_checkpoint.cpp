// Checkpoints from C++ (snn/checkpoint.hpp): a network and state saved after 100 steps with 2
// threads, loaded into a new simulation with 1 or 3, continue with the spikes and state of
// an uninterrupted run; arrays that are wrong raise config_error.
#include <cstdint>
#include <vector>

#include "check.hpp"
#include "snn/checkpoint.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"

namespace {

snn::network build() {
  snn::network net(1.0, 7);
  const std::size_t e = net.add_population(300, net.izhikevich_2003(300, true), "e");
  const std::size_t i = net.add_population(100, net.izhikevich_2003(100, false), "i");
  net.connect(e, e, snn::rule::fixed_probability(0.1), snn::distribution::uniform(0.0, 6.0),
              snn::distribution::uniform(1.0, 15.0), snn::kernel::instant(), "ee",
              snn::plasticity::stdp(20.0, 20.0, 0.1, 0.12, 0.0, 8.0));
  net.connect(e, i, snn::rule::fixed_probability(0.1), snn::distribution::constant(5.0),
              snn::distribution::constant(2.0), snn::kernel::exponential(4.0), "ei");
  net.connect(i, e, snn::rule::all_to_all(), snn::distribution::constant(-0.2), snn::distribution::constant(1.0),
              snn::kernel::sampled({1.0f, 0.5f, 0.25f}), "ie");
  net.add_input(e, snn::input::noise({0.0f}, {5.0f}));
  net.add_input(i, snn::input::poisson(500.0, 2.0));
  return net;
}

// Spikes of a run of n steps, then every population's v and u and projection ee's weights.
std::vector<std::vector<double>> finish(snn::simulation& sim, std::uint64_t n) {
  std::vector<std::vector<double>> out;
  for (const snn::spike_record& s : sim.run(n).spikes) {
    out.emplace_back(s.steps.begin(), s.steps.end());
    out.emplace_back(s.ids.begin(), s.ids.end());
  }
  for (std::size_t p = 0; p < 2; ++p)
    for (const char* var : {"v", "u"}) {
      const std::vector<float> x = sim.get_state(p, var);
      out.emplace_back(x.begin(), x.end());
    }
  out.push_back(sim.get_weights(0));
  return out;
}

void continuation() {
  const snn::network net = build();
  snn::simulation whole(net, snn::backend::cpu, 2);
  whole.run(100);
  const auto want = finish(whole, 100);
  CHECK(want[0].size() > 100);

  const snn::network first = build();
  snn::simulation part(first, snn::backend::cpu, 2);
  part.run(100);
  const snn::state_arrays saved_net = snn::save_network(first), saved_state = part.save_state();
  for (int threads : {1, 3}) {
    const snn::network again = snn::load_network(saved_net);
    CHECK_EQ(again.projection_count(), std::size_t(3));
    CHECK(again.synapses(0).weight == first.synapses(0).weight);
    snn::simulation sim(again, snn::backend::cpu, threads);
    sim.load_state(saved_state);
    CHECK_EQ(sim.step(), std::uint64_t(100));
    CHECK(finish(sim, 100) == want);
  }
}

void bad_arrays() {
  const snn::network net = build();
  snn::simulation sim(net, snn::backend::cpu, 1);
  sim.run(20);
  const snn::state_arrays good = snn::save_network(net), state = sim.save_state();
  snn::state_arrays a = good;
  a.erase("network/proj1/keys");
  CHECK_THROWS(snn::config_error, snn::load_network(a));
  a = good;
  snn::put_array(a, "network/proj0/d_min", std::vector<std::uint32_t>{0});
  CHECK_THROWS(snn::config_error, snn::load_network(a));
  snn::state_arrays s = state;
  snn::put_array(s, "state/pop0/v", std::vector<double>(300, 0.0));
  snn::simulation other(snn::load_network(good), snn::backend::cpu, 1);
  CHECK_THROWS(snn::config_error, other.load_state(s));
}

}  // namespace

int main() {
  RUN_TEST(continuation);
  RUN_TEST(bad_arrays);
  return snn_test::finish("checkpoint");
}
