"""A systematic sweep: every public genlab function refuses bad input with a ValueError.

Each case checks that the message names the argument and says what was expected. The
cases are cheap: inputs are refused before any classifier, training or file work runs
(the judge is never loaded here; models are a tiny Dense decoder and encoder).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import write_fake_mnist
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from genlab import (
    animation,
    data,
    flops,
    io,
    manifold,
    metrics,
    models,
    notebooks,
    paths,
    plots,
    report,
    setup,
    tiles,
    validate,
)

N = 4  # digits in every "good" batch


def good_digits(n: int = N) -> np.ndarray:
    return np.random.default_rng(0).uniform(0, 1, (n, 28, 28, 1)).astype(np.float32)


GOOD = good_digits()
GOOD_LABELS = np.array([0, 1, 2, 3])


@pytest.fixture(scope="module")
def decoder():
    """z (2,) -> a 28 x 28 digit: enough to reach every check of the model helpers."""
    import keras

    z = keras.Input((2,))
    x = keras.layers.Dense(784, activation="sigmoid")(z)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(x))


@pytest.fixture(scope="module")
def encoder():
    import keras

    x = keras.Input((28, 28, 1))
    h = keras.layers.Flatten()(x)
    return keras.Model(x, [keras.layers.Dense(2)(h), keras.layers.Dense(2)(h)])


@pytest.fixture(scope="module")
def evaluator():
    return metrics.Evaluator(GOOD, GOOD_LABELS, good_digits(8))


def named(name: str, pattern: str) -> str:
    """The message starts with the argument's name and then says what was expected."""
    return rf"^{re.escape(name)} .*{pattern}"


# --- images ------------------------------------------------------------------------------

BAD_IMAGES = {
    "rgb": (np.zeros((N, 28, 28, 3), np.float32), r"shape \(N, 28, 28, 1\)"),
    "one digit, no batch": (np.zeros((28, 28), np.float32), r"shape \(N, 28, 28, 1\)"),
    "27x27": (np.zeros((N, 27, 27, 1), np.float32), r"shape \(N, 28, 28, 1\)"),
    "flat": (np.zeros((N, 784), np.float32), r"shape \(N, 28, 28, 1\)"),
    "empty": (np.zeros((0, 28, 28, 1), np.float32), "empty: need at least one digit"),
    "uint8": (np.zeros((N, 28, 28), np.uint8), r"floating point in \[0, 1\].*divides by 255"),
    "strings": (np.full((N, 28, 28), "a"), r"floating point in \[0, 1\], got dtype <U1"),
    "object": (np.empty((N, 28, 28), dtype=object), "numeric array"),
    "ragged": ([np.zeros((28, 28)), np.zeros((27, 27))], "array-like"),
    "0..255 floats": (np.full((N, 28, 28), 255.0), r"\[0, 1\].*divide by 255"),
    "negative": (np.full((N, 28, 28), -3.0), r"must lie in \[0, 1\]"),
    "tanh": (np.linspace(-1, 1, N * 784).reshape(N, 28, 28), r"\[-1, 1\].*\(x \+ 1\) / 2"),
    "nan": (np.where(np.arange(784).reshape(28, 28) == 5, np.nan, 0.5)[None].repeat(N, 0),
            "contains 4 NaN or infinite pixel values"),
    "inf": (np.full((N, 28, 28), np.inf), "NaN or infinite"),
    "-inf": (np.full((N, 28, 28), -np.inf), "NaN or infinite"),
}

# (function of the images, the name the message must use)
IMAGE_FUNCTIONS = {
    "validate.images": (validate.images, "images"),
    "tiles.tile": (lambda x: tiles.tile(x, 2, 2), "images"),
    "plots.digit_grid": (lambda x: plots.digit_grid(x, 2), "images"),
    "plots.digit_rows": (lambda x: plots.digit_rows([x]), "rows[0]"),
    "data.make_dataset": (data.make_dataset, "x"),
    "metrics.judge_outputs": (metrics.judge_outputs, "images"),
    "metrics.predict_digits": (metrics.predict_digits, "images"),
    "metrics.feature_stats": (metrics.feature_stats, "images"),
    "metrics.fid": (lambda x: metrics.fid(x, GOOD), "images"),
    "metrics.fid (second set)": (
        lambda x: metrics.fid(metrics.FeatureStats(np.zeros(2), np.eye(2), 2), x), "images"),
    "metrics.class_accuracy": (lambda x: metrics.class_accuracy(x, GOOD_LABELS), "images"),
    "metrics.class_histogram": (metrics.class_histogram, "images"),
    "metrics.class_coverage": (metrics.class_coverage, "images"),
    "metrics.mean_squared_laplacian": (metrics.mean_squared_laplacian, "images"),
    "metrics.sharpness": (lambda x: metrics.sharpness(x, 1.0), "images"),
    "metrics.recon_mse x": (lambda x: metrics.recon_mse(x, GOOD), "x"),
    "metrics.recon_mse x_rec": (lambda x: metrics.recon_mse(GOOD, x), "x_rec"),
    "metrics.recon_bce x": (lambda x: metrics.recon_bce(x, GOOD), "x"),
    "metrics.recon_bce x_rec": (lambda x: metrics.recon_bce(GOOD, x), "x_rec"),
    "metrics.Evaluator x_test": (lambda x: metrics.Evaluator(x, GOOD_LABELS, GOOD), "x_test"),
    "metrics.Evaluator x_train": (lambda x: metrics.Evaluator(GOOD, GOOD_LABELS, x), "x_train"),
}


@pytest.mark.parametrize("case", BAD_IMAGES)
@pytest.mark.parametrize("function", IMAGE_FUNCTIONS)
def test_image_functions_reject_bad_images(function, case):
    call, name = IMAGE_FUNCTIONS[function]
    images, pattern = BAD_IMAGES[case]
    with pytest.raises(ValueError, match=named(name, pattern)):
        call(images)


@pytest.mark.parametrize("case", BAD_IMAGES)
@pytest.mark.parametrize("function", ["neg_elbo", "style_transfer_accuracy", "evaluator.fid",
                                      "evaluator.sharpness", "evaluator.samples"])
def test_model_and_evaluator_functions_reject_bad_images(function, case, encoder, decoder,
                                                         evaluator):
    images, pattern = BAD_IMAGES[case]
    calls = {
        "neg_elbo": (lambda: metrics.neg_elbo(encoder, decoder, images), "x"),
        "style_transfer_accuracy": (
            lambda: metrics.style_transfer_accuracy(encoder, decoder, images, GOOD_LABELS), "x"),
        "evaluator.fid": (lambda: evaluator.fid(images), "images"),
        "evaluator.sharpness": (lambda: evaluator.sharpness(images), "images"),
        "evaluator.samples": (lambda: evaluator.samples(images, GOOD_LABELS), "images"),
    }
    call, name = calls[function]
    with pytest.raises(ValueError, match=named(name, pattern)):
        call()


def test_recon_metrics_reject_batches_of_different_sizes():
    for fn in (metrics.recon_mse, metrics.recon_bce):
        with pytest.raises(ValueError, match=r"same shape.*\(4, 28, 28, 1\) and \(3, 28, 28, 1\)"):
            fn(GOOD, GOOD[:3])


@pytest.mark.parametrize(("reference", "pattern"), [
    (0.0, "positive finite"), (-1.0, "positive finite"), (np.inf, "positive finite"),
    (np.nan, "positive finite"), ("abc", r"^reference must hold real numbers"),
    ("1.0", r"^reference must hold real numbers"), (None, r"^reference must be a numeric"),
    (np.zeros((2, 28, 28)), "no edges"), (np.full((2, 28, 28), 255.0), r"^reference must lie"),
    (np.zeros((0, 28, 28)), r"^reference is empty"), (np.full((2, 28, 28), np.nan), "NaN"),
])
def test_sharpness_rejects_bad_reference(reference, pattern):
    with pytest.raises(ValueError, match=pattern):
        metrics.sharpness(GOOD, reference)


@pytest.mark.parametrize(("x", "pattern"), [
    (np.zeros((N, 28, 28), np.float32), r"expects uint8 pixels 0\.\.255, got float32"),
    (np.full((N, 28, 28), "7"), r"expects uint8 pixels 0\.\.255"),
    (np.zeros((N, 27, 27), np.uint8), named("x", r"shape \(N, 28, 28, 1\)")),
    (np.zeros((N, 28, 28, 3), np.uint8), named("x", r"shape \(N, 28, 28, 1\)")),
    (np.zeros((0, 28, 28), np.uint8), named("x", "empty")),
])
def test_scale_images_rejects_bad_pixels(x, pattern):
    with pytest.raises(ValueError, match=pattern):
        data.scale_images(x)


# --- labels ------------------------------------------------------------------------------

BAD_LABELS = {
    "-1": ([0, 1, 2, -1], r"0\.\.9, got values from -1 to 2"),
    "10": ([0, 1, 2, 10], r"0\.\.9, got values from 0 to 10"),
    "fraction": ([0, 1, 2, 0.5], r"whole numbers 0\.\.9"),
    "nan": ([0, 1, 2, np.nan], r"whole numbers 0\.\.9"),
    "inf": ([0, 1, 2, np.inf], r"whole numbers 0\.\.9"),
    "strings": (["0", "1", "2", "3"], r"integers 0\.\.9, got dtype <U1"),
    "bool": ([True, False, True, False], r"integers 0\.\.9, got dtype bool"),
    "object": (np.array([0, 1, 2, None], dtype=object), "numeric array"),
    "2-D": (np.zeros((N, 3), int), r"1-D array of digits 0\.\.9 or one-hot \(N, 10\)"),
    "3-D": (np.zeros((N, 10, 1), int), r"1-D array of digits"),
    "scalar": (3, r"1-D array of digits"),
    "not one-hot": (np.zeros((N, 10)), "not one-hot"),
    "two hot": (np.tile(np.eye(10)[0] + np.eye(10)[1], (N, 1)), "not one-hot"),
    "soft": (np.full((N, 10), 0.1), "not one-hot"),
    "empty": ([], "empty: need at least one label"),
}

# (function of the labels, the name the message must use)
LABEL_FUNCTIONS = {
    "validate.labels": (validate.labels, "labels"),
    "data.one_hot": (data.one_hot, "y"),
    "metrics.class_accuracy": (lambda y: metrics.class_accuracy(GOOD, y), "labels"),
    "metrics.Evaluator": (lambda y: metrics.Evaluator(GOOD, y, GOOD), "y_test"),
    "plots.latent_scatter": (lambda y: plots.latent_scatter(np.zeros((N, 2)), y), "labels"),
    "animation.scatter_frame": (lambda y: animation.scatter_frame(np.zeros((N, 2)), y),
                                "labels"),
}


@pytest.mark.parametrize("case", BAD_LABELS)
@pytest.mark.parametrize("function", LABEL_FUNCTIONS)
def test_label_functions_reject_bad_labels(function, case):
    call, name = LABEL_FUNCTIONS[function]
    labels, pattern = BAD_LABELS[case]
    with pytest.raises(ValueError, match=named(name, pattern)):
        call(labels)


@pytest.mark.parametrize("case", BAD_LABELS)
@pytest.mark.parametrize("function", ["neg_elbo", "style_transfer_accuracy",
                                      "evaluator.samples"])
def test_model_and_evaluator_functions_reject_bad_labels(function, case, encoder, decoder,
                                                         evaluator):
    labels, pattern = BAD_LABELS[case]
    calls = {
        "neg_elbo": (lambda: metrics.neg_elbo(encoder, decoder, GOOD, y=labels), "y"),
        "style_transfer_accuracy": (
            lambda: metrics.style_transfer_accuracy(encoder, decoder, GOOD, labels), "y"),
        "evaluator.samples": (lambda: evaluator.samples(GOOD, labels), "labels"),
    }
    call, name = calls[function]
    with pytest.raises(ValueError, match=named(name, pattern)):
        call()


def test_label_count_must_match_image_count(encoder, decoder, evaluator):
    three = [0, 1, 2]
    codes = np.zeros((N, 2))
    checks = [
        (lambda: validate.labels(three, length=N), "labels"),
        (lambda: metrics.class_accuracy(GOOD, three), "labels"),
        (lambda: metrics.neg_elbo(encoder, decoder, GOOD, y=three), "y"),
        (lambda: metrics.style_transfer_accuracy(encoder, decoder, GOOD, three), "y"),
        (lambda: metrics.Evaluator(GOOD, three, GOOD), "y_test"),
        (lambda: evaluator.samples(GOOD, three), "labels"),
        (lambda: plots.latent_scatter(codes, three), "labels"),
        (lambda: animation.scatter_frame(codes, three), "labels"),
    ]
    for call, name in checks:
        with pytest.raises(ValueError, match=named(name, "has 3 entries but 4 were expected")):
            call()
    with pytest.raises(ValueError, match="x has 4 digits but y has 3 labels"):
        data.make_dataset(GOOD, three)
    with pytest.raises(ValueError, match="x has 4 digits but y has 0 labels"):
        data.make_dataset(GOOD, [])


@pytest.mark.parametrize(("y", "pattern"), [
    ([0, 1, 2, 10], r"^y must lie in 0\.\.9"),
    ([0, 1, 2, -1], r"^y must lie in 0\.\.9"),
    ([0.5, 1, 2, 3], r"^y must hold whole numbers"),
    (np.array(["a"] * N), r"^y must be integers 0\.\.9"),
    (np.zeros((N, 3)), r"one-hot y must have 10 columns, got shape \(4, 3\)"),
    (np.zeros((N, 10)), r"^y has 10 columns but its rows are not one-hot"),
    (np.zeros((N, 10, 1)), r"class ids \(N,\) or one-hot \(N, 10\)"),
])
def test_make_dataset_rejects_bad_y(y, pattern):
    with pytest.raises(ValueError, match=pattern):
        data.make_dataset(GOOD, y)


@pytest.mark.parametrize(("value", "pattern"), [
    (-1, r"0\.\.9"), (10, r"0\.\.9"), ([3, 10], r"0\.\.9"), ([], "empty"),
    ("3", r"integers 0\.\.9"), (3.5, r"a digit 0\.\.9 or a list of them"),
    (True, r"a digit 0\.\.9 or a list of them"), ([[1, 2]], "1-D"),
])
def test_conditioning_labels_are_checked(value, pattern, decoder):
    with pytest.raises(ValueError, match=named("labels", pattern)):
        validate.label_list(value)
    with pytest.raises(ValueError, match=named("labels", pattern)):
        manifold.decode_manifold(decoder, latent_dim=2, labels=value, n=2)
    with pytest.raises(ValueError, match=named("labels", pattern)):
        manifold.plot_label_manifolds(np.zeros((2, 5, 5)), labels=value)


def test_one_hot_needs_ten_classes():
    with pytest.raises(ValueError, match="num_classes must be 10, got 5"):
        data.one_hot([1, 2], num_classes=5)


# --- counts ------------------------------------------------------------------------------

NOT_POSITIVE = [0, -1, 2.5, np.float64(2.0), "3", None, True]
NOT_NON_NEGATIVE = [-1, 1.5, "0", None, True]

# name -> (function of the count, the argument name, whether 0 is allowed)
NONE_MEANS_DEFAULT = {"FrameRecorder max_frames", "gif_html width"}
COUNT_ARGUMENTS = {
    "validate.positive_int": (lambda v: validate.positive_int(v, "n"), "n", False),
    "validate.non_negative_int": (lambda v: validate.non_negative_int(v, "n"), "n", True),
    "tile nrows": (lambda v: tiles.tile(GOOD, v, 2), "nrows", False),
    "tile ncols": (lambda v: tiles.tile(GOOD, 2, v), "ncols", False),
    "tile pad": (lambda v: tiles.tile(GOOD, 2, 2, pad=v), "pad", True),
    "mosaic ncols": (lambda v: tiles.mosaic(np.zeros((2, 5, 5)), v), "ncols", False),
    "mosaic pad": (lambda v: tiles.mosaic(np.zeros((2, 5, 5)), 2, pad=v), "pad", True),
    "quantile_axis n": (lambda v: manifold.quantile_axis(v), "n", False),
    "grid_codes latent_dim": (lambda v: manifold.grid_codes(latent_dim=v), "latent_dim", False),
    "grid_codes n": (lambda v: manifold.grid_codes(n=v), "n", False),
    "plot_label_manifolds ncols": (
        lambda v: manifold.plot_label_manifolds(np.zeros((2, 5, 5)), [0, 1], ncols=v), "ncols",
        False),
    "digit_grid ncols": (lambda v: plots.digit_grid(GOOD, v), "ncols", False),
    "make_dataset batch_size": (lambda v: data.make_dataset(GOOD, batch_size=v), "batch_size",
                                False),
    "make_dataset seed": (lambda v: data.make_dataset(GOOD, seed=v), "seed", True),
    "call_in_batches batch_size": (
        lambda v: models.call_in_batches(lambda x: x, np.zeros(3), batch_size=v), "batch_size",
        False),
    "FrameSchedule dense_until": (lambda v: animation.FrameSchedule(dense_until=v),
                                  "dense_until", True),
    "FrameSchedule dense_every": (lambda v: animation.FrameSchedule(dense_every=v),
                                  "dense_every", False),
    "FrameSchedule sparse_every": (lambda v: animation.FrameSchedule(sparse_every=v),
                                   "sparse_every", False),
    "FrameSchedule.records step": (lambda v: animation.FrameSchedule().records(v), "step", True),
    "FrameSchedule.steps total_steps": (lambda v: animation.FrameSchedule().steps(v),
                                        "total_steps", True),
    "FrameRecorder max_frames": (
        lambda v: animation.FrameRecorder(lambda step: np.zeros((5, 5)), max_frames=v),
        "max_frames", False),
    "scatter_frame size": (lambda v: animation.scatter_frame(np.zeros((N, 2)), GOOD_LABELS,
                                                             size=v), "size", False),
    "scatter_frame dot": (lambda v: animation.scatter_frame(np.zeros((N, 2)), GOOD_LABELS,
                                                            dot=v), "dot", False),
    "titled_frame scale": (lambda v: animation.titled_frame(np.zeros((5, 5)), scale=v), "scale",
                           False),
    "save_gif frame_ms": (lambda v: animation.save_gif([np.zeros((5, 5))], "a.gif", frame_ms=v),
                          "frame_ms", False),
    "save_gif last_frame_ms": (
        lambda v: animation.save_gif([np.zeros((5, 5))], "a.gif", last_frame_ms=v),
        "last_frame_ms", False),
    "save_gif scale": (lambda v: animation.save_gif([np.zeros((5, 5))], "a.gif", scale=v),
                       "scale", False),
    "save_mp4 fps": (lambda v: animation.save_mp4([np.zeros((5, 5))], "a.mp4", fps=v), "fps",
                     False),
    "gif_html width": (lambda v: animation.gif_html("a.gif", width=v), "width", False),
    "matmul_gflops size": (lambda v: flops.matmul_gflops(size=v), "size", False),
    "matmul_gflops repeats": (lambda v: flops.matmul_gflops(repeats=v), "repeats", False),
}


def allowed(value, zero_ok: bool = False, none_ok: bool = False) -> bool:
    """0 is a valid non-negative count; None means "the default" for some arguments."""
    return (zero_ok and type(value) is int and value == 0) or (none_ok and value is None)


@pytest.mark.parametrize(("argument", "value"), [
    pytest.param(argument, value, id=f"{argument}-{value!r}")
    for argument, (_, _, zero_ok) in COUNT_ARGUMENTS.items() for value in NOT_POSITIVE
    if not allowed(value, zero_ok, argument in NONE_MEANS_DEFAULT)
])
def test_counts_must_be_integers_in_range(argument, value):
    call, name, zero_ok = COUNT_ARGUMENTS[argument]
    pattern = f"must be a {'non-negative' if zero_ok else 'positive'} integer"
    with pytest.raises(ValueError, match=named(name, pattern)):
        call(value)


@pytest.mark.parametrize(("argument", "value"), [
    pytest.param(argument, value, id=f"{argument}-{value!r}")
    for argument in ("latent_dim", "n", "seed", "batch_size") for value in NOT_POSITIVE
    if not allowed(value, zero_ok=argument == "seed")
])
def test_generate_checks_its_counts_before_decoding(argument, value, decoder):
    kind = "non-negative" if argument == "seed" else "positive"
    with pytest.raises(ValueError, match=named(argument, f"must be a {kind} integer")):
        metrics.generate(decoder, **{"latent_dim": 2, "n": 10, argument: value})


@pytest.mark.parametrize("value", NOT_POSITIVE, ids=repr)
@pytest.mark.parametrize("argument", ["latent_dim", "n"])
def test_decode_manifold_checks_its_counts(argument, value, decoder):
    with pytest.raises(ValueError, match=named(argument, "must be a positive integer")):
        manifold.decode_manifold(decoder, **{"latent_dim": 2, "n": 2, argument: value})


@pytest.mark.parametrize("value", [-1, 1.5, "0", None, True], ids=repr)
def test_neg_elbo_checks_seed_and_batch_size(value, encoder, decoder):
    with pytest.raises(ValueError, match=named("seed", "must be a non-negative integer")):
        metrics.neg_elbo(encoder, decoder, GOOD, seed=value)
    with pytest.raises(ValueError, match=named("batch_size", "must be a positive integer")):
        metrics.neg_elbo(encoder, decoder, GOOD, batch_size=value)
    with pytest.raises(ValueError, match=named("batch_size", "must be a positive integer")):
        metrics.style_transfer_accuracy(encoder, decoder, GOOD, GOOD_LABELS, batch_size=value)


@pytest.mark.parametrize("value", [-1, 1.5, "1", None, True], ids=repr)
def test_seed_everything_needs_a_plain_non_negative_int(value):
    with pytest.raises(ValueError, match=named("seed", "must be a non-negative integer")):
        setup.seed_everything(value)


@pytest.mark.filterwarnings("ignore:.*holds a subset of MNIST")
@pytest.mark.parametrize("argument", ["n_train", "n_test"])
@pytest.mark.parametrize("value", [0, -5, 2.5, "10"], ids=repr)
def test_prepare_mnist_subset_sizes(argument, value, fake_npz):
    with pytest.raises(ValueError, match=named(argument, "must be a positive integer")):
        data.prepare_mnist(path=fake_npz, **{argument: value})


# --- latent sizes and the decoder's input -------------------------------------------------

@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"latent_dim": 1}, "latent_dim >= 2"),
    ({"dims": (0, 0)}, r"dims must be two different axes in 0\.\.1"),
    ({"dims": (0, 2)}, r"dims must be two different axes in 0\.\.1"),
    ({"dims": (0, -1)}, r"dims must be two different axes"),
    ({"dims": (0, 1, 2)}, r"dims must be two different axes"),
    ({"dims": (0, 1.0)}, r"dims must be two different axes"),
    ({"dims": (True, 0)}, r"dims must be two different axes"),
    ({"dims": 0}, r"dims must be two different axes"),
    ({"dims": None}, r"dims must be two different axes"),
    ({"low": 0.0}, "0 < low < high < 1"),
    ({"high": 1.0}, "0 < low < high < 1"),
    ({"low": 0.9, "high": 0.1}, "0 < low < high < 1"),
    ({"low": float("nan")}, "0 < low < high < 1"),
    ({"low": "0.1"}, "^low must be a real number"),
    ({"high": None}, "^high must be a real number"),
])
def test_manifold_grid_arguments(kwargs, pattern, decoder):
    with pytest.raises(ValueError, match=pattern):
        manifold.grid_codes(**{"latent_dim": 2, "n": 3, **kwargs})
    with pytest.raises(ValueError, match=pattern):
        manifold.decode_manifold(decoder, **{"latent_dim": 2, "n": 3, **kwargs})


def test_latent_dim_that_does_not_fit_the_decoder_fails_with_the_expected_shape(decoder):
    expected = r"expected shape=\(None, 2\), found shape=\(\d+, 3\)"
    with pytest.raises(ValueError, match=expected):
        manifold.decode_manifold(decoder, latent_dim=3, n=2)
    with pytest.raises(ValueError, match=expected):
        metrics.generate(decoder, latent_dim=3, n=4)
    with pytest.raises(ValueError, match=expected):
        models.call_model(decoder, np.zeros((2, 3), np.float32))


def test_decoder_output_that_is_not_digits_is_refused():
    def wrong_size(z):
        return np.full((len(z), 27, 27, 1), 0.5)

    def tanh(z):
        return np.full((len(z), 28, 28, 1), -0.5)

    def too_few(z):
        return np.full((1, 28, 28, 1), 0.5)

    with pytest.raises(ValueError, match=named("decoder output", r"shape \(N, 28, 28, 1\)")):
        manifold.decode_manifold(wrong_size, n=2)
    with pytest.raises(ValueError, match=named("decoder output", r"\(x \+ 1\) / 2")):
        metrics.generate(tanh, 2, n=3)
    with pytest.raises(ValueError, match="the decoder returned 1 digits for 4 codes"):
        manifold.decode_manifold(too_few, n=2)


@pytest.mark.parametrize(("inputs", "pattern"), [
    (np.zeros(0), r"non-empty and aligned, got lengths \[0\]"),
    ([np.zeros(3), np.zeros(4)], r"non-empty and aligned, got lengths \[3, 4\]"),
    ("abc", "an array \\(one row per example\\) or a list of them, got str"),
    (3.0, "an array \\(one row per example\\) or a list of them, got float"),
    ([], "an array \\(one row per example\\) or a list of them"),
])
def test_call_in_batches_rejects_bad_inputs(inputs, pattern):
    with pytest.raises(ValueError, match=pattern):
        models.call_in_batches(lambda x: x, inputs)


# --- other arrays: panels, frames, codes, stats --------------------------------------------

@pytest.mark.parametrize(("images", "pattern"), [
    (np.zeros((2, 28, 28, 1)), r"stack of 2-D images \(K, H, W\)"),
    (np.zeros((5, 5)), r"stack of 2-D images \(K, H, W\)"),
    (np.zeros((0, 5, 5)), r"stack of 2-D images \(K, H, W\)"),
    (np.full((2, 5, 5), np.nan), "NaN or infinite"),
    (np.full((2, 5, 5), np.inf), "NaN or infinite"),
    (np.full((2, 5, 5), 255.0), r"^images must lie in \[0, 1\]"),
    (np.full((2, 5, 5), -0.5), r"^images must lie in \[0, 1\]"),
    (np.full((2, 5, 5), "0.5"), r"^images must hold real numbers"),
    (None, r"^images must be a numeric array"),
])
def test_mosaic_rejects_bad_panels(images, pattern):
    with pytest.raises(ValueError, match=pattern):
        tiles.mosaic(images, ncols=2)


@pytest.mark.parametrize("pad_value", [-0.1, 1.5, float("nan"), "white", None, True], ids=repr)
def test_pad_value_must_be_a_number_in_0_1(pad_value):
    pattern = r"^pad_value must (be a real number|lie in \[0, 1\])"
    with pytest.raises(ValueError, match=pattern):
        tiles.tile(GOOD, 2, 2, pad=1, pad_value=pad_value)
    with pytest.raises(ValueError, match=pattern):
        tiles.mosaic(np.zeros((2, 5, 5)), 2, pad_value=pad_value)


def test_tile_needs_exactly_nrows_times_ncols_digits():
    with pytest.raises(ValueError, match=r"exactly nrows \* ncols = 6 digits, got 4"):
        tiles.tile(GOOD, 2, 3)


BAD_FRAMES = [
    (np.zeros((N, 28, 28, 1)), r"one image \(H, W\) or \(H, W, 3\)"),
    (np.zeros((5, 5, 4)), r"one image \(H, W\) or \(H, W, 3\)"),
    (np.zeros((0, 0)), r"one image \(H, W\) or \(H, W, 3\)"),
    (np.zeros(5), r"one image \(H, W\) or \(H, W, 3\)"),
    (np.full((5, 5), np.nan), "contains NaN or infinite values"),
    (np.full((5, 5), -np.inf), "contains NaN or infinite values"),
    (np.full((5, 5), 1.5), r"must lie in \[0, 1\]"),
    (np.full((5, 5), -0.5), r"must lie in \[0, 1\]"),
    (np.full((5, 5), "0.5"), "must hold real numbers"),
    (None, "must be a numeric array"),
]


@pytest.mark.parametrize(("image", "pattern"), BAD_FRAMES)
def test_frame_functions_reject_bad_images(image, pattern, tmp_path):
    with pytest.raises(ValueError, match=named("image", pattern)):
        animation.as_frame(image)
    with pytest.raises(ValueError, match=named("image", pattern)):
        animation.titled_frame(image, "title")
    with pytest.raises(ValueError, match=named("image", pattern)):
        animation.save_gif([np.zeros((5, 5)), image], tmp_path / "a.gif")
    recorder = animation.FrameRecorder(lambda step: image)
    with pytest.raises(ValueError, match=named("frame None at step 0", pattern)):
        recorder.record(0)


@pytest.mark.parametrize(("image", "pattern"), [
    (np.zeros((2, 5, 5)), "one 2-D image"),
    (np.zeros(5), "one 2-D image"),
    (np.full((5, 5), np.nan), "NaN or infinite"),
    (np.full((5, 5), 2.0), r"\[0, 1\]"),
    (np.full((5, 5), "a"), "real numbers"),
])
def test_plot_manifold_rejects_bad_images(image, pattern):
    with pytest.raises(ValueError, match=pattern):
        manifold.plot_manifold(image)


@pytest.mark.parametrize(("images", "pattern"), [
    (np.zeros((3, 5, 5)), r"one manifold per label, shape \(2, H, W\)"),
    (np.zeros((2, 5, 5, 1)), r"one manifold per label, shape \(2, H, W\)"),
    (np.stack([np.zeros((5, 5)), np.full((5, 5), np.nan)]), "NaN or infinite"),
    (np.full((2, 5, 5), 255.0), r"\[0, 1\]"),
])
def test_plot_label_manifolds_rejects_bad_panels(images, pattern):
    with pytest.raises(ValueError, match=pattern):
        manifold.plot_label_manifolds(images, labels=[0, 1])


BAD_CODES = [
    (np.zeros((N, 3)), r"shape \(N, 2\) with N > 0, got \(4, 3\)"),
    (np.zeros(N), r"shape \(N, 2\) with N > 0"),
    (np.zeros((0, 2)), r"shape \(N, 2\) with N > 0, got \(0, 2\)"),
    (np.full((N, 2), np.nan), "codes contain NaN or infinite values"),
    (np.full((N, 2), np.inf), "codes contain NaN or infinite values"),
    (np.full((N, 2), "1"), "codes must hold real numbers"),
]


@pytest.mark.parametrize(("codes", "pattern"), BAD_CODES)
def test_scatter_functions_reject_bad_codes(codes, pattern):
    with pytest.raises(ValueError, match=pattern):
        plots.latent_scatter(codes, GOOD_LABELS)
    with pytest.raises(ValueError, match=pattern):
        animation.scatter_frame(codes, GOOD_LABELS)


@pytest.mark.parametrize("limit", [0, -4.0, float("nan"), "4", None], ids=repr)
def test_scatter_limit_must_be_a_positive_number(limit):
    pattern = "^limit must (be a real number|be positive)"
    with pytest.raises(ValueError, match=pattern):
        plots.latent_scatter(np.zeros((N, 2)), GOOD_LABELS, limit=limit)
    with pytest.raises(ValueError, match=pattern):
        animation.scatter_frame(np.zeros((N, 2)), GOOD_LABELS, limit=limit)


@pytest.mark.parametrize("scale", [0, -1.0, float("nan"), "big", None], ids=repr)
def test_plot_scale_must_be_a_positive_number(scale):
    pattern = "^scale must (be a real number|be positive)"
    with pytest.raises(ValueError, match=pattern):
        plots.digit_rows([GOOD], scale=scale)
    with pytest.raises(ValueError, match=pattern):
        plots.digit_grid(GOOD, 2, scale=scale)


def test_digit_rows_and_grid_layout_arguments():
    with pytest.raises(ValueError, match="at least one row"):
        plots.digit_rows([])
    with pytest.raises(ValueError, match="a list of rows of digits, got NoneType"):
        plots.digit_rows(None)
    with pytest.raises(ValueError, match=r"same number of digits, got \[4, 3\]"):
        plots.digit_rows([GOOD, GOOD[:3]])
    with pytest.raises(ValueError, match="got 2 row titles for 1 rows"):
        plots.digit_rows([GOOD], row_titles=["a", "b"])
    with pytest.raises(ValueError, match="4 digits do not fill rows of 3"):
        plots.digit_grid(GOOD, 3)
    with pytest.raises(ValueError, match="got 1 row labels for 2 rows"):
        plots.digit_grid(GOOD, 2, row_labels=["a"])
    with pytest.raises(ValueError, match="got 3 column labels for 2 columns"):
        plots.digit_grid(GOOD, 2, col_labels=["a", "b", "c"])


def stats(dim: int = 2, mean=None, cov=None) -> metrics.FeatureStats:
    return metrics.FeatureStats(np.zeros(dim) if mean is None else mean,
                                np.eye(dim) if cov is None else cov, 10)


@pytest.mark.parametrize(("a", "b", "pattern"), [
    (np.zeros(2), stats(), r"^a must be FeatureStats \(from feature_stats\), got ndarray"),
    (stats(), None, r"^b must be FeatureStats"),
    (stats(3), stats(2), "same feature size, got 3 and 2"),
    (stats(mean=np.array([0.0, np.nan])), stats(), "^a holds NaN or infinite"),
    (stats(), stats(cov=np.full((2, 2), np.inf)), "^b holds NaN or infinite"),
    (stats(cov=np.eye(3)), stats(), r"^a must hold a mean \(D,\) and a covariance \(D, D\)"),
    (stats(mean=np.zeros((2, 1))), stats(), r"^a must hold a mean \(D,\)"),
])
def test_frechet_distance_rejects_bad_statistics(a, b, pattern):
    with pytest.raises(ValueError, match=pattern):
        metrics.frechet_distance(a, b)
    if isinstance(a, metrics.FeatureStats) and isinstance(b, metrics.FeatureStats):
        with pytest.raises(ValueError, match=pattern):
            metrics.fid(a, b)


@pytest.mark.parametrize(("history", "kwargs", "pattern"), [
    (None, {}, "a Keras History or a non-empty dict"),
    ({}, {}, "a Keras History or a non-empty dict"),
    ([1.0, 2.0], {}, "a Keras History or a non-empty dict"),
    ({"loss": []}, {}, "empty metric list"),
    ({"loss": 0.5}, {}, r"history\['loss'\] must be a list of numbers"),
    ({"loss": [[1.0, 2.0]]}, {}, r"history\['loss'\] must be a list of numbers"),
    ({"loss": ["high"]}, {}, r"history\['loss'\] must hold real numbers"),
    ({"loss": [1.0, None]}, {}, r"history\['loss'\] must be a numeric array"),
    ({"loss": [1.0]}, {"keys": ["kl"]}, r"no such keys in the history: \['kl'\]"),
    ({"loss": [1.0, 2.0, 3.0], "val_loss": [1.0, 2.0]}, {}, "validation_freq must divide"),
])
def test_loss_curves_rejects_bad_histories(history, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        plots.loss_curves(history, **kwargs)


# --- paths, files and names ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["", "a/b", "..", "../x", "a\\b", None, 3], ids=repr)
def test_notebook_names_must_be_plain_stems(name):
    pattern = "^notebook name must be a file stem such as '02_vae'"
    for call in (paths.use_notebook, paths.figs_dir, paths.artifacts_dir, setup.start):
        if not name and call in (paths.figs_dir, paths.artifacts_dir):
            continue  # no name means "the current notebook" there
        with pytest.raises(ValueError, match=pattern):
            call(name)


def test_no_current_notebook_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(paths, "_current_notebook", None)
    with pytest.raises(ValueError, match=r"no notebook is set: call genlab\.paths\.use_notebook"):
        paths.current_notebook()
    with pytest.raises(ValueError, match="no notebook is set"):
        plots.save_fig("manifold")


@pytest.mark.parametrize("name", ["", "figs/manifold", "a\\b", None, 3], ids=repr)
def test_save_fig_needs_a_plain_file_name(name):
    with pytest.raises(ValueError, match="^name must be a plain file name"):
        plots.save_fig(name)


def test_animation_files_need_the_right_suffix_and_frames(tmp_path, monkeypatch):
    frame = np.zeros((5, 5))
    with pytest.raises(ValueError, match="save_gif writes .gif files, got a.png"):
        animation.save_gif([frame], tmp_path / "a.png")
    with pytest.raises(ValueError, match="save_mp4 writes .mp4 files, got a.gif"):
        animation.save_mp4([frame], tmp_path / "a.gif")
    with pytest.raises(ValueError, match="no frames to write"):
        animation.save_gif([], tmp_path / "a.gif")
    with pytest.raises(ValueError, match="frames must be a list of images, got NoneType"):
        animation.save_gif(None, tmp_path / "a.gif")
    with pytest.raises(ValueError, match="got 1 titles for 2 frames"):
        animation.save_gif([frame, frame], tmp_path / "a.gif", titles=["x"])
    with pytest.raises(ValueError, match="all frames must have the same size"):
        animation.save_gif([frame, np.zeros((6, 6))], tmp_path / "a.gif")
    # frames are checked even when there is no ffmpeg to write them
    monkeypatch.setattr(animation, "ffmpeg_binary", lambda: None)
    with pytest.raises(ValueError, match="no frames to write"):
        animation.save_mp4([], tmp_path / "a.mp4")
    assert not list(tmp_path.iterdir())


def test_gif_links_need_existing_gifs(tmp_path):
    with pytest.raises(ValueError, match="at least one GIF path"):
        animation.gif_html()
    with pytest.raises(ValueError, match="gif_html links .gif files, got a.png"):
        animation.gif_html(tmp_path / "a.png")
    with pytest.raises(ValueError, match="does not exist; write it with save_gif first"):
        animation.gif_html(tmp_path / "missing.gif")
    pytest.importorskip("IPython")
    with pytest.raises(ValueError, match="does not exist"):
        animation.show_gif(tmp_path / "missing.gif")


def test_frame_recorder_arguments():
    with pytest.raises(ValueError, match="make_frame must be a function step -> image"):
        animation.FrameRecorder("not callable")
    recorder = animation.FrameRecorder(lambda step: np.zeros((5, 5)))
    with pytest.raises(ValueError, match="no frames recorded under key 'x'"):
        recorder.titles(key="x")


@pytest.mark.parametrize(("override", "pattern"), [
    ({"x_train": np.zeros((10, 28, 28), np.float32)}, r"x_train must be uint8 pixels 0\.\.255"),
    ({"x_train": np.zeros((10, 27, 27), np.uint8)}, r"x_train must have shape \(N, 28, 28\)"),
    ({"x_test": np.zeros((0, 28, 28), np.uint8), "y_test": np.zeros(0, np.uint8)},
     "x_test is empty"),
    ({"y_train": np.full(120, 10, np.uint8)}, r"y_train must hold labels 0\.\.9, found 10\.\.10"),
    ({"y_test": np.arange(39) % 10}, r"y_test must have shape \(40,\) to match x_test"),
    ({"y_train": np.full(120, 0.5)}, "y_train must hold integer labels"),
    ({"y_test": None}, r"missing arrays \['y_test'\]"),
])
def test_load_mnist_rejects_wrong_files(override, pattern, tmp_path):
    path = write_fake_mnist(tmp_path / "wrong.npz", **override)
    with pytest.raises(ValueError, match=pattern):
        data.load_mnist(path)


def test_load_mnist_rejects_a_corrupt_file_and_names_a_missing_one(tmp_path):
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not a readable .npz file"):
        data.load_mnist(corrupt)
    # a missing file is a FileNotFoundError by design, with the fix in the message
    with pytest.raises(FileNotFoundError, match="MNIST_NPZ"):
        data.load_mnist(tmp_path / "missing.npz")


def test_models_save_and_load_arguments(tmp_path, decoder):
    with pytest.raises(ValueError, match="save_model expects a keras.Model, got function"):
        models.save_model(lambda x: x, tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"name it \*\.keras, got m\.h5"):
        models.save_model(decoder, tmp_path / "m.h5")
    with pytest.raises(FileNotFoundError, match="run the notebook that trains it first"):
        models.load_model(tmp_path / "missing.keras")
    assert not list(tmp_path.iterdir())


def test_flops_needs_a_built_keras_model():
    import keras

    with pytest.raises(ValueError, match="model_flops expects a keras.Model, got int"):
        flops.model_flops(3)
    with pytest.raises(ValueError, match="the model is not built"):
        flops.model_flops(keras.Sequential([keras.layers.Dense(2)]))


@pytest.mark.parametrize(("data_", "pattern"), [
    ([1, 2], "save_json expects a dict, got list"),
    ({"fid": float("nan")}, r"metrics value fid is nan; write None"),
    ({"a": {"b": [1.0, float("inf")]}}, r"metrics value a\.b\[1\] is inf"),
    ({"fid": np.float32("nan")}, "metrics value fid is nan"),
    ({"fid": np.array([1.0, -np.inf])}, r"metrics value fid\[1\] is -inf"),
])
def test_save_json_rejects_non_dicts_and_non_finite_numbers(data_, pattern, tmp_path):
    with pytest.raises(ValueError, match=pattern):
        io.save_json(data_, tmp_path / "m.json")
    assert not list(tmp_path.iterdir())


def test_load_json_rejects_invalid_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid JSON"):
        io.load_json(bad)


@pytest.mark.parametrize(("results", "pattern"), [
    ({}, "non-empty list 'models'"),
    ({"models": []}, "non-empty list 'models'"),
    ("table", "non-empty list 'models'"),
    ({"models": [{"fid": 1.0}]}, "every model needs a 'name'"),
    ({"models": [{"name": "vae", "fid": float("nan")}]}, "results must be finite, got nan"),
    ({"models": [{"name": "vae", "fid": "12"}]}, "results must hold numbers, got '12'"),
    ({"models": [{"name": "vae", "fid": True}]}, "results must hold numbers, got True"),
    ({"models": [{"name": "vae"}], "fid_floor": float("inf")}, "results must be finite"),
])
def test_results_table_rejects_bad_results(results, pattern):
    with pytest.raises(ValueError, match=pattern):
        report.results_table(results)


def test_report_markers_and_missing_results(tmp_path):
    with pytest.raises(ValueError, match="each results-table marker exactly once"):
        report.replace_between_markers("no markers here", "| table |")
    twice = f"{report.START}\n{report.END}\n{report.START}\n{report.END}"
    with pytest.raises(ValueError, match="exactly once"):
        report.replace_between_markers(twice, "| table |")
    with pytest.raises(ValueError, match="does not exist: run notebooks/06_comparison.ipynb"):
        report.update_readme(tmp_path / "README.md", tmp_path / "results.json")


def test_notebook_runner_arguments():
    with pytest.raises(ValueError, match=r"unknown notebooks \['99_nope'\]; choose from"):
        notebooks.select(["99_nope"], [Path("01_autoencoder.ipynb")])
    with pytest.raises(ValueError, match=r"mode must be one of \('quick', 'full'\), got 'fast'"):
        notebooks.execute(Path("01_autoencoder.ipynb"), "fast")
    with pytest.raises(ValueError, match="no notebook '99_nope'; choose from"):
        notebooks.definitions("99_nope")


@pytest.mark.parametrize(("value", "pattern"), [
    ("3", "must be a real number"), (None, "must be a real number"),
    (True, "must be a real number"), (1 + 2j, "must be a real number"),
    ([1.0], "must be a real number"),
])
def test_real_number_rejects_non_numbers(value, pattern):
    with pytest.raises(ValueError, match=named("x", pattern)):
        validate.real_number(value, "x")


@pytest.mark.parametrize(("value", "pattern"), [
    (np.array(["1"]), "must hold real numbers"), (np.zeros(2, complex), "must hold real numbers"),
    ([[1, 2], [3]], "must be array-like"), (None, "must be a numeric array"),
])
def test_real_array_rejects_non_numeric_data(value, pattern):
    with pytest.raises(ValueError, match=named("x", pattern)):
        validate.real_array(value, "x")


# --- properties --------------------------------------------------------------------------

digit_batches = hnp.arrays(np.float32, st.tuples(st.integers(1, 3), st.just(28), st.just(28)),
                           elements=st.floats(0, 1, width=32))


@settings(max_examples=30, deadline=None)
@given(digit_batches, st.data(), st.sampled_from([np.nan, np.inf, -np.inf]))
def test_any_single_non_finite_pixel_is_refused(array, draw, bad):
    index = tuple(draw.draw(st.integers(0, size - 1)) for size in array.shape)
    array = array.copy()
    array[index] = bad
    with pytest.raises(ValueError, match="contains 1 NaN or infinite pixel values"):
        validate.images(array)
    with pytest.raises(ValueError, match="contains 1 NaN or infinite pixel values"):
        tiles.tile(array, 1, array.shape[0])


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.int64, st.integers(1, 20), elements=st.integers(-1000, 1000)))
def test_labels_are_accepted_exactly_when_they_are_digits(array):
    if array.min() >= 0 and array.max() <= 9:
        np.testing.assert_array_equal(validate.labels(array), array)
        np.testing.assert_array_equal(validate.labels(np.eye(10)[array]), array)
    else:
        with pytest.raises(ValueError, match=r"must lie in 0\.\.9"):
            validate.labels(array)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 3), st.integers(-2, 2))
def test_tile_shape_and_count(nrows, ncols, pad, extra):
    count = nrows * ncols + extra
    if count < 1:
        return
    digits = np.full((count, 28, 28), 0.5, np.float32)
    if extra:
        with pytest.raises(ValueError, match=rf"nrows \* ncols = {nrows * ncols} digits"):
            tiles.tile(digits, nrows, ncols, pad=pad)
    else:
        out = tiles.tile(digits, nrows, ncols, pad=pad)
        assert out.shape == (nrows * 28 + (nrows - 1) * pad, ncols * 28 + (ncols - 1) * pad)


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(1, 6)),
                  elements=st.floats(-3, 3)), st.integers(1, 5))
def test_mosaic_accepts_exactly_the_panels_in_0_1(panels, ncols):
    if panels.min() < -1e-6 or panels.max() > 1 + 1e-6:
        with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
            tiles.mosaic(panels, ncols)
    else:
        out = tiles.mosaic(panels, ncols, pad=1)
        count, height, width = panels.shape
        cols = min(ncols, count)
        rows = -(-count // cols)
        assert out.shape == (rows * (height + 1) - 1, cols * (width + 1) - 1)


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.integers(max_value=0), st.floats(allow_nan=True), st.text(max_size=3),
                 st.booleans(), st.none()))
def test_positive_int_refuses_everything_but_positive_ints(value):
    with pytest.raises(ValueError, match="^n must be a positive integer"):
        validate.positive_int(value, "n")
