#include "engine_plan.hpp"

#include <cstring>

namespace snn {

engine_plan make_plan(const network_data& net) {
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
  }
  return plan;
}

}  // namespace snn
