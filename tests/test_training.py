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
