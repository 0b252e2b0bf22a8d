// Distributed runs: the spikes of an epoch between the processes, and the first failure.
#include <chrono>
#include <limits>

#include "cpu_engine.hpp"

namespace snn {
namespace SNN_CPU_NS {

namespace {
std::uint64_t join(const std::uint32_t* w) { return w[0] | std::uint64_t(w[1]) << 32; }
void split(std::uint64_t x, std::vector<std::uint32_t>& out) {
  out.push_back(static_cast<std::uint32_t>(x)), out.push_back(static_cast<std::uint32_t>(x >> 32));
}
}  // namespace

// The spikes of steps [k, k + n), once every thread has integrated them. Each process sends
// the first failing step it saw (two words), then for each step and population the count
// and the ids of its spikes (none after its failure); every process keeps the others' as
// the extra list (nt_) of that step and population, and stops at the first failure of all.
void cpu_engine::exchange(std::uint64_t k, std::uint64_t n, std::atomic<std::uint64_t>& fail_step) {
  const std::size_t n_pop = pops_.size();
  const std::uint64_t fail = fail_step.load();
  message_.clear();
  split(fail, message_);
  for (std::uint64_t s = k; s < k + n; ++s)
    for (std::size_t p = 0; p < n_pop; ++p) {
      const std::size_t at = message_.size();
      message_.push_back(0);
      for (int t = 0; t < nt_ && s <= fail; ++t) {
        const std::vector<std::uint32_t>& l = spikes_of_step(s)[t * n_pop + p];
        message_.insert(message_.end(), l.begin(), l.end());
      }
      message_[at] = static_cast<std::uint32_t>(message_.size() - at - 1);
    }
  std::vector<int> sizes;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::uint32_t> all = comm_->all_gather(message_, sizes);
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats_.epochs += 1;
  stats_.spikes_sent += message_.size() - 2 - n * n_pop;
  stats_.words_received += all.size() - message_.size();
  for (std::uint64_t s = k; s < k + n; ++s)
    for (std::size_t p = 0; p < n_pop; ++p) spikes_of_step(s)[nt_ * n_pop + p].clear();
  std::uint64_t first = fail;
  const std::uint32_t* w = all.data();
  for (int r = 0; r < comm_->size(); w += sizes[r++]) {
    first = std::min(first, join(w));
    if (r == comm_->rank()) continue;
    const std::uint32_t* x = w + 2;
    for (std::uint64_t s = k; s < k + n; ++s)
      for (std::size_t p = 0; p < n_pop; ++p) {
        const std::uint32_t count = *x++;
        std::vector<std::uint32_t>& l = spikes_of_step(s)[nt_ * n_pop + p];
        l.insert(l.end(), x, x + count);
        x += count;
      }
  }
  for (std::size_t p = 0; p < n_pop; ++p) {
    population_state& pop = pops_[p];
    if (pop.history == 0) continue;
    for (std::uint64_t s = k; s < k + n; ++s)
      pop.recent[std::size_t(nt_) * pop.history + s % pop.history] = spikes_of_step(s)[nt_ * n_pop + p];
  }
  fail_step = first;
}

// The first failure (step, population, neuron) over all processes and its message, which
// the process that saw it formatted.
failure cpu_engine::first_failure(failure mine, std::string& message) const {
  std::vector<std::uint32_t> words;
  split(mine.step, words);
  words.push_back(mine.population), words.push_back(mine.neuron);
  std::vector<int> sizes;
  const std::vector<std::uint32_t> all = comm_->all_gather(words, sizes);
  failure first;
  int owner = -1;
  for (int r = 0; r < comm_->size(); ++r) {
    const std::uint32_t* w = all.data() + 4 * r;
    const failure f{join(w), w[2], w[3]};
    if (f.step != std::numeric_limits<std::uint64_t>::max() && (owner < 0 || f < first)) first = f, owner = r;
  }
  if (owner >= 0) message = comm_->broadcast(message, owner);
  return first;
}

}  // namespace SNN_CPU_NS
}  // namespace snn
