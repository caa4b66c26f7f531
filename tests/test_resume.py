"""Long runs can resume: an interrupted fit of the notebooks' adversarial models (04_gan,
05_cvae_gan) continues from its last finished epoch, with the networks and every
optimizer as they were; a diverging run is stopped and named (issue 10)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from genlab import data, notebooks, training


def _gan_batches(model):
    return int(model.d_optimizer.iterations.numpy())  # D is updated on every batch


def _cvae_gan_batches(model):
    return int(model.batches.numpy())  # the balance rule may skip updates: count batches


# notebook -> (its model factory in the notebook's namespace, batches the model has trained)
CASES = {"04_gan": ("make_gan", _gan_batches), "05_cvae_gan": ("make_model", _cvae_gan_batches)}
# the factory's arguments for the notebook's main model: 04's averages G's weights; 05's
# main model is make_model() with the notebook's own defaults
MAIN = {"04_gan": {"ema": True}, "05_cvae_gan": {}}


class Interrupt(keras.callbacks.Callback):
    """Stops the run like Ctrl-C at the end of an epoch, after the backup was written."""

    def __init__(self, at_epoch, count_batches):
        super().__init__()
        self.at_epoch = at_epoch
        self.count_batches = count_batches
        self.weights = None

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at_epoch:
            self.weights = [w.copy() for w in self.model.get_weights()]
            self.batches = self.count_batches(self.model)
            raise KeyboardInterrupt


def _dataset(mnist, n):
    x, y = mnist.x_train[:n], data.one_hot(mnist.y_train[:n])
    return data.make_dataset(x, y, batch_size=32, seed=0, drop_remainder=True)


def _interrupted_run(notebook, mnist, backup_dir, at_epoch, epochs):
    """The notebook's model on 128 digits (4 batches per epoch), stopped after epoch
    ``at_epoch`` with a backup in ``backup_dir``; returns a factory for a fresh model, the
    data and the interrupting callback (which kept the weights at the interruption)."""
    factory, count = CASES[notebook]
    ns = notebooks.definitions(notebook, batch_size=32)
    dataset = _dataset(mnist, 128)
    keras.utils.set_random_seed(0)
    interrupt = Interrupt(at_epoch, count)
    with pytest.raises(KeyboardInterrupt):
        ns[factory](**MAIN[notebook]).fit(dataset, epochs=epochs, verbose=0,
                          callbacks=[keras.callbacks.BackupAndRestore(backup_dir), interrupt])
    keras.utils.set_random_seed(1)  # as in a fresh process: different initial weights
    return lambda: ns[factory](**MAIN[notebook]), dataset, interrupt


@pytest.mark.parametrize("notebook", sorted(CASES))
def test_an_interrupted_run_resumes_from_its_last_epoch(notebook, mnist, tmp_path):
    backup_dir = str(tmp_path / "backup")
    make, dataset, interrupt = _interrupted_run(notebook, mnist, backup_dir, at_epoch=1, epochs=3)
    assert interrupt.batches == 8  # two epochs of four batches were done
    second = make()
    assert not all(np.array_equal(a, b) for a, b in zip(second.get_weights(), interrupt.weights,
                                                        strict=True))
    history = second.fit(dataset, epochs=3, verbose=0,
                         callbacks=[keras.callbacks.BackupAndRestore(backup_dir)])
    assert len(next(iter(history.history.values()))) == 1  # only the third epoch was left
    assert CASES[notebook][1](second) == 12


@pytest.mark.parametrize("notebook", sorted(CASES))
def test_a_resumed_run_restores_the_exact_weights_and_optimizers(notebook, mnist, tmp_path):
    backup_dir = str(tmp_path / "backup")
    make, _, interrupt = _interrupted_run(notebook, mnist, backup_dir, at_epoch=0, epochs=2)
    second = make()
    restore = keras.callbacks.BackupAndRestore(backup_dir, delete_checkpoint=False)
    restore.set_model(second)
    restore.on_train_begin()
    for restored, saved in zip(second.get_weights(), interrupt.weights, strict=True):
        np.testing.assert_array_equal(restored, saved)
    assert CASES[notebook][1](second) == 4
    optimizers = getattr(second, "optimizers", None) or [second.d_optimizer, second.g_optimizer]
    assert all(int(opt.iterations.numpy()) > 0 for opt in optimizers), "optimizer state lost"


DIVERGING = {"04_gan": {"lr_d": 1e12, "lr_g": 1e12}, "05_cvae_gan": {}}
DIVERGING_PARAMETERS = {"04_gan": {}, "05_cvae_gan": {
    "learning_rate_encoder": 1e12, "learning_rate_decoder": 1e12,
    "learning_rate_discriminator": 1e12}}


@pytest.mark.parametrize("notebook", sorted(CASES))
def test_a_diverging_run_is_stopped_and_named(notebook, mnist):
    """The notebook's model with an absurd learning rate: the guard stops it at the first
    non-finite loss and names it, instead of letting it write garbage figures."""
    ns = notebooks.definitions(notebook, batch_size=32, **DIVERGING_PARAMETERS[notebook])
    dataset = _dataset(mnist, 640)
    keras.utils.set_random_seed(0)
    model = ns[CASES[notebook][0]](**DIVERGING[notebook])
    guard = training.StopOnNonFinite(verbose=False)
    history = model.fit(dataset, epochs=5, verbose=0, callbacks=[guard])
    assert guard.diverged, "a learning rate of 1e12 should have produced a NaN or inf loss"
    assert guard.diverged.loss in history.history and not np.isfinite(guard.diverged.value)
    assert f"{guard.diverged.loss} = " in str(guard.diverged) and "at step" in str(guard.diverged)
    assert len(next(iter(history.history.values()))) < 5  # stopped early
