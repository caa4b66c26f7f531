import json

import pytest

from genlab import report

RESULTS = {
    "fid_floor": 0.7234,
    "intra_fid_floor": 1.9634,
    "models": [
        {"name": "VAE 16-D", "neg_elbo": 99.94, "recon_mse": 0.0101, "fid": 40.26,
         "fid_ratio": 55.6, "kl": 25.04, "precision": 0.774, "recall": 0.795,
         "sharpness": 0.41, "speckle": 0.0089, "class_coverage": 0.83, "train_seconds": 300.4},
        {"name": "GAN", "fid": 3.1, "fid_ratio": 4.3, "sharpness": 1.02, "class_accuracy": 0.991,
         "intra_fid_ratio": 7.25, "class_coverage": 0.95, "train_seconds": 400},
    ],
}


def test_table_has_a_row_per_model_and_dashes_where_a_metric_does_not_apply():
    table = report.results_table(RESULTS).splitlines()
    assert table[0].startswith("| model | neg_elbo | recon_mse | KL (nats) | FID / floor |")
    assert table[2] == ("| VAE 16-D | 99.9 | 0.0101 | 25.0 | 55.6 | 0.77 | 0.80 | – | 0.41 | "
                        "0.009 | – | – | – | 0.83 | 300 |")
    assert table[3] == ("| GAN | – | – | – | 4.3 | – | – | 7.2 | 1.02 | – | 0.991 | – | – | "
                        "0.95 | 400 |")
    assert table[-1] == ("FID floor (10,000 real training digits against the test digits): "
                         "0.72; intra-class FID floor (the same, per label, averaged): 1.96.")


def test_a_row_with_a_spread_over_seeds_shows_value_plus_minus_spread():
    with_spread = {"models": [{**RESULTS["models"][0], "spread": {"neg_elbo": 0.43,
                                                                  "recall": 0.012}}]}
    row = report.results_table(with_spread).splitlines()[2]
    assert row.startswith("| VAE 16-D | 99.9 ± 0.4 | 0.0101 | 25.0 | 55.6 | 0.77 | 0.80 ± 0.01 |")
    # a spread below the last digit shown says so instead of printing zero; none is zero
    tiny = {"models": [{"name": "x", "recon_mse": 0.0155, "recall": 0.89, "train_seconds": 400,
                        "spread": {"recon_mse": 0.00002, "recall": 0.004, "train_seconds": 0}}]}
    cells = report.results_table(tiny).splitlines()[2]
    assert "0.0155 ± <0.0001" in cells and "0.89 ± <0.01" in cells and "400 ± 0 " in cells
    # a spread for a metric the row does not have shows nothing
    lonely = {"models": [{"name": "x", "fid_ratio": 2.0, "spread": {"kl": 1.0}}]}
    assert "±" not in report.results_table(lonely)


@pytest.mark.parametrize("results, message", [
    ({"models": [{"name": "x", "fid_ratio": 1.0, "spread": [0.1]}]}, "'spread' must map"),
    ({"models": [{"name": "x", "fid_ratio": 1.0, "spread": {"fid_ratio": "0.1"}}]},
     "must hold numbers"),
    ({}, "non-empty list 'models'"),
    ({"models": []}, "non-empty list 'models'"),
    ({"models": [{"fid": 1.0}]}, "needs a 'name'"),
    ({"models": [{"name": "x", "fid_ratio": "1.0"}]}, "must hold numbers"),
    ({"models": [{"name": "x", "fid_ratio": float("nan")}]}, "finite"),
])
def test_table_rejects_malformed_results(results, message):
    with pytest.raises(ValueError, match=message):
        report.results_table(results)


def test_readme_is_rewritten_only_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    results = tmp_path / "results.json"
    results.write_text(json.dumps(RESULTS))
    readme.write_text(f"# Report\nbefore\n{report.START}\nold table\n{report.END}\nafter\n")
    assert report.update_readme(readme, results, check=True) is True
    assert "old table" in readme.read_text()  # --check never writes
    assert report.update_readme(readme, results) is True
    text = readme.read_text()
    assert "old table" not in text and "| VAE 16-D | 99.9 |" in text
    assert text.startswith("# Report\nbefore\n") and text.endswith(f"{report.END}\nafter\n")
    assert report.update_readme(readme, results) is False  # idempotent


def test_readme_without_markers_or_results_gives_a_clear_error(tmp_path):
    readme = tmp_path / "README.md"
    results = tmp_path / "results.json"
    readme.write_text("# Report without markers\n")
    with pytest.raises(ValueError, match="06_comparison"):
        report.update_readme(readme, results)
    results.write_text(json.dumps(RESULTS))
    with pytest.raises(ValueError, match="marker"):
        report.update_readme(readme, results)


def test_the_committed_readme_table_is_generated_from_the_committed_results():
    """The README's numbers are never hand-edited: its table is what genlab.report makes of
    figs/06_comparison/results.json (rerun `python -m genlab.report` after 06_comparison)."""
    from genlab import paths

    root = paths.repo_root()
    results = root / "figs" / "06_comparison" / "results.json"
    stale = report.update_readme(root / "README.md", results, check=True)
    assert stale is False, "README.md's results table is stale: run python -m genlab.report"


def test_cited_numbers_are_rewritten_from_the_file_their_marker_names(tmp_path):
    (tmp_path / "figs").mkdir()
    (tmp_path / "figs" / "m.json").write_text(json.dumps(
        {"cvae_gan": {"kl": 9.352}, "models": [{"name": "GAN", "fid_ratio": 37.31}],
         "checkpoints": [{"kl": 1.0}, {"kl": 2.25}]}))
    text = ("KL <!--n:figs/m.json:cvae_gan.kl:.1f-->old<!--/n--> nats, FID ratio "
            "<!--n:figs/m.json:models.GAN.fid_ratio:.0f-->?<!--/n-->.")
    filled = report.fill_numbers(text, tmp_path)
    assert filled == ("KL <!--n:figs/m.json:cvae_gan.kl:.1f-->9.4<!--/n--> nats, FID ratio "
                      "<!--n:figs/m.json:models.GAN.fid_ratio:.0f-->37<!--/n-->.")
    assert report.fill_numbers(filled, tmp_path) == filled
    last = "<!--n:figs/m.json:checkpoints.-1.kl:.2f-->?<!--/n-->"
    assert "-->2.25<!--" in report.fill_numbers(last, tmp_path)
    (tmp_path / "s.json").write_text(json.dumps({"configs": {"balance: threshold": {"kl": 3.0}}}))
    colon = "<!--n:s.json:configs.balance: threshold.kl:.1f-->?<!--/n-->"
    assert report.fill_numbers(colon, tmp_path) == colon.replace("-->?", "-->3.0")
    (tmp_path / "d.json").write_text(json.dumps({"gamma 0.1": {"kl": 4.0}, "gamma 0": {"x": 1}}))
    dots = "<!--n:d.json:gamma 0.1.kl:.1f-->?<!--/n-->"
    assert report.fill_numbers(dots, tmp_path) == dots.replace("-->?", "-->4.0")
    with pytest.raises(ValueError, match="no key '2'"):  # 'gamma 0' exists, '2' not
        report.fill_numbers("<!--n:d.json:gamma 0.2.kl:.1f-->?<!--/n-->", tmp_path)
    for bad, message in [("<!--n:figs/m.json:cvae_gan.nope:.1f-->x<!--/n-->", "no key 'nope'"),
                         ("<!--n:figs/none.json:a:.1f-->x<!--/n-->", "does not exist"),
                         ("<!--n:figs/m.json:models.VAE.kl:.1f-->x<!--/n-->", "named 'VAE'"),
                         ("<!--n:figs/m.json:cvae_gan:.1f-->x<!--/n-->", "not a number"),
                         ("<!--n:figs/m.json:checkpoints.5.kl:.1f-->x<!--/n-->", "position 5")]:
        with pytest.raises(ValueError, match=message):
            report.fill_numbers(bad, tmp_path)


def test_the_studies_table_counts_recorded_runs_and_their_mean_cost(tmp_path):
    from genlab import experiments, io

    folder = tmp_path / "experiments" / "cvae_gan"
    for seed, (train, score) in enumerate([(100.0, 20.0), (200.0, 40.0)]):
        io.save_json({"config": "default", "seed": seed, "batches": 2000, "checkpoints": [],
                      "train_seconds": train, "eval_seconds": score},
                     experiments.run_file("cvae_gan", "default", seed, folder))
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in report.studies_table(tmp_path).splitlines()[2:]}
    assert rows["`cvae_gan`"][3] == "2 of 42"
    assert rows["`cvae_gan`"][4] == "3.0"  # (120 s + 240 s) / 2 = 3 minutes
    assert rows["`gan_stability`"][3:] == ["0 of 21", "–"]
    assert "`tiny`" not in rows


def test_the_studies_table_leaves_runs_read_from_figs_out_of_the_cost(tmp_path):
    """main_models reads the committed seed from figs/ (0 s): it must not pull the mean down,
    and with nothing trained yet the cost is unknown, not 0."""
    from genlab import experiments, io

    folder = tmp_path / "experiments" / "main_models"

    def record(seed, seconds, source):
        io.save_json({"config": "02_vae", "seed": seed, "batches": 1, "checkpoints": [],
                      "train_seconds": seconds, "eval_seconds": 0.0, "source": source},
                     experiments.run_file("main_models", "02_vae", seed, folder))

    def main_models_row():
        rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
                for line in report.studies_table(tmp_path).splitlines()[2:]}
        return rows["`main_models`"][3:]

    record(42, 0.0, experiments.COMMITTED_SOURCE)
    assert main_models_row() == ["1 of 15", "–"]
    record(1, 600.0, "a full run of a copy")
    assert main_models_row() == ["2 of 15", "10.0"]
