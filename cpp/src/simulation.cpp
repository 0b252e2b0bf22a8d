#include "snn/simulation.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>

#include "connectivity.hpp"
#include "engine.hpp"
#include "recorder.hpp"
#include "snn/config.hpp"
#include "system.hpp"

namespace snn {

namespace cpu_generic {
std::unique_ptr<engine> make_engine(std::shared_ptr<network_data>, int);
}
namespace cpu_avx2 {
std::unique_ptr<engine> make_engine(std::shared_ptr<network_data>, int);
}
namespace cpu_avx512 {
std::unique_ptr<engine> make_engine(std::shared_ptr<network_data>, int);
}

std::unique_ptr<engine> make_cpu_engine(std::shared_ptr<network_data> net, int threads) {
  // The variants round identically (no FMA contraction); AVX2 and AVX-512 only widen the
  // vectors. SNN_CPU_NO_AVX512=1 picks AVX2 on an AVX-512 machine (to compare them).
#if SNN_CPU_AVX2
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && !std::getenv("SNN_CPU_NO_AVX512"))
    return cpu_avx512::make_engine(std::move(net), threads);
  if (__builtin_cpu_supports("avx2")) return cpu_avx2::make_engine(std::move(net), threads);
#endif
  return cpu_generic::make_engine(std::move(net), threads);
}

double engine_state_bytes(const network_data& d, int threads) {
  double bytes = 0;
  for (const auto& p : d.populations) {
    const model_desc& m = p.desc();
    bytes += (4.0 * (m.n_vars + m.n_channels + 12) + 1) * p.n;  // 12: at most max_model_params
  }
  for (const auto& p : d.projections) {
    const double n = d.populations[p.post].n;
    const double slots = p.dense ? p.d_max : threads;  // sparse: an accumulator per thread
    bytes += 8.0 * slots * n + 8.0 * n + 4.0 * p.kernel.samples.size() * n;
  }
  return bytes;
}

void engine::save_state(std::uint64_t, state_arrays&) const {
  throw error(cat("checkpoints of the ", name(), " backend are not supported yet"));
}
void engine::load_state(std::uint64_t, const state_arrays&) {
  throw error(cat("checkpoints of the ", name(), " backend are not supported yet"));
}

std::uint64_t stored_weights(const projection_data& p) {
  return p.dense ? p.weights.size() : p.one_weight ? 1 : p.n_synapses;
}

std::string failure_message(const network_data& net, std::uint32_t population, std::uint32_t neuron,
                            std::uint64_t step, const float* state) {
  const population_data& pop = net.populations[population];
  const model_desc& m = pop.desc();
  std::string values;
  for (int j = 0; j < m.n_vars; ++j) values += cat(j ? ", " : "", m.vars[j].name, " = ", state[j]);
  return cat("population '", pop.label, "' (", m.name, "), neuron ", neuron, ": the state became NaN or infinite at step ",
             step, " (t = ", step * net.dt, " ms); ", values);
}

bool cuda_available() { return SNN_HAVE_CUDA && cuda_device_present(); }

build_config config() {
  build_config out;
  out.version = SNN_VERSION;
  out.cuda_compiled = SNN_HAVE_CUDA;
  out.mpi_compiled = SNN_HAVE_MPI;
  const std::string archs = SNN_CUDA_ARCHITECTURES;  // "80;90", maybe "90-real"
  for (std::size_t at = 0; at < archs.size();) {
    std::size_t end = archs.find(';', at);
    if (end == std::string::npos) end = archs.size();
    const int arch = std::atoi(archs.substr(at, end - at).c_str());
    if (arch > 0) out.cuda_architectures.push_back(arch);
    at = end + 1;
  }
  query_cuda(out);
  return out;
}

namespace {
int auto_threads(const network_data& d) {
  double neurons = 0, synapses = 0;
  for (const auto& p : d.populations) neurons += p.n;
  for (const auto& p : d.projections) synapses += static_cast<double>(p.n_synapses);
  // Below this size a step takes a few microseconds and a barrier per step costs more
  // than a second thread gains.
  return neurons >= 20000 || synapses >= 4e6 ? hardware_threads() : 1;
}

int parse_state(const population_data& p, const std::string& name) {
  const int var = variable_index(p.desc(), name);
  if (var < 0)
    config_fail("population '", p.label, "': model '", p.desc().name, "' has no variable '", name,
                "' (its variables: ", variable_names(p.desc()), ")");
  return var;
}

// Distributed: the traces of this process's neurons (a variable none of whose neurons it
// owns is left out); weight traces are of its synapses already.
std::vector<trace_request> owned_traces(const network_data& d, const std::vector<trace_request>& traces) {
  if (!d.comm->distributed()) return traces;
  std::vector<trace_request> out;
  for (trace_request r : traces) {
    if (r.projection < 0 && r.population < d.populations.size()) {
      const auto [lo, hi] = d.comm->owned(d.populations[r.population].n);
      if (r.neurons.empty())
        for (std::uint32_t i = lo; i < hi; ++i) r.neurons.push_back(i);
      else
        r.neurons.erase(std::remove_if(r.neurons.begin(), r.neurons.end(),
                                       [&](std::int64_t i) { return i < lo || i >= hi; }),
                        r.neurons.end());
      if (r.neurons.empty()) continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

const projection_data& projection_of(const network_data& d, std::size_t j) {
  if (j >= d.projections.size())
    config_fail("projection index ", j, " out of range (", d.projections.size(), " projections)");
  return d.projections[j];
}
}  // namespace

struct simulation::impl {
  std::shared_ptr<network_data> net;
  std::unique_ptr<engine> eng;
  recorder rec;
  std::atomic<std::uint64_t> step{0};  // read by step() from any thread
  std::uint64_t run_first = 0, run_end = 0;
  stream_table streams;                    // views for the current chunk
  std::vector<std::vector<float>> stream_data;  // owned copies, [flat input index]
};

simulation::simulation(const network& net, backend b, int threads) : impl_(std::make_unique<impl>()) {
  impl_->net = net.data();
  auto guard = impl_->net->guard.write();
  const network_data& d = *impl_->net;
  if (threads < 0) config_fail("threads must be >= 0 (0: automatic), got ", threads);
  if (threads > max_threads())
    config_fail("threads = ", threads, " is more than 4 times the ", hardware_threads(),
                " hardware threads of this machine (at most ", max_threads(), ")");
  const int cpu_threads = threads > 0 ? threads : auto_threads(d);
  check_memory("the simulation state", engine_state_bytes(d, cpu_threads));
  if (b == backend::cuda && d.comm->distributed())
    throw backend_unavailable(cat("the CUDA backend runs in one process; this network is distributed over ",
                                  d.comm->size(), " (use the CPU backend, or one process)"));
  if (b == backend::cuda || (b == backend::automatic && cuda_available() && !d.comm->distributed()))
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
  auto guard = s.net->guard.write();
  if (s.rec.active()) throw error("begin_run: a run is already in progress in this thread (end_run it first)");
  if (n_steps > max_steps - s.step)
    config_fail("begin_run: ", n_steps, " steps from step ", s.step, " would pass the limit of 2^63 - 1 steps");
  s.rec.begin(*s.net, s.step, n_steps, owned_traces(*s.net, traces), s.eng->threads());
  s.net->guard.claim();
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
  auto guard = s.net->guard.write();
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
  if (n_steps > s.run_end - s.step || n_steps > (std::uint64_t(1) << 62) / n)
    config_fail("population '", s.net->populations[population].label, "' input ", input_index, ": ", n_steps,
                " stream rows for the ", s.run_end - s.step, " steps left in the run");
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
  auto guard = s.net->guard.write();
  if (!s.rec.active()) config_fail("advance: no run begun (call begin_run first)");
  if (n_steps > s.run_end - s.step)
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
  auto guard = s.net->guard.write();
  if (!s.rec.active()) config_fail("end_run: no run begun");
  s.stream_data.clear();
  s.streams.clear();
  s.net->guard.release();
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
  auto guard = impl_->net->guard.read();
  const network_data& d = *impl_->net;
  if (population >= d.populations.size()) config_fail("population index ", population, " out of range");
  std::vector<float> out(d.populations[population].n);
  const int var = parse_state(d.populations[population], variable);
  impl_->eng->read_state(static_cast<std::uint32_t>(population), var, out.data());
  const auto [lo, hi] = d.comm->owned(d.populations[population].n);  // others' neurons: NaN
  std::fill(out.begin(), out.begin() + lo, std::numeric_limits<float>::quiet_NaN());
  std::fill(out.begin() + hi, out.end(), std::numeric_limits<float>::quiet_NaN());
  return out;
}

exchange_stats simulation::exchanges() const {
  auto guard = impl_->net->guard.read();
  return impl_->eng->exchanges();
}

void simulation::set_state(std::size_t population, const std::string& variable,
                           const float* values, std::size_t n) {
  auto guard = impl_->net->guard.write();
  const network_data& d = *impl_->net;
  if (population >= d.populations.size()) config_fail("population index ", population, " out of range");
  const population_data& p = d.populations[population];
  const int var = parse_state(p, variable);
  if (n != p.n)
    config_fail("population '", p.label, "': state '", variable, "' needs ", p.n, " values, got ", n);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(values[i]))
      config_fail("population '", p.label, "': state '", variable, "' must be finite, got ",
                  values[i], " at neuron ", i);
  impl_->eng->write_state(static_cast<std::uint32_t>(population), var, values);
}

void network_data::settle_weights() const {
  if (lazy) lazy->settle();
}

std::uint64_t simulation::plasticity_bytes(std::size_t projection) const {
  auto guard = impl_->net->guard.read();
  projection_of(*impl_->net, projection);  // checks the index
  return impl_->eng->plasticity_bytes(static_cast<std::uint32_t>(projection));
}

std::vector<double> simulation::get_weights(std::size_t projection) const {
  auto guard = impl_->net->guard.read();
  const network_data& d = *impl_->net;
  const projection_data& p = projection_of(d, projection);
  impl_->eng->settle();  // the stored weights up to date
  std::vector<std::int32_t> stored(stored_weights(p));
  impl_->eng->read_weights(static_cast<std::uint32_t>(projection), stored.data());
  std::vector<double> out;
  out.reserve(p.n_synapses);
  const double inv = p.inv_scale();
  for_each_synapse(p, d.populations[p.pre].n, d.populations[p.post].n,
                   [&](std::uint32_t, std::uint32_t, std::uint64_t at, std::uint32_t) {
                     out.push_back(stored[p.one_weight ? 0 : at] * inv);
                   });
  return out;
}

void simulation::set_weights(std::size_t projection, const double* w, std::size_t n) {
  auto guard = impl_->net->guard.write();
  const network_data& d = *impl_->net;
  const projection_data& p = projection_of(d, projection);
  const std::string who = cat("projection '", p.label, "'");
  if (n != p.n_synapses) config_fail(who, ": set_weights needs ", p.n_synapses, " weights, got ", n);
  // Quantised with the projection's scale 2^s (docs/numerics.md): |w| below 2^(31 - s).
  const double scale = std::ldexp(1.0, p.scale_exp), limit = std::ldexp(1.0, 31 - p.scale_exp);
  auto quantise = [&](std::size_t j) {
    const double x = static_cast<double>(static_cast<float>(w[j]));
    if (!std::isfinite(w[j]) || !(std::fabs(x) < limit))
      config_fail(who, ": weight ", j, " must be finite and below ", limit,
                  " in magnitude (the projection's fixed-point range), got ", w[j]);
    const auto q = static_cast<std::int32_t>(std::nearbyint(x * scale));
    if (p.channel > 0 && q < 0) config_fail(who, ": conductance weights must be >= 0 uS, got ", w[j]);
    if (p.plastic() && (x < p.rule.w_min || x > p.rule.w_max))
      config_fail(who, ": weight ", j, " = ", w[j], " is outside the plasticity bounds [", p.rule.w_min, ", ",
                  p.rule.w_max, "]");
    if (p.dense_skip_zeros && q == 0)
      config_fail(who, ": weight ", j, " would become 0, which in a dense matrix is an absent synapse");
    if (p.one_weight && j > 0 && q != static_cast<std::int32_t>(std::nearbyint(static_cast<float>(w[0]) * scale)))
      config_fail(who, ": its synapses share one stored weight (they were built with one value); give one "
                  "value for all, or build the projection with per-synapse weights");
    return q;
  };
  impl_->eng->settle();
  std::vector<std::int32_t> stored(stored_weights(p));
  impl_->eng->read_weights(static_cast<std::uint32_t>(projection), stored.data());
  std::size_t j = 0;
  for_each_synapse(p, d.populations[p.pre].n, d.populations[p.post].n,
                   [&](std::uint32_t, std::uint32_t, std::uint64_t at, std::uint32_t) {
                     stored[p.one_weight ? 0 : at] = quantise(j++);
                   });
  impl_->eng->write_weights(static_cast<std::uint32_t>(projection), stored.data());
}

}  // namespace snn

namespace snn {

state_arrays simulation::save_state() const {
  auto guard = impl_->net->guard.read();
  if (impl_->rec.active()) throw error("save_state: a run is in progress (save between runs)");
  state_arrays out;
  const std::uint64_t step = impl_->step;
  put_array(out, "state/step", &step, 1);
  put_text(out, "state/backend", impl_->eng->name());
  impl_->eng->save_state(step, out);
  return out;
}

void simulation::load_state(const state_arrays& in) {
  auto guard = impl_->net->guard.write();
  if (impl_->rec.active()) throw error("load_state: a run is in progress (load between runs)");
  const std::uint64_t step = get_value<std::uint64_t>(in, "state/step");
  if (step > max_steps) config_fail("checkpoint: array 'state/step' holds ", step, ", above 2^63 - 1");
  impl_->eng->load_state(step, in);
  impl_->step = step;
}

}  // namespace snn
