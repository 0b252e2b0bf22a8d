"""CPU vs CUDA parity (skipped without a CUDA device)."""

import numpy as np
import pytest
from test_threads import izhikevich_2003

import snn


@pytest.mark.gpu
def test_cpu_and_cuda_give_identical_results():
    results = {}
    for backend in ("cpu", "cuda"):
        net, pops = izhikevich_2003(23)
        try:
            res = net.run(500.0, record=[snn.Trace("v", neurons=np.arange(50))],
                          backend=backend)
        except snn.BackendUnavailable as exc:
            if backend == "cuda":
                pytest.skip(f"CUDA engine not available: {exc}")
            raise
        results[backend] = {p.label: (res[p].spike_steps, res[p].spike_ids, res[p].v)
                            for p in pops}
    cpu, gpu = results["cpu"], results["cuda"]
    assert cpu["exc"][0].size > 500
    for label in cpu:
        for name, a, b in zip(("spike_steps", "spike_ids", "v"), cpu[label], gpu[label]):
            assert np.array_equal(a, b), f"{label}.{name} differs between cpu and cuda"
