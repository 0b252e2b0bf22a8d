#pragma once
/// \file simulation.hpp
/// Running a network: a simulation owns a backend engine built from a frozen network,
/// advances it in chunks, and returns recordings as vectors (handed to NumPy without copies).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "snn/checkpoint.hpp"
#include "snn/network.hpp"

namespace snn {

/// Which engine runs a simulation.
enum class backend {
  automatic,  ///< CUDA if compiled in and a device is present, else the CPU
  cpu,        ///< the OpenMP CPU engine
  cuda        ///< the CUDA engine; backend_unavailable if not compiled in or no device
};

/// True if the CUDA backend is compiled in and a device is present.
bool cuda_available();

/// Most CPU threads a simulation takes: 4 x the hardware threads.
int max_threads();

/// Most steps a simulation runs in all (step indices are recorded as int64).
inline constexpr std::uint64_t max_steps = (std::uint64_t(1) << 63) - 1;

/// A CUDA device as the runtime reports it.
struct cuda_device {
  int index = 0;                             ///< CUDA device number
  std::string name;                          ///< e.g. "NVIDIA H100 80GB HBM3"
  std::uint64_t memory_bytes = 0;            ///< global memory
  int compute_major = 0, compute_minor = 0;  ///< compute capability, e.g. 9.0 (H100)
  int multiprocessors = 0;                   ///< streaming multiprocessors
};

/// What this build contains and which CUDA devices it sees.
struct build_config {
  std::string version;                  ///< SNN_VERSION
  bool cuda_compiled = false;           ///< SNN_HAVE_CUDA
  bool mpi_compiled = false;            ///< SNN_HAVE_MPI: runs across processes (network::distribute)
  std::vector<int> cuda_architectures;  ///< compiled for, e.g. {80, 90}
  int cuda_runtime_version = 0;         ///< e.g. 13000 (13.0); 0 without CUDA
  int cuda_driver_version = 0;          ///< highest CUDA version the driver supports; 0: none
  std::vector<cuda_device> devices;     ///< the devices visible now
  std::string cuda_status;              ///< "ok", or why the CUDA backend cannot run here
};

/// The build's configuration and the devices visible now. Never throws for a missing
/// driver or device: cuda_status says what is missing.
build_config config();

/// What a distributed run's exchanges of spikes cost so far (zeros with one process).
struct exchange_stats {
  std::uint64_t epochs = 0;         ///< exchanges (one per epoch of up to the shortest delay)
  std::uint64_t spikes_sent = 0;    ///< this process's spikes sent
  std::uint64_t words_received = 0; ///< 32-bit words received (ids, counts, headers)
  double seconds = 0.0;             ///< wall time in the exchanges (waiting for others included)
};

/// A variable to record: a state variable or input channel of the population's model
/// ("v", "u", "I" of Izhikevich; "v", "refrac", "I", "g_E", "g_I" of LIF; see models()).
struct trace_request {
  std::size_t population = 0;
  std::string variable = "v";
  std::vector<std::int64_t> neurons;  ///< empty: all
  std::uint64_t every = 1;            ///< sample steps k with k % every == 0
  /// >= 0: record the weights of this projection instead (population and variable are
  /// ignored; `neurons` lists synapses by their index in network::synapses(), empty: all).
  std::int64_t projection = -1;
};

/// Spikes of one population during a run, in (step, neuron) order.
struct spike_record {
  std::vector<std::int64_t> steps;  ///< step index k of each spike
  std::vector<double> times;        ///< ms, step * dt
  std::vector<std::int32_t> ids;    ///< neuron index within the population
};

/// One recorded variable: data[sample * neurons.size() + j] after step steps[sample].
struct trace_record {
  std::size_t population = 0;
  std::string variable;               ///< a variable of the population's model, or "weight"
  std::int64_t projection = -1;       ///< a weight trace's projection (-1 otherwise)
  std::vector<std::int32_t> neurons;  ///< recorded neurons (weights: synapse indices)
  std::vector<std::int64_t> steps;    ///< the step after which each sample was taken
  std::vector<float> data;            ///< samples x neurons, row-major
};

/// What a run recorded.
struct run_result {
  std::uint64_t first_step = 0;  ///< index of the run's first step
  std::uint64_t steps = 0;       ///< steps actually run (fewer if interrupted)
  double dt = 0.0;               ///< ms
  std::vector<spike_record> spikes;  ///< one per population
  std::vector<trace_record> traces;
};

/// A running network. Every method throws the exceptions of errors.hpp, never aborts. A
/// simulation, like its network, is used by one thread at a time: a call that overlaps
/// another thread's, or that comes from another thread between begin_run and end_run (a run
/// belongs to the thread that began it), throws snn::error ("the network is running in
/// another thread") instead of racing.
class simulation {
 public:
  /// Builds the engine and freezes the network. threads: CPU threads, 0 = chosen from the
  /// network size, at most max_threads() (else config_error). backend::cuda without a
  /// device: backend_unavailable.
  simulation(const network& net, backend b = backend::automatic, int threads = 0);
  ~simulation();
  simulation(const simulation&) = delete;
  simulation& operator=(const simulation&) = delete;

  /// "cpu" or "cuda".
  const char* backend_name() const;
  /// CPU threads in use.
  int threads() const;
  /// Steps run so far (the index of the next step).
  std::uint64_t step() const;

  /// Starts recording a run of up to n_steps (step() + n_steps at most max_steps); snn::error
  /// if a run is already begun.
  void begin_run(std::uint64_t n_steps, const std::vector<trace_request>& traces);
  /// Supplies the next n_steps rows (n_steps x row_length, row-major; row_length must be the
  /// population size, every value finite; at most the steps left in the run) of a stream
  /// input.
  void set_stream(std::size_t population, std::size_t input_index, const float* data,
                  std::uint64_t n_steps, std::size_t row_length);
  /// Runs n_steps (within the run begun), from the thread that began the run.
  void advance(std::uint64_t n_steps);
  /// Ends the run and hands over its recordings.
  run_result end_run();
  /// begin_run + advance + end_run, for networks without stream inputs.
  run_result run(std::uint64_t n_steps, const std::vector<trace_request>& traces = {});

  /// The current value of a variable of the population's model for every neuron.
  std::vector<float> get_state(std::size_t population, const std::string& variable) const;
  /// The exchanges of spikes between processes since the simulation was made.
  exchange_stats exchanges() const;
  /// Bytes the engine keeps for a projection's plasticity beyond its synapses (traces, post
  /// spikes, per-target lists; 0 for a static projection or where the engine does not say).
  std::uint64_t plasticity_bytes(std::size_t projection) const;
  /// Sets a variable of every neuron (n must be the population size).
  void set_state(std::size_t population, const std::string& variable, const float* values,
                 std::size_t n);
  /// The weights of a projection now, in the order of network::synapses().
  std::vector<double> get_weights(std::size_t projection) const;
  /// Sets every weight of a projection (network::synapses() order; n = its synapse count).
  /// Each is rounded to float32 and quantised with the projection's fixed-point scale, whose
  /// range is about twice its largest weight at build; a projection built with one weight
  /// for all synapses takes one value for all.
  void set_weights(std::size_t projection, const double* weights, std::size_t n);

  /// The state after the steps run so far ("state/..." arrays, docs/checkpoints.md): with
  /// save_network of its network, what a continuation needs. It does not depend on the
  /// thread count. snn::error during a run, or on a backend without checkpoints (CUDA).
  state_arrays save_state() const;
  /// Takes a saved state into this simulation, built (any thread count) from an equal
  /// network (load_network of the same checkpoint); the next run continues from the saved
  /// step as the saved simulation would have. config_error naming a missing or wrong array.
  void load_state(const state_arrays& in);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace snn
