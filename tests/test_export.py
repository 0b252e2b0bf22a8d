"""NEO and NWB export (snn.export; optional extras snn[neo], snn[nwb]): what is read back
from the files equals what the run recorded: spikes, traces with their units and times."""

import datetime
import subprocess
import sys

import numpy as np
import pytest

import snn


def small_run():
    """LIF and Izhikevich neurons and a Poisson source; a second run, so times start at 20 ms;
    v every step, g_E every 4th step, u of some neurons."""
    net = snn.Network(dt=0.25, seed=3)
    src = net.population(20, snn.PoissonSource(60.0), label="src")
    lif = net.population(6, snn.LIFCond(tau_m=15.0, i_offset=0.3), label="lif")
    izh = net.population(4, "regular_spiking", label="izh")
    net.connect(src, lif, snn.FixedProbability(0.5), weight=0.02, kernel=snn.Exponential(5.0),
                receptor="excitatory")
    net.input(izh, 8.0)
    net.run(20.0)
    res = net.run(80.0, record=["v", snn.Trace("g_E", lif, every=4), snn.Trace("u", izh, neurons=[1, 3])])
    assert res["lif"].n_spikes > 0 and res["izh"].n_spikes > 0 and res["src"].n_spikes > 0
    return res


def spikes_by_neuron(r):
    return [np.sort(r.spike_times[r.spike_ids == i]) for i in range(r.size)]


def check_block(block, res):
    seg = block.segments[0]
    trains = {(t.annotations["source_population"], t.annotations["source_index"]): t for t in seg.spiketrains}
    assert len(trains) == 30
    for r in res:
        for i, times in enumerate(spikes_by_neuron(r)):
            t = trains[(r.label, i)]
            assert str(t.units.dimensionality) == "ms"
            assert float(t.t_start) == 20.0 and float(t.t_stop) == 100.0
            np.testing.assert_array_equal(np.asarray(t.magnitude), times)
    signals = {(s.annotations["source_population"], s.name): s for s in seg.analogsignals}
    expect = {("lif", "v"): ("mV", 0.25, res["lif"].v), ("izh", "v"): ("mV", 0.25, res["izh"].v),
              ("lif", "g_E"): ("uS", 1.0, res["lif"].g_E), ("izh", "u"): ("mV/ms", 0.25, res["izh"].u)}
    assert set(signals) == set(expect)
    for key, (units, period, data) in expect.items():
        s = signals[key]
        assert str(s.units.dimensionality) == units, key
        assert float(s.sampling_period.rescale("ms")) == period
        r = res[key[0]]
        assert float(s.t_start.rescale("ms")) == r.trace_steps[key[1]][0] * 0.25
        np.testing.assert_array_equal(np.asarray(s.magnitude), data)
        np.testing.assert_array_equal(s.array_annotations["channel_index"], r.trace_neurons[key[1]])
    np.testing.assert_array_equal(signals[("izh", "u")].array_annotations["channel_index"], [1, 3])
    np.testing.assert_allclose(signals[("lif", "g_E")].times.rescale("ms").magnitude,
                               res["lif"].trace_steps["g_E"] * 0.25)


def test_to_neo_round_trips_through_a_file(tmp_path):
    neo = pytest.importorskip("neo", reason="to_neo needs neo, the optional extra snn[neo]")
    res = small_run()
    block = res.to_neo()
    check_block(block, res)
    neo.io.PickleIO(str(tmp_path / "run.pkl")).write_block(block)
    check_block(neo.io.PickleIO(str(tmp_path / "run.pkl")).read_block(), res)


def test_to_neo_of_chosen_populations_and_elephant_style_use():
    pytest.importorskip("neo", reason="to_neo needs neo, the optional extra snn[neo]")
    res = small_run()
    from snn.export import to_neo

    block = to_neo(res, populations=["izh"])
    seg = block.segments[0]
    assert len(seg.spiketrains) == 4 and {s.name for s in seg.analogsignals} == {"v", "u"}
    rates = [len(t) / float((t.t_stop - t.t_start).rescale("s")) for t in seg.spiketrains]
    np.testing.assert_allclose(rates, res["izh"].rates)


def read_nwb(path):
    from pynwb import NWBHDF5IO

    io = NWBHDF5IO(str(path), "r")
    return io, io.read()


def test_to_nwb_round_trips_spikes_and_traces_with_si_units(tmp_path):
    pytest.importorskip("pynwb", reason="to_nwb needs pynwb, the optional extra snn[nwb]")
    res = small_run()
    start = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
    path = res.to_nwb(tmp_path / "run.nwb", session_start_time=start, identifier="snn-test",
                      experimenter=["snn"])
    io, nwb = read_nwb(path)
    try:
        assert nwb.identifier == "snn-test" and nwb.session_start_time == start
        units = nwb.units.to_dataframe()
        assert len(units) == 30
        for r in res:
            rows = units[units["population"] == r.label].sort_values("neuron")
            assert list(rows["neuron"]) == list(range(r.size))
            for times, got in zip(spikes_by_neuron(r), rows["spike_times"]):
                np.testing.assert_allclose(np.asarray(got) * 1000.0, times, rtol=0, atol=1e-9)
        module = nwb.processing["snn"]
        table = module["trace_neurons"].to_dataframe()
        neurons = {name: list(n) for name, n in zip(table["series"], table["neurons"])}
        checks = {"lif.v": ("volts", 1e-3, 4.0, res["lif"]), "izh.u": ("volts/second", 1.0, 4.0, res["izh"]),
                  "lif.g_E": ("siemens", 1e-6, 1.0, res["lif"])}
        for name, (unit, factor, rate_khz, r) in checks.items():
            ts = module[name]
            var = name.split(".")[1]
            assert ts.unit == unit and ts.conversion == factor
            assert ts.rate == pytest.approx(rate_khz * 1000.0)
            assert ts.starting_time == pytest.approx(r.trace_steps[var][0] * 0.25 / 1000.0)
            np.testing.assert_array_equal(ts.data[:], r.traces[var])
            assert neurons[name] == list(r.trace_neurons[var])
        assert set(module.data_interfaces) == {"lif.v", "izh.v", "lif.g_E", "izh.u", "trace_neurons"}
    finally:
        io.close()


def test_exports_say_which_extra_is_missing(tmp_path):
    code = ("import sys; sys.modules['pynwb'] = None; sys.modules['neo'] = None\n"
            "import snn\n"
            "net = snn.Network(); net.population(2, snn.LIF()); res = net.run(1.0)\n"
            "for f in (res.to_neo, lambda: res.to_nwb('x.nwb')):\n"
            "    try:\n"
            "        f()\n"
            "    except ImportError as e:\n"
            "        print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path)
    assert 'needs neo, an optional extra: pip install "snn[neo]"' in out.stdout
    assert 'needs pynwb, an optional extra: pip install "snn[nwb]"' in out.stdout
