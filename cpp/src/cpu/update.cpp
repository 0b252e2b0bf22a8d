// One population's step for a thread's neurons (docs/numerics.md, "A step"): inputs, the
// reset of last step's spikes, synaptic input through each projection's kernel, then the
// model's update, instantiated per model (models/registry.hpp), the spike list and samples.
#include <algorithm>
#include <cstring>

#include "cpu/cpu_engine.hpp"
#include "cpu/sums.hpp"
#include "plasticity.hpp"
#include "synapse_math.hpp"

namespace snn {
namespace SNN_CPU_NS {

namespace {

bool finite(float x) { return x - x == 0.0f; }

// The model's step over neurons [lo, hi): state, constants and channels are gathered into
// registers per neuron (the loops over them unroll) and the loop vectorises across neurons.
// Uniform: every per-neuron constant has one value for all (read once, not streamed from
// memory each step). Returns nonzero if a state variable became NaN or infinite: x - x is
// +0 (bits 0) for a finite x and NaN otherwise, and an OR of bits vectorises where a test
// of each does not.
template <class M, class S, bool Uniform>
std::uint32_t integrate(population_state& s, const typename M::constants& c, const step_context& ctx,
                        std::uint32_t lo, std::uint32_t hi) {
  constexpr int NV = M::n_vars, NP = M::n_params, NC = M::n_channels;
  float* xs[NV > 0 ? NV : 1];
  const float* ps[NP > 0 ? NP : 1];
  const float* ins[NC > 0 ? NC : 1];
  for (int j = 0; j < NV; ++j) xs[j] = s.vars[j].data();
  for (int j = 0; j < NP; ++j) ps[j] = s.params[j].data();
  for (int j = 0; j < NC; ++j) ins[j] = s.channels[j].data();
  std::uint8_t* __restrict spiked = s.spiked.data();
  std::uint32_t bad = 0;
#pragma GCC ivdep
  for (std::uint32_t i = lo; i < hi; ++i) {
    float x[NV > 0 ? NV : 1], p[NP > 0 ? NP : 1], in[NC > 0 ? NC : 1];
    for (int j = 0; j < NV; ++j) x[j] = xs[j][i];
    for (int j = 0; j < NP; ++j) p[j] = ps[j][Uniform ? 0 : i];
    for (int j = 0; j < NC; ++j) in[j] = ins[j][i];
    spiked[i] = S::step(x, p, in, c, ctx.at(i));
    for (int j = 0; j < NV; ++j) xs[j][i] = x[j], bad |= float_as_bits(x[j] - x[j]);
  }
  return bad;
}

// The reset of the neurons that spiked at the step before (this thread's list of them).
template <class M>
void reset(population_state& s, const typename M::constants& c, const std::vector<std::uint32_t>& spiked) {
  constexpr int NV = M::n_vars, NP = M::n_params;
  for (std::uint32_t i : spiked) {
    float x[NV > 0 ? NV : 1], p[NP > 0 ? NP : 1];
    for (int j = 0; j < NV; ++j) x[j] = s.vars[j][i];
    for (int j = 0; j < NP; ++j) p[j] = s.params[j][i];
    M::reset(x, p, c);
    for (int j = 0; j < NV; ++j) s.vars[j][i] = x[j];
  }
}

// dst += current of projection p's arrivals a through its kernel, for neurons [lo, hi).
template <class Arrival>
void add_current(const projection_data& p, projection_state& ps, std::uint32_t lo, std::uint32_t hi, Arrival a,
                 float* __restrict dst) {
  with_kernel(p.kernel.type, [&](auto tag) {
    constexpr kernel_type K = decltype(tag)::type;
    const kernel_constants kc{p.kernel.q, p.kernel.c};
    if constexpr (K == kernel_type::exponential || K == kernel_type::alpha) {
      float* s0 = ps.s0.data();
      float* s1 = K == kernel_type::alpha ? ps.s1.data() : nullptr;
      for (std::uint32_t i = lo; i < hi; ++i) dst[i] = dst[i] + kernel_current<K>(s0 + i, s1 ? s1 + i : nullptr, a(i), kc);
    } else if constexpr (K != kernel_type::sampled) {  // sampled: through its history
      for (std::uint32_t i = lo; i < hi; ++i) dst[i] = dst[i] + kernel_current<K>(nullptr, nullptr, a(i), kc);
    }
  });
}

// h[k] = a_1 + a_2 + ... (float32, in projection order: the leader writes the slot). Thread
// ranges start at multiples of 64 neurons, so [lo, hi) covers whole tiles (the last one
// possibly partly).
template <class Arrival>
void take_arrivals(kernel_history& h, std::uint32_t j, std::uint64_t k, std::uint32_t lo, std::uint32_t hi,
                   Arrival a) {
  constexpr std::uint32_t B = kernel_history::B;
  const auto L = static_cast<std::uint32_t>(h.group->kappa.size());
  const auto slot = static_cast<std::uint32_t>(k % L);
  const bool first = h.group->leader == j;
  for (std::uint32_t i0 = lo; i0 < hi; i0 += B) {
    float* __restrict now = h.tile(i0 / B) + std::uint64_t(slot) * B - i0;
    const std::uint32_t end = std::min(hi, i0 + B);
    if (first)
      for (std::uint32_t i = i0; i < end; ++i) now[i] = a(i);
    else
      for (std::uint32_t i = i0; i < end; ++i) now[i] = now[i] + a(i);
  }
}

// The group's current, vectorised across the B neurons of a tile, whose sums stay in
// registers while the window is walked.
void sampled_current(kernel_history& h, std::uint64_t k, std::uint32_t lo, std::uint32_t hi, float* __restrict dst) {
  constexpr std::uint32_t B = kernel_history::B;
  const auto L = static_cast<std::uint32_t>(h.group->kappa.size());
  const auto now = static_cast<std::uint32_t>(k % L);
  for (std::uint32_t i0 = lo; i0 < hi; i0 += B) {
    double acc[B] = {};
    sampled_window<B>(acc, h.group->kappa.data(), L, now, h.tile(i0 / B), B);
    const std::uint32_t nb = std::min(B, hi - i0);
    for (std::uint32_t b = 0; b < nb; ++b) dst[i0 + b] = dst[i0 + b] + static_cast<float>(acc[b]);
  }
}

}  // namespace

// Synaptic input arriving at step k: sampled kernels first take the step's arrivals into
// their groups' histories, in projection order; then each projection's current goes into
// its channel (a group's at its leader), a voltage jump into v.
void cpu_engine::add_synaptic_input(int t, std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi) {
  population_state& s = pops_[pi];
  for (std::uint32_t j : plan_.into[pi])
    if (projs_[j].group >= 0)
      with_arrivals(t, j, k, lo, hi, [&](auto a) { take_arrivals(histories_[projs_[j].group], j, k, lo, hi, a); });
  for (std::uint32_t j : plan_.into[pi]) {
    const projection_data& p = net_->projections[j];
    projection_state& ps = projs_[j];
    float* dst = p.kernel.type == kernel_type::voltage_jump ? s.vars[0].data() : s.channels[p.channel].data();
    if (ps.group >= 0) {
      kernel_history& h = histories_[ps.group];
      if (h.group->leader == j) sampled_current(h, k, lo, hi, dst);
      continue;
    }
    with_arrivals(t, j, k, lo, hi, [&](auto a) { add_current(p, ps, lo, hi, a, dst); });
  }
}

// What ends step k for population pi's plastic synapses into this thread's neurons [lo, hi)
// once every spike before k has been delivered (advance() runs it at the end of an epoch,
// step by step): the 2006 rule changes the weights at the end of each interval; then the
// weights are sampled (with dendritic delays, with what they are owed by then).
void cpu_engine::after_step(int t, std::uint32_t pi, std::uint64_t k, recorder& rec) {
  population_state& pop = pops_[pi];
  const std::uint32_t lo = pop.bounds[t], hi = pop.bounds[t + 1];
  for_plastic_into(pi, [&](projection_data& p, plastic_state& ps, const plastic_plan& plan) {
    const plasticity_args& r = plan.args;
    if (consolidates_after(k, r))
      for (std::uint32_t i = lo; i < hi; ++i)
        for (std::uint64_t q = plan.in_ptr[i]; q < plan.in_ptr[i + 1]; ++q)
          consolidate(p.synapses[plan.in_syn[q]].weight, ps.sd_of(plan.in_syn[q]), r);
  });
  if (rec.active() && lo < hi)
    rec.sample_weights(pi, k, lo, hi, [&](std::uint32_t j, std::uint64_t at) { return weight_now(j, at, k); });
}

failure cpu_engine::update_population(int t, std::uint32_t pi, std::uint64_t k, std::uint64_t k0,
                                      const std::vector<stream_view>& streams, recorder& rec) {
  const population_data& pop = net_->populations[pi];
  population_state& s = pops_[pi];
  const std::uint32_t lo = s.bounds[t], hi = s.bounds[t + 1];
  failure fail;
  if (lo == hi) return fail;
  const std::size_t mine = std::size_t(t) * pops_.size() + pi;  // this thread's spike lists
  std::uint32_t bad = 0;
  with_model(pop.model, s.constants, [&](auto m, auto stepper, const auto& c) {
    using M = decltype(m);
    for (auto& ch : s.channels) std::fill(ch.begin() + lo, ch.begin() + hi, 0.0f);
    if (!s.channels.empty()) add_inputs(pi, k, lo, hi, streams, false);
    if constexpr (M::resets)
      if (k > 0) reset<M>(s, c, spikes_of_step(k - 1)[mine]);
    if (s.jump_inputs) add_inputs(pi, k, lo, hi, streams, true);
    add_synaptic_input(t, pi, k, lo, hi);
    step_context ctx;
    ctx.k = k, ctx.population = pi, ctx.rng = counter_rng(net_->seed);
    ctx.table_ptr = pop.table_ptr.data(), ctx.table_steps = pop.table_steps.data();
    if (s.uniform)
      bad = integrate<M, decltype(stepper), true>(s, c, ctx, lo, hi);
    else
      bad = integrate<M, decltype(stepper), false>(s, c, ctx, lo, hi);
  });
  std::vector<std::uint32_t>& out = spikes_of_step(k)[mine];
  out.clear();
  const std::uint8_t* spiked = s.spiked.data();
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
  if (s.history > 0) s.recent[std::size_t(t) * s.history + k % s.history] = out;
  potentiate_at_spikes(pi, k, k0, out);
  if (rec.active()) {
    for (std::uint32_t i : out) rec.spike(t, pi, static_cast<std::int64_t>(k), static_cast<std::int32_t>(i));
    rec.sample(pi, k, lo, hi, [&](int var) { return s.variable(var).data(); });
  }
  if (bad)
    for (std::uint32_t i = lo; i < hi; ++i)
      for (const std::vector<float>& x : s.vars)
        if (!finite(x[i])) return failure{k, pi, i};
  return fail;
}

}  // namespace SNN_CPU_NS
}  // namespace snn
