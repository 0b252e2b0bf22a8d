// Engine exceptions -> Python. The root is registered first so that the others are real
// Python subclasses of it (pybind11 tries the most recently registered translator first).
#include "common.hpp"
#include "snn/errors.hpp"

namespace snn::python {

void register_errors(py::module_& m) {
  auto& root = py::register_exception<snn::error>(m, "SnnError", PyExc_RuntimeError);
  py::register_exception<simulation_error>(m, "SimulationError", root.ptr());
  py::register_exception<backend_unavailable>(m, "BackendUnavailable", root.ptr());
  py::register_exception<cuda_error>(m, "CudaError", root.ptr());
  py::register_exception<config_error>(m, "ConfigError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const memory_error& e) {
      PyErr_SetString(PyExc_MemoryError, e.what());
    }
  });
}

}  // namespace snn::python
