"""How long the metrics take on 10,000 digits (the size every notebook scores).

    python benchmarks/metrics_speed.py      # writes benchmarks/metrics_speed.json

Each timing is the median of 5 runs after a warm-up, on real MNIST test digits.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np

import genlab  # noqa: F401  (quiet TensorFlow logs)
from genlab import data, metrics, setup

OUT = Path(__file__).with_suffix(".json")
REPEATS = 5


def median_seconds(fn, repeats: int = REPEATS) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


class CodeBlind:
    """A conditional encoder and decoder made of lookups: times the metric, not a network."""

    def __init__(self, digits, latent_dim=8):
        self.digits, self.latent_dim = digits, latent_dim

    def encode(self, inputs):
        x, _ = inputs
        return [np.zeros((len(x), self.latent_dim), np.float32)] * 2

    def decode(self, inputs):
        z, _ = inputs
        return self.digits[np.arange(len(z)) % len(self.digits)]


def main(repeats: int = REPEATS, digits: int = 10_000) -> dict:
    mnist = data.prepare_mnist()
    x, y = mnist.x_test[:digits], mnist.y_test[:digits]
    reference = metrics.feature_stats(mnist.x_train[:digits])
    evaluator = metrics.Evaluator(x, y, mnist.x_train, mnist.y_train)
    _ = evaluator.test_features, evaluator.intra_fid_floor, evaluator.fid_floor  # cached once
    features = metrics.judge_outputs(x)[0]
    blind = CodeBlind(x)
    n_transfer = min(2000, len(x))

    def timed(fn):
        return median_seconds(fn, repeats)

    result = {
        "command": "python benchmarks/metrics_speed.py",
        "device": setup.device_name(),
        "digits": len(x),
        "judge_forward_seconds": timed(lambda: metrics.judge_outputs(x)),
        "fid_seconds_including_features": timed(lambda: metrics.fid(x, reference)),
        "class_accuracy_seconds": timed(lambda: metrics.class_accuracy(x, y)),
        "precision_recall_seconds_on_features": timed(
            lambda: metrics._precision_recall(features, features[::-1], metrics.NEIGHBOURS)),
        "intra_fid_seconds_on_features": timed(
            lambda: metrics._intra_fid(features, y, evaluator.test_features, evaluator.y_test)),
        "evaluator_samples_seconds_all_sample_metrics": timed(lambda: evaluator.samples(x, y)),
        "latent_usage_seconds": timed(lambda: metrics.latent_usage(blind.encode, x, y)),
        "style_transfer_seconds_2000_digits_18000_transfers": timed(
            lambda: metrics.style_transfer(blind.encode, blind.decode, x[:n_transfer],
                                           y[:n_transfer])),
        "sharpness_seconds": timed(lambda: metrics.sharpness(x, 1.0)),
        "speckle_seconds": timed(lambda: metrics.speckle(x)),
        "recon_mse_seconds": timed(lambda: metrics.recon_mse(x, np.flip(x, 0))),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    OUT.write_text(json.dumps(main(), indent=2) + "\n")
