"""Training throughput of every model of the series, against this machine's ceiling.

    python benchmarks/train_throughput.py            # writes benchmarks/results.json

For the main model of each notebook (built from the notebook's own cells by
``genlab.series``) at the notebook's batch size, on the real MNIST training digits:
``WARMUP`` steps first (tracing, thread pools), then ``RUNS`` runs of ``STEPS`` steps; the
median seconds per step and images per second. FLOPs per training image are counted
from the layer shapes (a forward pass counts once, a forward pass with its backward pass
three times; see ``genlab.series``) and turned into achieved GFLOP/s, next to the float32
matrix-product rate that TensorFlow reaches on this machine in the same run.

Variants of the CVAE+GAN step, each measured the same way: XLA compilation
(``jit_compile=True``), batch 256 instead of 64, bfloat16 mixed precision, the input
pipeline without its in-memory cache and prefetch, and a fused update (the encoder and
decoder from one backward pass instead of two). A variant that fails to run is recorded
with its error instead of a time. The same script runs
unchanged on a GPU and records the device it used.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

import genlab  # noqa: F401  (quiet TensorFlow logs)
from genlab import data, flops, series

WARMUP = 10
STEPS = 30
RUNS = 3
OUT = Path(__file__).with_name("results.json")


class EpochClock:
    """Wall-clock seconds of every epoch of a ``fit`` (one epoch = one timed run)."""

    def __init__(self):
        import keras

        class _Clock(keras.callbacks.Callback):
            def on_epoch_begin(inner, epoch, logs=None):
                inner.start = time.perf_counter()

            def on_epoch_end(inner, epoch, logs=None):
                self.seconds.append(time.perf_counter() - inner.start)

        self.seconds: list[float] = []
        self.callback = _Clock()


def time_training(trainable, warmup: int = WARMUP, steps: int = STEPS,
                  runs: int = RUNS) -> dict:
    """Median seconds per step over ``runs`` runs of ``steps`` steps, after a warm-up."""
    dataset = trainable.dataset.repeat()
    trainable.model.fit(dataset, epochs=1, steps_per_epoch=warmup, verbose=0)
    clock = EpochClock()
    trainable.model.fit(dataset, epochs=runs, steps_per_epoch=steps, verbose=0,
                        callbacks=[clock.callback])
    step = statistics.median(clock.seconds) / steps
    per_image = series.training_flops_per_image(trainable)
    return {
        "batch_size": trainable.batch_size,
        "seconds_per_step": round(step, 4),
        "seconds_per_step_runs": [round(s / steps, 4) for s in clock.seconds],
        "images_per_second": round(trainable.batch_size / step, 1),
        "training_mflops_per_image": round(per_image / 1e6, 2),
        "achieved_gflops": round(per_image * trainable.batch_size / step / 1e9, 1),
    }


def plain_pipeline(trainable, x, y):
    """The same batches without ``cache()`` and ``prefetch``: what the pipeline saves."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, data.one_hot(y))).shuffle(len(x), seed=42)
    trainable.dataset = dataset.batch(trainable.batch_size, drop_remainder=True)


def fused_update(trainable, x, y):
    """Replace the CVAE+GAN's train step by one that computes the encoder's and the
    decoder's gradients in one backward pass, of ``L_prior + gamma * L_llike + L_GAN(dec)``.
    The decoder's gradient is the notebook's; the encoder also receives the decoder's GAN
    term through its reconstructions (the notebook's encoder does not). D is unchanged.
    For the ``ratio`` and ``equilibrium`` rules (the threshold loop's state is not advanced)."""
    import tensorflow as tf

    model = trainable.model

    def train_step(batch):
        x_batch, y_batch = batch
        encoder, decoder, discriminator = model.networks
        vae_weights = encoder.trainable_weights + decoder.trainable_weights
        with tf.GradientTape(persistent=True) as tape:
            loss = model.loss_terms(x_batch, y_batch)
            vae_objective = loss["l_prior"] + model.gamma * loss["l_llike"] + loss["dec_gan"]
        train_d, train_vae = model.who_trains(loss)
        vae_gradients = tape.gradient(vae_objective, vae_weights)
        d_gradients = tape.gradient(loss["l_gan"], discriminator.trainable_weights)
        del tape
        n = len(encoder.trainable_weights)

        def update_vae():
            model.optimizers[0].apply(vae_gradients[:n], encoder.trainable_weights)
            model.optimizers[1].apply(vae_gradients[n:], decoder.trainable_weights)
            return tf.constant(True)

        def update_d():
            model.optimizers[2].apply(d_gradients, discriminator.trainable_weights)
            return tf.constant(True)

        tf.cond(train_vae, update_vae, lambda: tf.constant(False))
        tf.cond(train_d, update_d, lambda: tf.constant(False))
        model.batches.assign_add(1)
        for name, value in loss.items():
            model.trackers[name].update_state(value)
        return {name: model.trackers[name].result() for name in loss}

    model.train_step = train_step  # FLOPs per image stay counted as before: same work unit


def measure(notebook, x, y, batch_size=None, jit=False, policy=None, change=None,
            **timing) -> dict:
    import keras

    keras.utils.set_random_seed(42)
    keras.mixed_precision.set_global_policy(policy or "float32")
    try:
        trainable = series.build(notebook, x, y, batch_size=batch_size)
        if jit:
            trainable.model.jit_compile = True
        if change is not None:
            change(trainable, x, y)
        return time_training(trainable, **timing)
    except Exception as error:  # a variant that cannot run is a result too
        return {"error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
    finally:
        keras.mixed_precision.set_global_policy("float32")


# the CVAE+GAN variants: name -> keyword arguments of ``measure``
VARIANTS = {
    "xla (jit_compile=True)": {"jit": True},
    "batch 256": {"batch_size": 256},
    "mixed_bfloat16": {"policy": "mixed_bfloat16"},
    "tf.data without cache and prefetch": {"change": plain_pipeline},
    "fused encoder+decoder update": {"change": fused_update},
}


def main(notebooks=None, variants=None, digits: int | None = None, warmup: int = WARMUP,
         steps: int = STEPS, runs: int = RUNS, matmul_size: int = 2048,
         write: bool = True) -> dict:
    """The benchmark as recorded: every notebook's model and every variant on all training
    digits. Smaller arguments (some ``notebooks`` and ``variants``, the first ``digits``
    training digits, fewer steps, ``write=False``) are for the tests."""
    import tensorflow as tf

    mnist = data.prepare_mnist(n_train=digits)
    x, y = mnist.x_train, mnist.y_train
    ceiling = flops.matmul_gflops(size=matmul_size)
    timing = {"warmup": warmup, "steps": steps, "runs": runs}
    models = {}
    for notebook in sorted(series.BUILDERS) if notebooks is None else notebooks:
        models[notebook] = measure(notebook, x, y, **timing)
        print(notebook, models[notebook], flush=True)
    variants = {name: measure("05_cvae_gan", x, y, **VARIANTS[name], **timing)
                for name in (VARIANTS if variants is None else variants)}
    for name, row in variants.items():
        print(name, row, flush=True)
    for row in list(models.values()) + list(variants.values()):
        if "achieved_gflops" in row:
            row["fraction_of_ceiling"] = round(row["achieved_gflops"] / ceiling, 3)
    gpus = tf.config.list_physical_devices("GPU")
    result = {
        "command": "python benchmarks/train_throughput.py",
        "machine": {"cpu": platform.processor() or platform.machine(),
                    "device": f"GPU ({gpus[0].name})" if gpus else "CPU",
                    "tensorflow": tf.__version__},
        "warmup_steps": warmup, "steps_per_run": steps, "runs": runs,
        "matmul_ceiling_gflops": round(ceiling, 1),
        "models": models,
        "cvae_gan_variants": variants,
    }
    if write:
        OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
