"""python -m snn.bench: time snn's workloads and, side by side, the same networks in Brian2
and NEST. Prints one JSON line per measurement as it is taken, then a table and the
ratios against the peers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._core import SnnError
from .runner import (
    check_latency,
    compare_rates,
    measure_basal_ganglia,
    measure_peer,
    measure_snn,
    peer_available,
)
from .workloads import SCRIPTED, UNAVAILABLE, WEIGHT_OPTIONS, WORKLOADS, family


def _epilog() -> str:
    parts = ["workloads (N = --n, default sizes in brackets; times in ms):"]
    for w in (*WORKLOADS.values(), *SCRIPTED.values()):
        sizes = ", ".join(f"{n:,}" for n in w.sizes)
        parts.append(f"\n  {w.name} [{sizes}; {w.t_ms:g} ms]: {w.summary}\n"
                     + "\n".join("    " + line for line in w.details.splitlines()))
    for name, why in UNAVAILABLE.items():
        parts.append(f"\n  {name}: {why}")
    parts.append("""
figures: build_s (construction: connectivity and engine setup; Brian2 standalone: the
binary's setup, its code generation and compilation reported apart as compile_s), run_s,
wall_per_sim_s, events_per_s (delivered synaptic events: each spike times the synapses of
its source whose delay ends within the run), spikes, rate_hz, peak_rss (bytes, the
measuring process, recordings included), bytes_per_synapse ("B/syn stored": snn's
connectivity storage), build_rss (per repeat: the growth of the process's resident memory
from just before construction to just after it, before any spike is recorded; every
repeat of every simulator in a fresh process, Brian2 standalone's measured inside its
binary) and build_rss_per_synapse ("B/syn RSS": its median / synapses), build_peak_rss
(snn, per repeat: the peak of that growth during construction) and build_peak_over_stored
("B/syn peak over stored": its median / synapses - bytes_per_synapse, what construction
holds at its peak beyond the storage it leaves: temporaries, sort buffers), device_mem (CUDA
backend), mean_weight (the mean final weight of plastic synapses), warmup_ms (simulated
before the measured run, untimed; spikes and events count after it). Times are the best of
--repeat. A workload with a baseline (stdp: sparse_delays) gets snn's baseline measured
after it at the same size, --weights and warm-up (baseline_for in its JSON line) and a line
with the ratio of their run times. Peers run in the interpreter --peer-python (they need their own
NumPy): Brian2 in C++ standalone mode (compiled once, OpenMP threads) and runtime mode
(Cython, one thread), NEST with --peer-threads threads; a peer's mean rate more than 10%
from snn's is flagged. Before comparing, a three-neuron test checks that every simulator
gives the same spike-to-effect latency (snn delay D steps = Brian2 (D-1) dt = NEST D dt
for izhikevich and iaf_psc_delta, (D-1) dt for iaf_psc_exp and iaf_cond_exp) and, for LIF
neurons, the same refractory hold.

peer models (built from the same spec, with the neurons' exact parameters as snn drew
them; connectivity and weights drawn by each peer's own generator with the same rules):
Brian2: one NeuronGroup, the step written out in a run_regularly operation (input, v in
v_substeps Euler substeps, u with the new v), threshold/reset, subgroups per population,
Synapses adding into an accumulator the next step reads (or into v for jumps), generator
syntax sample(...) for fixed degrees. NEST: izhikevich (consistent_integration=False: two
v half-steps, then u), static synapses whose weights jump V_m at the end of the arrival
step (the stand-in for a one-step current), noise_generator per population,
poisson_generator for snn.Pulses, fixed_indegree / fixed_outdegree without multapses.
For voltage jumps (seed_dense) NEST's jump lands after its arrival step's integration,
one step later than in snn and Brian2: NEST's minimum delay is one step.
STDP (stdp), with snn's dendritic delay: NEST's stdp_synapse (lambda = a_plus / w_max,
alpha = a_minus / a_plus, mu = 0, the neurons' tau_minus), whose weights lag by the
potentiation it applies at each synapse's next pre spike: mean_weight adds it from the
spikes, mean_weight_as_read is NEST's. Brian2: Synapses with a delivering pathway (delay
(D-1) dt), an STDP pathway at the spike (delay 0: depression, pre trace) and on_post
delayed D dt (potentiation, post trace), run first in its step; pairs at t = 0 change
nothing. Both agree with snn to 1e-6 on given spike trains (tests/test_bench.py).
LIF workloads (cuba, coba, brunel), as each peer's users write them: Brian2: one
NeuronGroup, v (unless refractory) integrated 'exact' (exponential_euler with
conductances), one decaying variable per synaptic time constant, refractory period
tau_refrac + dt (Brian2 counts it from the start of the spike step), jumps of v straight
into v, PoissonInput. NEST: iaf_psc_exp (cuba), iaf_cond_exp (coba), iaf_psc_delta with
one poisson_generator per population (brunel), pairwise_bernoulli and fixed_indegree
without multapses.""")
    return "\n".join(parts)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m snn.bench", description=__doc__, epilog=_epilog(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                    help=f"one or more of {', '.join([*WORKLOADS, *SCRIPTED])} (default: all)")
    ap.add_argument("--n", type=int, nargs="+", help="network sizes (default: the workload's)")
    ap.add_argument("--t-ms", type=float, help="simulated time, ms (default: the workload's)")
    ap.add_argument("--warmup-ms", type=float,
                    help="simulated before the measured --t-ms, untimed (default: the workload's)")
    ap.add_argument("--weights", choices=WEIGHT_OPTIONS, nargs="+",
                    help="sparse_delays and stdp: one weight per projection (default) and/or per-synapse "
                         "weights within 1%% of it, each measured; ignored by the other workloads")
    ap.add_argument("--backend", nargs="+", default=["cpu"], choices=["auto", "cpu", "cuda"])
    ap.add_argument("--threads", type=int, nargs="+", default=[2], help="snn CPU threads (default 2)")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions; best times (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--compare", default="", help="peers, comma-separated: brian2,nest")
    ap.add_argument("--brian2-modes", default="standalone,runtime",
                    help="Brian2 modes, comma-separated (default standalone,runtime)")
    ap.add_argument("--peer-python", default=sys.executable,
                    help="interpreter that imports the peers (default: this one)")
    ap.add_argument("--peer-threads", type=int, default=2, help="threads for the peers (default 2)")
    ap.add_argument("--peer-timeout", type=float, default=3600.0, help="s per peer configuration")
    ap.add_argument("--check-latency", action="store_true",
                    help="only run the three-neuron latency check against the peers in --compare "
                         "(default both), for the neuron models of the WORKLOADs (default all)")
    ap.add_argument("--delivery", action="store_true",
                    help="also run snn without synapses and report the delivery rate: events / "
                         "(run - run without synapses)")
    ap.add_argument("--mpi", type=int, nargs="+", metavar="P",
                    help="run each WORKLOAD spread over P MPI processes (mpirun -n P; snn, CPU, the "
                         "first --threads per process): per-process build and run time, synapses, "
                         "memory, spikes exchanged per epoch, time in the exchanges (snn.bench.mpi)")
    ap.add_argument("--json", metavar="FILE", help="also write the JSON lines to FILE")
    return ap


def _fmt(value: Any, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _workload(r: dict[str, Any]) -> str:
    """The workload's name, with its --weights variant where that is not the default."""
    return r["workload"] + (f" ({r['weights']} weights)" if r.get("weights") not in (None, "one") else "")


def table(records: list[dict[str, Any]]) -> str:
    """The measurements as a Markdown table."""
    head = ("| workload | N | simulator | thr | build s | run s | wall/sim s | events/s | spikes | rate Hz "
            "| peak RSS MB | B/syn stored | B/syn RSS | B/syn peak over stored | run / best snn run "
            "| rate check |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in records:
        if r.get("skipped"):
            rows.append(f"| {_workload(r)} | {r['n']:,} | {r['sim']} | {r['threads']} | skipped: "
                        f"{r['skipped']} |||||||||||")
            continue
        check = ""
        if "rate_ok" in r:
            check = "ok" if r["rate_ok"] else f"RATE DIFFERS ({r['rate_vs_snn']:.2f}x)"
        peak = None if r.get("peak_rss") is None else r["peak_rss"] / 2**20
        rows.append(
            f"| {_workload(r)} | {r['n']:,} | {r['sim']} {r.get('mode', '') if r['sim'] == 'snn' else ''} "
            f"| {r['threads']} | {_fmt(r.get('build_s'), '.3g')} | {_fmt(r.get('run_s'), '.3g')} "
            f"| {_fmt(r.get('wall_per_sim_s'), '.3g')} | {_fmt(r.get('events_per_s'), '.3g')} "
            f"| {_fmt(r.get('spikes'), ',')} | {_fmt(r.get('rate_hz'), '.2f')} | {_fmt(peak, '.0f')} "
            f"| {_fmt(r.get('bytes_per_synapse'), '.1f')} | {_fmt(r.get('build_rss_per_synapse'), '.1f')} "
            f"| {_fmt(r.get('build_peak_over_stored'), '.1f')} "
            f"| {_fmt(r.get('run_s_vs_snn'), '.2f')} | {check} |")
    return "\n".join(rows)


def ratios(records: list[dict[str, Any]]) -> list[str]:
    """One line per peer measurement: how many times snn is faster (run and build)."""
    out = []
    for r in records:
        if "run_s_vs_snn" in r:
            build = f", build {r['build_s_vs_snn']:.2f}x" if "build_s_vs_snn" in r else ""
            out.append(f"{_workload(r)} N={r['n']:,}: snn ({r['snn_threads']} thr) vs {r['sim']} "
                       f"({r['threads']} thr): run {r['run_s_vs_snn']:.2f}x faster{build}"
                       f"{'' if r.get('rate_ok', True) else ' [rates differ]'}")
    return out


def _label(r: dict[str, Any]) -> str:
    return f"{r['sim']}{' ' + r['mode'] if r['sim'] == 'snn' else ''} ({r['threads']} thr)"


def weights(records: list[dict[str, Any]]) -> list[str]:
    """One line per workload and size with plastic synapses: each simulator's mean final weight."""
    out: dict[tuple, list[str]] = {}
    for r in records:
        if r.get("mean_weight") is not None:
            read = f" ({r['mean_weight_as_read']:.4f} as read)" if "mean_weight_as_read" in r else ""
            out.setdefault((_workload(r), r["n"]), []).append(f"{_label(r)} {r['mean_weight']:.4f}{read}")
    return [f"{w} N={n:,}: mean final plastic weight: " + ", ".join(v) for (w, n), v in out.items()]


def baselines(records: list[dict[str, Any]]) -> list[str]:
    """For each measurement of a workload with a baseline (``Workload.baseline``) measured in
    the same invocation (same size, --weights, warm-up, simulator, mode and threads): the
    ratio of their run times."""
    out = []
    for r in records:
        base = WORKLOADS[r["workload"]].baseline if r["workload"] in WORKLOADS else None
        for b in records:
            if base and r.get("run_s") and b.get("run_s") and _same_run(b, r, base):
                out.append(f"{_workload(r)} N={r['n']:,} {_label(r)}: run {r['run_s'] / b['run_s']:.2f}x "
                           f"{base}'s ({r['run_s']:.3g} s vs {b['run_s']:.3g} s, both after a "
                           f"{r['warmup_ms']:g} ms warm-up)")
    return out


def _same_run(b: dict[str, Any], r: dict[str, Any], workload: str) -> bool:
    """Whether ``b`` is ``workload`` measured as ``r`` was (size, weights, warm-up, simulator)."""
    keys = ("n", "weights", "warmup_ms", "t_ms")
    return b["workload"] == workload and all(b.get(k) == r.get(k) for k in keys) and _label(b) == _label(r)


def fastest(ours: list[dict[str, Any]]) -> dict[str, Any]:
    """The snn measurement the peers are compared with: the fastest run."""
    return min(ours, key=lambda r: r["run_s"])


def _latency_report(peer_python: str, sims, names) -> bool:
    """Runs the latency check for the neuron families of the workloads ``names``."""
    families = {family(WORKLOADS[n].spec(WORKLOADS[n].sizes[0])) for n in names if n in WORKLOADS}
    rows, notes = check_latency(peer_python, sims, families=families)
    print("latency check (steps from a spike to its target's first change; three neurons):")
    ok = True
    for case, found in rows:
        same = len(set(found.values())) == 1
        ok &= same
        print(f"  {case}: " + ", ".join(f"{k} {v}" for k, v in found.items()) + ("" if same else "  DIFFER"))
    for note in notes:
        print(f"  {note}")
    return ok


def _times(name: str, args: argparse.Namespace) -> tuple[float, float]:
    """(simulated ms, warm-up ms) of a workload: the workload's unless --t-ms, --warmup-ms."""
    w = WORKLOADS.get(name) or SCRIPTED[name]
    t_ms = w.t_ms if args.t_ms is None else args.t_ms
    return t_ms, w.warmup_ms if args.warmup_ms is None else args.warmup_ms


def _snn_records(name: str, n: int, weights: str | None, args: argparse.Namespace, warmup_ms: float, emit,
                 **extra: Any):
    """snn's measurements of a workload, one per backend and thread count; returns them and
    the spec for the peers."""
    t_ms = _times(name, args)[0]
    ours, peer_spec = [], None
    for backend in args.backend:
        for threads in args.threads:
            try:
                if name in SCRIPTED:
                    rec = measure_basal_ganglia(t_ms, backend, threads, args.repeat)
                else:
                    rec, peer_spec = measure_snn(name, n, t_ms, backend, threads, args.repeat, args.seed,
                                                 args.delivery, warmup_ms, weights)
            except SnnError as exc:  # e.g. backend 'cuda' where there is none
                print(f"snn {name} N={n} backend {backend}: skipped: {exc}")
                continue
            rec.update(extra)
            ours.append(rec)
            emit(rec)
    return ours, peer_spec


def _measure(name: str, n: int, weights: str | None, args: argparse.Namespace, names: list[str], modes,
             emit) -> None:
    """snn's measurements of workload ``name`` at size ``n`` with its ``weights`` variant,
    those of its baseline (snn's, at the same warm-up, unless the invocation measures it so
    anyway), then the peers'."""
    t_ms, warmup_ms = _times(name, args)
    ours, peer_spec = _snn_records(name, n, weights, args, warmup_ms, emit)
    base = WORKLOADS[name].baseline if name in WORKLOADS else None
    if ours and base and (base not in names or _times(base, args) != (t_ms, warmup_ms)):
        _snn_records(base, n, weights, args, warmup_ms, emit, baseline_for=name)
    if not ours or name in SCRIPTED:  # no peer model of a script
        return
    for sim, mode in modes:
        rec = measure_peer(sim, mode, peer_spec, t_ms, args.peer_python, args.peer_threads, args.repeat,
                           args.seed, timeout=args.peer_timeout, warmup_ms=warmup_ms)
        compare_rates(fastest(ours), rec)
        emit(rec)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    names = args.workloads or [*WORKLOADS, *SCRIPTED]
    unknown = [w for w in names if w not in WORKLOADS and w not in SCRIPTED]
    if unknown:
        why = "; ".join(UNAVAILABLE.get(w, "unknown workload") for w in unknown)
        print(f"python -m snn.bench: cannot run {unknown}: {why}", file=sys.stderr)
        return 2
    peers = [p for p in args.compare.split(",") if p]
    if any(p not in ("brian2", "nest") for p in peers):
        print(f"python -m snn.bench: --compare takes brian2 and/or nest, got {args.compare!r}",
              file=sys.stderr)
        return 2
    if args.check_latency:
        return 0 if _latency_report(args.peer_python, peers or ["brian2", "nest"], names) else 1
    if args.mpi:
        from . import mpi
        for name in (w for w in names if w in WORKLOADS):
            for n in args.n or WORKLOADS[name].sizes[:1]:
                t = args.t_ms or WORKLOADS[name].t_ms
                mpi.main([name, "--n", str(n), "--T", str(t), "--threads", str(args.threads[0]),
                          "--mpi", *map(str, args.mpi)])
        return 0

    modes, notes = [], []
    for name in SCRIPTED.keys() & set(names):
        options = (("--n", args.n), ("--compare", peers), ("--delivery", args.delivery))
        ignored = [opt for opt, given in options if given]
        if ignored:
            notes.append(f"{name}: snn only, {SCRIPTED[name].sizes[0]:,} neurons: {', '.join(ignored)} "
                         f"ignored for it")
    if args.weights:
        ignored = [name for name in names if not getattr(WORKLOADS.get(name), "weight_options", ())]
        if ignored:
            notes.append(f"--weights ignored for {', '.join(ignored)} (one set of weights each)")
    if not any(name in WORKLOADS for name in names):
        peers = []
    for sim in peers:
        version, why = peer_available(sim, args.peer_python)
        if version is None:
            notes.append(why)
            continue
        for mode in (args.brian2_modes.split(",") if sim == "brian2" else [""]):
            modes.append((sim, mode))
    if modes and not _latency_report(args.peer_python, sorted({s for s, _ in modes}), names):
        notes.append("latency check failed: peer timings are not of the same network")
    for note in notes:
        print(note)

    json_file = open(args.json, "w") if args.json else None  # closed below
    records = []

    def emit(rec: dict[str, Any]) -> None:
        line = json.dumps(rec)
        print(line, flush=True)
        if json_file:
            json_file.write(line + "\n")
            json_file.flush()
        records.append(rec)

    try:
        for name in names:
            sizes = args.n if args.n and name in WORKLOADS else (WORKLOADS.get(name) or SCRIPTED[name]).sizes
            takes_weights = bool(getattr(WORKLOADS.get(name), "weight_options", ()))
            variants = (args.weights or [None]) if takes_weights else [None]
            for n in sizes:
                for variant in variants:
                    _measure(name, n, variant, args, names, modes, emit)
    finally:
        if json_file:
            json_file.close()
    print()
    print(table(records))
    for line in ratios(records) + weights(records) + baselines(records):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
