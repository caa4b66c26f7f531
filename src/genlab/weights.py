"""Trained weights that ship with the series, so every notebook can run without training.

A notebook that trains calls :func:`save` right after training; one that is opened with
``train = False`` builds the same networks with its own code and calls :func:`restore`.

The weights are stored as float16 in one ``.npz`` per network, which halves the
repository's size. :func:`save` rounds the live network's weights to float16 as well,
so the figures and numbers a training run shows are exactly those that ``train =
False`` reproduces from the shipped files. The format is plain NumPy arrays in the
order of ``get_weights()``: it does not depend on Keras's layer names or on the saving
Keras version's config keys, so it loads on every Keras 3.

Each training run's history (the loss curves) and duration are stored beside them in
``runs.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from genlab import io, paths, validate

SUFFIX = ".weights.npz"
RUNS = "runs.json"
DTYPE = np.float16


def _checked(networks: Mapping) -> Mapping:
    import keras

    if not isinstance(networks, Mapping) or not networks:
        raise ValueError("networks must be a non-empty dict {name: keras.Model}, e.g. "
                         "{'encoder': encoder, 'decoder': decoder}")
    for name, network in networks.items():
        paths.check_stem(name, "a network's name")
        if not isinstance(network, keras.Model):
            raise ValueError(f"networks[{name!r}] must be a keras.Model, got "
                             f"{type(network).__name__}")
    return networks


def _history_dict(history) -> dict:
    if hasattr(history, "history"):  # a keras History
        history = history.history
    if not isinstance(history, Mapping):
        raise ValueError(f"a history must be a keras History or a dict of lists, got "
                         f"{type(history).__name__}")
    # five significant digits: per-batch curves of a long run stay small in runs.json
    checked = {}
    for key, values in history.items():
        array = validate.real_array(values, f"history[{key!r}]")
        if array.ndim != 1:
            raise ValueError(f"history[{key!r}] must be a list of numbers, got shape "
                             f"{array.shape}")
        checked[str(key)] = [float(f"{float(v):.5g}") for v in array]
    return checked


def round_to_stored(network) -> None:
    """Round a network's weights to the stored precision (float16), in place."""
    network.set_weights([np.asarray(w).astype(DTYPE).astype(np.asarray(w).dtype)
                         for w in network.get_weights()])


def save(networks: Mapping, run: str | None = None, history=None, seconds: float | None = None,
         notebook: str | None = None) -> Path:
    """Write every network's weights to ``weights_dir(notebook)``; returns the folder.

    ``run`` names the training run that made them (e.g. ``"vae_2d"``): its ``history``
    (a Keras ``History`` or its dict) and training ``seconds`` are stored with it, so that
    ``train = False`` can still draw the loss curves and report the time. The networks'
    own weights are rounded to float16 first (see the module docstring).
    """
    networks = _checked(networks)
    record = None
    if run is not None:  # every argument is checked before anything is written
        paths.check_stem(run, "a run's name")
        record = {"history": _history_dict(history if history is not None else {}),
                  "train_seconds": None if seconds is None else round(
                      validate.real_number(seconds, "seconds"), 1)}
    folder = paths.weights_dir(notebook)
    for name, network in networks.items():
        round_to_stored(network)
        arrays = {f"w{index:03d}": np.asarray(w).astype(DTYPE)
                  for index, w in enumerate(network.get_weights())}
        with io.atomic_path(folder / f"{name}{SUFFIX}") as tmp:
            with open(tmp, "wb") as handle:
                np.savez_compressed(handle, **arrays)
    if record is not None:
        file = folder / RUNS
        runs = io.load_json(file) if file.is_file() else {}  # a notebook saves run by run
        runs[run] = record
        io.save_json(runs, file)
    return folder


def find(name: str, notebook: str | None = None) -> Path:
    """The weights file of network ``name``: this run's output first, then the shipped one."""
    file = f"{paths.check_stem(name, 'a network name')}{SUFFIX}"
    notebook = paths.check_stem(notebook, "notebook name") if notebook else paths.current_notebook()
    written = paths.output_root() / "weights" / notebook / file
    shipped = paths.shipped_weights_dir(notebook) / file
    for candidate in (written, shipped):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"no trained weights {file} for {notebook} in {shipped.parent}: run that notebook "
        "with train = True first (or `make reproduce`)")


def restore(networks: Mapping, run: str | None = None,
            notebook: str | None = None) -> tuple[dict, float | None]:
    """Load each network's trained weights; returns ``(history, train_seconds)`` of ``run``.

    The networks must be built by the notebook's own code with its default parameters:
    a network whose shapes differ from the stored ones is refused with a message.
    """
    folder = None
    for name, network in _checked(networks).items():
        path = find(name, notebook)
        folder = path.parent
        with np.load(path) as stored:
            arrays = [stored[key] for key in sorted(stored.files)]
        expected = network.get_weights()
        if [a.shape for a in arrays] != [np.shape(w) for w in expected]:
            raise ValueError(
                f"the weights in {path.name} do not fit the network {name!r} "
                f"({len(arrays)} arrays stored, {len(expected)} expected, or other shapes): "
                "they were trained with the notebook's default parameters; restore those, "
                "or set train = True to train with yours")
        network.set_weights([a.astype(np.asarray(w).dtype)
                             for a, w in zip(arrays, expected, strict=True)])
    if run is None:
        return {}, None
    runs_file = folder / RUNS
    runs = io.load_json(runs_file) if runs_file.is_file() else {}
    if run not in runs:
        raise ValueError(f"{runs_file} records no training run {run!r}; it has {sorted(runs)}")
    return runs[run]["history"], runs[run]["train_seconds"]


def trained(notebook: str, names=None) -> dict:
    """Networks of another notebook, built by its own code and given its trained weights.

    The notebook's ``model`` cells define ``build_networks()``, which returns every network
    it saves, untrained, by name; ``names`` picks some of them (default: all). This is how
    02 finds 01's autoencoder, 05 the CVAE of 03, and 06 every model of the series.
    """
    from genlab import notebooks

    namespace = notebooks.definitions(notebook)
    if "build_networks" not in namespace:
        raise ValueError(f"{notebook} defines no build_networks() in its model cells")
    networks = namespace["build_networks"]()
    if names is not None:
        missing = [n for n in names if n not in networks]
        if missing:
            raise ValueError(f"{notebook} saves no network {missing}; it saves "
                             f"{sorted(networks)}")
        networks = {n: networks[n] for n in names}
    restore(networks, notebook=notebook)
    return networks


def shipped_size() -> int:
    """Bytes of every shipped weights file and history (the README states the total)."""
    folder = paths.repo_root() / "weights"
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
