"""Time to quality: the CVAE+GAN's FID and class accuracy against seconds of training.

    python benchmarks/time_to_quality.py     # writes benchmarks/time_to_quality.json
                                             # and figs/benchmarks/time_to_quality.png

Three runs of ``BUDGET_SECONDS`` of training each, from the same seed: the notebook's
default (its balance rule, layer l on the main path), the seed article's recipe
(dropout 0.3 everywhere, layer l as a side branch, its cross-entropy feature distance,
threshold loops and learning rates), and the default with batch 256 instead of 64 and its three
learning rates doubled (the square-root scaling rule for RMSprop-like optimizers: four
times the batch, twice the step). Every ``INTERVAL_SECONDS`` of training, training pauses and
10,000 prior samples (1,000 per label) are scored: ``fid`` and ``class_accuracy``. The
clock counts training only; scoring time is excluded.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

import genlab  # noqa: F401  (quiet TensorFlow logs)
from genlab import data, io, metrics, notebooks, paths

BUDGET_SECONDS = 360
INTERVAL_SECONDS = 45
TARGET_CLASS_ACCURACY = 0.97
OUT = Path(__file__).with_name("time_to_quality.json")
# name: (parameters-cell overrides, make_model switches); everything else is the notebook's
# own defaults. "ARTICLE_RECIPE" takes the recipe that the notebook's model cells define.
RUNS = {
    "default": ({}, {}),
    "source article's recipe": ({}, "ARTICLE_RECIPE"),
    "batch 256, learning rates x 2": ({"batch_size": 256, "learning_rate_encoder": 2e-3,
                                       "learning_rate_decoder": 2e-3,
                                       "learning_rate_discriminator": 2e-3},
                                      {}),
}


def scored_run(parameters, switches, mnist, evaluator, budget_seconds: float = BUDGET_SECONDS,
               interval_seconds: float = INTERVAL_SECONDS) -> list[dict]:
    import keras

    ns = notebooks.definitions("05_cvae_gan", **parameters)
    latent_dim = ns["latent_dim"]
    dataset = data.make_dataset(mnist.x_train, data.one_hot(mnist.y_train),
                                batch_size=ns["batch_size"], seed=42, drop_remainder=True)
    switches = ns[switches] if isinstance(switches, str) else switches
    keras.utils.set_random_seed(42)
    model = ns["make_model"](**switches)
    points = []

    def score(trained, batches):
        samples, labels = metrics.generate(model.decoder, latent_dim, n=len(evaluator.x_test),
                                           conditional=True, seed=42)
        scores = evaluator.samples(samples, labels)
        points.append({"train_seconds": round(trained, 1), "batches": batches,
                       "images": batches * ns["batch_size"],
                       "fid": scores["fid"], "class_accuracy": scores["class_accuracy"]})
        print(points[-1], flush=True)

    class Clock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.trained, self.batches, self.next_score = 0.0, 0, interval_seconds
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            self.trained += now - self.start
            self.batches += 1
            if self.trained >= self.next_score:
                score(self.trained, self.batches)
                self.next_score += interval_seconds
                if self.trained >= budget_seconds:
                    self.model.stop_training = True
            self.start = time.perf_counter()

    model.fit(dataset.repeat(), epochs=1, steps_per_epoch=10**6, verbose=0, callbacks=[Clock()])
    return points


def first_time_at(points, key, target) -> float | None:
    reached = [p["train_seconds"] for p in points if p[key] >= target]
    return reached[0] if reached else None


def plot(runs: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for name, points in runs.items():
        seconds = [p["train_seconds"] for p in points]
        axes[0].plot(seconds, [p["fid"] for p in points], marker="o", label=name)
        axes[1].plot(seconds, [p["class_accuracy"] for p in points], marker="o", label=name)
    axes[0].set_yscale("log")
    axes[0].set_ylabel("fid (log)")
    axes[1].axhline(TARGET_CLASS_ACCURACY, color="grey", linestyle="--", linewidth=1)
    axes[1].set_ylabel("class_accuracy")
    for ax in axes:
        ax.set_xlabel("seconds of training (2 CPU cores)")
        ax.legend(fontsize=8)
    fig.suptitle("CVAE+GAN: time to quality")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    with io.atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)


def main(only=None, budget_seconds: float = BUDGET_SECONDS,
         interval_seconds: float = INTERVAL_SECONDS, digits: int | None = None,
         write: bool = True) -> dict:
    """The benchmark as recorded: every run of ``RUNS`` on all of MNIST. Smaller arguments
    (``only`` some runs, by name; a shorter budget, the first ``digits`` training and test
    digits, ``write=False``: no JSON and no figure) are for the tests."""
    import tensorflow as tf

    mnist = data.prepare_mnist(n_train=digits, n_test=digits)
    evaluator = metrics.Evaluator(mnist.x_test, mnist.y_test, mnist.x_train)
    runs = {name: scored_run(*RUNS[name], mnist, evaluator, budget_seconds, interval_seconds)
            for name in (RUNS if only is None else only)}
    figure = paths.repo_root() / "figs" / "benchmarks" / "time_to_quality.png"
    if write:
        plot(runs, figure)
    result = {
        "command": "python benchmarks/time_to_quality.py",
        "device": "GPU" if tf.config.list_physical_devices("GPU") else "CPU",
        "budget_seconds": budget_seconds, "interval_seconds": interval_seconds,
        "runs": runs,
        "seconds_to_class_accuracy_0.97": {
            name: first_time_at(points, "class_accuracy", TARGET_CLASS_ACCURACY)
            for name, points in runs.items()},
        "best_fid": {name: float(np.min([p["fid"] for p in points]))
                     for name, points in runs.items()},
        "figure": str(figure.relative_to(paths.repo_root())),
    }
    if write:
        io.save_json(result, OUT)
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))
    return result


if __name__ == "__main__":
    main()
