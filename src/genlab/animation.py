"""Training animations: record frames during ``fit`` and write them as GIF or MP4.

A frame is whatever image a function you pass returns (a manifold, a latent scatter
rendered to an array, a grid of samples from fixed noise), or a dict of such images
(e.g. one manifold per label, each becoming its own GIF). Frames are recorded on a
schedule that is dense early, when the model changes fastest, and sparse later, so the
animation shows the first steps of learning without costing minutes of training.

GIFs are written with Pillow (always available). MP4 needs an ffmpeg binary, taken from
``PATH`` or from the ``imageio-ffmpeg`` wheel; without one, MP4 is skipped with a
message and the GIF still works.
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from genlab import io, validate

README_GIF_BYTES = 3 * 1024 * 1024


@dataclass(frozen=True)
class FrameSchedule:
    """Record every ``dense_every`` steps up to ``dense_until``, then every ``sparse_every``.

    Step 0 (before any training) is always recorded, so the animation starts from noise.
    """

    dense_until: int = 100
    dense_every: int = 1
    sparse_every: int = 10

    def __post_init__(self):
        validate.non_negative_int(self.dense_until, "dense_until")
        validate.positive_int(self.dense_every, "dense_every")
        validate.positive_int(self.sparse_every, "sparse_every")

    def records(self, step: int) -> bool:
        step = validate.non_negative_int(step, "step")
        if step <= self.dense_until:
            return step % self.dense_every == 0
        return (step - self.dense_until) % self.sparse_every == 0

    def steps(self, total_steps: int) -> list[int]:
        """The steps in ``0..total_steps`` that get a frame (to plan the cost ahead)."""
        total_steps = validate.non_negative_int(total_steps, "total_steps")
        return [s for s in range(total_steps + 1) if self.records(s)]


def as_frame(image, name: str = "image") -> np.ndarray:
    """One image (H, W) or (H, W, 3), finite, in [0, 1], as float32: what a frame must be."""
    array = validate.real_array(image, name).astype(np.float32)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[-1] == 3)) or array.size == 0:
        raise ValueError(
            f"{name} must be one image (H, W) or (H, W, 3), got shape {array.shape}; "
            "assemble a batch of digits into one image with genlab.tiles.tile first"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if array.min() < -1e-6 or array.max() > 1 + 1e-6:
        raise ValueError(f"{name} must lie in [0, 1], got [{array.min():.3f}, {array.max():.3f}]")
    return np.clip(array, 0.0, 1.0)


try:
    import keras

    _CallbackBase = keras.callbacks.Callback
except ImportError:  # pragma: no cover - keras is a hard dependency of the package
    _CallbackBase = object


class FrameRecorder(_CallbackBase):
    """A Keras callback that calls ``make_frame(step)`` on the schedule and keeps the frames.

    ``step`` counts training batches across epochs (0 = before the first batch).
    ``frames`` maps a key to its list of images (the key is ``None`` when ``make_frame``
    returns a single image), ``steps`` lists the recorded steps, and ``seconds`` is the
    time spent drawing frames, so its cost against training can be reported.
    """

    def __init__(self, make_frame: Callable[[int], object], schedule: FrameSchedule | None = None,
                 max_frames: int | None = None):
        super().__init__()
        if not callable(make_frame):
            raise ValueError("make_frame must be a function step -> image (or dict of images)")
        self.make_frame = make_frame
        self.schedule = schedule or FrameSchedule()
        self.max_frames = None if max_frames is None else validate.positive_int(max_frames,
                                                                                "max_frames")
        self.frames: dict[object, list[np.ndarray]] = {}
        self.steps: list[int] = []
        self.seconds = 0.0
        self.step = 0

    def record(self, step: int) -> None:
        if self.max_frames is not None and len(self.steps) >= self.max_frames:
            return
        start = time.perf_counter()
        result = self.make_frame(step)
        items = result.items() if isinstance(result, Mapping) else [(None, result)]
        for key, image in items:
            self.frames.setdefault(key, []).append(as_frame(image, f"frame {key} at step {step}"))
        self.steps.append(step)
        self.seconds += time.perf_counter() - start

    def titles(self, template: str = "batch {step}", key: object = None) -> list[str]:
        """One title per recorded frame, e.g. ``"Label {key} · batch {step}"``."""
        if key not in self.frames:
            raise ValueError(f"no frames recorded under key {key!r}; keys: {list(self.frames)}")
        return [template.format(key=key, step=step) for step in self.steps]

    def on_train_begin(self, logs=None):
        if not self.steps:
            self.record(0)

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.schedule.records(self.step):
            self.record(self.step)


def scatter_frame(codes, labels, limit: float = 4.0, size: int = 320,
                  dot: int = 2) -> np.ndarray:
    """A 2-D latent scatter rasterised straight into an RGB image in [0, 1].

    Drawing a matplotlib figure for every frame of a training animation costs a tenth
    of a second or more; this costs milliseconds. Points are coloured by digit with
    the same ``tab10`` colours as ``plots.latent_scatter``; the axes span
    ``[-limit, limit]`` in every frame so successive frames line up (y grows upwards).
    """
    z = validate.real_array(codes, "codes").astype(np.float64)
    if z.ndim != 2 or z.shape[1] != 2 or z.shape[0] == 0:
        raise ValueError(f"codes must have shape (N, 2) with N > 0, got {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("codes contain NaN or infinite values")
    digit = validate.labels(labels, "labels", length=len(z))
    size = validate.positive_int(size, "size")
    dot = validate.positive_int(dot, "dot")
    limit = validate.real_number(limit, "limit")
    if not limit > 0:
        raise ValueError(f"limit must be positive, got {limit}")
    colors = _digit_colors()
    image = np.ones((size, size, 3))
    col = np.round((z[:, 0] + limit) / (2 * limit) * (size - 1)).astype(int)
    row = np.round((limit - z[:, 1]) / (2 * limit) * (size - 1)).astype(int)
    inside = (col >= 0) & (col < size) & (row >= 0) & (row < size)
    for dr in range(dot):
        for dc in range(dot):
            r = np.clip(row[inside] + dr, 0, size - 1)
            c = np.clip(col[inside] + dc, 0, size - 1)
            image[r, c] = colors[digit[inside]]
    return image


def scatter_panel(codes, labels, limit: float = 4.0, size: int = 320,
                  dot: int = 2) -> np.ndarray:
    """:func:`scatter_frame` with what a reader needs to read it: grid lines at every whole
    number, the axes through 0, tick labels, the axis names and a legend of the digits."""
    plot = scatter_frame(codes, labels, limit, size, dot)
    limit = float(limit)
    background = np.all(plot == 1.0, axis=-1)
    for value in range(-int(limit), int(limit) + 1):
        where = int(round((value + limit) / (2 * limit) * (size - 1)))
        shade = 0.6 if value == 0 else 0.88
        column = background[:, where]
        plot[column, where] = shade
        row = size - 1 - where
        plot[row, background[row, :]] = shade
    left, bottom, right, top = 34, 30, 46, 14
    height = max(top + size + bottom, top + 16 * validate.NUM_CLASSES + 8)  # the legend fits
    canvas = Image.new("RGB", (left + size + right, height), "white")
    canvas.paste(Image.fromarray(np.rint(plot * 255).astype(np.uint8)), (left, top))
    draw = ImageDraw.Draw(canvas)
    font = _font(11)
    step = max(1, int(limit) // 2)
    for value in range(-int(limit), int(limit) + 1, step):
        where = int(round((value + limit) / (2 * limit) * (size - 1)))
        draw.text((left + where, top + size + 3), str(value), fill="black", font=font,
                  anchor="mt")
        draw.text((left - 4, top + size - 1 - where), str(value), fill="black", font=font,
                  anchor="rm")
    draw.text((left + size // 2, top + size + 16), "z[0]", fill="black", font=font,
              anchor="mt")
    draw.text((2, 1), "z[1]", fill="black", font=font, anchor="lt")
    colors = _digit_colors()
    for digit in range(validate.NUM_CLASSES):
        y = top + 8 + digit * 16
        color = tuple(int(round(c * 255)) for c in colors[digit])
        draw.rectangle([left + size + 10, y - 5, left + size + 20, y + 5], fill=color)
        draw.text((left + size + 26, y), str(digit), fill="black", font=font, anchor="lm")
    return np.asarray(canvas, dtype=np.float64) / 255.0


def _digit_colors() -> np.ndarray:
    """The ``tab10`` colours of ``plots.latent_scatter``, one RGB row per digit."""
    import matplotlib

    return np.asarray(matplotlib.colormaps["tab10"].colors)[:, :3]


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the small bitmap font
        return ImageFont.load_default()


def titled_frame(image, title: str | None = None, scale: int = 1) -> Image.Image:
    """A frame as an 8-bit Pillow image, enlarged ``scale`` times, with a title band on top."""
    array = as_frame(image, "image")
    scale = validate.positive_int(scale, "scale")
    pixels = np.round(array * 255).astype(np.uint8)
    mode = "L" if pixels.ndim == 2 else "RGB"
    picture = Image.fromarray(pixels, mode=mode)
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    if not title:
        return picture
    band = max(16, picture.width // 18)
    canvas = Image.new(mode, (picture.width, picture.height + band), color=255 if mode == "L"
                       else (255, 255, 255))
    canvas.paste(picture, (0, band))
    draw = ImageDraw.Draw(canvas)
    draw.text((4, band // 2), title, fill=0 if mode == "L" else (0, 0, 0),
              font=_font(int(band * 0.7)), anchor="lm")
    return canvas


def _pictures(frames: Sequence, titles: Sequence[str] | None, scale: int) -> list[Image.Image]:
    if not hasattr(frames, "__len__") or isinstance(frames, str):
        raise ValueError(f"frames must be a list of images, got {type(frames).__name__}")
    if len(frames) == 0:
        raise ValueError("no frames to write: record at least one frame first")
    if titles is not None and len(titles) != len(frames):
        raise ValueError(f"got {len(titles)} titles for {len(frames)} frames")
    pictures = [titled_frame(f, None if titles is None else titles[i], scale)
                for i, f in enumerate(frames)]
    if len({p.size for p in pictures}) != 1:
        raise ValueError("all frames must have the same size")
    return pictures


def save_gif(frames: Sequence, path: str | os.PathLike, titles: Sequence[str] | None = None,
             frame_ms: int = 80, last_frame_ms: int = 1500, scale: int = 1) -> Path:
    """Write frames as a looping GIF (Pillow); the last frame lingers so it can be read."""
    frame_ms = validate.positive_int(frame_ms, "frame_ms")
    last_frame_ms = validate.positive_int(last_frame_ms, "last_frame_ms")
    pictures = _pictures(frames, titles, scale)
    durations = [frame_ms] * (len(pictures) - 1) + [last_frame_ms]
    target = Path(path)
    if target.suffix.lower() != ".gif":
        raise ValueError(f"save_gif writes .gif files, got {target.name}")
    with io.atomic_path(target) as tmp:
        pictures[0].save(tmp, format="GIF", save_all=True, append_images=pictures[1:],
                         duration=durations, loop=0, optimize=False, disposal=1)
    size = target.stat().st_size
    if size > README_GIF_BYTES:
        warnings.warn(
            f"{target.name} is {size / 2**20:.1f} MB, more than a README should embed; "
            "record fewer frames or a smaller grid",
            stacklevel=2,
        )
    return target


def ffmpeg_binary() -> str | None:
    """The ffmpeg executable: ``PATH`` first, then the one inside the imageio-ffmpeg wheel."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError, OSError):
        return None


def save_mp4(frames: Sequence, path: str | os.PathLike, titles: Sequence[str] | None = None,
             fps: int = 12, scale: int = 2) -> Path | None:
    """Write frames as an H.264 MP4 through ffmpeg-python; ``None`` if there is no ffmpeg."""
    fps = validate.positive_int(fps, "fps")
    target = Path(path)
    if target.suffix.lower() != ".mp4":
        raise ValueError(f"save_mp4 writes .mp4 files, got {target.name}")
    pictures = [p.convert("RGB") for p in _pictures(frames, titles, scale)]  # check them first
    binary = ffmpeg_binary()
    if binary is None:
        print(f"No ffmpeg binary found (PATH or imageio-ffmpeg): skipped {target.name}; "
              "the GIF has the same frames.")
        return None
    import ffmpeg

    width, height = pictures[0].size
    width, height = width - width % 2, height - height % 2  # yuv420p needs even sizes
    data = b"".join(np.asarray(p)[:height, :width].tobytes() for p in pictures)
    with io.atomic_path(target) as tmp:
        process = (
            ffmpeg.input("pipe:", format="rawvideo", pix_fmt="rgb24", s=f"{width}x{height}",
                         framerate=fps)
            .output(str(tmp), vcodec="libx264", pix_fmt="yuv420p", movflags="faststart",
                    loglevel="error")
            .overwrite_output()
        )
        try:
            process.run(cmd=binary, input=data, capture_stdout=True, capture_stderr=True)
        except ffmpeg.Error as err:
            message = err.stderr.decode(errors="replace").strip()[-300:]
            raise RuntimeError(f"ffmpeg failed to write {target.name}: {message}") from None
    return target


def gif_preview(path: str | os.PathLike, budget_kb: int = 250) -> bytes:
    """The GIF's bytes, or a lighter version of it that fits in ``budget_kb``.

    Notebooks embed their GIFs (a link to a file is not shown by GitHub's notebook view
    or by Colab), so a long animation is thinned: every second frame, then every third,
    and so on (the last frame is always kept), then halved in size if that is not enough.
    """
    target = Path(path)
    if target.suffix.lower() != ".gif" or not target.is_file():
        raise ValueError(f"{target} is not an existing .gif file; write it with save_gif first")
    budget = validate.positive_int(budget_kb, "budget_kb") * 1024
    raw = target.read_bytes()
    if len(raw) <= budget:
        return raw
    with Image.open(target) as gif:
        frames, durations = [], []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(gif.convert("L"))
            durations.append(gif.info.get("duration", 100))
    for scale in (1, 2):
        for step in range(2, len(frames) + 1):
            picked = sorted(set(range(0, len(frames), step)) | {len(frames) - 1})
            images = [frames[i] if scale == 1 else
                      frames[i].resize((frames[i].width // 2, frames[i].height // 2))
                      for i in picked]
            times = [sum(durations[i:j]) for i, j in zip(picked, picked[1:] + [len(frames)],
                                                          strict=True)]
            buffer = BytesIO()
            images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                           duration=times, loop=0, optimize=True)
            if buffer.tell() <= budget:
                return buffer.getvalue()
    return buffer.getvalue()  # the lightest version tried


def show_gif(*paths: str | os.PathLike, budget_kb: int = 250) -> None:
    """Show GIFs in a notebook, embedded so that GitHub and Colab display them too.

    Each is at most ``budget_kb`` in the saved notebook (see :func:`gif_preview`); the
    full-length file stays in ``figs/``.
    """
    from IPython.display import Image as ShownImage
    from IPython.display import display

    if not paths:
        raise ValueError("show_gif needs at least one GIF path")
    for path in paths:
        display(ShownImage(data=gif_preview(path, budget_kb), format="gif"))
