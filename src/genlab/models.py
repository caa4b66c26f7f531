"""Calling and saving the notebooks' sub-models the same way everywhere."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from genlab import io


def call_model(model, inputs) -> np.ndarray:
    """One forward pass in inference mode, as numpy.

    Calls the model directly rather than ``predict``: for a single batch of a few
    thousand inputs this skips building a data pipeline on every call, which matters
    when a callback draws a frame hundreds of times during training. Plain callables
    (used in tests) are called with the inputs alone.
    """
    import keras

    if isinstance(model, keras.Model):
        outputs = model(inputs, training=False)
    else:
        outputs = model(inputs)
    if isinstance(outputs, list | tuple):
        return [np.asarray(keras.ops.convert_to_numpy(o)) for o in outputs]
    return np.asarray(keras.ops.convert_to_numpy(outputs))


def call_in_batches(model, inputs, batch_size: int = 2000):
    """``call_model`` over slices of ``batch_size`` rows, outputs concatenated.

    ``inputs`` is one array or a list of aligned arrays (e.g. ``[z, y_onehot]``); the
    result has the structure of one call's output (an array or a list of arrays). This
    keeps memory bounded for 10,000 digits while each slice is still one batched call.
    """
    from genlab import validate

    batch_size = validate.positive_int(batch_size, "batch_size")
    arrays = inputs if isinstance(inputs, list | tuple) else [inputs]
    arrays = [np.asarray(a) for a in arrays]
    if not arrays or any(a.ndim == 0 for a in arrays):
        raise ValueError("inputs must be an array (one row per example) or a list of them, "
                         f"got {type(inputs).__name__}")
    n = len(arrays[0])
    if n == 0 or any(len(a) != n for a in arrays):
        lengths = [len(a) for a in arrays]
        raise ValueError(f"inputs must be non-empty and aligned, got lengths {lengths}")
    chunks = []
    for start in range(0, n, batch_size):
        part = [a[start:start + batch_size] for a in arrays]
        chunks.append(call_model(model, part if isinstance(inputs, list | tuple) else part[0]))
    if isinstance(chunks[0], list):
        return [np.concatenate(pieces) for pieces in zip(*chunks, strict=True)]
    return np.concatenate(chunks)


def save_model(model, path: str | os.PathLike) -> Path:
    """Save a Keras model to ``.keras`` atomically (an interrupted save leaves no file)."""
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"save_model expects a keras.Model, got {type(model).__name__}")
    target = Path(path)
    if target.suffix != ".keras":
        raise ValueError(f"models are saved as .keras files; name it *.keras, got {target.name}")
    with io.atomic_path(target) as tmp:
        model.save(tmp)
    return target


def load_model(path: str | os.PathLike):
    """Load a ``.keras`` model saved by a notebook; the genlab layers are registered first."""
    import keras

    from genlab import layers  # noqa: F401  (registers the custom layers)

    target = Path(path)
    if not target.is_file():
        raise FileNotFoundError(
            f"{target} does not exist: run the notebook that trains it first "
            f"(notebooks/{target.parent.name}.ipynb)"
        )
    return keras.saving.load_model(target)
