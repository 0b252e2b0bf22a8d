"""The polychronization example (Izhikevich 2006) for a few simulated seconds: weights change
once a second, stay within [0, 10], drift from 6 in both directions, and the run is the same
for 1 and 2 threads."""

import numpy as np

from snn.examples import polychronization as poly


def test_weights_learn_within_bounds_and_do_not_depend_on_threads():
    runs = [poly.simulate(3000.0, backend="cpu", threads=t, progress=False) for t in (1, 2)]
    a, b = runs
    np.testing.assert_array_equal(a["w_end"], b["w_end"])
    np.testing.assert_array_equal(a["last"]["exc"].spike_steps, b["last"]["exc"].spike_steps)
    w0, w = a["w_start"], a["w_end"]
    assert np.all(w0 == 6.0) and w0.size == 800 * 100
    assert w.min() >= 0.0 and w.max() <= 10.0
    assert np.mean(w > 6.0) > 0.05 and np.mean(w < 6.0) > 0.05     # both ways, after 3 intervals
    assert 0.5 < a["rates"][-1] < 50.0


def test_weights_change_only_at_the_end_of_each_second():
    net, plastic = poly.network()
    w0 = np.concatenate([p.weights() for p in plastic])
    net.run(999.0, backend="cpu")
    np.testing.assert_array_equal(np.concatenate([p.weights() for p in plastic]), w0)
    net.run(1.0)
    assert not np.array_equal(np.concatenate([p.weights() for p in plastic]), w0)


def test_rate_spectrum_finds_a_known_rhythm():
    """A made-up result with one spike every 25 ms: a peak at 40 Hz."""
    class Pop:
        spike_steps = np.arange(0, 1000, 25)

    class Result(list):
        first_step, steps = 0, 1000

    f, p = poly.rate_spectrum(Result([Pop()]))
    assert abs(f[np.argmax(p[1:]) + 1] - 40.0) < 1e-9
