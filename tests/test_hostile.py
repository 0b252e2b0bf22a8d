"""Hostile input, threads and interrupted runs (issue 13).

- Every case of ``tests/hostile_inputs.py`` (about 270 bad inputs by category: thread counts,
  integers and floats beyond the engine's types, wrong types and shapes, sizes, lookups by
  identity, run state) raises the right exception with a message naming the culprit; they
  run in one child process, so that a crash fails this test instead of killing pytest.
- A network runs in one thread at a time: a second run, or state and weight access, from
  another thread raises snn.SnnError and leaves the run unharmed; a run from inside one of
  its own input callables too. Independent networks run in parallel threads with the GIL
  released.
- An interrupted run keeps the values its callables computed for steps it did not reach.
"""

import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import snn

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


# ---- one network, two threads -----------------------------------------------------------------

class Stop(Exception):
    pass


def busy(seed=3, n=3000):
    """A network whose input callable reports that the run is going and stops it on request."""
    net = snn.Network(dt=0.1, seed=seed)
    pop = net.population(n, "izhikevich2003_excitatory", label="busy")
    proj = net.connect(pop, pop, snn.FixedInDegree(20), weight=snn.Uniform(0, 0.5), delay=1.0, label="rec")
    started, stop = threading.Event(), threading.Event()
    calls = []

    def drive(t):
        started.set()
        if stop.is_set():
            raise Stop
        calls.append(t)
        return 4.0 + 3.0 * np.sin(t / 7.0)

    net.input(pop, drive)
    return net, pop, proj, started, stop


def test_a_second_thread_cannot_touch_a_running_network():
    net, pop, proj, started, stop = busy()
    net.run(5.0)
    v_before = pop.v
    errors = []

    def run():
        try:
            net.run(1e6)
        except Stop:
            pass
        except BaseException as e:  # noqa: B036 - reported below
            errors.append(e)

    runner = threading.Thread(target=run)
    started.clear()
    runner.start()
    started.wait()
    attempts = {
        "run": lambda: net.run(1.0),
        "pop.v": lambda: pop.v,
        "pop.v =": lambda: setattr(pop, "v", -70.0),
        "weights()": proj.weights,
        "set_weights": lambda: proj.set_weights(0.1),
        "synapses()": proj.synapses,
        "native advance": lambda: net._sim.advance(1),
        "native end_run": lambda: net._sim.end_run(),
    }
    try:
        for name, attempt in attempts.items():
            with pytest.raises(snn.SnnError, match="running in another thread"):
                attempt()
            assert runner.is_alive(), f"the run ended before {name} was tried"
    finally:
        stop.set()
        runner.join()
    assert not errors, errors
    res = net.last_result
    assert res.first_step == 50 and net.step == 50 + res.steps
    # the run was unharmed: a twin network run alone for as many steps gives the same spikes
    twin, twin_pop, *_ = busy()
    twin.run(5.0)
    np.testing.assert_array_equal(twin_pop.v, v_before)
    alone = twin.run(res.steps * 0.1)[twin_pop]
    np.testing.assert_array_equal(res[pop].spike_steps, alone.spike_steps)
    np.testing.assert_array_equal(res[pop].spike_ids, alone.spike_ids)
    np.testing.assert_array_equal(pop.v, twin_pop.v)  # and the network is usable again


def test_run_from_inside_its_own_input_callable():
    net = snn.Network(dt=0.5, seed=1)
    pop = net.population(5, "regular_spiking", label="p")
    seen = []

    def f(t):
        if t == 1.0 and not seen:
            before = net.last_result
            with pytest.raises(snn.SnnError, match="from inside its own run") as e:
                net.run(1.0)
            seen.append((before, net.last_result, e.value))
            raise e.value
        return 10.0

    net.input(pop, f)
    first = net.run(0.5)
    with pytest.raises(snn.SnnError, match="from inside its own run"):
        net.run(5.0)
    (before, after, _), = seen
    assert before is first and after is first  # the refused run left last_result alone
    # the outer run stopped at the error of its input, having recorded nothing (the error came
    # while its first chunk was being computed); the network goes on from there
    assert net.last_result.first_step == 1 and net.last_result.steps == 0 and net.step == 1
    assert net.run(5.0).steps == 10


def test_independent_networks_run_in_parallel_threads():
    def build(seed):
        net = snn.Network(dt=0.1, seed=seed)
        pop = net.population(400, "izhikevich2003_excitatory", label="p")
        net.connect(pop, pop, snn.FixedProbability(0.05), weight=snn.Uniform(0, 1.0),
                    delay=snn.Uniform(0.5, 3))
        net.input(pop, snn.Noise(mean=3.0, std=3.0))
        return net, pop

    alone = {}
    for seed in (1, 2, 3):
        net, pop = build(seed)
        alone[seed] = net.run(300.0)[pop]
    together = {}

    def run(seed):
        net, pop = build(seed)
        together[seed] = net.run(300.0)[pop]

    threads = [threading.Thread(target=run, args=(seed,)) for seed in alone]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for seed, r in alone.items():
        assert r.n_spikes > 100
        np.testing.assert_array_equal(together[seed].spike_steps, r.spike_steps)
        np.testing.assert_array_equal(together[seed].spike_ids, r.spike_ids)


def test_the_engine_releases_the_gil_while_it_runs():
    """One native advance of about 2 s in another thread: if it held the GIL, this thread's
    Python loop would stall for the whole of it."""
    net = snn.Network(dt=0.1, seed=5)
    pop = net.population(5000, "izhikevich2003_excitatory", label="p")
    net.connect(pop, pop, snn.FixedInDegree(50), weight=snn.Uniform(0, 0.5), delay=1.0)
    net.input(pop, snn.Noise(mean=3.0, std=3.0))
    t0 = time.perf_counter()
    net.run(20.0)
    per_step = (time.perf_counter() - t0) / 200
    steps = int(min(2e6, max(200, 2.0 / max(per_step, 1e-7))))
    sim = net._sim
    span = []

    def advance():  # the run belongs to this thread
        sim.begin_run(steps, [])
        t = time.perf_counter()
        sim.advance(steps)
        span.append((t, time.perf_counter()))
        sim.end_run()

    worker = threading.Thread(target=advance)
    stalls = []  # (from, to) of every pause of this loop over 10 ms, start() and the end included

    def tick(last):
        now = time.perf_counter()
        if now - last > 0.01:
            stalls.append((last, now))
        return now

    last = time.perf_counter()
    worker.start()
    while worker.is_alive():
        last = tick(last)
    tick(last)
    worker.join()
    (begin, end), = span
    assert end - begin > 1.0, f"the advance took only {end - begin:.2f} s"
    longest = max([min(b, end) - max(a, begin) for a, b in stalls if b > begin and a < end], default=0.0)
    assert longest < 0.5 * (end - begin), (
        f"this thread stalled for {longest:.2f} s of a {end - begin:.2f} s native advance")


# ---- interrupted runs keep what their callables computed ----------------------------------------

class Interrupt:
    """An input drawing from a shared generator that raises KeyboardInterrupt once, at its
    first call at t >= t_stop, before drawing."""

    def __init__(self, rng, n, t_stop=None):
        self.rng, self.n, self.t_stop = rng, n, t_stop

    def __call__(self, t):
        if self.t_stop is not None and t >= self.t_stop:
            self.t_stop = None
            raise KeyboardInterrupt
        return self.rng.normal(4.0, 3.0, self.n)


def shared_rng_network(t_stop):
    net = snn.Network(dt=0.1, seed=9)
    pop = net.population(30, "regular_spiking", label="p")
    rng = np.random.default_rng(0)
    net.input(pop, Interrupt(rng, 30))              # draws first in each step ...
    net.input(pop, Interrupt(rng, 30, t_stop))      # ... then this one, which interrupts
    return net, pop


def test_an_interrupted_run_keeps_the_rows_its_callables_computed():
    whole_net, whole_pop = shared_rng_network(None)
    whole = whole_net.run(100.0, record="v")[whole_pop]
    net, pop = shared_rng_network(t_stop=37.3)       # in the middle of a chunk
    with pytest.raises(KeyboardInterrupt):
        net.run(100.0, record="v")
    first = net.last_result[pop]
    done = net.step
    assert 0 < done < 373
    rest = net.run(100.0 - done * 0.1, record="v")[pop]
    np.testing.assert_array_equal(np.concatenate([first.v, rest.v]), whole.v)
    np.testing.assert_array_equal(np.concatenate([first.spike_steps, rest.spike_steps]), whole.spike_steps)
    assert whole.n_spikes > 10
