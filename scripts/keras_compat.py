"""Check the judge and the shipped weights on other TensorFlow / Keras / Python versions.

    python scripts/keras_compat.py                 # every combination below
    python scripts/keras_compat.py --only tf2.19   # the combinations whose name contains it

For each combination it makes a virtual environment under ``build/compat/<name>/`` (kept,
so a rerun only checks), installs that TensorFlow and Keras with genlab's other
dependencies and genlab itself (``--no-deps``, so the pins of requirements.txt do not
apply), and runs the check below in it: the judge classifier must load and read the
test digits as well as on the tested versions, and every network of every notebook must
be built by the notebook's own code and take its shipped weights. The results go to
``scripts/keras_compat.json``; the README's table is copied from it. Not run in CI: each
environment downloads a TensorFlow of about 600 MB.

The combinations are the TensorFlow / Keras pairs that Colab has shipped in the last
year, on the Python versions Colab used, and the versions requirements.txt pins.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).with_suffix(".json")
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"

# name: (python, tensorflow, keras)
COMBINATIONS = {
    "py3.12-tf2.19-keras3.10": ("3.12", "2.19.0", "3.10.0"),
    "py3.12-tf2.20-keras3.13": ("3.12", "2.20.0", "3.13.2"),
    "py3.13-tf2.20-keras3.14": ("3.13", "2.20.0", "3.14.1"),
    "py3.11-tf2.21-keras3.15": ("3.11", "2.21.0", "3.15.1"),
}
OTHER_DEPENDENCIES = ["scipy", "matplotlib", "seaborn", "pillow", "scikit-learn", "nbformat",
                      "nbclient", "ipykernel", "ipywidgets", "ffmpeg-python", "imageio-ffmpeg"]

CHECK = r"""
import json, sys
import numpy as np
import keras, tensorflow as tf
from genlab import data, metrics, notebooks, weights
mnist = data.prepare_mnist(n_train=1000, n_test=2000)
accuracy = metrics.class_accuracy(mnist.x_test, mnist.y_test)
restored = {}
for notebook in ["01_autoencoder", "02_vae", "03_cvae", "04_gan", "05_cvae_gan"]:
    networks = weights.trained(notebook)
    restored[notebook] = len(networks)
print(json.dumps({"python": sys.version.split()[0], "tensorflow": tf.__version__,
                  "keras": keras.__version__, "judge_accuracy_2000": round(accuracy, 4),
                  "networks_restored": restored}))
"""


def python_for(version: str) -> Path:
    candidates = sorted(PYENV.glob(f"{version}.*"))
    if not candidates:
        raise SystemExit(f"no Python {version} under {PYENV}: install it (pyenv install {version})")
    return candidates[-1] / "bin" / "python"


def environment(name: str, python: str, tensorflow: str, keras: str) -> Path:
    venv = ROOT / "build" / "compat" / name
    py = venv / "bin" / "python"
    if not (venv / ".installed").is_file():
        subprocess.run([python_for(python), "-m", "venv", "--clear", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", f"tensorflow=={tensorflow}",
                        f"keras=={keras}", *OTHER_DEPENDENCIES], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "-e", ROOT], check=True)
        (venv / ".installed").touch()
    return py


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="check only combinations whose name contains this")
    parser.add_argument("--prepare", action="store_true", help="only make the environments")
    args = parser.parse_args(argv)
    results = json.loads(OUT.read_text()) if OUT.is_file() else {}
    for name, versions in COMBINATIONS.items():
        if args.only and args.only not in name:
            continue
        py = environment(name, *versions)
        if args.prepare:
            continue
        done = subprocess.run([py, "-c", CHECK], capture_output=True, text=True,
                              env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, cwd=ROOT)
        if done.returncode == 0:
            results[name] = {"ok": True, **json.loads(done.stdout.strip().splitlines()[-1])}
        else:
            results[name] = {"ok": False, "error": done.stderr.strip().splitlines()[-1]}
        print(name, results[name], flush=True)
    if not args.prepare:
        OUT.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
