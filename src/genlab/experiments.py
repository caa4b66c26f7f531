"""Studies too long for a notebook: configurations x seeds x batches, resumable, committed.

    python -m genlab.experiments --list                  # the studies and their sizes
    python -m genlab.experiments cvae_gan                # run what is not recorded yet
    python -m genlab.experiments cvae_gan --seeds 0 1 --batches 2000 --only default "gamma 10"
    python -m genlab.experiments cvae_gan --summary      # only rewrite the summary

Every run builds its model from the notebook's own ``model`` cells
(``genlab.notebooks.definitions``, the code the lesson shows), trains it on all 60,000
training digits, and scores it with ``genlab.metrics`` every ``every`` batches, not only
at the end. Each finished run is written atomically to
``experiments/<study>/<config>__seed<k>.json`` with its configuration, seed, code
version and device; a rerun skips the runs already recorded with at least as many
batches, so a study can be run in pieces and resumed after an interruption.
``summary.json`` beside them holds, per configuration and checkpoint, the mean, the
spread (sample standard deviation) and the number of seeds of every metric: what the
notebooks and the README read.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from genlab import data, io, metrics, notebooks, paths, validate
from genlab.report import lookup

# --- what a study is --------------------------------------------------------------------

@dataclass(frozen=True)
class Study:
    """Configurations of one notebook's model, each trained for ``batches`` per seed.

    ``configs`` maps a name to the keyword switches of the notebook's model factory;
    ``parameters`` overrides values of the notebook's ``parameters`` cell for every run.
    ``n_test`` / ``n_transfer`` set how many test digits score each checkpoint;
    ``n_validation`` scores on that many held-out training digits instead
    (``data.validation_split``), for a study that chooses a notebook's settings.
    """

    notebook: str
    kind: str
    configs: dict[str, dict]
    seeds: tuple[int, ...] = (0, 1, 2)
    batches: int = 3000
    every: int = 500
    parameters: dict = field(default_factory=dict)
    n_test: int = 10_000
    n_transfer: int = 2000
    n_train: int | None = None
    n_validation: int | None = None
    description: str = ""


KINDS = ("cvae_gan", "gan", "unconditional_gan", "notebook")
COMMITTED_SEED = 42  # the seed of the committed full runs (every notebook's default)
COMMITTED_SOURCE = "the committed full run"  # a main_models record read, not trained

# the headline numbers of each notebook's main model: name -> dotted path in its metrics.json
HEADLINES = {
    "01_autoencoder": {"recon_mse": "recon_mse.conv_32d",
                       "anomaly_auc": "anomaly_detection.test_auc"},
    "02_vae": {"neg_elbo": "vae_16d.neg_elbo", "fid_ratio": "vae_16d.fid_ratio",
               "recall": "vae_16d.recall", "neg_elbo_2d": "vae_2d.neg_elbo"},
    "03_cvae": {"neg_elbo": "cvae_8d.neg_elbo", "class_accuracy": "cvae_8d.class_accuracy",
                "fid_ratio": "cvae_8d.fid_ratio", "style_consistency": "cvae_8d.style_consistency"},
    "04_gan": {"class_accuracy": "gan.class_accuracy", "fid_ratio": "gan.fid_ratio",
               "recall": "gan.recall", "sharpness": "gan.sharpness"},
    "05_cvae_gan": {"kl": "cvae_gan.kl", "class_accuracy": "cvae_gan.class_accuracy",
                    "fid_ratio": "cvae_gan.fid_ratio", "recall": "cvae_gan.recall",
                    "style_consistency": "cvae_gan.style_consistency",
                    "recon_mse": "cvae_gan.recon_mse", "sharpness": "cvae_gan.sharpness"},
}

# where each headline appears in 06's results table: (notebook, headline) -> (model row, column)
IN_RESULTS_TABLE = {
    ("01_autoencoder", "recon_mse"): ("AE 32-D", "recon_mse"),
    ("02_vae", "neg_elbo"): ("VAE 16-D", "neg_elbo"),
    ("02_vae", "fid_ratio"): ("VAE 16-D", "fid_ratio"),
    ("02_vae", "recall"): ("VAE 16-D", "recall"),
    ("02_vae", "neg_elbo_2d"): ("VAE 2-D", "neg_elbo"),
    ("03_cvae", "neg_elbo"): ("CVAE 8-D", "neg_elbo"),
    ("03_cvae", "class_accuracy"): ("CVAE 8-D", "class_accuracy"),
    ("03_cvae", "fid_ratio"): ("CVAE 8-D", "fid_ratio"),
    ("03_cvae", "style_consistency"): ("CVAE 8-D", "style_consistency"),
    **{("04_gan", name): ("GAN (conditional)", name) for name in HEADLINES["04_gan"]},
    **{("05_cvae_gan", name): ("CVAE+GAN 8-D", name) for name in HEADLINES["05_cvae_gan"]},
}

STUDIES: dict[str, Study] = {
    "cvae_gan": Study(
        "05_cvae_gan", "cvae_gan",
        configs={
            "default": {},
            "GAN off": {"adversarial": False},
            "no wrong-label fakes": {"matching": False},
            "feature distance unscaled": {"feature_loss": "mse"},
            "pixel weight 0.3": {"pixel_weight": 0.3},
            "pixel weight 1": {"pixel_weight": 1.0},
            "gamma 0.3": {"gamma": 0.3},
            "gamma 3": {"gamma": 3.0},
            "kl weight 1": {"kl_weight": 1.0},
            "kl weight 4": {"kl_weight": 4.0},
            "layer l: side branch": {"feature_layer": "side"},
            "balance: equilibrium": {"balance": "equilibrium"},
            # the threshold loop updates the VAE on 3 batches in 4: 2,667 batches for 2,000 updates
            "balance: threshold": {"balance": "threshold", "batches": 2667},
            "source article's recipe": {"from_notebook": "ARTICLE_RECIPE", "batches": 2667},
        },
        batches=2000, every=500, n_validation=data.VALIDATION_SIZE,
        description="05's CVAE+GAN: one change at a time from the notebook's defaults, "
                    "trained on 50,000 training digits and scored on the 10,000 held out"),
    "gan_stability": Study(
        "04_gan", "gan",
        configs={
            "baseline": {},
            "label smoothing 0.1": {"smoothing": 0.1},
            "no batch norm in G": {"batch_norm": False},
            "ReLU in D": {"activation": "relu"},
            "TTUR: D 2x, G 0.5x": {"lr_d": 2e-3, "lr_g": 5e-4},
            "tanh output": {"output": "tanh"},
            "batch x2 + L2 on both": {"l2": 1e-3, "parameters": {"batch_size": 128}},
        },
        batches=3000, every=500,
        description="04's conditional GAN: one stabilising change at a time from the baseline "
                    "(no weight averaging, so every checkpoint scores the generator as it is)"),
    "mode_collapse": Study(
        "04_gan", "unconditional_gan",
        configs={
            "balanced": {},
            "L2 1e-2 on both networks": {"l2": 1e-2},
        },
        batches=3000, every=500,
        description="04's GAN without labels: the main settings, and a strong L2 penalty on "
                    "both networks (ten times the stability study's), which drops digits"),
    "main_models": Study(
        "01_autoencoder", "notebook",
        configs={notebook: {"notebook": notebook} for notebook in HEADLINES},
        seeds=(COMMITTED_SEED, 1, 2), batches=1, every=1,
        description="each notebook's main model, trained by the whole notebook in full mode "
                    "with other seeds (seed 42 is the committed run): how far a rerun lands"),
    "tiny": Study(
        "05_cvae_gan", "cvae_gan",
        configs={"default": {}, "gamma 10": {"gamma": 10.0, "batches": 6}},
        seeds=(0,), batches=4, every=2, n_test=300, n_transfer=60, n_train=512,
        n_validation=128,
        parameters={"batch_size": 32},
        description="two configurations, a few batches, scored on held-out training digits: "
                    "the runner's own test in CI"),
}


def config_batches(s: Study, config: str) -> int:
    """A configuration's training batches: the study's, unless the configuration sets its
    own (a rule that updates the VAE on fewer batches gets more, for equal VAE updates)."""
    return int(s.configs[config].get("batches", s.batches))


def study(name: str) -> Study:
    if name not in STUDIES:
        raise ValueError(f"unknown study {name!r}; choose from {sorted(STUDIES)}")
    return STUDIES[name]


def slug(config: str) -> str:
    """A file-name form of a configuration's name: 'gamma 0.1' -> 'gamma_0.1'."""
    text = re.sub(r"[^A-Za-z0-9.]+", "_", config).strip("_")
    if not text:
        raise ValueError(f"a configuration needs a name with letters or digits, got {config!r}")
    return text


def run_file(study_name: str, config: str, seed: int, root: Path | None = None) -> Path:
    return (root or study_dir(study_name)) / f"{slug(config)}__seed{seed}.json"


def study_dir(study_name: str) -> Path:
    return paths.repo_root() / "experiments" / paths.check_stem(study_name, "a study name")


# --- one run --------------------------------------------------------------------------------

def code_version(notebook: str) -> dict:
    """The git commit of the checkout and a hash of the notebook's model cells."""
    import nbformat

    path = paths.repo_root() / "notebooks" / f"{notebook}.ipynb"
    cells = [c.source for c in nbformat.read(path, as_version=4).cells
             if c.cell_type == "code" and notebooks.MODEL_TAG in c.metadata.get("tags", [])]
    version = {"model_cells_sha256": hashlib.sha256("\n".join(cells).encode()).hexdigest()[:16]}
    try:
        commit = subprocess.run(["git", "-C", str(paths.repo_root()), "rev-parse", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        version["git_commit"] = commit
    except (OSError, subprocess.CalledProcessError):
        version["git_commit"] = None
    return version


def _finite(values: dict) -> dict:
    return {k: (float(v) if isinstance(v, float | np.floating) else v) for k, v in values.items()}


SHOWN = 10  # samples kept per checkpoint: labels 0..9 for a conditional model


def _first_digits(samples: np.ndarray) -> list:
    """The first few samples as 0..255 integers, so a notebook can show what a run drew."""
    return np.rint(samples[:SHOWN, ..., 0] * 255).astype(np.uint8).tolist()


def samples_of(record: dict, checkpoint: int = -1) -> np.ndarray:
    """A run's recorded samples at a checkpoint (default: the last) as (10, 28, 28, 1) floats."""
    if not record.get("checkpoints"):
        raise ValueError(f"the run {record.get('config')!r} has no checkpoint (it diverged)")
    digits = np.asarray(record["checkpoints"][checkpoint]["samples"], dtype=np.float32) / 255
    return digits[..., None]


def score(kind: str, model, namespace: dict, evaluator: metrics.Evaluator,
          n_transfer: int) -> dict:
    """Every metric that applies to a model of ``kind``, on the evaluator's test digits."""
    x_test, y_test = evaluator.x_test, evaluator.y_test
    latent_dim = int(namespace["latent_dim"])
    if kind == "cvae_gan":
        samples, labels = metrics.generate(model.decoder, latent_dim, n=len(x_test),
                                           conditional=True, seed=0)
        usage = metrics.latent_usage(model.encoder, x_test, y_test)
        transfer = metrics.style_transfer(model.encoder, model.decoder, x_test[:n_transfer],
                                          y_test[:n_transfer])
        return _finite({**evaluator.samples(samples, labels), **transfer,
                        "kl": usage["kl"], "active_dims": usage["active_dims"],
                        "recon_mse": metrics.recon_mse(x_test,
                                                       model.reconstruct(x_test, y_test)),
                        "samples": _first_digits(samples)})
    if kind in ("gan", "unconditional_gan"):
        # the model's own sampler: it rescales a tanh output and hides the label from an
        # unconditional model; the same codes as metrics.generate draws
        z = np.random.default_rng(0).standard_normal((len(x_test), latent_dim))
        labels = np.arange(len(x_test)) % validate.NUM_CLASSES
        samples = model.sample(z.astype(np.float32), labels)
        result = evaluator.samples(samples, labels if kind == "gan" else None)
        result["class_histogram"] = metrics.class_histogram(samples).tolist()
        result["samples"] = _first_digits(samples)
        return _finite(result)
    raise ValueError(f"unknown kind {kind!r}; choose from {KINDS}")


FACTORIES: dict[str, Callable] = {
    "cvae_gan": lambda ns, switches: ns["make_model"](**switches),
    "gan": lambda ns, switches: ns["make_gan"](**switches),
    "unconditional_gan": lambda ns, switches: ns["make_gan"](conditional=False, **switches),
}


def resolve(switches: dict, namespace: dict) -> dict:
    """A configuration's keyword switches; ``{"from_notebook": NAME}`` takes the dict NAME
    that the notebook's model cells define (e.g. a whole recipe), then the other keys."""
    switches = {k: v for k, v in switches.items() if k not in ("parameters", "batches")}
    name = switches.pop("from_notebook", None)
    if name is None:
        return switches
    if not isinstance(namespace.get(name), dict):
        raise ValueError(f"the notebook's model cells define no dict {name!r}")
    return {**namespace[name], **switches}


def _study_data(s: Study) -> data.Mnist:
    """The digits a study trains on and scores with: the test digits, or held-out
    training digits in their place when the study chooses settings."""
    mnist = data.prepare_mnist(n_train=s.n_train, n_test=s.n_test)
    return data.validation_split(mnist, s.n_validation) if s.n_validation else mnist


def _training_data(s: Study, namespace: dict, mnist, seed: int):
    labels = data.one_hot(mnist.y_train)
    return data.make_dataset(mnist.x_train, labels, batch_size=int(namespace["batch_size"]),
                             seed=seed, drop_remainder=True).repeat()


def run_one(study_name: str, config: str, seed: int, batches: int | None = None,
            mnist=None, evaluator=None, out: Path | None = None) -> dict:
    """Train one configuration with one seed, scoring it at every checkpoint; write its JSON."""
    import keras
    import tensorflow as tf

    from genlab import setup, training

    s = study(study_name)
    if config not in s.configs:
        raise ValueError(f"{study_name} has no configuration {config!r}; choose from "
                         f"{list(s.configs)}")
    seed = validate.non_negative_int(seed, "seed")
    if s.kind == "notebook":
        return _run_notebook(study_name, config, seed, out)
    batches = validate.positive_int(config_batches(s, config) if batches is None else batches,
                                    "batches")
    every = min(s.every, batches)
    mnist = mnist or _study_data(s)
    evaluator = evaluator or metrics.Evaluator(mnist.x_test, mnist.y_test, mnist.x_train,
                                               mnist.y_train)
    # a configuration may also change the notebook's parameters (e.g. its batch size)
    overrides = {**s.parameters, **s.configs[config].get("parameters", {}), "seed": seed}
    namespace = notebooks.definitions(s.notebook, **overrides)
    keras.utils.set_random_seed(seed)
    model = FACTORIES[s.kind](namespace, resolve(s.configs[config], namespace))
    dataset = _training_data(s, namespace, mnist, seed)
    checkpoints, losses = [], []
    guard = training.StopOnNonFinite(verbose=False)
    train_seconds = eval_seconds = 0.0
    done = 0
    diverged = None
    while done < batches:
        steps = min(every, batches - done)
        start = time.perf_counter()
        history = model.fit(dataset, epochs=1, steps_per_epoch=steps, callbacks=[guard],
                            verbose=0)
        train_seconds += time.perf_counter() - start
        done += steps
        losses.append({"batch": done, **{k: float(v[-1]) for k, v in history.history.items()}})
        if guard.diverged:
            diverged = str(guard.diverged)
            break
        start = time.perf_counter()
        checkpoints.append({"batch": done, **score(s.kind, model, namespace, evaluator,
                                                   min(s.n_transfer, len(mnist.x_test)))})
        eval_seconds += time.perf_counter() - start
    record = {
        "study": study_name, "config": config, "switches": s.configs[config], "seed": seed,
        "batches": done, "every": every, "diverged": diverged,
        "checkpoints": checkpoints, "losses": losses,
        "train_seconds": round(train_seconds, 1), "eval_seconds": round(eval_seconds, 1),
        "n_test": len(mnist.x_test), "n_train": len(mnist.x_train),
        "scored_on": "validation" if s.n_validation else "test",
        "device": setup.device_name(), "tensorflow": tf.__version__,
        "keras": keras.__version__, "code": code_version(s.notebook),
    }
    if diverged:  # a diverged run is finished: it is recorded, not retried
        record["batches"] = batches
    io.save_json(record, run_file(study_name, config, seed, out))
    return record


def _run_notebook(study_name: str, config: str, seed: int, out: Path | None) -> dict:
    """A whole notebook in full mode with another seed, on a copy under build/; its
    headline numbers become the run's one checkpoint. The committed seed's numbers are
    read from the committed figs/ instead of being trained again."""
    import keras
    import tensorflow as tf

    from genlab import setup

    notebook = study(study_name).configs[config]["notebook"]
    seconds = 0.0
    if seed == COMMITTED_SEED:
        folder = paths.repo_root() / "figs" / notebook
    else:
        root = paths.repo_root() / "build" / study_name / f"seed{seed}"
        path = paths.repo_root() / "notebooks" / f"{notebook}.ipynb"
        seconds = notebooks.execute(path, "full", out_root=root, parameters={"seed": seed})
        folder = root / "figs" / notebook
    measured = io.load_json(folder / "metrics.json")
    point = {"batch": 0, **{name: float(lookup(measured, dotted))
                            for name, dotted in HEADLINES[notebook].items()}}
    record = {
        "study": study_name, "config": config, "switches": {"notebook": notebook},
        "seed": seed, "batches": 1, "every": 1, "diverged": None, "checkpoints": [point],
        "losses": [], "train_seconds": round(seconds, 1), "eval_seconds": 0.0,
        "source": COMMITTED_SOURCE if seed == COMMITTED_SEED else "a full run of a copy",
        "device": setup.device_name(), "tensorflow": tf.__version__,
        "keras": keras.__version__, "code": code_version(notebook),
    }
    io.save_json(record, run_file(study_name, config, seed, out))
    return record


# --- a whole study -------------------------------------------------------------------------

def recorded(study_name: str, root: Path | None = None) -> list[dict]:
    folder = root or study_dir(study_name)
    if not folder.is_dir():
        return []
    return [io.load_json(p) for p in sorted(folder.glob("*__seed*.json"))]


def final_samples(study_name: str, seed: int = 0,
                  root: Path | None = None) -> tuple[np.ndarray, list[str]]:
    """The last checkpoint's ten samples of every configuration recorded with ``seed``, in
    the study's order: (10 * configs, 28, 28, 1) digits and the configurations' names, for
    one sample row per configuration. Diverged runs (no checkpoint) are left out."""
    seed = validate.non_negative_int(seed, "seed")
    runs = {r["config"]: r for r in recorded(study_name, root)
            if r["seed"] == seed and r.get("checkpoints")}
    names = [name for name in study(study_name).configs if name in runs]
    if not names:
        raise ValueError(f"{study_name} has no run with seed {seed} and a checkpoint; run "
                         f"python -m genlab.experiments {study_name} --seeds {seed}")
    return np.concatenate([samples_of(runs[name]) for name in names]), names


def pending(study_name: str, seeds: Sequence[int] | None = None, batches: int | None = None,
            only: Sequence[str] | None = None, root: Path | None = None) -> list[tuple]:
    """(config, seed) pairs not yet recorded with at least ``batches`` batches."""
    s = study(study_name)
    configs = list(only) if only else list(s.configs)
    unknown = [c for c in configs if c not in s.configs]
    if unknown:
        raise ValueError(f"{study_name} has no configuration {unknown}; choose from "
                         f"{list(s.configs)}")
    if batches is not None:
        batches = validate.positive_int(batches, "batches")
    seeds = [validate.non_negative_int(seed, "seed") for seed in (seeds or s.seeds)]
    have = {(r["config"], r["seed"]): r["batches"] for r in recorded(study_name, root)}
    return [(c, seed) for c in configs for seed in seeds
            if have.get((c, seed), 0) < (batches or config_batches(s, c))]


def summarise(study_name: str, root: Path | None = None) -> dict:
    """Mean, spread and count over seeds of every metric, per configuration and checkpoint."""
    runs = recorded(study_name, root)
    summary: dict = {"study": study_name, "description": study(study_name).description,
                     "configs": {}}
    for config in study(study_name).configs:
        mine = [r for r in runs if r["config"] == config]
        if not mine:
            continue
        by_batch: dict[int, list[dict]] = {}
        for run in mine:
            for point in run["checkpoints"]:
                by_batch.setdefault(point["batch"], []).append(point)
        rows = []
        for batch in sorted(by_batch):
            points = by_batch[batch]
            row: dict = {"batch": batch, "seeds": len(points)}
            for key in points[0]:
                values = [p[key] for p in points if isinstance(p.get(key), int | float)]
                if key == "batch" or not values or len(values) != len(points):
                    continue
                row[key] = {"mean": float(np.mean(values)),
                            "spread": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0}
            rows.append(row)
        summary["configs"][config] = {
            "switches": study(study_name).configs[config],
            "seeds": sorted(r["seed"] for r in mine),
            "diverged": {str(r["seed"]): r["diverged"] for r in mine if r["diverged"]},
            "checkpoints": rows,
            "train_seconds": float(np.mean([r["train_seconds"] for r in mine])),
        }
    folder = root or study_dir(study_name)
    folder.mkdir(parents=True, exist_ok=True)
    io.save_json(summary, folder / "summary.json")
    return summary


def load_summary(study_name: str) -> dict | None:
    """The committed ``experiments/<study>/summary.json``, or ``None`` if none is recorded;
    its configurations in the study's order (the file stores them sorted by name), so
    tables and figures list the default first and each family of changes together."""
    order = list(study(study_name).configs)
    file = study_dir(study_name) / "summary.json"
    if not file.is_file():
        return None
    summary = io.load_json(file)
    summary["configs"] = {name: summary["configs"][name]
                          for name in sorted(summary["configs"], key=lambda name: (
                              order.index(name) if name in order else len(order)))}
    return summary


def rerun_spread(summary: dict) -> dict[str, dict[str, float]]:
    """From the ``main_models`` summary: per model row of 06's results table, the spread
    (sample standard deviation over seeds) of each headline number that it shows, so the
    table can say "value ± spread". Headlines recorded with fewer than two seeds are left
    out: one run has no spread."""
    if not isinstance(summary, dict) or not isinstance(summary.get("configs"), dict):
        raise ValueError("rerun_spread needs the main_models summary (a dict with 'configs'); "
                         "load it with experiments.load_summary('main_models')")
    spread: dict[str, dict[str, float]] = {}
    for notebook, entry in summary["configs"].items():
        if notebook not in HEADLINES:
            raise ValueError(f"{notebook!r} is not a main model; the main_models study has "
                             f"{sorted(HEADLINES)}")
        rows = entry.get("checkpoints") or []
        if not rows or rows[-1].get("seeds", 0) < 2:
            continue
        for headline in HEADLINES[notebook]:
            if (notebook, headline) in IN_RESULTS_TABLE and headline in rows[-1]:
                model, column = IN_RESULTS_TABLE[(notebook, headline)]
                spread.setdefault(model, {})[column] = rows[-1][headline]["spread"]
    return spread


def table(summary: dict, columns: Sequence[str], batch: int | None = None) -> str:
    """A plain-text table of 'mean ± spread' at ``batch`` (default: each config's last); the
    spread is the standard deviation over seeds, '?' where only one seed is recorded."""
    lines = [f"{'configuration':26s}{'seeds':>6s}" + "".join(f"{c[:18]:>20s}" for c in columns)]
    for config, entry in summary["configs"].items():
        rows = [r for r in entry["checkpoints"] if batch is None or r["batch"] == batch]
        if not rows:
            lines.append(f"{config:26s}  (diverged: {entry['diverged']})")
            continue
        row = rows[-1]
        cells = []
        for column in columns:
            value = row.get(column)
            if not value:
                cells.append("-")
            elif row["seeds"] > 1:
                cells.append(f"{value['mean']:.3f} ± {value['spread']:<5.3f}")
            else:  # one seed has no spread: say so rather than print ± 0
                cells.append(f"{value['mean']:.3f} ± ?    ")
        lines.append(f"{config:26s}{row['seeds']:6d}" + "".join(f"{c:>20s}" for c in cells))
    return "\n".join(lines)


def run(study_name: str, seeds=None, batches=None, only=None, root: Path | None = None,
        log=print) -> dict:
    """Run every pending (config, seed) of a study, one after another, then summarise."""
    s = study(study_name)
    todo = pending(study_name, seeds, batches, only, root)
    log(f"{study_name}: {len(todo)} run(s) to do ({s.notebook}, {batches or s.batches} "
        f"batches each, scored every {s.every})")
    if todo:
        if s.kind == "notebook":  # whole notebooks load their own data
            mnist = evaluator = None
        else:
            mnist = _study_data(s)
            evaluator = metrics.Evaluator(mnist.x_test, mnist.y_test, mnist.x_train,
                                          mnist.y_train)
        for config, seed in todo:
            start = time.perf_counter()
            record = run_one(study_name, config, seed, batches, mnist, evaluator, root)
            last = record["checkpoints"][-1] if record["checkpoints"] else {}
            shown = {k: round(v, 3) for k, v in last.items()
                     if isinstance(v, float) and k in LOGGED}
            log(f"  {config} / seed {seed}: {time.perf_counter() - start:.0f} s "
                f"{'DIVERGED ' + record['diverged'] if record['diverged'] else shown}")
    return summarise(study_name, root)


LOGGED = ("fid_ratio", "class_accuracy", "recall", "precision", "sharpness", "kl",
          "style_consistency", "recon_mse", "class_coverage")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", nargs="?", help="a study name (see --list)")
    parser.add_argument("--list", action="store_true", help="list the studies")
    parser.add_argument("--seeds", type=int, nargs="+", help="only these seeds")
    parser.add_argument("--batches", type=int, help="training batches per run")
    parser.add_argument("--only", nargs="+", help="only these configurations")
    parser.add_argument("--summary", action="store_true", help="only rewrite summary.json")
    args = parser.parse_args(argv)
    if args.list or not args.study:
        for name, s in STUDIES.items():
            runs = len(s.configs) * len(s.seeds)
            print(f"{name:18s} {s.notebook:14s} {len(s.configs)} configs x {len(s.seeds)} seeds "
                  f"= {runs} runs of {s.batches} batches  {s.description}")
        return 0
    if args.summary:
        summary = summarise(args.study)
    else:
        summary = run(args.study, args.seeds, args.batches, args.only)
    print(table(summary, [c for c in LOGGED if c != "precision"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
