"""Shared fixtures: a small MNIST-shaped file, an isolated output folder, real MNIST."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def write_fake_mnist(path, n_train=120, n_test=40, seed=0, **overrides):
    """A small .npz in the keras layout; ``overrides`` replace arrays to make it wrong."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": np.arange(n_train, dtype=np.uint8) % 10,
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": np.arange(n_test, dtype=np.uint8) % 10,
    }
    arrays.update(overrides)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, **arrays)
    return path


@pytest.fixture
def fake_npz(tmp_path):
    return write_fake_mnist(tmp_path / "mnist_small.npz")


@pytest.fixture
def out_dir(tmp_path, monkeypatch):
    """Route figures and artifacts into a temporary folder for one test."""
    from genlab import paths

    monkeypatch.setenv("GENLAB_OUT", str(tmp_path / "out"))
    monkeypatch.setattr(paths, "_current_notebook", None)
    paths.use_notebook("test_notebook")
    return tmp_path / "out"


@pytest.fixture(scope="session")
def mnist():
    """Real MNIST through the same loader the notebooks use (MNIST_NPZ or Keras)."""
    from genlab import data

    return data.prepare_mnist()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
