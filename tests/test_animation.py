import numpy as np
import pytest
from PIL import Image

from genlab import animation


def test_schedule_is_dense_early_and_sparse_later():
    schedule = animation.FrameSchedule(dense_until=100, dense_every=1, sparse_every=10)
    steps = schedule.steps(300)
    assert steps[:101] == list(range(101))
    assert steps[101:] == list(range(110, 301, 10))
    assert len(steps) == 101 + 20
    with pytest.raises(ValueError, match="sparse_every"):
        animation.FrameSchedule(sparse_every=0)


def test_recorder_records_on_schedule_during_fit():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    seen = []

    def make_frame(step):
        seen.append(step)
        return {label: np.full((10, 12), label / 10, np.float32) for label in (3, 7)}

    recorder = animation.FrameRecorder(make_frame, animation.FrameSchedule(4, 2, 3))
    # 10 samples / batch 2 = 5 batches per epoch, 3 epochs = 15 steps
    model.fit(np.ones((10, 4)), np.ones((10, 1)), batch_size=2, epochs=3, verbose=0,
              callbacks=[recorder], shuffle=False)
    assert recorder.steps == [0, 2, 4, 7, 10, 13] == seen
    assert set(recorder.frames) == {3, 7}
    assert len(recorder.frames[7]) == 6 and recorder.frames[7][0].shape == (10, 12)
    assert recorder.seconds > 0
    assert recorder.titles("Label {key} · batch {step}", key=7)[-1] == "Label 7 · batch 13"
    with pytest.raises(ValueError, match="no frames recorded under key 5"):
        recorder.titles(key=5)


def test_recorder_respects_max_frames_and_checks_frames():
    recorder = animation.FrameRecorder(lambda step: np.zeros((5, 5)), max_frames=2)
    for step in range(5):
        recorder.record(step)
    assert recorder.steps == [0, 1]
    bad = animation.FrameRecorder(lambda step: np.full((5, 5), 2.0))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bad.record(0)
    with pytest.raises(ValueError, match="make_frame must be a function"):
        animation.FrameRecorder("not callable")
    batch = animation.FrameRecorder(lambda step: np.zeros((5, 28, 28)))  # forgot to tile
    with pytest.raises(ValueError, match="genlab.tiles.tile"):
        batch.record(0)
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        animation.as_frame(np.zeros((4, 4, 4)))


def frames(n, size=(40, 40)):
    rng = np.random.default_rng(0)
    return [rng.random(size).astype(np.float32) for _ in range(n)]


def test_gif_opens_with_pillow_and_has_every_frame(tmp_path):
    path = animation.save_gif(frames(12), tmp_path / "anim.gif",
                              titles=[f"Label 7 · batch {i * 10}" for i in range(12)], scale=2)
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 12
        band = max(16, 80 // 18)
        assert gif.size == (80, 80 + band)
        gif.seek(11)
        assert gif.info["duration"] == 1500  # the last frame lingers
    assert not list(tmp_path.glob(".tmp-*"))


def test_gif_of_a_training_sized_manifold_stays_small(tmp_path):
    """Sixty 420 x 420 manifold frames must fit a README (< 3 MB)."""
    rng = np.random.default_rng(1)
    base = (rng.random((420, 420)) > 0.8).astype(np.float32)
    moving = [np.roll(base, i, axis=1) * 0.9 for i in range(60)]
    path = animation.save_gif(moving, tmp_path / "manifold.gif",
                              titles=[f"Label 3 · batch {i}" for i in range(60)])
    assert path.stat().st_size < animation.README_GIF_BYTES


def test_gif_rejects_bad_frames(tmp_path):
    with pytest.raises(ValueError, match="no frames"):
        animation.save_gif([], tmp_path / "a.gif")
    with pytest.raises(ValueError, match="same size"):
        animation.save_gif([np.zeros((4, 4)), np.zeros((5, 5))], tmp_path / "a.gif")
    with pytest.raises(ValueError, match="2 titles for 1 frames"):
        animation.save_gif([np.zeros((4, 4))], tmp_path / "a.gif", titles=["a", "b"])
    with pytest.raises(ValueError, match=".gif"):
        animation.save_gif([np.zeros((4, 4))], tmp_path / "a.png")
    with pytest.raises(ValueError, match="NaN"):
        animation.save_gif([np.full((4, 4), np.nan)], tmp_path / "a.gif")
    assert not (tmp_path / "a.gif").exists()


def test_titled_frame_draws_the_title():
    picture = animation.titled_frame(np.ones((60, 200)), "Label 7 · batch 1200")
    pixels = np.asarray(picture)
    band = pixels.shape[0] - 60
    assert band >= 16
    assert pixels[:band].min() == 0  # dark text on the white band
    assert pixels[band:].min() == 255  # the image itself is untouched


def test_mp4_is_written_with_the_wheel_ffmpeg(tmp_path):
    assert animation.ffmpeg_binary() is not None
    path = animation.save_mp4(frames(8, (41, 41)), tmp_path / "anim.mp4", fps=4)
    data = path.read_bytes()
    assert len(data) > 500 and b"ftyp" in data[:32]


def test_mp4_is_skipped_with_a_message_without_ffmpeg(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(animation, "ffmpeg_binary", lambda: None)
    assert animation.save_mp4(frames(3), tmp_path / "anim.mp4") is None
    assert "No ffmpeg binary found" in capsys.readouterr().out
    assert not (tmp_path / "anim.mp4").exists()
    gif = animation.save_gif(frames(3), tmp_path / "anim.gif")  # the GIF still works
    assert gif.is_file()


def test_scatter_frame_puts_each_digit_where_its_code_is():
    import matplotlib

    codes = np.array([[0.0, 0.0], [-3.9, 3.9], [3.9, -3.9], [10.0, 10.0]])
    frame = animation.scatter_frame(codes, [0, 1, 2, 3], limit=4.0, size=101, dot=1)
    colors = np.asarray(matplotlib.colormaps["tab10"].colors)
    assert frame.shape == (101, 101, 3)
    np.testing.assert_allclose(frame[50, 50], colors[0])  # the origin is the centre
    np.testing.assert_allclose(frame[1, 1], colors[1])  # up-left: y grows upwards
    np.testing.assert_allclose(frame[99, 99], colors[2])
    assert not np.any(np.all(np.isclose(frame, colors[3]), axis=-1))  # outside: not drawn
    assert np.sum(np.any(frame < 1.0, axis=-1)) == 3
    gif_frame = animation.titled_frame(frame, "batch 0")
    assert gif_frame.mode == "RGB"


def test_scatter_frame_rejects_bad_input():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        animation.scatter_frame(np.zeros((3, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"0\.\.9"):
        animation.scatter_frame(np.zeros((2, 2)), [0, 11])
    with pytest.raises(ValueError, match="limit"):
        animation.scatter_frame(np.zeros((2, 2)), [0, 1], limit=0)


def test_gif_preview_embeds_a_small_gif_whole_and_thins_a_large_one(tmp_path):
    rng = np.random.default_rng(0)
    small = tmp_path / "small.gif"
    animation.save_gif([np.zeros((28, 28)), np.ones((28, 28))], small)
    assert animation.gif_preview(small) == small.read_bytes()
    large = tmp_path / "large.gif"
    noise = [rng.random((200, 200)) for _ in range(60)]  # incompressible frames
    animation.save_gif(noise, large, frame_ms=50, last_frame_ms=50)
    preview = animation.gif_preview(large, budget_kb=300)
    assert large.stat().st_size > 300 * 1024 >= len(preview)
    from io import BytesIO

    from PIL import Image
    with Image.open(BytesIO(preview)) as gif:
        assert 1 < gif.n_frames < 60  # thinned, still an animation


def test_gif_preview_rejects_missing_and_non_gif_files(tmp_path):
    png = tmp_path / "a.png"
    png.write_bytes(b"not a gif")
    for bad in (png, tmp_path / "missing.gif"):
        with pytest.raises(ValueError, match="not an existing .gif"):
            animation.gif_preview(bad)
    with pytest.raises(ValueError, match="at least one GIF"):
        animation.show_gif()


def test_scatter_panel_adds_axes_and_a_legend_around_the_same_points():
    import matplotlib

    codes = np.array([[0.0, 0.0], [-3.9, 3.9]])
    plot = animation.scatter_frame(codes, [0, 1], limit=4.0, size=101, dot=1)
    panel = animation.scatter_panel(codes, [0, 1], limit=4.0, size=101, dot=1)
    assert panel.shape[0] > 101 and panel.shape[1] > 101 and panel.shape[2] == 3
    assert panel.min() >= 0.0 and panel.max() <= 1.0
    colors = np.asarray(matplotlib.colormaps["tab10"].colors)
    for digit in range(10):  # every digit's colour appears: the legend
        assert np.any(np.all(np.abs(panel - colors[digit]) < 0.01, axis=-1)), digit
    assert np.sum(np.any(plot < 1.0, axis=-1)) == 2  # scatter_frame itself is unchanged
