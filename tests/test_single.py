"""snn.single: expressions, integration methods against closed forms, spikes and resets,
the built-in models against known values, fixed points, the engine cross-check, figures."""

import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import snn
from snn import single
from snn.single import Model, Variable

# ---------------------------------------------------------------- expressions and errors


def one_variable(ddt, **params):
    return Model(Variable("x", ddt, 1.0), spike_when=None, **params)


@pytest.mark.parametrize("ddt, reason", [
    ("__import__('os')", "'__import__' is not an allowed function"),
    ("__import__('os').system('true')", "__import__('os').system is not an allowed function"),
    ("x.__class__", "attribute access is not allowed"),
    ("x + y", "unknown name 'y' (known: a, t, x)"),
    ("x +* 2", "syntax error"),
    ("(lambda: 1)()", "is not an allowed function"),
    ("lambda: 1", "lambda is not allowed"),
    ("[1][0]", "is not allowed"),
    ("exp(x, 2)", "exp() takes 1 argument, got 2"),
    ("max(x)", "max() takes 2 or more arguments, got 1"),
    ("exp", "'exp' is a function"),
    ("x % 2", "the operator Mod is not allowed"),
    ("'text'", "is not a number"),
    ("randn(x)", "randn() takes no arguments"),
    ("exp(x=1)", "positional arguments only"),
])
def test_bad_expressions_raise_config_error_naming_the_variable(ddt, reason):
    with pytest.raises(snn.ConfigError) as info:
        one_variable(ddt, a=1.0)
    message = str(info.value)
    assert f"dx/dt = {ddt!r}" in message and reason in message, message


def test_bad_parameter_spike_and_reset_expressions_are_named():
    with pytest.raises(snn.ConfigError, match=r"parameter I = 'q \* 2': unknown name 'q'"):
        one_variable("I", I="q * 2")
    with pytest.raises(snn.ConfigError, match=r"spike_when .* = 'v >= 30': unknown name 'v'"):
        Model(Variable("x", "1", 0.0))                     # the default spike_when reads v
    with pytest.raises(snn.ConfigError, match=r"reset of x = 'x\.real'"):
        Model(Variable("x", "1", 0.0, reset_value="x.real"), spike_when="x > 1")
    with pytest.raises(snn.ConfigError, match="cycle: a -> b -> a"):
        one_variable("a", a="b + 1", b="a * 2")
    with pytest.raises(snn.ConfigError, match="simul_method must be one of"):
        one_variable("1", simul_method="rk45")
    with pytest.raises(snn.ConfigError, match="variable name '_x'"):
        Variable("_x", "1", 0.0)
    with pytest.raises(snn.ConfigError, match="both a variable and a parameter"):
        one_variable("1", x=2.0)
    with pytest.raises(snn.ConfigError, match="not a whole number of steps"):
        one_variable("1").simulation(1.05, 0.1)


def test_nan_during_simulation_names_the_variable_and_expression():
    with pytest.raises(snn.ConfigError, match=r"dx/dt = 'sqrt\(1 - t\)': evaluated to nan .* t = 1\.05"):
        one_variable("sqrt(1 - t)").simulation(2.0, 0.1, seed=0)
    with pytest.raises(snn.ConfigError, match=r"dx/dt = 'I': evaluated to nan .* I = nan"):
        one_variable("I", I="log(1.6 - t)").simulation(3.0, 0.5)       # NaN from a parameter
    with pytest.raises(snn.ConfigError, match=r"dx/dt = 'x\*x'"):
        one_variable("x*x", simul_method="explicit_euler").simulation(100.0, 1.0)  # overflow


def test_expression_semantics_vectorised():
    m = Model(Variable("x", "0", 0.0), Variable("y", "0", 0.0), spike_when=None,
              f="(x if x > 0 else -x) + (1 if 0 < y <= 1 and not x == 2 else 0) + min(x, y, 0.5)",
              g="exprel(x) + abs(-2) ** 2 - (x > 0)")
    x, y = np.array([-2.0, 0.0, 2.0, 3.0]), np.array([0.5, 2.0, 0.5, 1.0])
    h = m.simulation(0.0, 1.0, keep=["f", "g"], start={"x": x, "y": y}).history
    expect_f = np.abs(x) + ((0 < y) & (y <= 1) & (x != 2)) + np.minimum(np.minimum(x, y), 0.5)
    expect_g = np.where(x == 0, 1, np.expm1(x) / np.where(x == 0, 1, x)) + 4 - (x > 0)
    np.testing.assert_allclose(h["f"][0], expect_f, rtol=1e-15)
    np.testing.assert_allclose(h["g"][0], expect_g, rtol=1e-15)


# ---------------------------------------------------------------- integration methods

# x' = y, y' = -x - 0.2 y: a damped oscillator with an exact solution.
A = np.array([[0.0, 1.0], [-1.0, -0.2]])


def oscillator(method):
    return Model(Variable("x", "y", 1.0), Variable("y", "-x - 0.2*y", 0.0), spike_when=None,
                 simul_method=method)


def exact_oscillator(t):
    w, V = np.linalg.eig(A)
    return (V @ np.diag(np.exp(w * t)) @ np.linalg.solve(V, [1.0, 0.0])).real


@pytest.mark.parametrize("method, order", [("rk4", 4), ("explicit_euler", 1), ("rk4_seed", 1)])
def test_linear_system_convergence_order(method, order):
    T, errors = 4.0, []
    for dt in (0.05, 0.025, 0.0125):
        h = oscillator(method).simulation(T, dt).history
        errors.append(np.hypot(*(np.array([h["x"][-1], h["y"][-1]]) - exact_oscillator(T))))
    ratios = np.array(errors[:-1]) / errors[1:]
    np.testing.assert_allclose(ratios, 2.0 ** order, rtol=0.06)  # halving dt divides by 2^order
    if method == "rk4":
        assert errors[-1] < 1e-8


def test_rk4_evaluates_time_dependent_parameters_at_each_stage():
    m = one_variable("I", I="cos(t)")
    errors = [abs(m.simulation(2.0, dt).history["x"][-1] - (1 + np.sin(2.0))) for dt in (0.2, 0.1)]
    assert errors[0] / errors[1] == pytest.approx(16, rel=0.05)


def test_rk4_seed_is_the_old_one_variable_at_a_time_scheme():
    def f(t, x, y):
        return -y + 0.1 * t, x

    def old_step(t, x, y, dt):  # the 2018 code: a shared state, the stages written into it
        def stages(g, t0, v0):
            k1 = g(t0, v0)
            k2 = g(t0 + dt / 2, v0 + dt / 2 * k1)
            k3 = g(t0 + dt / 2, v0 + dt / 2 * k2)
            k4 = g(t0 + dt, v0 + dt * k3)
            return v0 + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4), v0 + dt * k3
        x_new, x_left = stages(lambda s, v: f(s, v, y)[0], t, x)
        y_new, _ = stages(lambda s, v: f(s, x_left, v)[1], t + dt, y)  # sees x + dt*k3 and t + dt
        return x_new, y_new

    dt, x, y, xs = 0.1, 1.0, 0.0, []
    for k in range(20):
        x, y = old_step(k * dt, x, y, dt)
        xs.append((x, y))
    m = Model(Variable("x", "-y + 0.1*t", 1.0), Variable("y", "x", 0.0), spike_when=None,
              simul_method="rk4_seed")
    h = m.simulation(2.0, dt).history
    np.testing.assert_allclose(np.c_[h["x"][1:], h["y"][1:]], xs, rtol=1e-14)


# ---------------------------------------------------------------- LIF: closed forms, resets


def test_lif_membrane_follows_its_closed_form_before_the_first_spike():
    tau, RI = 10.0, 1.5
    t_check = 5.0                                      # before the first spike (10.99 ms)
    errors = {}
    for method in ("rk4", "explicit_euler"):
        errors[method] = []
        for dt in (0.2, 0.1):
            h = single.lif(I=1.5, simul_method=method).simulation(t_check, dt).history
            exact = RI * (1 - np.exp(-h["t"] / tau))
            errors[method].append(np.abs(h["v"] - exact).max())
    assert errors["rk4"][1] < 1e-9
    assert errors["rk4"][0] / errors["rk4"][1] == pytest.approx(16, rel=0.05)
    assert errors["explicit_euler"][0] / errors["explicit_euler"][1] == pytest.approx(2, rel=0.05)


@pytest.mark.parametrize("refractory", [0.0, 2.0])
def test_lif_period_matches_the_closed_form_with_refractory_period(refractory):
    tau, R, I, theta, dt = 10.0, 1.0, 1.5, 1.0, 0.01
    sim = single.lif(refractory, I=I).simulation(60.0, dt)
    # discrete: v_n = RI (1 - g^n), g the RK4 factor of one step of v' = -v/tau; the spike
    # is the first n with v_n >= theta, then one reset step, then round(refractory/dt) more
    h = dt / tau
    g = 1 - h + h ** 2 / 2 - h ** 3 / 6 + h ** 4 / 24
    n_cross = int(np.ceil(np.log(1 - theta / (R * I)) / np.log(g)))
    period_steps = n_cross + 1 + round(refractory / dt)
    np.testing.assert_array_equal(np.diff(sim.spike_steps), period_steps)
    assert sim.spike_steps[0] == n_cross - 1
    closed_form = tau * np.log(R * I / (R * I - theta)) + refractory
    assert abs(period_steps * dt - closed_form) <= 2 * dt
    # during the reset step and the refractory period v is exactly v_reset
    first = sim.spike_steps[0]
    held = sim["v"][first + 2: first + 2 + round(refractory / dt)]
    np.testing.assert_array_equal(held, 0.0)
    assert sim["v"][first + 2 + round(refractory / dt) + 1] > 0


def test_reset_clamp_and_spike_bookkeeping():
    # x' = 1 from 0, spike when x >= 1 (at dt = 0.25: after the 4th step), clamped to 0.9,
    # reset at the next step to 'x - 1' (evaluated on the clamped value) without integrating.
    m = Model(Variable("x", "1", 0.0, reset_value="x - 1"), spike_when="x >= 1", max_spike_value=0.9,
              simul_method="explicit_euler")
    sim = m.simulation(3.0, 0.25)
    np.testing.assert_allclose(sim["x"][:12], [0, 0.25, 0.5, 0.75, 0.9, -0.1, 0.15, 0.4, 0.65, 0.9, 0.9,
                                               -0.1])
    np.testing.assert_array_equal(sim.spike_steps, [3, 9])
    np.testing.assert_array_equal(sim.spike_times, [1.0, 2.5])
    history, spike_times = sim                          # unpacks as the old tuple
    assert history is sim.history and np.array_equal(spike_times, sim.spike_times)


# ---------------------------------------------------------------- Hodgkin-Huxley


def hh_period(dt, T=80.0):
    sim = single.hodgkin_huxley(I=10.0).simulation(T, dt, keep=[])
    return np.diff(sim.spike_times)[1:]                # after the first (transient) interval


def test_hodgkin_huxley_one_spike_at_I5_and_a_periodic_train_at_I10():
    sim = single.hodgkin_huxley(I=5.0).simulation(100.0, 0.05, keep=["V"])
    assert len(sim.spike_times) == 1 and 2.5 < sim.spike_times[0] < 3.5
    assert sim["V"].max() > 30 and sim["V"][sim["t"] > 20].max() < -50      # then it stays near rest
    coarse, fine = hh_period(0.05), hh_period(0.01)
    assert len(coarse) >= 3
    np.testing.assert_allclose(coarse, coarse.mean(), rtol=0.01)             # periodic
    assert coarse.mean() == pytest.approx(fine.mean(), rel=0.01)
    assert fine.mean() == pytest.approx(14.64, abs=0.02)                     # about 68 Hz


def test_hodgkin_huxley_starts_at_rest():
    hh = single.hodgkin_huxley(I=0.0)
    rates = {k: v for k, v in hh.derivatives().items()}
    for name in "nmh":
        assert abs(rates[name]) < 1e-15                                      # gates at steady state
    assert abs(rates["V"]) < 0.05                                            # EL = -54.4: near rest


# ---------------------------------------------------------------- FitzHugh-Nagumo, fixed points

a, b, tau = 0.7, 0.8, 12.5


def fhn_fixed_point(I):
    """The real root of v^3/3 - v + (v + a)/b = I (one, since 1/b > 1)."""
    roots = np.roots([1 / 3, 0, 1 / b - 1, a / b - I])
    v = roots[np.argmin(np.abs(roots.imag))].real
    return v, (v + a) / b


def hopf_currents():
    v = np.sqrt(1 - b / tau)
    return [x ** 3 / 3 - x + (x + a) / b for x in (-v, v)]


def fhn_point(I):
    (p,) = single.fitzhugh_nagumo(I=I).fixed_points(("v", -3, 3), ("w", -3, 3))
    return p


def test_fitzhugh_nagumo_fixed_point_and_jacobian():
    p = fhn_point(0.0)
    v, w = fhn_fixed_point(0.0)
    assert p.state["v"] == pytest.approx(v, abs=1e-10) and p.state["w"] == pytest.approx(w, abs=1e-10)
    np.testing.assert_allclose(p.jacobian, [[1 - v * v, -1], [1 / tau, -b / tau]], atol=1e-8)
    assert p.kind == "stable focus" and p.stable


def test_fitzhugh_nagumo_stability_changes_at_the_hopf_currents():
    lo, hi = hopf_currents()
    assert lo == pytest.approx(0.3313, abs=1e-4) and hi == pytest.approx(1.4187, abs=1e-4)
    for I_h in (lo, hi):
        assert abs(np.trace(fhn_point(I_h).jacobian)) < 1e-7                # Re(lambda) = 0 there
    assert [fhn_point(I).kind for I in (lo - 0.01, lo + 0.01, hi - 0.01, hi + 0.01)] == \
        ["stable focus", "unstable focus", "unstable focus", "stable focus"]
    # inside, a limit cycle: v keeps spiking; outside, the oscillation dies out
    spikes = {I: len(single.fitzhugh_nagumo(I=I).simulation(300.0, 0.1, keep=[]).spike_times)
              for I in (0.0, 0.5)}
    assert spikes[0.0] == 0 and spikes[0.5] >= 6


def test_fixed_points_of_izhikevich_and_their_kinds():
    izh = single.izhikevich("RS", I=0.0)                  # 0.04 v^2 + 4.8 v + 140 = 0
    points = izh.fixed_points(("v", -90, 0), ("u", -30, 10))
    assert [(round(p.state["v"], 9), p.kind) for p in points] == [(-70, "stable node"), (-50, "saddle")]
    for p in points:
        J = [[0.08 * p.state["v"] + 5, -1], [0.02 * 0.2, -0.02]]
        np.testing.assert_allclose(p.jacobian, J, atol=1e-7)


@pytest.mark.parametrize("J, kind", [
    ([[-1, 0], [0, -2]], "stable node"), ([[1, 0], [0, 2]], "unstable node"),
    ([[-0.1, 1], [-1, -0.1]], "stable focus"), ([[0.1, 1], [-1, 0.1]], "unstable focus"),
    ([[1, 0], [0, -1]], "saddle"), ([[0, 1], [-1, 0]], "center"), ([[1, 1], [1, 1]], "degenerate"),
])
def test_classify(J, kind):
    assert single.classify(np.array(J, float)) == kind


def test_center_of_a_linear_oscillator_by_jacobian():
    m = Model(Variable("x", "y", 0.0), Variable("y", "-4*x", 0.0), spike_when=None)
    (p,) = m.fixed_points(("x", -1, 1), ("y", -1, 1))
    assert p.kind == "center"
    np.testing.assert_allclose(p.eigenvalues.imag, [2, -2], rtol=1e-9)


# ---------------------------------------------------------------- the network engine's arithmetic


@pytest.mark.parametrize("preset", ["regular_spiking", "fast_spiking", "chattering", "thalamo_cortical"])
@pytest.mark.parametrize("dt", [0.1, 0.5])
def test_izhikevich_engine_euler_spikes_at_the_network_steps(preset, dt):
    T = 500.0
    sim = single.izhikevich(preset, I=10.0, simul_method="engine_euler").simulation(T, dt, keep=["v", "u"])
    net = snn.Network(dt=dt)
    p = net.population(1, **single.IZHIKEVICH_TYPES[preset])
    net.input(p, 10.0)
    res = net.run(T, record=["v", "u"], backend="cpu")
    assert len(res[p].spike_steps) > 5
    np.testing.assert_array_equal(sim.spike_steps, res[p].spike_steps)
    for var in ("v", "u"):                                 # the same float32 bits, step by step
        np.testing.assert_array_equal(sim[var][1:], res[p].traces[var][:, 0])


# ---------------------------------------------------------------- noise, batches


def test_noise_is_drawn_once_per_step_and_held_through_the_stages():
    m = Model(Variable("x", "I", 0.0), spike_when=None, I="5 + 2*randn()")
    runs = {method: m.replace(simul_method=method).simulation(50.0, 0.05, seed=7)
            for method in ("rk4", "explicit_euler")}
    I = runs["rk4"]["I"]
    # a constant derivative over a step: RK4 = Euler, x = dt * cumulative sum of I
    np.testing.assert_allclose(runs["rk4"]["x"], runs["explicit_euler"]["x"], rtol=1e-12)
    np.testing.assert_allclose(runs["rk4"]["x"][1:], 0.05 * np.cumsum(I[:-1]), rtol=1e-10)
    assert I.mean() == pytest.approx(5, abs=0.15) and I.std() == pytest.approx(2, abs=0.15)
    again = m.simulation(50.0, 0.05, seed=7)["I"]
    np.testing.assert_array_equal(again, I)                # seeded: reproducible


def test_a_batch_equals_separate_runs():
    currents = np.array([0.0, 0.5, 1.0])
    batch = single.fitzhugh_nagumo(I=currents).simulation(50.0, 0.1, start={"v": np.array([-1, 0, 1.0])})
    for j, (I, v0) in enumerate(zip(currents, [-1, 0, 1.0])):
        alone = single.fitzhugh_nagumo(I=I).simulation(50.0, 0.1, start={"v": v0})
        np.testing.assert_allclose(batch["v"][:, j], alone["v"], rtol=1e-13)
        np.testing.assert_array_equal(batch.spike_times[j], alone.spike_times)


# ---------------------------------------------------------------- figures (Agg)


@pytest.fixture
def plt():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    yield plt
    plt.close("all")


def test_plot_and_phase_portrait_show_the_history_with_units(plt):
    hh = single.hodgkin_huxley(I=10.0)
    sim = hh.simulation(20.0, 0.05, keep=["V", "n"])
    fig = hh.plot(history=sim, keep=["V", "n"])
    assert [ax.get_ylabel() for ax in fig.axes] == ["V (mV)", "n"]
    assert fig.axes[-1].get_xlabel() == "t (ms)"
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_ydata(), sim["V"])
    fig = hh.phase_portrait("V", "n", history=sim)
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("V (mV)", "n")
    np.testing.assert_array_equal(ax.get_lines()[0].get_xydata(), np.c_[sim["V"], sim["n"]])


def test_phase_plane_field_nullclines_and_fixed_point(plt):
    I = 0.5
    fhn = single.fitzhugh_nagumo(I=I)
    fig = fhn.phase_plane(("v", -2.5, 2.5), ("w", -1, 2.5), nb_of_vector_by_axis=11, rescale=True)
    ax = fig.axes[0]
    (quiver,) = [c for c in ax.collections if hasattr(c, "U")]
    v, w = np.meshgrid(np.linspace(-2.5, 2.5, 11), np.linspace(-1, 2.5, 11))
    dv, dw = v - v ** 3 / 3 - w + I, (v + a - b * w) / tau
    np.testing.assert_allclose(quiver.U, dv.ravel(), rtol=1e-12)
    np.testing.assert_allclose(quiver.V, (dw * np.abs(dv).sum() / np.abs(dw).sum()).ravel(), rtol=1e-12)
    contours = [c for c in ax.collections if hasattr(c, "levels")]
    v_null, w_null = (np.concatenate([p.vertices for p in c.get_paths()]) for c in contours)
    np.testing.assert_allclose(v_null[:, 1], v_null[:, 0] - v_null[:, 0] ** 3 / 3 + I, atol=2e-3)
    np.testing.assert_allclose(w_null[:, 1], (w_null[:, 0] + a) / b, atol=1e-9)
    (marker,) = [ln for ln in ax.get_lines() if ln.get_label() == "unstable focus"]
    np.testing.assert_allclose(marker.get_xydata()[0], fhn_fixed_point(I), atol=1e-9)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["v-nullcline", "w-nullcline",
                                                                   "unstable focus"]


def click(fig, x, y):
    from matplotlib.backend_bases import MouseEvent

    ax = fig.axes[0]
    px, py = ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", fig.canvas, px, py, button=1)
    fig.canvas.callbacks.process("button_press_event", event)
    return event


def trajectory(ax):
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "_trajectory"][-1:]
    return line.get_xydata()


def test_interactive_phase_plane_click_draws_the_trajectory(plt):
    fhn = single.fitzhugh_nagumo(I=0.5)
    fig = fhn.phase_plane(("v", -2.5, 2.5), ("w", -1, 2.5), interactive=True, T=50.0, dt=0.1)
    fig.canvas.draw()
    event = click(fig, 1.0, 0.0)
    expect = fhn.simulation(50.0, 0.1, start={"v": event.xdata, "w": event.ydata})
    np.testing.assert_array_equal(trajectory(fig.axes[0]), np.c_[expect["v"], expect["w"]])


def test_interactive_phase_plane_animates_with_a_timer(plt, monkeypatch):
    from matplotlib.backend_bases import TimerBase

    class Timer(TimerBase):                                # as an interactive backend's timer
        started = 0

        def _timer_start(self):
            Timer.started += 1

    fhn = single.fitzhugh_nagumo(I=0.5)
    fig = fhn.phase_plane(("v", -2.5, 2.5), ("w", -1, 2.5), interactive=True, T=50.0, dt=0.1)
    timers, redraws = [], []
    monkeypatch.setattr(fig.canvas, "new_timer", lambda **kw: timers.append(Timer(**kw)) or timers[-1])
    fig.canvas.draw()
    monkeypatch.setattr(fig.canvas, "draw_idle", lambda: redraws.append(1))
    event = click(fig, -1.5, 1.5)
    assert Timer.started == 1 and len(trajectory(fig.axes[0])) == 0
    frame = timers[0].callbacks[0][0]
    lengths = []
    while frame():
        lengths.append(len(trajectory(fig.axes[0])))
    assert lengths[:3] == [6, 12, 18] and len(trajectory(fig.axes[0])) == 501
    assert len(redraws) == len(lengths) + 1 == 84      # one redraw per frame, 6 points each
    expect = fhn.simulation(50.0, 0.1, start={"v": event.xdata, "w": event.ydata})
    np.testing.assert_array_equal(trajectory(fig.axes[0]), np.c_[expect["v"], expect["w"]])


# ---------------------------------------------------------------- packaging and the example


def test_import_snn_single_does_not_import_matplotlib():
    code = "import sys, snn, snn.single; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_readme_section_runs_and_its_comments_hold(plt):
    text = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = re.search(r"## Single neurons: snn.single\n.*?```python\n(.*?)```", text, re.S)
    ns: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), ns)
    np.testing.assert_allclose(ns["spike_times"][:3], [53.6, 72.7, 117.8])
    assert len(ns["spike_times"]) == 7 and set(ns["history"]) == set("tvuIabcd")
    (p,) = ns["fhn"].fixed_points(("v", -3, 3), ("w", -3, 3))
    assert round(p.state["v"], 4) == -0.8048 and p.kind == "unstable focus"


def test_example_writes_the_readme_figures(plt, tmp_path, capsys):
    from snn.examples import single_neurons

    assert single_neurons.main(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "I = 5: 1, I = 10: 7" in out and "unstable focus at v = -0.8048" in out
    for name in ("hh_spikes", "fhn_phase_plane", "izhikevich_types"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
