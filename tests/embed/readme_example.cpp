#include <snn/snn.hpp>

#include <cstdio>

int main() {
  snn::network net(0.5, /*seed=*/1);  // dt in ms
  const std::size_t exc = net.add_population(800, snn::presets::regular_spiking(), "exc");
  net.connect(exc, exc, snn::rule::fixed_probability(0.1), snn::distribution::uniform(0, 1),
              snn::distribution::constant(1.5), snn::kernel::exponential(5.0));  // delay 1.5 ms
  net.add_input(exc, snn::input::noise({4.0f}, {3.0f}));
  try {
    snn::simulation sim(net, snn::backend::cpu, /*threads=*/2);
    const snn::run_result r = sim.run(400, {{exc, "v", {0, 1}, 10}});  // 400 steps = 200 ms
    std::printf("%zu spikes; v of neuron 0 after step %lld: %g mV\n", r.spikes[exc].ids.size(),
                static_cast<long long>(r.traces[0].steps.back()),
                static_cast<double>(r.traces[0].data[r.traces[0].data.size() - 2]));
  } catch (const std::exception& e) {  // snn::config_error, snn::error, ... (snn/errors.hpp)
    std::fprintf(stderr, "snn: %s\n", e.what());
    return 1;
  }
}
