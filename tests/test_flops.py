import keras
import pytest

from genlab import flops


def test_dense_and_conv_flops_from_shapes():
    x = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(8, 3, strides=2, padding="same")(x)  # 14x14x8 out, 3x3x1 in
    h = keras.layers.Conv2DTranspose(4, 5, strides=2, padding="same")(h)  # 14x14x8 in
    h = keras.layers.Flatten()(h)
    out = keras.layers.Dense(10)(h)
    model = keras.Model(x, out)
    conv = 2 * 14 * 14 * 8 * 3 * 3 * 1
    deconv = 2 * 14 * 14 * 8 * 5 * 5 * 4
    dense = 2 * (28 * 28 * 4) * 10
    assert flops.model_flops(model) == conv + deconv + dense


def test_nested_models_are_counted():
    inner = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    x = keras.Input((6,))
    outer = keras.Model(x, keras.layers.Dense(2)(inner(x)))
    assert flops.model_flops(outer) == 2 * 6 * 3 + 2 * 3 * 2


def test_model_flops_rejects_non_models():
    with pytest.raises(ValueError, match="keras.Model"):
        flops.model_flops("model")


def test_matmul_rate_counts_two_n_cubed_flops_per_product(monkeypatch):
    """With a clock that advances exactly one second per timed block, the rate is the FLOP
    count itself: 2 n^3 per product, times the repeats (no wall-clock in the test)."""
    ticks = iter(range(100))
    monkeypatch.setattr(flops.time, "perf_counter", lambda: float(next(ticks)))
    assert flops.matmul_gflops(size=64, repeats=5) == pytest.approx(2 * 64**3 * 5 / 1e9)
    with pytest.raises(ValueError, match="size"):
        flops.matmul_gflops(size=0)
