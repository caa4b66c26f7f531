import keras
import numpy as np
import pytest

from genlab import layers, models


def tiny_conditional_model(seed=3):
    x_in = keras.Input((28, 28, 1), name="x")
    y_in = keras.Input((10,), name="y_onehot")
    h = keras.layers.Conv2D(4, 3, strides=2, padding="same")(x_in)
    h = layers.LabelBroadcast()([h, y_in])
    h = keras.layers.Flatten()(h)
    z_mean = keras.layers.Dense(2)(h)
    z_log_var = keras.layers.Dense(2)(h)
    z = layers.Sampling(seed=seed)([z_mean, z_log_var])
    return keras.Model([x_in, y_in], [z_mean, z_log_var, z])


def inputs(n=5):
    rng = np.random.default_rng(0)
    x = rng.random((n, 28, 28, 1)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[np.arange(n) % 10]
    return x, y


def test_label_broadcast_appends_the_label_at_every_pixel():
    features = np.zeros((2, 3, 4, 5), np.float32)
    labels = np.eye(10, dtype=np.float32)[[2, 9]]
    out = keras.ops.convert_to_numpy(layers.LabelBroadcast()([features, labels]))
    assert out.shape == (2, 3, 4, 15)
    np.testing.assert_array_equal(out[:, :, :, :5], 0)
    for i, label in enumerate([2, 9]):
        assert np.all(out[i, :, :, 5 + label] == 1) and out[i, :, :, 5:].sum() == 12


def test_sampling_has_the_requested_mean_and_spread():
    z_mean = np.full((20_000, 2), [1.0, -2.0], np.float32)
    z_log_var = np.full((20_000, 2), np.log([0.25, 4.0]), np.float32)
    z = keras.ops.convert_to_numpy(layers.Sampling(seed=1)([z_mean, z_log_var]))
    np.testing.assert_allclose(z.mean(0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(z.std(0), [0.5, 2.0], rtol=0.03)


def test_sampling_is_repeatable_for_a_seed():
    z_mean, z_log_var = np.zeros((4, 3), np.float32), np.zeros((4, 3), np.float32)
    a = keras.ops.convert_to_numpy(layers.Sampling(seed=7)([z_mean, z_log_var]))
    b = keras.ops.convert_to_numpy(layers.Sampling(seed=7)([z_mean, z_log_var]))
    c = keras.ops.convert_to_numpy(layers.Sampling(seed=8)([z_mean, z_log_var]))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_sampling_runs_under_bfloat16_mixed_precision():
    """The benchmark's bf16 variant: bfloat16 codes must get bfloat16 noise, not float32."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = tiny_conditional_model()
        z_mean, _, z = model(list(inputs()))
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert z.dtype == z_mean.dtype == "bfloat16"
    z = keras.ops.convert_to_numpy(keras.ops.cast(z, "float32"))
    assert np.all(np.isfinite(z)) and z.std() > 0


def test_saved_model_with_custom_layers_round_trips(tmp_path):
    model = tiny_conditional_model()
    x, y = inputs()
    path = models.save_model(model, tmp_path / "encoder.keras")
    before = models.call_model(model, [x, y])  # seed state as saved
    loaded = keras.saving.load_model(path)  # no custom_objects, safe_mode on
    after = models.call_model(loaded, [x, y])
    assert isinstance(loaded.layers[-1], layers.Sampling)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not list(tmp_path.glob(".tmp-*"))


def test_save_model_checks_its_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        models.save_model(tiny_conditional_model(), tmp_path / "encoder.h5")
    with pytest.raises(ValueError, match="keras.Model"):
        models.save_model("model", tmp_path / "x.keras")
    with pytest.raises(FileNotFoundError, match="run the notebook"):
        models.load_model(tmp_path / "02_vae" / "decoder.keras")


def test_load_model_reads_what_save_model_wrote(tmp_path):
    model = tiny_conditional_model()
    models.save_model(model, tmp_path / "m.keras")
    loaded = models.load_model(tmp_path / "m.keras")
    assert len(loaded.weights) == len(model.weights)
    for saved, original in zip(loaded.weights, model.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(saved), np.asarray(original))


def test_call_in_batches_matches_one_call_for_single_and_multiple_inputs_and_outputs():
    model = tiny_conditional_model()
    encoder = keras.Model(model.inputs, model.outputs[:2])  # deterministic part
    x, y = inputs(7)
    whole = models.call_model(encoder, [x, y])
    parts = models.call_in_batches(encoder, [x, y], batch_size=3)  # 3 + 3 + 1 rows
    for a, b in zip(whole, parts, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    calls = []

    def double(batch):
        calls.append(len(batch))
        return batch * 2

    out = models.call_in_batches(double, np.arange(5.0), batch_size=2)
    np.testing.assert_array_equal(out, np.arange(5.0) * 2)
    assert calls == [2, 2, 1]
    with pytest.raises(ValueError, match="aligned"):
        models.call_in_batches(double, [np.zeros(3), np.zeros(2)])
    with pytest.raises(ValueError, match="batch_size"):
        models.call_in_batches(double, np.zeros(3), batch_size=0)
