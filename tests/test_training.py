import keras
import numpy as np

from genlab import training


def test_a_diverging_run_is_stopped_and_named():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(learning_rate=1e6), "mse")  # far too large: diverges
    guard = training.StopOnNonFinite(verbose=False)
    x = np.random.default_rng(0).normal(size=(512, 4)).astype(np.float32)
    history = model.fit(x, x.sum(1, keepdims=True) * 10, batch_size=8, epochs=20, verbose=0,
                        callbacks=[guard])
    assert guard.diverged is not None
    assert guard.diverged.loss == "loss" and not np.isfinite(guard.diverged.value)
    assert 1 <= guard.diverged.step < 64  # stopped within the first epoch, not after 20
    assert len(history.history["loss"]) == 1
    assert "diverged: loss = " in str(guard.diverged) and f"step {guard.diverged.step}" in str(
        guard.diverged)


def test_a_healthy_run_is_not_stopped():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(learning_rate=0.01), "mse")
    guard = training.StopOnNonFinite(verbose=False)
    model.fit(np.ones((16, 2)), np.ones((16, 1)), epochs=3, verbose=0, callbacks=[guard])
    assert guard.diverged is None and guard.step == 3 * 1


def test_batch_logger_recovers_each_batch_loss_from_the_running_means():
    import tensorflow as tf

    class Echo(keras.Model):
        """A model whose 'loss' for a batch is the batch's first input value."""

        def __init__(self):
            super().__init__()
            self.tracker = keras.metrics.Mean(name="value")
            self.dense = keras.layers.Dense(1)

        def train_step(self, batch):
            self.tracker.update_state(tf.reduce_mean(batch[:, 0]))
            return {"value": self.tracker.result()}

    values = np.arange(12, dtype=np.float32)[:, None] * np.ones((1, 2), np.float32)
    model = Echo()
    model.compile()
    logger = training.BatchLogger()
    model.fit(values, epochs=2, batch_size=3, shuffle=False, verbose=0, callbacks=[logger])
    expected = [1.0, 4.0, 7.0, 10.0]  # the mean of each batch of three, every epoch
    np.testing.assert_allclose(logger.values["value"], expected * 2, rtol=1e-5)
