"""Hostile input (issue 13).

- Every case of ``tests/hostile_inputs.py`` (about 270 bad inputs by category: thread counts,
  integers and floats beyond the engine's types, wrong types and shapes, sizes, lookups by
  identity, run state) raises the right exception with a message naming the culprit; they
  run in one child process, so that a crash fails this test instead of killing pytest.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def test_every_hostile_input_is_refused_clearly():
    """The issue's cases and the classes they belong to: see hostile_inputs.py."""
    proc = subprocess.run([sys.executable, os.path.join(HERE, "hostile_inputs.py"), "--in-process"],
                          capture_output=True, text=True, timeout=600, cwd=HERE)
    results, started = {}, None
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            if "start" in r:
                started = r["start"]
            else:
                results[r["id"]] = r
    assert proc.returncode == 0, (f"the hostile-input process died (status {proc.returncode}) in case "
                                  f"{started!r}: {proc.stderr[-3000:]}")
    sys.path.insert(0, HERE)
    try:
        import hostile_inputs
    finally:
        sys.path.remove(HERE)
    assert set(results) == {c["id"] for c in hostile_inputs.CASES}
    bad = {k: f"{r['outcome']}: {r['detail']}" for k, r in results.items() if r["outcome"] != "good"}
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())
