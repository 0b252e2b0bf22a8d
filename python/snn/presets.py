"""Izhikevich (2003) neuron presets: parameters a, b, c, d of the classic firing types."""

from __future__ import annotations

#: Fig. 2 of Izhikevich, "Simple model of spiking neurons", IEEE TNN 14 (2003).
PRESETS: dict[str, dict[str, float]] = {
    "regular_spiking": {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0},
    "intrinsically_bursting": {"a": 0.02, "b": 0.2, "c": -55.0, "d": 4.0},
    "chattering": {"a": 0.02, "b": 0.2, "c": -50.0, "d": 2.0},
    "fast_spiking": {"a": 0.1, "b": 0.2, "c": -65.0, "d": 2.0},
    "low_threshold_spiking": {"a": 0.02, "b": 0.25, "c": -65.0, "d": 2.0},
    "thalamo_cortical": {"a": 0.02, "b": 0.25, "c": -65.0, "d": 0.05},
    "resonator": {"a": 0.1, "b": 0.26, "c": -65.0, "d": 2.0},
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
