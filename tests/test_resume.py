"""Long runs can resume: an interrupted fit of the notebooks' GAN continues from its last
finished epoch, with the networks and both optimizers as they were (issue 10)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from genlab import data, notebooks


class Interrupt(keras.callbacks.Callback):
    """Stops the run like Ctrl-C at the end of an epoch, after the backup was written."""

    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch
        self.weights = None

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at_epoch:
            self.weights = [w.copy() for w in self.model.get_weights()]
            self.iterations = int(self.model.d_optimizer.iterations.numpy())
            raise KeyboardInterrupt


def _interrupted_run(mnist, backup_dir, at_epoch, epochs):
    """The 04 GAN on 128 digits (4 batches per epoch), stopped after epoch ``at_epoch``
    with a backup in ``backup_dir``; returns the notebook's namespace, the data and the
    interrupting callback (which kept the weights at the moment of the interruption)."""
    ns = notebooks.definitions("04_gan", batch_size=32)
    x, y = mnist.x_train[:128], data.one_hot(mnist.y_train[:128])
    dataset = data.make_dataset(x, y, batch_size=32, seed=0, drop_remainder=True)
    keras.utils.set_random_seed(0)
    interrupt = Interrupt(at_epoch=at_epoch)
    with pytest.raises(KeyboardInterrupt):
        ns["make_gan"]().fit(dataset, epochs=epochs, verbose=0,
                             callbacks=[keras.callbacks.BackupAndRestore(backup_dir), interrupt])
    keras.utils.set_random_seed(1)  # as in a fresh process: different initial weights
    return ns, dataset, interrupt


def test_an_interrupted_gan_resumes_from_its_last_epoch(mnist, tmp_path):
    backup_dir = str(tmp_path / "backup")
    ns, dataset, interrupt = _interrupted_run(mnist, backup_dir, at_epoch=1, epochs=3)
    assert interrupt.iterations == 8  # two epochs of four batches were done
    second = ns["make_gan"]()
    assert not all(np.array_equal(a, b) for a, b in zip(second.get_weights(), interrupt.weights,
                                                        strict=True))
    history = second.fit(dataset, epochs=3, verbose=0,
                         callbacks=[keras.callbacks.BackupAndRestore(backup_dir)])
    assert len(history.history["d_loss"]) == 1  # only the third epoch was left to run
    assert int(second.d_optimizer.iterations.numpy()) == 12
    assert int(second.g_optimizer.iterations.numpy()) == 12


def test_a_resumed_run_restores_the_exact_weights(mnist, tmp_path):
    backup_dir = str(tmp_path / "backup")
    ns, _, interrupt = _interrupted_run(mnist, backup_dir, at_epoch=0, epochs=2)
    second = ns["make_gan"]()
    restore = keras.callbacks.BackupAndRestore(backup_dir, delete_checkpoint=False)
    restore.set_model(second)
    restore.on_train_begin()
    for restored, saved in zip(second.get_weights(), interrupt.weights, strict=True):
        np.testing.assert_array_equal(restored, saved)
    assert int(second.d_optimizer.iterations.numpy()) == 4


def test_a_diverging_gan_is_stopped_and_named(mnist):
    """The notebook's GAN with an absurd learning rate: the guard stops it at the first
    non-finite loss and names it, instead of letting it write garbage figures."""
    from genlab import training

    ns = notebooks.definitions("04_gan", batch_size=32)
    x, y = mnist.x_train[:640], data.one_hot(mnist.y_train[:640])
    dataset = data.make_dataset(x, y, batch_size=32, seed=0, drop_remainder=True)
    keras.utils.set_random_seed(0)
    gan = ns["make_gan"](lr_d=1e12, lr_g=1e12)
    guard = training.StopOnNonFinite(verbose=False)
    history = gan.fit(dataset, epochs=5, verbose=0, callbacks=[guard])
    assert guard.diverged, "a learning rate of 1e12 should have produced a NaN or inf loss"
    assert "loss" in str(guard.diverged) and "step" in str(guard.diverged)
    assert len(history.history["d_loss"]) < 5  # stopped early
