"""The runner behind `make test` (quick, on copies) and `make reproduce` (full, in place)."""

import json

import nbformat
import pytest

from genlab import notebooks, paths

SETUP = """
import matplotlib.pyplot as plt
from genlab import paths, plots
paths.use_notebook("99_probe")
plt.plot([0, 1], [0, 1])
path = plots.save_fig("probe")
print(paths.is_quick(), path)
"""


def probe_notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Probe"), nbformat.v4.new_code_cell(SETUP)]
    path = folder / "99_probe.ipynb"
    nbformat.write(nb, path)
    return path


def test_quick_mode_runs_a_copy_and_writes_outside_figs(tmp_path):
    source = probe_notebook(tmp_path)
    committed = source.read_text()
    out = tmp_path / "quick"
    seconds = notebooks.execute(source, "quick", out_root=out, timeout=120)
    assert seconds > 0
    assert source.read_text() == committed  # the committed notebook is untouched
    executed = nbformat.read(out / "notebooks" / "99_probe.ipynb", as_version=4)
    printed = executed.cells[1].outputs[0]["text"]
    assert printed.startswith("True")
    assert (out / "figs" / "99_probe" / "probe.png").is_file()
    assert not (paths.repo_root() / "figs" / "99_probe").exists()


def test_quick_mode_honours_genlab_out_and_full_mode_ignores_a_stale_one(tmp_path, monkeypatch):
    source = probe_notebook(tmp_path)
    monkeypatch.setenv("GENLAB_OUT", str(tmp_path / "from_env"))
    notebooks.execute(source, "quick", timeout=120)
    assert (tmp_path / "from_env" / "figs" / "99_probe" / "probe.png").is_file()
    assert not nbformat.read(source, as_version=4).cells[1].get("outputs")  # a copy ran
    # full mode writes into the repository (here a stand-in root), not into a stale GENLAB_OUT
    monkeypatch.setenv("GENLAB_ROOT", str(tmp_path / "root"))
    monkeypatch.setenv("GENLAB_OUT", str(tmp_path / "stale"))
    notebooks.execute(source, "full", timeout=120)
    assert (tmp_path / "root" / "figs" / "99_probe" / "probe.png").is_file()
    assert not (tmp_path / "stale").exists()
    assert nbformat.read(source, as_version=4).cells[1]["outputs"]  # executed in place


def test_failing_full_run_keeps_the_committed_outputs(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("raise RuntimeError('boom')")]
    path = tmp_path / "98_fail.ipynb"
    nbformat.write(nb, path)
    before = json.loads(path.read_text())
    monkeypatch.setenv("GENLAB_ROOT", str(tmp_path))
    with pytest.raises(Exception, match="boom"):
        notebooks.execute(path, "full", timeout=60)  # in place
    assert json.loads(path.read_text()) == before


def test_a_full_run_of_a_copy_takes_other_parameters_and_writes_elsewhere(tmp_path):
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("seed = 42")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_code_cell("import os"), parameters,
                nbformat.v4.new_code_cell("print(seed, os.environ['GENLAB_QUICK'])")]
    path = tmp_path / "97_seed.ipynb"
    nbformat.write(nb, path)
    before = path.read_text()
    notebooks.execute(path, "full", out_root=tmp_path / "seed1", timeout=60,
                      parameters={"seed": 1})
    assert path.read_text() == before  # the committed notebook is untouched
    copy = nbformat.read(tmp_path / "seed1" / "notebooks" / "97_seed.ipynb", as_version=4)
    assert copy.cells[2].outputs[0]["text"] == "1 0\n"  # seed 1, full mode


def test_select_and_errors(tmp_path):
    available = [tmp_path / "01_a.ipynb", tmp_path / "02_b.ipynb"]
    assert notebooks.select([], available) == available
    assert notebooks.select(["02_b"], available) == [available[1]]
    with pytest.raises(ValueError, match="unknown notebooks"):
        notebooks.select(["07_x"], available)
    with pytest.raises(ValueError, match="mode must be one of"):
        notebooks.execute(available[0], "fast")


def test_main_without_notebooks_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(notebooks, "list_notebooks", lambda: [])
    assert notebooks.main(["full"]) == 0
    assert "nothing to run" in capsys.readouterr().out


def test_the_comparison_runs_after_every_other_notebook(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for stem in ("07_appendix", "06_comparison", "01_first", "02_second"):
        (folder / f"{stem}.ipynb").write_text("{}")
    order = [p.stem for p in notebooks.list_notebooks(tmp_path)]
    assert order == ["01_first", "02_second", "07_appendix", "06_comparison"]


def test_parameters_are_overridden_only_on_a_copy(tmp_path):
    source = probe_notebook(tmp_path)
    with pytest.raises(ValueError, match="only be overridden on a copy"):
        notebooks.execute(source, "full", parameters={"train": False})
    with pytest.raises(ValueError, match="no cell tagged 'parameters'"):
        notebooks.execute(source, "quick", out_root=tmp_path / "q", parameters={"train": False})


def test_compact_images_reencodes_png_outputs_losslessly_and_smaller():
    import base64
    import io as bytes_io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    from genlab import notebooks

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.imshow(np.random.default_rng(0).random((28, 28)), cmap="gray")
    buffer = bytes_io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {"image/png": png, "text/plain": "fig"}}]},
        {"cell_type": "markdown"}]}
    saved = notebooks.compact_images(nb)
    compact = nb["cells"][0]["outputs"][0]["data"]["image/png"]
    assert saved > 0 and len(base64.b64decode(compact)) == len(buffer.getvalue()) - saved

    def image(encoded):
        return Image.open(bytes_io.BytesIO(base64.b64decode(encoded)))

    def pixels(encoded):
        return np.asarray(image(encoded).convert("RGBA"))

    np.testing.assert_array_equal(pixels(compact), pixels(png))
    assert image(png).mode == "RGBA" and image(compact).mode == "L"  # grey figure: one channel
    assert notebooks.compact_images(nb) == 0  # already as small as the optimiser gets it

    # colour (a coloured curve) and transparency are kept: the pixels stay the same
    for transparent in (False, True):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [0, 1], color="tab:red")
        buffer = bytes_io.BytesIO()
        fig.savefig(buffer, format="png", transparent=transparent)
        plt.close(fig)
        png = base64.b64encode(buffer.getvalue()).decode("ascii")
        nb = {"cells": [{"cell_type": "code", "outputs": [
            {"output_type": "display_data", "data": {"image/png": png}}]}]}
        notebooks.compact_images(nb)
        compact = nb["cells"][0]["outputs"][0]["data"]["image/png"]
        np.testing.assert_array_equal(pixels(compact), pixels(png))
        assert image(compact).mode == ("RGBA" if transparent else "RGB")
