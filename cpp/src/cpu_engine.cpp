// CPU backend. Compiled once per instruction set (SNN_CPU_VARIANT names the factory); the
// arithmetic is identical in each, only the vector width differs.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "engine.hpp"
#include "neuron_math.hpp"
#include "random.hpp"
#include "recorder.hpp"
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

struct projection_state {
  std::uint32_t ring_slots = 1;  // d_max
  std::vector<std::int64_t> ring;  // [slot][post] fixed-point arrivals
  std::vector<float> s0, s1;       // kernel state (exponential: S; alpha: X, Y)
  std::vector<float> hist;         // sampled kernel: [slot][post] arrivals
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
      s.ring_slots = p.d_max;
      s.ring.assign(std::uint64_t(p.d_max) * n, 0);
      if (p.kernel.type == kernel_type::exponential) s.s0.assign(n, 0.0f);
      if (p.kernel.type == kernel_type::alpha) s.s0.assign(n, 0.0f), s.s1.assign(n, 0.0f);
      if (p.kernel.type == kernel_type::sampled) s.hist.assign(p.kernel.samples.size() * n, 0.0f);
      projs_.push_back(std::move(s));
      into_[p.post].push_back(j);
    }
    for (auto& lists : spikes_) lists.resize(std::size_t(nt_) * d.populations.size());
    scratch_.resize(nt_);
  }

  const char* name() const override { return "cpu"; }
  int threads() const override { return nt_; }

  advance_result advance(std::uint64_t first, std::uint64_t n_steps, const stream_table& streams,
                         recorder& rec) override {
    std::atomic<std::uint64_t> fail_step{std::numeric_limits<std::uint64_t>::max()};
    std::vector<failure> failures(nt_);
#pragma omp parallel num_threads(nt_)
    {
      const int t = omp_get_thread_num();
      for (std::uint64_t k = first; k < first + n_steps; ++k) {
        deliver(t, k);
        for (std::uint32_t p = 0; p < pops_.size(); ++p) {
          const failure f = update_population(t, p, k, streams[p], rec);
          if (f.step == k) {
            if (f < failures[t]) failures[t] = f;
            std::uint64_t cur = fail_step.load();
            while (k < cur && !fail_step.compare_exchange_weak(cur, k)) {
            }
          }
        }
#pragma omp barrier
        if (fail_step.load() <= k) break;
      }
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
  // Spikes of step k-1 into the delay rings of this thread's targets.
  void deliver(int t, std::uint64_t k) {
    if (k == 0) return;
    const auto& lists = spikes_[(k - 1) & 1];
    const std::size_t n_pop = pops_.size();
    for (std::uint32_t j = 0; j < projs_.size(); ++j) {
      const projection_data& p = net_->projections[j];
      projection_state& s = projs_[j];
      const std::uint32_t n_post = net_->populations[p.post].n;
      const std::uint32_t lo = pops_[p.post].bounds[t], hi = pops_[p.post].bounds[t + 1];
      if (lo == hi) continue;
      const std::uint32_t R = s.ring_slots;
      const auto base = static_cast<std::uint32_t>(k % R);  // slot of step k
      for (int tt = 0; tt < nt_; ++tt) {
        for (std::uint32_t pre : lists[tt * n_pop + p.pre]) {
          if (p.dense) {
            std::uint32_t slot = base + p.d_min - 1;
            if (slot >= R) slot -= R;
            add_row(s.ring.data() + std::uint64_t(slot) * n_post, p.weights.data() + std::uint64_t(pre) * n_post, lo, hi);
          } else {
            deliver_row(p, s, pre, base, n_post, lo, hi);
          }
        }
      }
    }
  }

  static void add_row(std::int64_t* __restrict ring, const std::int32_t* __restrict w, std::uint32_t lo,
                      std::uint32_t hi) {
    for (std::uint32_t i = lo; i < hi; ++i) ring[i] += w[i];
  }

  void deliver_row(const projection_data& p, projection_state& s, std::uint32_t pre, std::uint32_t base,
                   std::uint32_t n_post, std::uint32_t lo, std::uint32_t hi) const {
    const std::uint32_t* b = p.packed.data() + p.row_ptr[pre];
    const std::uint32_t* e = p.packed.data() + p.row_ptr[pre + 1];
    const std::int32_t* w = p.weights.data() + p.row_ptr[pre];
    if (nt_ > 1) {  // this thread's targets only: rows are sorted by post
      const int sh = p.delay_bits;
      const std::uint32_t* b2 = std::lower_bound(b, e, lo, [sh](std::uint32_t x, std::uint32_t v) { return (x >> sh) < v; });
      const std::uint32_t* e2 = std::lower_bound(b2, e, hi, [sh](std::uint32_t x, std::uint32_t v) { return (x >> sh) < v; });
      w += b2 - b;
      b = b2, e = e2;
    }
    const int sh = p.delay_bits;
    const std::uint32_t mask = (1u << sh) - 1u, R = s.ring_slots;
    const std::uint32_t off = base + p.d_min - 1;
    std::int64_t* ring = s.ring.data();
    for (; b != e; ++b, ++w) {
      const std::uint32_t x = *b;
      std::uint32_t slot = (x & mask) + off;
      if (slot >= R) slot -= R;
      ring[std::uint64_t(slot) * n_post + (x >> sh)] += *w;
    }
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
        add_noise(x, pi, k, lo, hi, I);
      } else {
        const stream_view& sv = streams[in];
        const float* row = sv.data + (k - sv.first_step) * pop.n;
        for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + row[i];
      }
    }

    // Reset the neurons that spiked at step k-1.
    const float* c = pop.c.data();
    const float* dd = pop.d.data();
    for (std::uint32_t i = lo; i < hi; ++i)
      if (spiked[i]) izh_reset(v[i], u[i], c[i], dd[i]);

    // Synaptic input arriving at step k, through each projection's kernel.
    for (std::uint32_t j : into_[pi]) {
      const projection_data& p = d.projections[j];
      projection_state& ps = projs_[j];
      std::int64_t* __restrict a = ps.ring.data() + (k % ps.ring_slots) * pop.n;
      const double inv = p.inv_scale();
      switch (p.kernel.type) {
        case kernel_type::instant:
          for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + fixed_to_float(a[i], inv), a[i] = 0;
          break;
        case kernel_type::voltage_jump:
          for (std::uint32_t i = lo; i < hi; ++i) v[i] = v[i] + fixed_to_float(a[i], inv), a[i] = 0;
          break;
        case kernel_type::exponential: {
          float* S = ps.s0.data();
          const float q = p.kernel.q;
          for (std::uint32_t i = lo; i < hi; ++i)
            I[i] = I[i] + exp_kernel_step(S[i], fixed_to_float(a[i], inv), q), a[i] = 0;
          break;
        }
        case kernel_type::alpha: {
          float* X = ps.s0.data();
          float* Y = ps.s1.data();
          const float q = p.kernel.q, cc = p.kernel.c;
          for (std::uint32_t i = lo; i < hi; ++i)
            I[i] = I[i] + alpha_kernel_step(X[i], Y[i], fixed_to_float(a[i], inv), q, cc), a[i] = 0;
          break;
        }
        case kernel_type::sampled:
          sampled_kernel(p, ps, k, pop.n, lo, hi, a, inv, I);
          break;
      }
    }

    // Integrate, detect spikes.
    const float* A = pop.a.data();
    const float* B = pop.b.data();
    const float dt = static_cast<float>(d.dt);
    const float h = static_cast<float>(d.dt / pop.v_substeps);
    const int sub = pop.v_substeps;
    const float v_peak = pop.v_peak;
    bool bad = false;
    for (std::uint32_t i = lo; i < hi; ++i) {
      spiked[i] = izh_integrate(v[i], u[i], I[i], A[i], B[i], h, dt, sub, v_peak);
      bad |= !(std::isfinite(v[i]) && std::isfinite(u[i]));
    }
    std::vector<std::uint32_t>& out = spikes_[k & 1][t * pops_.size() + pi];
    out.clear();
    for (std::uint32_t i = lo; i < hi; ++i)
      if (spiked[i]) out.push_back(i);
    if (rec.active())
      for (std::uint32_t i : out) rec.spike(t, pi, static_cast<std::int64_t>(k), static_cast<std::int32_t>(i));
    if (rec.active()) record_traces(pi, k, lo, hi, rec);
    if (bad)
      for (std::uint32_t i = lo; i < hi; ++i)
        if (!(std::isfinite(v[i]) && std::isfinite(u[i]))) return failure{k, pi, i};
    return fail;
  }

  void add_noise(const input_data& x, std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi,
                 float* I) const {
    const counter_rng rng(net_->seed);
    const bool per_mean = x.mean.size() > 1, per_std = x.std.size() > 1;
    for (std::uint32_t blk = lo / 4; blk * 4 < hi; ++blk) {
      float z[4];
      normal4(rng(blk, static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32), purpose_noise, pi), z);
      for (std::uint32_t l = 0; l < 4; ++l) {
        const std::uint32_t i = blk * 4 + l;
        if (i < lo || i >= hi) continue;
        const float m = per_mean ? x.mean[i] : x.mean[0], sd = per_std ? x.std[i] : x.std[0];
        I[i] = I[i] + (m + sd * z[l]);
      }
    }
  }

  void sampled_kernel(const projection_data& p, projection_state& ps, std::uint64_t k, std::uint32_t n,
                      std::uint32_t lo, std::uint32_t hi, std::int64_t* a, double inv, float* I) {
    const auto& kappa = p.kernel.samples;
    const std::uint64_t L = kappa.size();
    float* hist = ps.hist.data();
    float* now = hist + (k % L) * n;
    for (std::uint32_t i = lo; i < hi; ++i) now[i] = fixed_to_float(a[i], inv), a[i] = 0;
    std::vector<double>& acc = scratch_[omp_get_thread_num()];
    acc.assign(hi - lo, 0.0);
    for (std::uint64_t m = 0; m < L; ++m) {
      const float* h = hist + ((k + L - m) % L) * n;
      const double km = kappa[m];
      for (std::uint32_t i = lo; i < hi; ++i) acc[i - lo] += km * static_cast<double>(h[i]);
    }
    for (std::uint32_t i = lo; i < hi; ++i) I[i] = I[i] + static_cast<float>(acc[i - lo]);
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
  std::vector<population_state> pops_;
  std::vector<projection_state> projs_;
  std::vector<std::vector<std::uint32_t>> into_;             // projections by target population
  std::vector<std::vector<std::uint32_t>> spikes_[2];        // [step parity][thread * n_pop + pop]
  std::vector<std::vector<double>> scratch_;  // per thread
};

}  // namespace
std::unique_ptr<engine> make_engine(std::shared_ptr<const network_data> net, int threads) {
  return std::make_unique<cpu_engine>(std::move(net), threads);
}
}  // namespace SNN_CAT(cpu_, SNN_CPU_VARIANT)
}  // namespace snn
