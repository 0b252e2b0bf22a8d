"""``python -m snn.bench._repeat TASK.json``: one repeat of an snn measurement in a fresh
interpreter (:func:`.runner.snn_repeat`); prints one line, ``SNN_RESULT {...}``."""

from __future__ import annotations

import json
import os
import sys

import snn

from .runner import snn_repeat


def main(argv: list[str]) -> int:
    with open(argv[0]) as f:
        task = json.load(f)
    here = os.path.dirname(os.path.abspath(snn.__file__))
    if task["snn_dir"] != here:  # another installation took over between the parent's import and ours
        print(f"snn.bench._repeat: imported snn from {here}, the measuring process from {task['snn_dir']}",
              file=sys.stderr)
        return 1
    try:
        out = snn_repeat(task)
    except snn.SnnError as exc:  # e.g. the CUDA backend where there is none
        out = {"error": str(exc)}
    print("SNN_RESULT " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
