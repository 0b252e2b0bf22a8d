#pragma once
/// \file snn.hpp
/// The whole public C++ API of snn in one include:
///
///     #include <snn/snn.hpp>
///
/// - snn/network.hpp: snn::network (populations, projections, inputs) and its value types
///   (izhikevich, presets, kernel, distribution, rule, input, synapse_list);
/// - snn/simulation.hpp: snn::simulation (backend, threads, runs, recordings, state);
/// - snn/checkpoint.hpp: save_network / load_network and the named arrays of checkpoints
///   (simulation::save_state / load_state give the state);
/// - snn/errors.hpp: the exceptions every call may throw (snn::config_error, ...);
/// - snn/config.hpp: SNN_VERSION and SNN_HAVE_CUDA of the installed build.
///
/// Link the CMake target snn::snn (find_package(snn)).
#include "snn/checkpoint.hpp"
#include "snn/config.hpp"
#include "snn/errors.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"
