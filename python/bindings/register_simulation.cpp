// snn._core.Simulation: runs in chunks without the GIL; results cross without copies.
#include <pybind11/stl.h>

#include "common.hpp"
#include "snn/simulation.hpp"

namespace snn::python {

namespace {
backend parse_backend(const std::string& name) {
  if (name == "auto") return backend::automatic;
  if (name == "cpu") return backend::cpu;
  if (name == "cuda") return backend::cuda;
  throw config_error("backend must be 'auto', 'cpu' or 'cuda', got '" + name + "'");
}

/// 13000 -> "13.0"; 0 -> None.
py::object cuda_version(int v) {
  if (v == 0) return py::none();
  return py::str(std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10));
}

py::dict result_to_python(run_result&& r) {
  py::dict out;
  out["first_step"] = r.first_step;
  out["steps"] = r.steps;
  out["dt"] = r.dt;
  py::list spikes;
  for (spike_record& s : r.spikes)
    spikes.append(py::make_tuple(to_numpy(std::move(s.steps)), to_numpy(std::move(s.times)),
                                 to_numpy(std::move(s.ids))));
  out["spikes"] = spikes;
  py::list traces;
  for (trace_record& t : r.traces) {
    const auto rows = static_cast<py::ssize_t>(t.steps.size());
    const auto cols = static_cast<py::ssize_t>(t.neurons.size());
    traces.append(py::make_tuple(t.population, t.variable, to_numpy(std::move(t.neurons)),
                                 to_numpy(std::move(t.steps)),
                                 to_numpy(std::move(t.data), {rows, cols}), t.projection));
  }
  out["traces"] = traces;
  return out;
}
}  // namespace

void register_simulation(py::module_& m) {
  m.def("cuda_available", &cuda_available,
        "True if the CUDA backend is compiled in and a CUDA device is present.");
  m.def("max_threads", &max_threads, "Most CPU threads a simulation takes: 4 x the hardware threads.");
  m.attr("max_steps") = max_steps;
  m.def("config", [] {
    const build_config c = config();
    py::list devices;
    for (const cuda_device& d : c.devices) {
      py::dict x;
      x["index"] = d.index;
      x["name"] = d.name;
      x["memory_bytes"] = d.memory_bytes;
      x["compute_capability"] = py::make_tuple(d.compute_major, d.compute_minor);
      x["multiprocessors"] = d.multiprocessors;
      devices.append(x);
    }
    py::dict out;
    out["version"] = c.version;
    out["cuda_compiled"] = c.cuda_compiled;
    out["mpi_compiled"] = c.mpi_compiled;
    out["cuda_architectures"] = c.cuda_architectures;
    out["cuda_runtime"] = cuda_version(c.cuda_runtime_version);
    out["cuda_driver"] = cuda_version(c.cuda_driver_version);
    out["devices"] = devices;
    out["cuda_status"] = c.cuda_status;
    return out;
  }, "The build's configuration: version, CUDA and MPI compiled in, architectures, devices seen.");

  py::class_<trace_request>(m, "TraceRequest")
      .def(py::init([](std::size_t pop, const std::string& var, const carray<std::int64_t>& neurons,
                       std::uint64_t every, std::int64_t projection) {
             return trace_request{pop, var, to_vector(neurons), every, projection};
           }),
           py::arg("population"), py::arg("variable"), py::arg("neurons"), py::arg("every"),
           py::arg("projection") = -1)
      .def_readonly("population", &trace_request::population)
      .def_readonly("variable", &trace_request::variable)
      .def_readonly("projection", &trace_request::projection)
      .def_property_readonly("neurons", [](const trace_request& r) {
        return py::array_t<std::int64_t>(static_cast<py::ssize_t>(r.neurons.size()), r.neurons.data());
      });

  py::class_<simulation>(m, "Simulation")
      .def(py::init([](const network& n, const std::string& b, int threads) {
             const backend be = parse_backend(b);
             py::gil_scoped_release release;
             return std::make_unique<simulation>(n, be, threads);
           }),
           py::arg("network"), py::arg("backend"), py::arg("threads"))
      .def_property_readonly("backend", &simulation::backend_name)
      .def_property_readonly("threads", &simulation::threads)
      .def_property_readonly("step", &simulation::step)
      .def("exchanges",
           [](const simulation& s) {
             const exchange_stats x = s.exchanges();
             py::dict out;
             out["epochs"] = x.epochs;
             out["spikes_sent"] = x.spikes_sent;
             out["words_received"] = x.words_received;
             out["seconds"] = x.seconds;
             return out;
           })
      .def("begin_run", &simulation::begin_run, py::arg("steps"), py::arg("traces"))
      .def("set_stream",
           [](simulation& s, std::size_t pop, std::size_t input, const carray<float>& data) {
             if (data.ndim() != 2) throw config_error("stream data must be 2-D (steps, n)");
             s.set_stream(pop, input, data.data(), static_cast<std::uint64_t>(data.shape(0)),
                         static_cast<std::size_t>(data.shape(1)));
           })
      .def("advance", &simulation::advance, py::arg("steps"), py::call_guard<py::gil_scoped_release>())
      .def("end_run", [](simulation& s) { return result_to_python(s.end_run()); })
      .def("get_state",
           [](const simulation& s, std::size_t pop, const std::string& var) {
             return to_numpy(s.get_state(pop, var));
           })
      .def("set_state", [](simulation& s, std::size_t pop, const std::string& var,
                           const carray<float>& values) {
        s.set_state(pop, var, values.data(), static_cast<std::size_t>(values.size()));
      })
      .def("get_weights", [](const simulation& s, std::size_t proj) { return to_numpy(s.get_weights(proj)); },
           py::arg("projection"))
      .def("plasticity_bytes", &simulation::plasticity_bytes, py::arg("projection"))
      .def("set_weights",
           [](simulation& s, std::size_t proj, const carray<double>& w) {
             s.set_weights(proj, w.data(), static_cast<std::size_t>(w.size()));
           },
           py::arg("projection"), py::arg("weights"));
}

}  // namespace snn::python
