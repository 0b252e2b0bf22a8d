// Populations and their inputs as the engines consume them: parameters checked against the
// model's description, the initial state, spike-source tables, input constants.
#include "populations.hpp"

#include <algorithm>
#include <cmath>

#include "system.hpp"

namespace snn {

neuron_model& neuron_model::set(const std::string& param, values v) {
  for (auto& [name, value] : params)
    if (name == param) {
      value = std::move(v);
      return *this;
    }
  params.emplace_back(param, std::move(v));
  return *this;
}

neuron_model neuron_model::from(const izhikevich& p) {
  neuron_model m{"izhikevich", {{"a", p.a}, {"b", p.b}, {"c", p.c}, {"d", p.d}, {"v0", p.v0}}, {}, {}};
  if (!p.u0.empty()) m.set("u0", p.u0);
  m.set("v_peak", {p.v_peak}).set("v_substeps", {static_cast<float>(p.v_substeps)});
  return m;
}

std::vector<model_info> models() {
  std::vector<model_info> out;
  for (model_id id : all_models()) {
    const model_desc& m = describe(id);
    model_info info{m.name, m.summary, {}, {}, m.n_channels == 0, m.jumps};
    for (int j = 0; j < m.n_params; ++j) {
      const param_desc& p = m.params[j];
      info.parameters.push_back({p.name, p.unit, p.fallback, p.per_neuron, p.optional, p.check == param_check::count});
    }
    for (int j = 0; j < m.n_vars; ++j) info.variables.push_back({m.vars[j].name, m.vars[j].unit, "", true});
    for (int j = 0; j < m.n_channels; ++j) {
      const channel_desc& c = m.channels[j];
      info.variables.push_back({c.name, c.unit, c.receptor ? c.receptor : "", false});
    }
    out.push_back(std::move(info));
  }
  return out;
}

namespace {

std::string known_params(const model_desc& m) {
  std::string out;
  for (int j = 0; j < m.n_params; ++j) out += cat(j ? ", " : "", m.params[j].name);
  return out.empty() ? "none" : out;
}

void check_value(const std::string& who, const param_desc& p, float x, std::size_t i, bool many, double dt) {
  const std::string at = many ? cat(" at neuron ", i) : std::string();
  if (!std::isfinite(x)) config_fail(who, ": parameter '", p.name, "' must be finite, got ", x, at);
  if (p.check == param_check::positive && !(x > 0))
    config_fail(who, ": parameter '", p.name, "' must be > 0 ", p.unit, ", got ", x, at);
  if ((p.check == param_check::nonnegative || p.check == param_check::duration) && !(x >= 0))
    config_fail(who, ": parameter '", p.name, "' must be >= 0 ", p.unit, ", got ", x, at);
  if (p.check == param_check::duration && std::floor(x / dt + 0.5) > 16777216.0)
    config_fail(who, ": parameter '", p.name, "' = ", x, " ", p.unit, " is ", std::floor(x / dt + 0.5),
                " steps of dt = ", dt, " ms, more than the 2^24 = 16777216 steps it may last", at);
  if (p.check == param_check::count && !(x >= 1 && x <= 1000 && x == std::floor(x)))
    config_fail(who, ": parameter '", p.name, "' must be an integer in [1, 1000], got ", x);
}

// One parameter as the population stores it: n values, or 1 for a population-wide one.
std::vector<float> expand_param(const std::string& who, const param_desc& p, const values& v, std::uint32_t n,
                                double dt) {
  if (!p.per_neuron && v.size() != 1)
    config_fail(who, ": parameter '", p.name, "' takes one value for the population, got ", v.size());
  if (v.size() != 1 && v.size() != n)
    config_fail(who, ": parameter '", p.name, "' has ", v.size(), " values, expected 1 or ", n);
  for (std::size_t i = 0; i < v.size(); ++i) check_value(who, p, v[i], i, v.size() > 1, dt);
  return !p.per_neuron || v.size() == n ? v : std::vector<float>(n, v[0]);
}

// Spike times (ms) -> each neuron's sorted steps, round(t / dt) as delays round. A
// neuron's times must increase and fall on distinct steps.
void spike_table(const std::string& who, const neuron_model& m, std::uint32_t n, double dt, population_data& pop) {
  if (m.spike_ids.size() != m.spike_times.size())
    config_fail(who, ": spike sources need one neuron index per spike time, got ", m.spike_ids.size(),
                " indices and ", m.spike_times.size(), " times");
  std::vector<std::pair<std::uint32_t, double>> spikes(m.spike_ids.size());
  for (std::size_t j = 0; j < spikes.size(); ++j) {
    const std::int64_t i = m.spike_ids[j];
    const double t = m.spike_times[j];
    if (i < 0 || i >= n) config_fail(who, ": spike neuron index ", i, " is out of range [0, ", n, ")");
    if (!std::isfinite(t) || t < 0 || t / dt > 9e15)
      config_fail(who, ": spike time of neuron ", i, " must be a finite number >= 0 ms, got ", t);
    spikes[j] = {static_cast<std::uint32_t>(i), t};
  }
  std::stable_sort(spikes.begin(), spikes.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  pop.table_ptr.assign(n + 1ull, 0);
  pop.table_steps.resize(spikes.size());
  for (std::size_t j = 0; j < spikes.size(); ++j) {
    const auto [i, t] = spikes[j];
    pop.table_steps[j] = static_cast<std::uint64_t>(std::floor(t / dt + 0.5));
    if (j > 0 && spikes[j - 1].first == i) {
      if (!(t > spikes[j - 1].second))
        config_fail(who, ": spike times of neuron ", i, " must increase, got ", spikes[j - 1].second, " then ",
                    t, " ms");
      if (pop.table_steps[j] == pop.table_steps[j - 1])
        config_fail(who, ": spike times ", spikes[j - 1].second, " and ", t, " ms of neuron ", i,
                    " fall on the same step (dt = ", dt, " ms)");
    }
    ++pop.table_ptr[i + 1ull];
  }
  for (std::uint32_t i = 0; i < n; ++i) pop.table_ptr[i + 1] += pop.table_ptr[i];
}

// The constants the step derives from the parameters (the model's derive, in blocks of
// neurons to bound the memory) must be finite float32 numbers: parameters that make one
// overflow (LIF's cm = 1e-45 nF gives dt / cm > 3.4e38) fail here, not as a NaN at step 0.
void check_constants(const std::string& who, const population_data& pop, double dt) {
  constexpr std::uint32_t block = 4096;
  param_values part(pop.params.size());
  for (std::uint32_t lo = 0; lo < pop.n; lo += block) {
    const std::uint32_t hi = std::min(pop.n, lo + block);
    for (std::size_t j = 0; j < part.size(); ++j) {
      const std::vector<float>& v = pop.params[j];
      part[j] = v.size() == pop.n ? std::vector<float>(v.begin() + lo, v.begin() + hi) : v;
    }
    for (const std::vector<float>& c : derive(pop.model, part, dt).per_neuron)
      for (std::size_t i = 0; i < c.size(); ++i) {
        if (std::isfinite(c[i])) continue;
        const model_desc& m = pop.desc();
        const std::size_t at = lo + i;
        std::string values;
        for (int j = 0; j < m.n_params; ++j)
          if (!pop.params[j].empty())
            values += cat(values.empty() ? "" : ", ", m.params[j].name, " = ",
                          pop.params[j][pop.params[j].size() == 1 ? 0 : at]);
        config_fail(who, " (", m.name, "), neuron ", at, ": its parameters (", values, ") with dt = ", dt,
                    " ms give a constant of the model's step that is not a finite float32 (", c[i], ")");
      }
  }
}

}  // namespace

double population_bytes(const model_desc& desc, std::uint32_t n, std::size_t n_spikes) {
  return 4.0 * n * (desc.n_params + 2.0 * desc.n_vars + desc.n_channels + 1) + 12.0 * static_cast<double>(n_spikes);
}

population_data build_population(const std::string& who, std::uint32_t n, const neuron_model& m, double dt) {
  population_data pop;
  pop.n = n;
  pop.model = find_model(m.name);
  const model_desc& desc = pop.desc();
  check_memory(who, population_bytes(desc, n, m.spike_times.size()));
  for (const auto& given : m.params) {
    int j = 0;
    while (j < desc.n_params && given.first != desc.params[j].name) ++j;
    if (j == desc.n_params)
      config_fail(who, ": model '", desc.name, "' has no parameter '", given.first, "'; its parameters: ",
                  known_params(desc));
  }
  pop.params.resize(desc.n_params);
  for (int j = 0; j < desc.n_params; ++j) {
    const param_desc& p = desc.params[j];
    auto given = std::find_if(m.params.begin(), m.params.end(), [&](const auto& x) { return x.first == p.name; });
    if (given != m.params.end())
      pop.params[j] = expand_param(who, p, given->second, n, dt);
    else if (!std::isnan(p.fallback))
      pop.params[j] = expand_param(who, p, {static_cast<float>(p.fallback)}, n, dt);
    else if (!p.optional)
      config_fail(who, ": model '", desc.name, "' needs parameter '", p.name, "' (", p.unit, ")");
  }
  if (pop.model == model_id::poisson_source)
    for (std::uint32_t i = 0; i < n; ++i)
      if (pop.params[0][i] * dt > 1000.0)
        config_fail(who, ": parameter 'rate' must be at most 1000/dt = ", 1000.0 / dt,
                    " Hz (one spike per step), got ", pop.params[0][i], " at neuron ", i);
  if (pop.model == model_id::spike_source)
    spike_table(who, m, n, dt, pop);
  else if (!m.spike_times.empty() || !m.spike_ids.empty())
    config_fail(who, ": spike times are for the 'spike_source' model, not '", desc.name, "'");
  pop.init = initial_state(pop.model, pop.params, n);
  check_constants(who, pop, dt);
  return pop;
}

neuron_model population_model(const population_data& pop) {
  const model_desc& desc = pop.desc();
  neuron_model m{desc.name, {}, {}, {}};
  for (int j = 0; j < desc.n_params; ++j) m.params.emplace_back(desc.params[j].name, pop.params[j]);
  return m;
}

namespace {

// One value or n values, all finite; returns them as given (1 or n).
std::vector<float> input_values(const std::string& who, const char* name, const values& v, std::uint32_t n) {
  if (v.size() != 1 && v.size() != n)
    config_fail(who, ": parameter '", name, "' has ", v.size(), " values, expected 1 or ", n);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      config_fail(who, ": parameter '", name, "' must be finite, got ", v[i], v.size() > 1 ? cat(" at neuron ", i) : "");
  return v;
}

// Poisson counts by inversion on a 32-bit word: count = #{j : x0 >= T_j}, T_j =
// ceil(F(j) 2^32) for the Poisson CDF F, up to the first T_j that reaches 2^32.
std::vector<std::uint32_t> poisson_thresholds(double lambda) {
  std::vector<std::uint32_t> t;
  double p = std::exp(-lambda), F = 0.0;
  for (std::uint32_t j = 0;; ++j) {
    F += p;
    const double T = std::ceil(F * 4294967296.0);
    if (T >= 4294967296.0) break;
    t.push_back(static_cast<std::uint32_t>(T));
    p = p * lambda / (j + 1);
  }
  return t;
}

}  // namespace

input_data build_input(const std::string& who, const population_data& pop, const input& in, double dt) {
  const model_desc& m = pop.desc();
  if (m.n_channels == 0)
    config_fail(who, ": population '", pop.label, "' is a spike source (", m.name, "); it takes no input");
  if (in.to_v && !m.jumps)
    config_fail(who, ": model '", m.name, "' takes no voltage jumps; add the input as current");
  input_data data;
  data.type = in.type;
  data.to_v = in.to_v;
  if (in.type == input_type::constant) {
    data.mean = input_values(who, "value", in.mean, pop.n);
  } else if (in.type == input_type::noise) {
    data.mean = input_values(who, "mean", in.mean, pop.n);
    data.std = input_values(who, "std", in.std, pop.n);
    for (float s : data.std)
      if (s < 0) config_fail(who, ": noise 'std' must be >= 0, got ", s);
  } else if (in.type == input_type::pulses || in.type == input_type::poisson) {
    const bool pulses = in.type == input_type::pulses;
    const double most = pulses ? 1000.0 : 100000.0;  // poisson: a mean of at most 100 per step
    if (!(in.rate >= 0) || in.rate * dt > most)
      config_fail(who, ": ", pulses ? "pulse" : "Poisson", " 'rate' must be between 0 and ", most / dt,
                  " Hz at dt = ", dt, " ms, got ", in.rate);
    if (in.mean.size() != 1 || !std::isfinite(in.mean[0]))
      config_fail(who, ": ", pulses ? "pulse 'amplitude'" : "Poisson 'weight'", " must be one finite number");
    data.mean = in.mean;
    data.rate = in.rate;
    if (pulses) data.per_step = static_cast<double>(pop.n) * in.rate * dt / 1000.0;
    if (!pulses) data.thresholds = poisson_thresholds(in.rate * dt / 1000.0);
  }
  return data;
}

}  // namespace snn
