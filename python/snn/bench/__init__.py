"""``python -m snn.bench``: snn's benchmark workloads, side by side with Brian2 and NEST.

Workloads (:mod:`.workloads`; the LIF ones in :mod:`.lif_workloads`) are network specs
that snn, Brian2 and NEST each build with their own idioms; :mod:`.runner` measures them
(snn in this process, the peers in their own interpreter through :mod:`.peer_worker`);
:mod:`.__main__` is the command.
"""

from .runner import check_latency, compare_rates, measure_peer, measure_snn
from .workloads import UNAVAILABLE, WORKLOADS, Workload, build, register

__all__ = ["UNAVAILABLE", "WORKLOADS", "Workload", "build", "check_latency", "compare_rates",
           "measure_peer", "measure_snn", "register"]
