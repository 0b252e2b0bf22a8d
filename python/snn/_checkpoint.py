"""Checkpoints: a network and its state in one NumPy ``.npz`` file (docs/checkpoints.md).

The engine gives the network's description and the simulation's state as named 1-D arrays
("network/...", "state/..."); this module adds a JSON header (array "header", UTF-8 bytes)
and the arrays of Python-side stream inputs ("python/stream<i>"), and reads them back with
``allow_pickle=False``, turning every way a file can be wrong into :class:`snn.ConfigError`.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._core import ConfigError

if TYPE_CHECKING:
    from ._network import Network

FORMAT = "snn-checkpoint"
VERSION = 1
_READ_ERRORS = (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)


def save(net: Network, path: str | os.PathLike[str]) -> None:
    """Writes ``net`` to ``path`` (see :meth:`snn.Network.save`)."""
    arrays = _core.save_network(net._native)
    if net._sim is not None:
        arrays.update(_core.save_state(net._sim))
    streams = []
    for i, s in enumerate(net._streams):
        streams.append({"population": s.pop.index, "input": s.index, "start": s.start,
                        "callable": callable(s.source)})
        if not callable(s.source):
            arrays[f"python/stream{i}"] = np.asarray(s.source)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "snn_version": _core.__version__,
        "step": net.step,
        "backend": None if net._sim is None else net._sim.backend,
        "threads": None if net._sim is None else net._sim.threads,
        "populations": [{"label": p.label, "size": p.size, "model": p.model} for p in net.populations],
        "projections": [{"label": p.label, "pre": p.pre.index, "post": p.post.index}
                        for p in net.projections],
        "streams": streams,
    }
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    # Into a temporary file beside the target, then renamed: a failed save leaves no half file.
    path = os.fspath(path)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _read(path: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and arrays of a checkpoint file; ConfigError if it is not one."""
    who = f"checkpoint '{path}'"
    with open(path, "rb") as f:  # closed whatever np.load makes of it
        try:
            npz = np.load(f, allow_pickle=False)
        except _READ_ERRORS as e:
            raise ConfigError(f"{who}: not a NumPy .npz file ({e})") from None
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ConfigError(f"{who}: a single .npy array, not an snn checkpoint (.npz)")
        with npz:
            if "header" not in npz.files:
                raise ConfigError(f"{who}: not an snn checkpoint (an .npz file without a 'header' array)")
            arrays = {}
            for name in npz.files:
                try:
                    arrays[name] = npz[name]
                except _READ_ERRORS as e:
                    raise ConfigError(f"{who}: array '{name}' is corrupt or truncated ({e})") from None
    try:
        header = json.loads(arrays.pop("header").tobytes().decode())
    except (UnicodeDecodeError, ValueError) as e:
        raise ConfigError(f"{who}: its header is not valid JSON ({e})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ConfigError(f"{who}: not an snn checkpoint (header format is not '{FORMAT}')")
    version = header.get("version")
    if version != VERSION:
        raise ConfigError(f"{who}: format version {version!r} (written by snn "
                          f"{header.get('snn_version', '?')}); this snn {_core.__version__} reads version "
                          f"{VERSION}")
    return header, arrays


def _little_endian(a: np.ndarray) -> np.ndarray:
    return a.astype(a.dtype.newbyteorder("<")) if a.dtype.byteorder == ">" else a


def load(path: str | os.PathLike[str], *, backend: str = "auto", threads: int | None = None,
         callables: Any = ()) -> Network:
    """The network saved at ``path`` by :meth:`snn.Network.save`, with its state: its next run
    continues from the saved step bit for bit as the saved network's would have.

    Parameters
    ----------
    path : str or path-like
        A checkpoint file.
    backend, threads : str, int or None
        Where the loaded network runs (as in :meth:`snn.Network.run`); any thread count
        continues identically. Checkpoints of the CUDA backend are not supported yet.
    callables : sequence of callables
        The network's input callables, in the order they were added (a file cannot hold
        them); ConfigError if their number differs from the saved network's.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    snn.ConfigError
        The file is not an snn checkpoint, is corrupt or truncated, or is of another format
        version; the message names the problem (and the array).
    """
    from ._network import Network, _Stream

    path = os.fspath(path)
    header, arrays = _read(path)
    who = f"checkpoint '{path}'"
    native_arrays = {k: _little_endian(v) for k, v in arrays.items() if k.startswith(("network/", "state/"))}
    native = _core.load_network({k: v for k, v in native_arrays.items() if k.startswith("network/")})
    net = Network.__new__(Network)  # one process, whatever mpirun launched
    ends = [(int(native_arrays[f"network/proj{j}/pre"][0]), int(native_arrays[f"network/proj{j}/post"][0]))
            for j in range(native.projection_count)]
    net._adopt(native, ends, None)
    _restore_streams(net, who, header, arrays, list(callables), _Stream)
    if "state/step" in native_arrays:
        sim = net._simulation(backend, threads)
        _core.load_state(sim, {k: v for k, v in native_arrays.items() if k.startswith("state/")})
    return net


def _restore_streams(net: Network, who: str, header: dict[str, Any], arrays: dict[str, np.ndarray],
                     callables: list[Any], stream_type: Any) -> None:
    """The Python-side inputs (arrays and callables) of a loaded network."""
    entries = header.get("streams", [])
    wanted = sum(1 for e in entries if isinstance(e, dict) and e.get("callable"))
    if len(callables) != wanted or not all(callable(f) for f in callables):
        raise ConfigError(f"{who}: the saved network has {wanted} input callable(s), which a file cannot "
                          f"hold; pass them again, in the order they were added: snn.load(path, "
                          f"callables=[...]) (got {len(callables)} callable(s))")
    given = iter(callables)
    for i, e in enumerate(entries):
        try:
            where, index, start = (int(e[k]) for k in ("population", "input", "start"))
            if not (0 <= where < len(net.populations) and index >= 0 and start >= 0):
                raise ValueError(f"population {where}, input {index}, start {start}")
            pop = net.populations[where]
            source = next(given) if e["callable"] else arrays[f"python/stream{i}"]
        except (KeyError, TypeError, ValueError) as err:
            raise ConfigError(f"{who}: stream input {i} of the header is malformed ({err!r})") from None
        if not callable(source) and (source.ndim not in (1, 2) or source.shape[-1] != pop.size
                                     or not np.all(np.isfinite(source))):
            raise ConfigError(f"{who}: array 'python/stream{i}' does not fit population '{pop.label}'")
        net._streams.append(stream_type(pop, index, source if callable(source) else
                                        np.ascontiguousarray(source, np.float32), start))
