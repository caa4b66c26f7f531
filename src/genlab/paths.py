"""Where a notebook's figures and trained models are written.

Full mode writes into the repository (``figs/<notebook>/`` is committed,
``artifacts/<notebook>/`` is gitignored). Quick mode (``GENLAB_QUICK=1``) and tests write
under ``build/quick/`` or ``GENLAB_OUT`` instead, so a quick run never overwrites the
committed full-mode figures.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_NOTEBOOK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_current_notebook: str | None = None


def _is_checkout(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir()


def repo_root() -> Path:
    """The checkout that holds ``pyproject.toml`` and ``notebooks/``.

    ``GENLAB_ROOT`` wins (the Colab setup cell sets it to its clone); then the checkout
    around this file (an editable install); then the working folder or one of its
    parents (``pip install .`` from a clone, with a notebook running in ``notebooks/``);
    else the working folder itself.
    """
    override = os.environ.get("GENLAB_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    cwd = Path.cwd().resolve()
    for folder in [*here.parents, cwd, *cwd.parents]:
        if _is_checkout(folder):
            return folder
    return cwd


def is_quick() -> bool:
    """True when ``GENLAB_QUICK`` asks for the small, fast run used by tests and CI."""
    return os.environ.get("GENLAB_QUICK", "").strip().lower() in {"1", "true", "yes", "on"}


def output_root() -> Path:
    """Root under which ``figs/`` and ``artifacts/`` are written for this run."""
    override = os.environ.get("GENLAB_OUT")
    if override:
        return Path(override).resolve()
    if is_quick():
        return repo_root() / "build" / "quick"
    return repo_root()


def check_stem(name: str, what: str = "notebook name") -> str:
    """A file stem such as '02_vae' or 'encoder_2d': letters, digits, '_', '-', '.'."""
    if not isinstance(name, str) or not _NOTEBOOK_NAME.match(name) or ".." in name:
        raise ValueError(
            f"{what} must be a file stem such as '02_vae' (letters, digits, '_', "
            f"'-', '.'; no folders), got {name!r}"
        )
    return name


def _checked_name(name: str) -> str:
    return check_stem(name, "notebook name")


def use_notebook(name: str) -> str:
    """Declare which notebook is running, so ``save_fig`` knows its folder."""
    global _current_notebook
    _current_notebook = _checked_name(name)
    return name


def current_notebook() -> str:
    if _current_notebook is None:
        raise ValueError(
            "no notebook is set: call genlab.paths.use_notebook('02_vae') "
            "(or genlab.setup.start) in the setup cell first"
        )
    return _current_notebook


def figs_dir(notebook: str | None = None) -> Path:
    """``<output root>/figs/<notebook>/`` (default: the current notebook), created on demand.

    Naming another notebook (e.g. to read its metrics) does not change the current one.
    """
    path = output_root() / "figs" / (_checked_name(notebook) if notebook else current_notebook())
    path.mkdir(parents=True, exist_ok=True)
    return path


def weights_dir(notebook: str | None = None) -> Path:
    """``<output root>/weights/<notebook>/``: where a training run writes its weights.

    In full mode that is the repository's ``weights/`` folder, whose files are committed
    and ship with it (``train = False`` loads them); quick mode writes under
    ``build/quick/``.
    """
    name = _checked_name(notebook) if notebook else current_notebook()
    path = output_root() / "weights" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def shipped_weights_dir(notebook: str | None = None) -> Path:
    """``<repository>/weights/<notebook>/``: the trained weights that ship with the series."""
    name = _checked_name(notebook) if notebook else current_notebook()
    return repo_root() / "weights" / name


def shipped_figs_dir(notebook: str | None = None) -> Path:
    """``<repository>/figs/<notebook>/``: the committed figures and animations of a full run."""
    name = _checked_name(notebook) if notebook else current_notebook()
    return repo_root() / "figs" / name


def artifacts_dir(notebook: str | None = None) -> Path:
    """``<output root>/artifacts/<notebook>/``, created on demand."""
    name = _checked_name(notebook) if notebook else current_notebook()
    path = output_root() / "artifacts" / name
    path.mkdir(parents=True, exist_ok=True)
    return path
