// Hostile input through the C++ API: values beyond float32 once converted, thread counts,
// step counters near 2^64, sizes refused before allocating, and one simulation used from two
// threads. Each must be an exception naming the culprit (never undefined behaviour, a
// wrapped counter or a race), and the network must still work afterwards.
#include <sys/resource.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "check.hpp"
#include "snn/errors.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"

namespace {

// The call throws E whose message contains every one of `words`.
template <class E, class F>
void expect(const char* what, F&& f, std::vector<std::string> words) {
  try {
    f();
    snn_test::report(false, __FILE__, __LINE__, std::string(what) + ": no exception");
  } catch (const E& e) {
    const std::string msg = e.what();
    bool ok = true;
    for (const auto& w : words) ok = ok && msg.find(w) != std::string::npos;
    snn_test::report(ok, __FILE__, __LINE__, std::string(what) + ": message names the culprit (got: " + msg + ")");
  } catch (const std::exception& e) {
    snn_test::report(false, __FILE__, __LINE__, std::string(what) + ": wrong exception: " + e.what());
  }
}

snn::network two_populations() {
  snn::network net(0.5, 1);
  net.add_population(10, snn::presets::regular_spiking(), "src");
  net.add_population(8, snn::presets::fast_spiking(), "dst");
  return net;
}

const auto d1 = snn::distribution::constant(1.0);
const auto instant = snn::kernel::instant();

// A weight is stored as float32, then in fixed point: a double beyond float32 would become
// infinite and its quantisation undefined (every weight of the projection was -2).
void weights_beyond_float32() {
  snn::network net = two_populations();
  const auto all = snn::rule::all_to_all();
  expect<snn::config_error>("constant 1e300",
                            [&] { net.connect(0, 1, all, snn::distribution::constant(1e300), d1, instant, "w"); },
                            {"'w'", "weight", "1e+300", "float32"});
  expect<snn::config_error>("constant -1e39",
                            [&] { net.connect(0, 1, all, snn::distribution::constant(-1e39), d1, instant); },
                            {"'src->dst'", "weight", "-1e+39"});
  expect<snn::config_error>("uniform to 1e300", [&] {
    net.connect(0, 1, snn::rule::fixed_in_degree(3), snn::distribution::uniform(0, 1e300), d1, instant);
  }, {"weight", "high", "1e+300"});
  expect<snn::config_error>("normal std 1e300", [&] {
    net.connect(0, 1, all, snn::distribution::normal(0, 1e300), d1, instant);
  }, {"weight", "Normal", "1e+300"});
  expect<snn::config_error>("normal std 1e38", [&] {
    net.connect(0, 1, snn::rule::fixed_out_degree(2), snn::distribution::normal(0, 1e38), d1, instant);
  }, {"weight", "1e+38", "low and high"});
  CHECK_EQ(net.projection_count(), std::size_t{0});
  // Clipped into float32's range, the same normal is fine; the largest float32 weight too.
  const std::size_t j = net.connect(0, 1, snn::rule::fixed_out_degree(2), snn::distribution::normal(0, 1e38, -1, 1),
                                    d1, instant, "clipped");
  for (double w : net.synapses(j).weight) CHECK(w >= -1 && w <= 1);
  const std::size_t big = net.connect(0, 1, all, snn::distribution::constant(3.4e38), d1, instant, "largest");
  CHECK_NEAR(net.synapses(big).weight[0], 3.4e38, 1e31);
  // Dense matrices: a nonzero weight below the fixed-point step is kept as a synapse
  // (stored sparse), not dropped from dense rows while counted.
  std::vector<float> w(10 * 8, 1.0f);
  w[8] = 1e-12f;
  const std::size_t tiny = net.connect_dense(0, 1, w.data(), 10, 8, d1, instant, "tiny");
  CHECK(!net.is_dense(tiny));
  CHECK_EQ(net.synapse_count(tiny), std::uint64_t{80});
  CHECK_EQ(net.synapses(tiny).pre.size(), std::size_t{80});
  w[8] = 1e-6f;  // above the step: dense rows
  CHECK(net.is_dense(net.connect_dense(0, 1, w.data(), 10, 8, d1, instant, "small")));
}

// dt and the constants derived from it and the parameters must be finite float32 numbers.
void constants_beyond_float32() {
  for (double dt : {1e-320, 1e-50, 1e39, 1e300})
    expect<snn::config_error>("dt", [&] { snn::network net(dt); }, {"dt", "float32"});
  snn::network small(1e-30);  // a normal float32: fine
  CHECK_EQ(small.dt(), 1e-30);
  snn::network net = two_populations();
  expect<snn::config_error>("alpha tau 1e-300",
                            [&] { net.connect(0, 1, snn::rule::all_to_all(), d1, d1, snn::kernel::alpha(1e-300), "a"); },
                            {"'a'", "tau", "1e-300", "float32"});
  net.connect(0, 1, snn::rule::all_to_all(), d1, d1, snn::kernel::exponential(1e-300), "e");  // q = 0: fine
  snn::neuron_model lif = snn::neuron_model::lif();
  lif.set("cm", {1e-45f});  // P21 = R (1 - P22) = dt / cm: 5e44
  expect<snn::config_error>("LIF cm 1e-45", [&] { net.add_population(3, lif, "tiny_cm"); },
                            {"'tiny_cm'", "neuron 0", "cm = 1e-45", "float32"});
  snn::neuron_model refractory = snn::neuron_model::lif();
  refractory.set("tau_refrac", {1e7f});  // 2e7 steps: a float32 count would never reach 0
  expect<snn::config_error>("LIF tau_refrac 1e7 ms", [&] { net.add_population(3, refractory, "held"); },
                            {"'held'", "tau_refrac", "2^24"});
  CHECK_EQ(net.population_count(), std::size_t{2});
}

void thread_counts() {
  snn::network net = two_populations();
  const int most = snn::max_threads();
  CHECK(most >= 4);
  for (int t : {most + 1, 20000, 50000, 1000000, std::numeric_limits<int>::max()})
    expect<snn::config_error>("too many threads", [&] { snn::simulation sim(net, snn::backend::cpu, t); },
                              {"threads = " + std::to_string(t), "at most " + std::to_string(most)});
  snn::simulation sim(net, snn::backend::cpu, most);
  CHECK_EQ(sim.threads(), most);
  CHECK_EQ(sim.run(3).steps, std::uint64_t{3});
}

// Step counters: a run may not pass 2^63 - 1 steps, and no check may wrap around.
void counters() {
  snn::network net = two_populations();
  snn::simulation sim(net, snn::backend::cpu, 1);
  sim.run(1);
  const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max();
  expect<snn::config_error>("begin_run(2^64 - 1)", [&] { sim.begin_run(huge, {}); },
                            {"18446744073709551615", "2^63 - 1"});
  sim.begin_run(5, {});
  expect<snn::config_error>("advance(2^64 - 1)", [&] { sim.advance(huge); }, {"18446744073709551615", "past"});
  CHECK_EQ(sim.step(), std::uint64_t{1});
  expect<snn::error>("begin_run twice", [&] { sim.begin_run(1, {}); }, {"already in progress"});
  sim.advance(5);
  CHECK_EQ(sim.end_run().steps, std::uint64_t{5});
  // A trace sampled every 2^64 - 1 steps from step 6 on has no sample: none is due.
  const snn::run_result r = sim.run(3, {{0, "v", {}, huge}});
  CHECK_EQ(r.traces[0].steps.size(), std::size_t{0});
  CHECK_EQ(sim.step(), std::uint64_t{9});
  // Stream rows beyond the run are refused (their count times n could wrap around).
  snn::network streamed(0.5);
  const std::size_t p = streamed.add_population(4, snn::presets::regular_spiking(), "s");
  const std::size_t in = streamed.add_input(p, snn::input::stream());
  snn::simulation s2(streamed, snn::backend::cpu, 1);
  s2.begin_run(2, {});
  const std::vector<float> rows(4 * 3, 1.0f);
  expect<snn::config_error>("three rows for two steps", [&] { s2.set_stream(p, in, rows.data(), 3, 4); },
                            {"'s'", "3 stream rows", "2 steps left"});
  expect<snn::config_error>("2^62 rows", [&] { s2.set_stream(p, in, rows.data(), std::uint64_t(1) << 62, 4); },
                            {"'s'", "stream rows"});
  s2.set_stream(p, in, rows.data(), 2, 4);
  s2.advance(2);
  CHECK_EQ(s2.end_run().steps, std::uint64_t{2});
}

// Caps the address space 8 GiB above what is mapped now, so that a size check that fails
// cannot take the machine down whatever its memory (and check_memory sees the cap).
void limit_memory() {
  std::ifstream status("/proc/self/status");
  std::string line;
  std::uint64_t kib = 0;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) kib = std::stoull(line.substr(7));
  const rlim_t limit = (kib << 10) + (rlim_t(8) << 30);
  const rlimit r{limit, limit};
  setrlimit(RLIMIT_AS, &r);
}

void sizes_before_allocating() {
  snn::network net(1.0);
  expect<snn::memory_error>("izhikevich_2003 of 2^31 - 1", [&] { net.izhikevich_2003(0x7FFFFFFF, true); },
                            {"izhikevich_2003", "GiB"});
  expect<snn::memory_error>("LIF of 2^31 - 1", [&] { net.add_population(0x7FFFFFFF, snn::neuron_model::lif(), "big"); },
                            {"'big'", "GiB"});
  const std::size_t a = net.add_population(1000000, snn::neuron_model::lif(), "a");
  expect<snn::memory_error>("all-to-all of 10^6 x 10^6",
                            [&] { net.connect(a, a, snn::rule::all_to_all(), d1, d1, instant, "huge"); },
                            {"'huge'", "TiB"});
  snn::simulation sim(net, snn::backend::cpu, 1);
  expect<snn::memory_error>("recording v of 10^6 neurons for 10^6 steps",
                            [&] { sim.begin_run(1000000, {{a, "v", {}, 1}}); }, {"recording", "GiB"});
  CHECK_EQ(sim.run(2).steps, std::uint64_t{2});
}

// One simulation used from two threads: calls from the thread that did not begin the run
// throw instead of racing; independent simulations run side by side.
void threads_sharing_a_simulation() {
  snn::network net(0.1, 2);
  const std::size_t p = net.add_population(20000, net.izhikevich_2003(20000, true), "busy");
  net.connect(p, p, snn::rule::fixed_in_degree(20), snn::distribution::uniform(0, 0.5), d1, instant, "rec");
  net.add_input(p, snn::input::noise({3.0f}, {3.0f}));
  snn::simulation sim(net, snn::backend::cpu, 1);
  const std::vector<float> v(20000, -65.0f);
  const std::vector<double> w(net.synapse_count(0), 0.1);
  std::atomic<bool> begun{false}, done{false};
  std::string failure;
  std::thread runner([&] {
    try {
      sim.begin_run(200000, {});
      begun = true;
      while (!done) sim.advance(10);  // until the main thread has tried everything
      sim.end_run();
    } catch (const std::exception& e) {
      failure = e.what();
      begun = true;
    }
  });
  struct joiner {  // joins even if a check throws
    std::thread& t;
    std::atomic<bool>& done;
    ~joiner() {
      done = true;
      if (t.joinable()) t.join();
    }
  } join_at_exit{runner, done};
  while (!begun) std::this_thread::yield();
  const std::vector<std::string> running{"running in another thread"};
  expect<snn::error>("get_state", [&] { sim.get_state(p, "v"); }, running);
  expect<snn::error>("set_state", [&] { sim.set_state(p, "v", v.data(), v.size()); }, running);
  expect<snn::error>("get_weights", [&] { sim.get_weights(0); }, running);
  expect<snn::error>("set_weights", [&] { sim.set_weights(0, w.data(), w.size()); }, running);
  expect<snn::error>("advance", [&] { sim.advance(1); }, running);
  expect<snn::error>("begin_run", [&] { sim.begin_run(1, {}); }, running);
  expect<snn::error>("end_run", [&] { sim.end_run(); }, running);
  expect<snn::error>("synapses", [&] { net.synapses(0); }, running);
  expect<snn::error>("population_size", [&] { net.population_size(0); }, running);
  done = true;
  runner.join();
  CHECK_EQ(failure, std::string());
  CHECK(sim.step() > 0);
  CHECK_EQ(sim.get_state(p, "v").size(), std::size_t{20000});  // the run is over: free again

  // Two independent simulations in two threads give what each gives alone.
  auto spikes = [](std::uint64_t seed) {
    snn::network n(0.5, seed);
    const std::size_t q = n.add_population(300, n.izhikevich_2003(300, true), "q");
    n.connect(q, q, snn::rule::fixed_probability(0.1), snn::distribution::uniform(0, 2), d1, instant);
    n.add_input(q, snn::input::noise({4.0f}, {3.0f}));
    return snn::simulation(n, snn::backend::cpu, 1).run(400).spikes[0].ids;
  };
  const std::vector<std::int32_t> alone_1 = spikes(1), alone_2 = spikes(2);
  std::vector<std::int32_t> side_1, side_2;
  std::thread t1([&] { side_1 = spikes(1); }), t2([&] { side_2 = spikes(2); });
  t1.join();
  t2.join();
  CHECK(!alone_1.empty());
  CHECK(side_1 == alone_1);
  CHECK(side_2 == alone_2);
}

}  // namespace

int main() {
  limit_memory();
  RUN_TEST(weights_beyond_float32);
  RUN_TEST(constants_beyond_float32);
  RUN_TEST(thread_counts);
  RUN_TEST(counters);
  RUN_TEST(sizes_before_allocating);
  RUN_TEST(threads_sharing_a_simulation);
  return snn_test::finish("hostile");
}
