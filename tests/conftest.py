"""Shared pytest configuration for the snn test suite.

- ``tests/`` is put on ``sys.path`` so that ``reference`` and ``twin`` import under any
  import mode.
- Markers: ``gpu`` (needs CUDA; skipped when ``snn.cuda_available()`` is False) and
  ``slow`` (longer than ~10 s; skipped unless ``--runslow`` or ``SNN_RUN_SLOW=1``).
- The backend suite: modules marked ``pytest.mark.usefixtures("on_backend")`` run every
  test once per backend (``[cpu]`` and ``[cuda]``; the ``cuda`` copies carry the ``gpu``
  marker and are reported as skipped where no device is present). ``SNN_TEST_BACKEND=cpu``
  or ``cuda`` restricts them to one backend.
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run tests marked slow")


BACKENDS = ("cpu", "cuda")


def backend_params():
    only = os.environ.get("SNN_TEST_BACKEND")
    if only is not None and only not in BACKENDS:
        raise pytest.UsageError(f"SNN_TEST_BACKEND must be one of {BACKENDS}, got {only!r}")
    names = [only] if only else BACKENDS
    return [pytest.param(b, marks=pytest.mark.gpu) if b == "cuda" else b for b in names]


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", backend_params())


@pytest.fixture
def on_backend(backend, request, monkeypatch):
    """Points ``twin.BACKEND`` and the test module's ``BACKEND`` at this test's backend."""
    import twin

    monkeypatch.setattr(twin, "BACKEND", backend)
    if hasattr(request.module, "BACKEND"):
        monkeypatch.setattr(request.module, "BACKEND", backend)
    return backend


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a CUDA device (skipped without one)")
    config.addinivalue_line("markers", "slow: takes more than ~10 s (needs --runslow)")


def pytest_collection_modifyitems(config, items):
    run_slow = config.getoption("--runslow") or os.environ.get("SNN_RUN_SLOW") == "1"
    skip_slow = pytest.mark.skip(reason="slow: pass --runslow or set SNN_RUN_SLOW=1")
    gpu_items = [item for item in items if "gpu" in item.keywords]
    skip_gpu = None
    if gpu_items:
        try:
            import snn
            has_cuda = bool(snn.cuda_available())
        except Exception as exc:  # pragma: no cover - reported as a skip reason
            has_cuda = False
            reason = f"snn not importable: {exc}"
        else:
            reason = f"needs a CUDA device: {snn.config()['cuda_status']}"
        if not has_cuda:
            skip_gpu = pytest.mark.skip(reason=reason)
    for item in items:
        if "slow" in item.keywords and not run_slow:
            item.add_marker(skip_slow)
        if skip_gpu is not None and "gpu" in item.keywords:
            item.add_marker(skip_gpu)
