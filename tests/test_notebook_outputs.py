"""The committed notebooks, as readers see them on GitHub: no errors, no stderr noise, no
paths of the machine they ran on, and each under 3 MB."""

import nbformat
import pytest

from genlab import notebooks

NOTEBOOKS = notebooks.list_notebooks()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_are_clean(notebook):
    assert notebooks.output_problems(notebook) == []


def test_the_checker_finds_each_kind_of_problem(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="E0000 failed call to cuInit\n"),
        nbformat.v4.new_output("stream", name="stdout", text="saved /home/me/genlab/figs/a.png\n"),
        nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[]),
        nbformat.v4.new_output("display_data", data={"text/plain": "ok, relative figs/a.png"}),
    ]
    nb.cells = [cell]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    problems = notebooks.output_problems(path)
    assert len(problems) == 3
    assert "stderr" in problems[0] and "/home/me/genlab" in problems[1] and "error" in problems[2]
    path.write_bytes(path.read_bytes() + b" " * (3 * 2**20))
    assert any("over 3 MB" in p for p in notebooks.output_problems(path))
