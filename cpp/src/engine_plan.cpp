#include "engine_plan.hpp"

#include <cmath>
#include <algorithm>
#include <cstring>

#include "system.hpp"

namespace snn {

namespace {

// The rule's constants and the synapses into each target, as plastic_plan says (in CSR order
// for the CPU engine: each synapse's change depends on its own state only, the order is free).
plastic_plan plan_plasticity(const projection_data& p, std::uint32_t n_post, double dt, bool by_delay) {
  plastic_plan out;
  const plasticity& r = p.rule;
  plasticity_args& a = out.args;
  a.izhikevich = r.type == plasticity_type::izhikevich_2006;
  a.dendritic = r.type == plasticity_type::stdp;  // NEST's convention; the 2006 rule: axonal, as the paper
  a.multiplicative = r.multiplicative;
  a.c_plus = static_cast<float>(dt / r.tau_plus);
  a.c_minus = static_cast<float>(dt / r.tau_minus);
  a.a_plus = r.a_plus, a.a_minus = r.a_minus, a.w_min = r.w_min, a.w_max = r.w_max;
  a.scale = std::ldexp(1.0, p.scale_exp), a.inv_scale = p.inv_scale();
  a.a_plus_q = r.a_plus * a.scale, a.a_minus_q = r.a_minus * a.scale;  // exact: the scale is 2^s
  a.w_min_q = r.w_min * a.scale, a.w_max_q = r.w_max * a.scale;
  a.bias = r.bias;
  a.sd_decay = static_cast<float>(r.sd_decay);
  a.interval = static_cast<std::uint64_t>(std::llround(r.interval / dt));
  if (p.n_synapses > 0xFFFFFFFFull)
    config_fail("projection '", p.label, "': plasticity supports up to 2^32 - 1 synapses per projection, got ",
                p.n_synapses);
  out.in_ptr.assign(n_post + 1ull, 0);
  for (const synapse& s : p.synapses) ++out.in_ptr[p.post_of(s.key) + 1ull];
  for (std::uint32_t j = 0; j < n_post; ++j) out.in_ptr[j + 1] += out.in_ptr[j];
  std::vector<std::uint64_t> at(out.in_ptr.begin(), out.in_ptr.end() - 1);
  const bool pairs = a.dendritic && !by_delay;  // the CPU engine keeps each synapse's source beside it
  (pairs ? out.in_pairs : out.in_syn).resize((pairs ? 2 : 1) * p.n_synapses);
  for (std::uint64_t i = 0; i + 1 < p.row_ptr.size(); ++i)
    for (std::uint64_t s = p.row_ptr[i]; s < p.row_ptr[i + 1]; ++s) {
      const std::uint64_t q = at[p.post_of(p.synapses[s].key)]++;
      if (pairs)
        out.in_pairs[2 * q] = static_cast<std::uint32_t>(s), out.in_pairs[2 * q + 1] = static_cast<std::uint32_t>(i);
      else
        out.in_syn[q] = static_cast<std::uint32_t>(s);
    }
  if (!by_delay) return out;
  auto delay = [&](std::uint32_t s) { return static_cast<std::uint16_t>(p.delay_of(p.synapses[s].key)); };
  for (std::uint32_t j = 0; j < n_post; ++j)
    std::stable_sort(out.in_syn.begin() + static_cast<std::ptrdiff_t>(out.in_ptr[j]),
                     out.in_syn.begin() + static_cast<std::ptrdiff_t>(out.in_ptr[j + 1]),
                     [&](std::uint32_t x, std::uint32_t y) { return delay(x) < delay(y); });
  out.in_delay.resize(p.n_synapses);
  for (std::uint64_t q = 0; q < p.n_synapses; ++q) out.in_delay[q] = delay(out.in_syn[q]);
  return out;
}

}  // namespace

engine_plan make_plan(const network_data& net, bool by_delay) {
  engine_plan plan;
  for (const population_data& p : net.populations) plan.constants.push_back(derive(p.model, p.params, net.dt));
  plan.into.resize(net.populations.size());
  for (std::uint32_t j = 0; j < net.projections.size(); ++j) {
    const projection_data& p = net.projections[j];
    plan.into[p.post].push_back(j);
    std::int32_t group = -1;
    if (p.kernel.type == kernel_type::sampled) {
      const std::vector<float>& kappa = p.kernel.samples;
      for (std::size_t g = 0; g < plan.groups.size() && group < 0; ++g)
        if (plan.groups[g].post == p.post && plan.groups[g].channel == p.channel &&
            plan.groups[g].kappa.size() == kappa.size() &&
            std::memcmp(plan.groups[g].kappa.data(), kappa.data(), kappa.size() * sizeof(float)) == 0)
          group = static_cast<std::int32_t>(g);
      if (group < 0) {
        plan.groups.push_back({p.post, p.channel, j, kappa});
        group = static_cast<std::int32_t>(plan.groups.size() - 1);
      }
    }
    plan.group_of.push_back(group);
    plan.plastic.push_back(p.plastic() ? plan_plasticity(p, net.populations[p.post].n, net.dt, by_delay) : plastic_plan{});
  }
  return plan;
}

}  // namespace snn
