"""Shipped weights: what train = False loads must give exactly what the training run showed."""

import keras
import numpy as np
import pytest

from genlab import weights


def small_network(units=8):
    x_in = keras.Input((4,))
    h = keras.layers.BatchNormalization()(keras.layers.Dense(units, activation="relu")(x_in))
    return keras.Model(x_in, keras.layers.Dense(2)(h))


def test_save_rounds_the_live_network_so_restore_reproduces_its_outputs(out_dir):
    keras.utils.set_random_seed(0)
    trained = small_network()
    x = np.random.default_rng(0).standard_normal((16, 4)).astype(np.float32)
    before = trained(x).numpy()
    folder = weights.save({"net": trained}, "net_run", {"loss": [2.0, 1.0]}, seconds=12.34)
    after = trained(x).numpy()  # the weights are rounded to float16 in place
    assert np.abs(after - before).max() < 1e-2 * np.abs(before).max()
    assert (folder / "net.weights.npz").is_file()
    keras.utils.set_random_seed(1)
    fresh = small_network()
    assert not np.allclose(fresh(x).numpy(), after)
    history, seconds = weights.restore({"net": fresh}, "net_run")
    np.testing.assert_array_equal(fresh(x).numpy(), after)  # bit for bit
    assert history == {"loss": [2.0, 1.0]} and seconds == 12.3
    assert weights.restore({"net": fresh}) == ({}, None)
    with pytest.raises(ValueError, match="no training run 'other'"):
        weights.restore({"net": fresh}, "other")
    # the non-trainable BatchNorm statistics travel too
    np.testing.assert_array_equal(fresh.layers[2].moving_variance.numpy(),
                                  trained.layers[2].moving_variance.numpy())


def test_restore_refuses_another_architecture_and_names_the_fix(out_dir):
    weights.save({"net": small_network(8)})
    with pytest.raises(ValueError, match="default parameters.*train = True"):
        weights.restore({"net": small_network(16)})
    with pytest.raises(FileNotFoundError, match="train = True first"):
        weights.restore({"other": small_network()})


def test_bad_arguments_are_refused(out_dir):
    with pytest.raises(ValueError, match="non-empty dict"):
        weights.save({})
    with pytest.raises(ValueError, match="must be a keras.Model"):
        weights.save({"net": "not a model"})
    with pytest.raises(ValueError, match="file stem"):
        weights.save({"../escape": small_network()})
    with pytest.raises(ValueError, match="History or a dict"):
        weights.save({"net": small_network()}, "run", history=[1, 2])


def test_the_shipped_weights_stay_small():
    assert 0 < weights.shipped_size() < 20 * 2**20
