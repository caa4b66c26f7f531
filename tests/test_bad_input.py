"""Every public genlab function refuses bad input with a ValueError that says how to fix it.

The file is organised so that each check runs once:

1. a full sweep of bad values against the checks in ``genlab.validate`` (and
   ``paths.check_stem``), asserting each exact message;
2. one representative bad input per public function that takes user input, asserting a
   ``ValueError`` whose message names the argument (the sweep already proves what each
   check says, so a wrapper only has to show that it runs the check on that argument);
3. the boundaries of every count argument: 0 (where it is not allowed), -1, a bool and a
   float are refused, and the smallest valid value works;
4. the special cases with checks of their own (files, statistics, layouts, ...);
5. property tests, and a test that every public function is covered by one of the above.

The cases are cheap: inputs are refused before any classifier, training or file work runs
(the judge is never loaded here; models are a tiny Dense decoder and encoder, or plain
functions), and anything that writes goes to a temporary folder.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import write_fake_mnist
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import genlab
from genlab import (
    animation,
    colab,
    data,
    experiments,
    flops,
    io,
    manifold,
    metrics,
    models,
    notebooks,
    numpy_nn,
    paths,
    plots,
    report,
    series,
    setup,
    tiles,
    validate,
    weights,
)

N = 4  # digits in every "good" batch


def good_digits(n: int = N) -> np.ndarray:
    return np.random.default_rng(0).uniform(0, 1, (n, 28, 28, 1)).astype(np.float32)


GOOD = good_digits()
GOOD_LABELS = np.array([0, 1, 2, 3])
TANH = np.linspace(-1, 1, N * 784).reshape(N, 28, 28)  # a generator's tanh output
RGB = np.zeros((N, 28, 28, 3), np.float32)
PIXELS = np.full((N, 28, 28), 255.0)  # 0..255 floats that were never divided by 255


def named(name: str, pattern: str = "") -> str:
    """The message starts with the argument's name and then says what was expected."""
    return rf"^{re.escape(name)} .*{pattern}"


def exactly(message: str) -> str:
    return rf"^{re.escape(message)}$"


def plain_encoder(inputs):
    """A VAE encoder as a plain function: z_mean = z_log_var = 0 in 2-D."""
    x = inputs[0] if isinstance(inputs, list) else inputs
    return [np.zeros((len(x), 2), np.float32)] * 2


def plain_decoder(inputs):
    """A decoder as a plain function: a grey digit for every code, whatever its size."""
    z = inputs[0] if isinstance(inputs, list) else inputs
    return np.full((len(z), 28, 28, 1), 0.5, np.float32)


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


class Context:
    """What the table-driven cases below need: models, a temporary folder, small files."""

    def __init__(self, tmp: Path, encoder, decoder, evaluator):
        self.tmp, self.encoder, self.decoder, self.evaluator = tmp, encoder, decoder, evaluator

    def gif(self) -> Path:
        path = self.tmp / "frames.gif"
        if not path.is_file():
            animation.save_gif([np.zeros((5, 5)), np.ones((5, 5))], path)
        return path

    def npz(self) -> Path:
        path = self.tmp / "mnist_small.npz"
        return path if path.is_file() else write_fake_mnist(path)

    def pyproject(self, text: str) -> Path:
        (self.tmp / "pyproject.toml").write_text(text, encoding="utf-8")
        return self.tmp


@pytest.fixture
def ctx(tmp_path, monkeypatch, encoder, decoder, evaluator):
    # whatever a case writes lands in tmp_path, never in the checkout
    monkeypatch.setenv("GENLAB_OUT", str(tmp_path / "out"))
    monkeypatch.setattr(paths, "_current_notebook", None)
    return Context(tmp_path, encoder, decoder, evaluator)


# === 1. the checks themselves: every bad value, every exact message =========================

SHAPE = "images must have shape (N, 28, 28, 1) or (N, 28, 28), got "
BAD_IMAGES = {
    "rgb": (RGB, exactly(SHAPE + "(4, 28, 28, 3)")),
    "one digit without a batch axis": (np.zeros((28, 28), np.float32),
                                       exactly(SHAPE + "(28, 28)")),
    "27x27": (np.zeros((N, 27, 27, 1), np.float32), exactly(SHAPE + "(4, 27, 27, 1)")),
    "flattened": (np.zeros((N, 784), np.float32), exactly(SHAPE + "(4, 784)")),
    "empty batch": (np.zeros((0, 28, 28, 1), np.float32),
                    exactly("images is empty: need at least one digit")),
    "uint8 pixels: scale_images hint": (
        np.zeros((N, 28, 28), np.uint8),
        exactly("images must be floating point in [0, 1], got dtype uint8; scale uint8 pixels "
                "with genlab.data.scale_images (divides by 255)")),
    "strings": (np.full((N, 28, 28), "a"), r"^images must be floating point in \[0, 1\], "
                                           r"got dtype <U1;"),
    "object array": (np.empty((N, 28, 28), dtype=object),
                     exactly("images must be a numeric array, got ragged or object data")),
    "ragged list": ([np.zeros((28, 28)), np.zeros((27, 27))],
                    r"^images must be array-like, got list: "),
    "0..255 floats: divide-by-255 hint": (
        PIXELS, exactly("images must lie in [0, 1], got values in [255.000, 255.000] "
                        "(uint8-style pixels? divide by 255)")),
    "just above 1: no hint": (np.full((N, 28, 28), 1.2),
                              exactly("images must lie in [0, 1], got values in [1.200, 1.200]")),
    "negative": (np.full((N, 28, 28), -3.0),
                 exactly("images must lie in [0, 1], got values in [-3.000, -3.000]")),
    "tanh output: rescale hint": (
        TANH, exactly("images has values in [-1.000, 1.000]: this looks like a tanh output in "
                      "[-1, 1]; rescale it to [0, 1] with (x + 1) / 2 first")),
    "4 NaN pixels counted": (
        np.where(np.arange(784).reshape(28, 28) == 5, np.nan, 0.5)[None].repeat(N, 0),
        exactly("images contains 4 NaN or infinite pixel values")),
    "inf": (np.full((N, 28, 28), np.inf),
            exactly("images contains 3136 NaN or infinite pixel values")),
    "-inf": (np.full((N, 28, 28), -np.inf),
             exactly("images contains 3136 NaN or infinite pixel values")),
}


@pytest.mark.parametrize("case", BAD_IMAGES)
def test_images_refuses_each_bad_batch_with_a_message_that_says_how_to_fix_it(case):
    images, pattern = BAD_IMAGES[case]
    with pytest.raises(ValueError, match=pattern):
        validate.images(images)


LABEL_SHAPE = "labels must be a 1-D array of digits 0..9 or one-hot (N, 10), got shape "
NOT_ONE_HOT = ("labels has 10 columns but its rows are not one-hot "
               "(exactly one 1 and nine 0s per row)")
WHOLE = "labels must hold whole numbers 0..9, got non-integer values"
BAD_LABELS = {
    "-1": ([0, 1, 2, -1], exactly("labels must lie in 0..9, got values from -1 to 2")),
    "10": ([0, 1, 2, 10], exactly("labels must lie in 0..9, got values from 0 to 10")),
    "a fraction": ([0, 1, 2, 0.5], exactly(WHOLE)),
    "nan": ([0, 1, 2, np.nan], exactly(WHOLE)),
    "inf": ([0, 1, 2, np.inf], exactly(WHOLE)),
    "strings": (["0", "1", "2", "3"], exactly("labels must be integers 0..9, got dtype <U1")),
    "bools": ([True, False, True, False],
              exactly("labels must be integers 0..9, got dtype bool")),
    "object array": (np.array([0, 1, 2, None], dtype=object),
                     exactly("labels must be a numeric array, got ragged or object data")),
    "2-D, not 10 columns": (np.zeros((N, 3), int), exactly(LABEL_SHAPE + "(4, 3)")),
    "3-D": (np.zeros((N, 10, 1), int), exactly(LABEL_SHAPE + "(4, 10, 1)")),
    "a scalar": (3, exactly(LABEL_SHAPE + "()")),
    "10 columns of zeros": (np.zeros((N, 10)), exactly(NOT_ONE_HOT)),
    "two hot": (np.tile(np.eye(10)[0] + np.eye(10)[1], (N, 1)), exactly(NOT_ONE_HOT)),
    "soft probabilities": (np.full((N, 10), 0.1), exactly(NOT_ONE_HOT)),
    "empty": ([], exactly("labels is empty: need at least one label")),
}


@pytest.mark.parametrize("case", BAD_LABELS)
def test_labels_refuses_each_bad_label_array_with_its_exact_message(case):
    labels, pattern = BAD_LABELS[case]
    with pytest.raises(ValueError, match=pattern):
        validate.labels(labels)


def test_labels_refuses_a_count_that_does_not_match_the_images():
    with pytest.raises(ValueError, match=exactly("labels has 3 entries but 4 were expected")):
        validate.labels([0, 1, 2], length=N)


NOT_A_DIGIT = "labels must be a digit 0..9 or a list of them, got "
BAD_LABEL_LISTS = {
    "10": (10, exactly("labels must lie in 0..9, got values from 10 to 10")),
    "a list with 10": ([3, 10], exactly("labels must lie in 0..9, got values from 3 to 10")),
    "a string": ("3", exactly("labels must be integers 0..9, got dtype <U1")),
    "a float": (3.5, exactly(NOT_A_DIGIT + "3.5")),
    "a bool": (True, exactly(NOT_A_DIGIT + "True")),
    "None": (None, exactly(NOT_A_DIGIT + "None")),
}


@pytest.mark.parametrize("case", BAD_LABEL_LISTS)
def test_label_list_refuses_each_bad_conditioning_label(case):
    value, pattern = BAD_LABEL_LISTS[case]
    with pytest.raises(ValueError, match=pattern):
        validate.label_list(value)


def test_label_list_accepts_a_digit_a_numpy_digit_and_a_range():
    assert validate.label_list(7) == [7]
    assert validate.label_list(np.int64(7)) == [7]
    assert validate.label_list(range(10)) == list(range(10))


# 0, -1, True and 2.5 go through these for every count argument in section 3
@pytest.mark.parametrize("value", ["3", None, np.float64(2.0)], ids=repr)
def test_count_checks_refuse_strings_none_and_numpy_floats(value):
    with pytest.raises(ValueError, match=exactly(f"n must be a positive integer, got {value!r}")):
        validate.positive_int(value, "n")
    with pytest.raises(ValueError,
                       match=exactly(f"n must be a non-negative integer, got {value!r}")):
        validate.non_negative_int(value, "n")


def test_count_checks_accept_numpy_integers_and_return_plain_ints():
    assert type(validate.positive_int(np.int64(3), "n")) is int
    assert validate.non_negative_int(np.uint8(0), "n") == 0


@pytest.mark.parametrize("value", ["3", None, True, np.bool_(True), 1 + 2j, [1.0]], ids=repr)
def test_real_number_refuses_strings_none_bools_complex_and_lists(value):
    with pytest.raises(ValueError, match=exactly(f"x must be a real number, got {value!r}")):
        validate.real_number(value, "x")


@pytest.mark.parametrize(("value", "pattern"), [
    (np.array(["1"]), exactly("x must hold real numbers (int or float), got dtype <U1")),
    (np.zeros(2, complex), exactly("x must hold real numbers (int or float), got dtype "
                                   "complex128")),
    ([[1, 2], [3]], r"^x must be array-like, got list: "),
    (None, exactly("x must be a numeric array, got ragged or object data")),
], ids=["strings", "complex", "ragged", "None"])
def test_real_array_refuses_non_numeric_data(value, pattern):
    with pytest.raises(ValueError, match=pattern):
        validate.real_array(value, "x")


@pytest.mark.parametrize("name", ["", "a/b", "..", "x..y", "a\\b", None, 3], ids=repr)
def test_check_stem_refuses_folders_dot_dot_and_non_strings(name):
    message = ("notebook name must be a file stem such as '02_vae' (letters, digits, '_', "
               f"'-', '.'; no folders), got {name!r}")
    with pytest.raises(ValueError, match=exactly(message)):
        paths.check_stem(name)


# === 2. one representative bad input per public function =====================================
# id -> (a call that passes one bad argument, the pattern its message must match). The
# id names the function; functions whose only checked input is a count are in COUNTS
# (section 3), and those with dedicated tests in COVERED_BELOW (section 4).

def recorder_of(image):
    return animation.FrameRecorder(lambda step: image)


def float_network(rng=None):
    rng = rng or np.random.default_rng(0)
    return numpy_nn.Sequential([numpy_nn.Dense(3, 2, rng), numpy_nn.ReLU()])


WRAPPERS = {
    # animation
    "animation.FrameRecorder": (lambda c: animation.FrameRecorder("not callable"),
                                named("make_frame", "a function step -> image")),
    "animation.FrameRecorder.record": (lambda c: recorder_of(np.full((5, 5), np.nan)).record(0),
                                       named("frame None at step 0", "NaN or infinite")),
    "animation.FrameRecorder.titles": (
        lambda c: recorder_of(np.zeros((5, 5))).titles(key="x"),
        r"^no frames recorded under key 'x'"),
    "animation.titled_frame": (lambda c: animation.titled_frame(np.full((5, 5), 2.0), "t"),
                               named("image", r"must lie in \[0, 1\]")),
    "animation.gif_preview": (lambda c: animation.gif_preview(c.tmp / "missing.gif"),
                              r"missing\.gif is not an existing \.gif file; write it with "
                              r"save_gif first"),
    "animation.show_gif": (lambda c: animation.show_gif(), "^show_gif needs at least one GIF"),
    # colab
    "colab.Setting": (lambda c: colab.Setting("not a repository", "main"),
                      r"^the repository must look like 'owner/name', got 'not a repository'"),
    "colab.Setting branch": (lambda c: colab.Setting("owner/name", "no spaces"),
                             r"^the branch must be a git branch name"),
    "colab.read_setting": (lambda c: colab.read_setting(c.pyproject("[project]\n")),
                           r"has no \[tool\.genlab\] repository"),
    "colab.write_setting": (lambda c: colab.write_setting(colab.Setting("a/b", "main"),
                                                          c.pyproject("[tool.genlab]\n")),
                            r'needs a line repository = "\.\.\." under \[tool\.genlab\]'),
    "colab.main": (lambda c: colab.main(["--repo", "not a repository"]),
                   r"^the repository must look like 'owner/name'"),
    # data
    "data.one_hot": (lambda c: data.one_hot([0, 10]), named("y", r"0\.\.9")),
    "data.validation_split": (
        lambda c: data.validation_split(data.Mnist(GOOD, GOOD_LABELS, GOOD, GOOD_LABELS), 4),
        r"^cannot hold out 4 of 4 training digits: choose n_validation below 4"),
    # experiments
    "experiments.study": (lambda c: experiments.study("nope"), r"^unknown study 'nope'"),
    "experiments.slug": (lambda c: experiments.slug(" : "),
                         r"^a configuration needs a name with letters or digits"),
    "experiments.run_file": (lambda c: experiments.run_file("../x", "default", 0),
                             r"^a study name must be a file stem"),
    "experiments.study_dir": (lambda c: experiments.study_dir("a/b"),
                              r"^a study name must be a file stem"),
    "experiments.samples_of": (
        lambda c: experiments.samples_of({"config": "gamma 10", "checkpoints": []}),
        r"^the run 'gamma 10' has no checkpoint"),
    "experiments.score": (lambda c: experiments.score("nope", None, {"latent_dim": 2},
                                                      c.evaluator, 10),
                          r"^unknown kind 'nope'"),
    "experiments.resolve": (lambda c: experiments.resolve({"from_notebook": "MISSING"}, {}),
                            r"define no dict 'MISSING'"),
    "experiments.run_one": (lambda c: experiments.run_one("tiny", "nope", 0),
                            r"^tiny has no configuration 'nope'"),
    "experiments.recorded": (lambda c: experiments.recorded("../x"),
                             r"^a study name must be a file stem"),
    "experiments.pending": (lambda c: experiments.pending("tiny", only=["nope"], root=c.tmp),
                            r"^tiny has no configuration \['nope'\]"),
    "experiments.summarise": (lambda c: experiments.summarise("nope", root=c.tmp),
                              r"^unknown study 'nope'"),
    "experiments.load_summary": (lambda c: experiments.load_summary("nope"),
                                 r"^unknown study 'nope'"),
    "experiments.run": (lambda c: experiments.run("nope", log=lambda _: None),
                        r"^unknown study 'nope'"),
    "experiments.main": (lambda c: experiments.main(["nope"]), r"^unknown study 'nope'"),
    "experiments.rerun_spread": (lambda c: experiments.rerun_spread({"runs": []}),
                                 r"needs the main_models summary"),
    "experiments.final_samples": (
        lambda c: experiments.final_samples("tiny", root=c.tmp),
        r"^tiny has no run with seed 0 and a checkpoint"),
    # manifold
    "manifold.quantile_axis": (lambda c: manifold.quantile_axis(low="0.1"),
                               exactly("low must be a real number, got '0.1'")),
    "manifold.decode_manifold": (lambda c: manifold.decode_manifold(c.decoder, labels=10, n=2),
                                 named("labels", r"0\.\.9")),
    "manifold.plot_manifold": (lambda c: manifold.plot_manifold(np.zeros((2, 5, 5))),
                               r"^plot_manifold expects one 2-D image, got shape \(2, 5, 5\)"),
    # metrics
    "metrics.judge_outputs": (lambda c: metrics.judge_outputs(RGB), named("images", "shape")),
    "metrics.predict_digits": (lambda c: metrics.predict_digits(TANH),
                               named("images", r"\(x \+ 1\) / 2")),
    "metrics.feature_stats": (lambda c: metrics.feature_stats(PIXELS),
                              named("images", "divide by 255")),
    "metrics.fid": (lambda c: metrics.fid(TANH, GOOD), named("images", "tanh")),
    "metrics.intra_fid": (lambda c: metrics.intra_fid(GOOD, GOOD_LABELS, GOOD, [0, 1, 2]),
                          named("reference_labels", "has 3 entries but 4 were expected")),
    "metrics.precision_recall": (lambda c: metrics.precision_recall(RGB, GOOD),
                                 named("images", "shape")),
    "metrics.class_accuracy": (lambda c: metrics.class_accuracy(GOOD, [0, 1, 2, 10]),
                               named("labels", r"0\.\.9")),
    "metrics.class_histogram": (lambda c: metrics.class_histogram(np.zeros((0, 28, 28))),
                                named("images", "empty")),
    "metrics.class_coverage": (lambda c: metrics.class_coverage(np.full((N, 28, 28), np.inf)),
                               named("images", "NaN or infinite")),
    "metrics.recon_mse": (lambda c: metrics.recon_mse(GOOD, TANH), named("x_rec", "tanh")),
    "metrics.recon_bce": (lambda c: metrics.recon_bce(PIXELS, GOOD), named("x", "255")),
    "metrics.neg_elbo": (lambda c: metrics.neg_elbo(c.encoder, c.decoder, GOOD, y=[0, 1, 2, 10]),
                         named("y", r"0\.\.9")),
    "metrics.latent_usage": (lambda c: metrics.latent_usage(c.encoder, TANH),
                             named("x", "tanh")),
    "metrics.most_active_dims": (lambda c: metrics.most_active_dims([0.1, 0.2]),
                                 r"^usage must be the dict returned by latent_usage"),
    "metrics.style_features": (lambda c: metrics.style_features(np.zeros((N, 784))),
                               named("images", "shape")),
    "metrics.style_transfer": (lambda c: metrics.style_transfer(c.encoder, c.decoder, GOOD,
                                                                ["0", "1", "2", "3"]),
                               named("y", r"integers 0\.\.9")),
    "metrics.style_transfer_accuracy": (
        lambda c: metrics.style_transfer_accuracy(c.encoder, c.decoder, RGB, GOOD_LABELS),
        named("x", "shape")),
    "metrics.edge_slope": (lambda c: metrics.edge_slope(np.zeros((N, 27, 27))),
                           named("images", "shape")),
    "metrics.sharpness": (lambda c: metrics.sharpness(TANH, 1.0), named("images", "tanh")),
    "metrics.speckle": (lambda c: metrics.speckle(PIXELS), named("images", "255")),
    "metrics.shift_and_cut": (lambda c: metrics.shift_and_cut(TANH), named("digits", "tanh")),
    "metrics.shift_nearer_than_cut": (
        lambda c: metrics.shift_nearer_than_cut(lambda x, y: x, GOOD, [0, 1, 2, 10]),
        named("labels", r"0\.\.9")),
    "metrics.label_preference": (lambda c: metrics.label_preference(lambda x, y: y, PIXELS,
                                                                     GOOD_LABELS),
                                 named("x", "255")),
    "metrics.Evaluator": (lambda c: metrics.Evaluator(GOOD, GOOD_LABELS, GOOD, [0, 1, 2]),
                          named("y_train", "has 3 entries but 4 were expected")),
    "metrics.Evaluator x_test": (lambda c: metrics.Evaluator(TANH, GOOD_LABELS, GOOD),
                                 named("x_test", "tanh")),
    "metrics.Evaluator x_train": (lambda c: metrics.Evaluator(GOOD, GOOD_LABELS, RGB),
                                  named("x_train", "shape")),
    "metrics.Evaluator.fid": (lambda c: c.evaluator.fid(TANH), named("images", "tanh")),
    "metrics.Evaluator.sharpness": (lambda c: c.evaluator.sharpness(RGB),
                                    named("images", "shape")),
    "metrics.Evaluator.samples": (lambda c: c.evaluator.samples(GOOD, [0, 1, 2]),
                                  named("labels", "has 3 entries but 4 were expected")),
    "metrics.Evaluator.intra_fid_floor without y_train": (
        lambda c: c.evaluator.intra_fid_floor,
        r"^the intra-class FID floor needs y_train: Evaluator\(x_test, y_test, x_train, y_train\)"),
    # notebooks
    "notebooks.compact_images": (lambda c: notebooks.compact_images(["cells"]),
                                 r"^nb must be a notebook"),
    "notebooks.main": (lambda c: notebooks.main(["quick", "99_nope"]),
                       r"^unknown notebooks \['99_nope'\]"),
    # numpy_nn
    "numpy_nn.Dense": (lambda c: numpy_nn.Dense(3, 2, rng=0),
                       named("rng", "numpy.random.Generator")),
    "numpy_nn.Dense init": (lambda c: numpy_nn.Dense(3, 2, np.random.default_rng(0), "zeros"),
                            named("init", "'he'")),
    "numpy_nn.Dense.forward": (
        lambda c: numpy_nn.Dense(3, 2, np.random.default_rng(0)).forward(np.zeros((4, 5))),
        r"^Dense\(3, 2\) expects inputs with 3 columns, got shape \(4, 5\)"),
    "numpy_nn.LeakyReLU": (lambda c: numpy_nn.LeakyReLU(1.5), named("alpha", r"\[0, 1\)")),
    "numpy_nn.Sequential": (lambda c: numpy_nn.Sequential([]),
                            r"^Sequential needs a non-empty list of layers"),
    "numpy_nn.Sequential.forward": (lambda c: float_network().forward(np.zeros((4, 3), int)),
                                    named("the network's input", "float32 or float64")),
    "numpy_nn.Sequential.backward": (
        lambda c: float_network().backward(np.zeros((4, 2), np.float32), trace=None),
        named("trace", "the Trace that this network's forward returned")),
    "numpy_nn.reparameterize": (lambda c: numpy_nn.reparameterize([[0.0]], np.zeros((1, 1)),
                                                                  np.zeros((1, 1))),
                                named("mu", "a NumPy array")),
    "numpy_nn.reparameterize_backward": (
        lambda c: numpy_nn.reparameterize_backward(
            np.zeros((1, 2)), numpy_nn.reparameterize(*[np.zeros((1, 1))] * 3)[1]),
        r"^grad_z and z must have the same shape"),
    "numpy_nn.kl_standard_normal": (
        lambda c: numpy_nn.kl_standard_normal(np.zeros((2, 2)), np.full((2, 2), np.nan)),
        named("logvar", "NaN or infinite")),
    "numpy_nn.feature_distance": (
        lambda c: numpy_nn.feature_distance(np.zeros((2, 3)), np.zeros((2, 4))),
        r"^f_real and f_fake must have the same shape"),
    "numpy_nn.bce_with_logits": (lambda c: numpy_nn.bce_with_logits(np.zeros((2, 1)), 2.0),
                                 named("target", r"\[0, 1\]")),
    "numpy_nn.Adam": (lambda c: numpy_nn.Adam(float_network().params, learning_rate=0),
                      named("learning_rate", "> 0")),
    "numpy_nn.Adam.step": (lambda c: numpy_nn.Adam(float_network().params).step([]),
                           r"^got 0 gradients for 2 parameters"),
    "numpy_nn.numerical_gradient": (
        lambda c: numpy_nn.numerical_gradient(lambda: 0.0, np.zeros(2, np.float32)),
        r"^numerical_gradient needs a float64 array"),
    "numpy_nn.relative_error": (lambda c: numpy_nn.relative_error(np.zeros(2), np.zeros(3)),
                                r"^the two gradients must have the same shape"),
    # paths (their messages all come from check_stem, swept above)
    "paths.use_notebook": (lambda c: paths.use_notebook("a/b"), r"^notebook name must be"),
    "paths.figs_dir": (lambda c: paths.figs_dir("../x"), r"^notebook name must be"),
    "paths.weights_dir": (lambda c: paths.weights_dir(".."), r"^notebook name must be"),
    "paths.shipped_weights_dir": (lambda c: paths.shipped_weights_dir("a\\b"),
                                  r"^notebook name must be"),
    "paths.shipped_figs_dir": (lambda c: paths.shipped_figs_dir(3), r"^notebook name must be"),
    "paths.artifacts_dir": (lambda c: paths.artifacts_dir("a/b"), r"^notebook name must be"),
    # plots
    "plots.digit_rows": (lambda c: plots.digit_rows([GOOD, RGB]), named("rows[1]", "shape")),
    "plots.digit_grid": (lambda c: plots.digit_grid(np.zeros((N, 28, 28), np.uint8), 2),
                         named("images", "divides by 255")),
    "plots.batch_curves": (lambda c: plots.batch_curves({"loss": [1.0]}, [["kl"]]),
                           r"^panels must name keys of the values: unknown \['kl'\]"),
    "plots.study_curves": (lambda c: plots.study_curves({}, ["fid"]),
                           r"^summary must be a study summary with 'configs'"),
    "plots.training_moments": (
        lambda c: plots.training_moments(recorder_of(np.zeros((5, 5))), [None], [0]),
        r"^recorder must be a FrameRecorder that has recorded frames \(train first\)"),
    "plots.show_saved": (lambda c: plots.show_saved("../x", notebook="01_autoencoder"),
                         r"^a figure name must be a file stem"),
    # series and setup
    "series.build": (lambda c: series.build("01_autoencoder", TANH, GOOD_LABELS),
                     named("x", "tanh")),
    "series.build notebook": (lambda c: series.build("99_nope", GOOD, GOOD_LABELS),
                              r"^no main model for '99_nope'"),
    "setup.start": (lambda c: setup.start("a/b", verbose=False), r"^notebook name must be"),
    # weights
    "weights.save": (lambda c: weights.save({}, notebook="nb"),
                     r"^networks must be a non-empty dict \{name: keras\.Model\}"),
    "weights.find": (lambda c: weights.find("../x", notebook="01_autoencoder"),
                     r"^a network name must be a file stem"),
    "weights.restore": (lambda c: weights.restore({"net": "not a model"}, notebook="nb"),
                        r"^networks\['net'\] must be a keras\.Model, got str"),
    "weights.trained": (lambda c: weights.trained("99_nope"), r"^no notebook '99_nope'"),
}


@pytest.mark.filterwarnings("ignore:.*holds a subset of MNIST")
@pytest.mark.parametrize("function", WRAPPERS)
def test_each_public_function_refuses_a_bad_argument_by_name(function, ctx):
    call, pattern = WRAPPERS[function]
    with pytest.raises(ValueError, match=pattern):
        call(ctx)
    # a refused call leaves nothing behind (weights.save makes its folder first)
    assert not [p for p in ctx.tmp.rglob("*") if p.is_file() and p.suffix not in
                {".gif", ".npz", ".toml"}]


# === 3. count arguments: 0, -1, bools and floats refused; the smallest valid value works ======

def positive(call, name, smallest=1, bad=(0, -1, True, 2.5)):
    return call, name, "positive", smallest, bad


def non_negative(call, name, smallest=0, bad=(-1, True, 2.5)):
    return call, name, "non-negative", smallest, bad


def frame():
    return [np.zeros((5, 5))]


# id "module.function argument" -> (call of (value, ctx), argument name, kind, the smallest
# valid value or None when a valid call would load the judge or train, the bad values)
COUNTS = {
    "tiles.tile nrows": positive(lambda v, c: tiles.tile(GOOD[:2], v, 2), "nrows"),
    "tiles.tile ncols": positive(lambda v, c: tiles.tile(GOOD[:2], 2, v), "ncols"),
    "tiles.tile pad": non_negative(lambda v, c: tiles.tile(GOOD, 2, 2, pad=v), "pad"),
    "tiles.mosaic ncols": positive(lambda v, c: tiles.mosaic(np.zeros((2, 5, 5)), v), "ncols"),
    "tiles.mosaic pad": non_negative(lambda v, c: tiles.mosaic(np.zeros((2, 5, 5)), 2, pad=v),
                                     "pad"),
    "manifold.quantile_axis n": positive(lambda v, c: manifold.quantile_axis(v), "n"),
    "manifold.grid_codes latent_dim": positive(lambda v, c: manifold.grid_codes(latent_dim=v),
                                               "latent_dim", smallest=2),
    "manifold.grid_codes n": positive(lambda v, c: manifold.grid_codes(n=v), "n"),
    "manifold.decode_manifold latent_dim": positive(
        lambda v, c: manifold.decode_manifold(c.decoder, latent_dim=v, n=2), "latent_dim",
        smallest=2),
    "manifold.decode_manifold n": positive(
        lambda v, c: manifold.decode_manifold(c.decoder, latent_dim=2, n=v), "n"),
    "manifold.plot_label_manifolds ncols": positive(
        lambda v, c: manifold.plot_label_manifolds(np.zeros((2, 5, 5)), [0, 1], ncols=v),
        "ncols"),
    "plots.digit_grid ncols": positive(lambda v, c: plots.digit_grid(GOOD, v), "ncols"),
    "plots.batch_curves smooth": positive(
        lambda v, c: plots.batch_curves({"loss": [1.0, 2.0]}, [["loss"]], smooth=v), "smooth"),
    "plots.batch_curves ncols": positive(
        lambda v, c: plots.batch_curves({"loss": [1.0, 2.0]}, [["loss"]], ncols=v), "ncols"),
    "data.make_dataset batch_size": positive(lambda v, c: data.make_dataset(GOOD, batch_size=v),
                                             "batch_size"),
    "data.make_dataset seed": non_negative(lambda v, c: data.make_dataset(GOOD, seed=v), "seed"),
    "data.prepare_mnist n_train": positive(
        lambda v, c: data.prepare_mnist(n_train=v, path=c.npz()), "n_train"),
    "data.prepare_mnist n_test": positive(
        lambda v, c: data.prepare_mnist(n_test=v, path=c.npz()), "n_test"),
    "models.call_in_batches batch_size": positive(
        lambda v, c: models.call_in_batches(lambda x: x, np.zeros(3), batch_size=v), "batch_size"),
    "animation.FrameSchedule dense_until": non_negative(
        lambda v, c: animation.FrameSchedule(dense_until=v), "dense_until"),
    "animation.FrameSchedule dense_every": positive(
        lambda v, c: animation.FrameSchedule(dense_every=v), "dense_every"),
    "animation.FrameSchedule sparse_every": positive(
        lambda v, c: animation.FrameSchedule(sparse_every=v), "sparse_every"),
    "animation.FrameSchedule.records step": non_negative(
        lambda v, c: animation.FrameSchedule().records(v), "step"),
    "animation.FrameSchedule.steps total_steps": non_negative(
        lambda v, c: animation.FrameSchedule().steps(v), "total_steps"),
    "animation.FrameRecorder max_frames": positive(
        lambda v, c: animation.FrameRecorder(lambda step: np.zeros((5, 5)), max_frames=v),
        "max_frames"),
    "animation.scatter_frame size": positive(
        lambda v, c: animation.scatter_frame(np.zeros((N, 2)), GOOD_LABELS, size=v), "size"),
    "animation.scatter_frame dot": positive(
        lambda v, c: animation.scatter_frame(np.zeros((N, 2)), GOOD_LABELS, dot=v), "dot"),
    "animation.titled_frame scale": positive(
        lambda v, c: animation.titled_frame(np.zeros((5, 5)), "title", scale=v), "scale"),
    "animation.save_gif frame_ms": positive(
        lambda v, c: animation.save_gif(frame(), c.tmp / "a.gif", frame_ms=v), "frame_ms"),
    "animation.save_gif last_frame_ms": positive(
        lambda v, c: animation.save_gif(frame(), c.tmp / "a.gif", last_frame_ms=v),
        "last_frame_ms"),
    "animation.save_gif scale": positive(
        lambda v, c: animation.save_gif(frame(), c.tmp / "a.gif", scale=v), "scale"),
    "animation.save_mp4 fps": positive(
        lambda v, c: animation.save_mp4(frame(), c.tmp / "a.mp4", fps=v), "fps"),
    "animation.gif_preview budget_kb": positive(
        lambda v, c: animation.gif_preview(c.gif(), budget_kb=v), "budget_kb"),
    "animation.show_gif budget_kb": positive(
        lambda v, c: animation.show_gif(c.gif(), budget_kb=v), "budget_kb"),
    "flops.matmul_gflops size": positive(lambda v, c: flops.matmul_gflops(size=v, repeats=1),
                                         "size"),
    "flops.matmul_gflops repeats": positive(lambda v, c: flops.matmul_gflops(size=8, repeats=v),
                                            "repeats"),
    "metrics.generate latent_dim": positive(
        lambda v, c: metrics.generate(plain_decoder, latent_dim=v, n=2), "latent_dim"),
    "metrics.generate n": positive(lambda v, c: metrics.generate(plain_decoder, 2, n=v), "n"),
    "metrics.generate seed": non_negative(
        lambda v, c: metrics.generate(plain_decoder, 2, n=2, seed=v), "seed"),
    "metrics.generate batch_size": positive(
        lambda v, c: metrics.generate(plain_decoder, 2, n=2, batch_size=v), "batch_size"),
    "metrics.neg_elbo seed": non_negative(
        lambda v, c: metrics.neg_elbo(plain_encoder, plain_decoder, GOOD, seed=v), "seed"),
    "metrics.neg_elbo batch_size": positive(
        lambda v, c: metrics.neg_elbo(plain_encoder, plain_decoder, GOOD, batch_size=v),
        "batch_size"),
    "metrics.latent_usage batch_size": positive(
        lambda v, c: metrics.latent_usage(plain_encoder, GOOD, batch_size=v), "batch_size"),
    "metrics.most_active_dims count": positive(
        lambda v, c: metrics.most_active_dims({"kl_per_dim": [0.1, 0.3]}, count=v), "count"),
    # a valid call would load the judge: only the refusals are checked
    "metrics.style_transfer batch_size": positive(
        lambda v, c: metrics.style_transfer(plain_encoder, plain_decoder, GOOD, GOOD_LABELS,
                                            batch_size=v), "batch_size", smallest=None),
    "metrics.precision_recall k": positive(
        lambda v, c: metrics.precision_recall(GOOD, GOOD, k=v), "k", smallest=None),
    "metrics.speckle reach": non_negative(lambda v, c: metrics.speckle(GOOD, reach=v), "reach"),
    "setup.seed_everything seed": non_negative(lambda v, c: setup.seed_everything(v), "seed"),
    "series.build batch_size": positive(
        lambda v, c: series.build("01_autoencoder", GOOD, GOOD_LABELS, batch_size=v),
        "batch_size", smallest=None),
    "experiments.final_samples seed": non_negative(
        lambda v, c: experiments.final_samples("tiny", seed=v, root=c.tmp), "seed",
        smallest=None),
    # a valid call would train; batches=0 is not refused: it means the study's default
    "experiments.run_one seed": non_negative(
        lambda v, c: experiments.run_one("tiny", "default", v), "seed", smallest=None),
    "experiments.run_one batches": positive(
        lambda v, c: experiments.run_one("tiny", "default", 0, batches=v), "batches",
        smallest=None, bad=(-1, True, 2.5)),
    "numpy_nn.Dense n_in": positive(
        lambda v, c: numpy_nn.Dense(v, 2, np.random.default_rng(0)), "n_in"),
    "numpy_nn.Dense n_out": positive(
        lambda v, c: numpy_nn.Dense(2, v, np.random.default_rng(0)), "n_out"),
}


@pytest.mark.filterwarnings("ignore:.*holds a subset of MNIST")
@pytest.mark.parametrize("function", sorted({key.split()[0] for key in COUNTS}))
def test_every_count_argument_refuses_0_negatives_bools_and_floats_and_takes_the_smallest(
        function, ctx):
    for argument in [key for key in COUNTS if key.split()[0] == function]:
        call, name, kind, smallest, bad = COUNTS[argument]
        for value in bad:
            try:
                call(value, ctx)
            except ValueError as error:
                assert str(error) == f"{name} must be a {kind} integer, got {value!r}", argument
            else:
                pytest.fail(f"{argument} accepted {value!r}")
        if smallest is not None:
            call(smallest, ctx)  # no error


# === 4. special cases: checks of their own ====================================================

# functions covered by a dedicated test in this section (or by the sweep in section 1)
COVERED_BELOW = {
    "validate.to_numpy", "validate.real_array", "validate.real_number", "validate.images",
    "validate.labels", "validate.positive_int", "validate.non_negative_int",
    "validate.label_list", "paths.check_stem",
    "animation.as_frame", "animation.scatter_frame", "animation.save_gif", "animation.save_mp4",
    "data.load_mnist", "data.scale_images", "data.make_dataset", "flops.model_flops",
    "io.save_json", "io.load_json", "manifold.grid_codes", "manifold.plot_label_manifolds",
    "metrics.frechet_distance", "models.call_model", "models.call_in_batches",
    "models.save_model", "models.load_model", "notebooks.select", "notebooks.execute",
    "notebooks.definitions", "plots.loss_curves", "plots.latent_scatter", "plots.save_fig",
    "report.results_table", "report.replace_between_markers", "report.update_readme",
    "tiles.tile", "tiles.mosaic",
}


def test_label_count_must_match_image_count_in_every_function_that_pairs_them(
        encoder, decoder, evaluator):
    three = [0, 1, 2]
    codes = np.zeros((N, 2))
    checks = [
        (lambda: metrics.class_accuracy(GOOD, three), "labels"),
        (lambda: metrics.intra_fid(GOOD, three, GOOD, GOOD_LABELS), "labels"),
        (lambda: metrics.neg_elbo(encoder, decoder, GOOD, y=three), "y"),
        (lambda: metrics.latent_usage(encoder, GOOD, y=three), "y"),
        (lambda: metrics.style_transfer_accuracy(encoder, decoder, GOOD, three), "y"),
        (lambda: metrics.Evaluator(GOOD, three, GOOD), "y_test"),
        (lambda: evaluator.samples(GOOD, three), "labels"),
        (lambda: plots.latent_scatter(codes, three), "labels"),
        (lambda: animation.scatter_frame(codes, three), "labels"),
        (lambda: series.build("01_autoencoder", GOOD, three), "y"),
    ]
    for call, name in checks:
        with pytest.raises(ValueError, match=named(name, "has 3 entries but 4 were expected")):
            call()
    with pytest.raises(ValueError, match="x has 4 digits but y has 3 labels"):
        data.make_dataset(GOOD, three)
    with pytest.raises(ValueError, match="x has 4 digits but y has 0 labels"):
        data.make_dataset(GOOD, [])


def test_recon_metrics_refuse_batches_of_different_sizes():
    for fn in (metrics.recon_mse, metrics.recon_bce):
        with pytest.raises(ValueError, match=r"same shape.*\(4, 28, 28, 1\) and \(3, 28, 28, 1\)"):
            fn(GOOD, GOOD[:3])


@pytest.mark.parametrize(("reference", "pattern"), [
    (0.0, r"^a numeric reference must be a positive finite edge slope, got 0\.0"),
    (np.nan, "positive finite"),
    ("abc", r"^reference must hold real numbers"),
    (None, r"^reference must be a numeric"),
    (np.zeros((2, 28, 28)), "^the reference digits have no edges"),
    (np.full((2, 28, 28), 255.0), r"^reference must lie in \[0, 1\]"),
], ids=["zero", "nan", "string", "None", "blank digits", "0..255 digits"])
def test_sharpness_refuses_a_reference_that_is_not_a_positive_slope_or_real_digits(
        reference, pattern):
    with pytest.raises(ValueError, match=pattern):
        metrics.sharpness(GOOD, reference)


def test_scale_images_refuses_floats_and_names_x_for_wrong_shapes():
    with pytest.raises(ValueError, match=r"^scale_images expects uint8 pixels 0\.\.255, got "
                                         r"float32; float images are already scaled"):
        data.scale_images(np.zeros((N, 28, 28), np.float32))
    with pytest.raises(ValueError, match=named("x", r"shape \(N, 28, 28, 1\)")):
        data.scale_images(np.zeros((N, 27, 27), np.uint8))


@pytest.mark.parametrize(("y", "pattern"), [
    ([0, 1, 2, 10], r"^y must lie in 0\.\.9"),
    (np.zeros((N, 3)), r"^one-hot y must have 10 columns, got shape \(4, 3\)"),
    (np.zeros((N, 10)), r"^y has 10 columns but its rows are not one-hot"),
    (np.zeros((N, 10, 1)), r"^y must be class ids \(N,\) or one-hot \(N, 10\)"),
], ids=["class ids out of range", "3 columns", "10 columns not one-hot", "3-D"])
def test_make_dataset_refuses_labels_that_are_neither_class_ids_nor_one_hot(y, pattern):
    with pytest.raises(ValueError, match=pattern):
        data.make_dataset(GOOD, y)


def test_one_hot_refuses_any_number_of_classes_but_ten():
    with pytest.raises(ValueError, match="num_classes must be 10, got 5"):
        data.one_hot([1, 2], num_classes=5)


def test_conditioning_labels_of_manifolds_go_through_label_list(decoder):
    for call in (lambda: manifold.decode_manifold(decoder, latent_dim=2, labels=3.5, n=2),
                 lambda: manifold.plot_label_manifolds(np.zeros((2, 5, 5)), labels=3.5)):
        with pytest.raises(ValueError, match=exactly(NOT_A_DIGIT + "3.5")):
            call()


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"latent_dim": 1}, "latent_dim >= 2"),
    ({"dims": (0, 0)}, r"dims must be two different axes in 0\.\.1, got \(0, 0\)"),
    ({"dims": (0, 2)}, r"dims must be two different axes in 0\.\.1"),
    ({"dims": (0, -1)}, r"dims must be two different axes"),
    ({"dims": (0, 1, 2)}, r"dims must be two different axes"),
    ({"dims": (0, 1.0)}, r"dims must be two different axes"),
    ({"dims": (True, 0)}, r"dims must be two different axes"),
    ({"dims": 0}, r"dims must be two different axes"),
    ({"low": 0.0}, "0 < low < high < 1"),
    ({"high": 1.0}, "0 < low < high < 1"),
    ({"low": 0.9, "high": 0.1}, "0 < low < high < 1"),
    ({"low": float("nan")}, "0 < low < high < 1"),
    ({"high": None}, "^high must be a real number"),
], ids=["latent 1", "same axis twice", "axis too large", "negative axis", "three axes",
        "float axis", "bool axis", "not a pair", "low 0", "high 1", "low above high", "nan",
        "high None"])
def test_manifold_grid_refuses_axes_and_quantiles_outside_the_prior(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        manifold.grid_codes(**{"latent_dim": 2, "n": 3, **kwargs})


def test_decode_manifold_checks_its_grid_before_decoding(decoder):
    with pytest.raises(ValueError, match=r"dims must be two different axes"):
        manifold.decode_manifold(decoder, latent_dim=2, n=3, dims=(0, 0))


def test_latent_dim_that_does_not_fit_the_decoder_fails_with_the_expected_shape(decoder):
    expected = r"expected shape=\(None, 2\), found shape=\(\d+, 3\)"
    with pytest.raises(ValueError, match=expected):
        manifold.decode_manifold(decoder, latent_dim=3, n=2)
    with pytest.raises(ValueError, match=expected):
        metrics.generate(decoder, latent_dim=3, n=4)
    with pytest.raises(ValueError, match=expected):
        models.call_model(decoder, np.zeros((2, 3), np.float32))


def test_decoder_output_that_is_not_digits_is_refused_as_decoder_output():
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
    with pytest.raises(ValueError, match="the decoder returned 1 digits for 3 codes"):
        metrics.generate(too_few, 2, n=3)


@pytest.mark.parametrize(("inputs", "pattern"), [
    (np.zeros(0), r"non-empty and aligned, got lengths \[0\]"),
    ([np.zeros(3), np.zeros(4)], r"non-empty and aligned, got lengths \[3, 4\]"),
    ("abc", r"an array \(one row per example\) or a list of them, got str"),
    ([], r"an array \(one row per example\) or a list of them, got list"),
], ids=["empty", "misaligned", "a string", "an empty list"])
def test_call_in_batches_refuses_empty_misaligned_and_scalar_inputs(inputs, pattern):
    with pytest.raises(ValueError, match=pattern):
        models.call_in_batches(lambda x: x, inputs)


@pytest.mark.parametrize(("images", "pattern"), [
    (np.zeros((2, 28, 28, 1)), r"^mosaic needs a stack of 2-D images \(K, H, W\), got shape "
                               r"\(2, 28, 28, 1\)"),
    (np.zeros((0, 5, 5)), r"stack of 2-D images \(K, H, W\)"),
    (np.full((2, 5, 5), np.inf), "^images contain NaN or infinite values"),
    (np.full((2, 5, 5), -0.5), r"^images must lie in \[0, 1\] like the digits"),
    (np.full((2, 5, 5), "0.5"), r"^images must hold real numbers"),
    (None, r"^images must be a numeric array"),
], ids=["4-D", "empty", "inf", "negative", "strings", "None"])
def test_mosaic_refuses_panels_that_are_not_a_stack_of_images_in_0_1(images, pattern):
    with pytest.raises(ValueError, match=pattern):
        tiles.mosaic(images, ncols=2)


@pytest.mark.parametrize("pad_value", [-0.1, 1.5, float("nan"), "white"], ids=repr)
def test_pad_value_must_be_a_number_in_0_1_for_tile_and_mosaic(pad_value):
    pattern = r"^pad_value must (be a real number|lie in \[0, 1\])"
    with pytest.raises(ValueError, match=pattern):
        tiles.tile(GOOD, 2, 2, pad=1, pad_value=pad_value)
    with pytest.raises(ValueError, match=pattern):
        tiles.mosaic(np.zeros((2, 5, 5)), 2, pad_value=pad_value)


def test_tile_needs_exactly_nrows_times_ncols_digits():
    with pytest.raises(ValueError, match=r"exactly nrows \* ncols = 6 digits, got 4"):
        tiles.tile(GOOD, 2, 3)


@pytest.mark.parametrize(("image", "pattern"), [
    (np.zeros((N, 28, 28, 1)), r"one image \(H, W\) or \(H, W, 3\).*genlab\.tiles\.tile"),
    (np.zeros((5, 5, 4)), r"one image \(H, W\) or \(H, W, 3\)"),
    (np.zeros((0, 0)), r"one image \(H, W\) or \(H, W, 3\)"),
    (np.full((5, 5), -np.inf), "contains NaN or infinite values"),
    (np.full((5, 5), 1.5), r"must lie in \[0, 1\], got \[1\.500, 1\.500\]"),
    (np.full((5, 5), "0.5"), "must hold real numbers"),
    (None, "must be a numeric array"),
], ids=["a batch: tile hint", "4 channels", "empty", "-inf", "above 1", "strings",
        "None"])
def test_as_frame_refuses_anything_but_one_finite_image_in_0_1(image, pattern):
    with pytest.raises(ValueError, match=named("image", pattern)):
        animation.as_frame(image)


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
    with pytest.raises(ValueError, match=named("image", "NaN or infinite")):
        animation.save_gif([frame, np.full((5, 5), np.nan)], tmp_path / "a.gif")
    # frames are checked even when there is no ffmpeg to write them
    monkeypatch.setattr(animation, "ffmpeg_binary", lambda: None)
    with pytest.raises(ValueError, match="no frames to write"):
        animation.save_mp4([], tmp_path / "a.mp4")
    assert not list(tmp_path.iterdir())


def test_gif_preview_refuses_a_file_that_is_not_a_gif(tmp_path):
    png = tmp_path / "frame.png"
    png.write_bytes(b"not a gif")
    with pytest.raises(ValueError, match=r"frame\.png is not an existing \.gif file"):
        animation.gif_preview(png)
    with pytest.raises(ValueError, match=r"missing\.gif is not an existing \.gif file"):
        animation.show_gif(png.with_name("missing.gif"))


@pytest.mark.parametrize(("codes", "pattern"), [
    (np.zeros((N, 3)), r"^codes must have shape \(N, 2\) with N > 0, got \(4, 3\)"),
    (np.zeros(N), r"^codes must have shape \(N, 2\) with N > 0, got \(4,\)"),
    (np.zeros((0, 2)), r"^codes must have shape \(N, 2\) with N > 0, got \(0, 2\)"),
    (np.full((N, 2), np.nan), "^codes contain NaN or infinite values"),
    (np.full((N, 2), "1"), "^codes must hold real numbers"),
], ids=["3 columns", "1-D", "empty", "nan", "strings"])
def test_scatter_functions_refuse_codes_that_are_not_finite_2d_points(codes, pattern):
    with pytest.raises(ValueError, match=pattern):
        plots.latent_scatter(codes, GOOD_LABELS)
    with pytest.raises(ValueError, match=pattern):
        animation.scatter_frame(codes, GOOD_LABELS)


@pytest.mark.parametrize("limit", [0, float("nan"), "4"], ids=repr)
def test_scatter_limit_must_be_a_positive_number(limit):
    pattern = "^limit must (be a real number|be positive)"
    with pytest.raises(ValueError, match=pattern):
        plots.latent_scatter(np.zeros((N, 2)), GOOD_LABELS, limit=limit)
    with pytest.raises(ValueError, match=pattern):
        animation.scatter_frame(np.zeros((N, 2)), GOOD_LABELS, limit=limit)


@pytest.mark.parametrize("scale", [0, float("nan"), "big"], ids=repr)
def test_plot_scale_must_be_a_positive_number(scale):
    pattern = "^scale must (be a real number|be positive)"
    with pytest.raises(ValueError, match=pattern):
        plots.digit_rows([GOOD], scale=scale)
    with pytest.raises(ValueError, match=pattern):
        plots.digit_grid(GOOD, 2, scale=scale)


def test_digit_rows_and_grid_refuse_layouts_that_do_not_fit_the_digits():
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


@pytest.mark.parametrize(("images", "pattern"), [
    (np.zeros((3, 5, 5)), r"one manifold per label, shape \(2, H, W\), got \(3, 5, 5\)"),
    (np.zeros((2, 5, 5, 1)), r"one manifold per label, shape \(2, H, W\)"),
    (np.stack([np.zeros((5, 5)), np.full((5, 5), np.nan)]), "NaN or infinite"),
], ids=["one manifold too many", "4-D", "nan"])
def test_plot_label_manifolds_refuses_panels_that_do_not_match_the_labels(images, pattern):
    with pytest.raises(ValueError, match=pattern):
        manifold.plot_label_manifolds(images, labels=[0, 1])


def test_batch_and_study_curves_refuse_panels_that_do_not_match():
    values = {"loss": [1.0, 2.0], "kl": [0.5, 0.4]}
    with pytest.raises(ValueError, match=r"panels must name keys of the values: unknown \[\]"):
        plots.batch_curves(values, [])
    with pytest.raises(ValueError, match=r"references needs one entry per panel \(1\), got 2"):
        plots.batch_curves(values, [["loss", "kl"]], references=[{}, {}])
    with pytest.raises(ValueError, match=r"titles needs one entry per panel \(2\), got 1"):
        plots.batch_curves(values, [["loss"], ["kl"]], titles=["a"])
    summary = {"configs": {"default": {"checkpoints": []}}}
    with pytest.raises(ValueError, match=r"no configurations \['other'\] in the summary"):
        plots.study_curves(summary, ["fid"], configs=["other"])


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
], ids=["an array", "None", "different sizes", "nan mean", "inf covariance",
        "covariance of another size", "2-D mean"])
def test_frechet_distance_refuses_anything_but_matching_finite_statistics(a, b, pattern):
    with pytest.raises(ValueError, match=pattern):
        metrics.frechet_distance(a, b)
    if isinstance(a, metrics.FeatureStats) and isinstance(b, metrics.FeatureStats):
        with pytest.raises(ValueError, match=pattern):
            metrics.fid(a, b)


def test_most_active_dims_refuses_more_dimensions_than_the_code_has():
    with pytest.raises(ValueError, match="count must be at most the latent size 2, got 3"):
        metrics.most_active_dims({"kl_per_dim": [0.1, 0.2]}, count=3)


def test_latent_usage_needs_two_digits_for_a_variance():
    with pytest.raises(ValueError, match="latent_usage needs at least 2 digits"):
        metrics.latent_usage(plain_encoder, GOOD[:1])


@pytest.mark.parametrize(("history", "kwargs", "pattern"), [
    (None, {}, "a Keras History or a non-empty dict"),
    ({}, {}, "a Keras History or a non-empty dict"),
    ({"loss": []}, {}, "empty metric list"),
    ({"loss": [[1.0, 2.0]]}, {}, r"history\['loss'\] must be a list of numbers"),
    ({"loss": ["high"]}, {}, r"history\['loss'\] must hold real numbers"),
    ({"loss": [1.0, None]}, {}, r"history\['loss'\] must be a numeric array"),
    ({"loss": [1.0]}, {"keys": ["kl"]}, r"no such keys in the history: \['kl'\]"),
    ({"loss": [1.0, 2.0, 3.0], "val_loss": [1.0, 2.0]}, {}, "validation_freq must divide"),
], ids=["None", "empty dict", "empty list", "2-D", "strings", "None in a list",
        "unknown key", "validation_freq"])
def test_loss_curves_refuses_histories_that_are_not_lists_of_numbers(history, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        plots.loss_curves(history, **kwargs)


def test_no_current_notebook_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(paths, "_current_notebook", None)
    with pytest.raises(ValueError, match=r"no notebook is set: call genlab\.paths\.use_notebook"):
        paths.current_notebook()
    with pytest.raises(ValueError, match="no notebook is set"):
        plots.save_fig("manifold")


@pytest.mark.parametrize("name", ["", "figs/manifold", "a\\b", None], ids=repr)
def test_save_fig_needs_a_plain_file_name(name):
    with pytest.raises(ValueError, match="^name must be a plain file name"):
        plots.save_fig(name)


@pytest.mark.parametrize(("override", "pattern"), [
    ({"x_train": np.zeros((10, 28, 28), np.float32)}, r"x_train must be uint8 pixels 0\.\.255"),
    ({"x_train": np.zeros((10, 27, 27), np.uint8)}, r"x_train must have shape \(N, 28, 28\)"),
    ({"x_test": np.zeros((0, 28, 28), np.uint8), "y_test": np.zeros(0, np.uint8)},
     "x_test is empty"),
    ({"y_train": np.full(120, 10, np.uint8)}, r"y_train must hold labels 0\.\.9, found 10\.\.10"),
    ({"y_test": np.arange(39) % 10}, r"y_test must have shape \(40,\) to match x_test"),
    ({"y_train": np.full(120, 0.5)}, "y_train must hold integer labels"),
    ({"y_test": None}, r"missing arrays \['y_test'\]"),
], ids=["float pixels", "27x27", "empty", "label 10", "one label short", "float labels",
        "no y_test"])
def test_load_mnist_refuses_a_file_with_wrong_arrays_and_names_it(override, pattern, tmp_path):
    path = write_fake_mnist(tmp_path / "wrong.npz", **override)
    with pytest.raises(ValueError, match=pattern):
        data.load_mnist(path)


def test_load_mnist_refuses_a_corrupt_file_and_names_a_missing_one(tmp_path):
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
], ids=["a list", "nan", "nested inf", "numpy nan", "numpy array with -inf"])
def test_save_json_refuses_non_dicts_and_non_finite_numbers(data_, pattern, tmp_path):
    with pytest.raises(ValueError, match=pattern):
        io.save_json(data_, tmp_path / "m.json")
    assert not list(tmp_path.iterdir())


def test_load_json_refuses_invalid_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid JSON"):
        io.load_json(bad)


@pytest.mark.parametrize(("results", "pattern"), [
    ({}, "non-empty list 'models'"),
    ({"models": []}, "non-empty list 'models'"),
    ({"models": [{"fid_ratio": 1.0}]}, "every model needs a 'name'"),
    ({"models": [{"name": "vae", "fid_ratio": np.nan}]}, "results must be finite, got nan"),
    ({"models": [{"name": "vae", "recall": "12"}]}, "results must hold numbers, got '12'"),
    ({"models": [{"name": "vae", "kl": True}]}, "results must hold numbers, got True"),
    ({"models": [{"name": "vae"}], "fid_floor": float("inf")}, "results must be finite"),
], ids=["no models", "empty models", "no name", "nan", "a string", "a bool", "inf floor"])
def test_results_table_refuses_results_without_named_models_and_finite_numbers(results,
                                                                                pattern):
    with pytest.raises(ValueError, match=pattern):
        report.results_table(results)


def test_report_markers_and_missing_results(tmp_path):
    with pytest.raises(ValueError, match="each of these markers exactly once"):
        report.replace_between_markers("no markers here", "| table |")
    twice = f"{report.START}\n{report.END}\n{report.START}\n{report.END}"
    with pytest.raises(ValueError, match="exactly once"):
        report.replace_between_markers(twice, "| table |")
    with pytest.raises(ValueError, match="does not exist: run notebooks/06_comparison.ipynb"):
        report.update_readme(tmp_path / "README.md", tmp_path / "results.json")


def test_notebook_runner_refuses_unknown_notebooks_and_modes():
    with pytest.raises(ValueError, match=r"unknown notebooks \['99_nope'\]; choose from"):
        notebooks.select(["99_nope"], [Path("01_autoencoder.ipynb")])
    with pytest.raises(ValueError, match=r"mode must be one of \('quick', 'full'\), got 'fast'"):
        notebooks.execute(Path("01_autoencoder.ipynb"), "fast")
    with pytest.raises(ValueError, match="no notebook '99_nope'; choose from"):
        notebooks.definitions("99_nope")


# === 5. properties, and every public function covered ==========================================

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


# public functions and classes that take arguments but have nothing to refuse here
NOT_CHECKED = {
    "animation.scatter_panel": "hands every argument to scatter_frame, checked above",
    "report.fill_numbers": "its errors are tested in tests/test_report.py (missing file, key, "
                           "position, non-number)",
    "report.lookup": "the path walker behind fill_numbers, tested with it",
    "report.compat_table": "reads the repository's own scripts/keras_compat.json",
    "report.studies_table": "reads the repository's own experiments/ folder",
    "experiments.config_batches": "reads a Study the runner defines; tested in test_experiments",
    "classifier.augment": "Keras preprocessing layers seeded with any integer",
    "classifier.train": "trains the judge for minutes; its seed goes through seed_everything",
    "classifier.load": "a missing weights file is a FileNotFoundError (tests/test_metrics.py)",
    "classifier.load_with_features": "the same loader as classifier.load",
    "classifier.main": "the command line",
    "colab.colab_url": "formats a Setting, which checked itself when it was made",
    "colab.badge": "formats a Setting, which checked itself when it was made",
    "colab.setup_block": "formats a Setting, which checked itself when it was made",
    "colab.apply": "rewrites the checkout at root from a Setting (tests/test_colab.py)",
    "colab.disagreements": "reads the checkout at root (tests/test_colab.py)",
    "data.Mnist": "a container that prepare_mnist fills with checked arrays",
    "experiments.Study": "the studies are defined in the module itself",
    "experiments.code_version": "reads notebooks/<notebook>.ipynb (a FileNotFoundError)",
    "experiments.table": "formats a summary that summarise wrote",
    "io.atomic_path": "any path: it only writes a temporary file beside it",
    "layers.Sampling": "a Keras layer: Keras checks its inputs",
    "layers.LabelBroadcast": "a Keras layer: Keras checks its inputs",
    "metrics.FeatureStats": "checked where it is used, by frechet_distance",
    "notebooks.list_notebooks": "lists root/notebooks, whatever root is",
    "notebooks.output_problems": "reads a notebook file (a FileNotFoundError)",
    "numpy_nn.Trace": "made by Sequential.forward, checked by Sequential.backward",
    "report.main": "the command line, with one flag",
    "series.Trainable": "made by series.build",
    "series.training_flops_per_image": "takes what series.build returned",
    "setup.Session": "made by setup.start",
    "training.Divergence": "made by StopOnNonFinite",
    "training.StopOnNonFinite": "a Keras callback with one flag",
    "weights.round_to_stored": "called by weights.save on networks it has checked",
}


def public_callables():
    """``{"module.name": takes arguments}`` for every public function and class of genlab."""
    found = {}
    for info in pkgutil.iter_modules(genlab.__path__):
        module = importlib.import_module(f"genlab.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isfunction(inspect.unwrap(obj)) or inspect.isclass(obj)):
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            found[f"{info.name}.{name}"] = bool(inspect.signature(obj).parameters)
    return found


def test_every_public_function_that_takes_arguments_is_covered_here():
    public = public_callables()
    listed = COVERED_BELOW | set(NOT_CHECKED)
    covered = {key.split()[0] for key in [*WRAPPERS, *COUNTS]} | listed
    missing = sorted(name for name, takes_arguments in public.items()
                     if takes_arguments and name not in covered)
    assert not missing, f"add a bad-input case (or a NOT_CHECKED reason) for {missing}"
    stale = sorted(listed - set(public))
    assert not stale, f"listed here but no longer in genlab: {stale}"
