#pragma once
// Recording during a run: spikes per thread (merged in (step, id) order at the end) and
// traces preallocated for the whole run, each thread writing its own neurons.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine.hpp"
#include "snn/simulation.hpp"

namespace snn {

struct trace_buffer {
  std::uint32_t population = 0;  // weight traces: the projection's target population
  int var = 0;  // the model's variable index (state variables, then channels); -1: weights
  std::int64_t projection = -1;        // weight traces: the projection, and per column the
  std::vector<std::uint64_t> storage;  // weight's storage index (neurons: its target neuron)
  std::vector<std::int64_t> synapse_ids;  // weight traces: the columns' synapse indices
  bool all = true;
  std::vector<std::int32_t> neurons;  // columns
  std::uint64_t every = 1;
  std::uint64_t first_sample = 0;  // first step sampled
  std::uint64_t samples = 0;       // rows taken so far
  std::vector<float> data;
  /// Samples of the steps before `end`.
  std::uint64_t rows_before(std::uint64_t end) const {
    return end > first_sample ? (end - first_sample - 1) / every + 1 : 0;
  }
  /// Row of step k, or -1 if k is not sampled.
  std::int64_t row(std::uint64_t k) const {
    return k < first_sample || (k - first_sample) % every ? -1
                                                          : std::int64_t((k - first_sample) / every);
  }
};

class recorder {
 public:
  void begin(const network_data& net, std::uint64_t first_step, std::uint64_t max_steps,
             const std::vector<trace_request>& requests, int threads);
  void spike(int thread, std::uint32_t population, std::int64_t step, std::int32_t id) {
    auto& b = spikes_[thread * n_pop_ + population];
    b.steps.push_back(step);
    b.ids.push_back(id);
  }
  /// The spikes recorded by one thread for one population, for appending in bulk.
  spike_record& spikes(int thread, std::uint32_t population) { return spikes_[thread * n_pop_ + population]; }
  /// Traces of one population.
  const std::vector<std::uint32_t>& traces_of(std::uint32_t population) const { return by_pop_[population]; }
  trace_buffer& trace(std::uint32_t i) { return traces_[i]; }
  /// Samples step k of the weight traces of projections into population pi, for the
  /// synapses into neurons [lo, hi); weight(projection, storage index) gives a weight.
  template <class Weight>
  void sample_weights(std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi, Weight&& weight) {
    for (std::uint32_t ti : by_pop_[pi]) {
      trace_buffer& tb = traces_[ti];
      const std::int64_t row = tb.row(k);
      if (row < 0 || tb.var >= 0) continue;
      float* dst = tb.data.data() + std::uint64_t(row) * tb.neurons.size();
      for (std::size_t c = 0; c < tb.neurons.size(); ++c) {
        const auto i = static_cast<std::uint32_t>(tb.neurons[c]);
        if (i >= lo && i < hi) dst[c] = weight(static_cast<std::uint32_t>(tb.projection), tb.storage[c]);
      }
    }
  }
  /// Samples step k of population pi's traces for neurons [lo, hi); array(var) gives the
  /// values of the model's variable var, indexed by neuron.
  template <class Array>
  void sample(std::uint32_t pi, std::uint64_t k, std::uint32_t lo, std::uint32_t hi, Array&& array) {
    for (std::uint32_t ti : by_pop_[pi]) {
      trace_buffer& tb = traces_[ti];
      const std::int64_t row = tb.row(k);
      if (row < 0 || tb.var < 0) continue;
      const float* src = array(tb.var);
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
  std::size_t trace_count() const { return traces_.size(); }
  run_result finish(std::uint64_t steps_done, double dt);
  bool active() const { return active_; }

 private:
  bool active_ = false;
  std::uint64_t first_step_ = 0;
  std::size_t n_pop_ = 0;
  int threads_ = 1;
  std::vector<spike_record> spikes_;  // [thread * n_pop + pop]
  std::vector<trace_buffer> traces_;
  std::vector<std::vector<std::uint32_t>> by_pop_;
  std::vector<std::string> requested_vars_;
};

}  // namespace snn
