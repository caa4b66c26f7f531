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


def median_seconds(fn) -> float:
    fn()  # warm-up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def main() -> dict:
    mnist = data.prepare_mnist()
    x = mnist.x_test
    reference = metrics.feature_stats(mnist.x_train[:10_000])
    result = {
        "command": "python benchmarks/metrics_speed.py",
        "device": setup.device_name(),
        "digits": len(x),
        "judge_forward_seconds": median_seconds(lambda: metrics.judge_outputs(x)),
        "fid_seconds_including_features": median_seconds(lambda: metrics.fid(x, reference)),
        "class_accuracy_seconds": median_seconds(lambda: metrics.class_accuracy(x, mnist.y_test)),
        "sharpness_seconds": median_seconds(lambda: metrics.sharpness(x, 1.0)),
        "recon_mse_seconds": median_seconds(lambda: metrics.recon_mse(x, np.flip(x, 0))),
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
