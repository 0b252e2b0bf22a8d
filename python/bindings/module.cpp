// The native module snn._core: one register_* function per topic.
#include "common.hpp"
#include "snn/config.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "snn native engine (C++ core, CPU and CUDA backends)";
  m.attr("__version__") = SNN_VERSION;
  m.attr("cuda_compiled") = static_cast<bool>(SNN_HAVE_CUDA);
  m.attr("mpi_compiled") = static_cast<bool>(SNN_HAVE_MPI);
  snn::python::register_errors(m);
  snn::python::register_network(m);
  snn::python::register_simulation(m);
  snn::python::register_checkpoint(m);
}
