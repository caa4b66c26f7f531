"""Every benchmark script runs, in a tiny configuration, and returns finite numbers.

The scripts take many minutes at their recorded sizes, so nothing else runs them
between releases; these tests import each one as a module and call its ``main`` with a
few hundred digits, one repeat and a few batches, so a script broken by a change in
genlab fails here instead of when someone next needs its numbers. They never write the
committed results: every test checks that the JSON files (and the figure) in the
repository are unchanged afterwards.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
# what the scripts write when run from the command line: none of it may change here
COMMITTED = sorted(BENCHMARKS.glob("*.json")) + [ROOT / "figs" / "benchmarks" /
                                                 "time_to_quality.png"]


def load_script(name: str):
    """Import ``benchmarks/<name>.py`` as a module (its ``__main__`` block does not run)."""
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def fingerprint() -> dict:
    """Content hash and modification time of every committed result file."""
    return {path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            for path in COMMITTED if path.is_file()}


@pytest.fixture(autouse=True)
def committed_results_stay_untouched():
    before = fingerprint()
    assert before, "no committed benchmark results found"
    yield
    assert fingerprint() == before, "a benchmark test wrote a committed result file"


def assert_measured(value, positive: bool = True):
    """A finite number (not a bool), positive unless it may round to 0 at this tiny size."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    assert math.isfinite(value), value
    assert value > 0 if positive else value >= 0, value


def test_manifold_decode_times_the_batched_call_and_the_per_cell_loop():
    script = load_script("manifold_decode")
    result = script.main(repeats=1, loop_cells=2, labels=[3, 7], n=5, matmul_size=128,
                         write=False)
    assert result["digits"] == 2 * 5 * 5
    assert result["per_cell_loop_cells_timed"] == 2
    assert len(result["batched_seconds_runs"]) == 1
    for key in ("decoder_mflops_per_digit", "matmul_ceiling_gflops", "batched_seconds_median",
                "batched_gflops", "per_cell_loop_seconds_per_cell",
                "per_cell_loop_seconds_for_all_digits", "speedup_batched_vs_loop"):
        assert_measured(result[key])
    assert_measured(result["batched_fraction_of_ceiling"], positive=False)
    # the decoder's FLOPs per digit do not depend on the run's size: as recorded
    recorded = json.loads((BENCHMARKS / "manifold_decode.json").read_text())
    assert result["decoder_mflops_per_digit"] == recorded["decoder_mflops_per_digit"]


METRIC_TIMINGS = (
    "judge_forward_seconds", "fid_seconds_including_features", "class_accuracy_seconds",
    "precision_recall_seconds_on_features", "intra_fid_seconds_on_features",
    "evaluator_samples_seconds_all_sample_metrics", "latent_usage_seconds",
    "style_transfer_seconds_2000_digits_18000_transfers", "sharpness_seconds",
    "speckle_seconds", "recon_mse_seconds",
)


def test_metrics_speed_times_every_metric_on_a_few_hundred_digits():
    script = load_script("metrics_speed")
    result = script.main(repeats=1, digits=200)  # main itself never writes the JSON
    assert result["digits"] == 200
    for key in METRIC_TIMINGS:
        assert_measured(result[key], positive=False)  # medians rounded to milliseconds
    # the judge's forward pass over 200 digits takes longer than a millisecond
    assert_measured(result["judge_forward_seconds"] +
                    result["evaluator_samples_seconds_all_sample_metrics"])


def test_train_throughput_times_a_model_and_the_rewritten_cvae_gan_variants():
    script = load_script("train_throughput")
    # the two variants that replace the notebook's own code (its pipeline, its train step)
    variants = ["tf.data without cache and prefetch", "fused encoder+decoder update"]
    result = script.main(notebooks=["01_autoencoder"], variants=variants, digits=256, warmup=1,
                         steps=2, runs=1, matmul_size=128, write=False)
    assert result["warmup_steps"] == 1 and result["steps_per_run"] == 2 and result["runs"] == 1
    assert_measured(result["matmul_ceiling_gflops"])
    rows = [result["models"]["01_autoencoder"]] + [result["cvae_gan_variants"][name]
                                                   for name in variants]
    for row in rows:
        assert "error" not in row, row["error"]  # main records a failure instead of raising
        for key in ("batch_size", "seconds_per_step", "images_per_second",
                    "training_mflops_per_image", "achieved_gflops", "fraction_of_ceiling"):
            assert_measured(row[key])
        assert len(row["seconds_per_step_runs"]) == 1
    assert set(script.VARIANTS) == {"xla (jit_compile=True)", "batch 256", "mixed_bfloat16",
                                    *variants}


def test_time_to_quality_scores_a_run_and_plots_it(tmp_path):
    script = load_script("time_to_quality")
    result = script.main(only=["default"], budget_seconds=0.0, interval_seconds=0.0,
                         digits=300, write=False)
    points = result["runs"]["default"]
    assert len(points) == 1  # a budget of 0 s: scored after the first batch, then stopped
    point = points[0]
    assert point["batches"] == 1 and point["images"] > 0  # one batch of the notebook's size
    assert_measured(point["train_seconds"], positive=False)
    assert_measured(point["fid"])
    assert 0.0 <= point["class_accuracy"] <= 1.0
    assert_measured(result["best_fid"]["default"])
    assert result["seconds_to_class_accuracy_0.97"].keys() == {"default"}
    figure = tmp_path / "time_to_quality.png"
    script.plot(result["runs"], figure)
    assert figure.stat().st_size > 0


def test_runner_options_time_each_option_in_its_own_process_on_the_same_batches():
    script = load_script("runner_options")
    result = script.main(notebooks=("01_autoencoder",), digits=320, warmup=10, steps=10,
                         runs=1, write=False)
    rows = result["models"]["01_autoencoder"]
    assert set(rows) == set(script.OPTIONS)
    for option, row in rows.items():
        assert "error" not in row, (option, row)
        assert_measured(row["seconds_per_step"])
        assert_measured(row["speedup_against_default"])
        assert row["losses"] and all(math.isfinite(v) for v in row["losses"].values())
    assert rows["default"]["loss_change"] == 0.0
    # ten steps per call run the same batches in the same order: the same losses
    assert rows["steps_per_execution 10"]["loss_change"] < 1e-5


def test_runner_options_reject_steps_that_do_not_divide_and_unknown_options():
    script = load_script("runner_options")
    with pytest.raises(ValueError, match="multiples of steps_per_execution"):
        script.main(notebooks=(), warmup=15, steps=10, write=False)
    with pytest.raises(ValueError, match="unknown option"):
        script.main(notebooks=(), options=("default", "fp8"), write=False)
    with pytest.raises(ValueError, match="include 'default'"):
        script.main(notebooks=(), options=("op determinism",), write=False)
    assert script.loss_change({"a": 2.0}, {"a": 1.0}) == 1.0
    with pytest.raises(ValueError, match="different losses"):
        script.loss_change({"a": 1.0}, {"b": 1.0})
