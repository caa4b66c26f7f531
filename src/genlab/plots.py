"""Figures of digits, losses and latent codes, and ``save_fig`` for every one of them.

Call ``save_fig(name)`` before ``plt.show()``: every figure the README uses is then a
file that a notebook wrote, in ``figs/<notebook>/<name>.png`` at a fixed dpi.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt  # without a display matplotlib falls back to Agg: files still save
import numpy as np
from matplotlib.ticker import MaxNLocator

from genlab import io, paths, tiles, validate

DPI = 120
DIGIT_COLORS = "tab10"


def set_style() -> None:
    """The series' look: seaborn's white grid, readable font sizes."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams["image.interpolation"] = "nearest"


def _cmap(invert: bool) -> str:
    return "gray_r" if invert else "gray"


def _positive_scale(scale) -> float:
    scale = validate.real_number(scale, "scale")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    return scale


def _bare(ax) -> None:
    """An axis that shows only its image (and any label set on it)."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def digit_rows(rows: Sequence, row_titles: Sequence[str] | None = None, invert: bool = False,
               title: str | None = None, scale: float = 0.9):
    """Several rows of the same number of digits, e.g. originals over reconstructions."""
    if not hasattr(rows, "__len__") or isinstance(rows, str):
        raise ValueError(f"digit_rows needs a list of rows of digits, got {type(rows).__name__}")
    if len(rows) == 0:
        raise ValueError("digit_rows needs at least one row of digits")
    scale = _positive_scale(scale)
    checked = [validate.images(row, f"rows[{i}]") for i, row in enumerate(rows)]
    width = checked[0].shape[0]
    if any(row.shape[0] != width for row in checked):
        raise ValueError(
            f"every row must hold the same number of digits, got {[r.shape[0] for r in checked]}"
        )
    if row_titles is not None and len(row_titles) != len(checked):
        raise ValueError(f"got {len(row_titles)} row titles for {len(checked)} rows")
    fig, axes = plt.subplots(len(checked), 1, figsize=(scale * width, scale * len(checked) + 0.4),
                             squeeze=False)
    for i, (ax, row) in enumerate(zip(axes[:, 0], checked, strict=True)):
        ax.imshow(tiles.tile(row, 1, width), cmap=_cmap(invert), vmin=0, vmax=1)
        _bare(ax)
        if row_titles is not None:
            ax.set_ylabel(row_titles[i], rotation=0, ha="right", va="center")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def training_moments(recorder, keys: Sequence, moments: Sequence[int],
                     row_titles: Sequence[str] | None = None, scale: float = 2.0):
    """The frames a ``FrameRecorder`` drew at chosen batches, as one still figure: a row
    per frame key, a column per moment (the recorded batch nearest to it, in the title).

    A notebook embeds a thinned copy of a long animation; this shows the moments its
    text talks about, whatever the embedded copy kept.
    """
    steps = list(getattr(recorder, "steps", None) or [])
    frames = getattr(recorder, "frames", None)
    if not steps or not isinstance(frames, Mapping):
        raise ValueError("recorder must be a FrameRecorder that has recorded frames (train first)")
    keys = list(keys)
    if not keys or any(key not in frames for key in keys):
        raise ValueError(f"keys must name recorded frames, got {keys}; recorded: {list(frames)}")
    moments = [validate.non_negative_int(m, "every moment") for m in moments]
    if not moments:
        raise ValueError("moments must list at least one batch, e.g. [0, 100, 1000]")
    if row_titles is not None and len(row_titles) != len(keys):
        raise ValueError(f"got {len(row_titles)} row titles for {len(keys)} keys")
    scale = _positive_scale(scale)
    recorded = np.asarray(steps)
    picked = sorted({int(np.argmin(np.abs(recorded - moment))) for moment in moments})
    fig, axes = plt.subplots(len(keys), len(picked), squeeze=False,
                             figsize=(scale * len(picked), scale * len(keys) + 0.3))
    for row, key in enumerate(keys):
        for column, index in enumerate(picked):
            ax = axes[row, column]
            image = frames[key][index]
            ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=1)
            _bare(ax)
            if row == 0:
                ax.set_title(f"batch {steps[index]}")
            if column == 0 and row_titles is not None:
                ax.set_ylabel(row_titles[row])
    fig.tight_layout()
    return fig


def digit_grid(images, ncols: int, row_labels: Sequence | None = None,
               col_labels: Sequence | None = None, invert: bool = False,
               title: str | None = None, scale: float = 0.6):
    """A grid of digits, row-major, with optional labels for rows and columns."""
    digits = validate.images(images, "images")
    ncols = validate.positive_int(ncols, "ncols")
    scale = _positive_scale(scale)
    if digits.shape[0] % ncols:
        raise ValueError(f"{digits.shape[0]} digits do not fill rows of {ncols}")
    nrows = digits.shape[0] // ncols
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"got {len(row_labels)} row labels for {nrows} rows")
    if col_labels is not None and len(col_labels) != ncols:
        raise ValueError(f"got {len(col_labels)} column labels for {ncols} columns")
    fig, ax = plt.subplots(figsize=(scale * ncols + 0.8, scale * nrows + 0.6))
    ax.imshow(tiles.tile(digits, nrows, ncols), cmap=_cmap(invert), vmin=0, vmax=1)
    ax.grid(False)
    ax.set_xticks([28 * j + 13.5 for j in range(ncols)] if col_labels is not None else [])
    ax.set_yticks([28 * i + 13.5 for i in range(nrows)] if row_labels is not None else [])
    if col_labels is not None:
        ax.set_xticklabels([str(c) for c in col_labels])
        ax.xaxis.tick_top()
    if row_labels is not None:
        ax.set_yticklabels([str(r) for r in row_labels])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _history_dict(history, caller: str = "loss_curves") -> dict[str, list[float]]:
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or not logs:
        raise ValueError(f"{caller} needs a Keras History or a non-empty dict of metric lists")
    for key, values in logs.items():
        array = validate.real_array(values, f"history[{key!r}]")
        if array.ndim != 1:
            raise ValueError(f"history[{key!r}] must be a list of numbers (one per epoch), "
                             f"got shape {array.shape}")
        if array.size == 0:
            raise ValueError("the history holds an empty metric list: did fit() run any epoch?")
    return {str(k): [float(x) for x in v] for k, v in logs.items()}


def loss_curves(history, keys: Sequence[str] | None = None, title: str | None = None):
    """One panel per loss from a Keras ``History``; ``val_<name>`` joins its panel.

    NaN values are drawn as gaps, so the curves of a run that diverged still show how
    it got there.
    """
    logs = _history_dict(history)
    names = list(keys) if keys is not None else [k for k in logs if not k.startswith("val_")]
    unknown = [k for k in names if k not in logs]
    if unknown:
        raise ValueError(f"no such keys in the history: {unknown}; it has {sorted(logs)}")
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3.0), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        epochs = np.arange(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], marker="o", ms=3, label="train")
        if f"val_{name}" in logs:
            val = logs[f"val_{name}"]
            if len(epochs) % len(val):
                raise ValueError(
                    f"{len(val)} values of val_{name} do not match {len(epochs)} epochs of "
                    f"{name} (fit's validation_freq must divide the number of epochs)")
            every = len(epochs) // len(val)  # validation_freq of fit()
            ax.plot(epochs[every - 1::every], val, marker="o", ms=3, label="validation")
            ax.legend()
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def batch_curves(values, panels: Sequence[Sequence[str]], smooth: int = 50,
                 references: Sequence[Mapping[str, float]] | None = None,
                 titles: Sequence[str] | None = None, batches_per_epoch: int | None = None,
                 ncols: int | None = None):
    """Per-batch curves (e.g. from ``training.BatchLogger``): faint raw values, a moving
    average of ``smooth`` batches on top, one panel per group of keys.

    ``references`` holds one dict per panel of dashed reference lines (e.g.
    ``{"equilibrium": 1.386}``); ``batches_per_epoch`` marks the epoch boundaries;
    ``ncols`` panels per row (default: all in one row), so many panels stay readable.
    """
    logs = _history_dict(values, "batch_curves")
    smooth = validate.positive_int(smooth, "smooth")
    if batches_per_epoch is not None:
        batches_per_epoch = validate.positive_int(batches_per_epoch, "batches_per_epoch")
    unknown = [k for group in panels for k in group if k not in logs]
    if unknown or not panels:
        raise ValueError(f"panels must name keys of the values: unknown {unknown}; "
                         f"it has {sorted(logs)}")
    for name, extra in (("references", references), ("titles", titles)):
        if extra is not None and len(extra) != len(panels):
            raise ValueError(f"{name} needs one entry per panel ({len(panels)}), "
                             f"got {len(extra)}")
    ncols = len(panels) if ncols is None else validate.positive_int(ncols, "ncols")
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.2 * nrows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for index, (ax, group) in enumerate(zip(axes.flat[:len(panels)], panels, strict=True)):
        for key in group:
            raw = np.asarray(logs[key])
            steps = np.arange(1, len(raw) + 1)
            line, = ax.plot(steps, raw, alpha=0.2, linewidth=0.6)
            width = min(smooth, max(1, len(raw) // 10))  # a short run: a shorter window
            average = np.convolve(raw, np.ones(width) / width, mode="valid")
            ax.plot(steps[width - 1:], average, color=line.get_color(), linewidth=1.6,
                    label=key.removeprefix("batch_"))
        for label, value in (references[index] if references else {}).items():
            ax.axhline(value, color="black", linestyle="--", linewidth=0.8, label=label)
        if batches_per_epoch:
            for edge in range(batches_per_epoch, len(raw), batches_per_epoch):
                ax.axvline(edge, color="grey", linewidth=0.5, alpha=0.5)
        ax.set_xlabel("batch")
        if titles:
            ax.set_title(titles[index], fontsize=10)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def latent_scatter(codes, labels, limit: float = 4.0, title: str | None = None, ax=None,
                   point_size: float = 2.0):
    """2-D latent codes coloured by digit, with fixed axis limits ``[-limit, limit]``.

    Fixed limits make successive frames of a training animation line up.
    """
    z = validate.real_array(codes, "codes").astype(np.float32)
    if z.ndim != 2 or z.shape[1] != 2 or z.shape[0] == 0:
        raise ValueError(f"codes must have shape (N, 2) with N > 0, got {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("codes contain NaN or infinite values")
    digit = validate.labels(labels, "labels", length=z.shape[0])
    limit = validate.real_number(limit, "limit")
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 5))
    else:
        fig = ax.figure
    colors = plt.get_cmap(DIGIT_COLORS)
    for d in range(validate.NUM_CLASSES):
        mask = digit == d
        if mask.any():
            ax.scatter(z[mask, 0], z[mask, 1], s=point_size, color=colors(d), label=str(d),
                       rasterized=True)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.legend(title="digit", markerscale=4, loc="center left", bbox_to_anchor=(1.0, 0.5),
              frameon=False)
    if title:
        ax.set_title(title)
    return fig


def study_curves(summary: Mapping, keys: Sequence[str], configs: Sequence[str] | None = None,
                 title: str | None = None):
    """A study's metrics over training (``genlab.experiments`` summary): one panel per
    metric, one line per configuration, the mean over seeds with +- one spread shaded."""
    entries = summary.get("configs") if isinstance(summary, Mapping) else None
    if not entries:
        raise ValueError("summary must be a study summary with 'configs' (summary.json)")
    if isinstance(keys, str) or not keys:
        raise ValueError(f"keys must be a non-empty list of metric names, got {keys!r}")
    names = list(configs) if configs is not None else list(entries)
    unknown = [n for n in names if n not in entries]
    if unknown:
        raise ValueError(f"no configurations {unknown} in the summary; it has {list(entries)}")
    # twenty distinct colours, then dashed lines: no two configurations look alike
    palette = plt.get_cmap("tab20").colors
    fig, axes = plt.subplots(1, len(keys), figsize=(3.8 * len(keys), 3.2), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        for index, name in enumerate(names):
            rows = [r for r in entries[name]["checkpoints"] if key in r]
            if not rows:
                continue
            batch = np.array([r["batch"] for r in rows])
            mean = np.array([r[key]["mean"] for r in rows])
            spread = np.array([r[key]["spread"] for r in rows])
            line, = ax.plot(batch, mean, marker="o", ms=3, label=name,
                            color=palette[(2 * index) % 20 + (index // 10) % 2],
                            linestyle="--" if index >= 20 else "-")
            ax.fill_between(batch, mean - spread, mean + spread, color=line.get_color(),
                            alpha=0.2)
        ax.set_title(key, fontsize=10)
        ax.set_xlabel("batch")
    axes[0][-1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_saved(name: str, notebook: str | None = None) -> Path:
    """Show a figure that a full run of the notebook saved (``figs/<notebook>/<name>.png``).

    For cells that need training to draw their figure: with ``train = False`` they show
    the committed one instead.
    """
    from IPython.display import Image, display

    path = paths.shipped_figs_dir(notebook) / f"{paths.check_stem(name, 'a figure name')}.png"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run the notebook in full mode first")
    display(Image(filename=str(path)))
    return path


def save_fig(name: str, fig=None, notebook: str | None = None, dpi: int = DPI) -> Path:
    """Write ``fig`` (default: the current figure) to ``figs/<notebook>/<name>.png``."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a plain file name such as 'manifold', got {name!r}")
    stem = name[:-4] if name.endswith(".png") else name
    figure = fig if fig is not None else plt.gcf()
    target = paths.figs_dir(notebook) / f"{stem}.png"
    with io.atomic_path(target) as tmp:
        figure.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
    return target
