"""Every notebook of the series, end to end, in quick mode (GENLAB_QUICK=1) on a copy.

They run in name order into one shared output folder, because later notebooks load
the models that earlier ones saved. The contract allows 90 s per notebook on 2 cores.
"""

import pytest

from genlab import notebooks

NOTEBOOKS = notebooks.list_notebooks()
QUICK_LIMIT_SECONDS = 90


@pytest.fixture(scope="module")
def quick_out(tmp_path_factory):
    return tmp_path_factory.mktemp("quick")


if NOTEBOOKS:  # parametrising over nothing would only report a skip

    @pytest.mark.notebooks
    @pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
    def test_notebook_runs_in_quick_mode(notebook, quick_out):
        seconds = notebooks.execute(notebook, "quick", out_root=quick_out, timeout=600)
        assert (quick_out / "figs" / notebook.stem).is_dir(), "the notebook saved no figure"
        assert seconds <= QUICK_LIMIT_SECONDS, f"{notebook.name} took {seconds:.0f} s"
