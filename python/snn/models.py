"""Ready-made networks."""

from __future__ import annotations

from ._network import Network, Population
from ._specs import AllToAll, Noise, Uniform


def izhikevich_2003(n_exc: int = 800, n_inh: int = 200, seed: int = 1, dt: float = 1.0,
                    connect: bool = True) -> tuple[Network, Population, Population]:
    """Izhikevich's 2003 network ("Simple model of spiking neurons", IEEE TNN 14).

    Heterogeneous excitatory and inhibitory populations, all-to-all with weights
    U(0, 0.5) from excitatory and U(-1, 0) from inhibitory neurons, spikes felt the next
    step, thalamic noise N(0, 5) / N(0, 2) each step, dt = 1 ms with two 0.5 ms v substeps.
    """
    net = Network(dt=dt, seed=seed)
    exc = net.population(n_exc, "izhikevich2003_excitatory", v_substeps=2, label="exc")
    inh = net.population(n_inh, "izhikevich2003_inhibitory", v_substeps=2, label="inh")
    for pre, w in ((exc, Uniform(0.0, 0.5)), (inh, Uniform(-1.0, 0.0))):
        for post in (exc, inh):
            if connect:
                net.connect(pre, post, AllToAll(), weight=w, delay=0.0)
    net.input(exc, Noise(0.0, 5.0))
    net.input(inh, Noise(0.0, 2.0))
    return net, exc, inh
