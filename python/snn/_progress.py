"""A small progress bar on stderr for runs that take more than a second."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total_steps: int, enabled: bool | None) -> None:
        self.total = max(1, total_steps)
        self.start = time.perf_counter()
        self.enabled = sys.stderr.isatty() if enabled is None else bool(enabled)
        self.shown = False

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.start
        if elapsed < 1.0 and not self.shown:
            return
        self.shown = True
        frac = done / self.total
        left = elapsed * (1 - frac) / frac if frac > 0 else float("inf")
        bar = "#" * int(30 * frac)
        sys.stderr.write(f"\r[{bar:<30}] {100 * frac:5.1f}%  {elapsed:6.1f} s, ~{left:.1f} s left ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
