"""Polychronization (Izhikevich 2006): 1000 neurons with axonal delays learning by STDP for a
simulated hour.

800 regular-spiking excitatory and 200 fast-spiking inhibitory neurons, 100 synapses each:
excitatory to random targets (80% excitatory), weight 6 mV/ms, delays 1-20 ms, plastic
under the paper's rule (snn.STDPIzhikevich2006: weights change once a second by
0.01 + sd, bounded by [0, 10]); inhibitory to excitatory only, weight -5, delay 1 ms,
fixed; every millisecond one random neuron gets a 20 mV/ms input pulse; dt = 1 ms with
two 0.5 ms substeps for v. The excitatory weights, all 6 at the start, become bimodal
(most near 0, some at 10) and the network's gamma-band rhythm emerges.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import snn

from . import _cli

N_EXC, N_INH, M = 800, 200, 100  # neurons, synapses per neuron
DT = 1.0  # ms
T = 3_600_000.0  # ms: a simulated hour
CHUNK = 10_000.0  # ms simulated per native run (the last chunk's spikes are kept)
SEED = 2006


def network(seed: int = SEED) -> tuple[snn.Network, list]:
    """The network and its two plastic projections (excitatory to excitatory, to inhibitory)."""
    net = snn.Network(dt=DT, seed=seed)
    exc = net.population(N_EXC, "regular_spiking", v_substeps=2, label="exc")
    inh = net.population(N_INH, "fast_spiking", v_substeps=2, label="inh")
    rule = snn.STDPIzhikevich2006(tau=20.0, a_plus=0.1, a_minus=0.12, w_max=10.0, interval=1000.0)
    k_ee = M * N_EXC // (N_EXC + N_INH)
    delays = snn.Uniform(0.5, 20.5)  # 1..20 ms, rounded to whole steps
    plastic = [net.connect(exc, post, snn.FixedOutDegree(k), weight=6.0, delay=delays, plasticity=rule,
                           label=f"exc->{post.label}")
               for post, k in ((exc, k_ee), (inh, M - k_ee))]
    net.connect(inh, exc, snn.FixedOutDegree(M), weight=-5.0, delay=1.0, label="inh->exc")
    for pop in (exc, inh):  # one random neuron of the 1000 per ms, 1 Hz each
        net.input(pop, snn.Pulses(rate=1.0, amplitude=20.0))
    return net, plastic


def simulate(T: float = T, backend: str = "auto", threads: int | None = None, progress: bool = True,
             seed: int = SEED) -> dict:
    """Runs the network for T ms in chunks; returns the excitatory weights at the start and
    the end, the last chunk's result (its last second is the raster), the wall time and the
    mean rate of each chunk."""
    net, plastic = network(seed)
    w_start = np.concatenate([p.weights() for p in plastic])
    done, rates, t0, last = 0.0, [], time.perf_counter(), None
    while done < T:
        part = min(CHUNK, T - done)
        last = net.run(part, backend=backend, threads=threads, progress=False)
        done += part
        rates.append(last.mean_rate)
        if progress:
            print(f"\r{done / 1000:8.0f} s simulated, {time.perf_counter() - t0:7.1f} s wall, "
                  f"rate {last.mean_rate:5.2f} Hz", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return {"w_start": w_start, "w_end": np.concatenate([p.weights() for p in plastic]), "last": last,
            "wall_s": time.perf_counter() - t0, "rates": np.array(rates), "T": T}


def rate_spectrum(result: snn.Result, window_ms: float = 1000.0) -> tuple[np.ndarray, np.ndarray]:
    """The power spectrum of the population rate (1 ms bins) over the result's last
    `window_ms`: (frequencies Hz, power)."""
    steps = np.concatenate([r.spike_steps for r in result])
    end = result.first_step + result.steps
    bins = np.bincount(steps[steps >= end - window_ms / DT] - (end - int(window_ms / DT)),
                       minlength=int(window_ms / DT)).astype(float)
    power = np.abs(np.fft.rfft(bins - bins.mean())) ** 2
    return np.fft.rfftfreq(bins.size, DT / 1000.0), power


def figures(out: dict) -> dict:
    """The weight histograms, the last second's raster and the rate spectrum."""
    from snn import plot

    def axes():
        return plot._pyplot().subplots(figsize=(plot.COLUMN_WIDTH, 2.4), layout="constrained")

    def histogram():
        with plot.style():
            fig, ax = axes()
            bins = np.linspace(0, 10, 41)
            ax.hist(out["w_start"], bins=bins, alpha=0.6, label="start")
            ax.hist(out["w_end"], bins=bins, alpha=0.6, label=f"after {out['T'] / 1000:g} s")
            ax.set(xlabel="excitatory weight (mV/ms)", ylabel="synapses", yscale="log",
                   title="Excitatory weights")
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
        return fig

    def spectrum():
        f, p = rate_spectrum(out["last"])
        with plot.style():
            fig, ax = axes()
            ax.plot(f[1:], p[1:])
            ax.set(xlabel="frequency (Hz)", ylabel="power (spikes$^2$)", xlim=(0, 100),
                   title="Population rate spectrum, last second")
        return fig

    def raster():
        fig = plot.raster(out["last"], title=f"The last second of {out['T'] / 1000:g} s")
        fig.axes[0].set_xlim(out["last"].t_stop - 1000.0, out["last"].t_stop)
        return fig

    return {"polychronization_weights": histogram, "polychronization_raster": raster,
            "polychronization_spectrum": spectrum}


def main(argv: list[str] | None = None) -> int:
    args = _cli.parse(__doc__.splitlines()[0], T, argv)
    out = _cli.timed("polychronization", lambda: simulate(args.T, args.backend, args.threads))
    w = out["w_end"]
    print(f"simulated {args.T / 1000:g} s in {out['wall_s']:.1f} s; rate {out['rates'][-1]:.2f} Hz in the "
          f"last {min(CHUNK, args.T) / 1000:g} s; excitatory weights now: {np.mean(w < 1):.0%} below 1, "
          f"{np.mean(w > 9):.0%} above 9 (all 6 at the start)")
    _cli.figures(args.out, figures(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
