#include "snn/simulation.hpp"

#include <algorithm>
#include <cmath>

#include "engine.hpp"
#include "recorder.hpp"
#include "snn/config.hpp"
#include "system.hpp"

namespace snn {

namespace cpu_generic {
std::unique_ptr<engine> make_engine(std::shared_ptr<const network_data>, int);
}
namespace cpu_avx2 {
std::unique_ptr<engine> make_engine(std::shared_ptr<const network_data>, int);
}

std::unique_ptr<engine> make_cpu_engine(std::shared_ptr<const network_data> net, int threads) {
  // Both variants round identically (no FMA contraction); AVX2 only widens the vectors.
#if SNN_CPU_AVX2
  if (__builtin_cpu_supports("avx2")) return cpu_avx2::make_engine(std::move(net), threads);
#endif
  return cpu_generic::make_engine(std::move(net), threads);
}

double engine_state_bytes(const network_data& d, int threads) {
  double bytes = 0;
  for (const auto& p : d.populations) bytes += 13.0 * p.n;
  for (const auto& p : d.projections) {
    const double n = d.populations[p.post].n;
    const double slots = p.dense ? p.d_max : threads;  // sparse: an accumulator per thread
    bytes += 8.0 * slots * n + 8.0 * n + 4.0 * p.kernel.samples.size() * n;
  }
  return bytes;
}

bool cuda_available() { return SNN_HAVE_CUDA && cuda_device_present(); }

namespace {
int auto_threads(const network_data& d) {
  double neurons = 0, synapses = 0;
  for (const auto& p : d.populations) neurons += p.n;
  for (const auto& p : d.projections) synapses += static_cast<double>(p.n_synapses);
  // Below this size a step takes a few microseconds and a barrier per step costs more
  // than a second thread gains.
  return neurons >= 20000 || synapses >= 4e6 ? hardware_threads() : 1;
}

state_var parse_state(const std::string& name) {
  if (name == "v") return state_var::v;
  if (name == "u") return state_var::u;
  if (name == "I") return state_var::I;
  config_fail("unknown state variable '", name, "' (known: v, u, I)");
}
}  // namespace

struct simulation::impl {
  std::shared_ptr<const network_data> net;
  std::unique_ptr<engine> eng;
  recorder rec;
  std::uint64_t step = 0, run_first = 0, run_end = 0;
  stream_table streams;                    // views for the current chunk
  std::vector<std::vector<float>> stream_data;  // owned copies, [flat input index]
};

simulation::simulation(const network& net, backend b, int threads) : impl_(std::make_unique<impl>()) {
  impl_->net = net.data();
  const network_data& d = *impl_->net;
  if (threads < 0) config_fail("threads must be >= 0 (0: automatic), got ", threads);
  const int cpu_threads = threads > 0 ? threads : auto_threads(d);
  check_memory("the simulation state", engine_state_bytes(d, cpu_threads));
  if (b == backend::cuda || (b == backend::automatic && cuda_available()))
    impl_->eng = make_cuda_engine(impl_->net);
  else
    impl_->eng = make_cpu_engine(impl_->net, cpu_threads);
  net.data()->frozen = true;
}

simulation::~simulation() = default;

const char* simulation::backend_name() const { return impl_->eng->name(); }
int simulation::threads() const { return impl_->eng->threads(); }
std::uint64_t simulation::step() const { return impl_->step; }

void simulation::begin_run(std::uint64_t n_steps, const std::vector<trace_request>& traces) {
  impl& s = *impl_;
  s.rec.begin(*s.net, s.step, n_steps, traces, s.eng->threads());
  s.run_first = s.step;
  s.run_end = s.step + n_steps;
  s.streams.assign(s.net->populations.size(), {});
  s.stream_data.clear();
  for (std::size_t p = 0; p < s.net->populations.size(); ++p) {
    s.streams[p].resize(s.net->populations[p].inputs.size());
    s.stream_data.resize(s.stream_data.size() + s.net->populations[p].inputs.size());
  }
}

void simulation::set_stream(std::size_t population, std::size_t input_index, const float* data,
                            std::uint64_t n_steps, std::size_t row_length) {
  impl& s = *impl_;
  if (population >= s.streams.size() || input_index >= s.streams[population].size() ||
      s.net->populations[population].inputs[input_index].type != input_type::stream)
    config_fail("set_stream: population ", population, " has no stream input ", input_index,
                " (or no run was begun)");
  std::size_t flat = input_index;
  for (std::size_t p = 0; p < population; ++p) flat += s.streams[p].size();
  const std::uint64_t n = s.net->populations[population].n;
  if (row_length != n)
    config_fail("population '", s.net->populations[population].label, "' input ", input_index,
                ": stream rows have ", row_length, " values, expected ", n);
  for (std::uint64_t i = 0; i < n_steps * n; ++i)
    if (!std::isfinite(data[i]))
      config_fail("population '", s.net->populations[population].label, "' input ", input_index,
                  ": stream value at step ", s.step + i / n, ", neuron ", i % n,
                  " must be finite, got ", data[i]);
  std::vector<float>& buf = s.stream_data[flat];
  buf.assign(data, data + n_steps * n);
  s.streams[population][input_index] = stream_view{buf.data(), s.step, n_steps};
}

void simulation::advance(std::uint64_t n_steps) {
  impl& s = *impl_;
  if (!s.rec.active()) config_fail("advance: no run begun (call begin_run first)");
  if (s.step + n_steps > s.run_end)
    config_fail("advance: ", n_steps, " steps run past the end of the run begun (",
                s.run_end - s.step, " steps left)");
  for (std::size_t p = 0; p < s.streams.size(); ++p)
    for (std::size_t i = 0; i < s.streams[p].size(); ++i) {
      if (s.net->populations[p].inputs[i].type != input_type::stream) continue;
      const stream_view& v = s.streams[p][i];
      if (!v.data || v.first_step != s.step || v.steps < n_steps)
        config_fail("population '", s.net->populations[p].label, "' input ", i,
                    ": no stream data for steps ", s.step, " to ", s.step + n_steps - 1);
    }
  const advance_result r = s.eng->advance(s.step, n_steps, s.streams, s.rec);
  s.step += r.steps;
  if (!r.error.empty()) throw simulation_error(r.error);
}

run_result simulation::end_run() {
  impl& s = *impl_;
  if (!s.rec.active()) config_fail("end_run: no run begun");
  s.stream_data.clear();
  s.streams.clear();
  return s.rec.finish(s.step - s.run_first, s.net->dt);
}

run_result simulation::run(std::uint64_t n_steps, const std::vector<trace_request>& traces) {
  begin_run(n_steps, traces);
  try {
    advance(n_steps);
  } catch (...) {
    end_run();
    throw;
  }
  return end_run();
}

std::vector<float> simulation::get_state(std::size_t population, const std::string& variable) const {
  const network_data& d = *impl_->net;
  if (population >= d.populations.size()) config_fail("population index ", population, " out of range");
  std::vector<float> out(d.populations[population].n);
  impl_->eng->read_state(static_cast<std::uint32_t>(population), parse_state(variable), out.data());
  return out;
}

void simulation::set_state(std::size_t population, const std::string& variable,
                           const float* values, std::size_t n) {
  const network_data& d = *impl_->net;
  if (population >= d.populations.size()) config_fail("population index ", population, " out of range");
  const population_data& p = d.populations[population];
  const state_var var = parse_state(variable);
  if (n != p.n)
    config_fail("population '", p.label, "': state '", variable, "' needs ", p.n, " values, got ", n);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(values[i]))
      config_fail("population '", p.label, "': state '", variable, "' must be finite, got ",
                  values[i], " at neuron ", i);
  impl_->eng->write_state(static_cast<std::uint32_t>(population), var, values);
}

}  // namespace snn
