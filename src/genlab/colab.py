"""Write the "Open in Colab" badges and the notebooks' setup cells from one setting.

    python -m genlab.colab                         # rewrite from pyproject.toml's setting
    python -m genlab.colab --repo owner/name       # change the setting, then rewrite
    python -m genlab.colab --check                 # exit 1 if anything disagrees with it
    make colab REPO=owner/name [BRANCH=main]       # the same through make

The setting is ``[tool.genlab] repository`` and ``branch`` in ``pyproject.toml``. Its
default, ``OWNER/REPO``, is a placeholder: a fork sets its own address once with
``make colab`` and every badge (README and notebooks) and every setup cell follows.
A user can also point one notebook elsewhere without editing it, through the
environment variables ``GENLAB_REPOSITORY`` and ``GENLAB_BRANCH``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from genlab import notebooks, paths

PLACEHOLDER = "OWNER/REPO"
BEGIN = "# --- setup (written by `make colab`; edit the repository there, not here) ---"
END = notebooks.SETUP_END
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_BRANCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")
# a Colab link to a notebook of this series, whatever repository and branch it names
_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^/\s)]+/[^/\s)]+/blob/"
                   r"[^\s)]+?/notebooks/(?P<name>[A-Za-z0-9_.-]+\.ipynb)")

SETUP_TEMPLATE = '''{begin}
# In Colab: fetch and install genlab once, keeping Colab's own TensorFlow, Keras and
# NumPy, and make it importable without restarting. Anywhere else: only import it.
import os
import sys

REPOSITORY = os.environ.get("GENLAB_REPOSITORY", "{repository}")
BRANCH = os.environ.get("GENLAB_BRANCH", "{branch}")
if "google.colab" in sys.modules:
    import importlib.metadata
    import importlib.util
    import subprocess

    if importlib.util.find_spec("genlab") is None:
        clone = os.environ.get("GENLAB_CLONE", "/content/genlab")
        if not os.path.isdir(clone):
            source = REPOSITORY if os.path.isdir(REPOSITORY) else f"https://github.com/{{REPOSITORY}}"
            subprocess.run(["git", "clone", "-q", "--depth", "1", "-b", BRANCH, source, clone],
                           check=True)
        keep = []  # pin what Colab has, so pip cannot replace it
        for package in ("tensorflow", "keras", "numpy"):
            try:
                keep.append(f"{{package}}=={{importlib.metadata.version(package)}}")
            except importlib.metadata.PackageNotFoundError:
                pass
        constraints = os.path.join(clone, "colab-constraints.txt")
        with open(constraints, "w") as file:
            file.write("\\n".join(keep) + "\\n")
        pip_args = os.environ.get("GENLAB_PIP_ARGS", "").split()
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", clone,
                        "-c", constraints, *pip_args], check=True)
        sys.path.insert(0, os.path.join(clone, "src"))  # importable now, no restart
        os.environ["GENLAB_ROOT"] = clone

from genlab import setup

setup.describe()  # Python, TensorFlow and Keras versions, and the device
{end}'''


@dataclass(frozen=True)
class Setting:
    repository: str
    branch: str

    def __post_init__(self):
        if not isinstance(self.repository, str) or not _REPOSITORY.match(self.repository):
            raise ValueError(f"the repository must look like 'owner/name', got "
                             f"{self.repository!r}")
        if not isinstance(self.branch, str) or not _BRANCH.match(self.branch):
            raise ValueError(f"the branch must be a git branch name such as 'main', got "
                             f"{self.branch!r}")

    @property
    def is_placeholder(self) -> bool:
        return self.repository == PLACEHOLDER


def _pyproject(root: Path) -> Path:
    return root / "pyproject.toml"


def read_setting(root: Path | None = None) -> Setting:
    """``[tool.genlab] repository`` and ``branch`` from ``pyproject.toml``."""
    file = _pyproject(root or paths.repo_root())
    table = tomllib.loads(file.read_text(encoding="utf-8")).get("tool", {}).get("genlab", {})
    if "repository" not in table:
        raise ValueError(f"{file} has no [tool.genlab] repository = 'owner/name'")
    return Setting(table["repository"], table.get("branch", "main"))


def write_setting(setting: Setting, root: Path | None = None) -> None:
    """Store ``setting`` in ``pyproject.toml`` (the two lines under ``[tool.genlab]``)."""
    file = _pyproject(root or paths.repo_root())
    text = file.read_text(encoding="utf-8")
    for key, value in (("repository", setting.repository), ("branch", setting.branch)):
        text, count = re.subn(rf'(?m)^{key} = ".*"$', f'{key} = "{value}"', text, count=1)
        if count != 1:
            raise ValueError(f"{file} needs a line {key} = \"...\" under [tool.genlab]")
    file.write_text(text, encoding="utf-8")


def colab_url(setting: Setting, notebook: str) -> str:
    return (f"https://colab.research.google.com/github/{setting.repository}/blob/"
            f"{setting.branch}/notebooks/{notebook}")


def badge(setting: Setting, notebook: str) -> str:
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(setting, notebook)})"


def setup_block(setting: Setting) -> str:
    return SETUP_TEMPLATE.format(begin=BEGIN, end=END, repository=setting.repository,
                                 branch=setting.branch)


def _relink(text: str, setting: Setting) -> str:
    return _LINK.sub(lambda m: colab_url(setting, m.group("name")), text)


def _notebook_with_setting(nb, name: str, setting: Setting) -> None:
    """Rewrite the badge in the title cell and the setup block of the first code cell."""
    title = nb.cells[0]
    if title.cell_type != "markdown" or not title.source.lstrip().startswith("# "):
        raise ValueError(f"{name}: the first cell must be the markdown title ('# ...')")
    lines = [line for line in title.source.splitlines() if BADGE_IMAGE not in line]
    title.source = "\n".join([lines[0], "", badge(setting, name), *lines[1:]]).replace(
        "\n\n\n", "\n\n")
    code = next((c for c in nb.cells if c.cell_type == "code"), None)
    if code is None:
        raise ValueError(f"{name} has no code cell for the setup")
    source = code.source
    if BEGIN in source and END in source:
        rest = source[source.index(END) + len(END):].lstrip("\n")
    else:
        rest = source
    code.source = setup_block(setting) + ("\n\n" + rest if rest else "")
    tags = code.metadata.setdefault("tags", [])
    if "setup" not in tags:
        tags.append("setup")


def apply(setting: Setting | None = None, root: Path | None = None) -> list[Path]:
    """Write the setting into every notebook and the README; returns the files changed."""
    import nbformat

    root = root or paths.repo_root()
    setting = setting or read_setting(root)
    changed = []
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        before = nbformat.writes(nb)
        _notebook_with_setting(nb, notebook.name, setting)
        if nbformat.writes(nb) != before:
            nbformat.write(nb, notebook)
            changed.append(notebook)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    if _relink(text, setting) != text:
        readme.write_text(_relink(text, setting), encoding="utf-8")
        changed.append(readme)
    return changed


def disagreements(root: Path | None = None) -> list[str]:
    """Every place where a badge or a setup cell does not match the setting (empty: all do)."""
    import nbformat

    root = root or paths.repo_root()
    setting = read_setting(root)
    problems = []
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    for notebook in notebooks:
        nb = nbformat.read(notebook, as_version=4)
        title = nb.cells[0].source if nb.cells else ""
        if badge(setting, notebook.name) not in title:
            problems.append(f"{notebook.name}: the title cell lacks the badge "
                            f"{badge(setting, notebook.name)}")
        code = next((c for c in nb.cells if c.cell_type == "code"), None)
        if code is None or not code.source.startswith(setup_block(setting)):
            problems.append(f"{notebook.name}: the first code cell does not start with the "
                            "setup block for this setting")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for match in _LINK.finditer(readme):
        if match.group(0) != colab_url(setting, match.group("name")):
            problems.append(f"README.md: {match.group(0)} points elsewhere")
    for notebook in notebooks:
        if colab_url(setting, notebook.name) not in readme:
            problems.append(f"README.md has no Colab badge for {notebook.name}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", help="owner/name of the GitHub repository")
    parser.add_argument("--branch", help="the branch the badges open (default: keep)")
    parser.add_argument("--check", action="store_true", help="only report disagreements")
    args = parser.parse_args(argv)
    if args.check:
        problems = disagreements()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    current = read_setting()
    setting = Setting(args.repo or current.repository, args.branch or current.branch)
    if setting != current:
        write_setting(setting)
    changed = apply(setting)
    print(f"repository {setting.repository}, branch {setting.branch}: "
          f"{len(changed)} file(s) rewritten")
    if setting.is_placeholder:
        print(f"{PLACEHOLDER} is a placeholder: set the public address with "
              "`make colab REPO=owner/name`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
