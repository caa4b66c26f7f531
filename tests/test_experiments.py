"""The experiment runner: a tiny study of 05's model, run in two pieces, resumed, summarised."""

import json

import pytest

from genlab import experiments


def test_a_study_runs_in_pieces_and_resumes_where_it_stopped(tmp_path):
    root = tmp_path / "tiny"
    first = experiments.run("tiny", only=["default"], root=root, log=lambda _: None)
    assert set(first["configs"]) == {"default"}
    assert experiments.pending("tiny", root=root) == [("gamma 10", 0)]
    recorded = root / "default__seed0.json"
    stamp = recorded.stat().st_mtime_ns
    summary = experiments.run("tiny", root=root, log=lambda _: None)  # resumes: one run left
    assert recorded.stat().st_mtime_ns == stamp  # the finished run was not redone
    assert experiments.pending("tiny", root=root) == []
    assert set(summary["configs"]) == {"default", "gamma 10"}
    run = json.loads((root / "gamma_10__seed0.json").read_text())
    assert run["switches"] == {"gamma": 10.0, "batches": 6} and run["seed"] == 0
    assert run["batches"] == 6  # its own number of batches, not the study's 4
    assert [point["batch"] for point in run["checkpoints"]] == [2, 4, 6]  # every 2 batches
    assert run["scored_on"] == "validation" and run["n_test"] == 128 and run["n_train"] == 384
    for key in ("kl", "style_consistency", "recall", "precision", "fid_ratio", "sharpness",
                "class_accuracy", "recon_mse"):
        assert key in run["checkpoints"][-1]
    assert run["code"]["model_cells_sha256"] and run["device"] and run["keras"]
    row = summary["configs"]["default"]["checkpoints"][-1]
    assert row["batch"] == 4 and row["seeds"] == 1 and row["kl"]["spread"] == 0.0
    assert (root / "summary.json").is_file()
    assert "default" in experiments.table(summary, ["kl", "fid_ratio"])
    # more batches than recorded: the run is pending again
    assert experiments.pending("tiny", batches=6, root=root) == [("default", 0)]
    assert experiments.pending("tiny", batches=8, root=root) == [("default", 0), ("gamma 10", 0)]


def test_unknown_studies_and_configurations_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown study 'nope'"):
        experiments.study("nope")
    with pytest.raises(ValueError, match="no configuration"):
        experiments.pending("tiny", only=["gamma 99"], root=tmp_path)
    with pytest.raises(ValueError, match="letters or digits"):
        experiments.slug("  ")
    assert experiments.slug("gamma 0.1") == "gamma_0.1"
    assert experiments.slug("layer l: side branch") == "layer_l_side_branch"


def test_a_recipe_from_the_notebook_is_resolved_with_overrides():
    namespace = {"RECIPE": {"gamma": 3.0, "balance": "threshold"}}
    assert experiments.resolve({"from_notebook": "RECIPE", "gamma": 1.0}, namespace) == {
        "gamma": 1.0, "balance": "threshold"}
    assert experiments.resolve({"gamma": 2.0, "batches": 10, "parameters": {}}, namespace) == {
        "gamma": 2.0}  # the runner's own keys are not the model's switches
    with pytest.raises(ValueError, match="no dict 'MISSING'"):
        experiments.resolve({"from_notebook": "MISSING"}, namespace)


def test_the_summary_gives_mean_and_sample_spread_over_seeds_and_the_table_shows_them(tmp_path):
    from genlab import io

    for seed, (kl, recall) in enumerate([(8.0, 0.5), (10.0, 0.7), (12.0, 0.6)]):
        io.save_json({"config": "default", "seed": seed, "batches": 2000, "diverged": None,
                      "train_seconds": 1.0, "checkpoints": [
                          {"batch": 2000, "kl": kl, "recall": recall}]},
                     experiments.run_file("cvae_gan", "default", seed, tmp_path))
    io.save_json({"config": "gamma 3", "seed": 0, "batches": 2000, "diverged": None,
                  "train_seconds": 1.0, "checkpoints": [{"batch": 2000, "kl": 3.0, "recall": 0.2}]},
                 experiments.run_file("cvae_gan", "gamma 3", 0, tmp_path))
    summary = experiments.summarise("cvae_gan", tmp_path)
    row = summary["configs"]["default"]["checkpoints"][-1]
    assert row["seeds"] == 3
    assert row["kl"] == {"mean": pytest.approx(10.0), "spread": pytest.approx(2.0)}
    assert row["recall"]["spread"] == pytest.approx(0.1)  # sample standard deviation
    lines = experiments.table(summary, ["kl", "recall"]).splitlines()
    default, gamma = (next(line for line in lines if line.startswith(name))
                      for name in ("default", "gamma 3"))
    assert "10.000 ± 2.000" in default and "0.600 ± 0.100" in default
    assert "3.000 ± ?" in gamma and "± 0.000" not in gamma  # one seed: no spread to show


def test_final_samples_give_one_row_per_configuration_in_the_study_order(tmp_path):
    from genlab import io

    def save(config, seed, value, checkpoints=True):
        digits = [[[value] * 28] * 28] * 10
        io.save_json({"config": config, "seed": seed, "batches": 2000,
                      "checkpoints": [{"batch": 2000, "samples": digits}] if checkpoints else []},
                     experiments.run_file("cvae_gan", config, seed, tmp_path))

    save("gamma 3", 0, 255)
    save("default", 0, 0)
    save("default", 1, 51)  # another seed: not shown
    save("kl weight 1", 0, 0, checkpoints=False)  # diverged: no row
    digits, names = experiments.final_samples("cvae_gan", root=tmp_path)
    assert names == ["default", "gamma 3"]  # the study's order, not the files'
    assert digits.shape == (20, 28, 28, 1)
    assert digits[:10].max() == 0.0 and digits[10:].min() == 1.0
    assert experiments.final_samples("cvae_gan", seed=1, root=tmp_path)[1] == ["default"]
    with pytest.raises(ValueError, match="no run with seed 2"):
        experiments.final_samples("cvae_gan", seed=2, root=tmp_path)


def test_a_loaded_summary_lists_configurations_in_the_study_order():
    summary = experiments.load_summary("cvae_gan")  # the committed one
    assert summary is not None
    order = list(experiments.study("cvae_gan").configs)
    names = list(summary["configs"])
    assert names == sorted(names, key=order.index) and names[0] == "default"
    assert experiments.table(summary, ["kl"]).splitlines()[1].startswith("default")


def test_the_rerun_spread_goes_to_the_rows_and_columns_of_the_results_table():
    def entry(seeds, **spreads):
        return {"checkpoints": [{"batch": 0, "seeds": seeds,
                                 **{k: {"mean": 1.0, "spread": v} for k, v in spreads.items()}}]}
    summary = {"configs": {
        "02_vae": entry(3, neg_elbo=0.5, fid_ratio=2.0, recall=0.01, neg_elbo_2d=0.3),
        "01_autoencoder": entry(3, recon_mse=1e-4, anomaly_auc=0.01),  # AUC: no 06 column
        "05_cvae_gan": entry(1, kl=0.0),  # one seed: no spread to show
    }}
    spread = experiments.rerun_spread(summary)
    assert spread == {"VAE 16-D": {"neg_elbo": 0.5, "fid_ratio": 2.0, "recall": 0.01},
                      "VAE 2-D": {"neg_elbo": 0.3}, "AE 32-D": {"recon_mse": 1e-4}}
    with pytest.raises(ValueError, match="not a main model"):
        experiments.rerun_spread({"configs": {"08_flow": entry(3)}})
    # every headline that 06 shows names one of the notebook's headlines
    for notebook, headline in experiments.IN_RESULTS_TABLE:
        assert headline in experiments.HEADLINES[notebook]
