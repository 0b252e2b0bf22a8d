#pragma once
// Rebuilding a network from a checkpoint (checkpoint_network.cpp): projections are restored
// as they were stored, not generated again, and checked as they are read.
#include <string>

#include "network_data.hpp"

namespace snn {

/// Checks the stored connectivity of a projection read from a checkpoint (delays, CSR rows,
/// keys, array sizes, the rule) so that no index points outside its arrays; config_error
/// naming the projection otherwise.
void check_storage(const std::string& who, const projection_data& p, std::uint32_t n_pre, std::uint32_t n_post,
                   double dt);

/// Appends projection p (its label, populations, storage, weights and rule as stored) to
/// the network after the checks of connect() on its populations, label and kernel `k`
/// (which sets its kernel data and channel) and check_storage (network.cpp).
void restore_projection(network_data& d, projection_data&& p, const kernel& k);

}  // namespace snn
