"""Numbers that say how good a generative model of digits is, all in one judge's terms.

Definitions (see also the README's "Metrics" section):

- ``recon_mse`` / ``recon_bce``: mean per-pixel squared error / binary cross-entropy
  between digits and their reconstructions.
- ``neg_elbo``: the negative evidence lower bound in nats per image, Bernoulli
  likelihood on [0, 1] pixels (binary cross-entropy summed over the 784 pixels) plus
  the KL divergence of the encoder's Gaussian from N(0, I); one z sample per image.
- ``latent_usage``: what the code carries: the KL per latent dimension on the test set
  (nats), its sum, and the active dimensions (variance over the data of the posterior
  mean above 0.01; Burda et al., 2016).
- ``fid``: Fréchet distance between Gaussians fitted to the judge classifier's
  penultimate features (128-D) of two image sets. ``fid_floor`` is the same distance
  between real training and real test digits: what "as good as real data" scores.
  ``intra_fid``: the same per label, averaged over the ten labels (conditional models).
- ``precision`` / ``recall``: fidelity and diversity apart (Kynkäänniemi et al., 2019):
  the share of generated digits inside the k-nearest-neighbour balls of the real ones,
  and the share of real digits inside those of the generated ones, in judge features.
- ``class_accuracy``: share of generated digits the judge reads as the requested label.
- ``style_transfer_accuracy``: encode a digit with its own label, decode it with each of
  the nine other labels; the share the judge reads as the new label.
- ``style_consistency``: in the same transfers, whether the handwriting survives: the
  rank correlation between a source digit's slant and stroke width and those of its
  transfers (see :func:`style_transfer`).
- ``sharpness``: the mean edge slope of the images over that of real test digits
  (see :func:`edge_slope`); it falls with blur, and pixel noise cannot raise it.
- ``speckle``: the share of the ink that lies away from every stroke.
- ``class_coverage``: the smallest predicted-class share times 10 (1.0 = balanced,
  0 = a class never appears: mode collapse).
- ``shift_nearer_than_cut``: in some features, how often a digit moved by one pixel is
  nearer to the original than the digit with the top of its stroke cut off.
- ``label_preference``: how often a conditional critic rates a real digit higher with its
  true label than with a wrong one.

Every function checks its images: (N, 28, 28, 1) or (N, 28, 28) floats in [0, 1]. A
tanh output in [-1, 1] is refused with a message to rescale it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, ndimage
from scipy.stats import rankdata

from genlab import classifier, models, validate

BATCH = 2000
EPS = 1e-7
ACTIVE_VARIANCE = 0.01  # a latent dimension is active when Var_x[z_mean] exceeds this
NEIGHBOURS = 3  # k of the k-nearest-neighbour balls of precision and recall


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


def latent_usage(encoder, x, y=None, batch_size: int = BATCH) -> dict:
    """What the code carries: KL per latent dimension (nats), its sum, the active dimensions.

    ``kl_per_dim[d]`` is the mean over the digits of KL(q(z_d | x) || N(0, 1)); ``kl`` is
    their sum, the KL term of the ELBO. A dimension is *active* when the variance over
    the digits of its posterior mean exceeds ``ACTIVE_VARIANCE`` (0.01): the encoder puts
    different digits at different places along it (Burda et al., 2016). A dimension the
    decoder does not use collapses to the prior: KL near 0, posterior mean constant.
    """
    digits = validate.images(x, "x")
    labels = None if y is None else validate.labels(y, "y", len(digits))
    batch_size = validate.positive_int(batch_size, "batch_size")
    means, kls = [], []
    for start in range(0, len(digits), batch_size):
        yb = None if labels is None else labels[start:start + batch_size]
        z_mean, z_log_var = _encode(encoder, digits[start:start + batch_size], yb)
        means.append(z_mean)
        kls.append(-0.5 * (1 + z_log_var - z_mean**2 - np.exp(z_log_var)))
    if len(digits) < 2:
        raise ValueError("latent_usage needs at least 2 digits (a variance over the data)")
    variance = np.concatenate(means).var(axis=0)
    kl_per_dim = np.concatenate(kls).mean(axis=0)
    return {"kl": float(kl_per_dim.sum()), "kl_per_dim": [float(v) for v in kl_per_dim],
            "active_dims": int(np.sum(variance > ACTIVE_VARIANCE)),
            "posterior_mean_variance": [float(v) for v in variance]}


def most_active_dims(usage: dict, count: int = 2) -> list[int]:
    """The ``count`` latent dimensions with the largest KL, most active first.

    Manifolds of codes larger than 2-D slice the code space along these.
    """
    if not isinstance(usage, dict) or "kl_per_dim" not in usage:
        raise ValueError("usage must be the dict returned by latent_usage")
    kl = np.asarray(usage["kl_per_dim"], dtype=np.float64)
    count = validate.positive_int(count, "count")
    if count > len(kl):
        raise ValueError(f"count must be at most the latent size {len(kl)}, got {count}")
    return [int(d) for d in np.argsort(-kl, kind="stable")[:count]]


# --- Fréchet distance -----------------------------------------------------------------

@dataclass(frozen=True)
class FeatureStats:
    """Mean and covariance of judge features: what the Fréchet distance compares."""

    mean: np.ndarray
    cov: np.ndarray
    count: int


def feature_stats(images) -> FeatureStats:
    return _stats(judge_outputs(images)[0])


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


def _stats(features: np.ndarray) -> FeatureStats:
    if len(features) < 2:
        raise ValueError("the Fréchet distance needs at least 2 images per set")
    return FeatureStats(features.mean(axis=0), np.cov(features, rowvar=False), len(features))


def _intra_fid(features: np.ndarray, labels: np.ndarray, reference: np.ndarray,
               reference_labels: np.ndarray) -> float:
    """Mean over the labels present in both sets of the per-label Fréchet distance."""
    shared = sorted(set(np.unique(labels)) & set(np.unique(reference_labels)))
    if not shared:
        raise ValueError("intra-class FID needs at least one label present in both sets")
    distances = []
    for label in shared:
        a, b = features[labels == label], reference[reference_labels == label]
        if len(a) < 2 or len(b) < 2:
            raise ValueError(f"intra-class FID needs at least 2 digits of label {label} in "
                             f"each set, got {len(a)} and {len(b)}")
        distances.append(frechet_distance(_stats(a), _stats(b)))
    return float(np.mean(distances))


def intra_fid(images, labels, reference, reference_labels) -> float:
    """FID per label (generated digits of label c against real digits of label c), averaged.

    A conditional model that draws one prototype per label can have a fair overall FID
    (the ten prototypes cover the ten classes) and still a poor intra-class FID: within a
    label its digits do not vary as real handwriting does.
    """
    digits = validate.images(images)
    wanted = validate.labels(labels, "labels", len(digits))
    real = validate.images(reference, "reference")
    real_labels = validate.labels(reference_labels, "reference_labels", len(real))
    return _intra_fid(judge_outputs(digits)[0], wanted, judge_outputs(real)[0], real_labels)


# --- precision and recall ----------------------------------------------------------------

def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d, 0.0)


def _knn_radii(features: np.ndarray, k: int, chunk: int) -> np.ndarray:
    """Squared distance of every point to its k-th nearest other point of the same set."""
    radii = np.empty(len(features))
    for start in range(0, len(features), chunk):
        d = _squared_distances(features[start:start + chunk], features)
        # column k, not k - 1: each point is its own nearest neighbour at distance 0
        radii[start:start + chunk] = np.partition(d, k, axis=1)[:, k]
    return radii


def _precision_recall(real: np.ndarray, fake: np.ndarray, k: int,
                      chunk: int = 1000) -> tuple[float, float]:
    if len(real) <= k or len(fake) <= k:
        raise ValueError(f"precision and recall with k={k} need more than {k} digits in each "
                         f"set, got {len(real)} real and {len(fake)} generated")
    real = real.astype(np.float32)
    fake = fake.astype(np.float32)
    real_radii, fake_radii = _knn_radii(real, k, chunk), _knn_radii(fake, k, chunk)
    fake_inside = np.zeros(len(fake), dtype=bool)  # a fake inside some real ball: precision
    real_inside = np.zeros(len(real), dtype=bool)  # a real inside some fake ball: recall
    for start in range(0, len(fake), chunk):
        d = _squared_distances(fake[start:start + chunk], real)  # (chunk, real)
        fake_inside[start:start + chunk] = np.any(d <= real_radii[None, :], axis=1)
        real_inside |= np.any(d <= fake_radii[start:start + chunk, None], axis=0)
    return float(fake_inside.mean()), float(real_inside.mean())


def precision_recall(images, reference, k: int = NEIGHBOURS) -> dict:
    """Fidelity and diversity apart, in judge features (Kynkäänniemi et al., 2019).

    Around every real digit lies a ball reaching to its k-th nearest real neighbour: the
    union of the balls estimates where real digits live. ``precision`` is the share of
    generated digits inside that region (are the samples realistic?); ``recall`` is the
    share of real digits inside the same construction made from the generated digits
    (does the model cover the variety of real ones?). A model that draws one perfect
    digit per class has precision near 1 and recall near 0.
    """
    k = validate.positive_int(k, "k")
    fake = judge_outputs(validate.images(images))[0]
    real = judge_outputs(validate.images(reference, "reference"))[0]
    precision, recall = _precision_recall(real, fake, k)
    return {"precision": precision, "recall": recall}


# --- conditional generation and style -----------------------------------------------

def class_accuracy(images, labels) -> float:
    """Share of images the judge reads as the label that was asked for."""
    digits = validate.images(images)
    wanted = validate.labels(labels, "labels", len(digits))
    return float(np.mean(predict_digits(digits) == wanted))


def style_features(images) -> np.ndarray:
    """Two numbers of handwriting per digit, ``(N, 2)``: slant and stroke width.

    - slant: the shear of the ink, mu11 / mu02 from the intensity-weighted central
      moments (columns x, rows y growing downwards): how far the ink moves sideways per
      row, positive when the top of the digit lies to the right of its bottom;
    - stroke width: 2 x ink / perimeter, the ink summed over the pixels and the perimeter
      as the summed gradient magnitude. For a stroke of width w and length L the ink is
      about w L and the perimeter 2 L. A blur narrower than the stroke changes neither
      sum; a wider one lowers the stroke's peak and so widens it, as it does to the eye.
    """
    digits = validate.images(images)[..., 0].astype(np.float64)
    ink = digits.sum(axis=(1, 2))
    safe_ink = np.maximum(ink, EPS)
    rows, cols = np.indices(digits.shape[1:], dtype=np.float64)
    mean_r = (digits * rows).sum(axis=(1, 2)) / safe_ink
    mean_c = (digits * cols).sum(axis=(1, 2)) / safe_ink
    dr = rows[None] - mean_r[:, None, None]
    dc = cols[None] - mean_c[:, None, None]
    mu11 = (digits * dr * dc).sum(axis=(1, 2)) / safe_ink
    mu02 = (digits * dr * dr).sum(axis=(1, 2)) / safe_ink
    slant = -mu11 / np.maximum(mu02, EPS)  # rows grow downwards: a right lean has mu11 < 0
    perimeter = _gradient_magnitude(digits).sum(axis=(1, 2))
    width = 2.0 * ink / np.maximum(perimeter, EPS)
    return np.stack([slant, width], axis=1)


def _rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho of two columns; 0 where either does not vary (nothing is carried)."""
    ra, rb = rankdata(a), rankdata(b)
    if np.ptp(ra) == 0 or np.ptp(rb) == 0 or np.ptp(b) < 1e-6:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


def _style_consistency(source_labels: np.ndarray, source: np.ndarray, targets: np.ndarray,
                       transferred: np.ndarray) -> float:
    rhos = []
    for a in np.unique(source_labels):
        for b in range(validate.NUM_CLASSES):
            pick = (source_labels == a) & (targets == b)
            if b == a or pick.sum() < 3:
                continue
            for feature in range(source.shape[1]):
                rhos.append(_rank_correlation(source[pick, feature], transferred[pick, feature]))
    if not rhos:
        raise ValueError("style consistency needs at least 3 source digits of one label")
    return float(np.mean(rhos))


def style_transfer(encoder, decoder, x, y, batch_size: int = 500) -> dict:
    """Restyle each digit as the nine other digits; does the label change, does the hand stay?

    Each digit is encoded with its own label (z = z_mean) and decoded with each of the
    nine other labels.

    - ``style_transfer_accuracy``: the share of those transfers the judge reads as the
      new label.
    - ``style_consistency``: for every source label a, target label b and style feature
      f (slant, stroke width; :func:`style_features`), Spearman's rank correlation over
      the source digits of label a between f of the source and f of its transfer to b;
      the mean of these 90 x 2 correlations. It is near 1 when the transfers keep the
      ranking of the writers' slants and widths, near 0 when the decoder ignores the
      code (every transfer to b looks alike: a correlation of 0 by definition).
      Correlating within each (a, b) pair keeps the differences between digit classes
      (a 1 is narrower than a 0) out of the score.
    """
    digits = validate.images(x, "x")
    labels = validate.labels(y, "y", len(digits))
    batch_size = validate.positive_int(batch_size, "batch_size")
    correct = 0
    targets_all, features_all = [], []
    for start in range(0, len(digits), batch_size):
        xb, yb = digits[start:start + batch_size], labels[start:start + batch_size]
        z_mean, _ = _encode(encoder, xb, yb)
        targets = ((yb[:, None] + np.arange(1, 10)[None, :]) % 10).ravel()  # every other label
        decoded = _decode(decoder, np.repeat(z_mean, 9, axis=0), targets)
        correct += int(np.sum(predict_digits(decoded) == targets))
        targets_all.append(targets)
        features_all.append(style_features(decoded))
    targets = np.concatenate(targets_all)
    transferred = np.concatenate(features_all)
    source = np.repeat(style_features(digits), 9, axis=0)
    source_labels = np.repeat(labels, 9)
    return {"style_transfer_accuracy": correct / len(targets),
            "style_consistency": _style_consistency(source_labels, source, targets,
                                                    transferred)}


def style_transfer_accuracy(encoder, decoder, x, y, batch_size: int = 500) -> float:
    """The share of restyled digits read as their new label (see :func:`style_transfer`)."""
    return style_transfer(encoder, decoder, x, y, batch_size)["style_transfer_accuracy"]


# --- sharpness, speckle and coverage -------------------------------------------------------

def _gradient_magnitude(digits: np.ndarray) -> np.ndarray:
    """|grad| by forward differences, (N, 28, 28) in, same shape out."""
    dy = np.diff(digits, axis=1, append=0.0)
    dx = np.diff(digits, axis=2, append=0.0)
    return np.sqrt(dx * dx + dy * dy)


def _box2(digits: np.ndarray) -> np.ndarray:
    """2 x 2 box average: removes a one-pixel checkerboard exactly, keeps strokes."""
    padded = np.pad(digits, ((0, 0), (0, 1), (0, 1)))
    return 0.25 * (padded[:, :-1, :-1] + padded[:, 1:, :-1] + padded[:, :-1, 1:]
                   + padded[:, 1:, 1:])


def edge_slope(images) -> float:
    """The mean steepness of the edges: sum |grad|^2 / sum |grad| over all pixels.

    A gradient-weighted mean of the gradient magnitude, so it averages over edge pixels
    and ignores flat ink and background. Blur spreads an edge over more pixels at a
    lower slope and lowers it. Noise cannot raise it: pixel noise adds many small
    gradients, which pull the weighted mean down, and the 2 x 2 box average applied
    first removes a one-pixel checkerboard (the pattern of transposed convolutions)
    before it is measured.
    """
    grad = _gradient_magnitude(_box2(validate.images(images)[..., 0].astype(np.float64)))
    total = grad.sum()
    if total <= 0:
        return 0.0
    return float((grad * grad).sum() / total)


def _reference_value(reference, name: str, measure) -> float:
    reference = validate.real_array(reference, "reference")
    if reference.ndim == 0:
        ref = float(reference)  # precomputed on real digits
        if not (np.isfinite(ref) and ref > 0):
            raise ValueError(f"a numeric reference must be a positive finite {name}, "
                             f"got {reference}")
        return ref
    ref = measure(validate.images(reference, "reference"))
    if not ref > 0:
        raise ValueError("the reference digits have no edges (all constant): pass real digits")
    return ref


def sharpness(images, reference) -> float:
    """Edge slope of ``images`` over that of real ``reference`` digits (or its value).

    1.0 is as sharp as real digits; a Gaussian blur of sigma 1 pixel gives about 0.5.
    """
    return edge_slope(images) / _reference_value(reference, "edge slope", edge_slope)


def speckle(images, reach: int = 2) -> float:
    """The share of the ink that lies more than ``reach`` pixels from every stroke.

    A stroke pixel is one at least half as bright as the image's brightest. Real MNIST
    digits score 0.000 (their grey pixels are anti-aliased stroke edges); grey dots and
    patterns in the background of generated digits raise it. Averaged over the images.
    """
    digits = validate.images(images)[..., 0].astype(np.float64)
    reach = validate.non_negative_int(reach, "reach")
    strokes = digits >= 0.5 * digits.max(axis=(1, 2), keepdims=True)
    window = np.ones((1, 2 * reach + 1, 2 * reach + 1), dtype=bool)
    near = ndimage.binary_dilation(strokes, structure=window)
    ink = digits.sum(axis=(1, 2))
    stray = (digits * ~near).sum(axis=(1, 2))
    return float(np.mean(np.where(ink > 0, stray / np.maximum(ink, EPS), 0.0)))


def class_histogram(images) -> np.ndarray:
    """How many images the judge assigns to each digit 0..9."""
    return np.bincount(predict_digits(images), minlength=validate.NUM_CLASSES)


def class_coverage(images) -> float:
    counts = class_histogram(images)
    return float(counts.min() / counts.sum() * validate.NUM_CLASSES)


# --- what a learned similarity sees, and whether a critic reads its label -----------------

def shift_and_cut(digits, shift: int = 1, rows: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two edits of every digit: moved ``shift`` pixels to the right, and with its top
    ``rows`` rows of ink set to 0: the same digit to a reader, and a broken one."""
    digits = validate.images(digits, "digits")
    return _shift_and_cut(digits, validate.positive_int(shift, "shift"),
                          validate.positive_int(rows, "rows"))


def _shift_and_cut(digits: np.ndarray, shift: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`shift_and_cut` on digits already checked."""
    shifted = np.roll(digits, shift, axis=2)
    cut = digits.copy()
    for image, ink in zip(cut, digits.sum(axis=(2, 3)) > 0, strict=True):
        top = np.flatnonzero(ink)
        if len(top):
            image[top[0]:top[0] + rows] = 0.0
    return shifted, cut


def shift_nearer_than_cut(embed, digits, labels, shift: int = 1, rows: int = 3) -> float:
    """The share of digits whose shifted copy is nearer to them than their cut copy, in the
    features ``embed(images, labels)`` returns (see :func:`shift_and_cut`).

    High for a similarity that sees a missing stroke as a bigger change than a moved one
    (a learned metric as Larsen et al. describe it); low for pixels, where every stroke
    pixel of a shifted digit misses its place.
    """
    digits = validate.images(digits, "digits")
    labels = validate.labels(labels, "labels", len(digits))
    shifted, cut = _shift_and_cut(digits, validate.positive_int(shift, "shift"),
                                  validate.positive_int(rows, "rows"))

    def features(images):
        return np.asarray(embed(images, labels), dtype=np.float64).reshape(len(images), -1)

    original = features(digits)
    to_shifted = np.sum((features(shifted) - original) ** 2, axis=1)
    to_cut = np.sum((features(cut) - original) ** 2, axis=1)
    return float(np.mean(to_shifted < to_cut))


def label_preference(score, x, y, seed: int = 0) -> float:
    """The share of real digits that ``score(images, labels)`` (a conditional critic's
    logit, higher = more real) rates higher with their true label than with a wrong
    label drawn at random: 1.0 for a critic that reads its label, about 0 for one that
    ignores it (ties count as not higher)."""
    x = validate.images(x, "x")
    y = validate.labels(y, "y", len(x))
    wrong = (y + np.random.default_rng(seed).integers(1, validate.NUM_CLASSES, len(y))) % 10
    true_score = np.asarray(score(x, y), dtype=np.float64).reshape(len(x))
    wrong_score = np.asarray(score(x, wrong), dtype=np.float64).reshape(len(x))
    return float(np.mean(true_score > wrong_score))


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
    """Real reference digits and their cached statistics, for scoring many models alike.

    ``y_train`` is needed only for the floor of the intra-class FID.
    """

    x_test: np.ndarray
    y_test: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.x_test = validate.images(self.x_test, "x_test")
        self.y_test = validate.labels(self.y_test, "y_test", len(self.x_test))
        self.x_train = validate.images(self.x_train, "x_train")
        if self.y_train is not None:
            self.y_train = validate.labels(self.y_train, "y_train", len(self.x_train))

    def _cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def test_features(self) -> np.ndarray:
        return self._cached("test_features", lambda: judge_outputs(self.x_test)[0])

    @property
    def test_stats(self) -> FeatureStats:
        return self._cached("test_stats", lambda: _stats(self.test_features))

    @property
    def _floor_train(self) -> tuple[np.ndarray, np.ndarray | None]:
        """As many real training digits as there are test digits (and their labels)."""
        n = len(self.x_test)
        labels = None if self.y_train is None else self.y_train[:n]
        return self.x_train[:n], labels

    @property
    def fid_floor(self) -> float:
        """FID of as many real training digits as there are test digits, against the test set."""
        def compute():
            features = judge_outputs(self._floor_train[0])[0]
            return frechet_distance(_stats(features), self.test_stats)

        return self._cached("floor", compute)

    @property
    def intra_fid_floor(self) -> float:
        """Intra-class FID of real training digits against the test set (needs ``y_train``)."""
        train, labels = self._floor_train
        if labels is None:
            raise ValueError("the intra-class FID floor needs y_train: "
                             "Evaluator(x_test, y_test, x_train, y_train)")
        return self._cached("intra_floor", lambda: _intra_fid(
            judge_outputs(train)[0], labels, self.test_features, self.y_test))

    @property
    def test_edge_slope(self) -> float:
        return self._cached("edge_slope", lambda: edge_slope(self.x_test))

    def fid(self, images) -> dict:
        images = validate.images(images)  # before the judge scores the test digits
        value = frechet_distance(_stats(judge_outputs(images)[0]), self.test_stats)
        return {"fid": value, "fid_floor": self.fid_floor, "fid_ratio": value / self.fid_floor}

    def sharpness(self, images) -> float:
        return sharpness(images, self.test_edge_slope)

    def samples(self, images, labels=None) -> dict:
        """Every sample metric that applies, from one pass of the judge over ``images``.

        Always: ``fid`` (+ floor, ratio), ``precision``, ``recall``, ``sharpness``,
        ``speckle``, ``class_coverage``. With the requested ``labels``: ``class_accuracy``,
        and ``intra_fid`` (+ floor and ratio when ``y_train`` was given).
        """
        images = validate.images(images)  # fail before any FID is computed
        if labels is not None:
            labels = validate.labels(labels, "labels", len(images))
        features, probs = judge_outputs(images)
        fid_value = frechet_distance(_stats(features), self.test_stats)
        counts = np.bincount(probs.argmax(axis=1), minlength=validate.NUM_CLASSES)
        precision, recall = _precision_recall(self.test_features, features, NEIGHBOURS)
        result = {"fid": fid_value, "fid_floor": self.fid_floor,
                  "fid_ratio": fid_value / self.fid_floor,
                  "precision": precision, "recall": recall,
                  "sharpness": self.sharpness(images), "speckle": speckle(images),
                  "class_coverage": float(counts.min() / counts.sum() * validate.NUM_CLASSES)}
        if labels is not None:
            result["class_accuracy"] = float(np.mean(probs.argmax(axis=1) == labels))
            result["intra_fid"] = _intra_fid(features, labels, self.test_features, self.y_test)
            if self.y_train is not None:
                result["intra_fid_floor"] = self.intra_fid_floor
                result["intra_fid_ratio"] = result["intra_fid"] / self.intra_fid_floor
        return result
