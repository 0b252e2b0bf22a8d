"""The C++ consumer tests/embed (built against an installed prefix) against the Python API.

``tests/cpp_checks.sh`` builds ``snn_embed_demo`` and runs this file with ``SNN_EMBED_DEMO``
set to the executable; CI runs that script, so these tests run there. In a plain pytest run,
where no consumer has been built, they are skipped with that reason (all but the README
check, which needs no build).
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess

import numpy as np
import pytest

import snn
from snn.models import izhikevich_2003

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEMO = os.environ.get("SNN_EMBED_DEMO")
needs_demo = pytest.mark.skipif(
    not DEMO, reason="needs the C++ consumer: run by tests/cpp_checks.sh with SNN_EMBED_DEMO set")


def run_demo(seed: int, steps: int) -> dict[str, int]:
    assert DEMO is not None and os.path.isfile(DEMO), f"SNN_EMBED_DEMO={DEMO!r} is not a file"
    proc = subprocess.run([DEMO, str(seed), str(steps)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"snn_embed_demo failed:\n{proc.stdout}\n{proc.stderr}"
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("snn_embed_result ")]
    assert len(lines) == 1, f"no result line in:\n{proc.stdout}"
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", lines[0])}


def python_result(seed: int, steps: int) -> dict[str, int]:
    """The same summary from the Python API's run of the same network and seed."""
    net, exc, inh = izhikevich_2003(seed=seed)
    result = net.run(steps * net.dt)
    n = exc.size + inh.size
    keys = []
    for pop, offset in ((exc, 0), (inh, exc.size)):
        r = result[pop]
        keys.append(r.spike_steps.astype(np.uint64) * np.uint64(n) + r.spike_ids.astype(np.uint64)
                    + np.uint64(offset))
    key = np.concatenate(keys)
    return {"seed": seed, "n": n, "steps": steps, "spikes": int(key.size),
            "exc_spikes": int(keys[0].size), "inh_spikes": int(keys[1].size),
            "key_sum": int(key.sum(dtype=np.uint64)), "key_sq_sum": int((key * key).sum(dtype=np.uint64))}


@needs_demo
@pytest.mark.parametrize(("seed", "steps"), [(1, 1000), (20260, 700)])
def test_embed_matches_python(seed, steps):
    cpp = run_demo(seed, steps)
    py = python_result(seed, steps)
    assert cpp["spikes"] > 0
    assert cpp == py


@needs_demo
def test_embed_seed_matters():
    """The comparison can fail: another seed gives other spikes."""
    assert run_demo(1, 300)["key_sum"] != run_demo(2, 300)["key_sum"]


@needs_demo
def test_embed_version_matches():
    proc = subprocess.run([DEMO, "1", "10"], capture_output=True, text=True, timeout=600)
    assert f"snn {snn.__version__}," in proc.stdout


def test_readme_cpp_example_is_the_built_one():
    """The README's C++ program is tests/embed/readme_example.cpp, which CI compiles with
    -Werror against the installed package and runs."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Use from C\+\+\n.*?```cpp\n(.*?)```", text, re.S)
    assert block, "the README has no C++ example under 'Use from C++'"
    assert block.group(1) == (ROOT / "tests" / "embed" / "readme_example.cpp").read_text()


def test_installed_package_ships_no_cpp_headers_or_archives():
    """The C++ install (headers, libsnn.a, the CMake package) stays out of the wheel."""
    from importlib import metadata

    files = [str(f) for f in metadata.files("snn") or []]
    assert any(f.startswith("snn/") for f in files), files
    leaked = [f for f in files if f.endswith((".hpp", ".h", ".a", ".cmake")) or "/cmake/" in f]
    assert leaked == []
