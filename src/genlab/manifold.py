"""Latent manifolds: decode a grid of latent points and lay the digits out as one image.

The grid is built in probability space: evenly spaced quantiles in [0.05, 0.95] are
mapped through the inverse normal CDF (``scipy.stats.norm.ppf``), so the grid covers the
N(0, 1) prior evenly by probability mass rather than by distance.

Row ``i`` and column ``j`` of an ``n x n`` grid hold the point
``(x, y) = (q[j], q[n - 1 - i])``: x grows to the right, y grows upwards, as in a plot.
For a latent size above 2 the grid is a 2-D slice: dimensions ``dims`` vary, all other
coordinates stay at 0 (the prior's mean).

The whole grid (and, for a conditional decoder, the grid for every label) is decoded
in one batched call: 10 labels x 225 points are a single forward pass of 2,250 codes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import norm

from genlab import models, tiles, validate

DEFAULT_N = 15
DEFAULT_RANGE = (0.05, 0.95)


def quantile_axis(n: int = DEFAULT_N, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    """``norm.ppf`` of ``n`` evenly spaced probabilities from ``low`` to ``high``."""
    n = validate.positive_int(n, "n")
    low, high = validate.real_number(low, "low"), validate.real_number(high, "high")
    if not (0.0 < low < high < 1.0):
        raise ValueError(f"quantiles must satisfy 0 < low < high < 1, got low={low}, high={high}")
    return norm.ppf(np.linspace(low, high, n))


def grid_codes(latent_dim: int = 2, n: int = DEFAULT_N, low: float = 0.05, high: float = 0.95,
               dims: tuple[int, int] = (0, 1)) -> np.ndarray:
    """The ``n * n`` latent points of the grid, row-major, float32 (n*n, latent_dim)."""
    latent_dim = validate.positive_int(latent_dim, "latent_dim")
    if latent_dim < 2:
        raise ValueError("a 2-D manifold needs latent_dim >= 2")
    if (not isinstance(dims, tuple | list) or len(dims) != 2 or dims[0] == dims[1]
            or not all(isinstance(d, int | np.integer) and not isinstance(d, bool)
                       and 0 <= d < latent_dim for d in dims)):
        raise ValueError(f"dims must be two different axes in 0..{latent_dim - 1}, got {dims}")
    q = quantile_axis(n, low, high)
    ys, xs = np.meshgrid(q[::-1], q, indexing="ij")
    codes = np.zeros((n * n, latent_dim), dtype=np.float32)
    codes[:, dims[0]] = xs.ravel()
    codes[:, dims[1]] = ys.ravel()
    return codes


def _check_decoded(decoded, expected: int) -> np.ndarray:
    digits = validate.images(decoded, "decoder output")
    if digits.shape[0] != expected:
        raise ValueError(f"the decoder returned {digits.shape[0]} digits for {expected} codes")
    return digits


def decode_manifold(decoder, latent_dim: int = 2, labels: Sequence[int] | int | None = None,
                    n: int = DEFAULT_N, low: float = 0.05, high: float = 0.95,
                    dims: tuple[int, int] = (0, 1)) -> np.ndarray:
    """Decode the grid in one call and assemble it.

    ``decoder`` takes ``z`` (unconditional) or ``[z, y_onehot]`` (conditional, when
    ``labels`` is given). Returns an image (n*28, n*28), or (len(labels), n*28, n*28) for
    a conditional decoder: one manifold per label, all from a single forward pass.
    """
    codes = grid_codes(latent_dim, n, low, high, dims)
    cells = codes.shape[0]
    if labels is None:
        digits = _check_decoded(models.call_model(decoder, codes), cells)
        return tiles.tile(digits, n, n)
    label_ids = validate.label_list(labels)
    z = np.tile(codes, (len(label_ids), 1))
    y = np.repeat(np.eye(validate.NUM_CLASSES, dtype=np.float32)[label_ids], cells, axis=0)
    digits = _check_decoded(models.call_model(decoder, [z, y]), z.shape[0])
    return np.stack([tiles.tile(digits[k * cells:(k + 1) * cells], n, n)
                     for k in range(len(label_ids))])


def plot_manifold(image, title: str | None = None, ax=None, invert: bool = False):
    """Draw one assembled manifold; returns the figure."""
    import matplotlib.pyplot as plt

    from genlab.animation import as_frame

    if validate.to_numpy(image, "image").ndim != 2:
        raise ValueError(
            f"plot_manifold expects one 2-D image, got shape {np.shape(image)}")
    image = as_frame(image, "image")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 6))
    else:
        fig = ax.figure
    ax.imshow(image, cmap="gray_r" if invert else "gray", vmin=0, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig


def plot_label_manifolds(images, labels: Sequence[int] = range(10), invert: bool = False,
                         ncols: int = 5):
    """Ten (or any number of) per-label manifolds as panels of one figure."""
    import matplotlib.pyplot as plt

    images = validate.to_numpy(images, "images")
    label_ids = validate.label_list(labels)
    if images.ndim != 3 or images.shape[0] != len(label_ids):
        raise ValueError(
            f"expected one manifold per label, shape ({len(label_ids)}, H, W), got {images.shape}"
        )
    ncols = validate.positive_int(ncols, "ncols")
    nrows = -(-len(label_ids) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 3.4 * nrows), squeeze=False)
    for ax in axes.ravel():
        ax.set_axis_off()
    for ax, image, label in zip(axes.ravel(), images, label_ids, strict=False):
        plot_manifold(image, title=f"Label {label}", ax=ax, invert=invert)
    fig.tight_layout()
    return fig
