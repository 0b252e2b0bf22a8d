// Compiled instead of cuda/cuda_engine.cu when the CUDA backend is not built.
#include "engine.hpp"
#include "snn/errors.hpp"

namespace snn {

std::unique_ptr<engine> make_cuda_engine(std::shared_ptr<network_data>) {
  throw backend_unavailable(
      "the CUDA backend is not built into this snn (rebuild with nvcc available and "
      "SNN_ENABLE_CUDA=AUTO or ON)");
}

bool cuda_device_present() { return false; }

void query_cuda(build_config& out) {
  out.cuda_status = "the CUDA backend is not built into this snn";
}

}  // namespace snn
