// The CUDA engine: host side. Everything lives on the device (state, connectivity, delay
// rings, kernel state, spike lists, trace buffers); a chunk of steps runs as a few CUDA
// Graph launches with no host round trip per step, and its recordings come down in bulk at
// the end of the chunk. Kernels in kernels.cu; the arithmetic is the CPU engine's.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

#include "cuda_check.hpp"
#include "device_buffer.hpp"
#include "device_types.hpp"
#include "engine.hpp"
#include "engine_plan.hpp"
#include "kernels.hpp"
#include "plan.hpp"
#include "recorder.hpp"
#include "system.hpp"

namespace snn {
namespace cuda {
namespace {

/// Bytes of device memory the spike lists, streams and traces take per step of a chunk,
/// assuming every neuron spikes every step (so a chunk can never overflow).
double bytes_per_chunk_step(const network_data& d, std::size_t trace_columns) {
  double bytes = 4.0 * static_cast<double>(trace_columns);
  for (const population_data& p : d.populations) {
    bytes += 4.0 * p.n;
    for (const input_data& x : p.inputs)
      if (x.type == input_type::stream) bytes += 4.0 * p.n;
  }
  return bytes;
}

/// Device bytes of the network and the engine state, without the per-step buffers.
double network_bytes(const network_data& d) {
  double bytes = 0;
  for (const population_data& p : d.populations) {
    const model_desc& m = p.desc();
    bytes += (4.0 * (m.n_vars + m.n_channels + m.n_params + 2) + 1 + 4 + 4) * p.n + 4.0 * neuron_blocks(p.n) + 64;
    bytes += 8.0 * (p.table_ptr.size() + p.table_steps.size());
    for (const input_data& x : p.inputs)
      bytes += 4.0 * (x.mean.size() + x.std.size()) + (x.type == input_type::pulses ? 4.0 * p.n : 0.0);
  }
  for (const projection_data& p : d.projections) {
    const double n_post = d.populations[p.post].n, n_pre = d.populations[p.pre].n;
    const double L = static_cast<double>(p.kernel.samples.size());
    bytes += 8.0 * p.d_max * n_post + 8.0 * n_post + 4.0 * L * (n_post + 1);
    bytes += p.dense ? 4.0 * n_pre * n_post : 8.0 * static_cast<double>(p.n_synapses) + 8.0 * (n_pre + 1);
    if (p.plastic())  // traces, sd, the synapses by target; spike histories of d_max steps
      bytes += 34.0 * static_cast<double>(p.n_synapses) + 8.0 * n_post + 4.0 * (p.d_max + 1) * (n_pre + n_post);
  }
  return bytes;
}

// Device memory for the per-chunk buffers: at most this, and at most half of what is free
// after the network. (10^6 neurons: 256 steps per chunk.)
constexpr double chunk_budget_bytes = 1024.0 * 1024 * 1024;

/// Small networks run a whole chunk in one block (a few microseconds per step instead of a
/// few launches); SNN_CUDA_FUSED=0 or 1 overrides the choice (to test both paths).
bool use_fused_kernel(const network_data& d) {
  if (const char* env = std::getenv("SNN_CUDA_FUSED")) return std::string(env) == "1";
  double neurons = 0, synapses = 0;
  for (const population_data& p : d.populations) neurons += p.n;
  for (const projection_data& p : d.projections) synapses += static_cast<double>(p.n_synapses);
  return neurons <= 4096 && synapses <= 4e6;
}
constexpr std::uint32_t longest_graph_steps = 64;

struct population_buffers {
  std::vector<device_array<float>> vars, channels, params;  // the model's, [n] each
  device_array<std::uint32_t> history_ids, history_count;  // the last steps' spike lists
  device_array<std::uint64_t> table_ptr, table_steps;       // spike sources
  device_array<std::uint8_t> spiked;
  device_array<std::uint32_t> block_counts, ids, offsets, prev, prev_count;
  std::vector<device_array<float>> values;   // input means and stds
  std::vector<device_array<std::uint32_t>> thresholds;  // poisson inputs' tables
  std::vector<device_array<float>> streams;  // [input]: chunk rows (stream inputs only)
  std::vector<device_array<std::uint32_t>> hits;  // [input]: pulses per neuron (pulses only)
  device_array<input_args> inputs;
  device_array<arrival_args> arrivals;
  std::vector<input_args> host_inputs;
  population_args args;
};

struct projection_buffers {
  device_array<std::uint64_t> row_ptr;
  device_array<device_synapse> synapses;
  device_array<std::int32_t> weights;
  device_array<unsigned long long> ring;
  device_array<float> s0, s1;
  // plastic projections (device_types.hpp's plastic_args)
  device_array<float> x, y, sd;
  device_array<std::uint64_t> xk, yk, in_ptr;
  device_array<std::uint32_t> in_syn;
  device_array<std::uint16_t> in_delay;
  projection_args args;
};

/// The device arrays of a kernel group (engine_plan.hpp).
struct sampled_group {
  device_array<float> kappa, hist;  // hist: [L][n] summed arrivals
};

struct trace_buffers {
  device_array<std::int32_t> neurons;
  device_array<std::uint64_t> storage;
  device_array<float> out;
};

/// A trace request's shape: the graphs depend on it, not on where the run starts.
struct trace_shape {
  std::uint32_t population;
  int var;  // -1: the weights of `projection`, at `storage`
  std::uint64_t every;
  std::vector<std::int32_t> neurons;
  std::int64_t projection;
  std::vector<std::uint64_t> storage;
  bool operator==(const trace_shape& o) const {
    return population == o.population && var == o.var && every == o.every && neurons == o.neurons &&
           projection == o.projection && storage == o.storage;
  }
};

struct graph_deleter {
  void operator()(cudaGraph_t g) const { cudaGraphDestroy(g); }
};
struct graph_exec_deleter {
  void operator()(cudaGraphExec_t g) const { cudaGraphExecDestroy(g); }
};
using graph_ptr = std::unique_ptr<std::remove_pointer_t<cudaGraph_t>, graph_deleter>;
using graph_exec_ptr = std::unique_ptr<std::remove_pointer_t<cudaGraphExec_t>, graph_exec_deleter>;
struct stream_deleter {
  void operator()(cudaStream_t s) const { cudaStreamDestroy(s); }
};

std::string device_name(int device) {
  cudaDeviceProp prop{};
  SNN_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  return prop.name;
}

class cuda_engine final : public engine {
 public:
  explicit cuda_engine(std::shared_ptr<network_data> net)
      : net_(std::move(net)), plan_(make_plan(*net_, /*by_delay=*/true)) {
    const network_data& d = *net_;
    if (d.populations.size() > 0xFFFF)
      config_fail("backend 'cuda': at most 65535 populations, got ", d.populations.size());
    SNN_CUDA_CHECK(cudaGetDevice(&device_));
    SNN_CUDA_CHECK(cudaDeviceGetAttribute(&sm_count_, cudaDevAttrMultiProcessorCount, device_));
    std::size_t free = 0, total = 0;
    SNN_CUDA_CHECK(cudaMemGetInfo(&free, &total));
    const double need = network_bytes(d) + bytes_per_chunk_step(d, 0);
    // Leave a little for the CUDA context's own allocations (graphs, launch queues).
    if (need > 0.95 * static_cast<double>(free))
      throw memory_error(cat("backend 'cuda': the network needs about ", format_bytes(need),
                             " of device memory; ", format_bytes(static_cast<double>(free)),
                             " of ", format_bytes(static_cast<double>(total)), " is free on device ",
                             device_, " (", device_name(device_), ")"));
    fused_ = use_fused_kernel(d);
    budget_ = std::min(chunk_budget_bytes, 0.5 * (0.95 * static_cast<double>(free) - need));
    // A non-blocking stream: no implicit dependency on the legacy stream, whose synchronous
    // copies (cuda_array) run only while this stream is idle and are fenced before its work.
    cudaStream_t stream = nullptr;
    SNN_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    stream_holder_.reset(stream);
    stream_ = stream;
    // Graphs are recorded on a stream of their own, which never has work pending.
    SNN_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    capture_holder_.reset(stream);
    ctl_ = device_array<step_control>(1);
    ctl_host_ = pinned_array<step_control>(1);
    ctl_host_[0] = step_control{};
    ctl_.upload(ctl_host_.get(), 1);
    for (std::uint32_t p = 0; p < d.populations.size(); ++p) pops_.push_back(make_population(p));
    for (const kernel_group& g : plan_.groups) {
      sampled_group fresh;
      fresh.kappa = device_array<float>(g.kappa);
      fresh.hist = device_array<float>(g.kappa.size() * std::uint64_t(d.populations[g.post].n));
      fresh.hist.zero();
      groups_.push_back(std::move(fresh));
    }
    for (std::uint32_t j = 0; j < d.projections.size(); ++j) projs_.push_back(make_projection(j));
    for (std::uint32_t p = 0; p < d.populations.size(); ++p) link_arrivals(p);
    layout(chunk_steps(budget_, bytes_per_chunk_step(d, 0)));
    SNN_CUDA_CHECK(cudaDeviceSynchronize());
  }

  const char* name() const override { return "cuda"; }
  int threads() const override { return 1; }

  advance_result advance(std::uint64_t first, std::uint64_t n_steps, const stream_table& streams,
                         recorder& rec) override {
    prepare_traces(rec);
    if (fused_) prepare_fused();
    // Copies and sets made outside the stream (this advance's preparation, write_state) are
    // done before the stream's work starts.
    SNN_CUDA_CHECK(cudaDeviceSynchronize());
    advance_result out;
    std::uint64_t done = 0;
    while (done < n_steps) {
      const auto s = static_cast<std::uint32_t>(std::min<std::uint64_t>(chunk_, n_steps - done));
      const std::uint64_t k0 = first + done;
      const std::vector<std::uint32_t> lengths = fused_ ? std::vector<std::uint32_t>{} : graph_lengths(s, longest_);
      for (std::uint32_t len : lengths) graph(len);  // captured before anything is queued
      upload_streams(streams, k0, s);
      ctl_host_[0] = step_control{};
      ctl_host_[0].first = k0;
      SNN_CUDA_CHECK(cudaMemcpyAsync(ctl_.get(), ctl_host_.get(), sizeof(step_control),
                                     cudaMemcpyHostToDevice, stream_));
      if (fused_)
        launch_fused(fused_args_, ctl_.get(), s, stream_);
      else
        for (std::uint32_t len : lengths) SNN_CUDA_CHECK(cudaGraphLaunch(graph(len), stream_));
      SNN_CUDA_CHECK(cudaMemcpyAsync(ctl_host_.get(), ctl_.get(), sizeof(step_control),
                                     cudaMemcpyDeviceToHost, stream_));
      for (std::size_t p = 0; p < pops_.size(); ++p)
        SNN_CUDA_CHECK(cudaMemcpyAsync(offsets_host_[p].get(), pops_[p].offsets.get(),
                                       (s + 1) * sizeof(std::uint32_t), cudaMemcpyDeviceToHost, stream_));
      SNN_CUDA_CHECK(cudaStreamSynchronize(stream_));
      const unsigned long long fail = ctl_host_[0].fail;
      const std::uint32_t ran = fail == no_failure ? s : static_cast<std::uint32_t>(fail >> 48) + 1;
      record(rec, k0, ran);
      for (population_buffers& p : pops_) launch_keep_last(p.args.spikes, ran - 1, p.args.n, stream_);
      done += ran;
      if (fail != no_failure) {
        out.error = failure_message(fail, k0);
        break;
      }
    }
    SNN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    // Plastic weights changed on the device: the network data (read_weights, synapses())
    // follows them after every advance.
    for (std::uint32_t j = 0; j < projs_.size(); ++j)
      if (projs_[j].args.plastic) {
        std::vector<synapse>& host = net_->projections[j].synapses;
        projs_[j].synapses.download(reinterpret_cast<device_synapse*>(host.data()), host.size());
      }
    out.steps = done;
    return out;
  }

  void read_state(std::uint32_t p, int var, float* out) const override {
    state(p, var).download(out, net_->populations[p].n);
  }
  void write_state(std::uint32_t p, int var, const float* in) override {
    state(p, var).upload(in, net_->populations[p].n);
  }

  // The weights are kept in the network data as well as on the device (they do not change
  // on the device yet): read there, written to both.
  void read_weights(std::uint32_t j, std::int32_t* out) const override {
    const projection_data& p = net_->projections[j];
    if (p.dense) std::copy(p.weights.begin(), p.weights.end(), out);
    if (!p.dense && p.one_weight) out[0] = p.shared_weight;
    if (!p.dense && !p.one_weight)
      for (std::uint64_t s = 0; s < p.n_synapses; ++s) out[s] = p.synapses[s].weight;
  }
  void write_weights(std::uint32_t j, const std::int32_t* in) override {
    projection_data& p = net_->projections[j];
    if (p.dense) {
      std::copy(in, in + p.weights.size(), p.weights.begin());
      projs_[j].weights.upload(p.weights.data(), p.weights.size());
      return;
    }
    if (p.one_weight)
      p.shared_weight = in[0];
    else
      for (std::uint64_t s = 0; s < p.n_synapses; ++s) p.synapses[s].weight = in[s];
    upload_rows(p, projs_[j]);
  }

 private:
  const device_array<float>& state(std::uint32_t p, int var) const {
    const population_buffers& b = pops_[p];
    const int n_vars = net_->populations[p].desc().n_vars;
    return var < n_vars ? b.vars[var] : b.channels[var - n_vars];
  }

  population_buffers make_population(std::uint32_t index) {
    const population_data& p = net_->populations[index];
    population_buffers b;
    for (const std::vector<float>& x : p.init) b.vars.emplace_back(x);
    for (int j = 0; j < p.desc().n_channels; ++j) {
      b.channels.emplace_back(p.n);
      b.channels.back().zero();
    }
    for (const std::vector<float>& x : plan_.constants[index].per_neuron) b.params.emplace_back(x);
    b.table_ptr = device_array<std::uint64_t>(p.table_ptr);
    b.table_steps = device_array<std::uint64_t>(p.table_steps);
    b.spiked = device_array<std::uint8_t>(p.n);
    b.spiked.zero();
    if (const std::uint32_t steps = history_steps(index)) {
      b.history_ids = device_array<std::uint32_t>(std::uint64_t(steps) * p.n);
      b.history_count = device_array<std::uint32_t>(steps);
      b.history_count.zero();
      b.args.history = spike_history{b.history_ids.get(), b.history_count.get(), steps, p.n};
    }
    b.block_counts = device_array<std::uint32_t>(neuron_blocks(p.n));
    b.prev = device_array<std::uint32_t>(p.n);
    b.prev_count = device_array<std::uint32_t>(1);
    b.prev_count.zero();
    b.streams.resize(p.inputs.size());
    b.hits.resize(p.inputs.size());
    for (std::uint32_t in = 0; in < p.inputs.size(); ++in) {
      const input_data& x = p.inputs[in];
      input_args a;
      a.kind = x.type == input_type::constant ? input_kind::constant
               : x.type == input_type::noise   ? input_kind::noise
               : x.type == input_type::pulses  ? input_kind::pulses
               : x.type == input_type::poisson ? input_kind::poisson
                                               : input_kind::stream;
      a.index = in;
      a.to_v = x.to_v;
      if (x.type == input_type::poisson) {
        b.thresholds.emplace_back(x.thresholds);
        a.thresholds = b.thresholds.back().get();
        a.n_thresholds = static_cast<std::uint32_t>(x.thresholds.size());
      }
      if (x.type == input_type::pulses) {
        a.per_step = x.per_step;
        b.hits[in] = device_array<std::uint32_t>(p.n);
        b.hits[in].zero();
        a.hits = b.hits[in].get();
        b.args.has_pulses = true;
      }
      if (x.type != input_type::stream) {
        b.values.emplace_back(x.mean);
        a.mean = b.values.back().get();
        a.per_neuron_mean = x.mean.size() > 1;
      }
      if (x.type == input_type::noise) {
        b.values.emplace_back(x.std);
        a.std = b.values.back().get();
        a.per_neuron_std = x.std.size() > 1;
      }
      b.host_inputs.push_back(a);
    }
    population_args& a = b.args;
    a.n = p.n;
    a.index = index;
    a.model = p.model;
    std::memcpy(a.constants, plan_.constants[index].scalars, sizeof a.constants);
    for (std::size_t j = 0; j < b.vars.size(); ++j) a.vars[j] = b.vars[j].get();
    for (std::size_t j = 0; j < b.channels.size(); ++j) a.channels[j] = b.channels[j].get();
    for (std::size_t j = 0; j < b.params.size(); ++j) a.params[j] = b.params[j].get();
    a.table_ptr = b.table_ptr.get(), a.table_steps = b.table_steps.get();
    a.spiked = b.spiked.get();
    a.seed = net_->seed;
    a.n_inputs = static_cast<std::uint32_t>(p.inputs.size());
    a.block_counts = b.block_counts.get();
    a.spikes.prev = b.prev.get();
    a.spikes.prev_count = b.prev_count.get();
    return b;
  }

  // How many steps of spike lists each population keeps: plastic projections read their
  // sources' (axonal delays: arrivals) and targets' (dendritic delays: post spikes reaching
  // synapses later; axonal: this step's) spikes from there.
  std::uint32_t history_steps(std::uint32_t pi) const {
    std::uint32_t steps = 0;
    for (const projection_data& p : net_->projections) {
      if (!p.plastic()) continue;
      const bool dendritic = p.rule.type == plasticity_type::stdp;
      if (p.pre == pi && !dendritic) steps = std::max(steps, p.d_max + 1);
      if (p.post == pi) steps = std::max(steps, dendritic ? p.d_max + 1 : 1u);
    }
    return steps;
  }

  // A plastic projection's device state, as the CPU engine's (cpu_engine.cpp).
  void make_plastic(std::uint32_t j, projection_buffers& b) {
    const projection_data& p = net_->projections[j];
    const plastic_plan& plan = plan_.plastic[j];
    plastic_args& a = b.args.pl;
    a.rule = plan.args;
    const std::uint64_t n_syn = p.n_synapses;
    const std::uint64_t n_y = plan.args.dendritic ? n_syn : net_->populations[p.post].n;
    b.x = device_array<float>(std::vector<float>(n_syn, 0.0f));
    b.xk = device_array<std::uint64_t>(std::vector<std::uint64_t>(n_syn, no_spike));
    b.y = device_array<float>(std::vector<float>(n_y, 0.0f));
    b.yk = device_array<std::uint64_t>(std::vector<std::uint64_t>(n_y, no_spike));
    if (plan.args.izhikevich) b.sd = device_array<float>(std::vector<float>(n_syn, 0.0f));
    b.in_ptr = device_array<std::uint64_t>(plan.in_ptr);
    b.in_syn = device_array<std::uint32_t>(plan.in_syn);
    b.in_delay = device_array<std::uint16_t>(plan.in_delay);
    a.x = b.x.get(), a.xk = b.xk.get(), a.y = b.y.get(), a.yk = b.yk.get(), a.sd = b.sd.get();
    a.in_ptr = b.in_ptr.get(), a.in_syn = b.in_syn.get(), a.in_delay = b.in_delay.get();
    a.pre = pops_[p.pre].args.history, a.post = pops_[p.post].args.history;
    a.n_synapses = n_syn;
    a.d_max = p.d_max;
    b.args.plastic = true;
  }

  projection_buffers make_projection(std::uint32_t index) {
    const projection_data& p = net_->projections[index];
    const std::uint32_t n_post = net_->populations[p.post].n;
    const std::uint32_t n_pre = net_->populations[p.pre].n;
    projection_buffers b;
    projection_args& a = b.args;
    a.dense = p.dense;
    a.n_post = n_post;
    a.slots = p.d_max;
    a.d_min = p.d_min;
    a.post_bits = static_cast<std::uint32_t>(p.post_bits);
    if (p.dense) {
      b.weights = device_array<std::int32_t>(p.weights);
      a.weights = b.weights.get();
    } else {
      static_assert(sizeof(device_synapse) == sizeof(synapse), "synapse layouts differ");
      b.row_ptr = device_array<std::uint64_t>(p.row_ptr);
      b.synapses = device_array<device_synapse>(p.n_synapses);
      upload_rows(p, b);
      a.row_ptr = b.row_ptr.get();
      a.synapses = b.synapses.get();
      // A warp per spike: enough warps for every neuron to spike, or a few waves of blocks.
      a.blocks = std::max<std::uint32_t>(1, std::min<std::uint32_t>((n_pre + 7) / 8, 16u * sm_count_));
    }
    b.ring = device_array<unsigned long long>(std::uint64_t(p.d_max) * n_post);
    b.ring.zero();
    a.ring = b.ring.get();
    const kernel_type kt = p.kernel.type;
    if (kt == kernel_type::exponential || kt == kernel_type::alpha) {
      b.s0 = device_array<float>(n_post);
      b.s0.zero();
    }
    if (kt == kernel_type::alpha) {
      b.s1 = device_array<float>(n_post);
      b.s1.zero();
    }
    if (p.plastic()) make_plastic(index, b);
    return b;
  }

  // A sparse projection's 8-byte device rows; one-weight projections, stored as keys
  // alone on the host, get the weight in every row.
  static void upload_rows(const projection_data& p, projection_buffers& b) {
    if (p.one_weight) {
      std::vector<synapse> rows(p.n_synapses);
      for (std::uint64_t s = 0; s < p.n_synapses; ++s) rows[s] = p.synapse_at(s);
      b.synapses.upload(reinterpret_cast<const device_synapse*>(rows.data()), rows.size());
    } else {
      b.synapses.upload(reinterpret_cast<const device_synapse*>(p.synapses.data()), p.synapses.size());
    }
  }

  // The projections into population p, in creation order, and each projection's source.
  void link_arrivals(std::uint32_t pi) {
    std::vector<arrival_args> list;
    for (std::uint32_t j : plan_.into[pi]) {
      const projection_data& p = net_->projections[j];
      const projection_buffers& b = projs_[j];
      arrival_args x;
      x.kernel = static_cast<std::uint32_t>(p.kernel.type);
      x.channel = p.channel;
      x.slots = p.d_max;
      x.ring = b.ring.get();
      x.inv_scale = p.inv_scale();
      x.q = p.kernel.q;
      x.c = p.kernel.c;
      x.s0 = b.s0.get();
      x.s1 = b.s1.get();
      if (plan_.group_of[j] >= 0) {  // shares its group's history (docs/numerics.md)
        const sampled_group& g = groups_[plan_.group_of[j]];
        x.leader = plan_.groups[plan_.group_of[j]].leader == j;
        x.hist = g.hist.get();
        x.kappa = g.kappa.get();
        x.samples = static_cast<std::uint32_t>(g.kappa.size());
      }
      list.push_back(x);
    }
    population_buffers& b = pops_[pi];
    b.arrivals = device_array<arrival_args>(list);
    b.args.arrivals = b.arrivals.get();
    b.args.n_arrivals = static_cast<std::uint32_t>(list.size());
  }

  // (Re)allocates the per-chunk buffers for chunks of `steps` steps; the graphs record their
  // addresses, so they are dropped.
  void layout(std::uint32_t steps) {
    graphs_.clear();
    chunk_ = steps;
    longest_ = longest_graph(steps, longest_graph_steps);
    offsets_host_.clear();
    for (std::size_t pi = 0; pi < pops_.size(); ++pi) {
      population_buffers& b = pops_[pi];
      const std::uint32_t n = b.args.n;
      // Keep the last list (the step before the next chunk) where it is: only ids move.
      b.ids = device_array<std::uint32_t>(std::uint64_t(n) * steps);
      b.offsets = device_array<std::uint32_t>(steps + 1);
      b.offsets.zero();
      offsets_host_.emplace_back(steps + 1);
      const auto& inputs = net_->populations[pi].inputs;
      for (std::size_t in = 0; in < inputs.size(); ++in)
        if (inputs[in].type == input_type::stream) {
          b.streams[in] = device_array<float>(std::uint64_t(n) * steps);
          b.host_inputs[in].stream = b.streams[in].get();
        }
      b.inputs = device_array<input_args>(b.host_inputs);
      b.args.inputs = b.inputs.get();
      b.args.spikes.ids = b.ids.get();
      b.args.spikes.offsets = b.offsets.get();
    }
    for (std::size_t j = 0; j < projs_.size(); ++j)
      projs_[j].args.source = pops_[net_->projections[j].pre].args.spikes;
    trace_out_.clear();
  }

  // Trace buffers for the recorder's requests; a new shape changes the chunk layout.
  void prepare_traces(recorder& rec) {
    std::vector<trace_shape> shapes;
    std::size_t columns = 0;
    for (std::uint32_t t = 0; t < rec.trace_count(); ++t) {
      const trace_buffer& tb = rec.trace(t);
      shapes.push_back(trace_shape{tb.population, tb.var, tb.every, tb.neurons, tb.projection, tb.storage});
      columns += tb.neurons.size();
    }
    if (!(shapes == shapes_) || trace_out_.size() != shapes.size()) {
      const std::uint32_t steps = chunk_steps(budget_, bytes_per_chunk_step(*net_, columns));
      if (steps != chunk_) layout(steps);
      graphs_.clear();
      shapes_ = shapes;
      trace_out_.clear();
      trace_args_.clear();
      std::uint32_t first_column = 0;
      for (const trace_shape& s : shapes) {
        trace_buffers b;
        b.neurons = device_array<std::int32_t>(s.neurons);
        const std::uint64_t rows = (chunk_ + s.every - 1) / s.every;
        b.out = device_array<float>(rows * s.neurons.size());
        trace_args a;
        if (s.var >= 0) {
          a.src = state(s.population, s.var).get();
        } else {
          b.storage = device_array<std::uint64_t>(s.storage);
          a.synapses = projs_[s.projection].synapses.get();
          a.storage = b.storage.get();
          a.inv_scale = net_->projections[s.projection].inv_scale();
        }
        a.neurons = b.neurons.get();
        a.columns = static_cast<std::uint32_t>(s.neurons.size());
        a.first_column = first_column;
        a.every = s.every;
        a.out = b.out.get();
        first_column += a.columns;
        trace_args_.push_back(a);
        trace_out_.push_back(std::move(b));
      }
      trace_columns_ = first_column;
      trace_dev_ = device_array<trace_args>(trace_args_.size());
    }
    // Where sampling starts depends on the run: the kernels read it from the device.
    for (std::uint32_t t = 0; t < trace_args_.size(); ++t) trace_args_[t].first_sample = rec.trace(t).first_sample;
    trace_dev_.upload(trace_args_.data(), trace_args_.size());
  }

  // The descriptors the single-block kernel reads, as they are now (layout and traces).
  void prepare_fused() {
    std::vector<population_args> pops;
    std::vector<projection_args> projs;
    for (const population_buffers& p : pops_) pops.push_back(p.args);
    for (const projection_buffers& p : projs_) projs.push_back(p.args);
    if (fused_pops_.size() != pops.size()) fused_pops_ = device_array<population_args>(pops.size());
    if (fused_projs_.size() != projs.size()) fused_projs_ = device_array<projection_args>(projs.size());
    fused_pops_.upload(pops.data(), pops.size());
    fused_projs_.upload(projs.data(), projs.size());
    fused_args_.populations = fused_pops_.get();
    fused_args_.n_populations = static_cast<std::uint32_t>(pops.size());
    fused_args_.projections = fused_projs_.get();
    fused_args_.n_projections = static_cast<std::uint32_t>(projs.size());
    fused_args_.traces = trace_dev_.get();
    fused_args_.n_traces = static_cast<std::uint32_t>(trace_args_.size());
    fused_args_.n_columns = trace_columns_;
  }

  void upload_streams(const stream_table& streams, std::uint64_t k0, std::uint32_t s) {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      const std::uint64_t n = pops_[p].args.n;
      for (std::size_t in = 0; in < pops_[p].streams.size(); ++in) {
        if (!pops_[p].streams[in].get()) continue;
        const stream_view& sv = streams[p][in];
        SNN_CUDA_CHECK(cudaMemcpyAsync(pops_[p].streams[in].get(), sv.data + (k0 - sv.first_step) * n,
                                       s * n * sizeof(float), cudaMemcpyHostToDevice, stream_));
      }
    }
  }

  // One step at graph position pos: delivery, neuron updates, compaction, traces.
  void enqueue_step(std::uint32_t pos, cudaStream_t s) {
    for (const projection_buffers& p : projs_) launch_deliver(p.args, ctl_.get(), pos, s);
    for (const population_buffers& p : pops_)
      if (p.args.has_pulses) launch_pulses(p.args, ctl_.get(), pos, s);
    for (const population_buffers& p : pops_) launch_update(p.args, ctl_.get(), pos, s);
    for (const population_buffers& p : pops_) launch_compact(p.args, ctl_.get(), pos, s);
    for (const population_buffers& p : pops_)
      if (p.args.history.steps) launch_history(p.args, ctl_.get(), pos, s);
    for (const projection_buffers& p : projs_)
      if (p.args.plastic) launch_plasticity(p.args, ctl_.get(), pos, s);
    if (trace_columns_ > 0)
      launch_gather(trace_dev_.get(), static_cast<std::uint32_t>(trace_args_.size()), trace_columns_,
                    ctl_.get(), pos, s);
  }

  // The graph of `len` steps (a power of two), captured on first use.
  cudaGraphExec_t graph(std::uint32_t len) {
    std::uint32_t slot = 0;
    while ((1u << slot) < len) ++slot;
    if (graphs_.size() <= slot) graphs_.resize(slot + 1);
    if (graphs_[slot]) return graphs_[slot].get();
    cudaStream_t cs = capture_holder_.get();
    SNN_CUDA_CHECK(cudaStreamBeginCapture(cs, cudaStreamCaptureModeThreadLocal));
    try {
      for (std::uint32_t pos = 0; pos < len; ++pos) enqueue_step(pos, cs);
      launch_advance_base(ctl_.get(), len, cs);
    } catch (...) {
      cudaGraph_t broken = nullptr;
      cudaStreamEndCapture(cs, &broken);
      graph_ptr drop(broken);
      throw;
    }
    cudaGraph_t g = nullptr;
    SNN_CUDA_CHECK(cudaStreamEndCapture(cs, &g));
    graph_ptr owned(g);
    cudaGraphExec_t exec = nullptr;
    SNN_CUDA_CHECK(cudaGraphInstantiate(&exec, owned.get(), 0));
    graphs_[slot].reset(exec);
    return exec;
  }

  // Spikes and trace rows of chunk positions [0, ran) into the recorder.
  void record(recorder& rec, std::uint64_t k0, std::uint32_t ran) {
    for (std::uint32_t p = 0; p < pops_.size(); ++p) {
      // The lists are in (step, neuron) order already: append them as they are.
      const std::uint32_t* off = offsets_host_[p].get();
      spike_record& r = rec.spikes(0, p);
      const std::size_t before = r.ids.size();
      r.ids.resize(before + off[ran]);
      static_assert(sizeof(std::int32_t) == sizeof(std::uint32_t), "neuron ids are 32-bit");
      pops_[p].ids.download(reinterpret_cast<std::uint32_t*>(r.ids.data() + before), off[ran]);
      r.steps.reserve(before + off[ran]);
      for (std::uint32_t q = 0; q < ran; ++q)
        r.steps.insert(r.steps.end(), off[q + 1] - off[q], static_cast<std::int64_t>(k0 + q));
    }
    for (std::uint32_t t = 0; t < trace_args_.size(); ++t) {
      trace_buffer& tb = rec.trace(t);
      const std::uint64_t r0 = trace_rows_before(k0, tb.first_sample, tb.every);
      const std::uint64_t r1 = trace_rows_before(k0 + ran, tb.first_sample, tb.every);
      const std::uint64_t m = tb.neurons.size();
      trace_out_[t].out.download(tb.data.data() + r0 * m, (r1 - r0) * m);
    }
  }

  std::string failure_message(unsigned long long fail, std::uint64_t k0) const {
    const std::uint64_t step = k0 + (fail >> 48);
    const auto pi = static_cast<std::uint32_t>((fail >> 32) & 0xFFFFu);
    const auto i = static_cast<std::uint32_t>(fail & 0xFFFFFFFFu);
    float state[max_model_vars] = {};
    for (std::size_t j = 0; j < pops_[pi].vars.size(); ++j) pops_[pi].vars[j].download(state + j, 1, i);
    return snn::failure_message(*net_, pi, i, step, state);
  }

  std::shared_ptr<network_data> net_;
  engine_plan plan_;
  int device_ = 0, sm_count_ = 1;
  double budget_ = chunk_budget_bytes;  // bytes for the per-chunk buffers
  std::unique_ptr<std::remove_pointer_t<cudaStream_t>, stream_deleter> stream_holder_, capture_holder_;
  cudaStream_t stream_ = nullptr;
  device_array<step_control> ctl_;
  pinned_array<step_control> ctl_host_;
  std::vector<population_buffers> pops_;
  std::vector<projection_buffers> projs_;
  std::vector<sampled_group> groups_;
  std::uint32_t chunk_ = 1, longest_ = 1;  // steps per chunk, longest graph
  std::vector<pinned_array<std::uint32_t>> offsets_host_;
  std::vector<trace_shape> shapes_;
  std::vector<trace_buffers> trace_out_;
  std::vector<trace_args> trace_args_;
  device_array<trace_args> trace_dev_;
  std::uint32_t trace_columns_ = 0;
  std::vector<graph_exec_ptr> graphs_;  // [log2 length]
  bool fused_ = false;                  // small network: one block runs a whole chunk
  fused_args fused_args_;
  device_array<population_args> fused_pops_;
  device_array<projection_args> fused_projs_;
};

}  // namespace
}  // namespace cuda

bool cuda_device_present() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the "no driver" error
    return false;
  }
  return count > 0;
}

void query_cuda(build_config& out) {
  cudaRuntimeGetVersion(&out.cuda_runtime_version);
  if (cudaDriverGetVersion(&out.cuda_driver_version) != cudaSuccess) out.cuda_driver_version = 0;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    out.cuda_status = std::string("no usable CUDA device: ") + cudaGetErrorString(e);
    return;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) {
      cudaGetLastError();
      continue;
    }
    out.devices.push_back(cuda_device{i, prop.name, static_cast<std::uint64_t>(prop.totalGlobalMem),
                                      prop.major, prop.minor, prop.multiProcessorCount});
  }
  out.cuda_status = out.devices.empty() ? "no CUDA device is visible" : "ok";
}

std::unique_ptr<engine> make_cuda_engine(std::shared_ptr<network_data> net) {
  if (!cuda_device_present())
    throw backend_unavailable("backend 'cuda': no CUDA device (or driver) is present");
  return std::make_unique<cuda::cuda_engine>(std::move(net));
}

}  // namespace snn
