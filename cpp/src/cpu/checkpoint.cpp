// The CPU engine's state in and out of a checkpoint (docs/checkpoints.md, "The state"), in a
// form that does not depend on the thread count: spike lists as global (step, neuron) pairs,
// queued events as sorted (arrival step, target or synapse, weight) triples; everything
// else (model state, rings, kernel and plasticity state) is stored by neuron or synapse
// already. Loading splits spikes and events again by the loading engine's thread ranges.
#include <algorithm>
#include <numeric>
#include <tuple>

#include "cpu/cpu_engine.hpp"
#include "system.hpp"

namespace snn {
namespace SNN_CPU_NS {

namespace {

std::string pop_at(std::uint32_t pi) { return cat("state/pop", pi, "/"); }
std::string proj_at(std::uint32_t j) { return cat("state/proj", j, "/"); }

// Into dst in place (its size is the network's).
template <class T>
void load_into(std::vector<T>& dst, const state_arrays& in, const std::string& name) {
  const std::vector<T> v = get_array<T>(in, name, dst.size());
  std::copy(v.begin(), v.end(), dst.begin());
}

// A dendritic projection's post spikes as its synapses still read them: the newest
// `keep` (d_max + 1: what a synapse of the longest delay reads back) of each neuron,
// oldest first: counts per neuron, then steps and values before each spike.
void save_history(const post_history& h, std::uint32_t keep, const std::string& at, state_arrays& out) {
  std::vector<std::uint32_t> counts(h.heads.size());
  std::vector<std::uint64_t> steps;
  std::vector<float> before;
  for (std::uint32_t i = 0; i < counts.size(); ++i) {
    const std::uint32_t c = h.heads[i].count, n = std::min({c, keep, h.depth});
    counts[i] = n;
    for (std::uint32_t q = c - n; q < c; ++q) steps.push_back(h.nth(i, q).step), before.push_back(h.nth(i, q).before);
  }
  put_array(out, at + "post_counts", counts);
  put_array(out, at + "post_steps", steps);
  put_array(out, at + "post_before", before);
}

void load_history(post_history& h, std::uint32_t keep, std::uint64_t next, const std::string& at,
                  const state_arrays& in) {
  const std::vector<std::uint32_t> counts = get_array<std::uint32_t>(in, at + "post_counts", h.heads.size());
  std::uint64_t total = 0;
  for (std::uint32_t c : counts) {
    if (c > keep) config_fail("checkpoint: array '", at, "post_counts': ", c, " spikes kept for a neuron, at most ", keep);
    total += c;
  }
  const std::vector<std::uint64_t> steps = get_array<std::uint64_t>(in, at + "post_steps", total);
  const std::vector<float> before = get_array<float>(in, at + "post_before", total);
  h.clear();
  std::size_t e = 0;
  for (std::uint32_t i = 0; i < counts.size(); ++i) {
    for (std::uint32_t c = 0; c < counts[i]; ++c, ++e) {
      if (steps[e] >= next || (c > 0 && steps[e] <= steps[e - 1]))
        config_fail("checkpoint: array '", at, "post_steps': spike ", e, " (step ", steps[e], ") is out of order or "
                    "not before step ", next);
      h.put(i, steps[e], before[e]);
    }
    h.heads[i].settled = next > 0 ? next - 1 : 0;  // the weights saved hold what was owed (settle())
  }
}

}  // namespace

// Words per queued event of sparse projection j: the target (one weight), a synapse
// position (plastic, axonal delays: read when it arrives), or (target, weight).
int cpu_engine::event_words(std::uint32_t j) const {
  const projection_data& p = net_->projections[j];
  return p.one_weight || (p.plastic() && !plan_.plastic[j].args.dendritic) ? 1 : 2;
}

// The thread whose range of population pi holds the neuron.
int cpu_engine::owner(std::uint32_t pi, std::uint32_t neuron) const {
  const std::vector<std::uint32_t>& b = pops_[pi].bounds;
  return static_cast<int>(std::upper_bound(b.begin() + 1, b.end() - 1, neuron) - (b.begin() + 1));
}

// The spikes of the steps before `next` that the engine still reads: the last step's (its
// resets and delivery come with the next step), and the history's (late readers).
void cpu_engine::save_spikes(std::uint32_t pi, std::uint64_t next, state_arrays& out) const {
  const population_state& s = pops_[pi];
  const std::uint64_t kept = std::min<std::uint64_t>(next, std::max<std::uint32_t>(1, s.history));
  std::vector<std::uint64_t> steps;
  std::vector<std::uint32_t> ids;
  for (std::uint64_t q = next - kept; q < next; ++q)
    for (int t = 0; t < nt_; ++t) {
      const auto& list = s.history ? s.spikes_of(t, q) : spikes_[q % spikes_.size()][t * pops_.size() + pi];
      ids.insert(ids.end(), list.begin(), list.end());
      steps.insert(steps.end(), list.size(), q);
    }
  put_array(out, pop_at(pi) + "spike_steps", steps);
  put_array(out, pop_at(pi) + "spike_ids", ids);
}

void cpu_engine::load_spikes(std::uint32_t pi, std::uint64_t next, const state_arrays& in) {
  population_state& s = pops_[pi];
  const std::string at = pop_at(pi);
  const std::vector<std::uint32_t> ids = get_array<std::uint32_t>(in, at + "spike_ids");
  const std::vector<std::uint64_t> steps = get_array<std::uint64_t>(in, at + "spike_steps", ids.size());
  for (auto& lists : spikes_)
    for (std::size_t t = 0; t < std::size_t(nt_); ++t) lists[t * pops_.size() + pi].clear();
  for (auto& list : s.recent) list.clear();
  const std::uint32_t n = net_->populations[pi].n;
  for (std::size_t e = 0; e < ids.size(); ++e) {
    const std::uint64_t q = steps[e];
    if (ids[e] >= n || q >= next || (e > 0 && std::tie(steps[e - 1], ids[e - 1]) >= std::tie(q, ids[e])))
      config_fail("checkpoint: array '", at, "spike_ids' or 'spike_steps': spike ", e, " (step ", q, ", neuron ",
                  ids[e], ") is out of range or order (", n, " neurons, steps before ", next, ")");
    const int t = owner(pi, ids[e]);
    if (q + 1 == next) spikes_[q % spikes_.size()][t * pops_.size() + pi].push_back(ids[e]);
    if (s.history && q + s.history >= next) s.recent[std::size_t(t) * s.history + q % s.history].push_back(ids[e]);
  }
}

// Sparse projection j's queued events as (arrival step, word 0, word 1) sorted.
void cpu_engine::save_events(std::uint32_t j, std::uint64_t next, state_arrays& out) const {
  const projection_state& s = projs_[j];
  const std::uint32_t R = net_->projections[j].d_max;
  const int W = event_words(j);
  std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> ev;
  for (std::size_t q = 0; q < s.pending.size(); ++q) {
    const std::uint32_t slot = static_cast<std::uint32_t>(q / nt_ % R);
    const std::uint64_t step = next + (slot + R - next % R) % R;
    const event_buffer& b = s.pending[q];
    for (std::size_t w = 0; w + W <= b.size; w += W) ev.emplace_back(step, b.data[w], W == 2 ? b.data[w + 1] : 0);
  }
  std::sort(ev.begin(), ev.end());
  std::vector<std::uint64_t> steps;
  std::vector<std::uint32_t> word0;
  std::vector<std::int32_t> weights;  // fixed point
  for (const auto& [step, a, b] : ev) {
    steps.push_back(step), word0.push_back(a);
    if (W == 2) weights.push_back(static_cast<std::int32_t>(b));
  }
  const bool by_synapse = W == 1 && !net_->projections[j].one_weight;
  put_array(out, proj_at(j) + "event_steps", steps);
  put_array(out, proj_at(j) + (by_synapse ? "event_synapses" : "event_targets"), word0);
  if (W == 2) put_array(out, proj_at(j) + "event_weights", weights);
}

// Events go into the queues of thread 0 (a step drains every thread's), in the block of
// their target.
void cpu_engine::load_events(std::uint32_t j, std::uint64_t next, const state_arrays& in) {
  const projection_data& p = net_->projections[j];
  projection_state& s = projs_[j];
  const std::uint32_t R = p.d_max;
  const int W = event_words(j);
  const bool by_synapse = W == 1 && !p.one_weight;
  const std::string at = proj_at(j), name = at + (by_synapse ? "event_synapses" : "event_targets");
  const std::vector<std::uint32_t> word0 = get_array<std::uint32_t>(in, name);
  const std::vector<std::uint64_t> steps = get_array<std::uint64_t>(in, at + "event_steps", word0.size());
  const std::vector<std::int32_t> weights =
      W == 2 ? get_array<std::int32_t>(in, at + "event_weights", word0.size()) : std::vector<std::int32_t>{};
  for (event_buffer& b : s.pending) b.size = 0;
  const std::uint32_t n_post = net_->populations[p.post].n;
  for (std::size_t e = 0; e < word0.size(); ++e) {
    const std::uint64_t bound = by_synapse ? p.n_synapses : n_post;
    if (word0[e] >= bound || steps[e] < next || steps[e] - next >= R)
      config_fail("checkpoint: array '", name, "': event ", e, " (", word0[e], " at step ", steps[e],
                  ") is out of range (", bound, by_synapse ? " synapses" : " targets", ", steps ", next, " to ",
                  next + R - 1, ")");
    const std::uint32_t post = by_synapse ? p.post_of(p.synapses[word0[e]].key) : word0[e];
    event_buffer& b = s.pending[std::size_t(steps[e] % R) * nt_ + owner(p.post, post)];
    if (b.size + W > b.data.size()) b.grow(W);
    b.data[b.size++] = word0[e];
    if (W == 2) b.data[b.size++] = static_cast<std::uint32_t>(weights[e]);
  }
}

void cpu_engine::save_state(std::uint64_t next, state_arrays& out) const {
  const network_data& d = *net_;
  if (remote_) throw error("checkpoints of networks spread over MPI processes are not supported yet");
  for (std::uint32_t pi = 0; pi < pops_.size(); ++pi) {
    const model_desc& m = d.populations[pi].desc();
    for (int v = 0; v < m.n_vars + m.n_channels; ++v)
      put_array(out, pop_at(pi) + (v < m.n_vars ? m.vars[v].name : m.channels[v - m.n_vars].name),
                pops_[pi].variable(v));
    save_spikes(pi, next, out);
  }
  for (std::uint32_t j = 0; j < projs_.size(); ++j) {
    const projection_state& s = projs_[j];
    const std::string at = proj_at(j);
    put_array(out, at + "ring", s.ring);
    put_array(out, at + "counts", s.counts);
    put_array(out, at + "s0", s.s0);
    put_array(out, at + "s1", s.s1);
    put_array(out, at + "x", s.plastic.x);
    put_array(out, at + "xk", s.plastic.xk);
    put_array(out, at + "y", s.plastic.y);
    put_array(out, at + "yk", s.plastic.yk);
    put_array(out, at + "sd", s.plastic.sd);
    if (s.plastic.post.depth > 0) save_history(s.plastic.post, d.projections[j].d_max + 1, at, out);
    if (!s.pending.empty()) save_events(j, next, out);
  }
  for (std::size_t g = 0; g < histories_.size(); ++g) put_array(out, cat("state/kernel_group", g, "/history"), histories_[g].hist);
}

void cpu_engine::load_state(std::uint64_t next, const state_arrays& in) {
  const network_data& d = *net_;
  if (remote_) throw error("checkpoints of networks spread over MPI processes are not supported yet");
  owed_ = false;  // the weights in the network are the saved ones, with all that was owed
  for (std::uint32_t pi = 0; pi < pops_.size(); ++pi) {
    const model_desc& m = d.populations[pi].desc();
    for (int v = 0; v < m.n_vars + m.n_channels; ++v)
      load_into(pops_[pi].variable(v), in, pop_at(pi) + (v < m.n_vars ? m.vars[v].name : m.channels[v - m.n_vars].name));
    load_spikes(pi, next, in);
  }
  for (std::uint32_t j = 0; j < projs_.size(); ++j) {
    projection_state& s = projs_[j];
    const std::string at = proj_at(j);
    load_into(s.ring, in, at + "ring");
    load_into(s.counts, in, at + "counts");
    load_into(s.s0, in, at + "s0");
    load_into(s.s1, in, at + "s1");
    load_into(s.plastic.x, in, at + "x");
    load_into(s.plastic.xk, in, at + "xk");
    load_into(s.plastic.y, in, at + "y");
    load_into(s.plastic.yk, in, at + "yk");
    load_into(s.plastic.sd, in, at + "sd");
    if (s.plastic.post.depth > 0) load_history(s.plastic.post, d.projections[j].d_max + 1, next, at, in);
    if (!s.pending.empty()) load_events(j, next, in);
  }
  for (std::size_t g = 0; g < histories_.size(); ++g)
    load_into(histories_[g].hist, in, cat("state/kernel_group", g, "/history"));
}

}  // namespace SNN_CPU_NS
}  // namespace snn
