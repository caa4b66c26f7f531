import json

import numpy as np
import pytest

from genlab import io, paths


def test_atomic_path_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "metrics.json"
    target.write_text('{"fid": 1.0}')

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted), io.atomic_path(target) as tmp:
        tmp.write_text('{"fid": 2')  # half-written...
        raise Interrupted  # ...then the run is stopped
    assert json.loads(target.read_text()) == {"fid": 1.0}
    assert list(tmp_path.iterdir()) == [target]  # the temporary file is gone


def test_atomic_path_gives_files_the_usual_permissions(tmp_path):
    import os
    import stat

    with io.atomic_path(tmp_path / "fig.png") as tmp:
        tmp.write_bytes(b"png")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "fig.png").stat().st_mode) == 0o666 & ~mask


def test_atomic_path_refuses_an_empty_result(tmp_path):
    target = tmp_path / "fig.png"
    with pytest.raises(OSError, match="empty"), io.atomic_path(target):
        pass
    assert not target.exists()


def test_atomic_path_keeps_the_extension_for_format_sniffing_writers(tmp_path):
    with io.atomic_path(tmp_path / "decoder.keras") as tmp:
        assert tmp.name.endswith("decoder.keras") and tmp.parent == tmp_path
        tmp.write_bytes(b"x")


def test_save_json_round_trips_numpy_and_refuses_nan(tmp_path):
    path = io.save_json({"fid": np.float32(2.5), "hist": np.arange(3)}, tmp_path / "m.json")
    assert io.load_json(path) == {"fid": 2.5, "hist": [0, 1, 2]}
    with pytest.raises(ValueError, match="metrics value run.fid is nan"):
        io.save_json({"run": {"fid": float("nan")}}, tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()
    with pytest.raises(ValueError, match="expects a dict"):
        io.save_json([1], tmp_path / "x.json")


def test_load_json_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        io.load_json(tmp_path / "none.json")
    (tmp_path / "b.json").write_text("{oops")
    with pytest.raises(ValueError, match="not valid JSON"):
        io.load_json(tmp_path / "b.json")


def test_quick_mode_never_writes_into_the_committed_figs(monkeypatch):
    monkeypatch.delenv("GENLAB_OUT", raising=False)
    monkeypatch.setenv("GENLAB_QUICK", "1")
    assert paths.is_quick()
    assert paths.output_root() == paths.repo_root() / "build" / "quick"
    monkeypatch.setenv("GENLAB_QUICK", "0")
    assert not paths.is_quick()
    assert paths.output_root() == paths.repo_root()


def test_repo_root_is_this_checkout():
    root = paths.repo_root()
    assert (root / "pyproject.toml").is_file() and (root / "src" / "genlab").is_dir()


def test_notebook_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("GENLAB_OUT", str(tmp_path))
    paths.use_notebook("03_cvae")
    assert paths.figs_dir() == tmp_path / "figs" / "03_cvae"
    assert paths.artifacts_dir() == tmp_path / "artifacts" / "03_cvae"
    assert (tmp_path / "artifacts" / "03_cvae").is_dir()
    # reading another notebook's folder leaves the current notebook alone
    assert paths.figs_dir("01_autoencoder") == tmp_path / "figs" / "01_autoencoder"
    assert paths.current_notebook() == "03_cvae"
    for bad in ["", "../x", "a/b", None]:
        with pytest.raises(ValueError, match="file stem"):
            paths.use_notebook(bad)


def test_an_installed_copy_finds_the_checkout_from_the_working_folder(tmp_path, monkeypatch):
    """`pip install .` puts genlab in site-packages: the checkout is found from the working
    folder (a notebook runs in notebooks/), and GENLAB_ROOT (set by the Colab setup) wins."""
    checkout = tmp_path / "series"
    (checkout / "notebooks").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'genlab'\n")
    monkeypatch.delenv("GENLAB_ROOT", raising=False)
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "site-packages" / "genlab" / "paths.py"))
    monkeypatch.chdir(checkout / "notebooks")
    assert paths.repo_root() == checkout.resolve()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert paths.repo_root() == elsewhere.resolve()  # no checkout around: the working folder
    monkeypatch.setenv("GENLAB_ROOT", str(checkout))
    assert paths.repo_root() == checkout.resolve()
    assert paths.shipped_weights_dir("02_vae") == checkout.resolve() / "weights" / "02_vae"
    assert paths.shipped_figs_dir("02_vae") == checkout.resolve() / "figs" / "02_vae"
