#pragma once
// Shared helpers of the binding files: vectors handed to NumPy without copies.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <vector>

#include "snn/errors.hpp"

namespace snn::python {

namespace py = pybind11;

/// Moves a vector into a NumPy array: the vector lives on the heap, owned by a capsule that
/// is the array's base, so the array survives whatever produced it.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape = {}) {
  auto* owner = new std::vector<T>(std::move(v));
  py::capsule base(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  if (shape.empty()) shape = {static_cast<py::ssize_t>(owner->size())};
  return py::array_t<T>(shape, owner->data(), base);
}

template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
std::vector<T> to_vector(const carray<T>& a) {
  return std::vector<T>(a.data(), a.data() + a.size());
}

void register_errors(py::module_& m);
void register_network(py::module_& m);
void register_simulation(py::module_& m);
void register_checkpoint(py::module_& m);

}  // namespace snn::python
