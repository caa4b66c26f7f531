import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from genlab import validate


def test_images_expands_channel_and_casts():
    out = validate.images(np.full((3, 28, 28), 0.5, dtype=np.float64))
    assert out.shape == (3, 28, 28, 1)
    assert out.dtype == np.float32
    assert np.all(out == 0.5)



def test_images_accepts_the_bfloat16_output_of_a_mixed_precision_model():
    import ml_dtypes

    digits = np.array([0.0, 0.25, 0.5, 1.0], ml_dtypes.bfloat16).repeat(196).reshape(1, 28, 28)
    out = validate.images(digits)
    assert out.dtype == np.float32 and out.shape == (1, 28, 28, 1)
    assert sorted(np.unique(out)) == [0.0, 0.25, 0.5, 1.0]

@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.zeros((2, 28, 28, 3), np.float32), r"shape \(N, 28, 28, 1\)"),
        (np.zeros((28, 28), np.float32), r"shape \(N, 28, 28, 1\)"),
        (np.zeros((0, 28, 28), np.float32), "empty"),
        (np.zeros((2, 28, 28), np.uint8), "divides by 255"),
        (np.full((2, 28, 28), np.nan, np.float32), "NaN"),
        (np.full((2, 28, 28), np.inf, np.float32), "NaN or infinite"),
        (np.linspace(-1, 1, 2 * 784).reshape(2, 28, 28), r"\(x \+ 1\) / 2"),
        (np.full((2, 28, 28), 255.0), "divide by 255"),
        (np.full((2, 28, 28), -3.0), r"\[0, 1\]"),
    ],
)
def test_images_rejects_bad_input_with_a_useful_message(array, message):
    with pytest.raises(ValueError, match=message):
        validate.images(array)


def test_labels_accepts_ids_and_onehot():
    ids = np.array([0, 3, 9])
    assert validate.labels(ids).tolist() == [0, 3, 9]
    assert validate.labels(np.eye(10)[ids]).tolist() == [0, 3, 9]
    assert validate.labels([1.0, 2.0]).tolist() == [1, 2]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([0, 10], r"0\.\.9"),
        ([-1], r"0\.\.9"),
        ([0.5], "whole numbers"),
        ([], "empty"),
        (np.zeros((2, 10)), "not one-hot"),
        (np.full((2, 10), 0.1), "not one-hot"),
        (np.array([[0.5, 0.5] + [0.0] * 8]), "not one-hot"),
        (np.zeros((2, 3), int), "1-D"),
        (["a"], "integers"),
    ],
)
def test_labels_rejects_bad_input(value, message):
    with pytest.raises(ValueError, match=message):
        validate.labels(value)


def test_labels_length_mismatch():
    with pytest.raises(ValueError, match="3 entries but 2"):
        validate.labels([1, 2, 3], length=2)


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "3", None])
def test_positive_int_rejects(value):
    with pytest.raises(ValueError, match="positive integer"):
        validate.positive_int(value, "n")


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float32, st.tuples(st.integers(1, 4), st.just(28), st.just(28)),
                  elements=st.floats(0, 1, width=32)))
def test_images_keeps_any_valid_digit_unchanged(array):
    out = validate.images(array)
    np.testing.assert_array_equal(out[..., 0], array)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 3), st.just(28), st.just(28)),
                  elements=st.floats(-10, 10)).filter(
    lambda a: a.min() < -1e-3 or a.max() > 1 + 1e-3))
def test_images_rejects_any_out_of_range_array(array):
    with pytest.raises(ValueError):
        validate.images(array)


@pytest.mark.parametrize("value", [None, 3.0, object()])
def test_label_list_rejects_non_labels(value):
    with pytest.raises(ValueError):
        validate.label_list(value)
