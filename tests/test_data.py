from pathlib import Path

import numpy as np
import pytest
from conftest import write_fake_mnist

from genlab import data


def test_load_from_explicit_path_reports_subset(fake_npz):
    with pytest.warns(UserWarning, match="subset of MNIST: 120 training and 40 test"):
        (x_train, y_train), (x_test, y_test) = data.load_mnist(fake_npz)
    assert x_train.shape == (120, 28, 28) and x_train.dtype == np.uint8
    assert y_test.shape == (40,)
    assert set(np.unique(y_train)) == set(range(10))


def test_environment_variable_is_used(fake_npz, monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", str(fake_npz))
    with pytest.warns(UserWarning):
        (x_train, _), _ = data.load_mnist()
    assert len(x_train) == 120


def test_explicit_path_wins_over_environment(tmp_path, monkeypatch):
    small = write_fake_mnist(tmp_path / "a.npz", n_train=30)
    monkeypatch.setenv("MNIST_NPZ", str(tmp_path / "does_not_exist.npz"))
    with pytest.warns(UserWarning):
        (x_train, _), _ = data.load_mnist(small)
    assert len(x_train) == 30


def test_missing_file_names_the_file_and_the_fix(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv("MNIST_NPZ", str(missing))
    with pytest.raises(FileNotFoundError, match="set MNIST_NPZ=/path/to/mnist.npz") as err:
        data.load_mnist()
    assert str(missing) in str(err.value)


def test_offline_without_file_gives_one_clear_error(monkeypatch):
    import keras

    def no_network():
        raise Exception("URL fetch failure on https://example.invalid: None -- [Errno -3] "
                        "Temporary failure in name resolution\nmore lines\nof traceback")

    monkeypatch.delenv("MNIST_NPZ", raising=False)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    with pytest.raises(data.MnistUnavailableError) as err:
        data.load_mnist()
    message = str(err.value)
    assert "set MNIST_NPZ=/path/to/mnist.npz or connect to the internet" in message
    assert "name resolution" in message and "\n" not in message
    assert err.value.__suppress_context__  # no chained 40-line traceback


def test_corrupt_file(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(b"this is not a zip archive at all")
    with pytest.raises(ValueError, match="not a readable .npz") as err:
        data.load_mnist(bad)
    assert str(bad) in str(err.value)


def test_truncated_file(fake_npz):
    raw = Path(fake_npz).read_bytes()
    Path(fake_npz).write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="truncated or corrupt|damaged"):
        data.load_mnist(fake_npz)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"y_test": None}, r"missing arrays \['y_test'\]"),
        ({"x_train": np.zeros((120, 28, 27), np.uint8)}, r"shape \(N, 28, 28\)"),
        ({"x_train": np.zeros((120, 28, 28), np.float32)}, "uint8"),
        ({"y_train": np.full(120, 11, np.uint8)}, r"labels 0\.\.9"),
        ({"y_train": np.zeros(119, np.uint8)}, "to match x_train"),
        ({"y_test": np.zeros(40, np.float32)}, "integer labels"),
    ],
)
def test_wrong_content_is_named(tmp_path, override, message):
    path = write_fake_mnist(tmp_path / "wrong.npz", **override)
    with pytest.raises(ValueError, match=message) as err:
        data.load_mnist(path)
    assert str(path) in str(err.value)


def test_scale_and_one_hot():
    x = np.array([[[0] * 28] * 28, [[255] * 28] * 28], dtype=np.uint8)
    scaled = data.scale_images(x)
    assert scaled.shape == (2, 28, 28, 1) and scaled.dtype == np.float32
    assert scaled.min() == 0.0 and scaled.max() == 1.0
    onehot = data.one_hot([0, 9, 3])
    assert onehot.dtype == np.float32
    np.testing.assert_array_equal(onehot.argmax(1), [0, 9, 3])
    np.testing.assert_array_equal(onehot.sum(1), [1, 1, 1])
    with pytest.raises(ValueError, match="uint8"):
        data.scale_images(scaled)
    with pytest.raises(ValueError, match=r"0\.\.9"):
        data.one_hot([10])
    with pytest.raises(ValueError, match="must be 10"):
        data.one_hot([1], num_classes=5)


def test_prepare_mnist_subset(fake_npz):
    with pytest.warns(UserWarning):
        mnist = data.prepare_mnist(n_train=50, n_test=20, path=fake_npz)
    assert mnist.x_train.shape == (50, 28, 28, 1) and mnist.x_test.shape == (20, 28, 28, 1)
    assert mnist.y_train_onehot.shape == (50, 10)
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="n_train"):
        data.prepare_mnist(n_train=0, path=fake_npz)


def test_dataset_is_seeded_batched_and_complete():
    index = np.arange(50)
    x = np.broadcast_to((index / 49.0)[:, None, None, None], (50, 28, 28, 1)).astype(np.float32)
    y = data.one_hot(index % 10)

    def first_epoch(seed):
        return list(data.make_dataset(x, y, batch_size=16, seed=seed).as_numpy_iterator())

    a, b, c = first_epoch(1), first_epoch(1), first_epoch(2)
    assert [len(bx) for bx, _ in a] == [16, 16, 16, 2]
    order_a = np.concatenate([np.rint(bx[:, 0, 0, 0] * 49) for bx, _ in a]).astype(int)
    order_b = np.concatenate([np.rint(bx[:, 0, 0, 0] * 49) for bx, _ in b]).astype(int)
    order_c = np.concatenate([np.rint(bx[:, 0, 0, 0] * 49) for bx, _ in c]).astype(int)
    np.testing.assert_array_equal(order_a, order_b)  # same seed, same order
    assert not np.array_equal(order_a, order_c)  # another seed, another order
    assert not np.array_equal(order_a, index)  # really shuffled
    assert sorted(order_a.tolist()) == index.tolist()  # every digit exactly once
    labels = np.concatenate([by.argmax(1) for _, by in a])
    np.testing.assert_array_equal(labels, order_a % 10)  # labels travel with their images


def test_dataset_rejects_mismatch():
    x = np.zeros((4, 28, 28, 1), np.float32)
    with pytest.raises(ValueError, match="4 digits but y has 3"):
        data.make_dataset(x, data.one_hot([0, 1, 2]))
    with pytest.raises(ValueError, match="batch_size"):
        data.make_dataset(x, batch_size=0)
    with pytest.raises(ValueError, match="one-hot"):
        data.make_dataset(x, np.zeros((4, 3), np.float32))
    with pytest.raises(ValueError, match=r"class ids \(N,\) or one-hot"):
        data.make_dataset(x, np.int64(3))
    with pytest.raises(ValueError, match="not one-hot"):
        data.make_dataset(x, np.full((4, 10), 0.1, np.float32))


def test_dataset_keeps_integer_one_hot_as_one_hot():
    x = np.zeros((4, 28, 28, 1), np.float32)
    y = np.eye(10, dtype=np.int64)[[1, 2, 3, 4]]
    (bx, by), = data.make_dataset(x, y, batch_size=4, shuffle=False).as_numpy_iterator()
    assert by.shape == (4, 10) and by.dtype == np.float32
    np.testing.assert_array_equal(by.argmax(1), [1, 2, 3, 4])
    (_, ids), = data.make_dataset(x, np.array([1, 2, 3, 4]), batch_size=4,
                                  shuffle=False).as_numpy_iterator()
    assert ids.tolist() == [1, 2, 3, 4]


def test_real_mnist_is_complete(mnist):
    assert mnist.x_train.shape == (60_000, 28, 28, 1)
    assert mnist.x_test.shape == (10_000, 28, 28, 1)
    assert np.bincount(mnist.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028,
                                                  974, 1009]
    assert 0.12 < mnist.x_train.mean() < 0.14


def test_validation_split_holds_out_the_last_training_digits_and_keeps_the_test_digits_out(
        mnist):
    held = data.validation_split(mnist)
    assert len(held.x_train) == 50_000 and len(held.x_test) == data.VALIDATION_SIZE
    np.testing.assert_array_equal(held.x_test, mnist.x_train[50_000:])
    np.testing.assert_array_equal(held.y_train, mnist.y_train[:50_000])
    assert not any(np.array_equal(held.x_test[0], t) for t in mnist.x_test[:1000])
    small = data.validation_split(mnist, 100)
    assert len(small.x_train) == 59_900 and len(small.y_test) == 100
