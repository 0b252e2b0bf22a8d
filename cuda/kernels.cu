// Kernels of the CUDA engine and their launchers. One step is: delivery of the previous
// step's spikes (one launch per projection), the neuron update (one per population), the
// ordered compaction of the new spikes (one per population) and the trace samples (one).
// The arithmetic is the CPU engine's (docs/numerics.md), through the shared headers:
// synaptic input sums as int64 fixed point (integer atomics: exact, order independent),
// float32 state, no FMA contraction (--fmad=false).
#include "cuda_check.hpp"
#include "input_math.hpp"
#include "kernels.hpp"
#include "models/registry.hpp"
#include "plan.hpp"
#include "random.hpp"
#include "snn/network.hpp"
#include "synapse_math.hpp"

namespace snn {
namespace cuda {
namespace {

constexpr std::uint32_t warps_per_block = block_size / 32;

__device__ __forceinline__ std::uint32_t position(const step_control* ctl, std::uint32_t pos) {
  return ctl->base + pos;
}

/// True once an earlier position of this chunk has failed: the rest of the chunk is void.
__device__ __forceinline__ bool stopped(const step_control* ctl, std::uint32_t q) {
  return (ctl->fail >> 48) < q;
}

/// The spike list of the step before position q.
__device__ __forceinline__ void previous_list(const spike_lists& s, std::uint32_t q,
                                              const std::uint32_t*& ids, std::uint32_t& count) {
  if (q == 0) {
    ids = s.prev;
    count = *s.prev_count;
  } else {
    const std::uint32_t b = s.offsets[q - 1];
    ids = s.ids + b;
    count = s.offsets[q] - b;
  }
}

__device__ __forceinline__ std::uint32_t warp_sum(std::uint32_t x) {
  for (int o = 16; o > 0; o /= 2) x += __shfl_down_sync(0xFFFFFFFFu, x, o);
  return x;
}

/// Noise of input `in` for neuron i at step k: lane i % 4 of its Philox block
/// (docs/numerics.md).
__device__ __forceinline__ float noise_normal(std::uint64_t seed, std::uint32_t population,
                                              std::uint32_t in, std::uint64_t k, std::uint32_t i) {
  const counter_rng rng(seed);
  return normal_lane(philox4x32(noise_counter(i / 4, k, in, population), rng.k0, rng.k1), i % 4);
}

/// The Poisson count of input x for neuron i at step k: word i % 4 of its Philox block.
__device__ __forceinline__ std::uint32_t poisson_draw(const input_args& x, std::uint64_t seed,
                                                     std::uint32_t population, std::uint64_t k, std::uint32_t i) {
  const counter_rng rng(seed);
  const u32x4 w = philox4x32(poisson_counter(i / 4, k, x.index, population), rng.k0, rng.k1);
  return poisson_count(w.x[i % 4], x.thresholds, x.n_thresholds);
}

/// The pulses of this step of every pulses input of p, counted per neuron in `hits`
/// (threads t, t + nt, ... of the step's pulses).
__device__ void draw_pulses(const population_args& p, std::uint64_t k, std::uint32_t t, std::uint32_t nt) {
  const counter_rng rng(p.seed);
  for (std::uint32_t in = 0; in < p.n_inputs; ++in) {
    const input_args& x = p.inputs[in];
    if (x.kind != input_kind::pulses) continue;
    const std::uint32_t count = pulse_count(rng, x.per_step, k, x.index, p.index);
    for (std::uint32_t j = t; j < count; j += nt)
      atomicAdd(x.hits + pulse_target(rng, p.n, k, x.index, p.index, j), 1u);
  }
}

/// The list of step k in a spike history (k within its last `steps` steps).
__device__ __forceinline__ void history_list(const spike_history& h, std::uint64_t k, const std::uint32_t*& ids,
                                             std::uint32_t& count) {
  const std::uint64_t slot = k % h.steps;
  ids = h.ids + slot * h.n;
  count = h.count[slot];
}

// A synapse of a dendritic-delay plastic projection when its pre spike of step k_pre is
// delivered (the CPU engine's depress_at_spike): depressed with its post trace, the spike
// into its pre trace.
__device__ __forceinline__ void depress_at_spike(const plastic_args& pl, std::int32_t& w, std::uint64_t s,
                                                 std::uint64_t k_pre) {
  const plasticity_args& r = pl.rule;
  float unused = 0.0f;
  depress(w, pl.sd ? pl.sd[s] : unused, trace_value(pl.y[s], pl.yk[s], k_pre, r.c_minus, r, false), r);
  trace_spike(pl.x[s], pl.xk[s], k_pre, r.c_plus, r);
}

// The synapses with delay code `code` of a row sorted by key: [b, e) (binary search).
__device__ __forceinline__ void run_of_delay(const device_synapse* syn, std::uint64_t& b, std::uint64_t& e,
                                             std::uint32_t code, std::uint32_t post_bits) {
  std::uint64_t lo = b, hi = e;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if ((syn[mid].key >> post_bits) < code) lo = mid + 1; else hi = mid;
  }
  std::uint64_t top = lo;
  hi = e;
  while (top < hi) {
    const std::uint64_t mid = top + (hi - top) / 2;
    if ((syn[mid].key >> post_bits) <= code) top = mid + 1; else hi = mid;
  }
  b = lo, e = top;
}

// An axonal-delay plastic projection's arrivals of step k (the CPU engine's drain_plastic):
// the spikes of step k - d for every delay d, each synapse of delay d depressed with its
// target's trace, the arrival into its pre trace, its weight into this step's ring slot.
// Warps `warp`, `warp + n_warps`, ... of each list.
__device__ void arrive_plastic(const projection_args& p, std::uint64_t k, std::uint32_t warp, std::uint32_t n_warps) {
  const plastic_args& pl = p.pl;
  const plasticity_args& r = pl.rule;
  const std::uint32_t lane = threadIdx.x % 32;
  const std::uint64_t post_mask = (std::uint64_t(1) << p.post_bits) - 1;
  float unused = 0.0f;
  for (std::uint32_t d = p.d_min; d <= pl.d_max && d <= k; ++d) {
    const std::uint32_t* ids;
    std::uint32_t count;
    history_list(pl.pre, k - d, ids, count);
    for (std::uint32_t s = warp; s < count; s += n_warps) {
      std::uint64_t b = p.row_ptr[ids[s]], e = p.row_ptr[ids[s] + 1];
      run_of_delay(p.synapses, b, e, d - p.d_min, p.post_bits);
      for (std::uint64_t j = b + lane; j < e; j += 32) {
        device_synapse& syn = p.synapses[j];
        const std::uint32_t post = static_cast<std::uint32_t>(syn.key & post_mask);
        depress(syn.weight, pl.sd ? pl.sd[j] : unused, trace_value(pl.y[post], pl.yk[post], k, r.c_minus, r, false), r);
        trace_spike(pl.x[j], pl.xk[j], k, r.c_plus, r);
        atomicAdd(p.ring + (k % p.slots) * p.n_post + post,
                  static_cast<unsigned long long>(static_cast<long long>(syn.weight)));
      }
    }
  }
}

// Potentiation at the end of step k (the CPU engine's potentiate_after): dendritic delays,
// the post spikes of step k - d reach the synapses of delay d into their neurons; axonal,
// the post spikes of step k potentiate every synapse into their neurons. Warps over spikes.
__device__ void potentiate_plastic(const projection_args& p, std::uint64_t k, std::uint32_t warp, std::uint32_t n_warps) {
  const plastic_args& pl = p.pl;
  const plasticity_args& r = pl.rule;
  const std::uint32_t lane = threadIdx.x % 32;
  float unused = 0.0f;
  auto potentiate_synapse = [&](std::uint32_t s) {
    potentiate(p.synapses[s].weight, pl.sd ? pl.sd[s] : unused, trace_value(pl.x[s], pl.xk[s], k, r.c_plus, r, true), r);
  };
  const std::uint32_t d_lo = r.dendritic ? p.d_min : 0, d_hi = r.dendritic ? pl.d_max : 0;
  for (std::uint32_t d = d_lo; d <= d_hi && d <= k; ++d) {
    const std::uint32_t* ids;
    std::uint32_t count;
    history_list(pl.post, k - d, ids, count);
    for (std::uint32_t s = warp; s < count; s += n_warps) {
      const std::uint32_t i = ids[s];
      std::uint64_t b = pl.in_ptr[i], e = pl.in_ptr[i + 1];
      if (r.dendritic) {  // the run of delay d
        std::uint64_t lo = b, hi = e;
        while (lo < hi) {
          const std::uint64_t mid = lo + (hi - lo) / 2;
          if (pl.in_delay[mid] < d) lo = mid + 1; else hi = mid;
        }
        b = lo;
        for (e = b; e < pl.in_ptr[i + 1] && pl.in_delay[e] == d;) ++e;
      }
      for (std::uint64_t q = b + lane; q < e; q += 32) {
        potentiate_synapse(pl.in_syn[q]);
        if (r.dendritic) trace_spike(pl.y[pl.in_syn[q]], pl.yk[pl.in_syn[q]], k, r.c_minus, r);
      }
      if (!r.dendritic && lane == 0) trace_spike(pl.y[i], pl.yk[i], k, r.c_minus, r);
    }
  }
}

// The 2006 rule's change at the end of an interval, synapses t, t + nt, ...
__device__ void consolidate_plastic(const projection_args& p, std::uint64_t k, std::uint64_t t, std::uint64_t nt) {
  if (!consolidates_after(k, p.pl.rule)) return;
  for (std::uint64_t s = t; s < p.pl.n_synapses; s += nt) consolidate(p.synapses[s].weight, p.pl.sd[s], p.pl.rule);
}

// This step's spike list into the population's history (threads t, t + nt, ...).
__device__ void record_history(const population_args& p, std::uint32_t q, std::uint64_t k, std::uint32_t t,
                               std::uint32_t nt) {
  const std::uint32_t b = p.spikes.offsets[q], count = p.spikes.offsets[q + 1] - b;
  std::uint32_t* out = p.history.ids + (k % p.history.steps) * p.history.n;
  for (std::uint32_t i = t; i < count; i += nt) out[i] = p.spikes.ids[b + i];
  if (t == 0) p.history.count[k % p.history.steps] = count;
}

// One warp per spike walks its row; each synapse adds its weight to the ring slot of its
// arrival step with a 64-bit integer atomic (two's complement: exact for negative weights).
// Warps `warp`, `warp + n_warps`, ... of the spike list.
__device__ void deliver_rows(const projection_args& p, std::uint32_t q, std::uint64_t k,
                             std::uint32_t warp, std::uint32_t n_warps) {
  const std::uint32_t* ids;
  std::uint32_t count;
  previous_list(p.source, q, ids, count);
  const std::uint32_t lane = threadIdx.x % 32;
  const std::uint64_t post_mask = (std::uint64_t(1) << p.post_bits) - 1;
  for (std::uint32_t s = warp; s < count; s += n_warps) {
    const std::uint32_t pre = ids[s];
    const std::uint64_t end = p.row_ptr[pre + 1];
    for (std::uint64_t j = p.row_ptr[pre] + lane; j < end; j += 32) {
      if (p.plastic) depress_at_spike(p.pl, p.synapses[j].weight, j, k - 1);  // dendritic: at once
      const device_synapse syn = p.synapses[j];
      const auto code = static_cast<std::uint32_t>(std::uint64_t(syn.key) >> p.post_bits);
      const std::uint32_t slot = arrival_slot(k, p.d_min, code, p.slots);
      const std::uint64_t post = syn.key & post_mask;
      atomicAdd(p.ring + std::uint64_t(slot) * p.n_post + post,
                static_cast<unsigned long long>(static_cast<long long>(syn.weight)));
    }
  }
}

// One thread per target column j: the sum over this step's spikes, added to the one slot of
// the projection's delay (only this projection writes its ring).
__device__ void deliver_column(const projection_args& p, std::uint32_t q, std::uint64_t k,
                               std::uint32_t j) {
  const std::uint32_t* ids;
  std::uint32_t count;
  previous_list(p.source, q, ids, count);
  if (count == 0) return;
  long long acc = 0;
  for (std::uint32_t s = 0; s < count; ++s) acc += p.weights[std::uint64_t(ids[s]) * p.n_post + j];
  const std::uint32_t slot = arrival_slot(k, p.d_min, 0, p.slots);
  p.ring[std::uint64_t(slot) * p.n_post + j] += static_cast<unsigned long long>(acc);
}

__global__ void deliver_sparse(projection_args p, const step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  const std::uint64_t k = ctl->first + q;
  const std::uint32_t warp = (blockIdx.x * blockDim.x + threadIdx.x) / 32, n_warps = gridDim.x * blockDim.x / 32;
  if (p.plastic && !p.pl.rule.dendritic)
    arrive_plastic(p, k, warp, n_warps);
  else if (k > 0)
    deliver_rows(p, q, k, warp, n_warps);
}

__global__ void history_kernel(population_args p, const step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  record_history(p, q, ctl->first + q, blockIdx.x * blockDim.x + threadIdx.x, gridDim.x * blockDim.x);
}

__global__ void potentiate_kernel(projection_args p, const step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  potentiate_plastic(p, ctl->first + q, (blockIdx.x * blockDim.x + threadIdx.x) / 32, gridDim.x * blockDim.x / 32);
}

__global__ void consolidate_kernel(projection_args p, const step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  consolidate_plastic(p, ctl->first + q, blockIdx.x * blockDim.x + threadIdx.x, std::uint64_t(gridDim.x) * blockDim.x);
}

__global__ void deliver_dense(projection_args p, const step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  const std::uint64_t k = ctl->first + q;
  const std::uint32_t j = blockIdx.x * blockDim.x + threadIdx.x;
  if (k > 0 && j < p.n_post) deliver_column(p, q, k, j);
}

// The fixed-point arrivals of projection x for neuron i at step k, as float32; the ring
// cell is cleared for its next use.
__device__ __forceinline__ float take_arrival(const arrival_args& x, std::uint32_t n, std::uint64_t k,
                                             std::uint32_t i) {
  unsigned long long* cell = x.ring + (k % x.slots) * n + i;
  const auto fixed = static_cast<std::int64_t>(*cell);
  *cell = 0;
  return fixed_to_float(fixed, x.inv_scale);
}

// Sampled kernels first take this step's arrivals into their shared histories, in
// projection order: h[k] = a_leader, then h[k] = h[k] + a_j for the others.
__device__ __forceinline__ void take_sampled_arrival(const arrival_args& x, std::uint32_t n,
                                                     std::uint64_t k, std::uint32_t i) {
  float* h = x.hist + (k % x.samples) * n + i;
  const float a = take_arrival(x, n, k, i);
  *h = x.leader ? a : *h + a;
}

// cur = float32(sum_m double(kappa[m]) * double(h[k - m])), summed for m = 0, 1, ...
__device__ __forceinline__ float sampled_current(const arrival_args& x, std::uint32_t n, std::uint64_t k,
                                                 std::uint32_t i) {
  double acc = 0.0;
  sampled_window<1>(&acc, x.kappa, x.samples, static_cast<std::uint32_t>(k % x.samples), x.hist + i, n);
  return static_cast<float>(acc);
}

// Synaptic input of projection `x` for neuron i at step k, in the CPU engine's order and
// rounding, into its channel of `in` (voltage jumps: into v). A sampled kernel's group adds
// its current at its leader.
__device__ __forceinline__ void add_arrival(const arrival_args& x, std::uint32_t n, std::uint64_t k,
                                            std::uint32_t i, float* in, float& v) {
  with_kernel(static_cast<kernel_type>(x.kernel), [&](auto tag) {
    constexpr kernel_type K = decltype(tag)::type;
    const kernel_constants kc{x.q, x.c};
    if constexpr (K == kernel_type::voltage_jump)
      v = v + take_arrival(x, n, k, i);
    else if constexpr (K == kernel_type::sampled)
      in[x.channel] = x.leader ? in[x.channel] + sampled_current(x, n, k, i) : in[x.channel];
    else
      in[x.channel] = in[x.channel] + kernel_current<K>(x.s0 ? x.s0 + i : nullptr, x.s1 ? x.s1 + i : nullptr,
                                                         take_arrival(x, n, k, i), kc);
  });
}

// The value input x adds for neuron i at step q (chunk position) = k.
__device__ __forceinline__ float input_value(const population_args& p, const input_args& x, std::uint32_t q,
                                             std::uint64_t k, std::uint32_t i) {
  switch (x.kind) {
    case input_kind::constant: return x.mean[x.per_neuron_mean ? i : 0];
    case input_kind::noise:
      return noise_value(x.mean[x.per_neuron_mean ? i : 0], x.std[x.per_neuron_std ? i : 0],
                         noise_normal(p.seed, p.index, x.index, k, i));
    case input_kind::poisson: return poisson_value(poisson_draw(x, p.seed, p.index, k, i), x.mean[0]);
    case input_kind::stream: return x.stream[std::uint64_t(q) * p.n + i];
    case input_kind::pulses: break;
  }
  return 0.0f;
}

// dst += each input onto `to_v` (0: the current, 1: v), in the order the inputs were added.
__device__ __forceinline__ void add_inputs(const population_args& p, std::uint32_t q, std::uint64_t k,
                                           std::uint32_t i, std::uint32_t to_v, float& dst) {
  for (std::uint32_t in = 0; in < p.n_inputs; ++in) {
    const input_args& x = p.inputs[in];
    if (x.to_v != to_v) continue;
    if (x.kind == input_kind::pulses) {
      // A neuron hit h times gets the amplitude added h times, as on the CPU.
      for (std::uint32_t h = x.hits[i]; h > 0; --h) dst = dst + x.mean[0];
      x.hits[i] = 0;
    } else {
      dst = dst + input_value(p, x, q, k, i);
    }
  }
}

// The step of neuron i of a population of model M (stepper S); returns whether it spiked.
// Records the first NaN/inf in ctl->fail. The CPU engine's order: inputs into the current,
// the reset of last step's spike, inputs onto v, synaptic input, the model's step.
template <class M, class S>
__device__ bool update_neuron(const population_args& p, const typename M::constants& c, step_control* ctl,
                              std::uint32_t q, std::uint64_t k, std::uint32_t i) {
  constexpr int NV = M::n_vars, NP = M::n_params, NC = M::n_channels;
  float x[NV > 0 ? NV : 1], pp[NP > 0 ? NP : 1], in[NC > 0 ? NC : 1];
  for (int j = 0; j < NV; ++j) x[j] = p.vars[j][i];
  for (int j = 0; j < NP; ++j) pp[j] = p.params[j][i];
  for (int j = 0; j < NC; ++j) in[j] = 0.0f;
  if constexpr (NC > 0) add_inputs(p, q, k, i, 0, in[0]);
  if constexpr (M::resets)
    if (p.spiked[i]) M::reset(x, pp, c);
  if constexpr (NV > 0) add_inputs(p, q, k, i, 1, x[0]);
  for (std::uint32_t j = 0; j < p.n_arrivals; ++j)
    if (p.arrivals[j].kernel == static_cast<std::uint32_t>(kernel_type::sampled))
      take_sampled_arrival(p.arrivals[j], p.n, k, i);
  float v_jump = NV > 0 ? x[0] : 0.0f;
  for (std::uint32_t j = 0; j < p.n_arrivals; ++j) add_arrival(p.arrivals[j], p.n, k, i, in, v_jump);
  if constexpr (NV > 0) x[0] = v_jump;
  step_context ctx;
  ctx.k = k, ctx.i = i, ctx.population = p.index, ctx.rng = counter_rng(p.seed);
  ctx.table_ptr = p.table_ptr, ctx.table_steps = p.table_steps;
  const bool spiked = S::step(x, pp, in, c, ctx);
  bool finite = true;
  for (int j = 0; j < NV; ++j) p.vars[j][i] = x[j], finite = finite && isfinite(x[j]);
  for (int j = 0; j < NC; ++j) p.channels[j][i] = in[j];
  p.spiked[i] = spiked;
  if (!finite) atomicMin(&ctl->fail, failure_key(q, p.index, i));
  return spiked;
}

// update_neuron for the population's model, chosen per neuron (the fused kernel, which
// runs every population in one block).
__device__ bool update_any(const population_args& p, step_control* ctl, std::uint32_t q, std::uint64_t k,
                           std::uint32_t i) {
  bool spiked = false;
  with_model(p.model, p.constants, [&](auto m, auto s, const auto& c) {
    spiked = update_neuron<decltype(m), decltype(s)>(p, c, ctl, q, k, i);
  });
  return spiked;
}

__global__ void pulses_kernel(population_args p, const step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  draw_pulses(p, ctl->first + q, blockIdx.x * blockDim.x + threadIdx.x, gridDim.x * blockDim.x);
}

// One thread per neuron of a population of model M, stepper S (instantiated per model by
// launch_update).
template <class M, class S>
__global__ void update_population(population_args p, typename M::constants c, step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  const std::uint64_t k = ctl->first + q;
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  const bool spiked = i < p.n && update_neuron<M, S>(p, c, ctl, q, k, i);
  const int count = __syncthreads_count(spiked);
  if (threadIdx.x == 0) p.block_counts[blockIdx.x] = static_cast<std::uint32_t>(count);
}

/// Writes the neurons of this block's tile whose flag is set, in order, at out[0..) and
/// returns how many (the same value in every thread). `sums` holds one word per warp.
__device__ std::uint32_t write_in_order(bool flag, std::uint32_t i, std::uint32_t* out,
                                        std::uint32_t* sums) {
  const std::uint32_t lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  const std::uint32_t ballot = __ballot_sync(0xFFFFFFFFu, flag);
  __syncthreads();  // sums may still be read from the previous call
  if (lane == 0) sums[warp] = __popc(ballot);
  __syncthreads();
  std::uint32_t within = 0, total = 0;
  for (std::uint32_t w = 0; w < warps; ++w) {
    within += w < warp ? sums[w] : 0;
    total += sums[w];
  }
  if (flag) out[within + __popc(ballot & ((1u << lane) - 1u))] = i;
  return total;
}

// Block b writes its spiking neurons, in order, after those of blocks 0..b-1 (whose counts
// the update left in block_counts): the list comes out sorted without a global sort.
__global__ void compact_spikes(population_args p, const step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  __shared__ std::uint32_t sums[warps_per_block];
  __shared__ std::uint32_t before_block;
  std::uint32_t part = 0;
  for (std::uint32_t b = threadIdx.x; b < blockIdx.x; b += blockDim.x) part += p.block_counts[b];
  part = warp_sum(part);
  if (threadIdx.x % 32 == 0) sums[threadIdx.x / 32] = part;
  __syncthreads();
  if (threadIdx.x == 0) {
    std::uint32_t s = 0;
    for (std::uint32_t w = 0; w < warps_per_block; ++w) s += sums[w];
    before_block = s;
  }
  __syncthreads();
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  const std::uint32_t start = p.spikes.offsets[q] + before_block;
  const std::uint32_t total = write_in_order(i < p.n && p.spiked[i], i, p.spikes.ids + start, sums);
  if (blockIdx.x == gridDim.x - 1 && threadIdx.x == 0) p.spikes.offsets[q + 1] = start + total;
}

// Column g of all traces' columns, at step k of a chunk that began at step `first`.
__device__ void gather_column(const trace_args* t, std::uint32_t n_traces, std::uint32_t g,
                              std::uint64_t first, std::uint64_t k) {
  std::uint32_t ti = 0;
  while (ti + 1 < n_traces && t[ti + 1].first_column <= g) ++ti;
  const trace_args& tr = t[ti];
  if (k < tr.first_sample || (k - tr.first_sample) % tr.every) return;
  const std::uint64_t row =
      (k - tr.first_sample) / tr.every - trace_rows_before(first, tr.first_sample, tr.every);
  const std::uint32_t c = g - tr.first_column;
  tr.out[row * tr.columns + c] =
      tr.synapses ? static_cast<float>(tr.synapses[tr.storage[c]].weight * tr.inv_scale) : tr.src[tr.neurons[c]];
}

__global__ void gather_traces(const trace_args* t, std::uint32_t n_traces, std::uint32_t columns,
                              const step_control* ctl, std::uint32_t pos) {
  const std::uint32_t q = position(ctl, pos);
  if (stopped(ctl, q)) return;
  const std::uint32_t g = blockIdx.x * blockDim.x + threadIdx.x;
  if (g < columns) gather_column(t, n_traces, g, ctl->first, ctl->first + q);
}

// A whole chunk of a small network in one block: the phases of a step separated by
// barriers instead of launches (a step then costs a few microseconds, not a few launches).
__global__ void __launch_bounds__(fused_block_size) run_fused(fused_args f, step_control* ctl, std::uint32_t steps) {
  __shared__ std::uint32_t sums[fused_block_size / 32];
  const std::uint32_t t = threadIdx.x, nt = blockDim.x;
  const std::uint64_t first = ctl->first;
  for (std::uint32_t q = 0; q < steps; ++q) {
    const std::uint64_t k = first + q;
    for (std::uint32_t j = 0; j < f.n_projections; ++j) {
      const projection_args& p = f.projections[j];
      if (p.plastic && !p.pl.rule.dendritic)
        arrive_plastic(p, k, t / 32, nt / 32);
      else if (k > 0 && p.dense)
        for (std::uint32_t c = t; c < p.n_post; c += nt) deliver_column(p, q, k, c);
      else if (k > 0)
        deliver_rows(p, q, k, t / 32, nt / 32);
    }
    for (std::uint32_t pi = 0; pi < f.n_populations; ++pi)
      if (f.populations[pi].has_pulses) draw_pulses(f.populations[pi], k, t, nt);
    __syncthreads();
    for (std::uint32_t pi = 0; pi < f.n_populations; ++pi) {
      const population_args& p = f.populations[pi];
      for (std::uint32_t i = t; i < p.n; i += nt) update_any(p, ctl, q, k, i);
    }
    __syncthreads();
    for (std::uint32_t pi = 0; pi < f.n_populations; ++pi) {
      const population_args& p = f.populations[pi];
      std::uint32_t at = p.spikes.offsets[q];
      for (std::uint32_t tile = 0; tile < p.n; tile += nt) {  // uniform trip count
        const std::uint32_t i = tile + t;
        at += write_in_order(i < p.n && p.spiked[i], i, p.spikes.ids + at, sums);
      }
      if (t == 0) p.spikes.offsets[q + 1] = at;
    }
    __syncthreads();
    for (std::uint32_t pi = 0; pi < f.n_populations; ++pi)
      if (f.populations[pi].history.steps) record_history(f.populations[pi], q, k, t, nt);
    __syncthreads();
    for (std::uint32_t j = 0; j < f.n_projections; ++j)
      if (f.projections[j].plastic) potentiate_plastic(f.projections[j], k, t / 32, nt / 32);
    __syncthreads();
    for (std::uint32_t j = 0; j < f.n_projections; ++j)
      if (f.projections[j].plastic && f.projections[j].pl.rule.izhikevich) consolidate_plastic(f.projections[j], k, t, nt);
    __syncthreads();
    for (std::uint32_t g = t; g < f.n_columns; g += nt) gather_column(f.traces, f.n_traces, g, first, k);
    __syncthreads();
    // This step completed; after a NaN/inf the rest of the chunk is void.
    if (*static_cast<volatile unsigned long long*>(&ctl->fail) != no_failure) break;
  }
}

__global__ void advance_base(step_control* ctl, std::uint32_t steps) { ctl->base += steps; }

__global__ void keep_last(spike_lists s, std::uint32_t q) {
  const std::uint32_t b = s.offsets[q], count = s.offsets[q + 1] - b;
  for (std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x)
    s.prev[i] = s.ids[b + i];
  if (blockIdx.x == 0 && threadIdx.x == 0) *s.prev_count = count;
}

}  // namespace

#define SNN_CUDA_LAUNCHED() SNN_CUDA_CHECK(cudaGetLastError())

void launch_deliver(const projection_args& p, const step_control* ctl, std::uint32_t pos,
                    cudaStream_t stream) {
  if (p.dense)
    deliver_dense<<<neuron_blocks(p.n_post), block_size, 0, stream>>>(p, ctl, pos);
  else
    deliver_sparse<<<p.blocks, block_size, 0, stream>>>(p, ctl, pos);
  SNN_CUDA_LAUNCHED();
}

void launch_history(const population_args& p, const step_control* ctl, std::uint32_t pos, cudaStream_t stream) {
  history_kernel<<<4, block_size, 0, stream>>>(p, ctl, pos);
  SNN_CUDA_LAUNCHED();
}

void launch_plasticity(const projection_args& p, const step_control* ctl, std::uint32_t pos, cudaStream_t stream) {
  potentiate_kernel<<<p.blocks, block_size, 0, stream>>>(p, ctl, pos);
  SNN_CUDA_LAUNCHED();
  if (!p.pl.rule.izhikevich) return;
  const auto blocks = static_cast<std::uint32_t>(std::min<std::uint64_t>(1024, (p.pl.n_synapses + block_size - 1) / block_size + 1));
  consolidate_kernel<<<blocks, block_size, 0, stream>>>(p, ctl, pos);
  SNN_CUDA_LAUNCHED();
}

void launch_pulses(const population_args& p, const step_control* ctl, std::uint32_t pos,
                   cudaStream_t stream) {
  pulses_kernel<<<32, block_size, 0, stream>>>(p, ctl, pos);
  SNN_CUDA_LAUNCHED();
}

void launch_update(const population_args& p, step_control* ctl, std::uint32_t pos,
                   cudaStream_t stream) {
  with_model(p.model, p.constants, [&](auto m, auto s, const auto& c) {
    update_population<decltype(m), decltype(s)><<<neuron_blocks(p.n), block_size, 0, stream>>>(p, c, ctl, pos);
  });
  SNN_CUDA_LAUNCHED();
}

void launch_compact(const population_args& p, const step_control* ctl, std::uint32_t pos,
                    cudaStream_t stream) {
  compact_spikes<<<neuron_blocks(p.n), block_size, 0, stream>>>(p, ctl, pos);
  SNN_CUDA_LAUNCHED();
}

void launch_gather(const trace_args* traces, std::uint32_t n_traces, std::uint32_t columns,
                   const step_control* ctl, std::uint32_t pos, cudaStream_t stream) {
  gather_traces<<<neuron_blocks(columns), block_size, 0, stream>>>(traces, n_traces, columns, ctl, pos);
  SNN_CUDA_LAUNCHED();
}

void launch_fused(const fused_args& f, step_control* ctl, std::uint32_t steps, cudaStream_t stream) {
  run_fused<<<1, fused_block_size, 0, stream>>>(f, ctl, steps);
  SNN_CUDA_LAUNCHED();
}

void launch_advance_base(step_control* ctl, std::uint32_t steps, cudaStream_t stream) {
  advance_base<<<1, 1, 0, stream>>>(ctl, steps);
  SNN_CUDA_LAUNCHED();
}

void launch_keep_last(const spike_lists& lists, std::uint32_t q, std::uint32_t n, cudaStream_t stream) {
  const std::uint32_t blocks = neuron_blocks(n) < 1024 ? neuron_blocks(n) : 1024;
  keep_last<<<blocks, block_size, 0, stream>>>(lists, q);
  SNN_CUDA_LAUNCHED();
}

}  // namespace cuda
}  // namespace snn
