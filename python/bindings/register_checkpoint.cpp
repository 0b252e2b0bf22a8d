// Checkpoint arrays between C++ and Python: snn::state_arrays as a dict of 1-D NumPy arrays
// (python/snn/_checkpoint.py writes them to an .npz file).
#include <pybind11/stl.h>

#include <cstring>

#include "common.hpp"
#include "snn/checkpoint.hpp"
#include "snn/simulation.hpp"

namespace snn::python {

namespace {

py::dict to_dict(const state_arrays& arrays) {
  py::dict out;
  for (const auto& [name, a] : arrays) {
    const py::dtype dt(a.dtype);
    const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(a.bytes.size() / dt.itemsize())};
    out[py::str(name)] = py::array(dt, shape, {}, a.bytes.data());  // a copy (no base given)
  }
  return out;
}

state_arrays from_dict(const py::dict& d) {
  state_arrays out;
  for (const auto& [key, value] : d) {
    const std::string name = py::cast<std::string>(key);
    if (!py::isinstance<py::array>(value)) throw config_error("checkpoint: '" + name + "' is not an array");
    const auto arr = py::reinterpret_borrow<py::array>(value);
    if (arr.ndim() != 1 || !(arr.flags() & py::array::c_style))
      throw config_error("checkpoint: array '" + name + "' must be one-dimensional and contiguous");
    state_array& a = out[name];
    a.dtype = py::cast<std::string>(arr.dtype().attr("str"));
    a.bytes.resize(static_cast<std::size_t>(arr.nbytes()));
    if (!a.bytes.empty()) std::memcpy(a.bytes.data(), arr.data(), a.bytes.size());
  }
  return out;
}

}  // namespace

void register_checkpoint(py::module_& m) {
  m.def("save_network", [](const network& n) { return to_dict(save_network(n)); }, py::arg("network"),
        "The network's description as checkpoint arrays (docs/checkpoints.md).");
  m.def("load_network", [](const py::dict& d) { return load_network(from_dict(d)); }, py::arg("arrays"),
        "A network rebuilt from checkpoint arrays, checked (ConfigError naming what is wrong).");
  m.def("save_state", [](const simulation& s) { return to_dict(s.save_state()); }, py::arg("simulation"),
        "A simulation's state as checkpoint arrays.");
  m.def("load_state", [](simulation& s, const py::dict& d) { s.load_state(from_dict(d)); },
        py::arg("simulation"), py::arg("arrays"), "Takes checkpoint arrays into a simulation (between runs).");
}

}  // namespace snn::python
