"""Input checks at the package boundary, with messages that say how to fix the input.

Every public helper runs its arguments through these, so a wrong shape, a [-1, 1]
tanh output, NaNs or labels outside 0..9 fail at once with a ``ValueError`` instead
of producing a silently wrong figure or number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

NUM_CLASSES = 10
DIGIT_SIZE = 28


def to_numpy(value: Any, name: str) -> np.ndarray:
    """Accept numpy arrays, lists and tensors (anything with ``.numpy()``)."""
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be array-like, got {type(value).__name__}: {err}") from None
    if array.dtype == object:
        raise ValueError(f"{name} must be a numeric array, got ragged or object data")
    if array.dtype.name == "bfloat16":
        # a model under Keras's mixed_bfloat16 policy returns ml_dtypes.bfloat16, which
        # numpy does not count as floating point; its values are plain floats
        array = array.astype(np.float32)
    return array


def real_array(value: Any, name: str) -> np.ndarray:
    """Like :func:`to_numpy`, but only bool, integer or float data (no strings, no complex)."""
    array = to_numpy(value, name)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers (int or float), got dtype {array.dtype}")
    return array


def real_number(value: Any, name: str) -> float:
    """One real number (int or float, not bool, str or None) as a Python float."""
    if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    return float(value)


def images(value: Any, name: str = "images") -> np.ndarray:
    """Digits as float32 (N, 28, 28, 1) in [0, 1]; (N, 28, 28) is accepted and expanded."""
    array = to_numpy(value, name)
    if array.ndim == 3:
        array = array[..., np.newaxis]
    if array.ndim != 4 or array.shape[1:] != (DIGIT_SIZE, DIGIT_SIZE, 1):
        raise ValueError(
            f"{name} must have shape (N, 28, 28, 1) or (N, 28, 28), got {tuple(array.shape)}"
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty: need at least one digit")
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"{name} must be floating point in [0, 1], got dtype {array.dtype}; "
            "scale uint8 pixels with genlab.data.scale_images (divides by 255)"
        )
    array = array.astype(np.float32, copy=False)
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} contains {bad} NaN or infinite pixel values")
    low, high = float(array.min()), float(array.max())
    if low < -1e-6 and low >= -1.0 - 1e-6 and high <= 1.0 + 1e-6:
        raise ValueError(
            f"{name} has values in [{low:.3f}, {high:.3f}]: this looks like a tanh output in "
            "[-1, 1]; rescale it to [0, 1] with (x + 1) / 2 first"
        )
    if low < -1e-6 or high > 1.0 + 1e-6:
        hint = " (uint8-style pixels? divide by 255)" if high > 1.5 else ""
        raise ValueError(f"{name} must lie in [0, 1], got values in [{low:.3f}, {high:.3f}]{hint}")
    return np.clip(array, 0.0, 1.0)


def labels(value: Any, name: str = "labels", length: int | None = None) -> np.ndarray:
    """Digit labels as int64 (N,) in 0..9. One-hot (N, 10) input is converted."""
    array = to_numpy(value, name)
    if array.ndim == 2 and array.shape[1] == NUM_CLASSES:
        rows_ok = np.all((array == 0) | (array == 1)) and np.all(array.sum(axis=1) == 1)
        if not rows_ok:
            raise ValueError(f"{name} has 10 columns but its rows are not one-hot "
                             "(exactly one 1 and nine 0s per row)")
        array = array.argmax(axis=1)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of digits 0..9 or one-hot (N, 10), "
            f"got shape {tuple(array.shape)}"
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty: need at least one label")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(f"{name} must hold whole numbers 0..9, got non-integer values")
    elif not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be integers 0..9, got dtype {array.dtype}")
    if array.min() < 0 or array.max() >= NUM_CLASSES:
        raise ValueError(
            f"{name} must lie in 0..9, got values from {array.min()} to {array.max()}"
        )
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name} has {array.shape[0]} entries but {length} were expected")
    return array.astype(np.int64)


def positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def non_negative_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def label_list(value: Sequence[int] | int, name: str = "labels") -> list[int]:
    """A label or a list of labels to condition on, e.g. ``range(10)``."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be a digit 0..9 or a list of them, got {value!r}")
    if isinstance(value, int | np.integer):
        value = [int(value)]
    try:
        items = list(value)
    except TypeError:
        raise ValueError(f"{name} must be a digit 0..9 or a list of them, got {value!r}") from None
    return labels(np.asarray(items), name).tolist()
