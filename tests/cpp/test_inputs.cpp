// External input through the engine against docs/numerics.md: I_ext = 0, then + x for each
// input in the order added (float32), with noise mean + std * z from the Philox counter
// (i / 4, k & 0xffffffff, (k >> 32) ^ (m << 16), 5 << 24 | population), lane i % 4, where m
// is the input's index among its population's inputs.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "check.hpp"
#include "random.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"

namespace {

constexpr std::uint64_t seed = 0x123456789abcdef0ull;  // both key words non-zero

float noise_draw(std::uint32_t population, std::uint32_t input, std::uint32_t i, std::uint64_t k) {
  const snn::counter_rng rng(seed);
  float z[4];
  snn::normal4(rng(i / 4, static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32) ^ (input << 16),
                   snn::purpose_noise, population),
               z);
  return z[i % 4];
}

void inputs(snn::backend be, int threads) {
  snn::network net(0.1, seed);
  // Spikes do not feed back into I here (no projections), so I is a pure function of k.
  const std::size_t quiet = net.add_population(3, snn::presets::regular_spiking(), "quiet");
  const std::uint32_t n = 203;  // not a multiple of 4 or of 64 (thread ranges)
  const std::size_t pop = net.add_population(n, snn::presets::regular_spiking(), "driven");
  std::vector<float> mean(n), sd(n), konst(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    mean[i] = 0.25f * static_cast<float>(i % 7) - 0.5f;
    sd[i] = 0.1f + 0.01f * static_cast<float>(i);
    konst[i] = 1.0f / static_cast<float>(i + 3);
  }
  net.add_input(pop, snn::input::constant({0.7f}));
  net.add_input(pop, snn::input::noise(mean, sd));
  net.add_input(pop, snn::input::stream());
  net.add_input(pop, snn::input::noise({1.5f}, {3.0f}));
  net.add_input(pop, snn::input::constant(konst));
  net.add_input(quiet, snn::input::noise({0.0f}, {1.0f}));

  snn::simulation sim(net, be, threads);
  // Two runs: the second continues the step counter (k is the absolute step; k >> 32 is 0
  // here, as reaching 2^32 steps would take too long).
  std::size_t bad = 0, checked = 0;
  for (std::uint64_t chunk : {30, 45}) {
    const std::uint64_t first = sim.step();
    std::vector<float> stream(chunk * n);
    for (std::uint64_t k = 0; k < chunk; ++k)
      for (std::uint32_t i = 0; i < n; ++i) stream[k * n + i] = 0.001f * static_cast<float>((first + k) * 31 + i);
    sim.begin_run(chunk, {{pop, "I", {}, 1}, {quiet, "I", {}, 1}});
    sim.set_stream(pop, 2, stream.data(), chunk, n);
    sim.advance(chunk);
    const snn::run_result r = sim.end_run();
    const snn::trace_record& tr = r.traces[0];
    for (std::uint64_t s = 0; s < chunk; ++s) {
      const std::uint64_t k = first + s;
      CHECK_EQ(tr.steps[s], static_cast<std::int64_t>(k));
      for (std::uint32_t i = 0; i < n; ++i) {
        float I = 0.0f;
        I = I + 0.7f;
        I = I + (mean[i] + sd[i] * noise_draw(1, 1, i, k));
        I = I + stream[s * n + i];
        I = I + (1.5f + 3.0f * noise_draw(1, 3, i, k));
        I = I + konst[i];
        ++checked;
        if (tr.data[s * n + i] != I) {
          if (++bad <= 5)
            std::fprintf(stderr, "[%s, %d threads] step %llu neuron %u: I = %.9g, expected %.9g\n",
                         snn_test::backend_label(be), threads, static_cast<unsigned long long>(k), i,
                         tr.data[s * n + i], I);
        }
      }
      for (std::uint32_t i = 0; i < 3; ++i) {
        const float I = 0.0f + (0.0f + 1.0f * noise_draw(0, 0, i, k));
        ++checked;
        bad += r.traces[1].data[s * 3 + i] != I;
      }
    }
  }
  std::printf("inputs [%s, %d threads]: %zu of %zu input samples differ from the formula\n",
              snn_test::backend_label(be), threads, bad, checked);
  CHECK_EQ(bad, std::size_t{0});
}

}  // namespace

int main() {
  for (snn::backend be : snn_test::backends())
    for (int threads : {1, 2}) {
      if (be == snn::backend::cuda && threads > 1) continue;
      try {
        inputs(be, threads);
      } catch (const std::exception& e) {
        CHECK(!"unexpected exception");
        std::fprintf(stderr, "[%s]: %s\n", snn_test::backend_label(be), e.what());
      }
    }
  return snn_test::finish("inputs");
}
