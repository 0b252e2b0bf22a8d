#pragma once
/// \file network.hpp
/// Describing a network: populations of Izhikevich neurons, projections with delays and
/// synaptic kernels, external inputs. Everything is validated here (config_error) and
/// connectivity is built in C++ as soon as a projection is added.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace snn {

struct network_data;  // private (cpp/src/model.hpp)

/// A per-neuron parameter: one value for all neurons, or one per neuron.
using values = std::vector<float>;

/// Izhikevich (2003) neuron parameters. Units: mV, ms.
struct izhikevich {
  values a, b, c, d;
  values v0{-65.0f};
  values u0;             ///< empty: b * v0
  float v_peak = 30.0f;  ///< spike cut-off (mV)
  int v_substeps = 1;    ///< Euler substeps of dt / v_substeps for v
};

/// The classic firing types of Izhikevich (2003), fig. 2.
namespace presets {
izhikevich regular_spiking();
izhikevich intrinsically_bursting();
izhikevich chattering();
izhikevich fast_spiking();
izhikevich low_threshold_spiking();
izhikevich thalamo_cortical();
izhikevich resonator();
}  // namespace presets

/// Largest delay and kernel window, in steps.
inline constexpr std::uint32_t max_delay_steps = 4096;
inline constexpr std::uint32_t max_kernel_steps = 4096;

enum class kernel_type { instant, voltage_jump, exponential, alpha, sampled };

/// Synaptic kernel kappa[m], m steps after arrival (see docs/numerics.md).
struct kernel {
  kernel_type type = kernel_type::instant;
  double tau = 0.0;            ///< ms (exponential, alpha)
  std::vector<float> samples;  ///< kappa[m] (sampled)
  static kernel instant() { return {}; }
  static kernel voltage_jump() { return {kernel_type::voltage_jump, 0.0, {}}; }
  static kernel exponential(double tau) { return {kernel_type::exponential, tau, {}}; }
  static kernel alpha(double tau) { return {kernel_type::alpha, tau, {}}; }
  static kernel sampled(std::vector<float> kappa) {
    return {kernel_type::sampled, 0.0, std::move(kappa)};
  }
};

enum class dist_type { constant, array, uniform, normal };

/// A weight or delay specification. Arrays hold one value per synapse: per (pre, post) pair
/// (index pre * n_post + post) for all-to-all and dense matrices, per pre for one-to-one,
/// in the order given for explicit synapses, and in (pre, post) order otherwise.
struct distribution {
  dist_type type = dist_type::constant;
  double p0 = 0.0, p1 = 0.0;  ///< value | low, high | mean, std
  double low = -std::numeric_limits<double>::infinity();  ///< clip (normal)
  double high = std::numeric_limits<double>::infinity();
  std::vector<float> array;
  static distribution constant(double v) {
    return {dist_type::constant, v, 0.0, -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::infinity(), {}};
  }
  static distribution from_array(std::vector<float> a) {
    distribution d;
    d.type = dist_type::array;
    d.array = std::move(a);
    return d;
  }
  static distribution uniform(double low, double high) {
    return {dist_type::uniform, low, high, -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::infinity(), {}};
  }
  static distribution normal(double mean, double std,
                             double low = -std::numeric_limits<double>::infinity(),
                             double high = std::numeric_limits<double>::infinity()) {
    return {dist_type::normal, mean, std, low, high, {}};
  }
};

enum class rule_type { all_to_all, one_to_one, fixed_probability, fixed_in_degree, fixed_out_degree };

/// A connection rule, built natively with the network's counter-based generator.
struct rule {
  rule_type type = rule_type::all_to_all;
  double p = 0.0;          ///< fixed_probability
  std::uint64_t k = 0;     ///< fixed in/out-degree
  bool allow_self = true;  ///< i -> i when source and target are the same population
  static rule all_to_all(bool allow_self = true) { return {rule_type::all_to_all, 0, 0, allow_self}; }
  static rule one_to_one() { return {rule_type::one_to_one, 0, 0, true}; }
  static rule fixed_probability(double p, bool allow_self = true) {
    return {rule_type::fixed_probability, p, 0, allow_self};
  }
  static rule fixed_in_degree(std::uint64_t k, bool allow_self = true) {
    return {rule_type::fixed_in_degree, 0, k, allow_self};
  }
  static rule fixed_out_degree(std::uint64_t k, bool allow_self = true) {
    return {rule_type::fixed_out_degree, 0, k, allow_self};
  }
};

enum class input_type { constant, noise, stream, pulses };

/// External input to a population (current, same units as I).
struct input {
  input_type type = input_type::constant;
  values mean;  ///< constant value, or noise mean (1 or n values)
  values std;   ///< noise standard deviation (1 or n values)
  double rate = 0.0;  ///< pulses: mean rate per neuron, Hz
  static input constant(values v) { return {input_type::constant, std::move(v), {}}; }
  /// Random one-step pulses of `amplitude` at `rate` Hz per neuron: each step hits
  /// n*rate*dt/1000 neurons drawn uniformly (the fraction as a chance of one more).
  static input pulses(double rate_hz, float amplitude) {
    return {input_type::pulses, {amplitude}, {}, rate_hz};
  }
  static input noise(values mean, values std) { return {input_type::noise, std::move(mean), std::move(std)}; }
  /// Values supplied before each simulation::advance (simulation::set_stream).
  static input stream() { return {input_type::stream, {}, {}}; }
};

/// Built synapses of a projection, in (pre, post) order.
struct synapse_list {
  std::vector<std::int32_t> pre, post;
  std::vector<double> weight;             ///< the exact values the engine uses
  std::vector<std::int32_t> delay_steps;  ///< D >= 1
};

/// A network description. Cheap to copy (shared); frozen once a simulation is made of it.
class network {
 public:
  /// \param dt time step in ms (finite, > 0); \param seed fixes every random draw.
  explicit network(double dt, std::uint64_t seed = 0);

  double dt() const;
  std::uint64_t seed() const;

  /// Adds n neurons; returns the population index.
  std::size_t add_population(std::int64_t n, const izhikevich& params, const std::string& label = "");
  /// Parameters of the heterogeneous populations of Izhikevich's 2003 network, drawn per
  /// neuron for the population that is added next.
  izhikevich izhikevich_2003(std::int64_t n, bool excitatory) const;

  /// Connects by a native rule; returns the projection index. An empty label becomes
  /// "pre->post" (numbered "#i" when that pair is already connected).
  std::size_t connect(std::size_t pre, std::size_t post, const rule& r, const distribution& weight,
                      const distribution& delay, const kernel& k, const std::string& label = "");
  /// Connects by a dense matrix w[pre * n_post + post]; zero entries are absent synapses.
  std::size_t connect_dense(std::size_t pre, std::size_t post, const float* w, std::size_t n_pre,
                            std::size_t n_post, const distribution& delay, const kernel& k,
                            const std::string& label = "");
  /// Connects explicit synapses pre_ids[i] -> post_ids[i].
  std::size_t connect_explicit(std::size_t pre, std::size_t post, const std::int64_t* pre_ids,
                               const std::int64_t* post_ids, std::size_t n,
                               const distribution& weight, const distribution& delay,
                               const kernel& k, const std::string& label = "");

  /// Adds an input; returns its index among the population's inputs.
  std::size_t add_input(std::size_t population, const input& in);

  std::size_t population_count() const;
  std::size_t projection_count() const;
  std::size_t population_size(std::size_t population) const;
  const std::string& population_label(std::size_t population) const;
  const std::string& projection_label(std::size_t projection) const;
  /// Per-neuron parameters a, b, c, d, v0, u0 (n values each).
  izhikevich parameters(std::size_t population) const;
  std::uint64_t synapse_count(std::size_t projection) const;
  bool is_dense(std::size_t projection) const;
  /// Bytes the projection's connectivity occupies.
  std::uint64_t projection_bytes(std::size_t projection) const;
  synapse_list synapses(std::size_t projection) const;

  std::shared_ptr<network_data> data() const { return data_; }

 private:
  std::shared_ptr<network_data> data_;
};

}  // namespace snn
