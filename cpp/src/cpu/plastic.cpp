// The CPU engine's plastic synapses (docs/numerics.md, "Plasticity"). Axonal delays (the
// 2006 rule): depression when an arrival is drained, potentiation at the post spike through
// the synapses into the neuron. Dendritic delays (stdp): both when the pre spike is queued,
// along its row, sequential in memory: the potentiation owed by the post spikes since the
// synapse's last pre spike first, then the depression. A neuron whose ring of post spikes
// fills, the weights read between runs and the weights sampled during one get what is owed
// at once (settle_target, settle, weight_now); the numbers are the same either way.
#include <algorithm>
#include <numeric>

#include "cpu/cpu_engine.hpp"
#include "cpu/rows.hpp"
#include "plasticity.hpp"

namespace snn {
namespace SNN_CPU_NS {

// A plastic projection with axonal delays, its arrivals of step k (events: synapse
// positions): each depresses its synapse with the target's trace (its spikes before k),
// takes the arrival into the synapse's trace, and adds its weight then. A synapse has one
// arrival a step at most: one writer.
void cpu_engine::drain_plastic(std::uint32_t j, event_buffer& now, std::int64_t* __restrict acc, std::uint64_t k) {
  projection_data& p = net_->projections[j];
  plastic_state& ps = projs_[j].plastic;
  const plasticity_args& r = plan_.plastic[j].args;
  for (std::size_t e = 0; e < now.size; ++e) {
    const std::uint32_t s = now.data[e];
    synapse& syn = p.synapses[s];
    const std::uint32_t post = p.post_of(syn.key);
    depress(syn.weight, ps.sd_of(s), trace_value(ps.y[post], ps.yk[post], k, r.c_minus, r, false), r);
    trace_spike(ps.x[s], ps.xk[s], k, r.c_plus, r);
    acc[post] += syn.weight;
  }
  now.size = 0;
}

namespace {

// f(synapse, source) for each synapse of the rows of the sources `pres` (a dendritic-delay
// plastic projection), in order. Rows and the targets' heads are scattered in memory (at
// N = 10^5, 80 and 6 MB): rows are prefetched a few sources ahead (cpu/rows.hpp),
// heads by a cursor `ahead` synapses on, across rows.
template <class F>
void walk_rows(projection_data& p, const post_history& post, const std::vector<std::uint32_t>& pres, F&& f) {
  const std::uint64_t* row_ptr = p.row_ptr.data();
  constexpr int ahead = 12;
  std::size_t ai = 0;  // the cursor: row pres[ai], synapse as
  std::uint64_t as = 0, ae = 0;
  auto step_ahead = [&] {
    while (as == ae && ai < pres.size()) as = row_ptr[pres[ai]], ae = row_ptr[pres[ai] + 1], ++ai;
    if (as < ae) {
      const post_history::head* h = &post.heads[p.post_of(p.synapses[as++].key)];
      __builtin_prefetch(h), __builtin_prefetch(reinterpret_cast<const char*>(h) + 64);
    }
  };
  for (int n = 0; n < ahead; ++n) step_ahead();
  for (std::size_t i = 0; i < pres.size(); ++i) {
    prefetch_rows<2, 1>(p.synapses.data(), row_ptr, pres, i);
    for (std::uint64_t s = row_ptr[pres[i]]; s < row_ptr[pres[i] + 1]; ++s) {
      step_ahead();
      f(p.synapses[s], pres[i]);
    }
  }
}

}  // namespace

// The rows of the sources `pres` of a dendritic-delay plastic projection, spiking at step
// k_pre, before they are queued (the pre spike is at the synapse at once): each synapse gets
// the potentiation it is owed up to k_pre, then the depression with the trace of the post
// spikes that reached it before; then the spikes enter their sources' traces.
void cpu_engine::pair_rows(std::uint32_t j, const std::vector<std::uint32_t>& pres, std::uint64_t k_pre) {
  projection_data& p = net_->projections[j];
  plastic_state& ps = projs_[j].plastic;
  const plasticity_args r = plan_.plastic[j].args;  // a copy: the weights' stores cannot alias it
  walk_rows(p, ps.post, pres, [&](synapse& syn, std::uint32_t pre) {
    float unused = 0.0f;  // no sd under stdp
    const float y =
        ps.post.catch_up(p.post_of(syn.key), p.delay_of(syn.key), k_pre, ps.x[pre], ps.xk[pre], r, syn.weight, unused);
    depress(syn.weight, unused, y, r);
  });
  for (std::uint32_t pre : pres) trace_spike(ps.x[pre], ps.xk[pre], k_pre, r.c_plus, r);
}

// The post spikes of step k (`spiked`, this thread's) at every plastic projection into
// population pi. Axonal delays: potentiation (the 2006 rule: into sd; one writer per
// synapse, its target's thread) of each synapse into a spiking neuron with its pre trace
// (this step's arrivals included), then the neuron's trace. Dendritic: into the neuron's
// ring; where that would overwrite a spike still owed, the neuron's synapses get what is
// owed up to the epoch's first step k0 first (every pre spike before k0 has been queued,
// none after).
void cpu_engine::potentiate_at_spikes(std::uint32_t pi, std::uint64_t k, std::uint64_t k0,
                                      const std::vector<std::uint32_t>& spiked) {
  for_plastic_into(pi, [&](projection_data& p, plastic_state& ps, const plastic_plan& plan) {
    const plasticity_args& r = plan.args;
    for (std::uint32_t i : spiked) {
      if (r.dendritic) {
        if (ps.post.full(i)) settle_target(p, ps, plan, i, k0);
        ps.post.push(i, k, r);
        continue;
      }
      for (std::uint64_t q = plan.in_ptr[i]; q < plan.in_ptr[i + 1]; ++q) {
        const std::uint32_t s = plan.in_syn[q];
        potentiate(p.synapses[s].weight, ps.sd_of(s), trace_value(ps.x[s], ps.xk[s], k, r.c_plus, r, true), r);
      }
      trace_spike(ps.y[i], ps.yk[i], k, r.c_minus, r);
    }
  });
}

// Dendritic delays: the potentiation owed to the synapses into neuron i up to step t.
void cpu_engine::settle_target(projection_data& p, plastic_state& ps, const plastic_plan& plan, std::uint32_t i,
                               std::uint64_t t) {
  float unused = 0.0f;
  for (std::uint64_t q = plan.in_ptr[i]; q < plan.in_ptr[i + 1]; ++q) {
    synapse& syn = p.synapses[plan.in_pairs[2 * q]];
    const std::uint32_t pre = plan.in_pairs[2 * q + 1];
    ps.post.catch_up(i, p.delay_of(syn.key), t, ps.x[pre], ps.xk[pre], plan.args, syn.weight, unused);
  }
  ps.post.heads[i].settled = t;
}

// Every dendritic-delay plastic synapse gets what it is owed up to the last step run, row
// by row, so that the weights in the network data are those of the step-by-step rule.
void cpu_engine::settle() {
  std::lock_guard<std::mutex> lock(settling_);
  if (!owed_) return;
  owed_ = false;
  for (std::uint32_t j = 0; j < projs_.size(); ++j) {
    projection_data& p = net_->projections[j];
    if (!p.plastic() || !plan_.plastic[j].args.dendritic) continue;
    plastic_state& ps = projs_[j].plastic;
    const plasticity_args& r = plan_.plastic[j].args;
    std::vector<std::uint32_t> sources(p.row_ptr.size() - 1);
    std::iota(sources.begin(), sources.end(), 0u);
    walk_rows(p, ps.post, sources, [&](synapse& syn, std::uint32_t pre) {
      float unused = 0.0f;
      ps.post.catch_up(p.post_of(syn.key), p.delay_of(syn.key), last_step_, ps.x[pre], ps.xk[pre], r, syn.weight,
                       unused);
    });
    for (post_history::head& h : ps.post.heads) h.settled = last_step_;
  }
}

std::uint64_t cpu_engine::plasticity_bytes(std::uint32_t j) const {
  auto bytes = [](const auto& v) { return std::uint64_t(v.size()) * sizeof(v[0]); };
  const plastic_plan& plan = plan_.plastic[j];
  const plastic_state& ps = projs_[j].plastic;
  return bytes(plan.in_ptr) + bytes(plan.in_syn) + bytes(plan.in_delay) + bytes(plan.in_pairs) + bytes(ps.x) +
         bytes(ps.y) + bytes(ps.sd) + bytes(ps.xk) + bytes(ps.yk) + bytes(ps.post.heads) + bytes(ps.post.ring) +
         bytes(ps.post.tables);
}

// The weight of synapse `at` of projection j at the end of step k (a sample): what the
// network data holds plus, with dendritic delays, what it is owed up to k.
float cpu_engine::weight_now(std::uint32_t j, std::uint64_t at, std::uint64_t k) const {
  const projection_data& p = net_->projections[j];
  std::int32_t wq = p.weight_at(at);
  if (p.plastic() && plan_.plastic[j].args.dendritic) {
    const plastic_state& ps = projs_[j].plastic;
    const auto pre = static_cast<std::uint32_t>(std::upper_bound(p.row_ptr.begin(), p.row_ptr.end(), at) -
                                                p.row_ptr.begin() - 1);
    float unused = 0.0f;
    const std::uint32_t key = p.synapses[at].key;
    ps.post.catch_up(p.post_of(key), p.delay_of(key), k, ps.x[pre], ps.xk[pre], plan_.plastic[j].args, wq, unused);
  }
  return static_cast<float>(wq * p.inv_scale());
}

}  // namespace SNN_CPU_NS
}  // namespace snn
