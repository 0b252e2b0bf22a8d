"""Figures of runs: raster plots, traces of v / u / I, firing-rate histograms.

Works with native results (:class:`snn.Result`) and with ``snn.network`` nuclei. Needs
matplotlib, an optional extra: ``pip install "snn[plot]"``. Importing this module does not;
drawing without it raises :class:`ImportError` saying so.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["COLUMN_WIDTH", "PAPER", "plot_neuron_by_idx", "raster", "raster_plot", "rate_histogram",
           "savefig", "show", "style", "traces"]

_MISSING = ("snn.plot needs matplotlib, an optional extra: pip install \"snn[plot]\" "
            "(or pip install matplotlib)")

#: One journal column, inches (86 mm; two columns are about 7 in).
COLUMN_WIDTH = 3.4

#: matplotlib settings of a figure for a paper at one column width: 8 pt text, thin axes
#: without the top and right spines, legends without frames, 300 dpi when saved.
PAPER: dict[str, Any] = {
    "figure.figsize": (COLUMN_WIDTH, 2.4), "figure.dpi": 150, "savefig.dpi": 300,
    "savefig.bbox": "tight", "savefig.pad_inches": 0.03,
    "font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "xtick.labelsize": 7, "ytick.labelsize": 7,
    "legend.fontsize": 7, "axes.linewidth": 0.6, "axes.spines.top": False, "axes.spines.right": False,
    "xtick.major.width": 0.6, "ytick.major.width": 0.6, "xtick.major.size": 2.5, "ytick.major.size": 2.5,
    "axes.titlepad": 4.0, "axes.labelpad": 2.0, "lines.linewidth": 0.9, "legend.frameon": False,
    "legend.handlelength": 1.2, "legend.columnspacing": 1.2, "legend.borderaxespad": 0.2,
}


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(_MISSING) from exc
    return plt


def style() -> Any:
    """A context in which figures are drawn in :data:`PAPER`'s style:
    ``with snn.plot.style(): fig = ...``. snn.plot's functions use it for the figures they
    create themselves."""
    return _pyplot().rc_context(PAPER)


def _styled(draw: Callable[..., Any]) -> Callable[..., Any]:
    """Runs a drawing function in the paper style, unless it is given axes to draw on."""
    signature = inspect.signature(draw)

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ax = signature.bind(*args, **kwargs).arguments.get("ax")
        with style() if ax is None else contextlib.nullcontext():
            return draw(*args, **kwargs)

    return wrapper


def _figure(ax: Any, height: float) -> tuple[Any, Any]:
    """A new one-column figure and axes, or ``ax`` and its figure."""
    if ax is not None:
        return ax.figure, ax
    return _pyplot().subplots(figsize=(COLUMN_WIDTH, height), layout="constrained")


def _legend_below(ax: Any, n: int, **kwargs: Any) -> Any:
    """A legend under the axes, outside the data, in up to four columns."""
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=max(1, min(4, n)), **kwargs)


# Izhikevich's variables, for nuclei of the old library (native results carry their model)
_IZHIKEVICH_UNITS = {"v": "mV", "u": "mV/ms", "I": "mV/ms"}


def _units(model: str | None) -> dict[str, str]:
    if model is None:
        return dict(_IZHIKEVICH_UNITS)
    from ._models import models_info

    for m in models_info():
        if m["name"] == model:
            return {v["name"]: v["unit"].replace("uS", "µS") for v in m["variables"]}
    return {}


def _label(var: str, units: dict[str, str]) -> str:
    unit = units.get(var, "")
    return f"{var} ({unit})" if unit and unit != "steps" else var


class _Group:
    """One population's spikes and traces, from a native result or a nucleus."""

    def __init__(self, label: str, size: int, times: np.ndarray, ids: np.ndarray,
                 traces: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], duration: float,
                 units: dict[str, str], t_start: float = 0.0) -> None:
        self.label, self.size, self.times, self.ids = label, size, times, ids
        self.traces = traces  # var -> (times ms, neuron ids, samples (time, neuron))
        self.duration, self.units, self.t_start = duration, units, t_start


def _groups(source: Any) -> list[_Group]:
    """A native Result or PopulationResult, a nucleus, or a list of nuclei."""
    items = source if isinstance(source, (list, tuple)) else [source]
    if hasattr(source, "dt") and hasattr(source, "__iter__") and not isinstance(source, (list, tuple)):
        return [_from_population(r, source.dt, source.t_start) for r in source]
    out = []
    for x in items:
        if hasattr(x, "historique"):
            out.append(_from_nucleus(x))
        elif hasattr(x, "spike_times"):
            out.append(_from_population(x, None, None))
        else:
            raise TypeError(f"snn.plot: expected a snn.Result, a population result or Izhi_Nucleus "
                            f"objects, got {x!r}")
    return out


def _from_population(r: Any, dt: float | None, t_start: float | None) -> _Group:
    traces = {}
    for var, data in r.traces.items():
        steps = r.trace_steps[var]
        t = steps * dt if dt is not None else steps.astype(float)
        traces[var] = (t, r.trace_neurons[var], data)
    if t_start is None:  # a population result alone: its run ends at its last time or its duration
        end = max(r._duration_ms, float(r.spike_times.max()) if r.spike_times.size else 0.0)
        t_start = max(0.0, end - r._duration_ms)
    return _Group(r.label, r.size, r.spike_times, r.spike_ids, traces, r._duration_ms,
                  _units(getattr(r, "model", "")), t_start)


def _from_nucleus(N: Any) -> _Group:
    h = N.historique
    if h is None:
        raise ValueError(f"{N!r} has not been simulated yet (call simulate first)")
    M, dt = h["v"].shape[0], h["dt"]
    t = np.arange(M) * dt
    times = h["spike_steps"] * dt
    traces = {var: (t, np.arange(N.n), h[var][:, :, 0]) for var in ("v", "u", "I")}
    label = str(N.label) if N.label is not None else "nucleus"
    return _Group(label, N.n, times, h["spike_ids"], traces, float(h["t"]), dict(_IZHIKEVICH_UNITS))


@_styled
def raster(source: Any, ax: Any = None, title: str | None = None, markersize: float | None = None) -> Any:
    """Raster plot of every population, stacked: time (ms) across, the neuron index (counted
    through the populations in order) up, each population in its colour. Several
    populations are named, with their rates, on the right, outside the data; one is named
    in a legend under the axes. Returns the figure.

    ``markersize`` (points): None picks one from the neurons per point of height, so that
    dense rasters stay readable."""
    groups = _groups(source)
    fig, ax = _figure(ax, 2.6)
    total = max(1, sum(g.size for g in groups))
    height_pt = ax.get_position().height * fig.get_figheight() * 72
    per_neuron = height_pt / total  # points of height per neuron
    dense = per_neuron < 1.5
    if markersize is None:
        markersize = 1.6 if dense else float(np.clip(per_neuron, 2.0, 6.0))
    marker = dict(marker="." if dense else "|", markersize=markersize, markeredgewidth=0 if dense else 0.7,
                  linestyle="none")
    offset, ticks, names = 0, [], []
    for i, g in enumerate(groups):
        ax.plot(g.times, g.ids + offset, color=f"C{i % 10}", label=f"{g.label} ({_rate(g):.2f} Hz)",
                rasterized=g.times.size > 20000, **marker)
        ticks.append(offset + (g.size - 1) / 2)
        names.append(f"{g.label} {_rate(g):.3g} Hz")
        offset += g.size
        if i + 1 < len(groups):
            ax.axhline(offset - 0.5, color="0.75", linewidth=0.4, zorder=0)
    ax.set_ylim(-0.5, offset - 0.5)
    t0 = min(g.t_start for g in groups)
    ax.set_xlim(t0, t0 + max(g.duration for g in groups))
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron index")
    if len(groups) > 1:
        right = ax.secondary_yaxis("right")
        right.set_yticks(ticks, names)
        right.tick_params(length=0, pad=2)
        right.spines["right"].set_visible(False)
        for label, i in zip(right.get_yticklabels(), range(len(groups))):
            label.set_color(f"C{i % 10}")
    elif groups:
        _legend_below(ax, 1, markerscale=max(1.0, 4.0 / markersize), handletextpad=0.3)
    ax.set_title(title or "Raster plot")
    return fig


def _rate(g: _Group) -> float:
    return 1000.0 * g.ids.size / (g.duration * g.size) if g.duration > 0 else 0.0


@_styled
def traces(source: Any, var: str = "v", neurons: Any = 0, ax: Any = None, title: str | None = None) -> Any:
    """``var`` ("v", "u", "I", "g_E", ...) of the chosen ``neurons`` (indices within each
    population) over time (ms), for each population of ``source``; the axis says the
    variable's unit, the legend (under the axes) which neuron is which. Returns the figure."""
    groups = _groups(source)
    fig, ax = _figure(ax, 2.2)
    lines = 0
    for g in groups:
        if var not in g.traces:
            raise ValueError(f"population '{g.label}' has no recorded '{var}' "
                             f"(record it with net.run(..., record=['{var}']))")
        t, ids, data = g.traces[var]
        for i in np.atleast_1d(neurons):
            col = np.flatnonzero(ids == int(i))
            if col.size == 0:
                raise ValueError(f"population '{g.label}': neuron {i} was not recorded for '{var}'")
            ax.plot(t, data[:, col[0]], label=f"{g.label} neuron {int(i)}")
            lines += 1
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(_label(var, groups[0].units if groups else {}))
    ax.set_title(title or f"{var} over time")
    ax.margins(x=0)
    _legend_below(ax, lines)
    return fig


@_styled
def rate_histogram(source: Any, bins: int = 30, ax: Any = None, title: str | None = None) -> Any:
    """Histogram of the neurons' firing rates (Hz), one outline per population (legend under
    the axes). Returns the figure."""
    groups = _groups(source)
    fig, ax = _figure(ax, 2.2)
    for i, g in enumerate(groups):
        counts = np.bincount(g.ids, minlength=g.size)
        rates = counts * (1000.0 / g.duration) if g.duration > 0 else counts * 0.0
        ax.hist(rates, bins=bins, histtype="step", color=f"C{i % 10}", linewidth=1.0, label=g.label)
    ax.set_xlabel("firing rate (Hz)")
    ax.set_ylabel("neurons")
    ax.set_title(title or "Firing rates")
    _legend_below(ax, len(groups))
    return fig


# --- the old library's functions -----------------------------------------------------------------


def raster_plot(nucleus: Any, label: str | None = None, **kwargs: Any) -> Any:
    """Raster plot of one nucleus (or several); returns the figure (old ``snn.network``)."""
    title = "Raster plot" if label is None else f"Raster plot ({label})"
    nuclei = nucleus if isinstance(nucleus, (list, tuple)) else [nucleus]
    if len(nuclei) == 1 and getattr(nuclei[0], "label", None) is not None:
        title = f"Raster plot of {nuclei[0].label}" + ("" if label is None else f" ({label})")
    return raster(nuclei, title=title, **kwargs)


@_styled
def plot_neuron_by_idx(T: float, dt: float, nuclei_idxs: Any, idxs: Any = None, names: Any = None,
                       variables: Any = ("v",), **kwargs: Any) -> Any:
    """Traces of chosen neurons (old ``snn.network``): ``nuclei_idxs`` is ``{nucleus: idxs}``,
    or a nucleus with ``idxs``. One figure per variable; a single figure for one variable."""
    pairs = list(nuclei_idxs.items()) if isinstance(nuclei_idxs, dict) else [(nuclei_idxs, idxs)]
    variables = [variables] if isinstance(variables, str) else list(variables)
    figs = []
    for var in variables:
        fig, ax = _figure(None, 2.2)
        k = 0
        for N, ids in pairs:
            g = _from_nucleus(N)
            t, _, data = g.traces[var]
            for i in np.atleast_1d(0 if ids is None else ids):
                name = names[k] if names is not None and k < len(names) else f"{g.label} neuron {int(i)}"
                ax.plot(t, data[:, int(i)], label=name, **kwargs)
                k += 1
        ax.set_xlabel("time (ms)")
        ax.set_ylabel(_label(var, _IZHIKEVICH_UNITS))
        ax.set_title(f"Individual neurons plot for variable {var}")
        ax.margins(x=0)
        _legend_below(ax, k)
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
