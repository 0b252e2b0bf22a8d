// snn._core.Network and the value types describing kernels, rules and distributions.
#include <pybind11/stl.h>

#include "common.hpp"
#include "snn/network.hpp"

namespace snn::python {

namespace {
values as_values(const carray<float>& a) { return to_vector(a); }
}  // namespace

void register_network(py::module_& m) {
  py::class_<kernel>(m, "Kernel")
      .def_static("instant", &kernel::instant)
      .def_static("voltage_jump", &kernel::voltage_jump)
      .def_static("exponential", &kernel::exponential, py::arg("tau"))
      .def_static("alpha", &kernel::alpha, py::arg("tau"))
      .def_static("sampled", [](const carray<float>& k) { return kernel::sampled(to_vector(k)); },
                  py::arg("kappa"))
      .def("on", &kernel::on, py::arg("receptor"))
      .def_readonly("receptor", &kernel::receptor);

  py::class_<plasticity>(m, "Plasticity")
      .def(py::init<>(), "no plasticity")
      .def_static("stdp", &plasticity::stdp, py::arg("tau_plus"), py::arg("tau_minus"), py::arg("a_plus"),
                  py::arg("a_minus"), py::arg("w_min"), py::arg("w_max"), py::arg("multiplicative"))
      .def_static("izhikevich_2006", &plasticity::izhikevich_2006, py::arg("tau"), py::arg("a_plus"),
                  py::arg("a_minus"), py::arg("w_max"), py::arg("interval"), py::arg("bias"), py::arg("sd_decay"));

  py::class_<distribution>(m, "Distribution")
      .def_static("constant", &distribution::constant, py::arg("value"))
      .def_static("array", [](const carray<float>& a) { return distribution::from_array(to_vector(a)); },
                  py::arg("values"))
      .def_static("uniform", &distribution::uniform, py::arg("low"), py::arg("high"))
      .def_static("normal", &distribution::normal, py::arg("mean"), py::arg("std"),
                  py::arg("low"), py::arg("high"));

  py::class_<rule>(m, "Rule")
      .def_static("all_to_all", &rule::all_to_all, py::arg("allow_self"))
      .def_static("one_to_one", &rule::one_to_one)
      .def_static("fixed_probability", &rule::fixed_probability, py::arg("p"), py::arg("allow_self"))
      .def_static("fixed_in_degree", &rule::fixed_in_degree, py::arg("k"), py::arg("allow_self"))
      .def_static("fixed_out_degree", &rule::fixed_out_degree, py::arg("k"), py::arg("allow_self"));

  m.def("preset_names", &presets::names);
  m.def(
      "preset",
      [](const std::string& name) {
        const izhikevich p = presets::by_name(name);
        return py::dict(py::arg("a") = p.a[0], py::arg("b") = p.b[0], py::arg("c") = p.c[0],
                        py::arg("d") = p.d[0]);
      },
      py::arg("name"));

  m.def("models", [] {
    py::list out;
    for (const model_info& info : models()) {
      py::list params, vars;
      for (const parameter_info& p : info.parameters)
        params.append(py::dict(py::arg("name") = p.name, py::arg("unit") = p.unit,
                               py::arg("default") = p.default_value, py::arg("per_neuron") = p.per_neuron,
                               py::arg("computed") = p.computed, py::arg("integer") = p.integer));
      for (const variable_info& v : info.variables)
        vars.append(py::dict(py::arg("name") = v.name, py::arg("unit") = v.unit,
                             py::arg("receptor") = v.receptor, py::arg("state") = v.state));
      out.append(py::dict(py::arg("name") = info.name, py::arg("summary") = info.summary,
                          py::arg("parameters") = params, py::arg("variables") = vars,
                          py::arg("source") = info.source, py::arg("jumps") = info.jumps));
    }
    return out;
  }, "Every neuron model: name, parameters (name, unit, default, per_neuron, computed, integer), variables.");

  m.attr("max_delay_steps") = max_delay_steps;
  m.attr("max_kernel_steps") = max_kernel_steps;

  py::class_<network>(m, "Network")
      .def(py::init<double, std::uint64_t>(), py::arg("dt"), py::arg("seed"))
      .def_property_readonly("dt", &network::dt)
      .def_property_readonly("seed", &network::seed)
      .def("distribute", &network::distribute_handle, py::arg("mpi_comm_handle"),
           "Spreads the network over an MPI communicator (its handle: mpi4py's MPI._handleof(comm)).")
      .def_property_readonly("process", &network::process)
      .def_property_readonly("processes", &network::processes)
      .def("owned", &network::owned, py::arg("population"))
      .def("add_population",
           [](network& n, std::int64_t size, const std::string& model,
              const std::vector<std::pair<std::string, carray<float>>>& params,
              const carray<std::int64_t>& spike_ids, const carray<double>& spike_times, const std::string& label) {
             neuron_model m{model, {}, to_vector(spike_ids), to_vector(spike_times)};
             for (const auto& [name, value] : params) m.set(name, as_values(value));
             return n.add_population(size, m, label);
           },
           py::arg("n"), py::arg("model"), py::arg("params"), py::arg("spike_ids"), py::arg("spike_times"),
           py::arg("label"))
      .def("izhikevich_2003",
           [](const network& n, std::int64_t size, bool excitatory) {
             izhikevich p = n.izhikevich_2003(size, excitatory);
             py::dict out;
             out["a"] = to_numpy(std::move(p.a));
             out["b"] = to_numpy(std::move(p.b));
             out["c"] = to_numpy(std::move(p.c));
             out["d"] = to_numpy(std::move(p.d));
             return out;
           },
           py::arg("n"), py::arg("excitatory"))
      .def("connect", &network::connect, py::arg("pre"), py::arg("post"), py::arg("rule"),
           py::arg("weight"), py::arg("delay"), py::arg("kernel"), py::arg("label"),
           py::arg("plasticity") = plasticity{}, py::call_guard<py::gil_scoped_release>())
      .def("connect_dense",
           [](network& n, std::size_t pre, std::size_t post, const carray<float>& w,
              const distribution& delay, const kernel& k, const std::string& label, const plasticity& rule) {
             if (w.ndim() != 2)
               throw config_error("dense weight matrix must have 2 dimensions, got " +
                                  std::to_string(w.ndim()));
             const float* data = w.data();
             const auto rows = static_cast<std::size_t>(w.shape(0)), cols = static_cast<std::size_t>(w.shape(1));
             py::gil_scoped_release release;
             return n.connect_dense(pre, post, data, rows, cols, delay, k, label, rule);
           },
           py::arg("pre"), py::arg("post"), py::arg("w"), py::arg("delay"), py::arg("kernel"),
           py::arg("label"), py::arg("plasticity") = plasticity{})
      .def("connect_explicit",
           [](network& n, std::size_t pre, std::size_t post, const carray<std::int64_t>& pre_ids,
              const carray<std::int64_t>& post_ids, const distribution& weight,
              const distribution& delay, const kernel& k, const std::string& label, const plasticity& rule) {
             if (pre_ids.size() != post_ids.size())
               throw config_error("projection '" + n.projection_name(pre, post, label) + "': explicit synapses have " +
                                  std::to_string(pre_ids.size()) + " pre indices but " +
                                  std::to_string(post_ids.size()) + " post indices");
             py::gil_scoped_release release;
             return n.connect_explicit(pre, post, pre_ids.data(), post_ids.data(),
                                       static_cast<std::size_t>(pre_ids.size()), weight, delay, k,
                                       label, rule);
           },
           py::arg("pre"), py::arg("post"), py::arg("pre_ids"), py::arg("post_ids"),
           py::arg("weight"), py::arg("delay"), py::arg("kernel"), py::arg("label"),
           py::arg("plasticity") = plasticity{})
      .def("set_plasticity", &network::set_plasticity, py::arg("projection"), py::arg("rule"))
      .def("add_input_constant",
           [](network& n, std::size_t pop, const carray<float>& v) {
             return n.add_input(pop, input::constant(as_values(v)));
           })
      .def("add_input_noise",
           [](network& n, std::size_t pop, const carray<float>& mean, const carray<float>& std) {
             return n.add_input(pop, input::noise(as_values(mean), as_values(std)));
           })
      .def("add_input_stream", [](network& n, std::size_t pop) { return n.add_input(pop, input::stream()); })
      .def("add_input_pulses",
           [](network& n, std::size_t pop, double rate, float amplitude) {
             return n.add_input(pop, input::pulses(rate, amplitude));
           })
      .def("add_input_poisson",
           [](network& n, std::size_t pop, double rate, float weight, bool to_v) {
             return n.add_input(pop, input::poisson(rate, weight, to_v));
           },
           py::arg("pop"), py::arg("rate"), py::arg("weight"), py::arg("to_v"))
      .def_property_readonly("population_count", &network::population_count)
      .def_property_readonly("projection_count", &network::projection_count)
      .def("population_size", &network::population_size)
      .def("population_label", &network::population_label)
      .def("projection_label", &network::projection_label)
      .def("projection_name", &network::projection_name, py::arg("pre"), py::arg("post"), py::arg("label"))
      .def("synapse_count", &network::synapse_count)
      .def("is_dense", &network::is_dense)
      .def("projection_bytes", &network::projection_bytes)
      .def("initial_state",
           [](const network& n, std::size_t pop, const std::string& var) { return to_numpy(n.initial_state(pop, var)); },
           py::arg("pop"), py::arg("variable"))
      .def("population_model",
           [](const network& n, std::size_t pop) {
             neuron_model m = n.population_model(pop);
             py::dict params;
             for (auto& [name, value] : m.params) params[py::str(name)] = to_numpy(std::move(value));
             return py::make_tuple(m.name, params);
           },
           py::arg("pop"))
      .def("synapses", [](const network& n, std::size_t proj) {
        synapse_list s;
        {
          py::gil_scoped_release release;
          s = n.synapses(proj);
        }
        return py::make_tuple(to_numpy(std::move(s.pre)), to_numpy(std::move(s.post)),
                              to_numpy(std::move(s.weight)), to_numpy(std::move(s.delay_steps)));
      });
}

}  // namespace snn::python
