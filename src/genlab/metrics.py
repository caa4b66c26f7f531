"""Numbers that say how good a generative model of digits is, all in one judge's terms.

Definitions (see also the README's "Metrics" section):

- ``recon_mse`` / ``recon_bce``: mean per-pixel squared error / binary cross-entropy
  between digits and their reconstructions.
- ``neg_elbo``: the negative evidence lower bound in nats per image, Bernoulli
  likelihood on [0, 1] pixels (binary cross-entropy summed over the 784 pixels) plus
  the KL divergence of the encoder's Gaussian from N(0, I); one z sample per image.
- ``fid``: Fréchet distance between Gaussians fitted to the judge classifier's
  penultimate features (128-D) of two image sets. ``fid_floor`` is the same distance
  between real training and real test digits: what "as good as real data" scores.
- ``class_accuracy``: share of generated digits the judge reads as the requested label.
- ``style_transfer_accuracy``: encode a digit with its own label, decode it with each of
  the nine other labels; the share the judge reads as the new label.
- ``sharpness``: mean squared Laplacian of the images over that of real test digits.
- ``class_coverage``: the smallest predicted-class share times 10 (1.0 = balanced,
  0 = a class never appears: mode collapse).

Every function checks its images: (N, 28, 28, 1) or (N, 28, 28) floats in [0, 1]. A
tanh output in [-1, 1] is refused with a message to rescale it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, ndimage

from genlab import classifier, models, validate

BATCH = 2000
EPS = 1e-7
LAPLACIAN = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


# --- the judge ------------------------------------------------------------------------

def judge_outputs(images) -> tuple[np.ndarray, np.ndarray]:
    """``(features (N, 128), probabilities (N, 10))`` of the judge classifier."""
    digits = validate.images(images)
    model = classifier.load_with_features()
    feats, probs = models.call_in_batches(model, digits, BATCH)
    return feats.astype(np.float64), probs


def predict_digits(images) -> np.ndarray:
    """The digit the judge reads in each image."""
    return judge_outputs(images)[1].argmax(axis=1)


# --- reconstruction -----------------------------------------------------------------

def _pair(x, x_rec) -> tuple[np.ndarray, np.ndarray]:
    a = validate.images(x, "x")
    b = validate.images(x_rec, "x_rec")
    if a.shape != b.shape:
        raise ValueError(f"x and x_rec must have the same shape, got {a.shape} and {b.shape}")
    return a, b


def recon_mse(x, x_rec) -> float:
    a, b = _pair(x, x_rec)
    return float(np.mean((a.astype(np.float64) - b) ** 2))


def _bce_per_image(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    p = np.clip(p.astype(np.float64), EPS, 1 - EPS)
    return -(x * np.log(p) + (1 - x) * np.log1p(-p)).reshape(len(x), -1).sum(axis=1)


def recon_bce(x, x_rec) -> float:
    """Mean binary cross-entropy per pixel (nats)."""
    a, b = _pair(x, x_rec)
    return float(_bce_per_image(a, b).mean() / (28 * 28))


def _encoder_inputs(x: np.ndarray, y) -> list | np.ndarray:
    if y is None:
        return x
    return [x, np.eye(validate.NUM_CLASSES, dtype=np.float32)[validate.labels(y, "y", len(x))]]


def _encode(encoder, x: np.ndarray, y) -> tuple[np.ndarray, np.ndarray]:
    outputs = models.call_model(encoder, _encoder_inputs(x, y))
    if not isinstance(outputs, list) or len(outputs) < 2:
        raise ValueError("the encoder must return [z_mean, z_log_var] (a VAE encoder)")
    z_mean, z_log_var = (np.asarray(o, dtype=np.float64) for o in outputs[:2])
    if z_mean.shape != z_log_var.shape or z_mean.ndim != 2 or len(z_mean) != len(x):
        raise ValueError(f"the encoder must return z_mean and z_log_var of shape "
                         f"({len(x)}, latent) for {len(x)} digits, got "
                         f"{z_mean.shape} and {z_log_var.shape}")
    if not (np.all(np.isfinite(z_mean)) and np.all(np.isfinite(z_log_var))):
        raise ValueError("the encoder returned NaN or infinite z_mean / z_log_var")
    return z_mean, z_log_var


def _decode(decoder, z: np.ndarray, y=None) -> np.ndarray:
    """Decode and insist on one digit per code, in [0, 1]."""
    decoded = models.call_in_batches(decoder, _decoder_inputs(z, y), BATCH)
    digits = validate.images(decoded, "decoder output")
    if len(digits) != len(z):
        raise ValueError(f"the decoder returned {len(digits)} digits for {len(z)} codes")
    return digits


def _decoder_inputs(z: np.ndarray, y) -> list | np.ndarray:
    z = z.astype(np.float32)
    if y is None:
        return z
    return [z, np.eye(validate.NUM_CLASSES, dtype=np.float32)[np.asarray(y)]]


def neg_elbo(encoder, decoder, x, y=None, seed: int = 0, batch_size: int = BATCH) -> float:
    """Test-set negative ELBO in nats per image (Bernoulli likelihood, one z sample).

    ``y`` (digit labels) is passed to both encoder and decoder for a conditional model.
    """
    digits = validate.images(x, "x")
    labels = None if y is None else validate.labels(y, "y", len(digits))
    rng = np.random.default_rng(validate.non_negative_int(seed, "seed"))
    totals = []
    for start in range(0, len(digits), validate.positive_int(batch_size, "batch_size")):
        xb = digits[start:start + batch_size]
        yb = None if labels is None else labels[start:start + batch_size]
        z_mean, z_log_var = _encode(encoder, xb, yb)
        z = z_mean + np.exp(0.5 * z_log_var) * rng.standard_normal(z_mean.shape)
        probs = _decode(decoder, z, yb)
        kl = -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=1)
        totals.append(_bce_per_image(xb, probs) + kl)
    return float(np.concatenate(totals).mean())


# --- Fréchet distance -----------------------------------------------------------------

@dataclass(frozen=True)
class FeatureStats:
    """Mean and covariance of judge features: what the Fréchet distance compares."""

    mean: np.ndarray
    cov: np.ndarray
    count: int


def feature_stats(images) -> FeatureStats:
    feats, _ = judge_outputs(images)
    if len(feats) < 2:
        raise ValueError("the Fréchet distance needs at least 2 images per set")
    return FeatureStats(feats.mean(axis=0), np.cov(feats, rowvar=False), len(feats))


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(a: FeatureStats, b: FeatureStats) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a) + Tr(S_b) - 2 Tr((S_a S_b)^(1/2)).

    The trace of the matrix square root is computed as the sum of the square roots of
    the eigenvalues of the symmetric ``S_a^(1/2) S_b S_a^(1/2)``, which has the same
    spectrum as ``S_a S_b``: exact for covariance matrices and stable when they are
    singular (ReLU features with dead units), where ``scipy.linalg.sqrtm`` warns.
    """
    for name, stats in (("a", a), ("b", b)):
        if not isinstance(stats, FeatureStats):
            raise ValueError(f"{name} must be FeatureStats (from feature_stats), "
                             f"got {type(stats).__name__}")
        dim = np.shape(stats.mean)
        if len(dim) != 1 or np.shape(stats.cov) != dim * 2:
            raise ValueError(f"{name} must hold a mean (D,) and a covariance (D, D), got "
                             f"{np.shape(stats.mean)} and {np.shape(stats.cov)}")
        if not (np.all(np.isfinite(stats.mean)) and np.all(np.isfinite(stats.cov))):
            raise ValueError(f"{name} holds NaN or infinite feature statistics")
    if np.shape(a.mean) != np.shape(b.mean):
        raise ValueError(f"a and b must have the same feature size, got {np.shape(a.mean)[0]} "
                         f"and {np.shape(b.mean)[0]}")
    root_a = _sqrt_psd(a.cov)
    eigenvalues = linalg.eigvalsh(root_a @ b.cov @ root_a)
    trace_covmean = float(np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None))))
    diff = a.mean - b.mean
    value = diff @ diff + np.trace(a.cov) + np.trace(b.cov) - 2.0 * trace_covmean
    return float(max(value, 0.0))


def fid(images_a, images_b) -> float:
    """Fréchet distance between two image sets in the judge's feature space."""
    a = images_a if isinstance(images_a, FeatureStats) else feature_stats(images_a)
    b = images_b if isinstance(images_b, FeatureStats) else feature_stats(images_b)
    return frechet_distance(a, b)


# --- conditional generation and style -----------------------------------------------

def class_accuracy(images, labels) -> float:
    """Share of images the judge reads as the label that was asked for."""
    digits = validate.images(images)
    wanted = validate.labels(labels, "labels", len(digits))
    return float(np.mean(predict_digits(digits) == wanted))


def style_transfer_accuracy(encoder, decoder, x, y, batch_size: int = 500) -> float:
    """Encode each digit with its label (z = z_mean), decode with the 9 other labels."""
    digits = validate.images(x, "x")
    labels = validate.labels(y, "y", len(digits))
    batch_size = validate.positive_int(batch_size, "batch_size")
    correct = total = 0
    for start in range(0, len(digits), batch_size):
        xb, yb = digits[start:start + batch_size], labels[start:start + batch_size]
        z_mean, _ = _encode(encoder, xb, yb)
        targets = (yb[:, None] + np.arange(1, 10)[None, :]) % 10  # every other label
        z = np.repeat(z_mean, 9, axis=0)
        decoded = _decode(decoder, z, targets.ravel())
        correct += int(np.sum(predict_digits(decoded) == targets.ravel()))
        total += targets.size
    return correct / total


# --- sharpness and coverage ----------------------------------------------------------

def mean_squared_laplacian(images) -> float:
    digits = validate.images(images)[..., 0].astype(np.float64)
    lap = ndimage.convolve(digits, LAPLACIAN[None], mode="constant", cval=0.0)
    return float(np.mean(lap**2))


def sharpness(images, reference) -> float:
    """Mean squared Laplacian of ``images`` over that of real ``reference`` digits."""
    reference = validate.real_array(reference, "reference")
    if reference.ndim == 0:
        ref = float(reference)  # a precomputed mean_squared_laplacian of real digits
        if not (np.isfinite(ref) and ref > 0):
            raise ValueError(f"a numeric reference must be a positive finite Laplacian energy, "
                             f"got {reference}")
    else:
        ref = mean_squared_laplacian(validate.images(reference, "reference"))
    if not ref > 0:
        raise ValueError("the reference digits have no edges (all constant): pass real digits")
    return mean_squared_laplacian(images) / ref


def class_histogram(images) -> np.ndarray:
    """How many images the judge assigns to each digit 0..9."""
    return np.bincount(predict_digits(images), minlength=validate.NUM_CLASSES)


def class_coverage(images) -> float:
    counts = class_histogram(images)
    return float(counts.min() / counts.sum() * validate.NUM_CLASSES)


# --- sampling for the metrics -----------------------------------------------------------

def generate(decoder, latent_dim: int, n: int = 10_000, conditional: bool = False,
             seed: int = 0, batch_size: int = BATCH) -> tuple[np.ndarray, np.ndarray | None]:
    """``n`` digits from z ~ N(0, I) with a fixed seed, so every model sees the same z.

    A conditional decoder gets ``n / 10`` of each label (in order 0, 1, ..., 9, 0, ...);
    returns ``(images, labels)`` (labels ``None`` when unconditional).
    """
    latent_dim = validate.positive_int(latent_dim, "latent_dim")
    n = validate.positive_int(n, "n")
    seed = validate.non_negative_int(seed, "seed")
    batch_size = validate.positive_int(batch_size, "batch_size")
    z = np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)
    labels = np.arange(n) % validate.NUM_CLASSES if conditional else None
    decoded = models.call_in_batches(decoder, _decoder_inputs(z, labels), batch_size)
    images = validate.images(decoded, "decoder output")
    if len(images) != n:
        raise ValueError(f"the decoder returned {len(images)} digits for {n} codes")
    return images, labels


@dataclass
class Evaluator:
    """Real reference digits and their cached statistics, for scoring many models alike."""

    x_test: np.ndarray
    y_test: np.ndarray
    x_train: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.x_test = validate.images(self.x_test, "x_test")
        self.y_test = validate.labels(self.y_test, "y_test", len(self.x_test))
        self.x_train = validate.images(self.x_train, "x_train")

    def _cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def test_stats(self) -> FeatureStats:
        return self._cached("test_stats", lambda: feature_stats(self.x_test))

    @property
    def fid_floor(self) -> float:
        """FID of as many real training digits as there are test digits, against the test set."""
        return self._cached("floor", lambda: fid(self.x_train[:len(self.x_test)], self.test_stats))

    @property
    def test_laplacian(self) -> float:
        return self._cached("laplacian", lambda: mean_squared_laplacian(self.x_test))

    def fid(self, images) -> dict:
        images = validate.images(images)  # before the judge scores the test digits
        value = fid(images, self.test_stats)
        return {"fid": value, "fid_floor": self.fid_floor, "fid_ratio": value / self.fid_floor}

    def sharpness(self, images) -> float:
        return sharpness(images, self.test_laplacian)

    def samples(self, images, labels=None) -> dict:
        """Every sample metric that applies: fid (+ floor, ratio), sharpness, coverage,
        and class_accuracy when the requested ``labels`` are known."""
        images = validate.images(images)  # fail before any FID is computed
        if labels is not None:
            labels = validate.labels(labels, "labels", len(images))
        result = {**self.fid(images), "sharpness": self.sharpness(images),
                  "class_coverage": class_coverage(images)}
        if labels is not None:
            result["class_accuracy"] = class_accuracy(images, labels)
        return result
