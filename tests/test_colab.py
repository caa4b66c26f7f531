"""The Colab route: badges and setup cells written from one setting, and the setup cell
itself run as Colab would run it, against a local clone (no network, no TensorFlow download)."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from genlab import colab, paths

ROOT = paths.repo_root()


def test_every_badge_and_setup_cell_agrees_with_the_setting():
    assert colab.disagreements() == []


def test_the_default_setting_is_an_obvious_placeholder_that_the_readme_explains():
    setting = colab.read_setting()
    readme = (ROOT / "README.md").read_text()
    if setting.is_placeholder:
        assert colab.PLACEHOLDER in readme and "make colab REPO=" in readme


def copy_of_the_series(tmp_path) -> Path:
    copy = tmp_path / "series"
    copy.mkdir()
    shutil.copytree(ROOT / "notebooks", copy / "notebooks")
    for file in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / file, copy / file)
    return copy


def test_make_colab_rewrites_every_badge_and_setup_cell_and_the_check_sees_a_hand_edit(
        tmp_path):
    copy = copy_of_the_series(tmp_path)
    setting = colab.Setting("someone/genlab-fork", "course")
    colab.write_setting(setting, copy)
    assert colab.read_setting(copy) == setting
    changed = colab.apply(root=copy)
    assert len(changed) == len(list((copy / "notebooks").glob("*.ipynb"))) + 1  # + README
    assert colab.disagreements(copy) == []
    for notebook in (copy / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(notebook, as_version=4)
        assert colab.badge(setting, notebook.name) in nb.cells[0].source
        setup = next(c for c in nb.cells if c.cell_type == "code")
        assert '"someone/genlab-fork"' in setup.source and '"course"' in setup.source
        assert setup.source.count(colab.BEGIN) == 1  # rewritten in place, not stacked
    assert colab.apply(root=copy) == []  # a second run changes nothing
    readme = copy / "README.md"
    readme.write_text(readme.read_text().replace("someone/genlab-fork", "elsewhere/x", 1))
    assert any("README.md" in problem for problem in colab.disagreements(copy))


@pytest.mark.parametrize("repository", ["", "no-slash", "a/b/c", "https://github.com/a/b"])
def test_a_malformed_repository_is_refused(repository):
    with pytest.raises(ValueError, match="owner/name"):
        colab.Setting(repository, "main")


def local_source_repository(tmp_path) -> Path:
    """A git repository with what `pip install -e` needs, on branch main."""
    source = tmp_path / "source"
    source.mkdir()
    shutil.copytree(ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for file in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / file, source / file)
    (source / "notebooks").mkdir()
    git = ["git", "-C", str(source), "-c", "user.name=test", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(source)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "series"], check=True)
    return source


def python_without_genlab(tmp_path) -> Path:
    """A fresh venv that sees this environment's packages (TensorFlow, pip) but not genlab.

    A ``.pth`` line adds this environment's site-packages to ``sys.path``; the ``.pth``
    files inside it (genlab's editable install among them) are not processed.
    """
    venv = tmp_path / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "project.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "python"


RUN_SETUP_CELL = """
import json, sys, types
try:
    import google  # the real namespace package (protobuf lives in it): keep it
except ImportError:
    google = sys.modules.setdefault("google", types.ModuleType("google"))
google.colab = sys.modules["google.colab"] = types.ModuleType("google.colab")  # Colab, faked
exec(compile(open(sys.argv[1]).read(), "setup cell", "exec"))
import genlab
from genlab import classifier, paths
judge = classifier.load()
print(json.dumps({"genlab": genlab.__file__, "root": str(paths.repo_root()),
                  "judge": str(classifier.judge_dir() / classifier.WEIGHTS_FILE),
                  "judge_layers": len(judge.layers)}))
"""


def test_the_setup_cell_installs_genlab_in_a_fake_colab_and_finds_the_judge(tmp_path):
    setup = next(c for c in nbformat.read(ROOT / "notebooks" / "01_autoencoder.ipynb",
                                          as_version=4).cells if c.cell_type == "code")
    block = setup.source[:setup.source.index(colab.END)]
    cell_file = tmp_path / "setup_cell.py"
    cell_file.write_text(block)
    python = python_without_genlab(tmp_path)
    probe = subprocess.run([python, "-c", "import importlib.util, sys; "
                            "sys.exit(importlib.util.find_spec('genlab') is not None)"])
    assert probe.returncode == 0, "the test interpreter must start without genlab"
    clone = tmp_path / "content" / "genlab"
    env = {**os.environ, "GENLAB_REPOSITORY": str(local_source_repository(tmp_path)),
           "GENLAB_BRANCH": "main", "GENLAB_CLONE": str(clone),
           "GENLAB_PIP_ARGS": "--no-deps --no-build-isolation --no-index"}
    env.pop("GENLAB_ROOT", None)
    done = subprocess.run([python, "-c", RUN_SETUP_CELL, cell_file], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("Python ") and "TensorFlow" in lines[0] and "Keras" in lines[0]
    found = json.loads(lines[-1])
    assert Path(found["genlab"]).is_relative_to(clone / "src")
    assert Path(found["root"]) == clone
    assert Path(found["judge"]).is_relative_to(clone) and Path(found["judge"]).is_file()
    assert found["judge_layers"] > 5
    pins = (clone / "colab-constraints.txt").read_text().split()
    assert any(pin.startswith("tensorflow==") for pin in pins)
    assert any(pin.startswith("keras==") for pin in pins)
