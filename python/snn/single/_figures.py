"""Figures of single neurons: traces, phase portraits and (interactive) phase planes.

matplotlib is an optional extra, imported when a figure is drawn (:func:`snn.plot._pyplot`
says how to install it if it is missing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..plot import _pyplot
from ._analysis import fixed_points, restricted_field, split_others

if TYPE_CHECKING:
    from ._model import Model

#: How each kind of fixed point is drawn: marker, face colour.
MARKERS = {"stable node": ("o", "k"), "stable focus": ("o", "k"), "unstable node": ("o", "w"),
           "unstable focus": ("o", "w"), "saddle": ("X", "k"), "center": ("D", "0.5"),
           "degenerate": ("s", "0.5")}


def _history(model: Model, names: list[str], T: float, dt: float, history: Any) -> dict:
    if history is not None:
        history = getattr(history, "history", history)
        if all(n in history for n in ["t", *names]):
            return history
    return model.simulation(T, dt, keep=["t", *names]).history


def plot(model: Model, T: float = 1000.0, dt: float = 0.1, history: Any = None, keep: Any = None,
         **kwargs: Any) -> Any:
    """Each variable (or each name in ``keep``) against time, one axis each, stacked.

    Parameters
    ----------
    model : Model
    T, dt : float
        Simulated time and step, ms, unless ``history`` already holds the names.
    history : Simulation or dict, optional
        A previous :meth:`Model.simulation`.
    keep : str or list of str, optional
        Variables or parameters to draw (default: the variables).
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    names = list(model.variables) if keep is None else ([keep] if isinstance(keep, str) else list(keep))
    h = _history(model, names, T, dt, history)
    fig, axes = plt.subplots(len(names), 1, sharex=True, squeeze=False,
                             figsize=(6.4, 1.2 + 1.6 * len(names)))
    for ax, name in zip(axes[:, 0], names):
        ax.plot(h["t"], h[name], **kwargs)
        ax.set_ylabel(model.label(name))
    axes[-1, 0].set_xlabel(model.label("t"))
    fig.tight_layout()
    return fig


def phase_portrait(model: Model, xvarname: str, yvarname: str, T: float = 1000.0, dt: float = 0.1,
                   history: Any = None, **kwargs: Any) -> Any:
    """The trajectory in the plane of two variables (``**kwargs`` go to ``Axes.plot``)."""
    plt = _pyplot()
    h = _history(model, [xvarname, yvarname], T, dt, history)
    fig, ax = plt.subplots()
    ax.plot(h[xvarname], h[yvarname], **kwargs)
    ax.set_xlabel(model.label(xvarname))
    ax.set_ylabel(model.label(yvarname))
    return fig


def phase_plane(model: Model, xdata: tuple[str, float, float], ydata: tuple[str, float, float],
                others: dict[str, Any] | None = None, nb_of_vector_by_axis: int = 25,
                rescale: bool = False, no_dynamics: bool = False, interactive: bool = False,
                T: float = 1000.0, dt: float = 0.2, t: float = 0.0, show_fixed_points: bool = True,
                quiver_args: dict | None = None, contour_args: dict | None = None) -> Any:
    """The vector field of two variables, their nullclines and fixed points.

    Parameters
    ----------
    model : Model
    xdata, ydata : (str, float, float)
        Each axis: a variable and its range.
    others : dict, optional
        Values of the other variables (held; default their initial values) and of
        parameters to change.
    nb_of_vector_by_axis : int
        Arrows per axis.
    rescale : bool
        Multiply the vertical components by ``sum |dx| / sum |dy|`` over the grid, so that
        both directions show.
    no_dynamics : bool
        Leave out the arrows (nullclines and fixed points only).
    interactive : bool
        A left click in the axes starts a trajectory of the whole model there (the other
        variables at ``others``), simulated for ``T`` ms with steps of ``dt`` ms and drawn
        progressively; with a non-interactive backend (Agg) it is drawn at once.
    t : float
        The time at which the field is evaluated, ms (for parameters that depend on it).
    show_fixed_points : bool
        Mark the fixed points in the box, by kind (filled: stable; open: unstable; X: saddle).
    quiver_args, contour_args : dict, optional
        Passed to ``Axes.quiver`` (default ``angles="xy"``, grey) and ``Axes.contour``.

    Returns
    -------
    matplotlib.figure.Figure
        The nullclines are the zero contours of each derivative on a finer grid (at least
        200 points per axis); random draws in the equations are at their means.
    """
    plt = _pyplot()
    base, held = split_others(model, others or {})
    (xn, x0, x1), (yn, y0, y1) = xdata, ydata
    fun = restricted_field(base, [xn, yn], held, t)
    fig, ax = plt.subplots()
    if not no_dynamics:
        X, Y, U, V = _grid(fun, xdata, ydata, nb_of_vector_by_axis)
        if rescale:
            V = V * (np.nansum(np.abs(U)) / max(np.nansum(np.abs(V)), np.finfo(float).tiny))
        ax.quiver(X, Y, U, V, **{"angles": "xy", "color": "0.6", **(quiver_args or {})})
    X, Y, U, V = _grid(fun, xdata, ydata, max(200, 4 * nb_of_vector_by_axis))
    for Z, name, color in ((U, xn, "C0"), (V, yn, "C1")):
        ax.contour(X, Y, Z, levels=[0], **{"colors": color, **(contour_args or {})})
        ax.plot([], [], color=color, label=f"{name}-nullcline")  # the legend's entry
    if show_fixed_points:
        for p in fixed_points(base, xdata, ydata, held, t):
            marker, face = MARKERS[p.kind]
            ax.plot([p.state[xn]], [p.state[yn]], marker=marker, color="k", markerfacecolor=face,
                    linestyle="none", markersize=8, label=p.kind, zorder=5)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(model.label(xn))
    ax.set_ylabel(model.label(yn))
    ax.legend(loc="best", fontsize="small")
    if interactive:
        player = Trajectories(base, ax, xn, yn, held, T, dt)
        fig.canvas.mpl_connect("button_press_event", lambda event: player.click(event))
    return fig


def _grid(fun: Any, xdata: tuple, ydata: tuple, n: int) -> tuple[np.ndarray, ...]:
    X, Y = np.meshgrid(np.linspace(xdata[1], xdata[2], n), np.linspace(ydata[1], ydata[2], n))
    F = fun(np.stack([X.ravel(), Y.ravel()]))
    return X, Y, F[0].reshape(X.shape), F[1].reshape(X.shape)


class Trajectories:
    """The clicks of an interactive phase plane: each left click in ``ax`` simulates the
    model from there and animates the trajectory with a timer of the figure's canvas."""

    frames = 100  # the trajectory appears in this many steps

    def __init__(self, model: Model, ax: Any, xn: str, yn: str, held: dict[str, Any], T: float,
                 dt: float) -> None:
        self.model, self.ax, self.xn, self.yn, self.held = model, ax, xn, yn, held
        self.T, self.dt = T, dt
        self.timer: Any = None

    def click(self, event: Any) -> None:
        """Starts a trajectory at a left click in the axes (not while zooming or panning)."""
        toolbar = getattr(event.canvas, "toolbar", None)
        if event.inaxes is not self.ax or event.button != 1 or getattr(toolbar, "mode", ""):
            return
        self.finish()
        start = {**self.held, self.xn: event.xdata, self.yn: event.ydata}
        h = self.model.simulation(self.T, self.dt, keep=[self.xn, self.yn], start=start).history
        self.xs, self.ys, self.shown = h[self.xn], h[self.yn], 0
        (self.line,) = self.ax.plot([], [], "--", color="C2", label="_trajectory")
        (self.point,) = self.ax.plot([], [], "o", color="C2", label="_position")
        self.ax.plot([event.xdata], [event.ydata], "o", color="C3", label="_start")
        from matplotlib.backend_bases import TimerBase

        self.timer = event.canvas.new_timer(interval=30)
        self.timer.add_callback(self.frame)
        if type(self.timer) is TimerBase:  # no event loop (Agg): draw it all now
            self.finish()
        else:
            self.timer.start()

    def frame(self, shown: int | None = None) -> bool:
        """Shows the next part of the trajectory (or its first ``shown`` points) and asks
        for a redraw; False once it is all shown (which also removes it from the timer)."""
        step = -(-len(self.xs) // self.frames)
        self.shown = min(len(self.xs), self.shown + step if shown is None else shown)
        self.line.set_data(self.xs[:self.shown], self.ys[:self.shown])
        self.point.set_data([self.xs[self.shown - 1]], [self.ys[self.shown - 1]])
        self.ax.figure.canvas.draw_idle()
        done = self.shown == len(self.xs)
        if done:
            self.timer.stop()
        return not done

    def finish(self) -> None:
        """Shows the rest of the current trajectory at once (if any)."""
        if self.timer is not None:
            self.frame(len(self.xs))
            self.timer = None
