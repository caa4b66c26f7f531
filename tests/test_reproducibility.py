"""Same seed, same losses: the first 50 training steps of every model of the series, twice.

The models are the notebooks' own code (the cells tagged ``model``, loaded with
``genlab.notebooks.definitions``), trained on real MNIST. Every random draw (initial
weights, dropout, the VAE's noise, the GAN's z, the data order) comes from the seed, and
the runs happen in a fresh process with TensorFlow's op determinism switched on
(``tf.config.experimental.enable_op_determinism``), so the two runs must agree exactly:
no tolerance is needed, and none is allowed. (Determinism is global to a process, so it
is switched on there, not in the test process.)
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


TWICE = """
import json, sys
import tensorflow as tf
tf.config.experimental.enable_op_determinism()
sys.path.insert(0, sys.argv[1])
import test_reproducibility as t
from genlab import data
mnist = data.prepare_mnist(n_train=t.STEPS * t.BATCH, n_test=10)
x, y = mnist.x_train, mnist.y_train
print(json.dumps({nb: [t._first_steps(nb, x, y), t._first_steps(nb, x, y)] for nb in t.MODELS}))
"""


@pytest.fixture(scope="module")
def two_runs():
    """Every model's first 50 steps, twice, in one deterministic child process."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-c", TWICE, str(Path(__file__).parent)],
                          capture_output=True, text=True, env={**os.environ}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("notebook", MODELS)
def test_same_seed_gives_the_same_first_50_losses(notebook, two_runs):
    first, second = two_runs[notebook]
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
