"""How long does drawing the ten per-label manifolds take? Batched call vs per-cell loop.

    python benchmarks/manifold_decode.py            # writes benchmarks/manifold_decode.json

The decoder has the size of the one in the seed article (latent 8 + one-hot label ->
Dense 7*7*128 -> up 14x14 -> Conv 64 5x5 -> Conv 32 3x3 -> up 28x28 -> Conv 1 5x5). Its
FLOPs are counted from the layer shapes; this machine's float32 matrix-product rate is
measured in the same run, and the batched decode's achieved rate is compared to it.
The per-cell loop (one ``predict`` per grid cell, as in the keras.io example and the
seed article) is timed on a sample of cells and scaled to 2,250 (it is too slow to run
whole on every benchmark run); the JSON says how many cells were timed.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np

import genlab  # noqa: F401  (quiet TensorFlow logs)
from genlab import flops, manifold

LATENT_DIM = 8
LABELS = list(range(10))
REPEATS = 7
LOOP_CELLS = 60
OUT = Path(__file__).with_suffix(".json")


def seed_size_decoder():
    import keras
    from keras import layers

    z = keras.Input((LATENT_DIM,), name="z")
    y = keras.Input((10,), name="y_onehot")
    x = layers.Concatenate()([z, y])
    x = layers.LeakyReLU()(layers.Dense(7 * 7 * 128)(x))
    x = layers.UpSampling2D()(layers.Reshape((7, 7, 128))(x))
    x = layers.LeakyReLU()(layers.Conv2D(64, 5, padding="same")(x))
    x = layers.Conv2D(32, 3, padding="same")(x)
    x = layers.LeakyReLU()(layers.UpSampling2D()(x))
    out = layers.Conv2D(1, 5, padding="same", activation="sigmoid")(x)
    return keras.Model([z, y], out, name="seed_size_decoder")


def time_batched(decoder, repeats: int = REPEATS, labels=LABELS,
                 n: int = manifold.DEFAULT_N) -> list[float]:
    manifold.decode_manifold(decoder, LATENT_DIM, labels=labels, n=n)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        images = manifold.decode_manifold(decoder, LATENT_DIM, labels=labels, n=n)
        times.append(time.perf_counter() - start)
    assert images.shape == (len(labels), n * 28, n * 28)
    return times


def time_per_cell_loop(decoder, cells: int = LOOP_CELLS) -> float:
    """Seconds per cell of the per-cell ``predict`` loop, over ``cells`` cells."""
    codes = manifold.grid_codes(LATENT_DIM)
    label = np.eye(10, dtype=np.float32)[[7]]
    decoder.predict([codes[:1], label], verbose=0)  # warm-up
    start = time.perf_counter()
    for i in range(cells):
        decoder.predict([codes[i : i + 1], label], verbose=0)
    return (time.perf_counter() - start) / cells


def main(repeats: int = REPEATS, loop_cells: int = LOOP_CELLS, labels=LABELS,
         n: int = manifold.DEFAULT_N, matmul_size: int = 2048, write: bool = True) -> dict:
    """The benchmark as recorded; smaller arguments (and ``write=False``) are for the tests."""
    import tensorflow as tf

    decoder = seed_size_decoder()
    digits = len(labels) * n * n
    flops_per_digit = flops.model_flops(decoder)
    ceiling = flops.matmul_gflops(size=matmul_size)
    batched = time_batched(decoder, repeats, labels, n)
    median = statistics.median(batched)
    achieved = flops_per_digit * digits / median / 1e9
    per_cell = time_per_cell_loop(decoder, loop_cells)
    result = {
        "command": "python benchmarks/manifold_decode.py",
        "machine": {"cpu": platform.processor() or platform.machine(),
                    "device": "GPU" if tf.config.list_physical_devices("GPU") else "CPU",
                    "tensorflow": tf.__version__},
        "digits": digits,
        "decoder_mflops_per_digit": round(flops_per_digit / 1e6, 2),
        "matmul_ceiling_gflops": round(ceiling, 1),
        "batched_seconds_median": round(median, 3),
        "batched_seconds_runs": [round(t, 3) for t in batched],
        "batched_gflops": round(achieved, 1),
        "batched_fraction_of_ceiling": round(achieved / ceiling, 3),
        "per_cell_loop_cells_timed": loop_cells,
        "per_cell_loop_seconds_per_cell": round(per_cell, 4),
        "per_cell_loop_seconds_for_all_digits": round(per_cell * digits, 1),
        "speedup_batched_vs_loop": round(per_cell * digits / median, 1),
    }
    if write:
        OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
