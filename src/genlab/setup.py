"""The setup cell of every notebook: seed, output folders, style, and what runs where."""

from __future__ import annotations

import os
import platform
import warnings
from dataclasses import dataclass
from pathlib import Path

from genlab import paths, validate


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

    keras.utils.set_random_seed(validate.non_negative_int(seed, "seed"))


def device_name() -> str:
    """``GPU (<name>)`` when TensorFlow sees a GPU (it then trains there), else ``CPU (...)``."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        more = f" and {len(gpus) - 1} more" if len(gpus) > 1 else ""
        return f"GPU ({details.get('device_name', gpus[0].name)}{more})"
    return f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"


def describe() -> str:
    """Print (and return) the Python, TensorFlow and Keras versions and the device in use."""
    import keras
    import tensorflow as tf

    line = (f"Python {platform.python_version()}, TensorFlow {tf.__version__}, "
            f"Keras {keras.__version__}, on {device_name()}")
    print(line)
    return line


def _shown(path: Path) -> str:
    """A path relative to the repository, so outputs hold no folder of the machine."""
    try:
        return str(Path(path).resolve().relative_to(paths.repo_root()))
    except ValueError:
        return Path(path).name


def start(notebook: str, seed: int = 42, verbose: bool = True) -> Session:
    """Seed everything, point ``save_fig`` at ``figs/<notebook>/``, set the plot style."""
    from genlab import plots

    paths.use_notebook(notebook)
    seed_everything(seed)
    # fit() warns on every call that a tf.data pipeline ignores shuffle=True (its default);
    # our pipelines shuffle themselves, so the warning is noise in the lesson's output
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed")
    plots.set_style()
    session = Session(notebook=notebook, seed=seed, quick=paths.is_quick(),
                      figs=paths.figs_dir(), artifacts=paths.artifacts_dir(),
                      device=device_name())
    if verbose:
        mode = "QUICK (small subset, few steps)" if session.quick else "full"
        print(f"mode: {mode}; seed {seed}; figures -> {_shown(session.figs)}")
    return session
