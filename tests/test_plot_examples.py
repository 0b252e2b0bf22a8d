"""snn.plot (matplotlib, an optional extra) and the examples' command line."""

import subprocess
import sys

import numpy as np
import pytest

import snn
from snn import network as old
from snn import plot
from snn.examples import basal_ganglia, simple_network, synapse_demo

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def small_native():
    net = snn.Network(dt=0.5, seed=1)
    a = net.population(30, "regular_spiking", label="exc")
    b = net.population(10, "fast_spiking", label="inh")
    net.input(a, snn.Noise(8, 4))
    net.input(b, 6.0)
    net.connect(a, b, snn.FixedProbability(0.3), weight=1.0)
    return net.run(100.0, record=["v", snn.Trace("I", neurons=[0, 2])], backend="cpu")


def test_raster_of_native_result_stacks_populations():
    res = small_native()
    fig = plot.raster(res)
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]  # not separators
    assert [ln.get_label() for ln in lines] == [f"exc ({res['exc'].rate:.2f} Hz)",
                                                f"inh ({res['inh'].rate:.2f} Hz)"]
    np.testing.assert_array_equal(lines[0].get_xdata(), res["exc"].spike_times)
    np.testing.assert_array_equal(lines[1].get_ydata(), res["inh"].spike_ids + 30)
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "neuron index"
    assert ax.get_ylim() == (-0.5, 39.5)
    right = ax.child_axes[0]  # the populations' names and rates, at their middles, on the right
    assert [t.get_text() for t in right.get_yticklabels()] == [f"exc {res['exc'].rate:.3g} Hz",
                                                               f"inh {res['inh'].rate:.3g} Hz"]
    np.testing.assert_array_equal(right.get_yticks(), [14.5, 34.5])
    assert fig.get_size_inches()[0] == plot.COLUMN_WIDTH


def outside(fig, ax):
    """The legend lies outside the axes (below them)."""
    fig.canvas.draw()
    return ax.get_legend().get_window_extent().y1 < ax.get_window_extent().y0


def test_figures_have_units_paper_style_and_legends_outside():
    res = small_native()
    fig = plot.raster(res["exc"])  # one population: named in a legend
    assert outside(fig, fig.axes[0])
    assert fig.axes[0].get_legend().get_texts()[0].get_text().startswith("exc (")
    fig = plot.raster(res)
    assert fig.axes[0].get_legend() is None  # several: named on the right, outside the data
    assert fig.axes[0].xaxis.label.get_fontsize() == 8.0 and not fig.axes[0].spines["top"].get_visible()
    fig = plot.traces(res, "v", [0, 3])
    assert fig.axes[0].get_ylabel() == "v (mV)" and outside(fig, fig.axes[0])
    assert plot.traces(res["inh"], "I", 2).axes[0].get_ylabel() == "I (mV/ms)"  # Izhikevich's units
    net = snn.Network(dt=0.5)
    lif = net.population(3, snn.LIFCond(i_offset=1.0), label="lif")
    lif_res = net.run(20.0, record=["I", "g_E"])
    assert plot.traces(lif_res, "I").axes[0].get_ylabel() == "I (nA)"
    assert plot.traces(lif_res[lif], "g_E").axes[0].get_ylabel() == "g_E (µS)"
    fig = plot.rate_histogram(res)
    assert fig.axes[0].get_ylabel() == "neurons" and outside(fig, fig.axes[0])
    # given axes: drawn on them, in their own style
    other, ax = plt.subplots(figsize=(6, 4))
    assert plot.raster(res, ax=ax) is other and other.get_size_inches()[0] == 6


def test_traces_and_rate_histogram_of_native_result():
    res = small_native()
    fig = plot.traces(res, "v", [0, 3])
    lines = fig.axes[0].get_lines()
    assert len(lines) == 4  # two neurons of each population
    np.testing.assert_array_equal(lines[1].get_ydata(), res["exc"].v[:, 3])
    np.testing.assert_array_equal(lines[0].get_xdata(), np.arange(200) * 0.5)
    fig = plot.traces(res["inh"], "I", 2)
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_ydata(), res["inh"].I[:, 1])
    with pytest.raises(ValueError, match="neuron 1 was not recorded for 'I'"):
        plot.traces(res, "I", 1)
    with pytest.raises(ValueError, match="no recorded 'u'"):
        plot.traces(res, "u")
    fig = plot.rate_histogram(res, bins=5)
    counts = [p.get_path().vertices for p in fig.axes[0].patches]
    assert len(counts) == 2


def test_old_plot_functions_on_nuclei(tmp_path):
    N1, N2 = synapse_demo.run_network(60.0, backend="cpu")
    fig = old.raster_plot(N1)
    assert fig.axes[0].get_title() == "Raster plot of N1"
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(),
                                  N1.historique["spike_steps"] * 0.3)
    figs = old.plot_neuron_by_idx(60.0, 0.3, {N1: [0, 1], N2: 0}, variables=["v", "I"])
    assert len(figs) == 2 and len(figs[0].axes[0].get_lines()) == 3
    np.testing.assert_array_equal(figs[1].axes[0].get_lines()[2].get_ydata(), N2.historique["I"][:, 0, 0])
    one = old.plot_neuron_by_idx(60.0, 0.3, N1, [4])
    np.testing.assert_array_equal(one.axes[0].get_lines()[0].get_ydata(), N1.historique["v"][:, 4, 0])
    old.savefig(one, tmp_path / "one.png")
    old.savefig(tmp_path / "current.png")
    assert (tmp_path / "one.png").stat().st_size > 1000 and (tmp_path / "current.png").exists()


def test_snn_and_snn_network_import_without_matplotlib():
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import snn, snn.network, snn.plot\n"
            "assert 'matplotlib.pyplot' not in sys.modules\n"
            "try:\n"
            "    snn.plot.raster([])\n"
            "except ImportError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "snn[plot]"' in out.stdout


@pytest.mark.parametrize("module, args, expect", [
    (synapse_demo, ["--T", "300"], ["snn.network: N1 6.67 Hz", "spike times: N1 8.4, 88.8 ms; N2 46.5 ms",
                                     "native: N1"]),
    (simple_network, ["--T", "50", "--synapse", "simple"], ["snn.network (simple): RS", "native: RS"]),
    (basal_ganglia, ["--T", "20"], ["snn.network: CTX", "native: CTX"]),
])
def test_examples_write_figures_and_print_rates(module, args, expect, tmp_path, capsys):
    assert module.main([*args, "--backend", "cpu", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for text in expect:
        assert text in out
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(pngs) >= 3 and all((tmp_path / p).stat().st_size > 5000 for p in pngs)
