"""Time the two networks of benchmarks/core_figures.py in peer simulators (Brian2, NEST).

    /opt/peers-venv/bin/python benchmarks/peers.py [--which brian2 nest] [--threads 1 2]
        [--reps 3] [--T 1000] [--T-sparse 1000] [--nets izh sparse] [--modes standalone runtime]

Needs a separate environment (not snn's): ``python3 -m venv /opt/peers-venv &&
/opt/peers-venv/bin/pip install brian2==2.9.0 'numpy<2.4' nest-simulator``.

Networks (as in core_figures.py):

* ``izh``: Izhikevich (2003), 800 exc + 200 inh heterogeneous neurons, all-to-all (self
  connections included), weights U(0, 0.5) / U(-1, 0) felt as input current in the step after
  the spike, noise N(0, 5) / N(0, 2) drawn per neuron and step, dt = 1 ms, v by two 0.5 ms
  Euler substeps, u by one 1 ms step using the new v.
* ``sparse``: 100,000 such neurons (80 % exc), 100 distinct random targets per neuron (80 exc,
  20 inh), weights U(0, 5) / U(-10, 0), delays U(1, 20) ms rounded to whole steps, same noise.

Every configuration runs in its own subprocess (Brian2's device and NEST's kernel are
process-global) and is repeated ``--reps`` times; best and median are printed.

What is timed:

* Brian2 cpp_standalone: the binary is compiled once per (network, threads); each repetition
  re-runs the binary. ``sim`` is Brian's own ``last_run_info`` time, measured in C++ around
  ``Network::run`` (all per-step code objects incl. the spike counter; no compilation, no
  array initialisation, no synapse creation, no file I/O). ``build`` is measured in C++ around
  the synapse creation and weight/delay initialisation code inserted into ``main()``.
  threads=1 compiles without OpenMP (openmp_threads = 0); threads=2 uses openmp_threads = 2.
* Brian2 runtime (Cython): ``sim`` is the wall time of ``Network.run(T)`` after a 1 ms warm-up
  run that compiles/loads all code objects; ``build`` is ``Synapses.connect`` plus weight and
  delay assignment. Single-threaded only.
* NEST: ``build`` is Create + Connect; ``prep`` is ``nest.Prepare()`` (NEST finalises the
  connection infrastructure there); ``sim`` is ``nest.Run(T)``; ``Simulate(T)`` would be
  prep + sim + Cleanup.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

N_IZH = (800, 200)
SPARSE_N = 100_000
SPARSE_K = 100
DT = 1.0  # ms


# --------------------------------------------------------------------------- parameters

def izh_params(n_exc: int, n_inh: int, seed: int):
    """Izhikevich's heterogeneous parameters (one r per neuron), as arrays over exc then inh."""
    rng = np.random.default_rng(seed)
    re = rng.random(n_exc)
    ri = rng.random(n_inh)
    a = np.concatenate([np.full(n_exc, 0.02), 0.02 + 0.08 * ri])
    b = np.concatenate([np.full(n_exc, 0.2), 0.25 - 0.05 * ri])
    c = np.concatenate([-65 + 15 * re ** 2, np.full(n_inh, -65.0)])
    d = np.concatenate([8 - 6 * re ** 2, np.full(n_inh, 2.0)])
    sigma = np.concatenate([np.full(n_exc, 5.0), np.full(n_inh, 2.0)])
    return a, b, c, d, sigma


def net_spec(net: str):
    """(n_exc, n_inh, out-degree to exc, to inh or None for all-to-all, w_exc, w_inh, delays)."""
    if net == "izh":
        return dict(n_exc=800, n_inh=200, k_exc=None, k_inh=None,
                    w_exc=(0.0, 0.5), w_inh=(-1.0, 0.0), delay=None)
    n_exc = SPARSE_N * 4 // 5
    n_inh = SPARSE_N - n_exc
    return dict(n_exc=n_exc, n_inh=n_inh, k_exc=SPARSE_K * n_exc // SPARSE_N,
                k_inh=SPARSE_K * n_inh // SPARSE_N, w_exc=(0.0, 5.0), w_inh=(-10.0, 0.0),
                delay=(1.0, 20.0))


def fan_out(spec) -> int:
    n = spec["n_exc"] + spec["n_inh"]
    return n if spec["k_exc"] is None else spec["k_exc"] + spec["k_inh"]


# --------------------------------------------------------------------------- Brian2

def _brian_network(spec, seed: int, standalone: bool):
    import brian2 as b2

    n_exc, n_inh = spec["n_exc"], spec["n_inh"]
    n = n_exc + n_inh
    a, b, c, d, sigma = izh_params(n_exc, n_inh, seed)
    eqs = """
    v : 1
    u : 1
    Isyn : 1
    a : 1 (constant)
    b : 1 (constant)
    c : 1 (constant)
    d : 1 (constant)
    sigma : 1 (constant)
    """
    G = b2.NeuronGroup(n, eqs, threshold="v >= 30", reset="v = c; u += d", name="izh")
    G.a, G.b, G.c, G.d, G.sigma = a, b, c, d, sigma
    G.v = -65.0
    G.u = b * -65.0
    # Izhikevich's update: input of this step = fresh noise + synaptic input gathered during
    # the previous step; v by two 0.5 ms Euler substeps, u by one 1 ms step with the new v.
    G.run_regularly("""
    I = sigma * randn() + Isyn
    Isyn = 0
    v += 0.5 * (0.04 * v**2 + 5 * v + 140 - u + I)
    v += 0.5 * (0.04 * v**2 + 5 * v + 140 - u + I)
    u += a * (b * v - u)
    """, when="groups", name="izh_update")
    mon = b2.SpikeMonitor(G, record=False, name="spikes")

    pops = {"exc": G[:n_exc], "inh": G[n_exc:]}
    syns = []
    for pre, (lo, hi) in (("exc", spec["w_exc"]), ("inh", spec["w_inh"])):
        for post in ("exc", "inh"):
            S = b2.Synapses(pops[pre], pops[post], "w : 1 (constant)", on_pre="Isyn_post += w",
                            name=f"syn_{pre}_{post}")
            syns.append((S, lo, hi, post))
    return b2, G, mon, syns


def _brian_connect(spec, syns):

    for S, lo, hi, post in syns:
        if spec["k_exc"] is None:
            S.connect()  # all-to-all incl. self connections, like Izhikevich's S matrix
        else:
            k = spec["k_exc"] if post == "exc" else spec["k_inh"]
            S.connect(j=f"k for k in sample(N_post, size={k})")  # k distinct targets
        S.w = f"{lo} + ({hi - lo}) * rand()"
        if spec["delay"] is not None:
            dlo, dhi = spec["delay"]
            # snn: a spike at step k is felt in step k + round(delay). Brian adds to Isyn in the
            # synapses slot of step k + round(delay) and the neuron reads it one step later,
            # so the Brian delay is one step shorter.
            S.delay = f"(floor({dlo} + ({dhi - dlo}) * rand() + 0.5) - 1) * ms"


def brian_standalone(net: str, threads: int, reps: int, T: float, seed: int, workdir: str):
    import brian2 as b2

    spec = net_spec(net)
    directory = os.path.join(workdir, f"brian2_{net}_t{threads}")
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0 if threads == 1 else threads
    b2.defaultclock.dt = DT * b2.ms
    b2.seed(seed)
    _, G, mon, syns = _brian_network(spec, seed, standalone=True)
    b2.device.insert_code("main", "struct timespec _pb0, _pb1; clock_gettime(CLOCK_MONOTONIC, &_pb0);")
    _brian_connect(spec, syns)
    b2.device.insert_code(
        "main",
        "clock_gettime(CLOCK_MONOTONIC, &_pb1); std::cout << \"PEERS_BUILD \" << "
        "((_pb1.tv_sec - _pb0.tv_sec) + 1e-9 * (_pb1.tv_nsec - _pb0.tv_nsec)) << std::endl;")
    net_obj = b2.Network(G, mon, *[s[0] for s in syns])
    net_obj.run(T * b2.ms)
    t0 = time.perf_counter()
    b2.device.build(directory=directory, compile=True, run=False, clean=True)
    compile_s = time.perf_counter() - t0
    n_syn = None
    out = []
    for _ in range(reps):
        b2.device.run(directory=directory, with_output=False)
        with open(os.path.join(b2.device.results_dir, "stdout.txt")) as f:
            build = float([ln for ln in f if ln.startswith("PEERS_BUILD")][0].split()[1])
        spikes = int(mon.num_spikes)
        if n_syn is None:
            n_syn = int(sum(len(s[0]) for s in syns))
        out.append(dict(sim=b2.device._last_run_time, build=build,
                        binary=b2.device.timers["run_binary"], spikes=spikes))
    return dict(compile=compile_s, n_syn=n_syn, runs=out)


def brian_runtime(net: str, threads: int, reps: int, T: float, seed: int, workdir: str):
    import brian2 as b2

    if threads != 1:
        raise RuntimeError("Brian2 runtime mode is single-threaded")
    b2.prefs.codegen.target = "cython"
    b2.prefs.codegen.runtime.cython.cache_dir = os.path.join(workdir, "brian2_cython_cache")
    spec = net_spec(net)
    out = []
    n_syn = None
    for rep in range(reps):
        b2.start_scope()
        b2.defaultclock.dt = DT * b2.ms
        b2.seed(seed + rep)
        _, G, mon, syns = _brian_network(spec, seed, standalone=False)
        t0 = time.perf_counter()
        _brian_connect(spec, syns)
        build = time.perf_counter() - t0
        n_syn = int(sum(len(s[0]) for s in syns))
        net_obj = b2.Network(G, mon, *[s[0] for s in syns])
        net_obj.run(1 * b2.ms)  # warm-up: generates, compiles or loads every code object
        before = int(mon.num_spikes)
        t0 = time.perf_counter()
        net_obj.run(T * b2.ms)
        sim = time.perf_counter() - t0
        out.append(dict(sim=sim, build=build, spikes=int(mon.num_spikes) - before))
    return dict(n_syn=n_syn, runs=out)


# --------------------------------------------------------------------------- NEST

def nest_run(net: str, threads: int, reps: int, T: float, seed: int, workdir: str):
    import nest

    nest.set_verbosity("M_ERROR")
    spec = net_spec(net)
    n_exc, n_inh = spec["n_exc"], spec["n_inh"]
    a, b, c, d, sigma = izh_params(n_exc, n_inh, seed)
    out = []
    n_syn = None
    for rep in range(reps):
        nest.ResetKernel()
        nest.resolution = DT
        nest.local_num_threads = threads
        nest.rng_seed = seed + rep + 1
        t0 = time.perf_counter()
        pop = nest.Create("izhikevich", n_exc + n_inh)
        # consistent_integration=False is Izhikevich's published scheme: two 0.5 ms substeps
        # for v, then u with the new v; spike weights enter as input current in both substeps.
        pop.set(a=a, b=b, c=c, d=d, V_m=np.full(n_exc + n_inh, -65.0), U_m=b * -65.0,
                consistent_integration=False, V_th=30.0, I_e=0.0)
        exc, inh = pop[:n_exc], pop[n_exc:]
        for p, s in ((exc, 5.0), (inh, 2.0)):
            ng = nest.Create("noise_generator", params={"mean": 0.0, "std": s, "dt": DT})
            nest.Connect(ng, p, syn_spec={"delay": DT})  # independent draw per target and step
        rec = nest.Create("spike_recorder")
        nest.Connect(pop, rec)
        for pre, (lo, hi) in ((exc, spec["w_exc"]), (inh, spec["w_inh"])):
            if spec["delay"] is None:
                delay = DT  # felt in the next step, like Izhikevich's I += S(:, fired)
            else:
                delay = nest.random.uniform(*spec["delay"])  # NEST rounds to whole steps
            syn = {"synapse_model": "static_synapse", "weight": nest.random.uniform(lo, hi),
                   "delay": delay}
            if spec["k_exc"] is None:
                nest.Connect(pre, pop, "all_to_all", syn)  # autapses allowed by default
            else:
                for post, k in ((exc, spec["k_exc"]), (inh, spec["k_inh"])):
                    nest.Connect(pre, post, {"rule": "fixed_outdegree", "outdegree": k,
                                             "allow_autapses": True, "allow_multapses": False},
                                 syn)
        build = time.perf_counter() - t0
        n_syn = int(nest.num_connections) - (n_exc + n_inh) * 2  # minus noise and recorder
        t0 = time.perf_counter()
        nest.Prepare()
        prep = time.perf_counter() - t0
        t0 = time.perf_counter()
        nest.Run(T)
        sim = time.perf_counter() - t0
        nest.Cleanup()
        out.append(dict(sim=sim, build=build, prep=prep, spikes=int(rec.n_events)))
    return dict(n_syn=n_syn, runs=out)


# --------------------------------------------------------------------------- driver

WORKERS = {("brian2", "standalone"): brian_standalone, ("brian2", "runtime"): brian_runtime,
           ("nest", "default"): nest_run}


def worker(argv) -> None:
    sim, mode, net, threads, reps, T, seed, workdir = argv
    fn = WORKERS[(sim, mode)]
    res = fn(net, int(threads), int(reps), float(T), int(seed), workdir)
    print("PEERS_RESULT " + json.dumps(res), flush=True)


def fmt_row(r) -> str:
    return ("| {sim} | {mode} | {threads} | {net} | {T:g} | {sim_best:.3f} | {sim_med:.3f} | "
            "{spikes} | {rate:.2f} | {ev_best:.3g} | {build} |").format(**r)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--which", nargs="+", default=["brian2", "nest"], choices=["brian2", "nest"])
    ap.add_argument("--modes", nargs="+", default=["standalone", "runtime"],
                    choices=["standalone", "runtime"], help="Brian2 modes")
    ap.add_argument("--nets", nargs="+", default=["izh", "sparse"], choices=["izh", "sparse"])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--T", type=float, default=1000.0, help="ms, 2003 network")
    ap.add_argument("--T-sparse", type=float, default=1000.0, help="ms, sparse network")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "snn_peers"))
    ap.add_argument("--timeout", type=float, default=1800.0, help="s per configuration")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)

    configs = []
    for sim in args.which:
        modes = args.modes if sim == "brian2" else ["default"]
        for mode in modes:
            for net in args.nets:
                for threads in args.threads:
                    if mode == "runtime" and threads != 1:
                        continue
                    configs.append((sim, mode, net, threads))

    rows = []
    for sim, mode, net, threads in configs:
        T = args.T if net == "izh" else args.T_sparse
        spec = net_spec(net)
        n = spec["n_exc"] + spec["n_inh"]
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", sim, mode, net,
               str(threads), str(args.reps), str(T), str(args.seed), args.workdir]
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        print(f"== {sim} {mode} {net} threads={threads} T={T:g} ms ==", flush=True)
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                               timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"   timed out after {args.timeout:g} s", flush=True)
            continue
        lines = [ln for ln in p.stdout.splitlines() if ln.startswith("PEERS_RESULT ")]
        if p.returncode != 0 or not lines:
            print(f"   FAILED (rc={p.returncode}):\n" + (p.stdout + p.stderr)[-3000:], flush=True)
            continue
        res = json.loads(lines[-1][len("PEERS_RESULT "):])
        runs = res["runs"]
        sims = [r["sim"] for r in runs]
        builds = [r["build"] for r in runs]
        spikes = [r["spikes"] for r in runs]
        best_i = int(np.argmin(sims))
        ev = spikes[best_i] * fan_out(spec)
        for i, r in enumerate(runs):
            extra = "".join(f", {k} {r[k]:.3f} s" for k in ("prep", "binary") if k in r)
            print(f"   rep {i}: sim {r['sim']:.3f} s, build {r['build']:.3f} s{extra}, "
                  f"{r['spikes']} spikes", flush=True)
        if "compile" in res:
            print(f"   compile (codegen + make, once): {res['compile']:.1f} s", flush=True)
        print(f"   synapses: {res['n_syn']}; wall for this configuration "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        build = f"{min(builds):.3f}"
        if "prep" in runs[0]:
            build += f" (+prep {min(r['prep'] for r in runs):.3f})"
        rows.append(dict(sim=sim, mode=mode, threads=threads, net=net, T=T,
                         sim_best=sims[best_i], sim_med=statistics.median(sims),
                         spikes=spikes[best_i],
                         rate=spikes[best_i] / n / (T / 1000.0),
                         ev_best=ev / sims[best_i], build=build))

    print()
    print("| simulator | mode | threads | network | T (ms) | sim best (s) | sim median (s) | "
          "spikes | rate (Hz) | events/s (best) | build (s, best) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(fmt_row(r))


if __name__ == "__main__":
    main()
