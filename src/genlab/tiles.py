"""Assemble many 28 x 28 digits into one image (rows x columns).

One function for every mosaic in the series (manifolds, sample grids, animation
frames), so they all line up the same way: row-major, top-left first.
"""

from __future__ import annotations

import numpy as np

from genlab import validate


def tile(images, nrows: int, ncols: int, pad: int = 0, pad_value: float = 1.0) -> np.ndarray:
    """Lay ``nrows * ncols`` digits out row by row into a 2-D float32 image."""
    digits = validate.images(images, "images")[..., 0]
    nrows = validate.positive_int(nrows, "nrows")
    ncols = validate.positive_int(ncols, "ncols")
    pad = validate.non_negative_int(pad, "pad")
    pad_value = validate.real_number(pad_value, "pad_value")
    if not 0.0 <= pad_value <= 1.0:
        raise ValueError(f"pad_value must lie in [0, 1] like the digits, got {pad_value}")
    if digits.shape[0] != nrows * ncols:
        raise ValueError(
            f"tile needs exactly nrows * ncols = {nrows * ncols} digits, got {digits.shape[0]}"
        )
    size = digits.shape[1]
    if pad == 0:
        return digits.reshape(nrows, ncols, size, size).swapaxes(1, 2).reshape(
            nrows * size, ncols * size
        )
    step = size + pad
    out = np.full((nrows * step - pad, ncols * step - pad), pad_value, dtype=np.float32)
    for index, digit in enumerate(digits):
        row, col = divmod(index, ncols)
        out[row * step : row * step + size, col * step : col * step + size] = digit
    return out


def mosaic(images, ncols: int, pad: int = 4, pad_value: float = 1.0) -> np.ndarray:
    """Lay equal-sized 2-D images (e.g. ten per-label manifolds) out in rows of ``ncols``.

    Empty cells of the last row are filled with ``pad_value``, so any count fits.
    """
    panels = validate.real_array(images, "images").astype(np.float32)
    if panels.ndim != 3 or 0 in panels.shape:
        raise ValueError(f"mosaic needs a stack of 2-D images (K, H, W), got shape {panels.shape}")
    if not np.all(np.isfinite(panels)):
        raise ValueError("images contain NaN or infinite values")
    if panels.min() < -1e-6 or panels.max() > 1 + 1e-6:
        raise ValueError(f"images must lie in [0, 1] like the digits, got values in "
                         f"[{panels.min():.3f}, {panels.max():.3f}]")
    ncols = validate.positive_int(ncols, "ncols")
    pad = validate.non_negative_int(pad, "pad")
    pad_value = validate.real_number(pad_value, "pad_value")
    if not 0.0 <= pad_value <= 1.0:
        raise ValueError(f"pad_value must lie in [0, 1] like the digits, got {pad_value}")
    count, height, width = panels.shape
    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    out = np.full((nrows * (height + pad) - pad, ncols * (width + pad) - pad), pad_value,
                  dtype=np.float32)
    for index, panel in enumerate(panels):
        row, col = divmod(index, ncols)
        top, left = row * (height + pad), col * (width + pad)
        out[top:top + height, left:left + width] = panel
    return out
