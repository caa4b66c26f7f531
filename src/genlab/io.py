"""Atomic writes: a file appears complete or not at all.

Every figure, GIF, metrics file and saved model goes through :func:`atomic_path`: the
writer fills a temporary file in the same folder, which is renamed over the target only
when the writer returns. An interrupted run leaves the previous file intact (or none),
never a truncated one that a later notebook would load.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path to write; rename it to ``path`` if the block succeeds.

    The temporary name ends with the target's own name, so writers that choose a
    format by extension (Keras ``.keras``, Pillow ``.gif``) behave as for the target.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix="-" + target.name, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise OSError(f"the writer left {target.name} empty; nothing was replaced")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _reject_non_finite(value: Any, where: str = "") -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(
            f"metrics value {where or 'value'} is {value}; write None (JSON null) for a "
            "metric that could not be measured instead of NaN or inf"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_non_finite(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _reject_non_finite(item, f"{where}[{i}]")


def _to_builtin(value: Any) -> Any:
    """numpy scalars and arrays to plain Python, so JSON stays readable."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _to_builtin(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_builtin(v) for v in value]
    return value


def save_json(data: dict, path: str | os.PathLike) -> Path:
    """Write ``data`` as indented JSON, atomically; NaN and inf are refused."""
    if not isinstance(data, dict):
        raise ValueError(f"save_json expects a dict, got {type(data).__name__}")
    plain = _to_builtin(data)
    _reject_non_finite(plain)
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(plain, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def load_json(path: str | os.PathLike) -> dict:
    target = Path(path)
    if not target.is_file():
        raise FileNotFoundError(f"{target} does not exist")
    try:
        return json.loads(target.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{target} is not valid JSON: {err}") from None
