// CUDA backend. The device engine is the subject of a later issue; this file provides the
// factory and device detection, and compiles the shared model headers for the device so that
// they stay usable from both backends.
#include "cuda_check.hpp"
#include "engine.hpp"
#include "neuron_math.hpp"
#include "random.hpp"

namespace snn {
namespace cuda {

// Izhikevich update of one population with Gaussian noise input: the device side of the
// neuron step, written against the same inline functions as the CPU engine.
__global__ void izh_noise_step(float* v, float* u, std::uint8_t* spiked, const float* a,
                               const float* b, const float* c, const float* d, float mean,
                               float std_dev, std::uint32_t n, std::uint64_t step,
                               std::uint32_t population, counter_rng rng, float h, float dt,
                               int substeps, float v_peak) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  float z[4];
  normal4(rng(i / 4, static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(step >> 32),
              purpose_noise, population),
          z);
  float vi = v[i], ui = u[i];
  if (spiked[i]) izh_reset(vi, ui, c[i], d[i]);
  const float I = 0.0f + (mean + std_dev * z[i % 4]);
  spiked[i] = izh_integrate(vi, ui, I, a[i], b[i], h, dt, substeps, v_peak);
  v[i] = vi;
  u[i] = ui;
}

}  // namespace cuda

bool cuda_device_present() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return false;
  }
  return count > 0;
}

std::unique_ptr<engine> make_cuda_engine(std::shared_ptr<const network_data>) {
  if (!cuda_device_present())
    throw backend_unavailable("backend 'cuda': no CUDA device (or driver) is present");
  throw backend_unavailable(
      "backend 'cuda': the CUDA engine is not implemented yet in this version; use "
      "backend='cpu' (or 'auto')");
}

}  // namespace snn
