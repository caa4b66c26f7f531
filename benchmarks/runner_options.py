"""Two switches the experiment runner could use, timed on every model of the series.

    python benchmarks/runner_options.py            # writes benchmarks/runner_options.json

- ``steps_per_execution = k``: Keras runs k training steps inside one call of its
  compiled function instead of returning to Python after every batch. The per-batch
  overhead it saves matters most for the small models, whose steps take tens of
  milliseconds.
- ``tf.config.experimental.enable_op_determinism()``: every op runs a deterministic
  kernel, so a rerun on the same machine gives the same numbers bit for bit.

Each (model, option) pair trains in its own Python process, because op determinism
cannot be switched off again in a process that turned it on. Every process builds the
notebook's main model from its own cells (``genlab.series``) with seed 42, trains
``warmup`` batches, then ``runs`` timed runs of ``steps`` batches (the same batches in
every process), and reports the median seconds per step and the losses of its last run.
An option is worth keeping when it is faster and leaves those losses where the default
puts them: ``loss_change`` is the largest relative difference from the default's losses.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).with_name("runner_options.json")
NOTEBOOKS = ("01_autoencoder", "02_vae", "03_cvae", "04_gan", "05_cvae_gan")
OPTIONS = {
    "default": {},
    "steps_per_execution 10": {"steps_per_execution": 10},
    "op determinism": {"determinism": True},
}


def measure_one(notebook: str, option: str, digits: int | None, warmup: int, steps: int,
                runs: int) -> dict:
    """Time one model with one option, in this process."""
    import keras
    import tensorflow as tf

    import genlab  # noqa: F401  (quiet TensorFlow logs)
    from genlab import data, series

    sys.path.insert(0, str(Path(__file__).parent))
    from train_throughput import EpochClock

    settings = OPTIONS[option]
    if settings.get("determinism"):
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(42)
    mnist = data.prepare_mnist(n_train=digits)
    trainable = series.build(notebook, mnist.x_train, mnist.y_train)
    trainable.model.steps_per_execution = settings.get("steps_per_execution", 1)
    dataset = trainable.dataset.repeat()
    trainable.model.fit(dataset, epochs=1, steps_per_epoch=warmup, verbose=0)
    clock = EpochClock()
    history = trainable.model.fit(dataset, epochs=runs, steps_per_epoch=steps, verbose=0,
                                  callbacks=[clock.callback])
    return {
        "seconds_per_step": round(statistics.median(clock.seconds) / steps, 4),
        "seconds_per_step_runs": [round(s / steps, 4) for s in clock.seconds],
        "losses": {name: float(values[-1]) for name, values in history.history.items()},
    }


def loss_change(losses: dict, reference: dict) -> float:
    """Largest relative difference between two runs' losses (0 when they agree exactly)."""
    if set(losses) != set(reference):
        raise ValueError(f"the runs logged different losses: {sorted(losses)} and "
                         f"{sorted(reference)}")
    return max(abs(losses[k] - reference[k]) / max(abs(reference[k]), 1e-12) for k in losses)


def main(notebooks=NOTEBOOKS, options=tuple(OPTIONS), digits: int | None = None,
         warmup: int = 20, steps: int = 60, runs: int = 3, write: bool = True) -> dict:
    """Every model with every option, each pair in a fresh process. Smaller arguments
    (fewer notebooks, ``digits``, steps, ``write=False``) are for the tests."""
    if "default" not in options:
        raise ValueError("options must include 'default': the others are compared with it")
    for option in options:
        if option not in OPTIONS:
            raise ValueError(f"unknown option {option!r}; choose from {list(OPTIONS)}")
    k = max(OPTIONS[o].get("steps_per_execution", 1) for o in options)
    if warmup % k or steps % k:
        raise ValueError(f"warmup ({warmup}) and steps ({steps}) must be multiples of "
                         f"steps_per_execution ({k}), so every option trains the same batches")
    table = {}
    for notebook in notebooks:
        table[notebook] = {}
        for option in options:
            command = [sys.executable, __file__, "--one", notebook, option,
                       "--warmup", str(warmup), "--steps", str(steps), "--runs", str(runs)]
            if digits is not None:
                command += ["--digits", str(digits)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                table[notebook][option] = {"error": done.stderr.strip().splitlines()[-1][:300]}
            else:
                table[notebook][option] = json.loads(done.stdout.strip().splitlines()[-1])
            print(notebook, option, table[notebook][option], flush=True)
        reference = table[notebook]["default"]
        for row in table[notebook].values():
            if "error" in row or "error" in reference:
                continue
            row["speedup_against_default"] = round(
                reference["seconds_per_step"] / row["seconds_per_step"], 3)
            row["loss_change"] = loss_change(row["losses"], reference["losses"])
    result = {
        "command": "python benchmarks/runner_options.py",
        "warmup_steps": warmup, "steps_per_run": steps, "runs": runs,
        "digits": digits or 60000, "models": table,
    }
    if write:
        OUT.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, metavar=("NOTEBOOK", "OPTION"),
                        help="time one pair in this process and print its JSON")
    parser.add_argument("--digits", type=int)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(*args.one, args.digits, args.warmup, args.steps,
                                     args.runs)))
    else:
        print(json.dumps(main(digits=args.digits, warmup=args.warmup, steps=args.steps,
                              runs=args.runs), indent=2))
