"""Measurements: snn in this process, Brian2 and NEST through :mod:`.peer_worker` in the
peers' interpreter. Each measurement is a flat dict (one JSON line)."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

import numpy as np

from .. import _core
from . import peer_worker
from .lif_workloads import lif_population
from .peer_worker import delivered_events, latency_steps, projection_events, reset_peak_rss, rss_bytes
from .workloads import SCRIPTED, WORKLOADS, Spec, build, with_parameters

#: Peer configurations: (simulator, mode) -> label.
PEER_MODES = {("brian2", "standalone"): "brian2 standalone", ("brian2", "runtime"): "brian2 runtime",
              ("nest", ""): "nest"}

RATE_TOLERANCE = 0.10  # peers' mean rate may differ from snn's by this fraction

#: The snn package this module belongs to (a repeat's fresh process must import the same).
SNN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _record(spec: Spec, t_ms: float, sim: str, **fields: Any) -> dict[str, Any]:
    """A measurement with the derived figures filled in (None where a figure is missing)."""
    rec: dict[str, Any] = dict(workload=spec["name"], n=spec["n"], t_ms=t_ms, sim=sim)
    if "weights" in spec:
        rec["weights"] = spec["weights"]
    rec.update(fields)
    run, n_syn = rec.get("run_s"), rec.get("n_synapses")
    spikes = rec.get("spikes")
    rec["wall_per_sim_s"] = run / (t_ms / 1000.0) if run is not None and t_ms > 0 else None
    rec["events_per_s"] = rec["events"] / run if run and rec.get("events") is not None else None
    rec["rate_hz"] = spikes * 1000.0 / (t_ms * spec["n"]) if spikes is not None and t_ms > 0 else None
    if rec.get("build_rss") and n_syn:  # one growth per repeat, each in a fresh process
        rec["build_rss_per_synapse"] = float(np.median(rec["build_rss"])) / n_syn
    stored = rec.get("bytes_per_synapse")
    if rec.get("build_peak_rss") and n_syn and stored is not None:
        # what construction holds at its peak beyond what it stores (temporaries, sort buffers)
        rec["build_peak_over_stored"] = float(np.median(rec["build_peak_rss"])) / n_syn - stored
    return rec


def _device_memory() -> int | None:
    """Device memory this process holds now, bytes (nvidia-smi), or None."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return None
    try:
        out = subprocess.run([smi, "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    used = [int(m) for pid, m in (line.split(",") for line in out.splitlines() if "," in line)
            if int(pid) == os.getpid()]
    return sum(used) * 2**20 if used else None


def snn_events(spec: Spec, net, result) -> int:
    """Synaptic events delivered during ``result``'s run (started at step 0)."""
    total = 0
    for pr, proj in zip(spec["projections"], net.projections):
        res = result[proj.pre]

        def synapses(proj=proj):
            return proj.synapses().pre, proj.delay_steps()

        # ids as in one array of all neurons, as projection_events expects
        first = sum(p.size for p in net.populations[: proj.pre.index])
        total += projection_events(spec, pr, res.spike_steps - result.first_step, res.spike_ids + first,
                                   result.steps, synapses)
    return total


def _run(net, warmup_ms: float, t_ms: float, **kw: Any):
    """The measured run of ``t_ms`` after an untimed warm-up of ``warmup_ms``."""
    if warmup_ms > 0:
        net.run(warmup_ms, progress=False, **kw)
    return net.run(t_ms, progress=False, **kw)


def snn_repeat(task: dict[str, Any]) -> dict[str, Any]:
    """One repeat of :func:`measure_snn` in this process (a fresh one: :func:`in_fresh_process`):
    build and engine setup timed and their growth of resident memory measured (before any
    spike is recorded) with the peak of that growth, then the warm-up and the timed run.
    With ``task["figures"]`` also
    the run's events, synapses, connectivity bytes, mean plastic weight and the spec with
    the neurons' exact parameters (``peer_spec``)."""
    spec, warmup_ms, t_ms = task["spec"], task["warmup_ms"], task["t_ms"]
    gc.collect()
    before = rss_bytes("VmHWM")  # the interpreter's start may have peaked above all that follows
    reset_peak_rss()
    base = rss_bytes()
    t0 = time.perf_counter()
    net = build(spec, task["seed"])
    sim = net._simulation(task["backend"], task["threads"])  # the engine sets up its tables here
    build_s = time.perf_counter() - t0
    build_rss, build_peak_rss = rss_bytes() - base, rss_bytes("VmHWM") - base
    result = _run(net, warmup_ms, t_ms)
    out = dict(build_s=build_s, run_s=result.wall_time, build_rss=build_rss, build_peak_rss=build_peak_rss,
               peak_rss=max(before, rss_bytes("VmHWM")),
               spikes=result.spike_count, mode=sim.backend, threads=sim.threads,
               device_mem=_device_memory() if sim.backend == "cuda" else None)
    if not task.get("figures"):
        return out
    n_syn = sum(p.n_synapses for p in net.projections)
    plastic = [proj for pr, proj in zip(spec["projections"], net.projections) if pr.get("plasticity")]
    # the plastic synapses' traces, post spikes and per-target lists as the engine counts them
    conn = sum(p.nbytes for p in net.projections) + sum(sim.plasticity_bytes(p.index) for p in plastic)
    if plastic:
        out["mean_weight"] = float(np.concatenate([p.weights() for p in plastic]).mean())
    out.update(n_synapses=n_syn, events=snn_events(spec, net, result), peer_spec=with_parameters(spec, net),
               bytes_per_synapse=conn / n_syn if n_syn else None, plastic=bool(plastic))
    return out


def in_fresh_process(task: dict[str, Any]) -> dict[str, Any]:
    """:func:`snn_repeat` in a new interpreter (this one's, importing this snn), so that its
    memory is not what an earlier repeat freed. Raises SnnError as the repeat did."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(dict(task, snn_dir=SNN_DIR), f)
    try:
        p = subprocess.run([sys.executable, "-m", "snn.bench._repeat", f.name], capture_output=True,
                           text=True)
    finally:
        os.unlink(f.name)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("SNN_RESULT ")]
    if p.returncode != 0 or not lines:
        tail = " | ".join((p.stdout + p.stderr).strip().splitlines()[-3:])
        raise RuntimeError(f"an snn repeat failed (exit {p.returncode}): {tail}")
    out = json.loads(lines[-1][len("SNN_RESULT "):])
    if "error" in out:
        raise _core.SnnError(out["error"])
    return out


def measure_snn(workload: str, n: int, t_ms: float, backend: str = "cpu", threads: int | None = None,
                repeat: int = 1, seed: int = 1, delivery: bool = False,
                warmup_ms: float | None = None, weights: str | None = None) -> tuple[dict[str, Any], Spec]:
    """Builds and runs ``workload`` at size ``n`` (``weights``: its --weights variant)
    ``repeat`` times, each in a fresh process (:func:`snn_repeat`). Returns the measurement
    (best build and run times, the run's spikes and events, each repeat's growth of
    resident memory while building (``build_rss``) and its peak (``build_peak_rss``), the
    peak RSS, connectivity bytes per
    synapse, the mean final weight of plastic synapses) and the spec with the neurons'
    exact parameters, for the peers. ``warmup_ms`` (default: the workload's) is simulated
    before each timed run, untimed and not counted. ``delivery``: also time the same neurons
    and inputs without synapses (``bare_run_s``, in this process) and report the delivery
    rate ``delivery_events_per_s`` = events / (run - bare run)."""
    spec = WORKLOADS[workload].make(n, weights)
    warmup_ms = WORKLOADS[workload].warmup_ms if warmup_ms is None else warmup_ms
    task = dict(spec=spec, seed=seed, backend=backend, threads=threads, t_ms=t_ms, warmup_ms=warmup_ms)
    reps = [in_fresh_process(dict(task, figures=i == 0)) for i in range(max(1, repeat))]
    first = reps[0]
    keys = ("n_synapses", "events", "bytes_per_synapse", "mean_weight")
    figures = {k: first[k] for k in keys if k in first}
    extra: dict[str, Any] = {}
    if len({r["spikes"] for r in reps}) > 1:
        extra["spikes_per_repeat"] = [r["spikes"] for r in reps]
    if delivery:
        bare = dict(spec, projections=[])
        extra["bare_run_s"] = min(
            _run(build(bare, seed), warmup_ms, t_ms, backend=backend, threads=threads).wall_time
            for _ in range(max(1, repeat)))
    runs = [r["run_s"] for r in reps]
    if delivery and min(runs) > extra["bare_run_s"]:
        extra["delivery_events_per_s"] = first["events"] / (min(runs) - extra["bare_run_s"])
    return _record(spec, t_ms, "snn", mode=first["mode"], threads=first["threads"], version=_core.__version__,
                   build_s=min(r["build_s"] for r in reps), run_s=min(runs), spikes=first["spikes"],
                   **figures, build_rss=[r["build_rss"] for r in reps],
                   build_peak_rss=[r["build_peak_rss"] for r in reps],
                   peak_rss=max(r["peak_rss"] for r in reps), **extra, warmup_ms=warmup_ms,
                   device_mem=first["device_mem"],
                   note="build = connect + engine setup; bytes/synapse = connectivity storage"
                        + (" with the plastic synapses' traces" if first["plastic"] else "")
                        + "; each repeat in a fresh process"), first["peer_spec"]


def _basal_ganglia_once(t_ms: float, backend: str, threads: int | None) -> tuple[dict[str, float], Any]:
    """One run of the basal-ganglia example through snn.network, timed by part; returns the
    parts and the model (its ``result`` and the network that ran)."""
    from .. import network as old
    from ..examples import basal_ganglia as bg

    t0 = time.perf_counter()
    nuclei = bg.connected_nuclei()
    t1 = time.perf_counter()
    data = old.build_izhi(bg.DT, nuclei, "simple")
    t2 = time.perf_counter()
    old.simulate(t_ms, bg.DT, None, nuclei, data, backend=backend, threads=threads)
    t3 = time.perf_counter()
    parts = dict(script_s=t1 - t0, build_izhi_s=t2 - t1, simulate_s=t3 - t2,
                 native_run_s=data.result.wall_time)
    return parts, (data.net, data.result)


def measure_basal_ganglia(t_ms: float, backend: str = "cpu", threads: int | None = None,
                          repeat: int = 1) -> dict[str, Any]:
    """The ``basal_ganglia`` workload (:data:`.workloads.SCRIPTED`), ``repeat`` times: the
    parts of the fastest run (build_s = script_s + build_izhi_s, run_s = simulate_s), its
    spikes, events and synapses, and the last run's peak RSS."""
    runs, net, result = [], None, None
    for _ in range(max(1, repeat)):
        net = result = None  # the last run's network and recordings do not count in the next's base
        gc.collect()
        reset_peak_rss()
        base = rss_bytes()
        parts, (net, result) = _basal_ganglia_once(t_ms, backend, threads)
        peak = rss_bytes("VmHWM")
        runs.append(parts)
    best = min(runs, key=lambda r: r["script_s"] + r["build_izhi_s"] + r["simulate_s"])
    n_syn = sum(p.n_synapses for p in net.projections)
    events = 0
    for proj in net.projections:
        res = result[proj.pre]
        events += delivered_events(res.spike_steps - result.first_step, res.spike_ids, proj.synapses().pre,
                                   proj.delay_steps(),
                                   result.steps)
    w = SCRIPTED["basal_ganglia"]
    return _record(dict(name=w.name, n=w.sizes[0]), t_ms, "snn", mode=net._sim.backend,
                   threads=net._sim.threads, version=_core.__version__,
                   build_s=best["script_s"] + best["build_izhi_s"],
                   run_s=best["simulate_s"], **best, spikes=result.spike_count, n_synapses=n_syn,
                   events=events, peak_rss=peak, base_rss=base,
                   bytes_per_synapse=sum(p.nbytes for p in net.projections) / n_syn,
                   note="build = script (weights, nuclei, connect) + build_izhi; run = simulate "
                        "(native_run_s: the engine's run inside it); snn only")


# --------------------------------------------------------------------------- peers


def run_peer_task(task: dict[str, Any], peer_python: str, threads: int = 1,
                  timeout: float | None = None) -> tuple[Any, str | None]:
    """Runs a task in the peers' interpreter: (result, None) or (None, why it failed)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(task, f)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    env.pop("PYTHONPATH", None)
    try:
        p = subprocess.run([peer_python, peer_worker.__file__, f.name], capture_output=True, text=True,
                           env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:g} s"
    except OSError as exc:
        return None, f"cannot run {peer_python}: {exc}"
    finally:
        os.unlink(f.name)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("PEER_RESULT ")]
    if p.returncode != 0 or not lines:
        tail = (p.stdout + p.stderr).strip().splitlines()[-3:]
        return None, f"failed (exit {p.returncode}): " + " | ".join(tail)
    return json.loads(lines[-1][len("PEER_RESULT "):]), None


def peer_available(sim: str, peer_python: str) -> tuple[str | None, str | None]:
    """(version, None) if ``peer_python`` imports the peer, else (None, a note why not)."""
    module = {"brian2": "brian2", "nest": "nest"}[sim]
    try:
        p = subprocess.run([peer_python, "-c", f"import {module}; print({module}.__version__)"],
                           capture_output=True, text=True, timeout=300,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"{sim} skipped: cannot run {peer_python} ({exc})"
    if p.returncode != 0:
        return None, f"{sim} skipped: not importable by {peer_python} (pass --peer-python PATH)"
    return p.stdout.strip().splitlines()[-1], None


def measure_peer(sim: str, mode: str, spec: Spec, t_ms: float, peer_python: str, threads: int = 2,
                 repeat: int = 1, seed: int = 1, workdir: str | None = None,
                 timeout: float | None = None, warmup_ms: float = 0.0) -> dict[str, Any]:
    """One peer configuration on ``spec`` (with the exact neuron parameters, see
    :func:`.workloads.with_parameters`), ``t_ms`` timed after ``warmup_ms``, each of the
    ``repeat`` repeats in a fresh process (Brian2 standalone: a run of its binary, compiled
    once); a record with ``skipped`` set if it did not run."""
    if sim == "brian2" and mode == "runtime":
        threads = 1  # Brian2's runtime mode has no threads
    workdir = workdir or os.path.join(tempfile.gettempdir(), f"snn_bench_{os.getuid()}")
    os.makedirs(workdir, exist_ok=True)
    task = dict(task="bench", sim=sim, mode=mode, spec=spec, t_ms=t_ms, warmup_ms=warmup_ms, threads=threads,
                repeat=max(1, repeat), seed=seed, workdir=workdir)
    label = PEER_MODES[(sim, mode)]
    processes = 1 if mode == "standalone" else max(1, repeat)
    outs = []
    for _ in range(processes):
        out, why = run_peer_task(task, peer_python, threads, timeout)
        if out is None:
            return _record(spec, t_ms, label, threads=threads, warmup_ms=warmup_ms, skipped=f"{label}: {why}")
        outs.append(out)
    out = dict(outs[0])
    for key in ("build_s", "run_s", "build_rss"):
        out[key] = [x for o in outs for x in o[key]]
    out["peak_rss"] = max(o["peak_rss"] for o in outs)
    builds, runs = out.pop("build_s"), out.pop("run_s")
    return _record(spec, t_ms, label, threads=threads, warmup_ms=warmup_ms, build_s=min(builds),
                   run_s=min(runs), **out)


def compare_rates(ours: dict[str, Any], peer: dict[str, Any]) -> None:
    """Adds to ``peer`` its times and rate relative to ``ours`` (and ``ours``'s thread
    count) and a flag when the mean rates differ by more than RATE_TOLERANCE."""
    peer["snn_threads"] = ours["threads"]
    for key in ("run_s", "build_s"):
        if peer.get(key) and ours.get(key):
            peer[f"{key}_vs_snn"] = peer[key] / ours[key]
    if peer.get("rate_hz") is not None and ours.get("rate_hz"):
        peer["rate_vs_snn"] = peer["rate_hz"] / ours["rate_hz"]
        peer["rate_ok"] = abs(peer["rate_vs_snn"] - 1.0) <= RATE_TOLERANCE


# --------------------------------------------------------------------------- latency check


def latency_specs(delays=(1, 3), dt: float = 1.0) -> list[Spec]:
    """Three Izhikevich neurons: a source driven to spike (constant current 20), a target it
    excites (weight 5, as one-step current or as a jump of v, delay D steps) and an
    unconnected twin of the target."""
    specs = []
    for target in ("I", "v"):
        for d in delays:
            rs = {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0}
            specs.append(dict(
                name=f"latency_{target}_{d}", case=f"target {target}, D = {d} steps", n=3, dt=dt,
                v_substeps=1, v0=-65.0, v_peak=30.0, t_ms=40 * dt,
                populations=[{"label": x, "n": 1, **rs} for x in ("src", "tgt", "twin")],
                projections=[{"pre": "src", "post": "tgt", "rule": "all_to_all", "weight": ["const", 5.0],
                              "delay": ["const", d], "target": target}],
                inputs=[{"pop": "src", "kind": "constant", "value": 20.0}]))
    return specs


#: The LIF cases: (model, kernel, weight, delays in steps).
LIF_LATENCY_CASES = (("lif", ["exponential", 5.0], 0.1, (2, 3)),
                     ("lif_cond", ["exponential", 5.0], 0.002, (2, 3)),
                     ("lif", ["instant_v"], 1.0, (1, 3)))


def lif_latency_specs(dt: float = 0.1, tau_refrac: float = 1.0) -> list[Spec]:
    """The three neurons of :func:`latency_specs` as LIF neurons (the source driven by
    i_offset 3 nA, first spike near 1 ms), per kind of synapse of the LIF workloads and
    delay; and per kind a case measuring the steps from the source's spike to its first v
    off v_reset (``"measure": "refractory"``: R + 1, R = tau_refrac / dt steps)."""
    specs = []
    for model, kernel, w, delays in LIF_LATENCY_CASES:
        rev = {"e_rev_E": 0.0, "e_rev_I": -70.0} if model == "lif_cond" else {}
        cell = dict(cm=0.2, tau_m=20.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=tau_refrac,
                    v0=-65.0, **rev)
        pr = {"pre": "src", "post": "tgt", "rule": "all_to_all", "weight": ["const", w], "kernel": kernel,
              **({"receptor": "excitatory"} if model == "lif_cond" else {})}
        for d, measure in [(d, "latency") for d in delays] + [(delays[0], "refractory")]:
            what = f"D = {d} steps" if measure == "latency" else f"refractory {round(tau_refrac / dt)} steps"
            specs.append(dict(
                name=f"latency_{model}_{kernel[0]}_{measure}_{d}", case=f"{model}, {kernel[0]}: {what}",
                measure=measure, n=3, dt=dt, t_ms=50 * dt,
                populations=[lif_population(x, 1, model, **cell, i_offset=3.0 if x == "src" else 0.0)
                             for x in ("src", "tgt", "twin")],
                projections=[dict(pr, delay=["const", d])], inputs=[]))
    return specs


def snn_latency(spec: Spec) -> int | None:
    net = build(spec)
    res = net.run(spec["t_ms"], record="v", progress=False)
    v = np.vstack([res[x].v[:, 0] for x in ("src", "tgt", "twin")])
    return latency_steps(spec, v, int(res["src"].spike_steps[0]))


def check_latency(peer_python: str, sims=("brian2", "nest"), delays=(1, 3), dt: float = 1.0,
                  families=("izhikevich", "lif")):
    """Latency in steps from a spike to the first change of its target, for snn and each
    peer (snn's delay D mapped as the peer worker's docstring says), per case: Izhikevich
    cases (:func:`latency_specs`) and LIF ones (:func:`lif_latency_specs`, with the
    refractory hold) as ``families`` asks. Returns (rows of (case, {sim: steps}), notes)."""
    specs = (latency_specs(delays, dt) if "izhikevich" in families else []) + \
        (lif_latency_specs() if "lif" in families else [])
    found: dict[str, list] = {"snn": [snn_latency(s) for s in specs]}
    notes = []
    for sim in sims:
        version, why = peer_available(sim, peer_python)
        if version is None:
            notes.append(why)
            continue
        out, why = run_peer_task(dict(task="latency", sim=sim, specs=specs), peer_python, timeout=600)
        if out is None:
            notes.append(f"{sim} latency check {why}")
            continue
        found[sim] = out
    rows = [(s["case"], {sim: v[i] for sim, v in found.items()}) for i, s in enumerate(specs)]
    return rows, notes
