#include "recorder.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "connectivity.hpp"
#include "system.hpp"

namespace snn {

namespace {

// The first sampled step of a run from first_step of max_steps, and the rows it fills.
void schedule(trace_buffer& t, std::uint64_t first_step, std::uint64_t max_steps) {
  // The first step k >= first_step with k % every == 0 (none: beyond every step there is).
  const std::uint64_t gap = (t.every - first_step % t.every) % t.every;
  t.first_sample = gap > ~first_step ? ~std::uint64_t(0) : first_step + gap;
  t.samples = t.rows_before(first_step + max_steps);
}

// A trace of a projection's weights: a column per synapse (listing index), sampled by the
// thread of the synapse's target.
trace_buffer weight_buffer(const network_data& net, const trace_request& r, std::uint64_t first_step,
                           std::uint64_t max_steps) {
  if (static_cast<std::uint64_t>(r.projection) >= net.projections.size())
    config_fail("record: projection index ", r.projection, " out of range (", net.projections.size(),
                " projections)");
  const projection_data& p = net.projections[r.projection];
  const std::string who = cat("record the weights of projection '", p.label, "'");
  if (r.every < 1) config_fail(who, ": 'every' must be >= 1 step, got ", r.every);
  trace_buffer t;
  t.population = p.post, t.var = -1, t.projection = r.projection, t.every = r.every, t.all = false;
  std::vector<std::uint64_t> storage;
  std::vector<std::int32_t> post;
  for_each_synapse(p, net.populations[p.pre].n, net.populations[p.post].n,
                   [&](std::uint32_t, std::uint32_t j, std::uint64_t at, std::uint32_t) {
                     storage.push_back(at), post.push_back(static_cast<std::int32_t>(j));
                   });
  std::vector<std::int64_t> pick = r.neurons;
  if (pick.empty())
    for (std::uint64_t s = 0; s < storage.size(); ++s) pick.push_back(static_cast<std::int64_t>(s));
  for (std::int64_t s : pick) {
    if (s < 0 || static_cast<std::uint64_t>(s) >= storage.size())
      config_fail(who, ": synapse index ", s, " is out of range [0, ", storage.size(), ")");
    t.storage.push_back(storage[s]), t.neurons.push_back(post[s]);
  }
  t.synapse_ids = std::move(pick);
  schedule(t, first_step, max_steps);
  return t;
}

int parse_var(const std::string& who, const model_desc& m, const std::string& name) {
  const int var = variable_index(m, name);
  if (var < 0)
    config_fail(who, ": model '", m.name, "' has no variable '", name, "' to record (its variables: ",
                variable_names(m), ")");
  return var;
}
}  // namespace

void recorder::begin(const network_data& net, std::uint64_t first_step, std::uint64_t max_steps,
                     const std::vector<trace_request>& requests, int threads) {
  n_pop_ = net.populations.size();
  threads_ = threads;
  first_step_ = first_step;
  std::vector<trace_buffer> traces;
  double bytes = 0;
  for (const trace_request& r : requests) {
    if (r.projection >= 0) {
      traces.push_back(weight_buffer(net, r, first_step, max_steps));
      bytes += 4.0 * traces.back().samples * traces.back().neurons.size() + 8.0 * traces.back().samples;
      continue;
    }
    if (r.population >= n_pop_)
      config_fail("record: population index ", r.population, " out of range (", n_pop_,
                  " populations)");
    const population_data& pop = net.populations[r.population];
    const std::string who = cat("record on population '", pop.label, "'");
    trace_buffer t;
    t.population = static_cast<std::uint32_t>(r.population);
    t.var = parse_var(who, pop.desc(), r.variable);
    if (r.every < 1) config_fail(who, ": 'every' must be >= 1 step, got ", r.every);
    t.every = r.every;
    t.all = r.neurons.empty();
    for (std::int64_t i : r.neurons) {
      if (i < 0 || i >= pop.n)
        config_fail(who, ": neuron index ", i, " is out of range [0, ", pop.n, ")");
      t.neurons.push_back(static_cast<std::int32_t>(i));
    }
    if (t.all) {
      t.neurons.resize(pop.n);
      std::iota(t.neurons.begin(), t.neurons.end(), 0);
    }
    schedule(t, first_step, max_steps);
    bytes += 4.0 * t.samples * t.neurons.size() + 8.0 * t.samples;
    traces.push_back(std::move(t));
  }
  check_memory("recording", bytes);
  for (auto& t : traces) t.data.assign(t.samples * t.neurons.size(), 0.0f), t.samples = 0;
  traces_ = std::move(traces);
  requested_vars_.clear();
  for (const trace_request& r : requests) requested_vars_.push_back(r.variable);
  by_pop_.assign(n_pop_, {});
  for (std::uint32_t i = 0; i < traces_.size(); ++i) by_pop_[traces_[i].population].push_back(i);
  spikes_.assign(static_cast<std::size_t>(threads) * n_pop_, {});
  active_ = true;
}

run_result recorder::finish(std::uint64_t steps_done, double dt) {
  run_result out;
  out.first_step = first_step_;
  out.steps = steps_done;
  out.dt = dt;
  out.spikes.resize(n_pop_);
  for (std::size_t p = 0; p < n_pop_; ++p) {
    spike_record& r = out.spikes[p];
    if (threads_ == 1) {
      r = std::move(spikes_[p]);
    } else {
      // Each thread holds its own neuron range (thread t's below thread t+1's) in step order:
      // per step, the threads' spikes in thread order are in (step, id) order.
      std::vector<std::size_t> at(threads_, 0);
      std::size_t total = 0;
      for (int t = 0; t < threads_; ++t) total += spikes_[t * n_pop_ + p].steps.size();
      r.steps.reserve(total);
      r.ids.reserve(total);
      while (r.steps.size() < total) {
        std::int64_t step = std::numeric_limits<std::int64_t>::max();
        for (int t = 0; t < threads_; ++t) {
          const spike_record& s = spikes_[t * n_pop_ + p];
          if (at[t] < s.steps.size()) step = std::min(step, s.steps[at[t]]);
        }
        for (int t = 0; t < threads_; ++t) {
          const spike_record& s = spikes_[t * n_pop_ + p];
          for (std::size_t& i = at[t]; i < s.steps.size() && s.steps[i] == step; ++i)
            r.steps.push_back(step), r.ids.push_back(s.ids[i]);
        }
      }
    }
    // Threads that ran on past a failing step within an epoch: their spikes after the end.
    const auto cut = std::lower_bound(r.steps.begin(), r.steps.end(),
                                      static_cast<std::int64_t>(first_step_ + steps_done)) - r.steps.begin();
    r.steps.resize(static_cast<std::size_t>(cut)), r.ids.resize(static_cast<std::size_t>(cut));
    r.times.resize(r.steps.size());
    for (std::size_t i = 0; i < r.steps.size(); ++i) r.times[i] = static_cast<double>(r.steps[i]) * dt;
  }
  for (trace_buffer& t : traces_) {
    trace_record r;
    r.population = t.population;
    r.variable = t.var < 0 ? "weight" : requested_vars_[&t - traces_.data()];
    r.projection = t.projection;
    r.neurons = std::move(t.neurons);
    if (t.var < 0) r.neurons.assign(t.synapse_ids.begin(), t.synapse_ids.end());
    const std::uint64_t rows = t.rows_before(first_step_ + steps_done);
    r.steps.resize(rows);
    for (std::uint64_t i = 0; i < rows; ++i) r.steps[i] = static_cast<std::int64_t>(t.first_sample + i * t.every);
    t.data.resize(rows * r.neurons.size());
    r.data = std::move(t.data);
    out.traces.push_back(std::move(r));
  }
  spikes_.clear();
  traces_.clear();
  by_pop_.clear();
  active_ = false;
  return out;
}

}  // namespace snn
