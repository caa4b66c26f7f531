"""MNIST: loading (local file first, then Keras), checking, scaling and batching.

``load_mnist`` looks for the data in this order:

1. the ``path`` argument,
2. the ``MNIST_NPZ`` environment variable (use an absolute path: notebooks run from
   their own folder),
3. ``keras.datasets.mnist.load_data()``, which downloads once into ``~/.keras/datasets``.

Whatever it loads is checked (keys, shapes, dtypes, labels in 0..9) before use, so a
corrupt or wrong file fails with one message that names the file and the problem.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genlab import validate

FULL_SIZES = {"train": 60_000, "test": 10_000}
KEYS = ("x_train", "y_train", "x_test", "y_test")
OFFLINE_HINT = "set MNIST_NPZ=/path/to/mnist.npz or connect to the internet"


class MnistUnavailableError(RuntimeError):
    """MNIST could be neither read from a local file nor downloaded."""


Split = tuple[np.ndarray, np.ndarray]


def _check_split(x: np.ndarray, y: np.ndarray, split: str, source: str) -> None:
    if x.dtype != np.uint8:
        raise ValueError(f"{source}: x_{split} must be uint8 pixels 0..255, got {x.dtype}")
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise ValueError(f"{source}: x_{split} must have shape (N, 28, 28), got {x.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"{source}: x_{split} is empty")
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise ValueError(
            f"{source}: y_{split} must have shape ({x.shape[0]},) to match x_{split}, "
            f"got {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{source}: y_{split} must hold integer labels, got {y.dtype}")
    if y.min() < 0 or y.max() > 9:
        raise ValueError(
            f"{source}: y_{split} must hold labels 0..9, found {y.min()}..{y.max()}"
        )


def _read_npz(path: Path) -> tuple[Split, Split]:
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST file {path} does not exist; {OFFLINE_HINT} "
            "(an absolute path: notebooks run from their own folder)"
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path}: not a readable .npz file (no zip archive inside); it is truncated or "
            "corrupt, replace it with a good copy"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            files = list(npz.files)
            missing = [key for key in KEYS if key not in files]
            arrays = {} if missing else {key: npz[key] for key in KEYS}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        raise ValueError(
            f"{path}: not a readable .npz file ({type(err).__name__}: {err}); "
            "it is truncated or corrupt, replace it with a good copy"
        ) from None
    if missing:
        raise ValueError(
            f"{path}: missing arrays {missing}; expected the keras layout {list(KEYS)}, "
            f"found {files}"
        )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _download() -> tuple[Split, Split]:
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as err:  # the download raises many types; all mean the same here
        reason = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        raise MnistUnavailableError(
            f"MNIST is not available: the download failed ({reason}); {OFFLINE_HINT}"
        ) from None


def load_mnist(path: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """``(x_train, y_train), (x_test, y_test)`` as uint8 arrays, checked.

    Returns the full 60,000 / 10,000 digits; a file holding fewer is accepted with a
    warning that names the sizes, so a subset is never mistaken for the real thing.
    """
    if path is None and os.environ.get("MNIST_NPZ"):
        path = os.environ["MNIST_NPZ"]
    if path is not None:
        source = Path(path).expanduser()
        (x_train, y_train), (x_test, y_test) = _read_npz(source)
        source_name = str(source)
    else:
        (x_train, y_train), (x_test, y_test) = _download()
        source_name = "keras.datasets.mnist"
    _check_split(x_train, y_train, "train", source_name)
    _check_split(x_test, y_test, "test", source_name)
    sizes = {"train": len(x_train), "test": len(x_test)}
    if sizes != FULL_SIZES:
        warnings.warn(
            f"{source_name} holds a subset of MNIST: {sizes['train']} training and "
            f"{sizes['test']} test digits (the full set has 60,000 and 10,000)",
            stacklevel=2,
        )
    return (x_train, y_train), (x_test, y_test)


def scale_images(x) -> np.ndarray:
    """uint8 pixels 0..255 (N, 28, 28[, 1]) to float32 (N, 28, 28, 1) in [0, 1]."""
    array = validate.to_numpy(x, "x")
    if array.dtype != np.uint8:
        raise ValueError(
            f"scale_images expects uint8 pixels 0..255, got {array.dtype}; "
            "float images are already scaled, check them with genlab.validate.images"
        )
    return validate.images(array.astype(np.float32) / 255.0, "x")


def one_hot(y, num_classes: int = 10) -> np.ndarray:
    """Labels 0..9 to float32 one-hot rows (N, 10)."""
    if num_classes != validate.NUM_CLASSES:
        raise ValueError(f"MNIST has 10 classes; num_classes must be 10, got {num_classes}")
    ids = validate.labels(y, "y")
    return np.eye(num_classes, dtype=np.float32)[ids]


@dataclass(frozen=True)
class Mnist:
    """Scaled MNIST: images float32 (N, 28, 28, 1) in [0, 1], labels int64 0..9."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def y_train_onehot(self) -> np.ndarray:
        return one_hot(self.y_train)

    @property
    def y_test_onehot(self) -> np.ndarray:
        return one_hot(self.y_test)


def prepare_mnist(
    n_train: int | None = None, n_test: int | None = None, path: str | os.PathLike | None = None
) -> Mnist:
    """Load, check and scale MNIST; optionally keep the first ``n_train`` / ``n_test`` digits.

    Quick mode uses the subset arguments; the test set keeps its original order, so the
    "first ten test digits" are the same ones in every notebook.
    """
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    if n_train is not None:
        x_train, y_train = x_train[: validate.positive_int(n_train, "n_train")], y_train[:n_train]
    if n_test is not None:
        x_test, y_test = x_test[: validate.positive_int(n_test, "n_test")], y_test[:n_test]
    return Mnist(
        x_train=scale_images(x_train),
        y_train=y_train.astype(np.int64),
        x_test=scale_images(x_test),
        y_test=y_test.astype(np.int64),
    )


def make_dataset(x, y=None, batch_size: int = 128, shuffle: bool = True, seed: int = 0,
                 drop_remainder: bool = False):
    """A ``tf.data`` pipeline: cached in memory, shuffled with a seed, batched, prefetched.

    Yields ``x`` batches, or ``(x, y)`` when ``y`` is given (pass one-hot labels for a
    conditional model). The seed fixes the order of every epoch, so reruns match.
    """
    import tensorflow as tf

    x = validate.images(x, "x")
    batch_size = validate.positive_int(batch_size, "batch_size")
    seed = validate.non_negative_int(seed, "seed")
    if y is not None:
        y = validate.to_numpy(y, "y")
        if y.ndim not in (1, 2):
            raise ValueError(f"y must be class ids (N,) or one-hot (N, 10), got shape {y.shape}")
        if y.shape[0] != x.shape[0]:
            raise ValueError(f"x has {x.shape[0]} digits but y has {y.shape[0]} labels")
        if y.ndim == 1:
            y = validate.labels(y, "y")  # class ids, e.g. for a classifier
        else:
            if y.shape[1] != validate.NUM_CLASSES:
                raise ValueError(f"one-hot y must have 10 columns, got shape {y.shape}")
            validate.labels(y, "y")  # checks the rows are one-hot
            y = y.astype(np.float32)  # one-hot stays one-hot, whatever its dtype
        dataset = tf.data.Dataset.from_tensor_slices((x, y))
    else:
        dataset = tf.data.Dataset.from_tensor_slices(x)
    dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


VALIDATION_SIZE = 10_000  # training digits held out to monitor and to choose settings


def validation_split(mnist: Mnist, n_validation: int = VALIDATION_SIZE) -> Mnist:
    """The training digits split in two: the first ones to fit, the last ``n_validation``
    in the test slots, to monitor training and choose settings without the test digits.

    Every notebook and study holds out the same digits (the last 10,000 of the 60,000),
    so a setting chosen on them is never scored on them again. The real test digits are
    not in the result: score the chosen model on ``mnist`` itself.
    """
    n = len(mnist.x_train)
    n_validation = validate.positive_int(n_validation, "n_validation")
    if n_validation >= n:
        raise ValueError(f"cannot hold out {n_validation} of {n} training digits: choose "
                         f"n_validation below {n}, or load more training digits")
    cut = n - n_validation
    return Mnist(x_train=mnist.x_train[:cut], y_train=mnist.y_train[:cut],
                 x_test=mnist.x_train[cut:], y_test=mnist.y_train[cut:])
