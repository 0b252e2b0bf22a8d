"""snn.config(): what the build contains and which CUDA devices it sees, consistent with
snn.cuda_available() and the native module's own flag."""

import snn
from snn import _core


def test_config_reports_the_build_and_devices():
    cfg = snn.config()
    assert cfg["version"] == snn.__version__
    assert cfg["cuda_compiled"] is bool(_core.cuda_compiled)
    assert isinstance(cfg["cuda_status"], str) and cfg["cuda_status"]
    if cfg["cuda_compiled"]:
        archs = cfg["cuda_architectures"]
        assert archs and all(isinstance(a, int) and a >= 75 for a in archs), archs
        assert cfg["cuda_runtime"] is not None and cfg["cuda_runtime"][0].isdigit()
    else:
        assert cfg["cuda_architectures"] == [] and cfg["cuda_runtime"] is None
        assert "not built" in cfg["cuda_status"]
    # A device is reported exactly when the CUDA backend can run.
    assert bool(cfg["devices"]) == snn.cuda_available()
    assert (cfg["cuda_status"] == "ok") == snn.cuda_available()
    for dev in cfg["devices"]:
        assert dev["name"] and dev["memory_bytes"] > 0 and dev["multiprocessors"] > 0
        major, minor = dev["compute_capability"]
        assert major >= 1 and minor >= 0
