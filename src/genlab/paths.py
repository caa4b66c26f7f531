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


def repo_root() -> Path:
    """The checkout that holds ``pyproject.toml`` and ``notebooks/`` (``GENLAB_ROOT`` wins)."""
    override = os.environ.get("GENLAB_ROOT")
    if override:
        return Path(override).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    return Path.cwd().resolve()


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


def _checked_name(name: str) -> str:
    if not isinstance(name, str) or not _NOTEBOOK_NAME.match(name) or ".." in name:
        raise ValueError(
            f"notebook name must be a file stem such as '02_vae' (letters, digits, '_', "
            f"'-', '.'; no folders), got {name!r}"
        )
    return name


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


def artifacts_dir(notebook: str | None = None) -> Path:
    """``<output root>/artifacts/<notebook>/``, created on demand."""
    name = _checked_name(notebook) if notebook else current_notebook()
    path = output_root() / "artifacts" / name
    path.mkdir(parents=True, exist_ok=True)
    return path
