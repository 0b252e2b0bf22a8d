#pragma once
// Building populations and their inputs (populations.cpp).
#include <string>

#include "network_data.hpp"

namespace snn {

/// Bytes a population of n neurons of a model takes (parameters, state, channels, spike
/// times), for the memory check before it is built.
double population_bytes(const model_desc& desc, std::uint32_t n, std::size_t n_spikes);
/// A population of n neurons of model m (its parameters checked, its initial state set);
/// `who` names it in messages. The label and inputs are the caller's.
population_data build_population(const std::string& who, std::uint32_t n, const neuron_model& m, double dt);
/// The model and parameters of a population, as stored.
neuron_model population_model(const population_data& pop);
/// An input of `pop`, checked.
input_data build_input(const std::string& who, const population_data& pop, const input& in, double dt);

}  // namespace snn
