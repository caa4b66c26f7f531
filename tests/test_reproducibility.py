"""Same seed, same losses: the first 50 training steps of every model of the series, twice.

The models are the notebooks' own code (the cells tagged ``model``, loaded with
``genlab.notebooks.definitions``), trained on real MNIST. On CPU the two runs must agree
exactly: every random draw (initial weights, dropout, the VAE's noise, the GAN's z,
the data order) comes from the seed, and TensorFlow's CPU kernels are deterministic for
a fixed thread count. No tolerance is needed, so none is allowed.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from genlab import notebooks, series

STEPS = 50
BATCH = 32  # small batches keep the test fast; the code path is the notebooks'


class BatchLogs(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.rows = []

    def on_train_batch_end(self, batch, logs=None):
        self.rows.append({k: float(v) for k, v in sorted((logs or {}).items())})


# every Keras model notebook in notebooks/ is tested; one without a builder in genlab.series
# fails. 06 trains nothing; 07 is NumPy (tests/test_numpy_nn.py checks its step against
# TensorFlow's and a seeded step against itself)
NOT_KERAS = {"06_comparison", "07_numpy_vae_gan"}
MODELS = [nb.stem for nb in notebooks.list_notebooks() if nb.stem not in NOT_KERAS]


def _first_steps(notebook, x, y):
    keras.utils.set_random_seed(42)  # every notebook's seed
    trainable = series.build(notebook, x, y, batch_size=BATCH)
    logs = BatchLogs()
    trainable.model.fit(trainable.dataset, epochs=1, steps_per_epoch=STEPS, callbacks=[logs],
                        verbose=0)
    return logs.rows


@pytest.mark.parametrize("notebook", MODELS)
def test_same_seed_gives_the_same_first_50_losses(notebook, mnist, capsys):
    x, y = mnist.x_train[:STEPS * BATCH], mnist.y_train[:STEPS * BATCH]
    first = _first_steps(notebook, x, y)
    second = _first_steps(notebook, x, y)
    assert len(first) == len(second) == STEPS
    assert first == second, "two runs with the same seed diverged"
    values = np.array([list(row.values()) for row in first])
    assert np.all(np.isfinite(values))
    assert len({tuple(row.values()) for row in first}) > 1, "the losses never changed"


def test_definitions_refuse_a_notebook_without_model_cells(tmp_path):
    import nbformat

    path = tmp_path / "plain.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="tagged 'model'"):
        notebooks.definitions(path)
    with pytest.raises(ValueError, match="no notebook"):
        notebooks.definitions("99_missing")
