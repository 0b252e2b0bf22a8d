#pragma once
/// \file snn.hpp
/// The whole public C++ API of snn in one include:
///
///     #include <snn/snn.hpp>
///
/// - snn/network.hpp: snn::network (populations, projections, inputs) and its value types
///   (izhikevich, presets, kernel, distribution, rule, input, synapse_list);
/// - snn/simulation.hpp: snn::simulation (backend, threads, runs, recordings, state);
/// - snn/errors.hpp: the exceptions every call may throw (snn::config_error, ...);
/// - snn/config.hpp: SNN_VERSION and SNN_HAVE_CUDA of the installed build.
///
/// Link the CMake target snn::snn (find_package(snn)).
#include "snn/config.hpp"
#include "snn/errors.hpp"
#include "snn/network.hpp"
#include "snn/simulation.hpp"
