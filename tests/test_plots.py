import matplotlib
import numpy as np
import pytest
from PIL import Image

from genlab import paths, plots


def digits(n, value=0.5):
    return np.full((n, 28, 28, 1), value, np.float32)


def test_digit_rows_draws_each_row(out_dir):
    fig = plots.digit_rows([digits(8, 0.0), digits(8, 1.0), digits(8, 0.5)],
                           row_titles=["original", "reconstruction", "noisy"], invert=True)
    assert len(fig.axes) == 3
    first = fig.axes[0].images[0].get_array()
    assert first.shape == (28, 8 * 28)
    assert fig.axes[1].get_ylabel() == "reconstruction"
    assert fig.axes[0].images[0].get_cmap().name == "gray_r"


def test_digit_rows_rejects_bad_rows():
    with pytest.raises(ValueError, match="same number of digits"):
        plots.digit_rows([digits(3), digits(4)])
    with pytest.raises(ValueError, match="2 row titles for 1 rows"):
        plots.digit_rows([digits(3)], row_titles=["a", "b"])
    with pytest.raises(ValueError, match="at least one row"):
        plots.digit_rows([])
    with pytest.raises(ValueError, match="rows\\[0\\]"):
        plots.digit_rows([np.full((3, 28, 28), np.nan)])


def test_digit_grid_labels():
    fig = plots.digit_grid(digits(20), ncols=5, row_labels=list("abcd"), col_labels=range(5))
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (4 * 28, 5 * 28)
    assert [t.get_text() for t in ax.get_yticklabels()] == list("abcd")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "3", "4"]
    with pytest.raises(ValueError, match="do not fill rows of 3"):
        plots.digit_grid(digits(20), ncols=3)
    with pytest.raises(ValueError, match="row labels"):
        plots.digit_grid(digits(20), ncols=5, row_labels=["x"])


def test_loss_curves_one_panel_per_loss_with_validation():
    history = {"loss": [3.0, 2.0, 1.5], "kl": [1.0, 0.8, 0.7], "val_loss": [3.1, 2.2, 1.9]}
    fig = plots.loss_curves(history)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "kl"]
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].lines) == 1
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), [3.1, 2.2, 1.9])


def test_loss_curves_with_sparse_validation_and_a_diverged_run():
    fig = plots.loss_curves({"loss": [3.0, 2.0, 1.0, float("nan")], "val_loss": [2.5, 1.5]})
    train, val = fig.axes[0].lines
    np.testing.assert_array_equal(val.get_xdata(), [2, 4])  # validated every 2nd epoch
    assert np.isnan(train.get_ydata()[-1])  # drawn as a gap, not refused
    with pytest.raises(ValueError, match="validation_freq"):
        plots.loss_curves({"loss": [3.0, 2.0, 1.0], "val_loss": [2.5, 1.5]})


def test_plots_reject_a_non_positive_scale():
    with pytest.raises(ValueError, match="scale"):
        plots.digit_rows([digits(2)], scale=0)
    with pytest.raises(ValueError, match="scale"):
        plots.digit_grid(digits(2), ncols=2, scale=-1)


def test_loss_curves_from_a_keras_history():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
    fig = plots.loss_curves(history)
    assert fig.axes[0].get_title() == "loss" and len(fig.axes[0].lines[0].get_xdata()) == 2


def test_loss_curves_rejects_bad_history():
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.loss_curves({})
    with pytest.raises(ValueError, match="no such keys"):
        plots.loss_curves({"loss": [1.0]}, keys=["kl"])
    with pytest.raises(ValueError, match="empty metric list"):
        plots.loss_curves({"loss": []})


def test_latent_scatter_colours_legend_and_fixed_limits():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 2)) * 10  # many points fall outside the fixed limits
    labels = np.arange(200) % 10
    fig = plots.latent_scatter(z, labels, limit=3.0)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-3.0, 3.0) and ax.get_ylim() == (-3.0, 3.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [str(d) for d in range(10)]
    assert len(ax.collections) == 10


def test_latent_scatter_rejects_bad_input():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plots.latent_scatter(np.zeros((5, 3)), np.zeros(5, int))
    with pytest.raises(ValueError, match="5 entries but 4"):
        plots.latent_scatter(np.zeros((4, 2)), np.zeros(5, int))
    with pytest.raises(ValueError, match="NaN"):
        plots.latent_scatter(np.full((2, 2), np.nan), [0, 1])


def test_save_fig_writes_png_into_the_notebook_folder(out_dir):
    fig = plots.digit_grid(digits(4), ncols=2)
    path = plots.save_fig("grid", fig)
    assert path == out_dir / "figs" / "test_notebook" / "grid.png"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 50
    assert not list(path.parent.glob(".tmp-*"))  # no temporary file left behind
    assert plots.save_fig("grid.png", fig) == path
    with pytest.raises(ValueError, match="plain file name"):
        plots.save_fig("sub/grid", fig)


def test_save_fig_without_a_notebook_says_what_to_do(monkeypatch):
    monkeypatch.setattr(paths, "_current_notebook", None)
    with pytest.raises(ValueError, match="use_notebook"):
        plots.save_fig("x")


def test_batch_curves_draw_raw_and_smoothed_lines_with_references():
    values = {"batch_d_loss": list(np.linspace(2.0, 1.4, 200)), "batch_g_loss": [0.7] * 200}
    fig = plots.batch_curves(values, [["batch_d_loss"], ["batch_g_loss"]], smooth=20,
                             references=[{"2 ln 2": 2 * np.log(2)}, {"ln 2": np.log(2)}],
                             titles=["D", "G"], batches_per_epoch=50)
    left, right = fig.axes
    labels = [line.get_label() for line in left.get_lines()]
    assert "d_loss" in labels and "2 ln 2" in labels and "ln 2" not in labels
    raw, smooth = left.get_lines()[:2]
    assert len(raw.get_xdata()) == 200 and len(smooth.get_xdata()) == 200 - 20 + 1
    with pytest.raises(ValueError, match="unknown"):
        plots.batch_curves(values, [["batch_nope"]])
    with pytest.raises(ValueError, match="one entry per panel"):
        plots.batch_curves(values, [["batch_d_loss"]], titles=["a", "b"])


def test_batch_curves_wrap_panels_into_rows_and_hide_the_empty_ones():
    values = {f"batch_{k}": [1.0, 2.0, 3.0] for k in "abcde"}
    fig = plots.batch_curves(values, [[f"batch_{k}"] for k in "abcde"], ncols=3,
                             titles=list("ABCDE"))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 6 and [ax.get_title() for ax in visible] == list("ABCDE")
    assert fig.get_size_inches()[1] == pytest.approx(2 * 3.2)
    assert len(plots.batch_curves(values, [["batch_a"], ["batch_b"]]).axes) == 2


def test_study_curves_shade_the_spread_over_seeds():
    summary = {"configs": {"default": {"checkpoints": [
        {"batch": 500, "seeds": 3, "kl": {"mean": 5.0, "spread": 1.0}},
        {"batch": 1000, "seeds": 3, "kl": {"mean": 8.0, "spread": 0.5}}]}}}
    fig = plots.study_curves(summary, ["kl"])
    ax = fig.axes[0]
    assert list(ax.get_lines()[0].get_ydata()) == [5.0, 8.0]
    assert len(ax.collections) == 1  # the shaded band
    with pytest.raises(ValueError, match="no configurations"):
        plots.study_curves(summary, ["kl"], configs=["other"])


def test_study_curves_give_every_configuration_its_own_colour_beyond_ten():
    point = [{"batch": 500, "seeds": 3, "kl": {"mean": 1.0, "spread": 0.1}}]
    summary = {"configs": {f"config {i}": {"checkpoints": point} for i in range(12)}}
    lines = plots.study_curves(summary, ["kl"]).axes[0].get_lines()
    colours = {tuple(np.round(matplotlib.colors.to_rgba(line.get_color()), 4)) for line in lines}
    assert len(lines) == 12 and len(colours) == 12


def test_training_moments_show_the_nearest_recorded_frame_of_each_moment():
    from genlab import animation

    recorder = animation.FrameRecorder(
        lambda step: {"grey": np.full((6, 6), step / 100), "colour": np.full((6, 6, 3), 0.5)},
        animation.FrameSchedule(dense_until=10, dense_every=5, sparse_every=40))
    for step in animation.FrameSchedule(10, 5, 40).steps(90):  # 0, 5, 10, 50, 90
        recorder.record(step)
    fig = plots.training_moments(recorder, ["grey", "colour"], [0, 4, 60, 1000],
                                 row_titles=["grey", "colour"])
    axes = np.array(fig.axes).reshape(2, -1)
    # 4 -> batch 5, 60 -> batch 50, 1000 -> the last frame, batch 90
    assert [ax.get_title() for ax in axes[0]] == ["batch 0", "batch 5", "batch 50", "batch 90"]
    assert [ax.get_title() for ax in axes[1]] == ["", "", "", ""]
    shown = axes[0, 2].get_images()[0].get_array()
    np.testing.assert_allclose(shown, 0.5)  # the frame of batch 50
    assert axes[1, 0].get_images()[0].get_array().shape == (6, 6, 3)
    assert axes[0, 0].get_ylabel() == "grey" and axes[1, 0].get_ylabel() == "colour"
    # two moments nearest to the same frame show it once
    assert len(plots.training_moments(recorder, ["grey"], [1, 2]).axes) == 1
    matplotlib.pyplot.close("all")


def test_training_moments_reject_what_they_cannot_show():
    from genlab import animation

    empty = animation.FrameRecorder(lambda step: np.zeros((4, 4)))
    with pytest.raises(ValueError, match="train first"):
        plots.training_moments(empty, [None], [0])
    empty.record(0)
    with pytest.raises(ValueError, match="keys must name recorded frames"):
        plots.training_moments(empty, ["manifold"], [0])
    with pytest.raises(ValueError, match="at least one batch"):
        plots.training_moments(empty, [None], [])
    with pytest.raises(ValueError, match="moment"):
        plots.training_moments(empty, [None], [-3])
    with pytest.raises(ValueError, match="row titles"):
        plots.training_moments(empty, [None], [0], row_titles=["a", "b"])
