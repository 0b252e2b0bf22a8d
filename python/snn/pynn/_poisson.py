"""Spike times of a Poisson source over a window, drawn as the engine draws them.

A PyNN ``SpikeSourcePoisson`` with a ``start`` or a finite ``duration`` has no native
counterpart (``snn.PoissonSource`` spikes from step 0 on, for ever), so its spikes are drawn
here, once, when the network is built, and given to the engine as ``snn.SpikeSource``
times. They are drawn with the engine's own generator (docs/numerics.md, "Spike sources"):
neuron ``i`` of population ``pop`` spikes at step ``k`` when word 0 of Philox4x32-10 at
counter ``(i, k & 0xffffffff, k >> 32, 7 << 24 | pop)``, key ``(seed & 0xffffffff, seed >>
32)``, is below ``p * 2^32``, ``p = float32(float32(rate) * dt / 1000)``. Inside its window
such a source therefore spikes exactly where a native ``snn.PoissonSource`` with the same
rate, seed and population index would.
"""

from __future__ import annotations

import numpy as np

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_LOW = np.uint64(0xFFFFFFFF)
_POISSON_SOURCE = 7  # the engine's purpose code for Poisson sources


def philox_word0(c0: np.ndarray, c1: np.ndarray, c2: np.ndarray, c3: int, seed: int) -> np.ndarray:
    """Word 0 of Philox4x32-10 for arrays of counter words (uint32 values), one key."""
    x0, x1, x2 = (np.asarray(c, dtype=np.uint64) & _LOW for c in (c0, c1, c2))
    x3 = np.full(x0.shape, np.uint64(c3 & 0xFFFFFFFF))
    k0, k1 = seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF
    for _ in range(10):
        p0, p1 = _M0 * x0, _M1 * x2  # 32 x 32 -> 64 bits, exact in uint64
        x0, x1, x2, x3 = ((p1 >> np.uint64(32)) ^ x1 ^ np.uint64(k0), p1 & _LOW,
                          (p0 >> np.uint64(32)) ^ x3 ^ np.uint64(k1), p0 & _LOW)
        k0, k1 = (k0 + _W0) & 0xFFFFFFFF, (k1 + _W1) & 0xFFFFFFFF
    return x0


def window_spike_times(rate: np.ndarray, first: np.ndarray, stop: np.ndarray, dt: float, seed: int,
                       population: int, chunk: int = 1 << 22) -> list[np.ndarray]:
    """The spike times (ms) of each neuron ``i`` over steps ``first[i] <= k < stop[i]``."""
    p = (np.asarray(rate, np.float32).astype(np.float64) * dt / 1000.0).astype(np.float32)
    threshold = p.astype(np.float64) * 4294967296.0
    c3 = (_POISSON_SOURCE << 24) | (population & 0xFFFFFF)
    out = []
    for i in range(len(threshold)):
        steps = []
        for lo in range(int(first[i]), int(stop[i]), chunk):
            k = np.arange(lo, min(int(stop[i]), lo + chunk), dtype=np.uint64)
            word = philox_word0(np.full(k.shape, i, np.uint64), k & _LOW, k >> np.uint64(32), c3, seed)
            steps.append(k[word.astype(np.float64) < threshold[i]])
        out.append(np.concatenate(steps).astype(np.float64) * dt if steps else np.zeros(0))
    return out
