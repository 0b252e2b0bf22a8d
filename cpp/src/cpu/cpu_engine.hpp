#pragma once
// The CPU backend: OpenMP threads, each owning a range of every population's neurons, meeting
// at a barrier or two per step. Compiled once per instruction set (SNN_CPU_VARIANT names its
// namespace); the arithmetic is identical in each, only the vector width differs. Its parts:
//   cpu_engine.cpp  construction, the step loop, state and weights in and out
//   delivery.cpp    spikes into arrival queues by target block; each block into its sums
//   plastic.cpp     plastic synapses: pairs of pre and post spikes, weights owed
//   update.cpp      one population's step: inputs, synaptic currents, the model's update,
//                   spike lists, trace samples
//   exchange.cpp    distributed runs: the spikes of an epoch between the processes
//   checkpoint.cpp  the state in and out in a form independent of the thread count
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include "cpu/post_history.hpp"
#include "cpu/variant.hpp"
#include "engine.hpp"
#include "engine_plan.hpp"
#include "recorder.hpp"

namespace snn {
namespace SNN_CPU_NS {

struct population_state {
  std::vector<std::vector<float>> vars;      // the model's state variables
  std::vector<std::vector<float>> channels;  // this step's inputs (channel 0: current)
  std::vector<std::vector<float>> params;    // the model's per-neuron constants
  const unsigned char* constants = nullptr;  // the model's scalar constants (the plan's)
  bool jump_inputs = false;                  // an input adds to v
  bool uniform = false;                      // every per-neuron constant has one value
  // Each thread's spikes of the last `history` steps, [thread * history + k % history], for
  // populations whose spikes are read late: out of single-delay projections (delivered
  // from the spikes of D steps before, no queue).
  std::uint32_t history = 0;
  std::vector<std::vector<std::uint32_t>> recent;
  const std::vector<std::uint32_t>& spikes_of(int t, std::uint64_t k) const {
    return recent[std::size_t(t) * history + k % history];
  }
  void keep_spikes(std::uint32_t steps, int threads) {
    if (history >= steps) return;
    history = steps;
    recent.assign(std::size_t(threads) * history, {});
  }
  std::vector<std::uint8_t> spiked;
  std::vector<std::uint32_t> bounds;  // thread t owns [bounds[t], bounds[t + 1])
  /// Variable `var` of the model (state variables, then channels).
  std::vector<float>& variable(int var) {
    return var < static_cast<int>(vars.size()) ? vars[var] : channels[var - vars.size()];
  }
  const std::vector<float>& variable(int var) const { return const_cast<population_state*>(this)->variable(var); }
};

/// Events of one arrival slot, as 32-bit words: (target, weight) pairs, or targets alone
/// where every synapse of the projection has the same weight. Grows, never shrinks.
struct event_buffer {
  std::vector<std::uint32_t> data;
  std::size_t size = 0;  // words
  void grow(std::size_t at_least);
};

// Traces of a plastic projection. Axonal delays (the 2006 rule): x per synapse (its
// arrivals), y per target. Dendritic (stdp): x per source (a spike is at its synapses at
// once), the targets' spikes in `post` (each synapse sees them its delay later).
struct plastic_state {
  std::vector<float> x, y, sd;
  std::vector<std::uint64_t> xk, yk;
  post_history post;
  float unused = 0.0f;
  float& sd_of(std::uint64_t s) { return sd.empty() ? unused : sd[s]; }
};

struct projection_state {
  std::uint32_t ring_slots = 1;    // dense: d_max slots of arrivals; sparse: 1 (this step)
  std::vector<std::int64_t> ring;  // [slot][post] fixed-point arrivals
  // Sparse: events by queueing thread, arrival slot and target block, [(thread * d_max +
  // slot) * threads + block]. Appending to a few sequential streams and draining one slot
  // per step keeps the random writes inside one step's accumulator rather than a
  // d_max-times larger ring. (Measured against per-spike row cursors on a calendar, in two
  // sessions: the queue was as fast or faster.)
  std::vector<event_buffer> pending;
  // Sparse with one weight: how many synapses arrive at each target this step (A = count *
  // weight; a count fits 32 bits, and the sums take half the memory). Then `ring` is
  // unused.
  std::vector<std::int32_t> counts;
  std::vector<float> s0, s1;  // kernel state (exponential: S; alpha: X, Y)
  std::int32_t group = -1;    // sampled kernel: its kernel group
  plastic_state plastic;      // plastic projections
};

/// The history of a kernel group (engine_plan.hpp) in tiles of B neurons, [tile][slot][B],
/// so that walking one tile's window reads memory sequentially.
struct kernel_history {
  static constexpr std::uint32_t B = 32;  // neurons per tile
  const kernel_group* group = nullptr;
  std::vector<float> hist;
  float* tile(std::uint32_t t) { return hist.data() + std::uint64_t(t) * group->kappa.size() * B; }
};

struct failure {
  std::uint64_t step = std::numeric_limits<std::uint64_t>::max();
  std::uint32_t population = 0, neuron = 0;
  bool operator<(const failure& o) const {
    return step != o.step ? step < o.step
                          : population != o.population ? population < o.population : neuron < o.neuron;
  }
};

class cpu_engine final : public engine {
 public:
  cpu_engine(std::shared_ptr<network_data> net, int threads);

  const char* name() const override { return "cpu"; }
  int threads() const override { return nt_; }
  advance_result advance(std::uint64_t first, std::uint64_t n_steps, const stream_table& streams,
                         recorder& rec) override;
  void read_state(std::uint32_t p, int var, float* out) const override;
  void write_state(std::uint32_t p, int var, const float* in) override;
  void read_weights(std::uint32_t j, std::int32_t* out) const override;
  void write_weights(std::uint32_t j, const std::int32_t* in) override;
  exchange_stats exchanges() const override { return stats_; }
  void save_state(std::uint64_t next, state_arrays& out) const override;
  void load_state(std::uint64_t next, const state_arrays& in) override;
  void settle() override;
  std::uint64_t plasticity_bytes(std::uint32_t j) const override;
  ~cpu_engine() override;

 private:
  using spike_lists = std::vector<std::vector<std::uint32_t>>;  // [list * n_pop + pop]

  // delivery.cpp
  void deliver(int t, std::uint64_t k);
  template <class List>
  const std::vector<std::uint32_t>& share_of_spikes(int t, List&& list_of);
  void arrive(int t, std::uint32_t j, std::uint64_t k, std::uint32_t lo, std::uint32_t hi);
  template <class Acc>
  void deliver_direct(const projection_data& p, const std::vector<std::uint32_t>& pres, Acc* __restrict acc,
                      std::uint32_t lo, std::uint32_t hi) const;
  template <int W, class S, class Write>
  void queue_rows(const projection_data& p, const S* syn, event_buffer* pending,
                  const std::vector<std::uint32_t>& pres, std::uint32_t first, Write&& write);
  template <class Body>
  void with_arrivals(int t, std::uint32_t j, std::uint64_t k, std::uint32_t lo, std::uint32_t hi, Body&& body);
  bool counted(const projection_data& p) const;
  bool direct(const projection_data& p) const;
  int event_words(std::uint32_t j) const;

  // checkpoint.cpp
  void save_spikes(std::uint32_t pi, std::uint64_t next, state_arrays& out) const;
  void load_spikes(std::uint32_t pi, std::uint64_t next, const state_arrays& in);
  void save_events(std::uint32_t j, std::uint64_t next, state_arrays& out) const;
  void load_events(std::uint32_t j, std::uint64_t next, const state_arrays& in);
  int owner(std::uint32_t pi, std::uint32_t neuron) const;

  // exchange.cpp (distributed runs)
  void exchange(std::uint64_t k, std::uint64_t n, std::atomic<std::uint64_t>& fail_step);
  failure first_failure(failure mine, std::string& message) const;

  // update.cpp
  failure update_population(int t, std::uint32_t pi, std::uint64_t k, std::uint64_t k0,
                            const std::vector<stream_view>& streams, recorder& rec);
  void add_inputs(std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi,
                  const std::vector<stream_view>& streams, bool to_v);
  void add_noise(const input_data& x, std::uint32_t pi, std::uint32_t in, std::uint64_t k, std::uint32_t lo,
                 std::uint32_t hi, float* dst);
  void add_poisson(const input_data& x, std::uint32_t pi, std::uint32_t in, std::uint64_t k, std::uint32_t lo,
                   std::uint32_t hi, float* dst);
  void add_pulses(const input_data& x, std::uint32_t pi, std::uint32_t in, std::uint64_t k, std::uint32_t lo,
                  std::uint32_t hi, float* dst) const;
  void add_synaptic_input(int t, std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi);
  /// f(projection, its plastic state, its plan) for each plastic projection into population pi.
  template <class F>
  void for_plastic_into(std::uint32_t pi, F&& f) {
    for (std::uint32_t j : plan_.into[pi])
      if (net_->projections[j].plastic()) f(net_->projections[j], projs_[j].plastic, plan_.plastic[j]);
  }
  void after_step(int t, std::uint32_t pi, std::uint64_t k, recorder& rec);

  // plastic.cpp
  void drain_plastic(std::uint32_t j, event_buffer& now, std::int64_t* __restrict acc, std::uint64_t k);
  void pair_rows(std::uint32_t j, const std::vector<std::uint32_t>& pres, std::uint64_t k_pre);
  void potentiate_at_spikes(std::uint32_t pi, std::uint64_t k, std::uint64_t k0, const std::vector<std::uint32_t>& spiked);
  void settle_target(projection_data& p, plastic_state& ps, const plastic_plan& plan, std::uint32_t i, std::uint64_t t);
  float weight_now(std::uint32_t j, std::uint64_t at, std::uint64_t k) const;
  void record_traces(std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi, recorder& rec);

  std::shared_ptr<network_data> net_;
  engine_plan plan_;
  int nt_;
  // Distributed: the processes, and the other processes' spikes as one more list after the
  // threads' (n_lists_ = nt_ + 1) in every spike list and history.
  const communicator* comm_ = nullptr;
  bool remote_ = false;
  int n_lists_ = 1;
  std::vector<std::uint32_t> message_;  // what this process sends at an exchange
  exchange_stats stats_;
  bool sparse_ = false;  // any sparse projection
  std::vector<population_state> pops_;
  std::vector<projection_state> projs_;
  std::vector<kernel_history> histories_;  // one per kernel group
  // Steps are integrated in epochs of up to epoch_ steps (at most the shortest delay) before
  // their spikes are delivered: the spike lists of the last 2 epoch_ + 1 steps (a thread may
  // update the next epoch while another delivers this one), [step % size].
  std::uint32_t epoch_ = 1;
  bool plastic_ = false;  // any plastic projection: a barrier between the parts of a replay
  std::vector<spike_lists> spikes_;
  spike_lists& spikes_of_step(std::uint64_t k) { return spikes_[k % spikes_.size()]; }
  std::uint64_t epoch_end(std::uint64_t k, std::uint64_t end) const;
  std::vector<std::vector<float>> noise_;           // per thread
  std::vector<std::vector<std::uint32_t>> words_;   // per thread: random words (Poisson input)
  std::vector<std::vector<std::uint32_t*>> tails_;  // per thread
  std::vector<std::vector<std::uint32_t>> shares_;  // per thread: its share of a step's spikes
  std::uint64_t last_step_ = no_spike;  // the last step run (no_spike: none)
  bool owed_ = false;                   // steps run since the last settle()
  std::mutex settling_;                 // settle() from readers at once
  const std::vector<std::uint32_t> no_spikes_;
};

}  // namespace SNN_CPU_NS
}  // namespace snn
