"""A short run of every parity network of test_gpu.py on the CUDA backend, with all traces,
split into uneven runs: the program tests/gpu_checks.sh runs under compute-sanitizer."""

import sys

from test_gpu import NETWORKS


def main() -> int:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    for name, build in sorted(NETWORKS.items()):
        net, _ = build()
        spikes = 0
        for part in (steps // 4, steps - steps // 4):
            res = net.run(part * net.dt, record=["v", "u", "I"], backend="cuda", progress=False)
            spikes += res.spike_count
        print(f"{name}: {steps} steps on {net._sim.backend}, {spikes} spikes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
