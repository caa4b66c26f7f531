"""Execute the series' notebooks: quick mode on copies (tests, CI) or full mode in place.

    python -m genlab.notebooks quick            # every notebook, GENLAB_QUICK=1, on copies
    python -m genlab.notebooks full             # every notebook in order, outputs saved in place
    python -m genlab.notebooks quick 02_vae     # just one

Quick mode copies each notebook into ``build/quick/notebooks/`` (or ``GENLAB_OUT``) and
runs the copy, so the committed full-mode outputs and figures are never touched. Both
modes run the notebooks in name order, because later notebooks load the models that
earlier ones saved, with 06_comparison last: it scores every other notebook's model.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from genlab import paths

MODES = ("quick", "full")


COMPARISON = "06_comparison"  # scores every other notebook's model, so it runs last


def list_notebooks(root: Path | None = None) -> list[Path]:
    """The notebooks in the order they run: by name, with the comparison last (it loads the
    models of every other notebook, the appendix 07 included)."""
    folder = (root or paths.repo_root()) / "notebooks"
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    return [p for p in found if p.stem != COMPARISON] + [p for p in found
                                                          if p.stem == COMPARISON]


def select(names: Sequence[str], available: Sequence[Path]) -> list[Path]:
    if not names:
        return list(available)
    by_stem = {p.stem: p for p in available}
    unknown = [n for n in names if Path(n).stem not in by_stem]
    if unknown:
        raise ValueError(f"unknown notebooks {unknown}; choose from {sorted(by_stem)}")
    return [by_stem[Path(n).stem] for n in names]


@contextmanager
def _environment(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _override_parameters(nb, parameters: dict) -> None:
    """Append ``name = value`` lines to the copy's ``parameters`` cell (papermill's idea)."""
    cell = next((c for c in nb.cells if c.cell_type == "code"
                 and "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        raise ValueError("the notebook has no cell tagged 'parameters' to override")
    lines = [f"{name} = {value!r}" for name, value in parameters.items()]
    cell.source = cell.source.rstrip("\n") + "\n# overridden by the runner\n" + "\n".join(lines)


def execute(notebook: Path, mode: str, out_root: Path | None = None,
            timeout: int = 3600, parameters: dict | None = None) -> float:
    """Run one notebook; returns its wall-clock seconds. Raises if a cell fails.

    Quick mode always runs a copy under ``out_root``; full mode runs the notebook in place,
    or a copy when ``out_root`` is given (e.g. another seed's full run, whose figures,
    weights and metrics then go under ``out_root``). ``parameters`` (e.g.
    ``{"train": False}`` or ``{"seed": 1}``) override the copy's ``parameters`` cell; the
    committed notebook is never changed by them.
    """
    import nbformat
    from nbclient import NotebookClient

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if parameters and mode == "full" and out_root is None:
        raise ValueError("parameters can only be overridden on a copy: quick mode, or full "
                         "mode with an out_root")
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise FileNotFoundError(f"{notebook} does not exist")
    if mode == "quick" or out_root is not None:
        default = os.environ.get("GENLAB_OUT") or paths.repo_root() / "build" / "quick"
        out_root = Path(out_root or default).resolve()
        target = out_root / "notebooks" / notebook.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, target)
        env = {"GENLAB_QUICK": "1" if mode == "quick" else "0", "GENLAB_OUT": str(out_root)}
    else:
        target = notebook
        # full mode writes into the repository; a GENLAB_OUT left in the shell from a quick
        # run must not redirect the committed figures
        env = {"GENLAB_QUICK": "0", "GENLAB_OUT": ""}
    nb = nbformat.read(target, as_version=4)
    if parameters:
        _override_parameters(nb, parameters)
    # TensorFlow's C++ start-up logs go to the process's own stderr, not into the saved
    # notebook: readers on GitHub should see the lesson's output, not this machine's drivers
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            extra_arguments=["--IPKernelApp.capture_fd_output=False"],
                            resources={"metadata": {"path": str(target.parent)}})
    start = time.perf_counter()
    with _environment(**env):
        try:
            client.execute()
        except Exception:
            if target != notebook:
                nbformat.write(nb, target)  # the copy shows where it failed
            raise  # a failed run in place keeps the committed outputs untouched
    compact_images(nb)
    nbformat.write(nb, target)
    return time.perf_counter() - start


def compact_images(nb) -> int:
    """Re-encode every PNG output of ``nb`` with Pillow's optimiser, in place; returns the
    bytes saved. Lossless (the pixels are unchanged): matplotlib writes RGBA PNGs fast
    rather than small, even when every pixel is opaque grey (a digit grid), and a notebook
    must stay under ``MAX_NOTEBOOK_BYTES`` for GitHub."""
    import base64
    import io as bytes_io

    from PIL import Image

    if not isinstance(nb, Mapping) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"nb must be a notebook (a mapping with a list of 'cells', as "
                         f"nbformat.read returns), got {type(nb).__name__}")
    saved = 0
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            original = base64.b64decode("".join(data["image/png"]))
            buffer = bytes_io.BytesIO()
            with Image.open(bytes_io.BytesIO(original)) as image:
                _fewest_channels(image).save(buffer, format="PNG", optimize=True)
            if buffer.tell() < len(original):
                data["image/png"] = base64.b64encode(buffer.getvalue()).decode("ascii")
                saved += len(original) - buffer.tell()
    return saved


def _fewest_channels(image):
    """``image`` with the channels it does not use dropped: an opaque image loses its
    alpha, an opaque grey one (R = G = B everywhere) becomes one channel ("L")."""
    import numpy as np

    if image.mode not in ("RGB", "RGBA"):
        return image
    pixels = np.asarray(image.convert("RGBA"))
    if (pixels[..., 3] != 255).any():
        return image
    rgb = pixels[..., :3]
    if (rgb == rgb[..., :1]).all():
        return image.convert("L")
    return image.convert("RGB")


MAX_NOTEBOOK_BYTES = 3_000_000  # 3 MB (DESIGN.md); GitHub is slow to render larger notebooks
# an absolute path of the machine a notebook ran on (its checkout, home or virtual env)
_MACHINE_PATH = re.compile(r"(?<![\w.:/])(/(home|root|Users|tmp|work|opt|usr|var|content)/|"
                           r"[A-Za-z]:\\)[^\s'\"]*")


def output_problems(notebook: Path | str) -> list[str]:
    """What a reader should not see in a committed notebook's outputs (empty: nothing).

    An error output, anything written to stderr (TensorFlow's start-up logs, warnings),
    an absolute path of the machine it ran on, or a file over 3 MB.
    """
    import nbformat

    path = Path(notebook)
    problems = []
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        problems.append(f"{path.name} is {size / 1e6:.2f} MB (over 3 MB)")
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            where = f"{path.name} cell {index}"
            if output.output_type == "error":
                problems.append(f"{where}: an error output ({output.get('ename')})")
                continue
            if output.output_type == "stream" and output.get("name") == "stderr":
                problems.append(f"{where}: stderr output: {output.get('text', '')[:120]!r}")
                continue
            texts = [output.get("text", "")] + [
                value for key, value in output.get("data", {}).items()
                if key.startswith("text/") and isinstance(value, str)]
            for text in texts:
                found = _MACHINE_PATH.search(text)
                if found:
                    problems.append(f"{where}: a path of this machine: {found.group(0)[:80]}")
                    break
    return problems


MODEL_TAG = "model"
SETUP_END = "# --- end of setup ---"  # genlab.colab.END: where a setup cell's own imports begin


def definitions(notebook: Path | str, **overrides) -> dict:
    """The namespace of a notebook's model code, without running the notebook.

    Executes the first code cell (its imports, after the Colab setup block), the
    ``parameters`` cell (then ``overrides``,
    e.g. ``batch_size=32``) and every cell tagged ``model``: the cells that define the
    architectures and training steps. Tests use it to train the notebook's own models
    for a few steps, so they test the code the lesson shows, not a copy of it.
    """
    import nbformat

    path = Path(notebook)
    if not path.is_file():
        path = paths.repo_root() / "notebooks" / f"{Path(str(notebook)).stem}.ipynb"
    if not path.is_file():
        raise ValueError(f"no notebook {notebook!r}; choose from "
                         f"{[p.stem for p in list_notebooks()]}")
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    tagged = [c for c in cells if MODEL_TAG in c.metadata.get("tags", [])]
    parameters = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    if not tagged or not parameters:
        raise ValueError(f"{path.name} needs a 'parameters' cell and cells tagged "
                         f"'{MODEL_TAG}' (the model definitions)")
    namespace: dict = {"__name__": f"genlab_definitions_{path.stem}"}
    imports = cells[0].source
    if SETUP_END in imports:  # the Colab bootstrap is not needed: genlab is importable here
        imports = imports[imports.index(SETUP_END) + len(SETUP_END):]
    exec(compile(imports, f"{path.name}:imports", "exec"), namespace)
    exec(compile(parameters[0].source, f"{path.name}:parameters", "exec"), namespace)
    namespace.update(overrides)
    for index, cell in enumerate(tagged):
        exec(compile(cell.source, f"{path.name}:model[{index}]", "exec"), namespace)
    return namespace


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("names", nargs="*", help="notebook stems, e.g. 02_vae (default: all)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args(argv)
    notebooks = select(args.names, list_notebooks())
    if not notebooks:
        print(f"No notebooks in {paths.repo_root() / 'notebooks'} yet: nothing to run.")
        return 0
    times: dict[str, float] = {}
    for notebook in notebooks:
        print(f"[{args.mode}] running {notebook.name} ...", flush=True)
        times[notebook.stem] = execute(notebook, args.mode, timeout=args.timeout)
        print(f"[{args.mode}] {notebook.name}: {times[notebook.stem]:.0f} s", flush=True)
    print("\nPer-notebook wall-clock time:")
    for stem, seconds in times.items():
        print(f"  {stem:<20} {seconds / 60:6.1f} min")
    print(f"  {'total':<20} {sum(times.values()) / 60:6.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
