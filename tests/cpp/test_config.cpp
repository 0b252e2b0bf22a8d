// snn::config(): the build's configuration and the CUDA devices seen, consistent with
// SNN_HAVE_CUDA and snn::cuda_available(); asking for a missing backend is an exception.
#include "check.hpp"
#include "snn/config.hpp"
#include "snn/errors.hpp"

namespace {

void build_and_devices() {
  const snn::build_config c = snn::config();
  CHECK_EQ(c.version, std::string(SNN_VERSION));
  CHECK_EQ(c.cuda_compiled, static_cast<bool>(SNN_HAVE_CUDA));
  CHECK(!c.cuda_status.empty());
  CHECK_EQ(c.cuda_architectures.empty(), !c.cuda_compiled);
  for (int arch : c.cuda_architectures) CHECK(arch >= 75);
  CHECK_EQ(c.cuda_runtime_version > 0, c.cuda_compiled);
  CHECK_EQ(!c.devices.empty(), snn::cuda_available());
  CHECK_EQ(c.cuda_status == "ok", snn::cuda_available());
  for (const snn::cuda_device& d : c.devices) {
    CHECK(!d.name.empty());
    CHECK(d.memory_bytes > 0);
    CHECK(d.compute_major >= 1 && d.multiprocessors > 0);
  }
}

void cuda_without_device() {
  if (snn::cuda_available()) return;  // then the backend tests run on it instead
  snn::network net(1.0, 1);
  net.add_population(10, net.izhikevich_2003(10, true), "p");
  CHECK_THROWS(snn::backend_unavailable, (snn::simulation(net, snn::backend::cuda)));
  snn::simulation sim(net, snn::backend::automatic);  // auto falls back to the CPU
  CHECK_EQ(std::string(sim.backend_name()), std::string("cpu"));
}

}  // namespace

int main() {
  RUN_TEST(build_and_devices);
  RUN_TEST(cuda_without_device);
  return snn_test::finish("config");
}
