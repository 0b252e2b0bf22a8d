#pragma once
/// \file checkpoint.hpp
/// Checkpoints as named arrays: a network's description and a simulation's state, each a
/// map from names to one-dimensional arrays, which the Python package writes to a `.npz`
/// file (docs/checkpoints.md lists every name). A C++ program can store them its own way.
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "snn/errors.hpp"
#include "snn/network.hpp"

namespace snn {

/// One array: NumPy's dtype string ("<f4", "<f8", "<i4", "<u4", "<i8", "<u8", "|u1") and
/// the values' bytes (little-endian).
struct state_array {
  std::string dtype;
  std::vector<unsigned char> bytes;
};

/// Arrays by name ("network/pop0/n", "state/step", ...).
using state_arrays = std::map<std::string, state_array>;

/// The dtype string of T.
template <class T>
const char* dtype_of();
template <> inline const char* dtype_of<float>() { return "<f4"; }
template <> inline const char* dtype_of<double>() { return "<f8"; }
template <> inline const char* dtype_of<std::int32_t>() { return "<i4"; }
template <> inline const char* dtype_of<std::uint32_t>() { return "<u4"; }
template <> inline const char* dtype_of<std::int64_t>() { return "<i8"; }
template <> inline const char* dtype_of<std::uint64_t>() { return "<u8"; }
template <> inline const char* dtype_of<std::uint8_t>() { return "|u1"; }

/// Stores n values under `name`.
template <class T>
void put_array(state_arrays& out, const std::string& name, const T* data, std::size_t n) {
  state_array& a = out[name];
  a.dtype = dtype_of<T>();
  a.bytes.resize(n * sizeof(T));
  if (n) std::memcpy(a.bytes.data(), data, n * sizeof(T));
}
template <class T>
void put_array(state_arrays& out, const std::string& name, const std::vector<T>& v) {
  put_array(out, name, v.data(), v.size());
}
inline void put_text(state_arrays& out, const std::string& name, const std::string& s) {
  put_array(out, name, reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

/// The values under `name`; config_error naming the array if it is missing or of another
/// dtype.
template <class T>
std::vector<T> get_array(const state_arrays& in, const std::string& name) {
  const auto it = in.find(name);
  if (it == in.end()) throw config_error("checkpoint: array '" + name + "' is missing");
  const state_array& a = it->second;
  if (a.dtype != dtype_of<T>() || a.bytes.size() % sizeof(T))
    throw config_error("checkpoint: array '" + name + "' has dtype " + a.dtype + ", expected " + dtype_of<T>());
  std::vector<T> v(a.bytes.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), a.bytes.data(), a.bytes.size());
  return v;
}
/// As get_array, and config_error unless it holds exactly n values.
template <class T>
std::vector<T> get_array(const state_arrays& in, const std::string& name, std::size_t n) {
  std::vector<T> v = get_array<T>(in, name);
  if (v.size() != n)
    throw config_error("checkpoint: array '" + name + "' has " + std::to_string(v.size()) + " values, expected " +
                       std::to_string(n));
  return v;
}
template <class T>
T get_value(const state_arrays& in, const std::string& name) {
  return get_array<T>(in, name, 1)[0];
}
inline std::string get_text(const state_arrays& in, const std::string& name) {
  const std::vector<std::uint8_t> v = get_array<std::uint8_t>(in, name);
  return std::string(v.begin(), v.end());
}

/// The network as built ("network/..." arrays): populations with their parameters and
/// inputs, projections with their stored connectivity and fixed-point weights (their
/// current values, plastic or set), kernels and rules.
state_arrays save_network(const network& net);
/// A network equal to the one saved, checked as thoroughly as one built by the API:
/// config_error naming the array or the value that is wrong.
network load_network(const state_arrays& in);

}  // namespace snn
