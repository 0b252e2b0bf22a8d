"""Figures of runs: raster plots, traces of v / u / I, firing-rate histograms.

Works with native results (:class:`snn.Result`) and with ``snn.network`` nuclei. Needs
matplotlib, an optional extra: ``pip install "snn[plot]"``. Importing this module does not;
drawing without it raises :class:`ImportError` saying so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_neuron_by_idx", "raster", "raster_plot", "rate_histogram", "savefig", "show",
           "traces"]

_MISSING = ("snn.plot needs matplotlib, an optional extra: pip install \"snn[plot]\" "
            "(or pip install matplotlib)")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(_MISSING) from exc
    return plt


class _Group:
    """One population's spikes and traces, from a native result or a nucleus."""

    def __init__(self, label: str, size: int, times: np.ndarray, ids: np.ndarray,
                 traces: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], duration: float) -> None:
        self.label, self.size, self.times, self.ids = label, size, times, ids
        self.traces = traces  # var -> (times ms, neuron ids, samples (time, neuron))
        self.duration = duration


def _groups(source: Any) -> list[_Group]:
    """A native Result or PopulationResult, a nucleus, or a list of nuclei."""
    items = source if isinstance(source, (list, tuple)) else [source]
    if hasattr(source, "dt") and hasattr(source, "__iter__") and not isinstance(source, (list, tuple)):
        return [_from_population(r, source.dt) for r in source]
    out = []
    for x in items:
        if hasattr(x, "historique"):
            out.append(_from_nucleus(x))
        elif hasattr(x, "spike_times"):
            out.append(_from_population(x, None))
        else:
            raise TypeError(f"snn.plot: expected a snn.Result, a population result or Izhi_Nucleus "
                            f"objects, got {x!r}")
    return out


def _from_population(r: Any, dt: float | None) -> _Group:
    traces = {}
    for var, data in r.traces.items():
        steps = r.trace_steps[var]
        t = steps * dt if dt is not None else steps.astype(float)
        traces[var] = (t, r.trace_neurons[var], data)
    return _Group(r.label, r.size, r.spike_times, r.spike_ids, traces, r._duration_ms)


def _from_nucleus(N: Any) -> _Group:
    h = N.historique
    if h is None:
        raise ValueError(f"{N!r} has not been simulated yet (call simulate first)")
    M, dt = h["v"].shape[0], h["dt"]
    t = np.arange(M) * dt
    times = h["spike_steps"] * dt
    traces = {var: (t, np.arange(N.n), h[var][:, :, 0]) for var in ("v", "u", "I")}
    label = str(N.label) if N.label is not None else "nucleus"
    return _Group(label, N.n, times, h["spike_ids"], traces, float(h["t"]))


def raster(source: Any, ax: Any = None, title: str | None = None, markersize: float = 1.0) -> Any:
    """Raster plot of every population, stacked, coloured and labelled; time in ms.
    Returns the figure."""
    plt = _pyplot()
    groups = _groups(source)
    fig, ax = (plt.subplots(figsize=(9, 5)) if ax is None else (ax.figure, ax))
    offset, ticks, names = 0, [], []
    for i, g in enumerate(groups):
        color = f"C{i % 10}"
        ax.plot(g.times, g.ids + offset, "|", color=color, markersize=markersize,
                label=f"{g.label} ({_rate(g):.2f} Hz)")
        ticks.append(offset + g.size / 2)
        names.append(g.label)
        offset += g.size
        if i + 1 < len(groups):
            ax.axhline(offset - 0.5, color="0.8", linewidth=0.5)
    ax.set_yticks(ticks, names)
    ax.set_ylim(-0.5, offset - 0.5)
    ax.set_xlim(0, max(g.duration for g in groups))
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (by population)")
    ax.set_title(title or "Raster plot")
    ax.legend(loc="upper right", fontsize="small", markerscale=6)
    return fig


def _rate(g: _Group) -> float:
    return 1000.0 * g.ids.size / (g.duration * g.size) if g.duration > 0 else 0.0


def traces(source: Any, var: str = "v", neurons: Any = 0, ax: Any = None, title: str | None = None) -> Any:
    """``var`` ("v", "u" or "I") of the chosen ``neurons`` (indices within each population)
    over time in ms, for each population of ``source``. Returns the figure."""
    plt = _pyplot()
    groups = _groups(source)
    fig, ax = (plt.subplots(figsize=(9, 4)) if ax is None else (ax.figure, ax))
    for g in groups:
        if var not in g.traces:
            raise ValueError(f"population '{g.label}' has no recorded '{var}' "
                             f"(record it with net.run(..., record=['{var}']))")
        t, ids, data = g.traces[var]
        for i in np.atleast_1d(neurons):
            col = np.flatnonzero(ids == int(i))
            if col.size == 0:
                raise ValueError(f"population '{g.label}': neuron {i} was not recorded for '{var}'")
            ax.plot(t, data[:, col[0]], linewidth=0.8, label=f"{g.label} neuron {int(i)}")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel({"v": "v (mV)", "u": "u", "I": "I"}.get(var, var))
    ax.set_title(title or f"{var} over time")
    ax.legend(loc="upper right", fontsize="small")
    return fig


def rate_histogram(source: Any, bins: int = 30, ax: Any = None, title: str | None = None) -> Any:
    """Histogram of the neurons' firing rates (Hz), one per population. Returns the figure."""
    plt = _pyplot()
    groups = _groups(source)
    fig, ax = (plt.subplots(figsize=(7, 4)) if ax is None else (ax.figure, ax))
    for i, g in enumerate(groups):
        counts = np.bincount(g.ids, minlength=g.size)
        rates = counts * (1000.0 / g.duration) if g.duration > 0 else counts * 0.0
        ax.hist(rates, bins=bins, histtype="step", color=f"C{i % 10}", label=g.label)
    ax.set_xlabel("firing rate (Hz)")
    ax.set_ylabel("neurons")
    ax.set_title(title or "Firing rates")
    ax.legend(loc="upper right", fontsize="small")
    return fig


# --- the old library's functions -----------------------------------------------------------------


def raster_plot(nucleus: Any, label: str | None = None, **kwargs: Any) -> Any:
    """Raster plot of one nucleus (or several); returns the figure (old ``snn.network``)."""
    title = "Raster plot" if label is None else f"Raster plot ({label})"
    nuclei = nucleus if isinstance(nucleus, (list, tuple)) else [nucleus]
    if len(nuclei) == 1 and getattr(nuclei[0], "label", None) is not None:
        title = f"Raster plot of {nuclei[0].label}" + ("" if label is None else f" ({label})")
    return raster(nuclei, title=title, **kwargs)


def plot_neuron_by_idx(T: float, dt: float, nuclei_idxs: Any, idxs: Any = None, names: Any = None,
                       variables: Any = ("v",), **kwargs: Any) -> Any:
    """Traces of chosen neurons (old ``snn.network``): ``nuclei_idxs`` is ``{nucleus: idxs}``,
    or a nucleus with ``idxs``. One figure per variable; a single figure for one variable."""
    plt = _pyplot()
    pairs = list(nuclei_idxs.items()) if isinstance(nuclei_idxs, dict) else [(nuclei_idxs, idxs)]
    variables = [variables] if isinstance(variables, str) else list(variables)
    figs = []
    for var in variables:
        fig, ax = plt.subplots(figsize=(9, 4))
        k = 0
        for N, ids in pairs:
            g = _from_nucleus(N)
            t, _, data = g.traces[var]
            for i in np.atleast_1d(0 if ids is None else ids):
                name = names[k] if names is not None and k < len(names) else f"{g.label} neuron {int(i)}"
                ax.plot(t, data[:, int(i)], label=name, **kwargs)
                k += 1
        ax.set_xlabel("time (ms)")
        ax.set_ylabel(var)
        ax.set_title(f"Individual neurons plot for variable {var}")
        ax.legend(loc="upper right", fontsize="small")
        figs.append(fig)
    return figs[0] if len(figs) == 1 else figs


def show() -> None:
    """Shows the open figures (matplotlib's ``show``)."""
    _pyplot().show()


def savefig(fig_or_path: Any, path: Any = None, **kwargs: Any) -> None:
    """``savefig(path)`` saves the current figure; ``savefig(fig, path)`` that figure."""
    plt = _pyplot()
    if path is None:
        plt.savefig(fig_or_path, **kwargs)
    else:
        fig_or_path.savefig(path, **kwargs)
