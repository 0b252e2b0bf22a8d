"""The old library's three examples, in ``snn.network`` (the old API, same numbers) and in
the native API. Run one with ``python -m snn.examples.<name> --backend cpu --out plots/``:
``simple_network``, ``synapse_demo``, ``basal_ganglia``. ``single_neurons`` (``--out``
only) draws the README's ``snn.single`` pictures."""
