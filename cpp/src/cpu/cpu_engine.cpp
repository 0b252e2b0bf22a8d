// The CPU engine: construction, the step loop over threads, state and weights in and out.
#include "cpu/cpu_engine.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "step_barrier.hpp"
#include "system.hpp"

namespace snn {
namespace SNN_CPU_NS {

void event_buffer::grow(std::size_t at_least) {
  std::vector<std::uint32_t> bigger;
  assign_huge(bigger, std::max<std::size_t>({64, 2 * data.size(), size + at_least}));
  std::copy(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(size), bigger.begin());
  data.swap(bigger);
}

cpu_engine::cpu_engine(std::shared_ptr<network_data> net, int threads)
    : net_(std::move(net)), plan_(make_plan(*net_, /*by_delay=*/false)), nt_(std::max(1, threads)) {
  const network_data& d = *net_;
  comm_ = d.comm.get();
  remote_ = comm_->distributed();
  n_lists_ = nt_ + (remote_ ? 1 : 0);
  for (std::uint32_t pi = 0; pi < d.populations.size(); ++pi) {
    const population_data& p = d.populations[pi];
    population_state s;
    s.vars = p.init;
    s.channels.assign(p.desc().n_channels, std::vector<float>(p.n, 0.0f));
    s.params = plan_.constants[pi].per_neuron;
    s.uniform = std::all_of(s.params.begin(), s.params.end(), [](const std::vector<float>& x) {
      return std::all_of(x.begin(), x.end(), [&](float y) { return std::memcmp(&y, x.data(), sizeof y) == 0; });
    });
    s.constants = plan_.constants[pi].scalars;
    for (const input_data& x : p.inputs) s.jump_inputs = s.jump_inputs || x.to_v;
    s.spiked.assign(p.n, 0);
    // Thread ranges of this process's neurons [lo, hi), in multiples of 64 (whole noise
    // blocks, whole kernel tiles, no false sharing).
    const auto [lo, hi] = d.comm->owned(p.n);
    const std::uint64_t chunk = (hi - lo + 64ull * nt_ - 1) / (64ull * nt_) * 64;
    for (int t = 0; t <= nt_; ++t)
      s.bounds.push_back(lo + static_cast<std::uint32_t>(std::min<std::uint64_t>(hi - lo, chunk * t)));
    pops_.push_back(std::move(s));
  }
  // Epochs: SNN_CPU_EPOCH steps (default 1; distributed: as long as they can be), at most the
  // shortest delay, so that every spike of an epoch arrives after it.
  const char* cap = std::getenv("SNN_CPU_EPOCH");
  epoch_ = cap ? static_cast<std::uint32_t>(std::max(1L, std::strtol(cap, nullptr, 10))) : remote_ ? max_delay_steps : 1;
  for (const projection_data& p : d.projections) epoch_ = std::min(epoch_, p.d_min), plastic_ = plastic_ || p.plastic();
  for (const kernel_group& g : plan_.groups) {
    kernel_history h;
    h.group = &g;
    const std::uint64_t tiles = (d.populations[g.post].n + kernel_history::B - 1) / kernel_history::B;
    h.hist.assign(g.kappa.size() * tiles * kernel_history::B, 0.0f);
    histories_.push_back(std::move(h));
  }
  for (std::uint32_t j = 0; j < d.projections.size(); ++j) {
    const projection_data& p = d.projections[j];
    const std::uint32_t n = d.populations[p.post].n;
    projection_state s;
    // Dense: d_max slots. Sparse: this step's sums (each thread writes its own targets').
    s.ring_slots = p.dense ? p.d_max : 1;
    if (counted(p))
      assign_huge(s.counts, n);
    else
      assign_huge(s.ring, std::uint64_t(s.ring_slots) * n);
    sparse_ = sparse_ || !p.dense;
    if (!p.dense && !direct(p)) s.pending.resize(std::size_t(nt_) * p.d_max * nt_);
    if (p.kernel.type == kernel_type::exponential) s.s0.assign(n, 0.0f);
    if (p.kernel.type == kernel_type::alpha) s.s0.assign(n, 0.0f), s.s1.assign(n, 0.0f);
    s.group = plan_.group_of[j];
    if (p.plastic()) {
      plastic_state& ps = s.plastic;
      const bool dendritic = plan_.plastic[j].args.dendritic;
      const std::uint32_t n_pre = d.populations[p.pre].n;
      ps.x.assign(dendritic ? n_pre : p.n_synapses, 0.0f), ps.xk.assign(ps.x.size(), no_spike);
      if (dendritic) {  // a ring that holds every spike still owed (plastic.cpp), and 8 more
        std::uint32_t depth = 1;
        while (depth < p.d_max + epoch_ + 9) depth *= 2;
        ps.post.reset(n, depth, p.d_max, plan_.plastic[j].args);
      } else {
        ps.y.assign(n, 0.0f), ps.yk.assign(n, no_spike);
      }
      if (p.rule.type == plasticity_type::izhikevich_2006) ps.sd.assign(p.n_synapses, 0.0f);
    }
    if (direct(p)) pops_[p.pre].keep_spikes(p.d_max + epoch_, n_lists_);
    projs_.push_back(std::move(s));
  }
  spikes_.assign(2 * epoch_ + 1, spike_lists(std::size_t(n_lists_) * d.populations.size()));
  noise_.resize(nt_);
  words_.resize(nt_);
  for (const plastic_plan& pl : plan_.plastic)
    if (pl.args.dendritic) net_->lazy = this;  // its potentiation waits (plastic.cpp)
  tails_.resize(nt_);
  shares_.resize(nt_);
}

advance_result cpu_engine::advance(std::uint64_t first, std::uint64_t n_steps, const stream_table& streams,
                                   recorder& rec) {
  std::atomic<std::uint64_t> fail_step{std::numeric_limits<std::uint64_t>::max()};
  std::vector<failure> failures(nt_);
  auto update = [&](int t, std::uint64_t k, std::uint64_t k0) {  // thread t's neurons at step k of an epoch from k0
    for (std::uint32_t p = 0; p < pops_.size(); ++p) {
      const failure f = update_population(t, p, k, k0, streams[p], rec);
      if (f.step == k) {
        if (f < failures[t]) failures[t] = f;
        std::uint64_t cur = fail_step.load();
        while (k < cur && !fail_step.compare_exchange_weak(cur, k)) {
        }
      }
    }
  };
  // An epoch: its steps' updates (no barrier between them: what they read arrived before the
  // epoch), then, step by step, what ends each step and the delivery of its spikes. The
  // spikes of an advance's last step are delivered when the next begins (after weights set
  // in between). Threads agree on where a failure ends the run after the barrier that
  // follows the updates.
  const std::uint64_t end = first + n_steps;
  auto after = [&](int t, std::uint64_t k) {
    for (std::uint32_t p = 0; p < pops_.size(); ++p) after_step(t, p, k, rec);
  };
  auto epoch_steps = [&](std::uint64_t k, std::uint64_t e) {
    const std::uint64_t f = fail_step.load();
    return (f < e ? f + 1 : e) - k;
  };
  // The epochs, run by one thread of the parallel region (each(f): f(this thread); wait():
  // the team's barrier; lead: thread 0) or by one thread for all in turn (each: every
  // thread's part in order, which is the order the barriers impose; no waiting).
  auto run = [&](auto&& each, auto&& wait, bool lead) {
    each([&](int t) { deliver(t, first); });
    if (sparse_) wait();  // every thread's queues before anyone drains them
    for (std::uint64_t k = first; k < end && fail_step.load() >= k;) {
      const std::uint64_t e = epoch_end(k, end);
      for (std::uint64_t s = k; s < e && fail_step.load() >= s; ++s) each([&](int t) { update(t, s, k); });
      wait();  // every thread's spikes of the epoch before anyone delivers them
      if (remote_) {  // and every process's
        if (lead) exchange(k, e - k, fail_step);
        wait();
      }
      const std::uint64_t n = epoch_steps(k, e);
      for (std::uint64_t s = k; s < k + n; ++s) {
        each([&](int t) { after(t, s); });
        if (plastic_) wait();  // potentiation by targets, then depression by sources
        if (s + 1 < end) each([&](int t) { deliver(t, s + 1); });
        if (plastic_) wait();
      }
      if (sparse_ && !plastic_) wait();
      k += n;
    }
  };
  bool in_turn = nt_ == 1;  // no parallel region: a barrier per step costs more than small steps
  if (!in_turn) {
    step_barrier barrier(nt_);
#pragma omp parallel num_threads(nt_)
    {
      if (omp_get_num_threads() != nt_) {  // a smaller team (inside another parallel region)
#pragma omp single
        in_turn = true;
      } else {
        const int t = omp_get_thread_num();
        run([&](auto&& f) { f(t); }, [&] { barrier.wait(); }, t == 0);
      }
    }
  }
  if (in_turn)
    run([&](auto&& f) {
          for (int t = 0; t < nt_; ++t) f(t);
        },
        [] {}, true);
  advance_result out;
  failure f = *std::min_element(failures.begin(), failures.end());
  if (f.step != std::numeric_limits<std::uint64_t>::max()) {
    float state[max_model_vars];
    for (std::size_t j = 0; j < pops_[f.population].vars.size(); ++j) state[j] = pops_[f.population].vars[j][f.neuron];
    out.error = failure_message(*net_, f.population, f.neuron, f.step, state);
  }
  if (remote_) f = first_failure(f, out.error);
  out.steps = f.step != std::numeric_limits<std::uint64_t>::max() ? f.step - first + 1 : n_steps;
  if (out.steps > 0) last_step_ = first + out.steps - 1, owed_ = plastic_;
  return out;
}

cpu_engine::~cpu_engine() {  // another engine may take the network data over
  settle();
  if (net_->lazy == this) net_->lazy = nullptr;
}

// Where the epoch from step k ends: after epoch_ steps, at the end of the run, or after a
// step that ends an interval of the 2006 rule (its weights change then, before the arrivals
// of the next step read them).
std::uint64_t cpu_engine::epoch_end(std::uint64_t k, std::uint64_t end) const {
  std::uint64_t e = std::min(end, k + epoch_);
  for (const plastic_plan& pl : plan_.plastic)
    if (pl.args.izhikevich) e = std::min(e, (k / pl.args.interval + 1) * pl.args.interval);
  return e;
}

void cpu_engine::read_state(std::uint32_t p, int var, float* out) const {
  const std::vector<float>& s = pops_[p].variable(var);
  std::copy(s.begin(), s.end(), out);
}

void cpu_engine::write_state(std::uint32_t p, int var, const float* in) {
  std::vector<float>& s = pops_[p].variable(var);
  std::copy(in, in + s.size(), s.begin());
}

// The weights live in the network data, where the queues read them.
void cpu_engine::read_weights(std::uint32_t j, std::int32_t* out) const {
  const projection_data& p = net_->projections[j];
  if (p.dense) std::copy(p.weights.begin(), p.weights.end(), out);
  if (!p.dense && p.one_weight) out[0] = p.shared_weight;
  if (!p.dense && !p.one_weight)
    for (std::uint64_t s = 0; s < p.n_synapses; ++s) out[s] = p.synapses[s].weight;
}

// After settle(): nothing is owed to the weights written.
void cpu_engine::write_weights(std::uint32_t j, const std::int32_t* in) {
  projection_data& p = net_->projections[j];
  if (p.dense) std::copy(in, in + p.weights.size(), p.weights.begin());
  if (!p.dense && p.one_weight) p.shared_weight = in[0];
  if (!p.dense && !p.one_weight)
    for (std::uint64_t s = 0; s < p.n_synapses; ++s) p.synapses[s].weight = in[s];
}

std::unique_ptr<engine> make_engine(std::shared_ptr<network_data> net, int threads) {
  return std::make_unique<cpu_engine>(std::move(net), threads);
}

}  // namespace SNN_CPU_NS
}  // namespace snn
