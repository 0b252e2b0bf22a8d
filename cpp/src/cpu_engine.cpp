// CPU backend. Compiled once per instruction set (SNN_CPU_VARIANT names the factory); the
// arithmetic is identical in each, only the vector width differs.
#include <omp.h>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine.hpp"
#include "neuron_math.hpp"
#include "random.hpp"
#include "recorder.hpp"
#include "step_barrier.hpp"
#include "system.hpp"

#ifndef SNN_CPU_VARIANT
#define SNN_CPU_VARIANT generic
#endif
#define SNN_CAT2(a, b) a##b
#define SNN_CAT(a, b) SNN_CAT2(a, b)

namespace snn {
namespace SNN_CAT(cpu_, SNN_CPU_VARIANT) {
namespace {

struct population_state {
  std::vector<float> v, u, I;
  std::vector<std::uint8_t> spiked;
  std::vector<std::uint32_t> bounds;  // thread t owns [bounds[t], bounds[t + 1])
};

/// Events of one arrival slot, as 32-bit words: (target, weight) pairs, or targets alone
/// where every synapse of the projection has the same weight. Grows, never shrinks.
struct event_buffer {
  std::vector<std::uint32_t> data;
  std::size_t size = 0;  // words
  void grow(std::size_t at_least) {
    std::vector<std::uint32_t> bigger;
    assign_huge(bigger, std::max<std::size_t>({64, 2 * data.size(), size + at_least}));
    std::copy(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(size), bigger.begin());
    data.swap(bigger);
  }
};

struct projection_state {
  std::uint32_t ring_slots = 1;    // dense: d_max slots of arrivals; sparse: 1 (this step)
  std::vector<std::int64_t> ring;  // [slot][post] fixed-point arrivals
  // Sparse: events by arrival slot, [thread * d_max + slot]. Appending to a few sequential
  // streams and draining one slot per step keeps the random writes inside one step's
  // accumulator rather than a d_max-times larger ring. (Measured against per-spike row
  // cursors on a calendar, in two sessions: the queue was as fast or faster.)
  std::vector<event_buffer> pending;
  // Sparse with one weight: per thread, how many synapses arrive at each target this step
  // (A = count * weight; a count fits 32 bits, and the sums take half the memory). Then
  // `ring` is unused.
  std::vector<std::int32_t> counts;
  std::vector<float> s0, s1;       // kernel state (exponential: S; alpha: X, Y)
  std::int32_t group = -1;         // sampled kernel: its kernel_group
};

/// Sampled-kernel projections into one population with bitwise-equal samples share one
/// history of summed arrivals (the kernel is linear): the window is walked once per
/// (target population, kernel) and step, not once per projection.
struct kernel_group {
  static constexpr std::uint32_t B = 32;  // neurons per tile
  std::uint32_t post = 0;
  std::uint32_t leader = 0;  // first projection of the group: the current is added there
  std::vector<float> kappa;
  // Summed arrivals in tiles of B neurons, [tile][slot][B], so that walking one tile's
  // window reads memory sequentially.
  std::vector<float> hist;
  float* slot_of_tile(std::uint32_t tile, std::uint32_t slot) {
    return hist.data() + (std::uint64_t(tile) * kappa.size() + slot) * B;
  }
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
  cpu_engine(std::shared_ptr<const network_data> net, int threads)
      : net_(std::move(net)), nt_(std::max(1, threads)) {
    const network_data& d = *net_;
    for (const population_data& p : d.populations) {
      population_state s;
      s.v = p.v0;
      s.u = p.u0;
      s.I.assign(p.n, 0.0f);
      s.spiked.assign(p.n, 0);
      // Thread ranges in multiples of 64 neurons (whole noise blocks, no false sharing).
      const std::uint64_t chunk = (p.n + 64ull * nt_ - 1) / (64ull * nt_) * 64;
      for (int t = 0; t <= nt_; ++t) s.bounds.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(p.n, chunk * t)));
      pops_.push_back(std::move(s));
    }
    into_.resize(d.populations.size());
    for (std::uint32_t j = 0; j < d.projections.size(); ++j) {
      const projection_data& p = d.projections[j];
      const std::uint32_t n = d.populations[p.post].n;
      projection_state s;
      // Dense: d_max slots. Sparse: one accumulator per thread (threads split the spikes).
      s.ring_slots = p.dense ? p.d_max : 1;
      const std::uint64_t slots = p.dense ? p.d_max : std::uint64_t(nt_);
      if (counted(p))
        assign_huge(s.counts, slots * n);
      else
        assign_huge(s.ring, slots * n);
      sparse_ = sparse_ || !p.dense;
      if (!p.dense) s.pending.resize(std::size_t(nt_) * p.d_max);
      if (p.kernel.type == kernel_type::exponential) s.s0.assign(n, 0.0f);
      if (p.kernel.type == kernel_type::alpha) s.s0.assign(n, 0.0f), s.s1.assign(n, 0.0f);
      if (p.kernel.type == kernel_type::sampled) s.group = kernel_group_of(j, p, n);
      projs_.push_back(std::move(s));
      into_[p.post].push_back(j);
    }
    for (auto& lists : spikes_) lists.resize(std::size_t(nt_) * d.populations.size());
    noise_.resize(nt_);
    tails_.resize(nt_);
    shares_.resize(nt_);
  }

  const char* name() const override { return "cpu"; }
  int threads() const override { return nt_; }

  advance_result advance(std::uint64_t first, std::uint64_t n_steps, const stream_table& streams,
                         recorder& rec) override {
    std::atomic<std::uint64_t> fail_step{std::numeric_limits<std::uint64_t>::max()};
    std::vector<failure> failures(nt_);
    auto update = [&](int t, std::uint64_t k) {  // thread t's neurons at step k
      for (std::uint32_t p = 0; p < pops_.size(); ++p) {
        const failure f = update_population(t, p, k, streams[p], rec);
        if (f.step == k) {
          if (f < failures[t]) failures[t] = f;
          std::uint64_t cur = fail_step.load();
          while (k < cur && !fail_step.compare_exchange_weak(cur, k)) {
          }
        }
      }
    };
    const std::uint64_t end = first + n_steps;
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
          for (std::uint64_t k = first; k < end && fail_step.load() >= k; ++k) {
            deliver(t, k);
            if (sparse_) barrier.wait();  // every thread's deliveries before anyone sums them
            update(t, k);
            barrier.wait();
          }
        }
      }
    }
    if (in_turn)  // the threads' parts one after another, in the order the barriers impose
      for (std::uint64_t k = first; k < end && fail_step.load() >= k; ++k) {
        for (int t = 0; t < nt_; ++t) deliver(t, k);
        for (int t = 0; t < nt_; ++t) update(t, k);
      }
    advance_result out;
    const failure f = *std::min_element(failures.begin(), failures.end());
    out.steps = n_steps;
    if (f.step != std::numeric_limits<std::uint64_t>::max()) {
      out.steps = f.step - first + 1;
      const population_data& pop = net_->populations[f.population];
      out.error = cat("population '", pop.label, "', neuron ", f.neuron, ": v or u became ",
                      "NaN or infinite at step ", f.step, " (t = ", f.step * net_->dt,
                      " ms); v = ", pops_[f.population].v[f.neuron], ", u = ",
                      pops_[f.population].u[f.neuron]);
    }
    return out;
  }

  void read_state(std::uint32_t p, state_var var, float* out) const override {
    const std::vector<float>& s = var == state_var::v ? pops_[p].v : var == state_var::u ? pops_[p].u : pops_[p].I;
    std::copy(s.begin(), s.end(), out);
  }
  void write_state(std::uint32_t p, state_var var, const float* in) override {
    std::vector<float>& s = var == state_var::v ? pops_[p].v : var == state_var::u ? pops_[p].u : pops_[p].I;
    std::copy(in, in + s.size(), s.begin());
  }

 private:
  // Spikes of step k-1. Dense rows: each thread adds the columns of its own targets. Sparse
  // rows: each thread delivers an equal share of the spikes into its own accumulator (summed
  // per target in update_population); integer sums make the result independent of the split.
  void deliver(int t, std::uint64_t k) {
    const auto& lists = spikes_[(k - 1) & 1];
    const std::size_t n_pop = pops_.size();
    for (std::uint32_t j = 0; j < projs_.size(); ++j) {
      const projection_data& p = net_->projections[j];
      projection_state& s = projs_[j];
      const std::uint32_t n_post = net_->populations[p.post].n;
      const std::uint32_t R = p.d_max;
      const auto base = static_cast<std::uint32_t>(k % R);  // slot of step k
      if (p.dense) {
        const std::uint32_t lo = pops_[p.post].bounds[t], hi = pops_[p.post].bounds[t + 1];
        std::uint32_t slot = base + p.d_min - 1;
        if (slot >= R) slot -= R;
        if (k > 0 && lo < hi)
          for (int tt = 0; tt < nt_; ++tt)
            for (std::uint32_t pre : lists[tt * n_pop + p.pre])
              add_row(s.ring.data() + std::uint64_t(slot) * n_post,
                      p.weights.data() + std::uint64_t(pre) * n_post, lo, hi);
        continue;
      }
      event_buffer* pending = s.pending.data() + std::size_t(t) * R;
      const std::uint64_t mine = std::uint64_t(t) * n_post;  // this thread's sums
      if (p.one_weight) {  // rows of keys; events of one word
        if (k > 0) queue_rows<1>(p, p.keys.data(), pending, share_of_spikes(t, lists, n_pop, p.pre), base);
        if (counted(p))
          drain<1>(pending[base], s.counts.data() + mine, 1);
        else
          drain<1>(pending[base], s.ring.data() + mine, p.shared_weight);
      } else {
        if (k > 0) queue_rows<2>(p, p.synapses.data(), pending, share_of_spikes(t, lists, n_pop, p.pre), base);
        drain<2>(pending[base], s.ring.data() + mine, 0);
      }
    }
  }

  // The events arriving now into the sums: W words per event (target, weight) or W = 1
  // (target; every weight `w`, or counts with w = 1).
  template <int W, class T>
  static void drain(event_buffer& now, T* __restrict acc, std::int32_t w) {
    const std::uint32_t* ev = now.data.data();
    const std::size_t n = now.size / W;
    constexpr std::size_t ahead = 16;  // the accumulator outgrows L2: prefetch
    for (std::size_t i = 0; i < n; ++i) {
      if (i + ahead < n) __builtin_prefetch(acc + ev[W * (i + ahead)], 1);
      acc[ev[W * i]] += W == 2 ? static_cast<std::int32_t>(ev[W * i + 1]) : w;
    }
    now.size = 0;
  }

  // Thread t's equal share of all threads' spikes of population `pop` (each thread holds
  // its own neurons' spikes; the rows to walk are shared out by count, not by neuron).
  const std::vector<std::uint32_t>& share_of_spikes(int t, const std::vector<std::vector<std::uint32_t>>& lists,
                                                   std::size_t n_pop, std::uint32_t pop) {
    if (nt_ == 1) return lists[pop];
    std::size_t total = 0;
    for (int tt = 0; tt < nt_; ++tt) total += lists[tt * n_pop + pop].size();
    const std::size_t from = total * t / nt_, to = total * (t + 1) / nt_;
    std::vector<std::uint32_t>& mine = shares_[t];
    mine.clear();
    std::size_t at = 0;  // position of list tt's first spike in the concatenation
    for (int tt = 0; tt < nt_ && at < to; ++tt) {
      const std::vector<std::uint32_t>& l = lists[tt * n_pop + pop];
      const std::size_t b = std::max(from, at), e = std::min(to, at + l.size());
      if (b < e)
        mine.insert(mine.end(), l.begin() + static_cast<std::ptrdiff_t>(b - at),
                    l.begin() + static_cast<std::ptrdiff_t>(e - at));
      at += l.size();
    }
    return mine;
  }

  // Out of line: inlined into the spike loop, GCC stops vectorising it.
  __attribute__((noinline)) static void add_row(std::int64_t* __restrict ring,
                                                const std::int32_t* __restrict w, std::uint32_t lo,
                                                std::uint32_t hi) {
    for (std::uint32_t i = lo; i < hi; ++i) ring[i] += w[i];
  }

  static std::uint32_t key(const synapse& x) { return x.key; }
  static std::uint32_t key(std::uint32_t k) { return k; }

  // Queues the synapses of the spiking sources `pres` by arrival slot. Rows are scattered
  // in memory: prefetch a few spikes ahead. The slots' write positions live in a small
  // local table, checked against their ends per run of one delay. W = 1: `syn` are keys
  // (one weight for all), events are targets; W = 2: `syn` are synapses, events (target,
  // weight).
  template <int W, class S>
  void queue_rows(const projection_data& p, const S* syn, event_buffer* pending,
                  const std::vector<std::uint32_t>& pres, std::uint32_t base) {
    const std::size_t n = pres.size();
    if (n == 0) return;
    const int pb = p.post_bits;
    const auto post_mask = static_cast<std::uint32_t>((std::uint64_t(1) << pb) - 1);
    const std::uint32_t R = p.d_max, off = base + p.d_min - 1;
    const std::uint64_t* row_ptr = p.row_ptr.data();
    std::vector<std::uint32_t*>& tails = tails_[omp_get_thread_num()];
    tails.resize(2 * std::size_t(R));
    std::uint32_t** tail = tails.data();
    std::uint32_t** end = tail + R;
    for (std::uint32_t s = 0; s < R; ++s)
      tail[s] = pending[s].data.data() + pending[s].size, end[s] = pending[s].data.data() + pending[s].data.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (i + 8 < n) __builtin_prefetch(row_ptr + pres[i + 8]);
      if (i + 4 < n)
        for (const S* r = syn + row_ptr[pres[i + 4]]; r < syn + row_ptr[pres[i + 4] + 1]; r += 64 / sizeof(S))
          __builtin_prefetch(r);
      // A row is sorted by delay: copy it run by run, one slot per run.
      const S* b = syn + row_ptr[pres[i]];
      const S* const e = syn + row_ptr[pres[i] + 1];
      while (b != e) {
        const std::uint32_t code = key(*b) >> pb;
        std::uint32_t slot = code + off;
        if (slot >= R) slot -= R;
        if (end[slot] - tail[slot] < W * (e - b)) {  // rare: room for the rest of the row
          event_buffer& buf = pending[slot];
          buf.size = static_cast<std::size_t>(tail[slot] - buf.data.data());
          buf.grow(static_cast<std::size_t>(W * (e - b)));
          tail[slot] = buf.data.data() + buf.size, end[slot] = buf.data.data() + buf.data.size();
        }
        std::uint32_t* t = tail[slot];
        __builtin_prefetch(t + 32, 1);  // the slot's stream: claim the line after next
        for (; b != e && (key(*b) >> pb) == code; ++b, t += W) {
          t[0] = key(*b) & post_mask;
          if constexpr (W == 2) t[1] = static_cast<std::uint32_t>(b->weight);
        }
        tail[slot] = t;
      }
    }
    for (std::uint32_t s = 0; s < R; ++s)
      pending[s].size = static_cast<std::size_t>(tail[s] - pending[s].data.data());
  }

  failure update_population(int t, std::uint32_t pi, std::uint64_t k, const std::vector<stream_view>& streams,
                            recorder& rec) {
    const network_data& d = *net_;
    const population_data& pop = d.populations[pi];
    population_state& s = pops_[pi];
    const std::uint32_t lo = s.bounds[t], hi = s.bounds[t + 1];
    failure fail;
    if (lo == hi) return fail;
    float* __restrict I = s.I.data();
    float* __restrict v = s.v.data();
    float* __restrict u = s.u.data();
    std::uint8_t* __restrict spiked = s.spiked.data();

    // External input, in the order the inputs were added.
    std::fill(I + lo, I + hi, 0.0f);
    for (std::size_t in = 0; in < pop.inputs.size(); ++in) {
      const input_data& x = pop.inputs[in];
      if (x.type == input_type::constant) {
        if (x.mean.size() == 1) {
          const float c = x.mean[0];
          for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + c;
        } else {
          const float* c = x.mean.data();
          for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + c[i];
        }
      } else if (x.type == input_type::noise) {
        add_noise(x, pi, static_cast<std::uint32_t>(in), k, lo, hi, I);
      } else if (x.type == input_type::pulses) {
        add_pulses(x, pi, static_cast<std::uint32_t>(in), k, pop.n, lo, hi, I);
      } else {
        const stream_view& sv = streams[in];
        const float* row = sv.data + (k - sv.first_step) * pop.n;
        for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + row[i];
      }
    }

    // Reset the neurons that spiked at step k-1: this thread's spike list of that step.
    const float* c = pop.c.data();
    const float* dd = pop.d.data();
    if (k > 0)
      for (std::uint32_t i : spikes_[(k - 1) & 1][t * pops_.size() + pi]) izh_reset(v[i], u[i], c[i], dd[i]);

    // Sampled kernels first take this step's arrivals into their groups' histories, in
    // projection order; each group's current is then added at its first projection.
    for (std::uint32_t j : into_[pi])
      if (projs_[j].group >= 0) {
        kernel_group& g = groups_[projs_[j].group];
        with_arrivals(j, k, pop.n, lo, hi, [&](auto a) { take_arrivals(g, j, k, lo, hi, a); });
      }

    // Synaptic input arriving at step k, through each projection's kernel.
    for (std::uint32_t j : into_[pi]) {
      const projection_data& p = d.projections[j];
      projection_state& ps = projs_[j];
      if (ps.group >= 0) {
        kernel_group& g = groups_[ps.group];
        if (g.leader == j) sampled_current(g, k, lo, hi, I);
        continue;
      }
      with_arrivals(j, k, pop.n, lo, hi, [&](auto a) { add_current(p, ps, lo, hi, a, I, v); });
    }

    // Integrate, detect spikes.
    const float* A = pop.a.data();
    const float* B = pop.b.data();
    const float dt = static_cast<float>(d.dt);
    const float h = static_cast<float>(d.dt / pop.v_substeps);
    const int sub = pop.v_substeps;
    const float v_peak = pop.v_peak;
    int bad = 0;
    switch (sub) {  // the common substep counts get loops the compiler can vectorise
      case 1: bad = integrate<1>(lo, hi, v, u, I, A, B, spiked, h, dt, sub, v_peak); break;
      case 2: bad = integrate<2>(lo, hi, v, u, I, A, B, spiked, h, dt, sub, v_peak); break;
      default: bad = integrate<0>(lo, hi, v, u, I, A, B, spiked, h, dt, sub, v_peak);
    }
    std::vector<std::uint32_t>& out = spikes_[k & 1][t * pops_.size() + pi];
    out.clear();
    for (std::uint32_t i = lo; i < hi;) {  // spikes are rare: skip 8 flags at a time
      std::uint64_t eight = 0;
      if (i + 8 <= hi) std::memcpy(&eight, spiked + i, 8);
      if (i + 8 <= hi && eight == 0) {
        i += 8;
        continue;
      }
      if (spiked[i]) out.push_back(i);
      ++i;
    }
    if (rec.active())
      for (std::uint32_t i : out) rec.spike(t, pi, static_cast<std::int64_t>(k), static_cast<std::int32_t>(i));
    if (rec.active()) record_traces(pi, k, lo, hi, rec);
    if (bad)
      for (std::uint32_t i = lo; i < hi; ++i)
        if (!(std::isfinite(v[i]) && std::isfinite(u[i]))) return failure{k, pi, i};
    return fail;
  }

  // Synaptic input of projection p (not sampled) for neurons [lo, hi) through its kernel.
  template <class Arrival>
  static void add_current(const projection_data& p, projection_state& ps, std::uint32_t lo, std::uint32_t hi,
                          Arrival a, float* __restrict I, float* __restrict v) {
    switch (p.kernel.type) {
      case kernel_type::instant:
        for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + a(i);
        break;
      case kernel_type::voltage_jump:
        for (std::uint32_t i = lo; i < hi; ++i) v[i] = v[i] + a(i);
        break;
      case kernel_type::exponential: {
        float* S = ps.s0.data();
        const float q = p.kernel.q;
        for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + exp_kernel_step(S[i], a(i), q);
        break;
      }
      case kernel_type::alpha: {
        float* X = ps.s0.data();
        float* Y = ps.s1.data();
        const float q = p.kernel.q, c = p.kernel.c;
        for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + alpha_kernel_step(X[i], Y[i], a(i), q, c);
        break;
      }
      case kernel_type::sampled:
        break;  // through its kernel group
    }
  }

  // Noise for neurons [lo, hi): Philox blocks of four neurons, eight blocks at a time in
  // structure-of-arrays form so that the rounds and the normals vectorise.
  // Ten Philox rounds on eight counters at once (AVX2 where compiled for it).
  static void philox_lanes(std::uint32_t* x0, std::uint32_t* x1, std::uint32_t* x2,
                           std::uint32_t* x3, std::uint32_t k0, std::uint32_t k1) {
#if defined(__AVX2__)
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x0));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x1));
    __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x2));
    __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x3));
    const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
    const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
    for (int r = 0; r < 10; ++r) {
      // 32x32 -> 64-bit products of even and odd lanes, split into hi and lo words.
      const __m256i pe0 = _mm256_mul_epu32(a, m0), po0 = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m0);
      const __m256i pe1 = _mm256_mul_epu32(c, m1), po1 = _mm256_mul_epu32(_mm256_srli_epi64(c, 32), m1);
      const __m256i lo0 = _mm256_blend_epi32(pe0, _mm256_slli_epi64(po0, 32), 0xAA);
      const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(pe0, 32), po0, 0xAA);
      const __m256i lo1 = _mm256_blend_epi32(pe1, _mm256_slli_epi64(po1, 32), 0xAA);
      const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(pe1, 32), po1, 0xAA);
      a = _mm256_xor_si256(_mm256_xor_si256(hi1, b), _mm256_set1_epi32(static_cast<int>(k0)));
      b = lo1;
      c = _mm256_xor_si256(_mm256_xor_si256(hi0, d), _mm256_set1_epi32(static_cast<int>(k1)));
      d = lo0;
      k0 += philox_w0, k1 += philox_w1;
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(x0), a);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(x1), b);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(x2), c);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(x3), d);
#else
    for (int r = 0; r < 10; ++r) {
      for (int l = 0; l < 8; ++l) philox_round(x0[l], x1[l], x2[l], x3[l], k0, k1);
      k0 += philox_w0, k1 += philox_w1;
    }
#endif
  }

  static bool finite(float x) { return x - x == 0.0f; }

  // SUB > 0: that many substeps, known at compile time; SUB = 0: `sub` of them.
  template <int SUB>
  static int integrate(std::uint32_t lo, std::uint32_t hi, float* __restrict v, float* __restrict u,
                       const float* __restrict I, const float* __restrict A, const float* __restrict B,
                       std::uint8_t* __restrict spiked, float h, float dt, int sub, float v_peak) {
    const int n_sub = SUB > 0 ? SUB : sub;
    int bad = 0;
    for (std::uint32_t i = lo; i < hi; ++i) {
      float vv = v[i], uu = u[i];
      for (int s = 0; s < n_sub; ++s) vv = izh_dv(vv, uu, I[i], h);
      spiked[i] = izh_finish(vv, uu, vv, A[i], B[i], dt, v_peak);
      v[i] = vv, u[i] = uu;
      bad |= !finite(vv) | !finite(uu);
    }
    return bad;
  }

  // Every thread draws all of the step's pulses (a handful) and adds those in its range;
  // equal amplitudes make repeated hits order-independent.
  void add_pulses(const input_data& x, std::uint32_t pi, std::uint32_t in, std::uint64_t k, std::uint32_t n,
                  std::uint32_t lo, std::uint32_t hi, float* I) {
    const counter_rng rng(net_->seed);
    const float amplitude = x.mean[0];
    const std::uint32_t count = pulse_count(rng, x.per_step, k, in, pi);
    for (std::uint32_t j = 0; j < count; ++j) {
      const std::uint32_t i = pulse_target(rng, n, k, in, pi, j);
      if (i >= lo && i < hi) I[i] = I[i] + amplitude;
    }
  }

  void add_noise(const input_data& x, std::uint32_t pi, std::uint32_t in, std::uint64_t k, std::uint32_t lo,
                 std::uint32_t hi, float* I) {
    constexpr std::uint32_t G = 8;
    const counter_rng rng(net_->seed);
    const std::uint32_t first = lo / 4, blocks = (hi - first * 4 + 3) / 4;
    std::vector<float>& z = noise_[omp_get_thread_num()];
    z.resize((blocks + G) * 4);
    const std::uint32_t c1 = static_cast<std::uint32_t>(k), c2 = step_word2(k, in);
    const std::uint32_t c3 = counter_word3(purpose_noise, pi);
    for (std::uint32_t g = 0; g < blocks; g += G) {
      std::uint32_t x0[G], x1[G], x2[G], x3[G];
      for (std::uint32_t l = 0; l < G; ++l) x0[l] = first + g + l, x1[l] = c1, x2[l] = c2, x3[l] = c3;
      philox_lanes(x0, x1, x2, x3, rng.k0, rng.k1);
      float z0[G], z1[G], z2[G], z3[G];
      for (std::uint32_t l = 0; l < G; ++l) {
        normal_pair(x0[l], x1[l], z0[l], z1[l]);
        normal_pair(x2[l], x3[l], z2[l], z3[l]);
      }
      float* out = z.data() + std::size_t(g) * 4;
      for (std::uint32_t l = 0; l < G; ++l)
        out[4 * l] = z0[l], out[4 * l + 1] = z1[l], out[4 * l + 2] = z2[l], out[4 * l + 3] = z3[l];
    }
    const float* zz = z.data() - std::size_t(first) * 4;  // zz[i]: neuron i
    if (x.mean.size() == 1 && x.std.size() == 1) {
      const float m = x.mean[0], sd = x.std[0];
      for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + (m + sd * zz[i]);
    } else {
      const bool per_mean = x.mean.size() > 1, per_std = x.std.size() > 1;
      for (std::uint32_t i = lo; i < hi; ++i)
        I[i] = I[i] + ((per_mean ? x.mean[i] : x.mean[0]) + (per_std ? x.std[i] : x.std[0]) * zz[i]);
    }
  }

  // A one-weight sparse projection counts its arrivals (see projection_state::counts).
  static bool counted(const projection_data& p) {
    return !p.dense && p.one_weight && p.n_synapses < (std::uint64_t(1) << 31);
  }

  /// Arrival of neuron i as float32, read once (the sum is cleared): fixed-point sums...
  struct fixed_arrivals {
    std::int64_t* a;
    double inv;
    float operator()(std::uint32_t i) const {
      const float x = fixed_to_float(a[i], inv);
      a[i] = 0;
      return x;
    }
  };
  /// ... or counts of one weight w = w_q 2^-s: float32(double(c) * w) is float32(double(c *
  /// w_q) * 2^-s), both products rounded once (docs/numerics.md), so the same value.
  struct counted_arrivals {
    std::int32_t* c;
    double w;
    float operator()(std::uint32_t i) const {
      const float x = static_cast<float>(static_cast<double>(c[i]) * w);
      c[i] = 0;
      return x;
    }
  };

  // Calls body(arrival) with projection j's arrivals at step k for neurons [lo, hi), after
  // folding the other threads' sums of a sparse projection into the first's.
  template <class Body>
  void with_arrivals(std::uint32_t j, std::uint64_t k, std::uint32_t n, std::uint32_t lo, std::uint32_t hi,
                     Body&& body) {
    const projection_data& p = net_->projections[j];
    projection_state& ps = projs_[j];
    if (counted(p)) {
      fold_threads(ps.counts.data(), n, lo, hi);
      body(counted_arrivals{ps.counts.data(), p.shared_weight * p.inv_scale()});
    } else {
      body(fixed_arrivals{arrivals(j, k, n, lo, hi), p.inv_scale()});
    }
  }

  // The fixed-point arrivals of projection j at step k for neurons [lo, hi): sparse
  // projections first fold the other threads' accumulators into the first.
  std::int64_t* arrivals(std::uint32_t j, std::uint64_t k, std::uint32_t n, std::uint32_t lo, std::uint32_t hi) {
    projection_state& ps = projs_[j];
    if (net_->projections[j].dense) return ps.ring.data() + (k % ps.ring_slots) * n;
    fold_threads(ps.ring.data(), n, lo, hi);
    return ps.ring.data();
  }

  // Per-thread sums [thread][n] of a sparse projection: the other threads' sums for
  // [lo, hi) added into the first thread's and cleared.
  template <class T>
  void fold_threads(T* __restrict sums, std::uint32_t n, std::uint32_t lo, std::uint32_t hi) const {
    for (int tt = 1; tt < nt_; ++tt) {
      T* __restrict other = sums + std::uint64_t(tt) * n;
      for (std::uint32_t i = lo; i < hi; ++i) sums[i] += other[i], other[i] = 0;
    }
  }

  std::int32_t kernel_group_of(std::uint32_t j, const projection_data& p, std::uint32_t n) {
    const std::vector<float>& kappa = p.kernel.samples;
    for (std::size_t g = 0; g < groups_.size(); ++g)
      if (groups_[g].post == p.post && groups_[g].kappa.size() == kappa.size() &&
          std::memcmp(groups_[g].kappa.data(), kappa.data(), kappa.size() * sizeof(float)) == 0)
        return static_cast<std::int32_t>(g);
    kernel_group g;
    g.post = p.post, g.leader = j, g.kappa = kappa;
    g.hist.assign(kappa.size() * ((std::size_t(n) + kernel_group::B - 1) / kernel_group::B) * kernel_group::B, 0.0f);
    groups_.push_back(std::move(g));
    return static_cast<std::int32_t>(groups_.size() - 1);
  }

  // h[k] = a_1 + a_2 + ... (float32, in projection order: the leader writes the slot).
  // Thread ranges start at multiples of 64 neurons, so [lo, hi) covers whole tiles
  // (the last one possibly partly).
  template <class Arrival>
  static void take_arrivals(kernel_group& g, std::uint32_t j, std::uint64_t k, std::uint32_t lo,
                            std::uint32_t hi, Arrival a) {
    constexpr std::uint32_t B = kernel_group::B;
    const auto slot = static_cast<std::uint32_t>(k % g.kappa.size());
    const bool first = g.leader == j;
    for (std::uint32_t i0 = lo; i0 < hi; i0 += B) {
      float* __restrict now = g.slot_of_tile(i0 / B, slot) - i0;
      const std::uint32_t end = std::min(hi, i0 + B);
      if (first)
        for (std::uint32_t i = i0; i < end; ++i) now[i] = a(i);
      else
        for (std::uint32_t i = i0; i < end; ++i) now[i] = now[i] + a(i);
    }
  }

  // cur = float32(sum_m double(kappa[m]) * double(h[k - m])), summed in double in the order
  // m = 0, 1, ... for each neuron: vectorised across the B neurons of a tile, whose sums
  // stay in registers while the window is walked (slots now, now-1, ..., 0, L-1, ..., now+1).
  static void sampled_current(kernel_group& g, std::uint64_t k, std::uint32_t lo, std::uint32_t hi,
                              float* __restrict I) {
    constexpr std::uint32_t B = kernel_group::B;
    const auto L = static_cast<std::uint32_t>(g.kappa.size());
    const auto now = static_cast<std::uint32_t>(k % L);
    const float* kappa = g.kappa.data();
    for (std::uint32_t i0 = lo; i0 < hi; i0 += B) {
      double acc[B] = {};
      const float* __restrict h = g.slot_of_tile(i0 / B, now);
      for (std::uint32_t m = 0; m <= now; ++m, h -= B) {
        const double km = kappa[m];
        for (std::uint32_t b = 0; b < B; ++b) acc[b] += km * static_cast<double>(h[b]);
      }
      h = g.slot_of_tile(i0 / B, L - 1);
      for (std::uint32_t m = now + 1; m < L; ++m, h -= B) {
        const double km = kappa[m];
        for (std::uint32_t b = 0; b < B; ++b) acc[b] += km * static_cast<double>(h[b]);
      }
      const std::uint32_t nb = std::min(B, hi - i0);
      for (std::uint32_t b = 0; b < nb; ++b) I[i0 + b] = I[i0 + b] + static_cast<float>(acc[b]);
    }
  }

  void record_traces(std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi, recorder& rec) {
    const population_state& s = pops_[pi];
    for (std::uint32_t ti : rec.traces_of(pi)) {
      trace_buffer& tb = rec.trace(ti);
      const std::int64_t row = tb.row(k);
      if (row < 0) continue;
      const float* src = tb.var == state_var::v ? s.v.data() : tb.var == state_var::u ? s.u.data() : s.I.data();
      float* dst = tb.data.data() + std::uint64_t(row) * tb.neurons.size();
      if (tb.all) {
        std::copy(src + lo, src + hi, dst + lo);
      } else {
        for (std::size_t c = 0; c < tb.neurons.size(); ++c) {
          const auto i = static_cast<std::uint32_t>(tb.neurons[c]);
          if (i >= lo && i < hi) dst[c] = src[i];
        }
      }
    }
  }

  std::shared_ptr<const network_data> net_;
  int nt_;
  bool sparse_ = false;  // any sparse projection
  std::vector<population_state> pops_;
  std::vector<projection_state> projs_;
  std::vector<kernel_group> groups_;
  std::vector<std::vector<std::uint32_t>> into_;             // projections by target population
  std::vector<std::vector<std::uint32_t>> spikes_[2];        // [step parity][thread * n_pop + pop]
  std::vector<std::vector<float>> noise_;     // per thread
  std::vector<std::vector<std::uint32_t*>> tails_;  // per thread
  std::vector<std::vector<std::uint32_t>> shares_;  // per thread: its share of a step's spikes
};

}  // namespace
std::unique_ptr<engine> make_engine(std::shared_ptr<const network_data> net, int threads) {
  return std::make_unique<cpu_engine>(std::move(net), threads);
}
}  // namespace SNN_CAT(cpu_, SNN_CPU_VARIANT)
}  // namespace snn
