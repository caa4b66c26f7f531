"""The series' MNIST judge: a small CNN whose verdicts and features score every model.

    python -m genlab.classifier          # trains it (fixed seed) and writes assets/

ImageNet Inception weights cannot be downloaded on every machine, and a digit classifier
is the better judge of digits anyway, so the project trains its own. Its penultimate
layer (``features``, 128 units) is the feature space of the Fréchet distance; its
softmax decides which digit a generated image shows.

Its weights ship inside the package (``genlab/judge/mnist_judge.weights.h5``, package
data found through ``importlib.resources``), so an editable install, ``pip install .``
and an install from git all find them; its measured test accuracy and the command that
made it are in ``genlab/judge/mnist_judge.json``. Loading builds the network with
:func:`build_classifier` and then reads the weights only: a full ``.keras`` file also
holds the saving Keras's layer configs, which older Keras 3 releases (as on Colab)
cannot always read.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path

from genlab import io

WEIGHTS_FILE = "mnist_judge.weights.h5"
REPORT_FILE = "mnist_judge.json"
FEATURE_LAYER = "features"
SEED = 1234
EPOCHS = 12
BATCH_SIZE = 128
TARGET_ACCURACY = 0.993


def judge_dir() -> Path:
    """The package folder that holds the judge's weights and report."""
    return Path(str(resources.files("genlab") / "judge"))


def build_classifier():
    """Conv 32 → pool → Conv 64 → pool → Conv 128 → pool → Dense 128 (features) → softmax 10."""
    import keras
    from keras import layers

    def conv_block(x, filters):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        return layers.ReLU()(x)

    inputs = keras.Input((28, 28, 1), name="image")
    x = conv_block(inputs, 32)
    x = layers.MaxPooling2D()(x)
    x = conv_block(x, 64)
    x = layers.MaxPooling2D()(x)
    x = conv_block(x, 128)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.2)(x)
    features = layers.Dense(128, activation="relu", name=FEATURE_LAYER)(x)
    x = layers.Dropout(0.2)(features)
    outputs = layers.Dense(10, activation="softmax", name="digit")(x)
    return keras.Model(inputs, outputs, name="mnist_judge")


def augment(seed: int):
    """Small random shifts, rotations and zooms: digits as people write them."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            layers.RandomRotation(8 / 360, fill_mode="constant", seed=seed),
            layers.RandomTranslation(0.08, 0.08, fill_mode="constant", seed=seed + 1),
            layers.RandomZoom(0.08, fill_mode="constant", seed=seed + 2),
        ],
        name="augment",
    )


def train(epochs: int = EPOCHS, seed: int = SEED, out_dir: Path | None = None,
          n_train: int | None = None, verbose: int = 2) -> dict:
    """Train on the 60,000 training digits and save the model and its report."""
    import keras
    import tensorflow as tf

    from genlab import data, setup

    setup.seed_everything(seed)
    mnist = data.prepare_mnist(n_train=n_train)
    augmenter = augment(seed)
    train_ds = (
        tf.data.Dataset.from_tensor_slices((mnist.x_train, mnist.y_train))
        .shuffle(len(mnist.x_train), seed=seed)
        .batch(BATCH_SIZE)
        .map(lambda x, y: (augmenter(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
    model = build_classifier()
    steps = epochs * len(train_ds)
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=steps, alpha=0.01)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(train_ds, epochs=epochs, verbose=verbose)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(mnist.x_test, mnist.y_test, batch_size=1000, verbose=0)
    out = Path(out_dir) if out_dir else judge_dir()
    with io.atomic_path(out / WEIGHTS_FILE) as tmp:
        model.save_weights(tmp)  # weights only: no optimizer state, no layer configs
    report = {
        "command": "python -m genlab.classifier",
        "seed": seed,
        "epochs": epochs,
        "train_digits": int(len(mnist.x_train)),
        "test_accuracy": round(float(accuracy), 4),
        "train_seconds": round(seconds, 1),
        "device": setup.device_name(),
        "tensorflow": tf.__version__,
    }
    io.save_json(report, out / REPORT_FILE)
    return report


@lru_cache(maxsize=4)
def load(path: str | None = None):
    """The judge that ships with the package, built and given its weights once per process.

    ``path`` (a ``.weights.h5`` or ``.keras`` file) loads other weights into the same
    architecture.
    """
    target = Path(path) if path else judge_dir() / WEIGHTS_FILE
    if not target.is_file():
        raise FileNotFoundError(
            f"{target} is missing: reinstall genlab (the judge ships inside the package) or "
            "train it with `python -m genlab.classifier` (about 8 minutes on 2 CPU cores)"
        )
    model = build_classifier()
    model.load_weights(target)
    return model


@lru_cache(maxsize=4)
def load_with_features(path: str | None = None):
    """A model returning ``[features (N, 128), probabilities (N, 10)]`` in one pass."""
    import keras

    model = load(path)
    return keras.Model(model.input, [model.get_layer(FEATURE_LAYER).output, model.output])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Train the MNIST judge classifier.")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    report = train(epochs=args.epochs, seed=args.seed)
    print(f"test accuracy {report['test_accuracy']:.4f} in {report['train_seconds']:.0f} s "
          f"-> {judge_dir() / WEIGHTS_FILE}")
    if report["test_accuracy"] < TARGET_ACCURACY:
        print(f"below the target accuracy {TARGET_ACCURACY}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
