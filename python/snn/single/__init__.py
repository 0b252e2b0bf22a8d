"""Single neurons, given by their equations in text: simulation, phase planes, fixed points.

The other half of the 2018 library (``snn.network`` is the first): :class:`Variable` and
:class:`Model` keep its API, and :mod:`snn.single.models` gives Hodgkin-Huxley,
FitzHugh-Nagumo, Izhikevich and LIF. Pure Python and NumPy; figures need matplotlib
(``pip install "snn[plot]"``), imported only when one is drawn.

>>> from snn.single import Model, Variable
>>> izh = Model(Variable("v", "0.04*v**2 + 5*v + 140 - u + I", -65, reset_value="c", unit="mV"),
...             Variable("u", "a*(b*v - u)", -13, reset_value="u + d", unit="mV"),
...             spike_when="v >= 30", max_spike_value=30, a=0.02, b=0.2, c=-65, d=8,
...             I="10 if t > 50 else 0")
>>> history, spike_times = izh.simulation(200, 0.1)
"""

from ._analysis import FixedPoint, classify
from ._expr import FUNCTIONS, RANDOM
from ._figures import phase_plane, phase_portrait, plot
from ._model import Model, Variable
from ._simulate import Simulation
from .models import IZHIKEVICH_TYPES, fitzhugh_nagumo, hodgkin_huxley, izhikevich, lif

__all__ = ["FUNCTIONS", "FixedPoint", "IZHIKEVICH_TYPES", "Model", "RANDOM", "Simulation", "Variable",
           "classify", "fitzhugh_nagumo", "hodgkin_huxley", "izhikevich", "lif", "phase_plane",
           "phase_portrait", "plot"]
