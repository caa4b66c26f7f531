"""The setup cell of every notebook: seed, output folders, style, and what runs where."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

from genlab import paths


@dataclass(frozen=True)
class Session:
    notebook: str
    seed: int
    quick: bool
    figs: Path
    artifacts: Path
    device: str


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow at once (``keras.utils.set_random_seed``)."""
    import keras

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    keras.utils.set_random_seed(seed)


def device_name() -> str:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"GPU ({gpus[0].name})"
    return f"CPU ({platform.processor() or platform.machine()})"


def start(notebook: str, seed: int = 42, verbose: bool = True) -> Session:
    """Seed everything, point ``save_fig`` at ``figs/<notebook>/``, set the plot style."""
    import keras
    import tensorflow as tf

    from genlab import plots

    paths.use_notebook(notebook)
    seed_everything(seed)
    plots.set_style()
    session = Session(notebook=notebook, seed=seed, quick=paths.is_quick(),
                      figs=paths.figs_dir(), artifacts=paths.artifacts_dir(),
                      device=device_name())
    if verbose:
        mode = "QUICK (small subset, few steps)" if session.quick else "full"
        print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, on {session.device}")
        print(f"mode: {mode}; seed {seed}; figures -> {session.figs}")
    return session
