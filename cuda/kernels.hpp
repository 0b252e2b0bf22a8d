#pragma once
// Launchers of the CUDA engine's kernels (defined in kernels.cu). Each one enqueues its
// kernel on `stream` and throws snn::cuda_error if the launch fails. `pos` is the step's
// position within the graph being recorded; the kernels add step_control::base.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "device_types.hpp"

namespace snn {
namespace cuda {

/// Threads per block of the per-neuron kernels (the spike-count blocks).
inline constexpr std::uint32_t block_size = 256;
inline std::uint32_t neuron_blocks(std::uint32_t n) { return (n + block_size - 1) / block_size; }

/// Spikes of the previous step along their rows into the projection's ring (axonal-delay
/// plastic projections: the spikes arriving this step, from the source's history).
void launch_deliver(const projection_args& p, const step_control* ctl, std::uint32_t pos,
                    cudaStream_t stream);
/// This step's spike list into the population's spike history.
void launch_history(const population_args& p, const step_control* ctl, std::uint32_t pos, cudaStream_t stream);
/// A plastic projection's potentiation of this step, then (the 2006 rule) its interval change.
void launch_plasticity(const projection_args& p, const step_control* ctl, std::uint32_t pos, cudaStream_t stream);
/// This step's random pulses of the population's pulses inputs, counted per neuron.
void launch_pulses(const population_args& p, const step_control* ctl, std::uint32_t pos,
                   cudaStream_t stream);
/// Inputs, reset, arrivals through the kernels, integration, spike flags and per-block
/// counts, NaN/inf detection.
void launch_update(const population_args& p, step_control* ctl, std::uint32_t pos,
                   cudaStream_t stream);
/// This step's spike flags into its ordered spike list.
void launch_compact(const population_args& p, const step_control* ctl, std::uint32_t pos,
                    cudaStream_t stream);
/// Samples of this step into every trace's buffer.
void launch_gather(const trace_args* traces, std::uint32_t n_traces, std::uint32_t columns,
                   const step_control* ctl, std::uint32_t pos, cudaStream_t stream);
/// Threads of the one block that runs a small network's whole chunk.
inline constexpr std::uint32_t fused_block_size = 1024;
/// Runs steps first .. first + steps - 1 of a small network in one launch of one block.
void launch_fused(const fused_args& f, step_control* ctl, std::uint32_t steps, cudaStream_t stream);
/// ctl->base += steps (the last node of a graph of `steps` steps).
void launch_advance_base(step_control* ctl, std::uint32_t steps, cudaStream_t stream);
/// Copies the list of chunk position q into the list of the step before the next chunk.
void launch_keep_last(const spike_lists& lists, std::uint32_t q, std::uint32_t n,
                      cudaStream_t stream);

}  // namespace cuda
}  // namespace snn
