"""Every notebook of the series, end to end, in quick mode (GENLAB_QUICK=1) on a copy.

Twice: training (``train = True``, the default), in name order into one shared output
folder, because later notebooks load the models that earlier ones saved; and from the
weights that ship with the repository (``train = False``), each on its own, as a
student who opens one notebook does. A test fails only when a notebook raises or saves
nothing; the durations go to ``build/notebook_times.json`` and are printed.
"""

import json

import pytest

from genlab import notebooks, paths

NOTEBOOKS = notebooks.list_notebooks()
TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def quick_out(tmp_path_factory):
    return tmp_path_factory.mktemp("quick")


@pytest.fixture(scope="module", autouse=True)
def report_times():
    yield
    if TIMES:
        report = paths.repo_root() / "build" / "notebook_times.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(TIMES, indent=2) + "\n")
        print("\nquick-mode seconds per notebook:", json.dumps(TIMES, indent=1))


def saved_something(out, notebook):
    figs = out / "figs" / notebook.stem
    return figs.is_dir() and any(figs.iterdir())


if NOTEBOOKS:  # parametrising over nothing would only report a skip

    @pytest.mark.notebooks
    @pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
    def test_notebook_trains_in_quick_mode(notebook, quick_out):
        TIMES[f"{notebook.stem} (train)"] = round(
            notebooks.execute(notebook, "quick", out_root=quick_out, timeout=600), 1)
        assert saved_something(quick_out, notebook), "the notebook saved no figure"

    @pytest.mark.notebooks
    @pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
    def test_notebook_runs_from_the_shipped_weights(notebook, tmp_path):
        TIMES[f"{notebook.stem} (shipped weights)"] = round(notebooks.execute(
            notebook, "quick", out_root=tmp_path, timeout=600, parameters={"train": False}), 1)
        assert saved_something(tmp_path, notebook), "the notebook saved no figure"
        assert not (tmp_path / "weights").exists(), "train = False must not write weights"
