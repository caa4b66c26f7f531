"""Each metric means what it says, shown on real MNIST with the committed judge."""

import json

import keras
import numpy as np
import pytest
from scipy import ndimage

from genlab import classifier, metrics, models


@pytest.fixture(scope="module")
def evaluator(mnist):
    return metrics.Evaluator(mnist.x_test, mnist.y_test, mnist.x_train)


def blurred(images, sigma):
    return ndimage.gaussian_filter(images, sigma=(0, sigma, sigma, 0))


def test_judge_is_committed_with_its_accuracy():
    report = json.loads((classifier.assets_dir() / classifier.REPORT_FILE).read_text())
    assert report["command"] == "python -m genlab.classifier"
    assert report["test_accuracy"] >= classifier.TARGET_ACCURACY
    assert (classifier.assets_dir() / classifier.MODEL_FILE).stat().st_size < 5 * 2**20


def test_class_accuracy_of_real_digits_is_the_judges_accuracy(mnist):
    report = json.loads((classifier.assets_dir() / classifier.REPORT_FILE).read_text())
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


def test_laplacian_is_computed_per_image():
    one = np.zeros((1, 28, 28, 1), np.float32)
    one[0, 10, 10, 0] = 1.0  # a single dot: Laplacian -4 at the dot, 1 at its 4 neighbours
    assert metrics.mean_squared_laplacian(one) == pytest.approx((16 + 4) / 784)
    shifted = np.roll(one, 5, axis=2)
    pair = np.concatenate([one, shifted])  # the batch axis must not mix the two images
    assert metrics.mean_squared_laplacian(pair) == pytest.approx((16 + 4) / 784)
    stacked = np.concatenate([one, one])  # identical neighbours along the batch axis
    assert metrics.mean_squared_laplacian(stacked) == pytest.approx((16 + 4) / 784)


def test_sharpness_accepts_a_precomputed_reference_and_rejects_bad_ones(mnist):
    reference = metrics.mean_squared_laplacian(mnist.x_test[:500])
    assert metrics.sharpness(mnist.x_test[:500], np.float32(reference)) == pytest.approx(1.0,
                                                                                      rel=1e-6)
    for bad in (0.0, float("inf"), -1.0):
        with pytest.raises(ValueError, match="positive finite"):
            metrics.sharpness(mnist.x_test[:10], bad)


def test_sharpness_is_one_for_real_digits_and_low_when_blurred(mnist, evaluator):
    assert evaluator.sharpness(mnist.x_test) == pytest.approx(1.0)
    assert evaluator.sharpness(blurred(mnist.x_test, 1.0)) < 0.5
    assert metrics.sharpness(mnist.x_train[:5000], mnist.x_test) == pytest.approx(1.0, abs=0.05)
    with pytest.raises(ValueError, match="no edges"):
        metrics.sharpness(mnist.x_test[:10], np.zeros((4, 28, 28, 1), np.float32))


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
    assert set(scores) == {"fid", "fid_floor", "fid_ratio", "sharpness", "class_coverage",
                           "class_accuracy"}
