"""Nothing half-written, and no display needed: the promises of issue 10 that span modules.

An interrupted run must never leave a truncated figure, GIF, metrics file or model where
a later notebook would load it, and figures must be saved on a machine without a screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from PIL import Image

from genlab import animation, io, models, plots


def _tiny_model():
    x_in = keras.Input((4,))
    return keras.Model(x_in, keras.layers.Dense(2)(x_in))


def _interrupt_after_partial_write(path):
    """Stand-in for a writer stopped by Ctrl-C halfway through its file."""
    with open(path, "wb") as handle:
        handle.write(b"\x00partial")
    raise KeyboardInterrupt


WRITERS = {
    "figure": ("fig.png", lambda target, monkeypatch: _write_figure(target, monkeypatch)),
    "gif": ("anim.gif", lambda target, monkeypatch: _write_gif(target, monkeypatch)),
    "metrics": ("metrics.json", lambda target, monkeypatch: _write_json(target, monkeypatch)),
    "model": ("model.keras", lambda target, monkeypatch: _write_model(target, monkeypatch)),
}


def _write_figure(target, monkeypatch):
    import matplotlib.figure

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig",
                        lambda self, path, **kwargs: _interrupt_after_partial_write(path))
    plots.save_fig(target.stem, plots.digit_grid(np.zeros((4, 28, 28)), ncols=2))


def _write_gif(target, monkeypatch):
    monkeypatch.setattr(Image.Image, "save",
                        lambda self, path, **kwargs: _interrupt_after_partial_write(path))
    animation.save_gif([np.zeros((28, 28)), np.ones((28, 28))], target)


def _write_json(target, monkeypatch):
    monkeypatch.setattr(io.Path, "write_text",
                        lambda self, text, **kwargs: _interrupt_after_partial_write(self))
    io.save_json({"fid": 2.0}, target)


def _write_model(target, monkeypatch):
    model = _tiny_model()
    monkeypatch.setattr(keras.Model, "save",
                        lambda self, path, **kwargs: _interrupt_after_partial_write(path))
    models.save_model(model, target)


@pytest.mark.parametrize("kind", list(WRITERS))
def test_an_interrupted_writer_leaves_the_previous_file(kind, out_dir, monkeypatch):
    """Ctrl-C in the middle of any writer: the old file survives, no temporary file stays."""
    name, write = WRITERS[kind]
    folder = out_dir / "figs" / "test_notebook"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(b"the previous complete file")
    with pytest.raises(KeyboardInterrupt):
        write(target, monkeypatch)
    assert target.read_bytes() == b"the previous complete file"
    assert [p.name for p in folder.iterdir()] == [name]


def test_a_killed_process_never_leaves_a_truncated_gif(tmp_path):
    """SIGKILL (no cleanup code runs at all) after a new GIF is written but before it
    replaces the old one: the target still holds the previous, loadable GIF; only a hidden
    temporary file is left. The writer tells the test when it got there and then waits,
    so the kill happens at that point every time (no timing, no race)."""
    target = tmp_path / "samples.gif"
    animation.save_gif([np.zeros((28, 28)), np.ones((28, 28))], target)
    before = target.read_bytes()
    script = textwrap.dedent(f"""
        import os, sys
        import numpy as np
        from genlab import animation

        def replace_after_a_kill(source, destination):
            print("written", flush=True)  # the new GIF is complete, not yet renamed
            sys.stdin.read()  # wait here until killed

        os.replace = replace_after_a_kill
        frames = list(np.random.default_rng(0).random((20, 280, 280)))
        animation.save_gif(frames, {str(target)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "written"
    finally:
        process.kill()
        process.wait()
    assert target.read_bytes() == before
    with Image.open(target) as gif:
        assert gif.n_frames == 2
    leftovers = [p for p in tmp_path.iterdir() if p != target]
    assert leftovers and all(p.name.startswith(".tmp-") for p in leftovers)


def test_figures_are_saved_without_a_display(tmp_path):
    """A headless machine (no DISPLAY, no MPLBACKEND): plots still save PNG files."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env["GENLAB_OUT"] = str(tmp_path)
    script = textwrap.dedent("""
        import json, numpy as np, matplotlib
        from genlab import paths, plots
        paths.use_notebook("headless")
        target = plots.save_fig("grid", plots.digit_grid(np.zeros((4, 28, 28)), ncols=2))
        print(json.dumps({"backend": matplotlib.get_backend(), "file": str(target)}))
    """)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["backend"].lower() == "agg"
    with Image.open(report["file"]) as png:
        assert png.format == "PNG" and png.size[0] > 50
