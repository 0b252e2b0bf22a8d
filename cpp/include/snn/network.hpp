#pragma once
/// \file network.hpp
/// Describing a network: populations of neurons (Izhikevich, LIF, LIF with conductances,
/// spike sources; see models()), projections with delays, synaptic kernels and receptors,
/// external inputs. Everything is validated here (config_error) and
/// connectivity is built in C++ as soon as a projection is added.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace snn {

struct network_data;  // private (cpp/src/model.hpp)

/// A per-neuron parameter: one value for all neurons, or one per neuron.
using values = std::vector<float>;

/// Izhikevich (2003) neuron parameters. Units: mV, ms.
struct izhikevich {
  values a;              ///< time scale of u (1/ms)
  values b;              ///< sensitivity of u to v
  values c;              ///< reset value of v after a spike (mV)
  values d;              ///< increment of u after a spike
  values v0{-65.0f};     ///< initial v (mV)
  values u0;             ///< empty: b * v0
  float v_peak = 30.0f;  ///< spike cut-off (mV)
  int v_substeps = 1;    ///< Euler substeps of dt / v_substeps for v
};

/// A neuron model by name and its parameters. Each parameter is one value or one per
/// neuron; those left out take the model's default (models() lists names, units and
/// defaults). Models: "izhikevich", "izhikevich_2018" (the 2018 library's arithmetic),
/// "lif", "lif_cond", "poisson_source" (parameter "rate", Hz), "spike_source" (no
/// parameters; spike times below).
struct neuron_model {
  std::string name = "izhikevich";
  std::vector<std::pair<std::string, values>> params;
  /// spike_source: neuron spike_ids[j] spikes at spike_times[j] (ms), on step round(t / dt).
  std::vector<std::int64_t> spike_ids;
  std::vector<double> spike_times;

  /// Sets (or adds) one parameter.
  neuron_model& set(const std::string& param, values v);
  /// Izhikevich neurons with the given per-neuron parameters (as add_population takes them).
  static neuron_model from(const izhikevich& p);
  /// LIF, current input, PyNN's defaults (cm 1 nF, tau_m 20 ms, v_rest -65, v_reset -65,
  /// v_thresh -50 mV, tau_refrac 0.1 ms, i_offset 0 nA); set() others.
  static neuron_model lif() { return {"lif", {}, {}, {}}; }
  /// LIF, conductance input (also e_rev_E 0, e_rev_I -70 mV).
  static neuron_model lif_cond() { return {"lif_cond", {}, {}, {}}; }
  /// Independent Poisson spike trains of `rate_hz` (1 or n values).
  static neuron_model poisson_source(values rate_hz) { return {"poisson_source", {{"rate", std::move(rate_hz)}}, {}, {}}; }
  /// Given spike times (ms) per neuron, as (neuron, time) pairs.
  static neuron_model spike_source(std::vector<std::int64_t> ids, std::vector<double> times_ms) {
    return {"spike_source", {}, std::move(ids), std::move(times_ms)};
  }
};

/// A parameter of a model as models() describes it.
struct parameter_info {
  std::string name, unit;
  double default_value;  ///< NaN: required, or computed from the others (see `computed`)
  bool per_neuron;       ///< false: one value for the whole population
  bool computed;         ///< left out, it is computed from the others (e.g. u0 = b v0)
  bool integer;          ///< a whole number (e.g. v_substeps)
};

/// A recordable variable of a model: its state, then its input channels.
struct variable_info {
  std::string name, unit;
  std::string receptor;  ///< channels fed by projections of this receptor ("" otherwise)
  bool state;            ///< a state variable (else an input channel, recomputed each step)
};

/// A neuron model's description.
struct model_info {
  std::string name, summary;
  std::vector<parameter_info> parameters;
  std::vector<variable_info> variables;
  bool source;  ///< a spike source: takes no input or synapses
  bool jumps;   ///< accepts voltage jumps
};

/// Every registered neuron model.
std::vector<model_info> models();

/// The classic firing types of Izhikevich (2003), fig. 2.
namespace presets {
izhikevich regular_spiking();         ///< RS: a 0.02, b 0.2, c -65, d 8
izhikevich intrinsically_bursting();  ///< IB: a 0.02, b 0.2, c -55, d 4
izhikevich chattering();              ///< CH: a 0.02, b 0.2, c -50, d 2
izhikevich fast_spiking();            ///< FS: a 0.1, b 0.2, c -65, d 2
izhikevich low_threshold_spiking();   ///< LTS: a 0.02, b 0.25, c -65, d 2
izhikevich thalamo_cortical();        ///< TC: a 0.02, b 0.25, c -65, d 0.05
izhikevich resonator();               ///< RZ: a 0.1, b 0.26, c -65, d 2
/// The names above ("regular_spiking", ...), in this order.
std::vector<std::string> names();
/// The preset called `name` (one of names()); config_error otherwise.
izhikevich by_name(const std::string& name);
}  // namespace presets

/// Largest synaptic delay, in steps.
inline constexpr std::uint32_t max_delay_steps = 4096;
/// Largest window of a sampled kernel, in steps.
inline constexpr std::uint32_t max_kernel_steps = 4096;

/// How a synaptic event acts on its target (see kernel).
enum class kernel_type {
  instant,       ///< the weight is input current for one step
  voltage_jump,  ///< the weight is added to v at arrival (mV)
  exponential,   ///< current weight * exp(-t / tau)
  alpha,         ///< current weight * (t / tau) exp(1 - t / tau)
  sampled        ///< current weight * samples[m], m steps after arrival
};

/// Synaptic kernel kappa[m], m steps after arrival (see docs/numerics.md), and the receptor
/// it feeds.
struct kernel {
  kernel_type type = kernel_type::instant;
  double tau = 0.0;            ///< ms (exponential, alpha)
  std::vector<float> samples;  ///< kappa[m] (sampled)
  /// "": the target's current; else a receptor of its model ("excitatory", "inhibitory"
  /// of lif_cond, whose weights are conductances in µS, >= 0).
  std::string receptor;
  /// This kernel onto a receptor.
  kernel on(std::string r) const {
    kernel k = *this;
    k.receptor = std::move(r);
    return k;
  }
  /// kappa = [1]: current for exactly one step.
  static kernel instant() { return {}; }
  /// The weight is added to v directly at arrival (NEST-style jump).
  static kernel voltage_jump() { return {kernel_type::voltage_jump, 0.0, {}, {}}; }
  /// kappa[m] = exp(-m dt / tau), tau in ms (> 0).
  static kernel exponential(double tau) { return {kernel_type::exponential, tau, {}, {}}; }
  /// kappa[m] = (m dt / tau) exp(1 - m dt / tau): peak 1 at tau ms (> 0).
  static kernel alpha(double tau) { return {kernel_type::alpha, tau, {}, {}}; }
  /// Any kernel, given as its samples kappa[m] = f(m dt) (1 to max_kernel_steps values).
  static kernel sampled(std::vector<float> kappa) {
    return {kernel_type::sampled, 0.0, std::move(kappa), {}};
  }
};

/// The kinds of distribution.
enum class dist_type { constant, array, uniform, normal };

/// A weight or delay specification. Arrays hold one value per synapse: per (pre, post) pair
/// (index pre * n_post + post) for all-to-all and dense matrices, per pre for one-to-one,
/// in the order given for explicit synapses, and in (pre, post) order otherwise.
struct distribution {
  dist_type type = dist_type::constant;
  double p0 = 0.0, p1 = 0.0;  ///< value | low, high | mean, std
  double low = -std::numeric_limits<double>::infinity();  ///< clip (normal)
  double high = std::numeric_limits<double>::infinity();
  std::vector<float> array;  ///< one value per synapse (array)
  /// The same value for every synapse.
  static distribution constant(double v) {
    return {dist_type::constant, v, 0.0, -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::infinity(), {}};
  }
  /// One value per synapse (see the ordering above).
  static distribution from_array(std::vector<float> a) {
    distribution d;
    d.type = dist_type::array;
    d.array = std::move(a);
    return d;
  }
  /// Uniform in [low, high), drawn per synapse.
  static distribution uniform(double low, double high) {
    return {dist_type::uniform, low, high, -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::infinity(), {}};
  }
  /// Normal(mean, std) drawn per synapse, clipped to [low, high].
  static distribution normal(double mean, double std,
                             double low = -std::numeric_limits<double>::infinity(),
                             double high = std::numeric_limits<double>::infinity()) {
    return {dist_type::normal, mean, std, low, high, {}};
  }
};

/// The native connection rules.
enum class rule_type { all_to_all, one_to_one, fixed_probability, fixed_in_degree, fixed_out_degree };

/// A connection rule, built natively with the network's counter-based generator.
struct rule {
  rule_type type = rule_type::all_to_all;
  double p = 0.0;          ///< fixed_probability
  std::uint64_t k = 0;     ///< fixed in/out-degree
  bool allow_self = true;  ///< i -> i when source and target are the same population
  /// Every source to every target (dense rows when the delay is a constant).
  static rule all_to_all(bool allow_self = true) { return {rule_type::all_to_all, 0, 0, allow_self}; }
  /// Source i to target i (populations of equal size).
  static rule one_to_one() { return {rule_type::one_to_one, 0, 0, true}; }
  /// Each (pre, post) pair independently with probability p in [0, 1].
  static rule fixed_probability(double p, bool allow_self = true) {
    return {rule_type::fixed_probability, p, 0, allow_self};
  }
  /// Exactly k distinct sources for every target.
  static rule fixed_in_degree(std::uint64_t k, bool allow_self = true) {
    return {rule_type::fixed_in_degree, 0, k, allow_self};
  }
  /// Exactly k distinct targets for every source.
  static rule fixed_out_degree(std::uint64_t k, bool allow_self = true) {
    return {rule_type::fixed_out_degree, 0, k, allow_self};
  }
};

/// The kinds of external input.
enum class input_type { constant, noise, stream, pulses, poisson };

/// External input to a population: current (the units of its model's I), or, with
/// `to_v`, a jump of v (mV) right after the reset.
struct input {
  input_type type = input_type::constant;
  values mean;  ///< constant value, or noise mean (1 or n values); pulses, poisson: the weight
  values std;   ///< noise standard deviation (1 or n values)
  double rate = 0.0;  ///< pulses, poisson: mean rate per neuron, Hz
  bool to_v = false;  ///< the input is added to v instead of the current
  /// A constant current (1 or n values).
  static input constant(values v) { return {input_type::constant, std::move(v), {}, 0.0, false}; }
  /// Gaussian current mean + std * N(0, 1), drawn fresh each step (1 or n values each).
  static input noise(values mean, values std) {
    return {input_type::noise, std::move(mean), std::move(std), 0.0, false};
  }
  /// Random one-step pulses of `amplitude` at `rate` Hz per neuron: each step hits
  /// n*rate*dt/1000 neurons drawn uniformly (the fraction as a chance of one more).
  static input pulses(double rate_hz, float amplitude) {
    return {input_type::pulses, {amplitude}, {}, rate_hz, false};
  }
  /// Independent Poisson counts per neuron and step, of mean rate*dt/1000, each adding
  /// `weight` (like Brian2's PoissonInput, NEST's poisson_generator); `to_v`: onto v.
  static input poisson(double rate_hz, float weight, bool to_v = false) {
    return {input_type::poisson, {weight}, {}, rate_hz, to_v};
  }
  /// Values supplied before each simulation::advance (simulation::set_stream).
  static input stream() { return {input_type::stream, {}, {}, 0.0, false}; }
};

/// The kinds of synaptic plasticity.
enum class plasticity_type { none, stdp, izhikevich_2006 };

/// A plasticity rule of a projection (docs/numerics.md, "Plasticity"). The delay is
/// dendritic: a pre spike meets the synapse when it arrives (depression, with the post
/// trace), a post spike when it fires (potentiation, with the trace of the arrivals).
struct plasticity {
  plasticity_type type = plasticity_type::none;
  double tau_plus = 20.0, tau_minus = 20.0;  ///< ms, of the pre (arrival) and post traces
  double a_plus = 0.01, a_minus = 0.012;     ///< amplitudes (weight units; multiplicative: fractions)
  double w_min = 0.0, w_max = 1.0;           ///< weights stay within [w_min, w_max]
  bool multiplicative = false;               ///< stdp: dw = a (w_max - w) x, -a (w - w_min) y
  double interval = 1000.0;                  ///< izhikevich_2006: ms between weight changes
  double bias = 0.01;                        ///< izhikevich_2006: w += bias + sd each interval
  double sd_decay = 0.9;                     ///< izhikevich_2006: sd *= sd_decay each interval
  /// Pair-based STDP with all-to-all pairing through exponential traces (NEST's
  /// stdp_synapse, PyNN's SpikePairRule): additive or multiplicative weight dependence.
  static plasticity stdp(double tau_plus, double tau_minus, double a_plus, double a_minus, double w_min,
                         double w_max, bool multiplicative = false) {
    return {plasticity_type::stdp, tau_plus, tau_minus, a_plus, a_minus, w_min, w_max, multiplicative,
            1000.0, 0.01, 0.9};
  }
  /// Izhikevich (2006): pre and post traces set to 1 at each spike and decaying with tau,
  /// LTP (+a_plus x) and LTD (-a_minus y) summed into a derivative sd per synapse; every
  /// `interval` ms, w += bias + sd, clipped to [w_min, w_max], then sd *= sd_decay.
  static plasticity izhikevich_2006(double tau = 20.0, double a_plus = 0.1, double a_minus = 0.12,
                                    double w_max = 10.0, double interval = 1000.0, double bias = 0.01,
                                    double sd_decay = 0.9) {
    return {plasticity_type::izhikevich_2006, tau, tau, a_plus, a_minus, 0.0, w_max, false, interval, bias, sd_decay};
  }
};

/// Built synapses of a projection, in (pre, post) order.
struct synapse_list {
  std::vector<std::int32_t> pre;   ///< source neuron
  std::vector<std::int32_t> post;  ///< target neuron
  std::vector<double> weight;             ///< the exact values the engine uses
  std::vector<std::int32_t> delay_steps;  ///< D >= 1
};

/// A network description. Cheap to copy (copies share one description); frozen once a
/// simulation is made of it. Every method throws config_error (message naming the
/// population or projection, the parameter and the bad value) on bad input, and
/// snn::error when another thread is using the network or running a simulation of it at
/// the same time (a network is used by one thread at a time).
class network {
 public:
  /// \param dt time step in ms (> 0, a normal float32: 1.2e-38 to 3.4e38); \param seed
  /// fixes every random draw.
  explicit network(double dt, std::uint64_t seed = 0);

  /// The time step, ms.
  double dt() const;
  /// The seed of every random draw.
  std::uint64_t seed() const;

  /// Adds n neurons of a model; returns the population index. An empty label becomes
  /// "pop<index>".
  std::size_t add_population(std::int64_t n, const neuron_model& model, const std::string& label = "");
  /// Adds n Izhikevich neurons.
  std::size_t add_population(std::int64_t n, const izhikevich& params, const std::string& label = "");
  /// Parameters of the heterogeneous populations of Izhikevich's 2003 network, drawn per
  /// neuron for the population that is added next.
  izhikevich izhikevich_2003(std::int64_t n, bool excitatory) const;

  /// Connects by a native rule; returns the projection index. An empty label becomes
  /// "pre->post" (numbered "#i" when that pair is already connected). `rule`: see
  /// set_plasticity; a projection that cannot take it is not added.
  std::size_t connect(std::size_t pre, std::size_t post, const rule& r, const distribution& weight,
                      const distribution& delay, const kernel& k, const std::string& label = "",
                      const plasticity& rule = {});
  /// Connects by a dense matrix w[pre * n_post + post]; zero entries are absent synapses.
  std::size_t connect_dense(std::size_t pre, std::size_t post, const float* w, std::size_t n_pre,
                            std::size_t n_post, const distribution& delay, const kernel& k,
                            const std::string& label = "", const plasticity& rule = {});
  /// Connects explicit synapses pre_ids[i] -> post_ids[i].
  std::size_t connect_explicit(std::size_t pre, std::size_t post, const std::int64_t* pre_ids,
                               const std::int64_t* post_ids, std::size_t n,
                               const distribution& weight, const distribution& delay,
                               const kernel& k, const std::string& label = "", const plasticity& rule = {});

  /// Makes a projection plastic (before the network is simulated). Dense or one-weight
  /// projections are stored again as sparse rows with a weight per synapse; every weight
  /// must lie within [w_min, w_max], and the fixed-point scale is chosen so that the whole
  /// range is representable. On a ConfigError the projection is left as it was.
  void set_plasticity(std::size_t projection, const plasticity& rule);

  /// Adds an input; returns its index among the population's inputs.
  std::size_t add_input(std::size_t population, const input& in);

  /// Number of populations.
  std::size_t population_count() const;
  /// Number of projections.
  std::size_t projection_count() const;
  /// Number of neurons of a population.
  std::size_t population_size(std::size_t population) const;
  /// Label of a population.
  const std::string& population_label(std::size_t population) const;
  /// Label of a projection.
  const std::string& projection_label(std::size_t projection) const;
  /// The label connect() would give a projection from pre to post with `label` now:
  /// `label`, or "pre->post" (numbered "#i" when that pair is already connected).
  std::string projection_name(std::size_t pre, std::size_t post, const std::string& label = "") const;
  /// The model of a population and its parameters as stored (n values each, one for the
  /// population-wide ones), computed ones included.
  neuron_model population_model(std::size_t population) const;
  /// The value of a variable of the population's model before the first step (input
  /// channels: 0), one per neuron.
  std::vector<float> initial_state(std::size_t population, const std::string& variable) const;
  /// Per-neuron parameters a, b, c, d, v0, u0 (n values each) of an Izhikevich population.
  izhikevich parameters(std::size_t population) const;
  /// Number of synapses of a projection (distributed: those this process stores).
  std::uint64_t synapse_count(std::size_t projection) const;
  /// True if the projection is stored as dense rows (no per-synapse indices).
  bool is_dense(std::size_t projection) const;
  /// Bytes the projection's connectivity occupies.
  std::uint64_t projection_bytes(std::size_t projection) const;
  /// The built synapses of a projection, in (pre, post) order (distributed: those onto this
  /// process's neurons).
  synapse_list synapses(std::size_t projection) const;

  /// Distributes the network over the processes of an MPI communicator (a build with
  /// SNN_HAVE_MPI; MPI initialised; before any population is added): every process then
  /// makes the same calls, owns a block of every population (owned(): about n / P neurons, in
  /// units of 64), stores the synapses onto it and integrates it; a simulation exchanges the
  /// spikes once per shortest delay. Results are those of one process, bit for bit.
  template <class MpiComm>
  void distribute(MpiComm comm) {
    static_assert(sizeof(MpiComm) <= sizeof(std::intptr_t), "an MPI_Comm handle");
    std::intptr_t handle = 0;
    std::memcpy(&handle, &comm, sizeof comm);
    distribute_handle(handle);
  }
  /// The same with the communicator as an integer (mpi4py's MPI._handleof(comm)).
  void distribute_handle(std::intptr_t mpi_comm);
  /// This process's rank among those the network is distributed over (0 if it is not).
  int process() const;
  /// Number of processes (1 unless distributed).
  int processes() const;
  /// The neurons of a population this process owns: [first, last) (all with one process).
  std::pair<std::size_t, std::size_t> owned(std::size_t population) const;

  /// The shared description (engine internals; not needed by embedders).
  std::shared_ptr<network_data> data() const { return data_; }

 private:
  std::shared_ptr<network_data> data_;
};

}  // namespace snn
