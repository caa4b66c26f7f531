"""FLOPs counted from layer shapes, and this machine's matrix-product ceiling.

Both feed the benchmarks: a model's achieved GFLOP/s means little without the rate the
same TensorFlow build reaches on a large float32 matrix product on the same machine.
Counts are multiply-adds times two for the layers that dominate (Dense, Conv2D,
Conv2DTranspose), per single example, forward pass only; element-wise layers are
ignored (they are a few percent at most in these models).
"""

from __future__ import annotations

import time

import numpy as np

from genlab import validate


def _layer_flops(layer) -> int:
    import keras

    if isinstance(layer, keras.Model):
        return model_flops(layer)
    if isinstance(layer, keras.layers.Dense):
        in_features = int(layer.input.shape[-1])
        positions = int(np.prod(layer.input.shape[1:-1])) if len(layer.input.shape) > 2 else 1
        return 2 * in_features * int(layer.units) * positions
    if isinstance(layer, keras.layers.Conv2DTranspose):
        _, h, w, c_in = layer.input.shape
        kh, kw = layer.kernel_size
        return 2 * int(h) * int(w) * int(c_in) * kh * kw * int(layer.filters)
    if isinstance(layer, keras.layers.Conv2D):
        c_in = int(layer.input.shape[-1])
        _, h_out, w_out, c_out = layer.output.shape
        kh, kw = layer.kernel_size
        return 2 * int(h_out) * int(w_out) * int(c_out) * kh * kw * c_in // int(layer.groups)
    return 0


def model_flops(model) -> int:
    """Forward FLOPs for one example of a built functional or Sequential model."""
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model_flops expects a keras.Model, got {type(model).__name__}")
    if not model.built:
        raise ValueError("the model is not built: call it once or give it an Input first")
    return sum(_layer_flops(layer) for layer in model.layers)


def matmul_gflops(size: int = 2048, repeats: int = 10) -> float:
    """Measured float32 matrix-product rate of TensorFlow on this machine (GFLOP/s)."""
    import tensorflow as tf

    size = validate.positive_int(size, "size")
    repeats = validate.positive_int(repeats, "repeats")
    a = tf.random.normal((size, size), seed=1)
    b = tf.random.normal((size, size), seed=2)
    for _ in range(3):  # warm-up: thread pools, memory
        tf.linalg.matmul(a, b).numpy()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeats):
            c = tf.linalg.matmul(a, b)
        c.numpy()
        best = min(best, time.perf_counter() - start)
    return 2.0 * size**3 * repeats / best / 1e9
