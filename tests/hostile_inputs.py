"""Hostile inputs: every case is a small script that a careless or malicious user might run,
with the outcome a mature simulator owes them.

Outcomes:
  good    the expected exception type, and its message names what the case asks for
          (population or projection, parameter, value); or, for valid inputs, the right answer
  weak    an exception, but of the wrong type or with a message missing those names
          (or a valid input rejected)
  silent  no exception where one is due, or a wrong answer
  crash   the process died (signal, abort, exit without a Python exception) or hung

  python tests/hostile_inputs.py              # each case in its own process; prints the table
  python tests/hostile_inputs.py -k weight    # only cases whose id contains "weight"
  python tests/hostile_inputs.py --in-process # all cases in this one process (what
                                              # tests/test_hostile.py runs in a subprocess)

The process caps its address space (RLIMIT_AS) at 8 GiB above what it has mapped at start,
so a size check that fails cannot take the machine down, whatever its memory.
"""

# ruff: noqa: E501 - the cases are a table, one line each

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

PRELUDE = """
import os, threading, time
import numpy as np
import snn
from snn import _core

def pops(dt=0.5):
    net = snn.Network(dt=dt, seed=1)
    a = net.population(10, "regular_spiking", label="src_pop")
    b = net.population(8, "fast_spiking", label="dst_pop")
    return net, a, b

net, a, b = pops()
CPUS = os.cpu_count()

class Stop(Exception):
    pass

def busy_network(label="busy"):
    # a network that runs until `stop` is set, and an event set once it runs
    n = snn.Network(dt=0.1, seed=3)
    p = n.population(2000, "izhikevich2003_excitatory", label=label)
    q = n.connect(p, p, snn.FixedInDegree(20), weight=snn.Uniform(0, 0.5), delay=1.0, label="rec")
    started, stop = threading.Event(), threading.Event()
    def drive(t):
        started.set()
        if stop.is_set():
            raise Stop
        return 5.0
    n.input(p, drive)
    return n, p, q, started, stop

def while_running(action):
    # runs a busy network in a thread and calls action(net, pop, proj) while it runs; raises
    # what the action raised, once the run has stopped (and checks that the run was unharmed)
    n, p, q, started, stop = busy_network()
    n.run(1.0)
    errors = []
    def run():
        try:
            n.run(1e6)
        except Stop:
            pass
        except BaseException as e:
            errors.append(e)
    t = threading.Thread(target=run)
    started.clear()
    t.start()
    started.wait()
    try:
        action(n, p, q)
        got = None
    except Exception as e:
        got = e
    stop.set()
    t.join()
    assert not errors, f"the run itself failed: {errors[0]!r}"
    assert n.last_result.first_step == 10, n.last_result  # the result of the run interfered with
    if got is not None:
        raise got
"""

C, M, S, K, OK = "ConfigError", "MemoryError", "SnnError", "KeyError", "ok"


def case(category, name, code, expect, *patterns):
    return dict(category=category, id=name, code=textwrap.dedent(code).strip(), expect=expect,
                patterns=patterns)


P = r"src_pop->dst_pop|'w'"  # the projection of the standard two populations, or one named 'w'

CASES = [
    # --- thread counts -------------------------------------------------------------------------
    case("threads", "threads=10**6", "net.run(1.0, threads=10**6)", C, "threads", "1000000"),
    case("threads", "threads=50000", "net.run(1.0, threads=50000)", C, "threads", "50000"),
    case("threads", "threads=20000", "net.run(1.0, threads=20000)", C, "threads", "20000"),
    case("threads", "threads=2**40", "net.run(1.0, threads=2**40)", C, "threads", "1099511627776"),
    case("threads", "threads=2**64", "net.run(1.0, threads=2**64)", C, "threads", "18446744073709551616"),
    case("threads", "threads=4*cpus+1", "net.run(1.0, threads=4 * CPUS + 1)", C, "threads"),
    case("threads", "threads=4*cpus ok", "net.run(1.0, threads=4 * CPUS); assert net._sim.threads == 4 * CPUS",
         OK),
    case("threads", "threads=-1", "net.run(1.0, threads=-1)", C, "threads", "-1"),
    case("threads", "threads=0", "net.run(1.0, threads=0)", C, "threads", r"\b0\b"),
    case("threads", "threads=1.5", "net.run(1.0, threads=1.5)", C, "threads", r"1\.5"),
    case("threads", "threads='2'", "net.run(1.0, threads='2')", C, "threads", "'2'"),
    case("threads", "threads=True", "net.run(1.0, threads=True)", C, "threads", "True"),
    case("threads", "threads=np.int64(10**6)", "net.run(1.0, threads=np.int64(10**6))", C, "threads",
         "1000000"),
    case("threads", "native threads=10**6", "_core.Simulation(net._native, 'cpu', 10**6)", C, "threads",
         "1000000"),
    case("threads", "native threads=-5", "_core.Simulation(net._native, 'cpu', -5)", C, "threads", "-5"),
    case("threads", "compat simulate threads=10**6", """
         from snn.network import Izhi_Nucleus, build_izhi, simulate, Graph
         N = Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 5.0, label="N")
         g = Graph()
         simulate(10, 0.5, g, [N], build_izhi(0.5, [N], "simple"), threads=10**6)
         """, C, "threads", "1000000"),

    case("compat", "compat simulate T=1e30", """
         from snn.network import Izhi_Nucleus, build_izhi, simulate, Graph
         N = Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 5.0, label="N")
         simulate(1e30, 0.5, Graph(), [N], build_izhi(0.5, [N], "simple"))
         """, C, r"\bT\b", "steps"),
    case("compat", "compat connect P=1e300", """
         from snn.network import Izhi_Nucleus, build_izhi, connect, simulate, Graph
         N = Izhi_Nucleus(3, 0.02, 0.2, -65, 8, 5.0, label="N")
         connect(N, N, 1e300, delay=1)
         simulate(10, 0.5, Graph(), [N], build_izhi(0.5, [N], "voltage_jump"))
         """, C, r"1e\+?300"),
    case("compat", "compat Izhi_Nucleus n=2**40", "from snn.network import Izhi_Nucleus; Izhi_Nucleus(2**40, 0.02, 0.2, -65, 8, 5.0, label='N')",
         C, "N", "1099511627776"),

    # --- integers crossing into C++ -------------------------------------------------------------
    case("integers", "size=2**31", "net.population(2**31, 'regular_spiking', label='huge')", C, "huge", "size",
         "2147483648"),
    case("integers", "size=2**63", "net.population(2**63, 'regular_spiking', label='huge')", C, "huge",
         "9223372036854775808"),
    case("integers", "size=2**64", "net.population(2**64, 'regular_spiking', label='huge')", C, "huge",
         "18446744073709551616"),
    case("integers", "size=10**30", "net.population(10**30, snn.LIF(), label='huge')", C, "huge", "size"),
    case("integers", "size=np.uint64 max", "net.population(np.uint64(2**64 - 1), snn.LIF(), label='huge')", C,
         "huge", "18446744073709551615"),
    case("integers", "size=-1", "net.population(-1, 'regular_spiking', label='neg')", C, "neg", "-1"),
    case("integers", "size=0", "net.population(0, 'regular_spiking', label='zero')", C, "zero", r"\b0\b"),
    case("integers", "size=2.0", "net.population(2.0, 'regular_spiking', label='flt')", C, "flt", r"2\.0"),
    case("integers", "size=True", "net.population(True, 'regular_spiking', label='bool')", C, "bool", "True"),
    case("integers", "2003 preset size=2**31", "net.population(2**31, 'izhikevich2003_excitatory', label='h')",
         C, "'h'", "2147483648"),
    case("integers", "seed=-1", "snn.Network(dt=0.1, seed=-1)", C, "seed", "-1"),
    case("integers", "seed=2**64", "snn.Network(dt=0.1, seed=2**64)", C, "seed", "18446744073709551616"),
    case("integers", "seed=1.5", "snn.Network(dt=0.1, seed=1.5)", C, "seed", r"1\.5"),
    case("integers", "seed=2**64-1 ok", "n = snn.Network(dt=0.1, seed=2**64 - 1); assert n.seed == 2**64 - 1", OK),
    case("integers", "FixedInDegree(2**70)", "net.connect(a, b, snn.FixedInDegree(2**70), label='w')", C, P,
         r"\bk\b|degree", "1180591620717411303424"),
    case("integers", "FixedInDegree(2**64-1)", "net.connect(a, b, snn.FixedInDegree(2**64 - 1), label='w')", C,
         P, "18446744073709551615"),
    case("integers", "FixedOutDegree(2**63)", "net.connect(a, b, snn.FixedOutDegree(2**63), label='w')", C, P,
         "9223372036854775808"),
    case("integers", "FixedInDegree(-1)", "net.connect(a, b, snn.FixedInDegree(-1), label='w')", C, P, "-1"),
    case("integers", "FixedInDegree(1.5)", "net.connect(a, b, snn.FixedInDegree(1.5), label='w')", C, P,
         r"1\.5"),
    case("integers", "FixedOutDegree('3')", "net.connect(a, b, snn.FixedOutDegree('3'), label='w')", C, P,
         "'3'"),
    case("integers", "Trace every=2**70", "net.run(1.0, record=[snn.Trace('v', a, every=2**70)])", C, "every",
         "1180591620717411303424"),
    case("integers", "Trace every=2**64", "net.run(1.0, record=[snn.Trace('v', a, every=2**64)])", C, "every",
         "18446744073709551616"),
    case("integers", "Trace every=2**64-1 ok", """
         r = net.run(2.0, record=[snn.Trace('v', a, every=2**64 - 1)])
         assert r['src_pop'].trace_steps['v'].tolist() == [0]
         r = net.run(2.0, record=[snn.Trace('v', a, every=2**64 - 1)])
         assert r['src_pop'].trace_steps['v'].tolist() == []
         """, OK),
    case("integers", "Trace every=0", "net.run(1.0, record=[snn.Trace('v', a, every=0)])", C, "every", r"\b0\b"),
    case("integers", "Trace every=1.5", "net.run(1.0, record=[snn.Trace('v', a, every=1.5)])", C, "every",
         r"1\.5"),
    case("integers", "Trace neurons=[2**63+1]", "net.run(1.0, record=[snn.Trace('v', a, neurons=[2**63 + 1])])",
         C, "src_pop", "9223372036854775809"),
    case("integers", "Trace neurons uint64 2**63+1",
         "net.run(1.0, record=[snn.Trace('v', a, neurons=np.array([2**63 + 1], np.uint64))])", C, "src_pop",
         "9223372036854775809"),
    case("integers", "Trace neurons=[10**30]", "net.run(1.0, record=[snn.Trace('v', a, neurons=[10**30])])", C,
         "src_pop", "1000000000000000000000000000000"),
    case("integers", "Trace neurons=[-1]", "net.run(1.0, record=[snn.Trace('v', a, neurons=[-1])])", C,
         "src_pop", "-1"),
    case("integers", "Trace neurons=[1.5]", "net.run(1.0, record=[snn.Trace('v', a, neurons=[1.5])])", C,
         "record", r"float|1\.5"),
    case("integers", "explicit pre uint64 2**63+1",
         "net.connect(a, b, (np.array([2**63 + 1], np.uint64), np.array([0])))", C, P, "9223372036854775809"),
    case("integers", "explicit post 2**63+1", "net.connect(a, b, ([0], [2**63 + 1]))", C, P, "9223372036854775809"),
    case("integers", "explicit post 10**30", "net.connect(a, b, ([0], [10**30]), label='w')", C, P,
         "1000000000000000000000000000000"),
    case("integers", "explicit pre -1", "net.connect(a, b, ([-1], [0]), label='w')", C, P, "-1"),
    case("integers", "explicit float ids", "net.connect(a, b, ([0.0], [1.0]), label='w')", C, P, "float"),
    case("integers", "T=1e30", "net.run(1e30)", C, r"\bT\b", r"1e\+?30"),
    case("integers", "T=2**70", "net.run(2**70)", C, r"\bT\b", r"1180591620717411303424|1\.18\d*e\+?21"),
    case("integers", "T=10**400", "net.run(10**400)", C, r"\bT\b", "10000000000"),
    case("integers", "T=1e300", "net.run(1e300)", C, r"\bT\b", r"1e\+?300"),
    case("integers", "T='1'", "net.run('1')", C, r"\bT\b", "'1'"),
    case("integers", "T=None", "net.run(None)", C, r"\bT\b", "None"),
    case("integers", "v_substeps=2**40", "net.population(3, 'regular_spiking', v_substeps=2**40, label='s')", C,
         "'s'", "v_substeps", r"1099511627776|1\.0995\d*e\+?12"),
    case("integers", "v_substeps=10**400", "net.population(3, 'regular_spiking', v_substeps=10**400, label='s')",
         C, "'s'", "v_substeps"),
    case("integers", "v_substeps=1.5", "net.population(3, 'regular_spiking', v_substeps=1.5, label='s')", C, "'s'",
         "v_substeps", r"1\.5"),
    case("integers", "v_substeps=1001", "net.population(3, 'regular_spiking', v_substeps=1001, label='s')", C,
         "'s'", "v_substeps", "1001"),
    case("integers", "SpikeSource id 2**70",
         "net.population(2, snn.SpikeSource((np.array([2**70]), np.array([1.0]))), label='ss')", C, "'ss'",
         r"1180591620717411303424|1\.18\d*e\+?21"),
    case("integers", "SpikeSource id 1.5",
         "net.population(2, snn.SpikeSource((np.array([1.5]), np.array([1.0]))), label='ss')", C, "'ss'", "ids"),
    case("integers", "input start=1e30", "net.input(a, 1.0, start=1e30)", C, "src_pop", "start", r"1e\+?30"),
    case("integers", "input start=-1", "net.input(a, 1.0, start=-1.0)", C, "src_pop", "start", "-1"),
    case("integers", "native begin_run(2**64-1) after a step", """
         s = _core.Simulation(net._native, 'cpu', 1)
         s.begin_run(1, []); s.advance(1); s.end_run()
         s.begin_run(2**64 - 1, [])
         """, C, "steps", "18446744073709551615"),
    case("integers", "native advance(2**64-1) after a step", """
         s = _core.Simulation(net._native, 'cpu', 1)
         s.begin_run(1, []); s.advance(1); s.end_run()
         s.begin_run(5, [])
         try:
             s.advance(2**64 - 1)
         finally:
             assert s.step == 1, s.step
         """, C, "18446744073709551615"),
    case("integers", "native add_population(2**31)",
         "net._native.add_population(2**31, 'lif', [], np.zeros(0, np.int64), np.zeros(0), 'x')", C, "2147483648"),
    case("integers", "native TraceRequest every=2**64-1 ok", """
         s = _core.Simulation(net._native, 'cpu', 1)
         s.begin_run(1, []); s.advance(1); s.end_run()
         s.begin_run(3, [_core.TraceRequest(0, 'v', np.zeros(0, np.int64), 2**64 - 1)])
         s.advance(3)
         r = s.end_run()
         assert r['traces'][0][3].size == 0, r['traces'][0][3]
         """, OK),

    # --- floats: float32 range, kernel and model constants ----------------------------------------
    case("floats", "weight=1e300 AllToAll", "net.connect(a, b, snn.AllToAll(), weight=1e300)", C, P, "weight",
         r"1e\+?300"),
    case("floats", "weight=-1e39 AllToAll", "net.connect(a, b, snn.AllToAll(), weight=-1e39)", C, P, "weight",
         r"-1e\+?39"),
    case("floats", "weight=3.5e38 FixedInDegree", "net.connect(a, b, snn.FixedInDegree(2), weight=3.5e38)", C,
         P, "weight", r"3\.5e\+?38"),
    case("floats", "weight=10**400", "net.connect(a, b, snn.AllToAll(), weight=10**400)", C, P, "weight"),
    case("floats", "weight=Normal(0, 1e300)", "net.connect(a, b, snn.AllToAll(), weight=snn.Normal(0, 1e300))",
         C, P, "weight", r"1e\+?300"),
    case("floats", "weight=Normal(0, 1e38)", "net.connect(a, b, snn.FixedInDegree(3), weight=snn.Normal(0, 1e38))",
         C, P, "weight", r"1e\+?38"),
    case("floats", "weight=Normal(0, 1e38) clipped ok", """
         p = net.connect(a, b, snn.FixedInDegree(3), weight=snn.Normal(0, 1e38, low=-1, high=1))
         w = p.synapses()[2]
         assert np.all(np.abs(w) <= 1), w
         """, OK),
    case("floats", "weight=Uniform(-1e39, 1e39)",
         "net.connect(a, b, snn.AllToAll(allow_self=False), weight=snn.Uniform(-1e39, 1e39))", C, P, "weight",
         r"1e\+?39"),
    case("floats", "weight=Uniform(0, 1e300)", "net.connect(a, b, snn.FixedOutDegree(2), weight=snn.Uniform(0, 1e300))",
         C, P, "weight", r"1e\+?300"),
    case("floats", "weight array 1e300", "net.connect(a, b, ([0, 1], [0, 1]), weight=np.array([1.0, 1e300]))", C,
         P, "weight", r"1e\+?300"),
    case("floats", "dense matrix 1e300", """
         W = np.ones((10, 8)); W[3, 4] = 1e300
         net.connect(a, b, W)
         """, C, P, r"weight", r"1e\+?300", r"\[?3, 4\]?"),
    case("floats", "dense matrix -1e39 all", "net.connect(a, b, np.full((10, 8), -1e39))", C, P, r"-1e\+?39"),
    case("floats", "sparse matrix 1e300", """
         import scipy.sparse as sp
         net.connect(a, b, sp.coo_matrix(([1.0, 1e300], ([0, 1], [0, 1])), shape=(10, 8)))
         """, C, P, "weight", r"1e\+?300"),
    case("floats", "4-tuple weights 1e39", "net.connect(a, b, ([0], [1], [1e39], [1.0]))", C, P, "weight",
         r"1e\+?39"),
    case("floats", "dense tiny weight keeps count", """
         W = np.ones((10, 8)); W[1, 0] = 1e-12  # below the fixed-point step of 2^-30
         p = net.connect(a, b, W)
         assert p.n_synapses == len(p.synapses()[0]) == len(p.weights()) == 80, (p.n_synapses, len(p.synapses()[0]))
         """, OK),
    case("floats", "delay=1e300", "net.connect(a, b, snn.AllToAll(), delay=1e300)", C, P, "delay", r"1e\+?300"),
    case("floats", "delay array 1e39", "net.connect(a, b, ([0], [1]), delay=np.array([1e39]))", C, P, "delay",
         r"1e\+?39"),
    case("floats", "delay=Uniform(0, 1e300)", "net.connect(a, b, snn.AllToAll(), delay=snn.Uniform(0, 1e300))",
         C, P, "delay", r"1e\+?300"),
    case("floats", "delay=Normal(1, 1e300)", "net.connect(a, b, snn.AllToAll(), delay=snn.Normal(1, 1e300, low=0))",
         C, P, "delay"),
    case("floats", "delay=10**400", "net.connect(a, b, snn.AllToAll(), delay=10**400)", C, P, "delay"),
    case("floats", "v_peak=1e39", "net.population(3, 'regular_spiking', v_peak=1e39, label='vp')", C, "'vp'",
         "v_peak", r"1e\+?39"),
    case("floats", "a=1e300", "net.population(3, a=1e300, b=0.2, c=-65, d=8, label='pa')", C, "'pa'", r"\ba\b",
         r"1e\+?300"),
    case("floats", "c array with 1e39", "net.population(3, a=0.02, b=0.2, c=[-65, 1e39, -65], d=8, label='pc')",
         C, "'pc'", r"\bc\b", r"1e\+?39", r"neuron 1|\[1\]"),
    case("floats", "u0=-1e39", "net.population(3, 'regular_spiking', u0=-1e39, label='pu')", C, "'pu'", "u0",
         r"-1e\+?39"),
    case("floats", "LIF cm=1e-45 (constant overflows)", "net.population(3, snn.LIF(cm=1e-45), label='lc')", C,
         "'lc'", "cm"),
    case("floats", "LIF cm=1e-40 (constant overflows)", "net.population(3, snn.LIF(cm=1e-40), label='lc')", C,
         "'lc'", "cm"),
    case("floats", "LIF tau_refrac=1e38", "net.population(3, snn.LIF(tau_refrac=1e38), label='lr')", C, "'lr'",
         "tau_refrac", r"1e\+?38"),
    case("floats", "LIF tau_refrac of 2**25 steps", "net.population(3, snn.LIF(tau_refrac=2**25 * 0.5), label='lr')",
         C, "'lr'", "tau_refrac", "16777216|2\\^24"),
    case("floats", "LIFCond cm=3e38 tau_m=1e-40", "net.population(3, snn.LIFCond(cm=3e38, tau_m=1e-40), label='gc')",
         C, "'gc'", "cm|tau_m"),
    case("floats", "LIF tau_m=1e-45 ok", """
         p = net.population(3, snn.LIF(tau_m=1e-45, i_offset=1.0), label='fast')
         net.run(5.0)
         assert np.all(np.isfinite(p.v))
         """, OK),
    case("floats", "PoissonSource rate=1e39", "net.population(3, snn.PoissonSource(1e39), label='ps')", C, "'ps'",
         "rate", r"1e\+?39"),
    case("floats", "dt=1e-320", "n = snn.Network(dt=1e-320); n.population(1, 'regular_spiking'); n.run(1)", C,
         r"\bdt\b", r"1e-320|9\.99\d*e-321"),
    case("floats", "dt=1e39", "snn.Network(dt=1e39)", C, r"\bdt\b", r"1e\+?39"),
    case("floats", "dt=1e-50", "snn.Network(dt=1e-50)", C, r"\bdt\b", r"1e-50"),
    case("floats", "dt=10**400", "snn.Network(dt=10**400)", C, r"\bdt\b"),
    case("floats", "dt=1e-30 ok, long run refused", """
         n = snn.Network(dt=1e-30); p = n.population(1, 'regular_spiking', label='q')
         n.run(1e-27)
         try:
             n.run(1.0)
         except snn.ConfigError as e:
             assert 'steps' in str(e), e
         else:
             raise AssertionError('a run of 1e30 steps was accepted')
         """, OK),
    case("floats", "Alpha(tau=1e-300)", "net.connect(a, b, snn.AllToAll(), kernel=snn.Alpha(tau=1e-300))", C, P,
         r"\btau\b", r"1e-300"),
    case("floats", "Alpha(tau=1e-40)", "net.connect(a, b, snn.AllToAll(), kernel=snn.Alpha(tau=1e-40))", C, P,
         r"\btau\b", r"1e-40"),
    case("floats", "Exponential(tau=1e-300) ok", """
         net.connect(a, b, snn.AllToAll(), weight=5.0, kernel=snn.Exponential(tau=1e-300))
         net.input(a, 20.0)
         r = net.run(20.0)
         assert r[b].n_spikes >= 0
         """, OK),
    case("floats", "Alpha(tau=1e300) ok", "net.connect(a, b, snn.AllToAll(), kernel=snn.Alpha(tau=1e300)); net.run(2)",
         OK),
    case("floats", "Exponential(tau=inf)", "net.connect(a, b, snn.AllToAll(), kernel=snn.Exponential(float('inf')))",
         C, P, r"\btau\b", "inf"),
    case("floats", "Alpha(tau=10**400)", "net.connect(a, b, snn.AllToAll(), kernel=snn.Alpha(tau=10**400))", C, P,
         r"\btau\b"),
    case("floats", "Kernel.from_samples([1e300])",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel.from_samples([1.0, 1e300]))", C, P, "kernel",
         r"1e\+?300"),
    case("floats", "Kernel f returns 1e300",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(lambda t: 1e300 + 0 * t, 1.0))", C, P, "kernel",
         r"1e\+?300"),
    case("floats", "Kernel window=1e308",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(lambda t: 0 * t, 1e308))", C, P, "window",
         r"1e\+?308"),
    case("floats", "Kernel window=10**400",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(lambda t: 0 * t, 10**400))", C, P, "window"),
    case("floats", "input constant 1e300", "net.input(a, 1e300)", C, "src_pop", r"1e\+?300"),
    case("floats", "input array 1e39", "net.input(a, np.full((5, 10), 1e39))", C, "src_pop", r"1e\+?39"),
    case("floats", "Noise(mean=1e39)", "net.input(a, snn.Noise(mean=1e39, std=1.0))", C, "src_pop", "mean",
         r"1e\+?39"),
    case("floats", "Noise(std=1e300)", "net.input(a, snn.Noise(mean=0.0, std=1e300))", C, "src_pop", "std",
         r"1e\+?300"),
    case("floats", "Pulses amplitude=1e300", "net.input(a, snn.Pulses(rate=10.0, amplitude=1e300))", C, "src_pop",
         "amplitude", r"1e\+?300"),
    case("floats", "Pulses rate=1e300", "net.input(a, snn.Pulses(rate=1e300))", C, "src_pop", "rate", r"1e\+?300"),
    case("floats", "PoissonInput weight=1e39", "net.input(a, snn.PoissonInput(rate=10.0, weight=1e39))", C,
         "src_pop", "weight", r"1e\+?39"),
    case("floats", "PoissonInput rate=10**400", "net.input(a, snn.PoissonInput(rate=10**400, weight=1.0))", C,
         "src_pop", "rate"),
    case("floats", "callable returns 1e300", "net.input(a, lambda t: 1e300); net.run(1.0)", C, "src_pop",
         r"1e\+?300"),
    case("floats", "callable returns 10**400", "net.input(a, lambda t: 10**400); net.run(1.0)", C, "src_pop"),
    case("floats", "pop.v = 1e39", "net.run(1.0); a.v = 1e39", C, "src_pop", r"\bv\b", r"1e\+?39"),
    case("floats", "pop.v = nan", "a.v = float('nan')", C, "src_pop", r"\bv\b", "nan"),
    case("floats", "set_weights(1e300)", "p = net.connect(a, b, snn.AllToAll()); p.set_weights(1e300)", C, P,
         r"1e\+?300"),
    case("floats", "set_weights(10**400)", "p = net.connect(a, b, snn.AllToAll()); p.set_weights(10**400)", C, P),
    case("floats", "FixedProbability(p=10**400)", "net.connect(a, b, snn.FixedProbability(10**400))", C, P,
         r"\bp\b|probab"),
    case("floats", "weight=1e38 voltage jumps: SimulationError", """
         net.connect(a, b, ([0], [2]), weight=1e38, kernel=snn.Instant(target='v'))
         net.input(a, 20.0)
         try:
             net.run(100.0)
         except snn.SimulationError as e:
             assert 'dst_pop' in str(e)
         else:
             raise AssertionError('no SimulationError')
         """, OK),

    # --- types: strings, None, complex, containers, text ---------------------------------------
    case("types", "preset=[]", "net.population(3, [], label='t')", C, "'t'", r"\[\]"),
    case("types", "preset={}", "net.population(3, {}, label='t')", C, "'t'", r"\{\}"),
    case("types", "model=123", "net.population(3, 123, label='t')", C, "'t'", "123"),
    case("types", "record=123", "net.run(1.0, record=123)", C, "record", "123"),
    case("types", "record=[123]", "net.run(1.0, record=[123])", C, "record", "123"),
    case("types", "record=object()", "net.run(1.0, record=object())", C, "record", "object"),
    case("types", "population label lone surrogate", "net.population(3, 'regular_spiking', label='\\udc80')", C,
         "label"),
    case("types", "projection label lone surrogate", "net.connect(a, b, snn.AllToAll(), label='x\\udc80')", C,
         "label"),
    case("types", "Trace var lone surrogate", "net.run(1.0, record=[snn.Trace('\\udc80', a)])", C, "record"),
    case("types", "receptor lone surrogate", "net.connect(a, b, snn.AllToAll(), receptor='\\udc80')", C, P,
         "receptor"),
    case("types", "backend lone surrogate", "net.run(1.0, backend='\\udc80')", C, "backend"),
    case("types", "model name lone surrogate", "net.population(3, '\\udc80', label='t')", C, "'t'"),
    case("types", "variable name lone surrogate", "getattr(a, '\\udc80')", "AttributeError", "src_pop"),
    case("types", "v_peak='high'", "net.population(3, 'regular_spiking', v_peak='high', label='t')", C, "'t'",
         "v_peak", "'high'"),
    case("types", "a=[0.02, 'x', 0.02]", "net.population(3, a=[0.02, 'x', 0.02], b=0.2, c=-65, d=8, label='t')", C,
         "'t'", r"\ba\b"),
    case("types", "a=object()", "net.population(3, a=object(), b=0.2, c=-65, d=8, label='t')", C, "'t'",
         r"\ba\b"),
    case("types", "a=None", "net.population(3, a=None, b=0.2, c=-65, d=8, label='t')", C, "'t'", r"\ba\b"),
    case("types", "LIF(tau_m='slow')", "net.population(3, snn.LIF(tau_m='slow'), label='t')", C, "'t'", "tau_m",
         "'slow'"),
    case("types", "a complex", "net.population(3, a=0.02 + 1j, b=0.2, c=-65, d=8, label='t')", C, "'t'",
         r"\ba\b", "complex"),
    case("types", "kernel f returns strings",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(lambda t: 'a', 1.0))", C, P, "kernel", "'a'"),
    case("types", "kernel f returns string array",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(lambda t: np.array(['a'] * np.size(t)), 1.0))", C, P,
         "kernel"),
    case("types", "kernel f returns None",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(lambda t: None, 1.0))", C, P, "kernel", "None"),
    case("types", "kernel f returns complex",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(lambda t: 1j + 0 * t, 1.0))", C, P, "kernel",
         "complex"),
    case("types", "kernel f not callable", "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel(3.0, 1.0))", C, P,
         "kernel"),
    case("types", "Kernel.from_samples(['a'])", "snn.Kernel.from_samples(['a'])", C, "samples"),
    case("types", "Kernel.from_samples complex",
         "net.connect(a, b, snn.AllToAll(), kernel=snn.Kernel.from_samples(np.array([1 + 1j])))", C, "complex"),
    case("types", "input callable returns strings", "net.input(a, lambda t: 'a'); net.run(1.0)", C, "src_pop",
         "'a'"),
    case("types", "input callable returns None", "net.input(a, lambda t: None); net.run(1.0)", C, "src_pop", "None"),
    case("types", "input callable returns complex", "net.input(a, lambda t: 1j); net.run(1.0)", C, "src_pop",
         "complex"),
    case("types", "input callable returns list of str", "net.input(a, lambda t: ['x'] * 10); net.run(1.0)", C,
         "src_pop"),
    case("types", "Noise(mean='a')", "net.input(a, snn.Noise(mean='a'))", C, "src_pop", "mean", "'a'"),
    case("types", "Noise(std=None)", "net.input(a, snn.Noise(std=None))", C, "src_pop", "std", "None"),
    case("types", "Noise(mean=complex)", "net.input(a, snn.Noise(mean=1j))", C, "src_pop", "mean", "complex"),
    case("types", "Pulses(rate='fast')", "net.input(a, snn.Pulses(rate='fast'))", C, "src_pop", "rate"),
    case("types", "input None", "net.input(a, None)", C, "src_pop", "None"),
    case("types", "input 'abc'", "net.input(a, 'abc')", C, "src_pop", "'abc'"),
    case("types", "input complex array", "net.input(a, np.ones(10) * 1j)", C, "src_pop", "complex"),
    case("types", "complex dense matrix", "net.connect(a, b, np.ones((10, 8)) * (1 + 1j))", C, P, "complex"),
    case("types", "complex weight array", "net.connect(a, b, ([0], [1]), weight=np.array([1 + 2j]))", C, P,
         "weight", "complex"),
    case("types", "complex weight", "net.connect(a, b, snn.AllToAll(), weight=1j)", C, P, "weight"),
    case("types", "complex delay array", "net.connect(a, b, ([0], [1]), delay=np.array([1j]))", C, P, "delay",
         "complex"),
    case("types", "pop.v complex", "a.v = np.ones(10) * 1j", C, "src_pop", "complex"),
    case("types", "set_weights complex", "p = net.connect(a, b, snn.AllToAll()); p.set_weights(1j)", C, P,
         "complex"),
    case("types", "connectivity=None", "net.connect(a, b, None)", C, P, "connectivity", "None"),
    case("types", "connectivity='all'", "net.connect(a, b, 'all')", C, P, "connectivity", "'all'"),
    case("types", "connectivity=3.0", "net.connect(a, b, 3.0)", C, P, "connectivity|2-D|matrix"),
    case("types", "connectivity ragged list", "net.connect(a, b, [[1, 2], [3]])", C, P, "connectivity|matrix"),
    case("types", "connectivity=object()", "net.connect(a, b, object())", C, P, "connectivity"),
    case("types", "connectivity=snn.Exponential", "net.connect(a, b, snn.Exponential(2.0))", C, P, "connectivity"),
    case("types", "weight='a'", "net.connect(a, b, snn.AllToAll(), weight='a')", C, P, "weight", "'a'"),
    case("types", "delay='a'", "net.connect(a, b, snn.AllToAll(), delay='a')", C, P, "delay", "'a'"),
    case("types", "delay=None", "net.connect(a, b, snn.AllToAll(), delay=None)", C, P, "delay", "None"),
    case("types", "weight=[1, None]", "net.connect(a, b, ([0, 1], [0, 1]), weight=[1, None])", C, P, "weight"),
    case("types", "kernel='exp'", "net.connect(a, b, snn.AllToAll(), kernel='exp')", C, P, "kernel", "'exp'"),
    case("types", "kernel=AllToAll", "net.connect(a, b, snn.AllToAll(), kernel=snn.AllToAll())", C, P, "kernel"),
    case("types", "Exponential(tau='1')", "net.connect(a, b, snn.AllToAll(), kernel=snn.Exponential('1'))", C, P,
         "tau", "'1'"),
    case("types", "Alpha(tau=None)", "net.connect(a, b, snn.AllToAll(), kernel=snn.Alpha(None))", C, P, "tau",
         "None"),
    case("types", "Instant(target=None)", "net.connect(a, b, snn.AllToAll(), kernel=snn.Instant(target=None))", C,
         P, "target", "None"),
    case("types", "receptor=5", "net.connect(a, b, snn.AllToAll(), receptor=5)", C, P, "receptor", "5"),
    case("types", "Uniform('a', 1)", "net.connect(a, b, snn.AllToAll(), weight=snn.Uniform('a', 1))", C, P, "low",
         "'a'"),
    case("types", "FixedProbability('half')", "net.connect(a, b, snn.FixedProbability('half'))", C, P, "'half'"),
    case("types", "SpikeSource(times='abc')", "net.population(2, snn.SpikeSource('abc'), label='ss')", C, "'ss'",
         "times"),
    case("types", "SpikeSource(times=None)", "net.population(2, snn.SpikeSource(None), label='ss')", C, "'ss'",
         "times"),
    case("types", "SpikeSource times with 'a'", "net.population(2, snn.SpikeSource([[1.0, 'a'], []]), label='ss')",
         C, "'ss'", "times"),
    case("types", "set_weights('a')", "p = net.connect(a, b, snn.AllToAll()); p.set_weights('a')", C, P, "'a'"),
    case("types", "set_weights(None)", "p = net.connect(a, b, snn.AllToAll()); p.set_weights(None)", C, P, "None"),
    case("types", "pop.v = 'a'", "a.v = 'a'", C, "src_pop", "'a'"),
    case("types", "pop.v = None", "a.v = None", C, "src_pop", "None"),
    case("types", "backend=None", "net.run(1.0, backend=None)", C, "backend", "None"),
    case("types", "backend=1", "net.run(1.0, backend=1)", C, "backend", "1"),
    case("types", "dt='0.1'", "snn.Network(dt='0.1')", C, r"\bdt\b", "'0.1'"),
    case("types", "dt=None", "snn.Network(dt=None)", C, r"\bdt\b", "None"),
    case("types", "label=123 ok", "p = net.population(2, 'regular_spiking', label=123); assert p.label == '123'",
         OK),

    # --- shapes and lengths -----------------------------------------------------------------
    case("shapes", "explicit unequal lengths, no label", "net.connect(a, b, ([0, 1, 2], [1, 2]))", C,
         "src_pop->dst_pop", r"\b3\b", r"\b2\b"),
    case("shapes", "explicit unequal lengths, repeated pair", """
         net.connect(a, b, snn.AllToAll())
         net.connect(a, b, ([0, 1, 2], [1, 2]))
         """, C, r"src_pop->dst_pop#1", r"\b3\b"),
    case("shapes", "explicit unequal lengths, labelled", "net.connect(a, b, ([0, 1, 2], [1, 2]), label='w')", C,
         "'w'", r"\b3\b"),
    case("shapes", "weights of wrong length", "net.connect(a, b, ([0, 1], [0, 1]), weight=np.ones(3))", C, P,
         "weight", r"\b3\b"),
    case("shapes", "dense 3-D", "net.connect(a, b, np.ones((10, 8, 1)))", C, P, r"2-D|shape"),
    case("shapes", "dense transposed", "net.connect(a, b, np.ones((8, 10)))", C, P, r"\(8, 10\)"),
    case("shapes", "pop.v wrong shape", "a.v = np.ones(3)", C, "src_pop", r"\bv\b", r"\b3\b", r"\b10\b"),
    case("shapes", "pop.v 2-D", "a.v = np.ones((10, 2))", C, "src_pop", r"\bv\b", r"\(10, 2\)"),
    case("shapes", "set_weights wrong length", "p = net.connect(a, b, snn.AllToAll()); p.set_weights(np.ones(3))",
         C, P, r"\b3\b", r"\b80\b"),
    case("shapes", "input (steps, n+1)", "net.input(a, np.ones((5, 11)))", C, "src_pop", r"\b11\b"),
    case("shapes", "input 3-D", "net.input(a, np.ones((5, 10, 2)))", C, "src_pop", "shape"),
    case("shapes", "param length n+1", "net.population(3, 'regular_spiking', v0=np.ones(4), label='t')", C, "'t'",
         "v0", r"\b4\b"),
    case("shapes", "param (n, 2)", "net.population(3, 'regular_spiking', v0=np.ones((3, 2)), label='t')", C, "'t'",
         "v0", r"\(3, 2\)"),
    case("shapes", "SpikeSource (ids, times) unequal",
         "net.population(2, snn.SpikeSource((np.array([0, 1]), np.array([1.0]))), label='ss')", C, "'ss'"),
    case("shapes", "Trace neurons 2-D", "net.run(1.0, record=[snn.Trace('v', a, neurons=[[0, 1]])])", C, "record"),
    case("shapes", "explicit ids 2-D", "net.connect(a, b, ([[0]], [[1]]))", C, P, "1-D"),
    case("shapes", "callable wrong shape", "net.input(a, lambda t: np.ones(3)); net.run(1.0)", C, "src_pop",
         r"\b3\b"),
    case("shapes", "4-tuple and weight", "net.connect(a, b, ([0], [1], [1.0], [1.0]), weight=2.0)", C, P, "weight"),
    case("shapes", "3-tuple", "net.connect(a, b, ([0], [1], [1.0]))", C, P, r"\b3\b"),
    case("shapes", "kernel samples 2-D", "snn.Kernel.from_samples(np.ones((2, 2)))", C, "samples", "shape"),

    # --- memory: sizes estimated before allocating ---------------------------------------------
    case("memory", "2003 preset of 2**31-1", "net.population(2**31 - 1, 'izhikevich2003_excitatory', label='big')",
         M, "big", r"GiB|TiB"),
    case("memory", "preset of 2**31-1", "net.population(2**31 - 1, 'regular_spiking', label='big')", M, "big",
         r"GiB|TiB"),
    case("memory", "LIF of 2**31-1", "net.population(2**31 - 1, snn.LIF(), label='big')", M, "big", r"GiB|TiB"),
    case("memory", "LIFCond of 10**9", "net.population(10**9, snn.LIFCond(), label='big')", M, "big", r"GiB|TiB"),
    case("memory", "2003 preset of 10**9", "net.population(10**9, 'izhikevich2003_inhibitory', label='big')", M,
         "big", r"GiB|TiB"),
    case("memory", "AllToAll 10**6 x 10**6", """
         n = snn.Network(dt=1.0)
         x = n.population(10**6, 'regular_spiking', label='x'); y = n.population(10**6, 'regular_spiking', label='y')
         n.connect(x, y, snn.AllToAll(), weight=0.1, label='huge')
         """, M, "huge", r"TiB|PiB"),
    case("memory", "AllToAll 10**6 x 10**6 delays", """
         n = snn.Network(dt=1.0)
         x = n.population(10**6, 'regular_spiking', label='x'); y = n.population(10**6, 'regular_spiking', label='y')
         n.connect(x, y, snn.AllToAll(), weight=0.1, delay=snn.Uniform(1, 5), label='huge')
         """, M, "huge", r"TiB|PiB"),
    case("memory", "FixedInDegree 10**4 onto 10**6", """
         n = snn.Network(dt=1.0)
         x = n.population(10**6, 'regular_spiking', label='x')
         n.connect(x, x, snn.FixedInDegree(10**4), label='huge')
         """, M, "huge", r"GiB|TiB"),
    case("memory", "FixedProbability(1) 2e5 x 2e5", """
         n = snn.Network(dt=1.0)
         x = n.population(200000, 'regular_spiking', label='x')
         n.connect(x, x, snn.FixedProbability(1.0), label='huge')
         """, M, "huge", r"GiB|TiB"),
    case("memory", "record v of 10**6 neurons for 10**6 steps", """
         n = snn.Network(dt=1.0)
         x = n.population(10**6, snn.LIF(), label='x')
         n.run(10**6, record='v')
         """, M, "record", r"GiB|TiB"),
    case("memory", "record is refused before the run", """
         n = snn.Network(dt=1.0)
         x = n.population(10**6, snn.LIF(), label='x')
         try:
             n.run(10**6, record='v')
         except MemoryError:
             assert n.step == 0 and n.last_result is None
         else:
             raise AssertionError('no MemoryError')
         """, OK),
    case("memory", "kernel window 4096 on 10**7 neurons", """
         n = snn.Network(dt=1.0)
         x = n.population(10**7, snn.LIF(), label='x')
         n.connect(x, x, snn.FixedInDegree(1), kernel=snn.Kernel.from_samples(np.ones(4096)), label='k')
         n.run(1.0)
         """, M, r"GiB|TiB"),
    case("memory", "native izhikevich_2003(2**31-1)", "net._native.izhikevich_2003(2**31 - 1, True)", M, r"GiB"),

    # --- identity: lookups by object, not by label ------------------------------------------------
    case("identity", "res[pop of another network, same label]", """
         other, oa, ob = pops()
         r = net.run(1.0)
         r[oa]
         """, K, "src_pop"),
    case("identity", "res[pop of another network, other label]", """
         other = snn.Network(dt=0.5); z = other.population(2, 'regular_spiking', label='zz')
         r = net.run(1.0)
         r[z]
         """, K, "zz"),
    case("identity", "res['nolabel']", "r = net.run(1.0); r['nolabel']", K, "nolabel"),
    case("identity", "res[5]", "r = net.run(1.0); r[5]", K, r"\b5\b"),
    case("identity", "res[True]", "r = net.run(1.0); r[True]", K, "True"),
    case("identity", "res[pop] ok", """
         r = net.run(1.0)
         assert r[a] is r['src_pop'] and r[b] is r[1] and r[a].label == 'src_pop'
         """, OK),
    case("identity", "connect another network's pop, same label", """
         other, oa, ob = pops()
         net.connect(oa, b, snn.AllToAll())
         """, C, "not a population of this network"),
    case("identity", "input to another network's pop", "other, oa, ob = pops(); net.input(oa, 1.0)", C,
         "not a population of this network"),
    case("identity", "Trace of another network's pop",
         "other, oa, ob = pops(); net.run(1.0, record=[snn.Trace('v', oa)])", C, "not a population of this network"),
    case("identity", "label '' is the engine's", """
         p = net.population(2, 'regular_spiking', label='')
         assert p.label == net._native.population_label(p.index), (p.label, net._native.population_label(p.index))
         r = net.run(1.0)
         assert r[p].label == p.label
         """, OK),
    case("identity", "duplicate label", "net.population(2, 'regular_spiking', label='src_pop')", C, "src_pop",
         "already"),
    case("identity", "duplicate projection label",
         "net.connect(a, b, snn.AllToAll(), label='w'); net.connect(a, b, snn.AllToAll(), label='w')", C, "'w'",
         "already"),

    # --- run state: re-entrancy, threads, counters ------------------------------------------------
    case("state", "net.run inside its own input callable", """
         inner = []
         def f(t):
             if t == 1.0:
                 try:
                     net.run(1.0)
                 except snn.SnnError as e:
                     inner.append(net.last_result)
                     raise
             return 1.0
         net.input(a, f)
         first = net.run(0.5)
         try:
             net.run(5.0)
         finally:
             assert inner, 'the inner run was not refused'
             assert inner[0] is first, 'the refused run changed last_result'
             # the outer run stops at the error, as at any error of an input: nothing recorded
             assert net.last_result.first_step == 1 and net.last_result.steps == 0, net.last_result
         """, S, "already"),
    case("state", "two threads run one network", """
         while_running(lambda n, p, q: n.run(10.0))
         """, S, "running in another thread"),
    case("state", "read pop.v during a run from another thread", "while_running(lambda n, p, q: p.v)", S,
         "running in another thread"),
    case("state", "write pop.v during a run from another thread",
         "while_running(lambda n, p, q: setattr(p, 'v', -70.0))", S, "running in another thread"),
    case("state", "read weights during a run from another thread", "while_running(lambda n, p, q: q.weights())",
         S, "running in another thread"),
    case("state", "set weights during a run from another thread",
         "while_running(lambda n, p, q: q.set_weights(0.1))", S, "running in another thread"),
    case("state", "synapses() during a run from another thread", "while_running(lambda n, p, q: q.synapses())",
         S, "running in another thread"),
    case("state", "native advance during a run from another thread",
         "while_running(lambda n, p, q: n._sim.advance(1))", S, "running in another thread"),
    case("state", "two networks in two threads ok", """
         def build():
             n = snn.Network(dt=0.1, seed=4)
             p = n.population(500, 'izhikevich2003_excitatory', label='p')
             n.connect(p, p, snn.FixedInDegree(20), weight=snn.Uniform(0, 1.0), delay=1.0)
             n.input(p, snn.Noise(mean=3.0, std=3.0))
             return n, p
         ref_net, ref_p = build()
         expected = ref_net.run(300.0)[ref_p]
         out = {}
         def run(i):
             n, p = build()
             out[i] = n.run(300.0)[p]
         ts = [threading.Thread(target=run, args=(i,)) for i in range(3)]
         [t.start() for t in ts]; [t.join() for t in ts]
         for r in out.values():
             assert np.array_equal(r.spike_steps, expected.spike_steps)
             assert np.array_equal(r.spike_ids, expected.spike_ids)
         """, OK),
    case("state", "connect after a run", "net.run(1.0); net.connect(a, b, snn.AllToAll())", C, "simulated"),
    case("state", "population after a run", "net.run(1.0); net.population(2, 'regular_spiking')", C, "simulated"),
    case("state", "input after a run", "net.run(1.0); net.input(a, 1.0)", C, "simulated"),
    case("state", "other threads after the first run", "net.run(1.0, threads=1); net.run(1.0, threads=2)", C,
         "threads"),
    case("state", "native advance without begin_run", "s = _core.Simulation(net._native, 'cpu', 1); s.advance(1)",
         C, "begin_run"),
    case("state", "native end_run without begin_run", "s = _core.Simulation(net._native, 'cpu', 1); s.end_run()",
         C, "no run"),
    case("state", "native begin_run twice", """
         s = _core.Simulation(net._native, 'cpu', 1)
         s.begin_run(2, [])
         s.begin_run(2, [])
         """, S, "already"),
    case("state", "native advance past the run", """
         s = _core.Simulation(net._native, 'cpu', 1)
         s.begin_run(2, [])
         s.advance(3)
         """, C, r"\b3\b", "past"),
    case("state", "native set_stream for a constant input", """
         net.input(a, 1.0)
         s = _core.Simulation(net._native, 'cpu', 1)
         s.begin_run(2, [])
         s.set_stream(0, 0, np.ones((2, 10), np.float32))
         """, C, "stream"),
    case("state", "native set_stream of wrong width", """
         net.input(a, lambda t: 1.0)
         s = _core.Simulation(net._native, 'cpu', 1)
         s.begin_run(2, [])
         s.set_stream(0, 0, np.ones((2, 9), np.float32))
         """, C, "src_pop", r"\b9\b"),
    case("state", "native set_stream longer than the run", """
         net.input(a, lambda t: 1.0)
         s = _core.Simulation(net._native, 'cpu', 1)
         s.begin_run(2, [])
         s.set_stream(0, 0, np.ones((3, 10), np.float32))
         """, C, "src_pop", r"\b3\b"),
    case("state", "native get_state(99)", "s = _core.Simulation(net._native, 'cpu', 1); s.get_state(99, 'v')", C,
         "99"),
    case("state", "native get_weights(99)", "s = _core.Simulation(net._native, 'cpu', 1); s.get_weights(99)", C,
         "99"),
    case("state", "native synapses(99)", "net._native.synapses(99)", C, "99"),
    case("state", "native population_size(2**64-1)", "net._native.population_size(2**64 - 1)", C, "index"),
    case("state", "native unknown parameter",
         "net._native.add_population(3, 'lif', [('tau_x', np.ones(1, np.float32))], np.zeros(0, np.int64), "
         "np.zeros(0), 'x')", C, "tau_x"),
]


# --- running the cases ------------------------------------------------------------------------

def limit_memory(extra=8 << 30):
    """Caps this process's address space at `extra` bytes above what is mapped now."""
    import resource

    with open("/proc/self/status") as f:
        vm = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize"))
    resource.setrlimit(resource.RLIMIT_AS, (vm + extra, vm + extra))


def outcome(c, exc):
    """good / weak / silent for a case that ran to completion (exc: what it raised)."""
    import snn

    expected = {"ConfigError": snn.ConfigError, "MemoryError": MemoryError, "SnnError": snn.SnnError,
                "KeyError": KeyError, "AttributeError": AttributeError}
    if isinstance(exc, AssertionError):
        return "silent", f"wrong answer: {exc}"
    if exc is None:
        return ("good", "") if c["expect"] == OK else ("silent", "no exception")
    msg = f"{type(exc).__name__}: {exc}"
    if c["expect"] == OK:
        return "weak", f"valid input refused: {msg}"
    if not isinstance(exc, expected[c["expect"]]) or (c["expect"] == "SnnError" and isinstance(exc, ValueError)):
        return "weak", msg
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    missing = [p for p in c["patterns"] if not re.search(p, text, re.IGNORECASE)]
    if missing:
        return "weak", f"{msg}  (message lacks {missing})"
    return "good", msg


def run_case(c):
    """Runs one case here; returns (outcome, detail)."""
    namespace: dict = {}
    exec(PRELUDE, namespace)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(c["code"], namespace)
            exc = None
        except BaseException as e:  # noqa: B036 - KeyboardInterrupt and SystemExit are outcomes too
            exc = e
    result, detail = outcome(c, exc)
    if caught and result == "silent":
        detail += f" (warning only: {caught[0].category.__name__}: {caught[0].message})"
    return result, detail


def in_process(cases):
    limit_memory()
    for c in cases:
        print(json.dumps({"start": c["id"]}), flush=True)
        try:
            result, detail = run_case(c)
        except BaseException:  # noqa: B036
            result, detail = "weak", traceback.format_exc(limit=2)
        print(json.dumps({"id": c["id"], "outcome": result, "detail": detail[:500]}), flush=True)


def isolated(c, timeout):
    """Runs one case in its own process; returns (outcome, detail, seconds)."""
    t0 = time.time()
    cmd = [sys.executable, os.path.abspath(__file__), "--in-process", "--exact", c["id"]]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=HERE)
    except subprocess.TimeoutExpired:
        return "crash", f"hung: no result in {timeout} s", time.time() - t0
    for line in proc.stdout.splitlines():
        if line.startswith("{") and '"outcome"' in line:
            r = json.loads(line)
            return r["outcome"], r["detail"], time.time() - t0
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return "crash", f"exit status {proc.returncode}: {' | '.join(tail)}", time.time() - t0


def table(rows):
    """rows: (category, id, outcome, detail). Prints each bad case and the counts."""
    order = ["crash", "silent", "weak", "good"]
    for cat, name, result, detail in rows:
        if result != "good":
            print(f"{result:6}  {cat:9}  {name}: {detail}")
    counts = collections.OrderedDict()
    for cat, _, result, _ in rows:
        counts.setdefault(cat, collections.Counter())[result] += 1
    print(f"\n{'category':10} {'cases':>5} " + " ".join(f"{o:>6}" for o in order))
    total = collections.Counter()
    for cat, cnt in counts.items():
        total.update(cnt)
        print(f"{cat:10} {sum(cnt.values()):5} " + " ".join(f"{cnt[o]:6}" for o in order))
    print(f"{'all':10} {sum(total.values()):5} " + " ".join(f"{total[o]:6}" for o in order))
    return total


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", default="", help="only cases whose id contains this")
    ap.add_argument("--exact", default=None, help="only the case with this id")
    ap.add_argument("--in-process", action="store_true", help="run the cases in this process (JSON lines)")
    ap.add_argument("--jobs", type=int, default=2, help="processes at once (default 2)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per case before it counts as hung")
    args = ap.parse_args(argv)
    ids = [c["id"] for c in CASES]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, f"duplicate case ids: {dup}"
    cases = [c for c in CASES if args.k in c["id"] and (args.exact is None or c["id"] == args.exact)]
    if args.in_process:
        in_process(cases)
        return 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda c: isolated(c, args.timeout), cases))
    total = table([(c["category"], c["id"], r[0], r[1]) for c, r in zip(cases, results)])
    return 0 if total["good"] == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
