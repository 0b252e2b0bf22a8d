"""Izhikevich (2003) neuron presets: parameters a, b, c, d of the classic firing types."""

from __future__ import annotations

import numpy as np

from . import _core

#: Fig. 2 of Izhikevich, "Simple model of spiking neurons", IEEE TNN 14 (2003). The table
#: lives in the engine (snn::presets); its float32 values are shown by their shortest
#: decimal form (0.02, not 0.019999999552965164).
PRESETS: dict[str, dict[str, float]] = {
    name: {k: float(str(np.float32(v))) for k, v in _core.preset(name).items()}
    for name in _core.preset_names()
}

#: Heterogeneous populations of the 2003 network; parameters are drawn per neuron.
RANDOM_PRESETS = {"izhikevich2003_excitatory": True, "izhikevich2003_inhibitory": False}

ALIASES = {
    "RS": "regular_spiking",
    "IB": "intrinsically_bursting",
    "CH": "chattering",
    "FS": "fast_spiking",
    "LTS": "low_threshold_spiking",
    "TC": "thalamo_cortical",
    "RZ": "resonator",
}
