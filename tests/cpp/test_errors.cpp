// Bad input raises the documented exceptions (snn::config_error is a std::invalid_argument)
// with a message naming the culprit; nothing aborts, and a failed call changes nothing.
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "snn/errors.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"

namespace {

const double inf = std::numeric_limits<double>::infinity();
const double nan = std::numeric_limits<double>::quiet_NaN();

// The call throws config_error whose message contains every one of `words`.
template <class F>
void expect_config_error(const char* what, F&& f, std::vector<std::string> words) {
  try {
    f();
    snn_test::report(false, __FILE__, __LINE__, std::string(what) + ": no exception");
  } catch (const snn::config_error& e) {
    const std::string msg = e.what();
    bool ok = true;
    for (const auto& w : words) ok = ok && msg.find(w) != std::string::npos;
    snn_test::report(ok, __FILE__, __LINE__,
                     std::string(what) + ": message names the culprit (got: " + msg + ")");
  } catch (const std::exception& e) {
    snn_test::report(false, __FILE__, __LINE__, std::string(what) + ": wrong exception: " + e.what());
  }
}

void bad_dt() {
  for (double dt : {0.0, -0.1, -1.0, nan, inf})
    CHECK_THROWS(snn::config_error, snn::network net(dt));
  expect_config_error("dt = -1", [] { snn::network net(-1.0); }, {"dt", "-1"});
  CHECK_THROWS(std::invalid_argument, snn::network net(0.0));  // ValueError in Python
}

snn::network two_populations() {
  snn::network net(0.1, 3);
  net.add_population(10, snn::presets::regular_spiking(), "exc");
  net.add_population(5, snn::presets::fast_spiking(), "inh");
  return net;
}

void bad_delay() {
  snn::network net = two_populations();
  const auto w = snn::distribution::constant(1.0);
  const auto k = snn::kernel::instant();
  expect_config_error("constant delay -1",
                      [&] { net.connect(0, 1, snn::rule::all_to_all(), w, snn::distribution::constant(-1.0), k, "e2i"); },
                      {"e2i", "delay", "-1"});
  expect_config_error("uniform delay from -0.5",
                      [&] { net.connect(0, 1, snn::rule::fixed_probability(0.5), w, snn::distribution::uniform(-0.5, 2.0), k); },
                      {"delay", "-0.5"});
  std::vector<float> d(50, 1.0f);
  d[17] = -0.25f;
  expect_config_error("delay array with one negative value",
                      [&] { net.connect(0, 1, snn::rule::all_to_all(), w, snn::distribution::from_array(d), k); },
                      {"delay", "-0.25"});
  const std::int64_t pre = 0, post = 0;
  expect_config_error("explicit synapse with delay -2",
                      [&] { net.connect_explicit(0, 1, &pre, &post, 1, w, snn::distribution::constant(-2.0), k); },
                      {"delay", "-2"});
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::all_to_all(), w, snn::distribution::constant(nan), k));
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::all_to_all(), w, snn::distribution::constant(1e6), k));
  CHECK_EQ(net.projection_count(), std::size_t{0});  // nothing half-added
  // Delay 0 is allowed (next step).
  CHECK_EQ(net.connect(0, 1, snn::rule::all_to_all(), w, snn::distribution::constant(0.0), k), std::size_t{0});
}

void bad_probability() {
  snn::network net = two_populations();
  const auto w = snn::distribution::constant(1.0);
  const auto d = snn::distribution::constant(1.0);
  const auto k = snn::kernel::instant();
  expect_config_error("p = 1.5",
                      [&] { net.connect(0, 1, snn::rule::fixed_probability(1.5), w, d, k, "e2i"); },
                      {"e2i", "1.5"});
  expect_config_error("p = -0.1",
                      [&] { net.connect(0, 1, snn::rule::fixed_probability(-0.1), w, d, k); }, {"-0.1"});
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::fixed_probability(nan), w, d, k));
  CHECK_EQ(net.projection_count(), std::size_t{0});
  // The edges of [0, 1] are fine: p = 0 gives no synapse, p = 1 all of them.
  CHECK_EQ(net.synapse_count(net.connect(0, 1, snn::rule::fixed_probability(0.0), w, d, k, "p0")), std::uint64_t{0});
  CHECK_EQ(net.synapse_count(net.connect(0, 1, snn::rule::fixed_probability(1.0), w, d, k, "p1")), std::uint64_t{50});
}

void other_errors() {
  snn::network net = two_populations();
  const auto w = snn::distribution::constant(1.0);
  const auto d = snn::distribution::constant(1.0);
  const auto k = snn::kernel::instant();
  CHECK_THROWS(snn::config_error, snn::presets::by_name("regular"));
  CHECK_EQ(snn::presets::names().size(), std::size_t{7});
  const snn::izhikevich rz = snn::presets::by_name("resonator");
  CHECK_EQ(rz.b[0], 0.26f);
  CHECK_THROWS(snn::config_error, net.add_population(0, snn::presets::regular_spiking()));
  CHECK_THROWS(snn::config_error, net.add_population(-5, snn::presets::regular_spiking()));
  CHECK_THROWS(snn::config_error, net.add_population(3, snn::presets::regular_spiking(), "exc"));  // label taken
  snn::izhikevich p = snn::presets::regular_spiking();
  p.a = {0.02f, 0.02f};  // 2 values for 3 neurons
  CHECK_THROWS(snn::config_error, net.add_population(3, p));
  p = snn::presets::regular_spiking();
  p.v_substeps = 0;
  CHECK_THROWS(snn::config_error, net.add_population(3, p));
  p = snn::presets::regular_spiking();
  p.d = {std::numeric_limits<float>::quiet_NaN()};
  CHECK_THROWS(snn::config_error, net.add_population(3, p));
  CHECK_THROWS(snn::config_error, net.connect(0, 7, snn::rule::all_to_all(), w, d, k));  // no population 7
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::one_to_one(), w, d, k));  // 10 vs 5
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::fixed_in_degree(11), w, d, k));
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::all_to_all(), snn::distribution::constant(inf), d, k));
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::all_to_all(), w, d, snn::kernel::exponential(0.0)));
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::all_to_all(), w, d, snn::kernel::alpha(-1.0)));
  CHECK_THROWS(snn::config_error, net.connect(0, 1, snn::rule::all_to_all(), w, d, snn::kernel::sampled({})));
  const std::int64_t pre = 10, post = 0;  // pre out of range
  CHECK_THROWS(snn::config_error, net.connect_explicit(0, 1, &pre, &post, 1, w, d, k));
  CHECK_THROWS(snn::config_error, net.add_input(0, snn::input::noise({0.0f}, {-1.0f})));
  CHECK_THROWS(snn::config_error, net.add_input(0, snn::input::constant({1.0f, 2.0f})));
  CHECK_THROWS(snn::config_error, net.add_input(9, snn::input::constant({1.0f})));
  CHECK_EQ(net.projection_count(), std::size_t{0});
  CHECK_EQ(net.population_count(), std::size_t{2});

  CHECK_THROWS(snn::config_error, (void)snn::simulation(net, snn::backend::cpu, -1));
  if (!snn::cuda_available())
    CHECK_THROWS(snn::backend_unavailable, (void)snn::simulation(net, snn::backend::cuda));
  snn::simulation sim(net, snn::backend::cpu, 1);
  CHECK_THROWS(snn::config_error, sim.advance(1));  // no run begun
  CHECK_THROWS(snn::config_error, sim.end_run());
  const std::vector<float> three(3, 0.0f);
  CHECK_THROWS(snn::config_error, sim.set_state(0, "v", three.data(), three.size()));  // 3 of 10
  std::vector<float> ten(10, 0.0f);
  CHECK_THROWS(snn::config_error, sim.set_state(0, "w", ten.data(), ten.size()));
  ten[4] = std::numeric_limits<float>::infinity();
  CHECK_THROWS(snn::config_error, sim.set_state(0, "v", ten.data(), ten.size()));
  CHECK_THROWS(snn::config_error, sim.get_state(2, "v"));
  CHECK_THROWS(snn::config_error, sim.run(10, {{0, "x", {}, 1}}));
  // A frozen network cannot change.
  CHECK_THROWS(snn::config_error, net.add_population(1, snn::presets::regular_spiking()));
  // After all that, the simulation still runs.
  const snn::run_result r = sim.run(5);
  CHECK_EQ(r.steps, std::uint64_t{5});
  CHECK_EQ(sim.step(), std::uint64_t{5});
}

// Stream input data is validated by the engine, as Python validates its arrays: the right
// row length and finite values, the message naming population, input, step and neuron.
void stream_errors() {
  snn::network net(0.5, 3);
  const std::size_t pop = net.add_population(5, snn::presets::regular_spiking(), "streamed");
  const std::size_t in = net.add_input(pop, snn::input::stream());
  snn::simulation sim(net, snn::backend::cpu, 1);
  std::vector<float> rows(4 * 5, 1.0f);
  sim.begin_run(2, {});  // 2 steps first: a later run's rows are numbered from its first step
  sim.set_stream(pop, in, rows.data(), 2, 5);
  sim.advance(2);
  sim.end_run();
  sim.begin_run(4, {});
  expect_config_error("short rows", [&] { sim.set_stream(pop, in, rows.data(), 5, 4); },
                      {"'streamed'", "input 0", "4 values", "expected 5"});
  rows[2 * 5 + 3] = static_cast<float>(nan);
  expect_config_error("NaN in a stream", [&] { sim.set_stream(pop, in, rows.data(), 4, 5); },
                      {"'streamed'", "input 0", "step 4", "neuron 3", "finite"});
  rows[2 * 5 + 3] = 0.5f;
  sim.set_stream(pop, in, rows.data(), 4, 5);
  sim.advance(4);
  CHECK_EQ(sim.end_run().steps, std::uint64_t{4});
}

// A neuron driven to -infinity (then NaN) stops the run with simulation_error, not a crash.
// (A huge positive input would not do: v >= v_peak is clamped and reset.)
void blow_up() {
  snn::network net(1.0, 0);
  const std::size_t p = net.add_population(4, snn::presets::regular_spiking(), "runaway");
  net.add_input(p, snn::input::constant({0.0f, 0.0f, -3e38f, 0.0f}));
  snn::simulation sim(net, snn::backend::cpu, 1);
  try {
    sim.run(100);
    CHECK(!"no simulation_error");
  } catch (const snn::simulation_error& e) {
    const std::string msg = e.what();
    CHECK(msg.find("runaway") != std::string::npos);
    CHECK(msg.find("neuron 2") != std::string::npos);
    CHECK(sim.step() <= 2);  // v = -3e38 after step 0, NaN at step 1: the run stops there
  } catch (const std::exception& e) {
    snn_test::report(false, __FILE__, __LINE__, std::string("wrong exception: ") + e.what());
  }
}

}  // namespace

int main() {
  RUN_TEST(bad_dt);
  RUN_TEST(bad_delay);
  RUN_TEST(bad_probability);
  RUN_TEST(other_errors);
  RUN_TEST(stream_errors);
  RUN_TEST(blow_up);
  return snn_test::finish("errors");
}
