// snn_mpi_demo: a network spread over the processes of MPI_COMM_WORLD through the C++ API
// (network::distribute), run under mpirun by tests/cpp_checks.sh. Every process builds
// and runs its part; process 0 also builds the network alone, and the spikes (every
// process's, gathered) must be the same, spike for spike. Prints "snn_mpi_demo ok P S"
// (P processes, S spikes) on process 0; exit status 0 only then.
#include <mpi.h>
#include <snn/snn.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

snn::network build(bool distributed) {
  snn::network net(0.5, /*seed=*/7);
  if (distributed) net.distribute(MPI_COMM_WORLD);
  const std::size_t exc = net.add_population(700, snn::presets::regular_spiking(), "exc");
  const std::size_t inh = net.add_population(150, snn::presets::fast_spiking(), "inh");
  using snn::distribution;
  net.connect(exc, exc, snn::rule::fixed_probability(0.05), distribution::uniform(0.0, 4.0),
              distribution::uniform(1.0, 8.0), snn::kernel::exponential(3.0));
  net.connect(exc, inh, snn::rule::fixed_in_degree(30), distribution::constant(2.0), distribution::constant(1.0),
              snn::kernel::instant());
  net.connect(inh, exc, snn::rule::fixed_out_degree(50), distribution::uniform(-6.0, -2.0),
              distribution::constant(1.0), snn::kernel::instant());
  net.add_input(exc, snn::input::pulses(30.0, 25.0));
  net.add_input(inh, snn::input::noise({1.0f}, {2.0f}));
  return net;
}

// Spikes as keys step * 1024 + population * 1000 + neuron, sorted.
std::vector<std::int64_t> keys(const snn::run_result& r) {
  std::vector<std::int64_t> out;
  for (std::size_t p = 0; p < r.spikes.size(); ++p)
    for (std::size_t i = 0; i < r.spikes[p].ids.size(); ++i)
      out.push_back(r.spikes[p].steps[i] * 2048 + static_cast<std::int64_t>(p) * 1000 + r.spikes[p].ids[i]);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1, ok = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  {
    snn::network net = build(true);
    snn::simulation sim(net, snn::backend::cpu, 1);
    const std::vector<std::int64_t> mine = keys(sim.run(600));
    int n = static_cast<int>(mine.size());
    std::vector<int> counts(static_cast<std::size_t>(size)), at(static_cast<std::size_t>(size), 0);
    MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    for (int r = 1; r < size; ++r) at[r] = at[r - 1] + counts[r - 1];
    std::vector<std::int64_t> all(rank == 0 ? static_cast<std::size_t>(at.back() + counts.back()) : 0);
    MPI_Gatherv(mine.data(), n, MPI_INT64_T, all.data(), counts.data(), at.data(), MPI_INT64_T, 0, MPI_COMM_WORLD);
    if (rank == 0) {
      std::sort(all.begin(), all.end());
      snn::network alone = build(false);
      snn::simulation one(alone, snn::backend::cpu, 1);
      const std::vector<std::int64_t> expected = keys(one.run(600));
      ok = all == expected && expected.size() > 1000;
      std::printf(ok ? "snn_mpi_demo ok %d %zu\n" : "snn_mpi_demo FAILED %d: %zu spikes, expected %zu\n", size,
                  all.size(), expected.size());
    }
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return ok ? 0 : 1;
}
