"""Ctrl-C: net.run raises KeyboardInterrupt, net.last_result holds what was recorded so far
(and it is right), the state stays readable and the network runs again."""

import os
import subprocess
import time

import numpy as np
import pytest

import reference as ref
import snn
from twin import BACKEND, Twin, assert_same_spikes, assert_trace_close, trace_steps

# The backend suite: every test runs on each backend (conftest.py).
pytestmark = pytest.mark.usefixtures("on_backend")


class Interrupter:
    """An input callable that raises KeyboardInterrupt the first time it sees t >= t_stop."""

    def __init__(self, n, t_stop):
        self.n = n
        self.t_stop = t_stop
        self.armed = True

    def __call__(self, t):
        if self.armed and t >= self.t_stop:
            self.armed = False
            raise KeyboardInterrupt
        return 4.0 + 3.0 * np.sin(t / 13.0) * np.ones(self.n)


def test_keyboard_interrupt_from_input_callable():
    dt = 0.1
    n = 20
    tw = Twin(dt, seed=5)
    pop = tw.population(n, "regular_spiking", label="p")
    other = tw.population(10, "fast_spiking", label="q")
    tw.connect(pop, other, snn.FixedProbability(0.5), ref.Exponential(2.0), weight=3.0,
               delay=1.0, label="pq")
    tw.input(pop, np.linspace(2.0, 8.0, n))
    stopper = Interrupter(n, t_stop=600.0)
    tw.input(pop, stopper)
    total_steps = 10000
    with pytest.raises(KeyboardInterrupt):
        tw.run(total_steps * dt, record=["v"])
    assert not stopper.armed
    last = tw.net.last_result
    assert last is not None
    r = last[pop]
    done = trace_steps(r, "v").size
    assert 0 < done <= 6000, f"{done} steps recorded before the interrupt at step 6000"
    np.testing.assert_array_equal(trace_steps(r, "v"), np.arange(done))
    # what was recorded is right: compare with the reference over the completed steps
    outs = tw.reference().run(done, record=("v",))
    assert_same_spikes(r, outs[0], "p")
    assert_same_spikes(last[other], outs[1], "q")
    assert_trace_close(r.v, outs[0]["v"], what="p v")
    assert outs[0]["spike_steps"].size > 0
    # the state is readable and finite
    assert np.all(np.isfinite(pop.v)) and np.all(np.isfinite(other.u))
    # and the network runs again, continuing after the recorded steps
    res = tw.run(10.0, record=["v"])
    assert trace_steps(res[pop], "v")[0] >= done
    np.testing.assert_array_equal(np.diff(trace_steps(res[pop], "v")), 1)
    assert trace_steps(res[pop], "v").size == 100


def send_sigint_after(seconds):
    """Another process that sends SIGINT to this one after ``seconds``. It runs without
    LD_PRELOAD: a sanitizer runtime preloaded into this process (tests/sanitize_checks.sh)
    would be preloaded into the shell too, which may then fail before sending anything."""
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    return subprocess.Popen(["sh", "-c", f"sleep {seconds}; kill -INT {os.getpid()}"], env=env,
                            stderr=subprocess.PIPE, text=True)


def check_sent(killer):
    """Waits for the sender; a signal that was never sent fails here, not as "DID NOT RAISE"."""
    status = killer.wait()  # the SIGINT may interrupt this wait: then the caller waits again
    if not killer.stderr.closed:
        killer.errors = killer.stderr.read()
        killer.stderr.close()
    assert status == 0, f"the process sending SIGINT failed (status {status}): {killer.errors}"


def test_sigint_during_native_run():
    """A real SIGINT (sent by another process) while the engine is running stops the run
    early with KeyboardInterrupt."""
    dt = 0.1
    net = snn.Network(dt=dt, seed=2)
    pop = net.population(20000, "izhikevich2003_excitatory", label="big")
    net.connect(pop, pop, snn.FixedInDegree(50), weight=snn.Uniform(0, 0.5),
                delay=snn.Uniform(0.5, 5), label="rec")
    net.input(pop, snn.Noise(mean=3.0, std=3.0))
    net.run(10.0, backend=BACKEND)                        # builds the network
    t0 = time.perf_counter()
    net.run(50.0, backend=BACKEND)
    per_ms = (time.perf_counter() - t0) / 50.0
    T = float(min(200000, max(1000, int(5.0 / max(per_ms, 1e-7)) // 10 * 10)))  # ~5 s
    first_step = 600
    total = int(round(T / dt))
    killer = send_sigint_after(0.5)
    t0 = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            try:
                net.run(T, record=[snn.Trace("v", pop, neurons=[0], every=10)],
                        backend=BACKEND)
            finally:
                check_sent(killer)        # the signal is always delivered in this block
                time.sleep(0.05)
    finally:
        check_sent(killer)
    elapsed = time.perf_counter() - t0
    last = net.last_result
    assert last is not None
    done = trace_steps(last[pop], "v").size * 10
    assert done < total // 2, f"the run went on to step {done} of {total} after SIGINT"
    assert elapsed < 3.0, f"run took {elapsed:.1f} s after a SIGINT at 0.5 s (T={T} ms)"
    spikes = last[pop].spike_steps
    assert spikes.size > 0 and spikes.min() >= first_step
    assert np.all(np.isfinite(pop.v))
    net.run(10.0, backend=BACKEND)
