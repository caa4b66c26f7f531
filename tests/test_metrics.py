"""Each metric means what it says, shown on real MNIST with the committed judge."""

import json

import keras
import numpy as np
import pytest
from scipy import linalg, ndimage

from genlab import classifier, metrics, models


@pytest.fixture(scope="module")
def evaluator(mnist):
    return metrics.Evaluator(mnist.x_test, mnist.y_test, mnist.x_train)


def blurred(images, sigma):
    return ndimage.gaussian_filter(images, sigma=(0, sigma, sigma, 0))


def test_judge_ships_inside_the_package_with_its_accuracy():
    report = json.loads((classifier.judge_dir() / classifier.REPORT_FILE).read_text())
    assert report["command"] == "python -m genlab.classifier"
    assert report["test_accuracy"] >= classifier.TARGET_ACCURACY
    weights_file = classifier.judge_dir() / classifier.WEIGHTS_FILE
    assert weights_file.stat().st_size < 5 * 2**20
    assert "site-packages" in str(weights_file) or weights_file.is_relative_to(
        classifier.judge_dir())  # found through importlib.resources, not the checkout


def test_the_judge_built_and_given_its_weights_equals_a_full_model_load(mnist, tmp_path):
    judge = classifier.load()
    full_file = tmp_path / "judge.keras"
    judge.save(full_file)  # architecture, configs and weights in one file
    full = keras.saving.load_model(full_file)
    x = mnist.x_test[:500]
    np.testing.assert_array_equal(models.call_model(judge, x), models.call_model(full, x))
    with pytest.raises(FileNotFoundError, match="reinstall genlab"):
        classifier.load(str(tmp_path / "missing.weights.h5"))


def test_class_accuracy_of_real_digits_is_the_judges_accuracy(mnist):
    report = json.loads((classifier.judge_dir() / classifier.REPORT_FILE).read_text())
    accuracy = metrics.class_accuracy(mnist.x_test, mnist.y_test)
    assert accuracy == pytest.approx(report["test_accuracy"], abs=1e-3)
    shuffled = np.random.default_rng(0).permutation(mnist.y_test)
    assert metrics.class_accuracy(mnist.x_test, shuffled) == pytest.approx(0.1, abs=0.02)


def test_fid_orders_real_blurred_and_noise(mnist, evaluator):
    floor = evaluator.fid_floor
    noise = np.random.default_rng(0).random((10_000, 28, 28, 1)).astype(np.float32)
    fid_noise = evaluator.fid(noise)["fid"]
    fid_blur = evaluator.fid(blurred(mnist.x_test, 1.0))["fid"]
    assert floor < fid_blur < fid_noise
    assert fid_noise > 100 * floor  # noise is nothing like digits
    assert evaluator.fid(blurred(mnist.x_test, 1.0))["fid_ratio"] == pytest.approx(
        fid_blur / floor)


def test_fid_is_symmetric_and_zero_for_a_set_against_itself(mnist):
    a, b = mnist.x_test[:3000], mnist.x_train[:3000]
    assert metrics.fid(a, b) == pytest.approx(metrics.fid(b, a), rel=1e-6)
    assert metrics.fid(a, a) == pytest.approx(0.0, abs=1e-6 * metrics.fid(a, b) + 1e-6)


def noisy(images, amplitude, seed=0):
    rng = np.random.default_rng(seed)
    return np.clip(images + rng.normal(0.0, amplitude, images.shape), 0, 1).astype(np.float32)


def checkerboard(images, amplitude):
    board = (np.indices((28, 28)).sum(axis=0) % 2 * 2 - 1)[None, :, :, None]
    return np.clip(images + amplitude * board, 0, 1).astype(np.float32)


def test_edge_slope_of_one_sharp_edge_is_its_step():
    step = np.zeros((1, 28, 28, 1), np.float32)
    step[0, :, 14:, 0] = 1.0  # a vertical edge from 0 to 1, one column
    # after the 2 x 2 box average the edge rises in two steps of 0.5: the slope is 0.5
    # (the image border adds a falling edge of the same height on the right)
    assert metrics.edge_slope(step) == pytest.approx(0.5, rel=0.02)
    assert metrics.edge_slope(np.zeros((2, 28, 28, 1), np.float32)) == 0.0


def test_sharpness_accepts_a_precomputed_reference_and_rejects_bad_ones(mnist):
    reference = metrics.edge_slope(mnist.x_test[:500])
    assert metrics.sharpness(mnist.x_test[:500], np.float32(reference)) == pytest.approx(1.0,
                                                                                      rel=1e-6)
    for bad in (0.0, float("inf"), -1.0):
        with pytest.raises(ValueError, match="positive finite"):
            metrics.sharpness(mnist.x_test[:10], bad)


def test_sharpness_is_one_for_real_digits_and_falls_with_blur(mnist, evaluator):
    assert evaluator.sharpness(mnist.x_test) == pytest.approx(1.0)
    assert metrics.sharpness(mnist.x_train[:5000], mnist.x_test) == pytest.approx(1.0, abs=0.05)
    by_blur = [evaluator.sharpness(blurred(mnist.x_test[:2000], s)) for s in (0.5, 1.0, 1.5)]
    assert 1.0 > by_blur[0] > by_blur[1] > by_blur[2]
    assert by_blur[1] < 0.6  # a blur of one pixel halves the edge slope
    binary = (mnist.x_test[:2000] > 0.5).astype(np.float32)  # hard edges: sharper than real
    assert evaluator.sharpness(binary) > 1.1
    with pytest.raises(ValueError, match="no edges"):
        metrics.sharpness(mnist.x_test[:10], np.zeros((4, 28, 28, 1), np.float32))


@pytest.mark.parametrize("amplitude", [0.05, 0.1, 0.2, 0.3])
def test_sharpness_is_not_raised_by_pixel_noise_or_a_checkerboard(mnist, evaluator, amplitude):
    clean_and_blurred = [mnist.x_test[:2000], blurred(mnist.x_test[:2000], 1.0)]
    # a one-pixel blur halves the edge slope; noise of std 0.3 alone has a slope about as
    # steep, so on blurred digits the check stops at 0.2
    for images in clean_and_blurred[:1] if amplitude > 0.2 else clean_and_blurred:
        clean = evaluator.sharpness(images)
        assert evaluator.sharpness(noisy(images, amplitude)) < clean
        assert evaluator.sharpness(checkerboard(images, amplitude)) < clean
    # the measure it replaces, the mean squared Laplacian, rises: it counted noise as edges
    laplacian = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]

    def energy(images):
        return np.mean(ndimage.convolve(images[..., 0], np.array(laplacian)[None]) ** 2)

    assert energy(noisy(mnist.x_test[:2000], amplitude)) > energy(mnist.x_test[:2000])


def test_speckle_is_zero_for_real_digits_and_rises_with_stray_ink(mnist):
    real = mnist.x_test[:2000]
    assert metrics.speckle(real) < 0.001
    assert metrics.speckle(blurred(real, 1.0)) < 0.01  # blur stays near the strokes
    assert metrics.speckle(noisy(real, 0.1)) > 0.1
    assert metrics.speckle(checkerboard(real, 0.1)) > 0.1
    dot = np.zeros((1, 28, 28, 1), np.float32)
    dot[0, 5:20, 10:12] = 1.0  # a stroke of 30 pixels of ink
    dot[0, 25, 25] = 0.3  # a grey speck far from it
    assert metrics.speckle(dot) == pytest.approx(0.3 / 30.3)
    assert metrics.speckle(dot, reach=20) == 0.0  # within reach of the stroke: not stray


def test_class_coverage_of_real_digits_and_of_a_collapsed_set(mnist):
    assert metrics.class_coverage(mnist.x_test) > 0.85
    ones = mnist.x_test[mnist.y_test == 1]
    assert metrics.class_coverage(ones) == 0.0
    assert metrics.class_histogram(ones)[1] > 0.99 * len(ones)


def test_metrics_refuse_a_tanh_output(mnist):
    tanh_like = mnist.x_test[:100] * 2 - 1
    for fn in (metrics.class_coverage, metrics.predict_digits):
        with pytest.raises(ValueError, match=r"rescale it to \[0, 1\] with \(x \+ 1\) / 2"):
            fn(tanh_like)
    with pytest.raises(ValueError, match="rescale"):
        metrics.recon_mse(mnist.x_test[:100], tanh_like)
    with pytest.raises(ValueError, match="100 entries but 99"):
        metrics.class_accuracy(mnist.x_test[:99], mnist.y_test[:100])


def test_reconstruction_errors():
    x = np.zeros((2, 28, 28, 1), np.float32)
    x_rec = np.full((2, 28, 28, 1), 0.5, np.float32)
    assert metrics.recon_mse(x, x_rec) == pytest.approx(0.25)
    assert metrics.recon_bce(x, x_rec) == pytest.approx(np.log(2))
    assert metrics.recon_bce(x, x) == pytest.approx(0.0, abs=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        metrics.recon_mse(x, x_rec[:1])


def tiny_vae(latent_dim=2):
    x_in = keras.Input((28, 28, 1))
    h = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(x_in))
    encoder = keras.Model(x_in, [keras.layers.Dense(latent_dim)(h),
                                 keras.layers.Dense(latent_dim)(h)])
    z_in = keras.Input((latent_dim,))
    out = keras.layers.Dense(784, activation="sigmoid")(
        keras.layers.Dense(64, activation="relu")(z_in))
    decoder = keras.Model(z_in, keras.layers.Reshape((28, 28, 1))(out))
    return encoder, decoder


def train_tiny_vae(encoder, decoder, x, steps=150, seed=0):
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    optimizer = keras.optimizers.Adam(3e-3)
    weights = encoder.trainable_weights + decoder.trainable_weights
    for step in range(steps):
        xb = x[(step * 128) % len(x):][:128]
        with tf.GradientTape() as tape:
            z_mean, z_log_var = encoder(xb)
            z = z_mean + tf.exp(0.5 * z_log_var) * tf.random.normal(tf.shape(z_mean))
            p = tf.clip_by_value(decoder(z), 1e-7, 1 - 1e-7)
            rec = -tf.reduce_sum(xb * tf.math.log(p) + (1 - xb) * tf.math.log(1 - p), [1, 2, 3])
            kl = -0.5 * tf.reduce_sum(1 + z_log_var - z_mean**2 - tf.exp(z_log_var), 1)
            loss = tf.reduce_mean(rec + kl)
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights, strict=True))
    return float(loss)


def test_neg_elbo_of_a_trained_vae_beats_a_decoder_that_ignores_its_input(mnist):
    encoder, decoder = tiny_vae()
    untrained = metrics.neg_elbo(encoder, decoder, mnist.x_test[:2000])
    train_tiny_vae(encoder, decoder, mnist.x_train[:10_000])
    trained = metrics.neg_elbo(encoder, decoder, mnist.x_test[:2000])
    mean_digit = mnist.x_train.mean(axis=0, keepdims=True)

    def ignores_z(z):  # the best a decoder can do without looking at z: the mean digit
        return np.repeat(mean_digit, len(z), axis=0)

    ignoring = metrics.neg_elbo(encoder, ignores_z, mnist.x_test[:2000])
    assert trained < ignoring < untrained
    assert 80 < trained < 250  # nats per image, the range of small MNIST VAEs
    same_seed = metrics.neg_elbo(encoder, decoder, mnist.x_test[:2000], seed=0)
    assert same_seed == trained  # deterministic for a seed


def test_neg_elbo_matches_the_closed_form():
    x = np.zeros((3, 28, 28, 1), np.float32)
    half = np.full((3, 28, 28, 1), 0.5, np.float32)

    def encoder(z_mean):
        return lambda x_in: [np.tile(z_mean, (len(x_in), 1)), np.zeros((len(x_in), 2))]

    def decoder(z):
        return half[: len(z)]

    # BCE of any pixel against p = 0.5 is ln 2; KL of N(mu, 1) from N(0, 1) is mu^2 / 2
    assert metrics.neg_elbo(encoder(np.zeros(2)), decoder, x) == pytest.approx(784 * np.log(2))
    assert metrics.neg_elbo(encoder(np.array([1.0, 2.0])), decoder, x) == pytest.approx(
        784 * np.log(2) + 0.5 * (1 + 4))


def test_neg_elbo_seed_matters_and_counts_are_checked(mnist):
    encoder, decoder = tiny_vae()
    x = mnist.x_test[:200]
    assert metrics.neg_elbo(encoder, decoder, x, seed=1) != metrics.neg_elbo(encoder, decoder, x,
                                                                             seed=2)

    def four_per_code(z):
        return np.repeat(models.call_model(decoder, z), 4, axis=0)

    with pytest.raises(ValueError, match="returned 800 digits for 200 codes"):
        metrics.neg_elbo(encoder, four_per_code, x)

    def one_row_encoder(x_in):
        return [np.zeros((1, 2)), np.zeros((1, 2))]

    with pytest.raises(ValueError, match=r"shape \(200, latent\)"):
        metrics.neg_elbo(one_row_encoder, decoder, x)

    def nan_encoder(x_in):
        return [np.full((len(x_in), 2), np.nan), np.zeros((len(x_in), 2))]

    with pytest.raises(ValueError, match="NaN"):
        metrics.neg_elbo(nan_encoder, decoder, x)


def test_neg_elbo_needs_a_vae_encoder(mnist):
    def plain_encoder(x):
        return np.zeros((len(x), 2), np.float32)

    with pytest.raises(ValueError, match=r"\[z_mean, z_log_var\]"):
        metrics.neg_elbo(plain_encoder, lambda z: z, mnist.x_test[:10])


class PrototypeModel:
    """A conditional 'decoder' that draws a real test digit of the requested label.

    z[0] picks which example of that label, so different z give different digits.
    With ``ignore_label`` it draws the digit it was encoded from instead.
    """

    def __init__(self, mnist, ignore_label=False):
        self.by_label = [mnist.x_test[mnist.y_test == d][:50] for d in range(10)]
        self.x = mnist.x_test
        self.ignore_label = ignore_label

    def encode(self, inputs):
        x, _ = inputs
        index = np.array([np.argmin(np.abs(self.x[:500] - d).sum((1, 2, 3))) for d in x])
        return [index[:, None].astype(np.float32), np.zeros((len(x), 1), np.float32)]

    def decode(self, inputs):
        z, y = inputs
        if self.ignore_label:
            return self.x[np.rint(z[:, 0]).astype(int)]
        pick = (np.abs(np.floor(z[:, 0] * 7)).astype(int)) % 50
        return np.stack([self.by_label[d][k] for d, k in zip(y.argmax(1), pick, strict=True)])


def test_generate_and_style_transfer_check_the_decoder_output_count(mnist):
    def one_digit(inputs):
        return mnist.x_test[:1]

    with pytest.raises(ValueError, match="returned 1 digits for 50 codes"):
        metrics.generate(one_digit, latent_dim=2, n=50)
    faithful = PrototypeModel(mnist)
    with pytest.raises(ValueError, match="returned 1 digits"):
        metrics.style_transfer_accuracy(faithful.encode, one_digit, mnist.x_test[:5],
                                        mnist.y_test[:5])
    for bad in ({"batch_size": 0}, {"batch_size": -1}, {"seed": 1.5}, {"seed": -1}):
        with pytest.raises(ValueError, match="batch_size|seed"):
            metrics.generate(faithful.decode, 2, n=10, conditional=True, **bad)


def test_style_transfer_accuracy_means_the_new_label_is_read(mnist):
    x, y = mnist.x_test[:60], mnist.y_test[:60]
    faithful = PrototypeModel(mnist)
    stubborn = PrototypeModel(mnist, ignore_label=True)
    assert metrics.style_transfer_accuracy(faithful.encode, faithful.decode, x, y) > 0.97
    assert metrics.style_transfer_accuracy(stubborn.encode, stubborn.decode, x, y) < 0.05


def test_generate_is_seeded_and_balanced_and_scores_a_good_decoder(mnist, evaluator):
    decoder = PrototypeModel(mnist).decode
    a, labels = metrics.generate(decoder, latent_dim=3, n=1000, conditional=True, seed=5)
    b, _ = metrics.generate(decoder, latent_dim=3, n=1000, conditional=True, seed=5)
    np.testing.assert_array_equal(a, b)
    assert np.bincount(labels).tolist() == [100] * 10
    scores = evaluator.samples(a, labels)
    assert scores["class_accuracy"] > 0.97
    assert scores["class_coverage"] > 0.9
    assert scores["sharpness"] == pytest.approx(1.0, abs=0.2)
    assert set(scores) == {"fid", "fid_floor", "fid_ratio", "precision", "recall", "sharpness",
                           "speckle", "class_coverage", "class_accuracy", "intra_fid"}


# --- what the code carries --------------------------------------------------------------

def test_latent_usage_of_a_trained_vae_and_of_an_encoder_that_ignores_its_input(mnist):
    encoder, decoder = tiny_vae(latent_dim=8)
    train_tiny_vae(encoder, decoder, mnist.x_train[:10_000], steps=300)
    usage = metrics.latent_usage(encoder, mnist.x_test[:2000])
    assert usage["active_dims"] >= 3
    assert usage["kl"] == pytest.approx(sum(usage["kl_per_dim"]))
    assert usage["kl"] > 5  # nats: the code says something about each digit
    assert len(usage["kl_per_dim"]) == 8

    def constant(x_in):  # the same posterior for every digit: N(0.3, 0.5^2) per dimension
        n = len(x_in)
        return [np.full((n, 8), 0.3), np.full((n, 8), np.log(0.25))]

    ignored = metrics.latent_usage(constant, mnist.x_test[:2000])
    assert ignored["active_dims"] == 0
    # closed form per dimension: KL(N(m, s^2) || N(0, 1)) = (s^2 + m^2 - 1 - ln s^2) / 2
    expected = 0.5 * (0.25 + 0.09 - 1 - np.log(0.25))
    assert ignored["kl_per_dim"] == pytest.approx([expected] * 8)
    # several batches with a ragged last one give the one-batch answer
    batched = metrics.latent_usage(encoder, mnist.x_test[:2000], batch_size=300)
    assert batched["active_dims"] == usage["active_dims"]
    for key in ("kl_per_dim", "posterior_mean_variance"):
        np.testing.assert_allclose(batched[key], usage[key], rtol=1e-5)


def test_most_active_dims_orders_by_kl():
    usage = {"kl_per_dim": [0.1, 3.0, 0.0, 2.5]}
    assert metrics.most_active_dims(usage) == [1, 3]
    assert metrics.most_active_dims(usage, 1) == [1]
    with pytest.raises(ValueError, match="at most the latent size 4"):
        metrics.most_active_dims(usage, 5)
    with pytest.raises(ValueError, match="latent_usage"):
        metrics.most_active_dims({"kl": 1.0})


# --- style consistency ------------------------------------------------------------------

def sheared(images, shear):
    """Shift each row sideways by ``shear`` pixels per row from the centre: a slant."""
    out = np.empty_like(images)
    for i, (image, s) in enumerate(zip(images, shear, strict=True)):
        matrix = np.array([[1.0, 0.0], [s, 1.0]])  # output (r, c) reads input (r, c + s (r - 14))
        offset = -matrix @ np.array([14.0, 14.0]) + np.array([14.0, 14.0])
        out[i, ..., 0] = ndimage.affine_transform(image[..., 0], matrix, offset=offset, order=1)
    return out


def test_style_features_read_slant_and_stroke_width(mnist):
    upright = mnist.x_test[:300]
    leaning = sheared(upright, np.full(300, 0.3))  # the tops move right
    slant_up, width_up = metrics.style_features(upright).T
    slant_lean, _ = metrics.style_features(leaning).T
    assert np.mean(slant_lean - slant_up) == pytest.approx(0.3, abs=0.06)
    bold = ndimage.grey_dilation(upright, size=(1, 2, 2, 1))
    assert np.all(metrics.style_features(bold)[:, 1] > width_up)
    # a blur wider than a thin stroke lowers its peak: to the eye, and here, it widens
    ratio = metrics.style_features(blurred(upright, 0.7))[:, 1] / width_up
    assert np.median(ratio) > 1.1


class TransferModel:
    """An encoder/decoder pair for style transfer, built from real digits.

    The 'code' is the source digit's slant and boldness; the decoder draws a fixed real
    digit of the requested label, sheared by that slant and thickened by that boldness
    (``keeps_style``), or ignores the code (a decoder that draws one digit per label).
    """

    def __init__(self, mnist, keeps_style=True):
        self.templates = np.stack([mnist.x_train[mnist.y_train == d][0] for d in range(10)])
        self.keeps_style = keeps_style

    def encode(self, inputs):
        x, _ = inputs
        style = metrics.style_features(x)
        return [style.astype(np.float32), np.zeros_like(style, dtype=np.float32)]

    def decode(self, inputs):
        z, y = inputs
        digits = self.templates[np.asarray(y).argmax(axis=1)]
        if not self.keeps_style:
            return digits
        out = sheared(digits, z[:, 0])
        bold = ndimage.grey_dilation(out, size=(1, 2, 1, 1))
        thick = z[:, 1] > 2.3  # about the median stroke width of real digits
        out[thick] = bold[thick]
        return out


def test_style_consistency_is_high_when_the_hand_survives_and_zero_when_ignored(mnist):
    x, y = mnist.x_test[:600], mnist.y_test[:600]
    keeps = TransferModel(mnist)
    ignores = TransferModel(mnist, keeps_style=False)
    kept = metrics.style_transfer(keeps.encode, keeps.decode, x, y)
    ignored = metrics.style_transfer(ignores.encode, ignores.decode, x, y)
    assert kept["style_consistency"] > 0.6
    assert ignored["style_consistency"] == pytest.approx(0.0, abs=1e-9)
    # both draw the requested digit: accuracy alone cannot tell them apart
    assert kept["style_transfer_accuracy"] > 0.9 and ignored["style_transfer_accuracy"] > 0.9
    # batches, with a ragged last one, give the one-batch answer
    assert metrics.style_transfer(keeps.encode, keeps.decode, x, y, batch_size=170) == (
        pytest.approx(kept))


def tiny_cvae(latent_dim=4):
    x_in, y_in = keras.Input((28, 28, 1)), keras.Input((10,))
    h = keras.layers.Dense(128, activation="relu")(
        keras.layers.Concatenate()([keras.layers.Flatten()(x_in), y_in]))
    encoder = keras.Model([x_in, y_in], [keras.layers.Dense(latent_dim)(h),
                                         keras.layers.Dense(latent_dim)(h)])
    z_in, yd_in = keras.Input((latent_dim,)), keras.Input((10,))
    h = keras.layers.Dense(128, activation="relu")(keras.layers.Concatenate()([z_in, yd_in]))
    out = keras.layers.Dense(784, activation="sigmoid")(h)
    decoder = keras.Model([z_in, yd_in], keras.layers.Reshape((28, 28, 1))(out))
    return encoder, decoder


def train_tiny_cvae(encoder, decoder, x, y, steps=400, seed=0):
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    optimizer = keras.optimizers.Adam(3e-3)
    weights = encoder.trainable_weights + decoder.trainable_weights
    onehot = tf.constant(np.eye(10, dtype=np.float32)[y])
    x = tf.constant(x)
    for step in range(steps):
        start = (step * 128) % (len(x) - 128)
        xb, yb = x[start:start + 128], onehot[start:start + 128]
        with tf.GradientTape() as tape:
            z_mean, z_log_var = encoder([xb, yb])
            z = z_mean + tf.exp(0.5 * z_log_var) * tf.random.normal(tf.shape(z_mean))
            p = tf.clip_by_value(decoder([z, yb]), 1e-7, 1 - 1e-7)
            rec = -tf.reduce_sum(xb * tf.math.log(p) + (1 - xb) * tf.math.log(1 - p), [1, 2, 3])
            kl = -0.5 * tf.reduce_sum(1 + z_log_var - z_mean**2 - tf.exp(z_log_var), 1)
            loss = tf.reduce_mean(rec + kl)
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights, strict=True))


@pytest.fixture(scope="module")
def trained_cvae(mnist):
    encoder, decoder = tiny_cvae()
    train_tiny_cvae(encoder, decoder, mnist.x_train[:20_000], mnist.y_train[:20_000])
    return encoder, decoder


def test_a_trained_cvae_transfers_style_and_a_code_blind_decoder_does_not(mnist, trained_cvae):
    encoder, decoder = trained_cvae
    x, y = mnist.x_test[:1000], mnist.y_test[:1000]
    good = metrics.style_transfer(encoder, decoder, x, y)

    def code_blind(inputs):  # the same decoder, always handed the prior's mean code
        z, labels = inputs
        return decoder([np.zeros_like(z), labels])

    blind = metrics.style_transfer(encoder, code_blind, x, y)
    assert good["style_consistency"] > 0.3
    assert blind["style_consistency"] == pytest.approx(0.0, abs=1e-9)
    usage = metrics.latent_usage(encoder, x, y)  # the conditional path, with labels
    assert usage["active_dims"] >= 2


# --- precision, recall and intra-class FID ---------------------------------------------

def test_precision_and_recall_on_constructed_sets():
    rng = np.random.default_rng(0)
    real = rng.standard_normal((2000, 8))
    same = rng.standard_normal((2000, 8))
    p, r = metrics._precision_recall(real, same, k=3)
    assert p > 0.8 and r > 0.8  # two samples of one distribution
    narrow = 0.2 * rng.standard_normal((2000, 8))  # inside the real cloud, a small part of it
    p, r = metrics._precision_recall(real, narrow, k=3)
    assert p > 0.95 and r < 0.2
    far = same + 20.0  # nowhere near the real points
    assert metrics._precision_recall(real, far, k=3) == (0.0, 0.0)
    # on a line, k=1: the real balls have radii 10 (at 0 and 10) and 20 (at 30)
    real_line = np.array([[0.0], [10.0], [30.0]])
    fake_line = np.array([[5.0], [100.0], [101.0]])
    p, r = metrics._precision_recall(real_line, fake_line, k=1)
    assert p == pytest.approx(1 / 3)  # 5 is within 10 of 0; 100 and 101 are not near any
    # the lone fake at 5 has its nearest fake at 100, so its ball (radius 95) holds every
    # real point: recall trusts a generated outlier's ball as much as any other
    assert r == 1.0
    with pytest.raises(ValueError, match="more than 3"):
        metrics._precision_recall(real[:3], same, k=3)


def test_precision_recall_of_real_digits_prototypes_and_noise(mnist, evaluator):
    real = evaluator.samples(mnist.x_train[:10_000])
    assert real["precision"] > 0.8 and real["recall"] > 0.8
    prototypes = np.concatenate([np.repeat(mnist.x_train[mnist.y_train == d][:1], 1000, axis=0)
                                 for d in range(10)])
    labels = np.repeat(np.arange(10), 1000)
    proto = evaluator.samples(prototypes, labels)
    assert proto["precision"] > 0.8 and proto["recall"] < 0.01
    noise = np.random.default_rng(0).random((10_000, 28, 28, 1)).astype(np.float32)
    assert evaluator.samples(noise)["precision"] < 0.01
    # the same numbers through the public function on images
    direct = metrics.precision_recall(prototypes[::10], mnist.x_test[:1000])
    assert direct["recall"] < 0.05 and direct["precision"] > 0.5


def test_intra_fid_sees_a_prototype_per_class_that_the_overall_fid_forgives(mnist):
    scorer = metrics.Evaluator(mnist.x_test, mnist.y_test, mnist.x_train, mnist.y_train)
    real = scorer.samples(mnist.x_train[:10_000], mnist.y_train[:10_000])
    assert real["intra_fid_ratio"] == pytest.approx(1.0)
    assert real["intra_fid"] == pytest.approx(scorer.intra_fid_floor)
    # ten prototypes per class, one for each of ten writers: every class is there, few hands
    prototypes = np.concatenate([np.repeat(mnist.x_train[mnist.y_train == d][:10], 100, axis=0)
                                 for d in range(10)])
    labels = np.repeat(np.arange(10), 1000)
    proto = scorer.samples(prototypes, labels)
    assert proto["intra_fid_ratio"] > 5 * real["intra_fid_ratio"]
    assert proto["intra_fid"] == pytest.approx(metrics.intra_fid(
        prototypes, labels, mnist.x_test, mnist.y_test))
    swapped = scorer.samples(mnist.x_train[:10_000], (mnist.y_train[:10_000] + 1) % 10)
    assert swapped["intra_fid"] > 20 * real["intra_fid"]  # right digits, wrong labels
    with pytest.raises(ValueError, match="y_train"):
        _ = metrics.Evaluator(mnist.x_test, mnist.y_test, mnist.x_train).intra_fid_floor


# --- the Fréchet distance against independent references --------------------------------

def test_frechet_distance_matches_the_closed_form_for_gaussians():
    dim = 6
    same_cov = np.eye(dim)
    shift = np.arange(dim, dtype=np.float64)
    a = metrics.FeatureStats(np.zeros(dim), same_cov, 100)
    b = metrics.FeatureStats(shift, same_cov, 100)
    assert metrics.frechet_distance(a, b) == pytest.approx(shift @ shift)  # the mean term
    wide = metrics.FeatureStats(np.zeros(dim), 4.0 * np.eye(dim), 100)
    # the trace term: for s1^2 I and s2^2 I it is dim (s1 - s2)^2
    assert metrics.frechet_distance(a, wide) == pytest.approx(dim * (2.0 - 1.0) ** 2)
    both = metrics.FeatureStats(shift, 4.0 * np.eye(dim), 100)
    assert metrics.frechet_distance(a, both) == pytest.approx(shift @ shift + dim)


def test_frechet_distance_matches_scipy_sqrtm_on_random_features():
    rng = np.random.default_rng(3)
    for _ in range(3):
        fa = rng.standard_normal((500, 16)) @ rng.standard_normal((16, 16))
        fb = rng.standard_normal((500, 16)) @ rng.standard_normal((16, 16)) + 0.5
        a, b = metrics._stats(fa), metrics._stats(fb)
        covmean = linalg.sqrtm(a.cov @ b.cov).real
        diff = a.mean - b.mean
        expected = diff @ diff + np.trace(a.cov) + np.trace(b.cov) - 2 * np.trace(covmean)
        assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-6)


# --- batched and conditional paths give the one-batch answer ------------------------------

def test_neg_elbo_over_several_batches_with_a_ragged_last_one_equals_one_batch(mnist):
    encoder, decoder = tiny_vae()
    x = mnist.x_test[:2000]
    one = metrics.neg_elbo(encoder, decoder, x, seed=3, batch_size=2000)
    # the noise is drawn batch after batch from one generator: the same numbers in order
    assert metrics.neg_elbo(encoder, decoder, x, seed=3, batch_size=300) == pytest.approx(
        one, rel=1e-9)
    assert metrics.neg_elbo(encoder, decoder, x, seed=3, batch_size=1999) == pytest.approx(
        one, rel=1e-9)


def test_a_conditional_neg_elbo_passes_each_digit_its_own_label():
    x = np.zeros((30, 28, 28, 1), np.float32)
    labels = np.arange(30) % 10

    def encoder(inputs):  # the code is the label itself: KL = label^2 / 2 per digit
        _, y_onehot = inputs
        z_mean = np.zeros((len(y_onehot), 2))
        z_mean[:, 0] = np.asarray(y_onehot).argmax(axis=1)
        return [z_mean, np.zeros_like(z_mean)]

    def decoder(inputs):  # p = 0.5 everywhere: 784 ln 2 per digit, whatever the label
        z, _ = inputs
        return np.full((len(z), 28, 28, 1), 0.5, np.float32)

    expected = 784 * np.log(2) + np.mean(labels.astype(float) ** 2) / 2
    for batch_size in (30, 7):
        assert metrics.neg_elbo(encoder, decoder, x, labels, batch_size=batch_size) == (
            pytest.approx(expected))


def test_style_transfer_accuracy_over_batches_equals_one_batch(mnist):
    x, y = mnist.x_test[:600], mnist.y_test[:600]
    faithful = PrototypeModel(mnist)
    whole = metrics.style_transfer_accuracy(faithful.encode, faithful.decode, x, y,
                                            batch_size=600)
    assert metrics.style_transfer_accuracy(faithful.encode, faithful.decode, x, y,
                                           batch_size=170) == whole


# --- what a similarity sees, and whether a critic reads its label -------------------------

def per_label(mnist, count):
    chosen = np.concatenate([np.flatnonzero(mnist.y_test == d)[:count] for d in range(10)])
    return mnist.x_test[chosen], mnist.y_test[chosen]


def test_shift_and_cut_move_every_pixel_by_one_and_remove_only_the_top_three_ink_rows(mnist):
    digits = mnist.x_test[:20]
    shifted, cut = metrics.shift_and_cut(digits)
    np.testing.assert_array_equal(shifted[:, :, 1:], digits[:, :, :-1])
    for digit, broken in zip(digits, cut, strict=True):
        ink_rows = np.flatnonzero(digit.sum(axis=(1, 2)) > 0)
        assert not broken[ink_rows[:3]].any()
        np.testing.assert_array_equal(broken[ink_rows[3]:], digit[ink_rows[3]:])
        assert broken.sum() < digit.sum()


def test_pixels_rank_a_shift_farther_than_a_cut_and_a_shift_blind_view_the_other_way(mnist):
    x, y = per_label(mnist, 40)  # 400 test digits, every label

    def pixels(images, labels):
        return images

    def ink_per_row(images, labels):  # a similarity blind to where a row's ink sits
        return images.sum(axis=2)

    assert metrics.shift_nearer_than_cut(pixels, x, y) < 0.2
    assert metrics.shift_nearer_than_cut(ink_per_row, x, y) == 1.0
    assert metrics.shift_nearer_than_cut(lambda images, labels: metrics.judge_outputs(images)[0],
                                         x, y) > 0.8  # the judge learned what matters


def test_label_preference_is_1_for_a_critic_that_reads_its_label_and_0_for_one_that_does_not(
        mnist):
    x, y = mnist.x_test[:500], mnist.y_test[:500]
    reads = metrics.predict_digits(x)

    def reads_its_label(images, labels):  # high when the judge reads the given label
        return metrics.judge_outputs(images)[1][np.arange(len(images)), labels]

    def ignores_its_label(images, labels):
        return images.sum(axis=(1, 2, 3))

    share = metrics.label_preference(reads_its_label, x, y)
    assert share >= np.mean(reads == y) - 0.01  # wherever the judge is right, and a few more
    assert metrics.label_preference(ignores_its_label, x, y) == 0.0
    assert metrics.label_preference(reads_its_label, x, y, seed=1) > 0.95
