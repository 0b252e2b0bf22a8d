// Delivery of the previous step's spikes. Each thread owns a block of every population's
// neurons and is the one writer of their sums. Dense rows: each thread adds the columns of
// its own targets into the projection's ring. Sparse rows: each thread queues an equal share
// of the spikes' synapses by arrival slot and by the block of their target; after the
// step's barrier each thread drains, from every thread's queues, this step's slot of its
// own block into its targets' sums (arrive()). Integer sums make the result independent of
// the split.
#include <omp.h>

#include <algorithm>

#include "cpu/cpu_engine.hpp"
#include "cpu/rows.hpp"
#include "cpu/sums.hpp"
#include "plasticity.hpp"
#include "synapse_math.hpp"

namespace snn {
namespace SNN_CPU_NS {

namespace {

// The events arriving now into the sums: W words per event (target, weight) or W = 1
// (target; every weight `w`, or counts with w = 1).
template <int W, class T>
void drain(event_buffer& now, T* __restrict acc, std::int32_t w) {
  const std::uint32_t* ev = now.data.data();
  const std::size_t n = now.size / W;
  constexpr std::size_t ahead = 16;  // the accumulator outgrows L2: prefetch
  for (std::size_t i = 0; i < n; ++i) {
    if (i + ahead < n) __builtin_prefetch(acc + ev[W * (i + ahead)], 1);
    acc[ev[W * i]] += W == 2 ? static_cast<std::int32_t>(ev[W * i + 1]) : w;
  }
  now.size = 0;
}

// Out of line: inlined into the spike loop, GCC stops vectorising it.
__attribute__((noinline)) void add_row(std::int64_t* __restrict ring, const std::int32_t* __restrict w,
                                       std::uint32_t lo, std::uint32_t hi) {
  for (std::uint32_t i = lo; i < hi; ++i) ring[i] += w[i];
}

std::uint32_t key(const synapse& x) { return x.key; }
std::uint32_t key(std::uint32_t k) { return k; }

}  // namespace

bool cpu_engine::counted(const projection_data& p) const { return counted_projection(p); }

// A sparse static projection of one delay needs no queue: its spikes are read D steps late.
bool cpu_engine::direct(const projection_data& p) const { return !p.dense && !p.plastic() && p.d_min == p.d_max; }

void cpu_engine::deliver(int t, std::uint64_t k) {
  const spike_lists& lists = spikes_of_step(k - 1);
  const std::size_t n_pop = pops_.size();
  for (std::uint32_t j = 0; j < projs_.size(); ++j) {
    const projection_data& p = net_->projections[j];
    projection_state& s = projs_[j];
    const std::uint32_t n_post = net_->populations[p.post].n;
    const std::uint32_t R = p.d_max;
    const std::uint32_t first = first_slot(k, p.d_min, R);  // where the shortest delay lands
    if (p.dense) {
      const std::uint32_t lo = pops_[p.post].bounds[t], hi = pops_[p.post].bounds[t + 1];
      if (k > 0 && lo < hi)
        for (int tt = 0; tt < n_lists_; ++tt)
          for (std::uint32_t pre : lists[tt * n_pop + p.pre])
            add_row(s.ring.data() + std::uint64_t(first) * n_post, p.weights.data() + std::uint64_t(pre) * n_post,
                    lo, hi);
      continue;
    }
    if (direct(p)) continue;  // read from the spike history when the spikes arrive
    event_buffer* pending = s.pending.data() + std::size_t(t) * R * nt_;  // this thread's queues
    const auto& pres =
        k > 0 ? share_of_spikes(t, [&](int tt) -> const auto& { return lists[tt * n_pop + p.pre]; }) : no_spikes_;
    const auto post_mask = static_cast<std::uint32_t>((std::uint64_t(1) << p.post_bits) - 1);
    if (p.one_weight) {  // rows of keys; events of one word: the target
      queue_rows<1>(p, p.keys.data(), pending, pres, first,
                    [&](std::uint32_t* e, const std::uint32_t* b) { e[0] = *b & post_mask; });
    } else if (p.plastic() && !plan_.plastic[j].args.dendritic) {
      // Axonal delay: events are synapse positions, depressed and read when they arrive.
      const synapse* syn = p.synapses.data();
      queue_rows<1>(p, syn, pending, pres, first,
                    [&](std::uint32_t* e, const synapse* b) { e[0] = static_cast<std::uint32_t>(b - syn); });
    } else {  // events (target, weight); dendritic-delay plastic synapses paired first
      if (p.plastic()) pair_rows(j, pres, k - 1);
      queue_rows<2>(p, p.synapses.data(), pending, pres, first, [&](std::uint32_t* e, const synapse* b) {
        e[0] = b->key & post_mask, e[1] = static_cast<std::uint32_t>(b->weight);
      });
    }
  }
}

// What arrives at step k through sparse projection j at thread t's targets [lo, hi), into
// their sums: this step's slot of block t from every thread's queues, or, for a projection
// of one delay D, the rows of the spikes of step k - D, each from its first target in the
// block on.
void cpu_engine::arrive(int t, std::uint32_t j, std::uint64_t k, std::uint32_t lo, std::uint32_t hi) {
  const projection_data& p = net_->projections[j];
  projection_state& s = projs_[j];
  if (direct(p)) {
    if (k < p.d_min) return;
    for (int tt = 0; tt < n_lists_; ++tt) {
      const auto& pres = pops_[p.pre].spikes_of(tt, k - p.d_min);
      if (counted(p))
        deliver_direct(p, pres, s.counts.data(), lo, hi);
      else
        deliver_direct(p, pres, s.ring.data(), lo, hi);
    }
    return;
  }
  const std::uint32_t R = p.d_max;
  for (int tt = 0; tt < nt_; ++tt) {
    event_buffer& now = s.pending[(std::size_t(tt) * R + k % R) * nt_ + t];
    if (p.one_weight && counted(p))
      drain<1>(now, s.counts.data(), 1);
    else if (p.one_weight)
      drain<1>(now, s.ring.data(), p.shared_weight);
    else if (p.plastic() && !plan_.plastic[j].args.dendritic)
      drain_plastic(j, now, s.ring.data(), k);
    else
      drain<2>(now, s.ring.data(), 0);
  }
}

// Thread t's equal share of all threads' spikes of a population at a step (list_of(tt):
// thread tt's list, then the other processes'; each thread holds its own neurons' spikes;
// the rows to walk are shared out by count, not by neuron).
template <class List>
const std::vector<std::uint32_t>& cpu_engine::share_of_spikes(int t, List&& list_of) {
  if (n_lists_ == 1) return list_of(0);
  std::size_t total = 0;
  for (int tt = 0; tt < n_lists_; ++tt) total += list_of(tt).size();
  const std::size_t from = total * t / nt_, to = total * (t + 1) / nt_;
  std::vector<std::uint32_t>& mine = shares_[t];
  mine.clear();
  std::size_t at = 0;  // position of list tt's first spike in the concatenation
  for (int tt = 0; tt < n_lists_ && at < to; ++tt) {
    const std::vector<std::uint32_t>& l = list_of(tt);
    const std::size_t b = std::max(from, at), e = std::min(to, at + l.size());
    if (b < e)
      mine.insert(mine.end(), l.begin() + static_cast<std::ptrdiff_t>(b - at),
                  l.begin() + static_cast<std::ptrdiff_t>(e - at));
    at += l.size();
  }
  return mine;
}

// The synapses onto targets [lo, hi) of the sources `pres` (of step k - D, a projection of
// one delay D: keys are the targets, ascending in a row) straight into their sums: counts
// of one weight, or fixed-point weights.
template <class Acc>
void cpu_engine::deliver_direct(const projection_data& p, const std::vector<std::uint32_t>& pres, Acc* __restrict acc,
                                std::uint32_t lo, std::uint32_t hi) const {
  const std::uint64_t* row_ptr = p.row_ptr.data();
  const bool whole = nt_ == 1;
  const std::size_t n = pres.size();
  auto walk = [&](const auto* syn, auto add) {
    for (std::size_t i = 0; i < n; ++i) {
      prefetch_rows<4>(syn, row_ptr, pres, i);
      const auto* b = syn + row_ptr[pres[i]];
      const auto* e = syn + row_ptr[pres[i] + 1];
      if (!whole) {
        b = std::lower_bound(b, e, lo, [](const auto& x, std::uint32_t v) { return key(x) < v; });
        e = std::lower_bound(b, e, hi, [](const auto& x, std::uint32_t v) { return key(x) < v; });
      }
      for (; b != e; ++b) add(*b);
    }
  };
  if (p.one_weight) {
    const Acc w = counted_projection(p) ? 1 : p.shared_weight;
    walk(p.keys.data(), [&](std::uint32_t x) { acc[x] += w; });
  } else {
    walk(p.synapses.data(), [&](const synapse& x) { acc[x.key] += x.weight; });
  }
}

// Queues the synapses of the spiking sources `pres` by arrival slot and target block (queue
// slot * threads + block of `pending`), W words per event as write(event, synapse) makes
// them. The queues' write positions live in a small local table, checked against their ends
// per run of one delay and block.
template <int W, class S, class Write>
void cpu_engine::queue_rows(const projection_data& p, const S* syn, event_buffer* pending,
                            const std::vector<std::uint32_t>& pres, std::uint32_t first, Write&& write) {
  const std::size_t n = pres.size();
  if (n == 0) return;
  const int pb = p.post_bits;
  const std::uint32_t R = p.d_max, nq = R * static_cast<std::uint32_t>(nt_);
  const std::uint32_t* bounds = pops_[p.post].bounds.data();
  const std::uint64_t* row_ptr = p.row_ptr.data();
  std::vector<std::uint32_t*>& tails = tails_[omp_get_thread_num()];
  tails.resize(2 * std::size_t(nq));
  std::uint32_t** tail = tails.data();
  std::uint32_t** end = tail + nq;
  for (std::uint32_t q = 0; q < nq; ++q)
    tail[q] = pending[q].data.data() + pending[q].size, end[q] = pending[q].data.data() + pending[q].data.size();
  for (std::size_t i = 0; i < n; ++i) {
    prefetch_rows<4>(syn, row_ptr, pres, i);
    // A row is sorted by delay, then target: copy it run by run, one queue per run of one
    // delay and block; such a run ends below the key of its block's end.
    const S* b = syn + row_ptr[pres[i]];
    const S* const e = syn + row_ptr[pres[i] + 1];
    while (b != e) {
      const std::uint32_t code = key(*b) >> pb, post = key(*b) & ((std::uint32_t(1) << pb) - 1);
      std::uint32_t block = 0;
      while (post >= bounds[block + 1]) ++block;
      const std::uint64_t below = (std::uint64_t(code) << pb) + bounds[block + 1];
      const std::uint32_t q = ring_slot(first, code, R) * static_cast<std::uint32_t>(nt_) + block;
      if (end[q] - tail[q] < W * (e - b)) {  // rare: room for the rest of the row
        event_buffer& buf = pending[q];
        buf.size = static_cast<std::size_t>(tail[q] - buf.data.data());
        buf.grow(static_cast<std::size_t>(W * (e - b)));
        tail[q] = buf.data.data() + buf.size, end[q] = buf.data.data() + buf.data.size();
      }
      std::uint32_t* t = tail[q];
      __builtin_prefetch(t + 32, 1);  // the queue's stream: claim the line after next
      for (; b != e && key(*b) < below; ++b, t += W) write(t, b);
      tail[q] = t;
    }
  }
  for (std::uint32_t q = 0; q < nq; ++q) pending[q].size = static_cast<std::size_t>(tail[q] - pending[q].data.data());
}

}  // namespace SNN_CPU_NS
}  // namespace snn
