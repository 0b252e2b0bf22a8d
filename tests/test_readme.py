"""The README's tour runs as written and its comments hold."""

import pathlib
import re

import numpy as np

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def run_block(heading: str) -> dict:
    """Runs the README's python block that follows `heading`; returns its names."""
    block = re.search(re.escape(heading) + r"\n\n```python\n(.*?)```", README.read_text(), re.S)
    assert block, f"the README has no python block after {heading!r}"
    ns: dict = {}
    exec(compile(block.group(1), str(README), "exec"), ns)
    return ns


def test_readme_tour_runs_and_its_comments_hold():
    ns = run_block("## A tour")
    res, res2, exc, inh = ns["res"], ns["res2"], ns["exc"], ns["inh"]
    steps = round(1000 / 0.1)
    assert res[exc].v.shape == (steps, exc.size)                  # "(samples, neurons)"
    assert res[exc].I.shape == (steps // 10, 2)                   # every=10, neurons [0, 1]
    assert res[exc].spike_ids.base is not None                    # "no copies"
    assert not res[exc].spike_ids.flags.owndata
    assert res[inh].rate == res[inh].n_spikes * 1000.0 / (1000.0 * inh.size)
    assert res2.first_step == steps and res2.t_start == 1000.0     # "continues"
    np.testing.assert_array_equal(res[exc].spike_times, res[exc].spike_steps * 0.1)


def test_readme_models_example_runs_and_its_comments_hold():
    ns = run_block("Other models, receptors and spike sources:")
    res, cond, cue, lif = ns["res"], ns["cond"], ns["cue"], ns["lif"]
    assert res[cond].g_E.shape == (2000, 800) and res[cond].g_E.max() > 0
    np.testing.assert_array_equal(res[cue].spike_times, [50.0, 120.0])
    # the cue's inhibitory conductance: 0.05 uS arrives one step after each cue spike
    assert np.all(res[cond].g_I[:501] == 0) and np.allclose(res[cond].g_I[501], 0.05)
    assert res[lif].rate > 0 and lif.v.shape == (100,)
