import numpy as np
import pytest
from scipy.stats import norm

from genlab import manifold, tiles


def numbered_digits(n):
    """Digit k is filled with the value k / n, so its position in a mosaic is readable."""
    return np.broadcast_to((np.arange(n) / n)[:, None, None, None], (n, 28, 28, 1)).astype(
        np.float32)


def test_tile_is_row_major():
    image = tiles.tile(numbered_digits(6), nrows=2, ncols=3)
    assert image.shape == (56, 84)
    assert image[0, 0] == 0.0  # top-left: digit 0
    assert image[0, 28 * 2] == pytest.approx(2 / 6)  # first row, third column: digit 2
    assert image[28, 0] == pytest.approx(3 / 6)  # second row starts with digit 3


def test_tile_padding_and_errors():
    padded = tiles.tile(numbered_digits(4), 2, 2, pad=2, pad_value=1.0)
    assert padded.shape == (58, 58)
    assert np.all(padded[28:30, :] == 1.0)
    with pytest.raises(ValueError, match="exactly nrows \\* ncols = 6"):
        tiles.tile(numbered_digits(5), 2, 3)
    with pytest.raises(ValueError, match="pad_value"):
        tiles.tile(numbered_digits(4), 2, 2, pad=1, pad_value=2.0)


def test_grid_matches_norm_ppf_at_the_right_quantiles():
    codes = manifold.grid_codes(latent_dim=2, n=15)
    q = norm.ppf(np.linspace(0.05, 0.95, 15))
    assert codes.shape == (225, 2) and codes.dtype == np.float32
    grid = codes.reshape(15, 15, 2)
    np.testing.assert_allclose(grid[0, :, 0], q, rtol=1e-6)  # x grows to the right
    np.testing.assert_allclose(grid[:, 0, 1], q[::-1], rtol=1e-6)  # y grows upwards
    assert grid[0, 0, 0] == pytest.approx(norm.ppf(0.05), rel=1e-6)
    assert grid[7, 7].tolist() == pytest.approx([0.0, 0.0], abs=1e-6)  # the prior's mean


def test_grid_slice_for_larger_latents():
    codes = manifold.grid_codes(latent_dim=8, n=5, dims=(2, 5))
    assert codes.shape == (25, 8)
    assert np.all(codes[:, [0, 1, 3, 4, 6, 7]] == 0)
    assert len(np.unique(codes[:, 2])) == 5 and len(np.unique(codes[:, 5])) == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"latent_dim": 1}, "latent_dim >= 2"),
        ({"latent_dim": 4, "dims": (1, 1)}, "two different axes"),
        ({"latent_dim": 4, "dims": (0, 4)}, "two different axes"),
        ({"low": 0.0}, "0 < low < high < 1"),
        ({"low": 0.6, "high": 0.4}, "0 < low < high < 1"),
        ({"n": 0}, "positive integer"),
    ],
)
def test_grid_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        manifold.grid_codes(**kwargs)


class CountingDecoder:
    """A decoder that records its calls: digit brightness encodes the label and z[0]."""

    def __init__(self):
        self.calls = []

    def __call__(self, inputs):
        self.calls.append(inputs)
        if isinstance(inputs, list):
            z, y = inputs
            value = (y.argmax(1) + 1) / 11.0
        else:
            z = inputs
            value = norm.cdf(z[:, 0])
        return np.broadcast_to(value[:, None, None, None], (len(z), 28, 28, 1)).astype(
            np.float32)


def test_manifold_image_has_x_to_the_right_and_y_upwards():
    def xy_decoder(z):  # left half of each digit shows x, right half shows y
        out = np.zeros((len(z), 28, 28, 1), np.float32)
        out[:, :, :14, 0] = norm.cdf(z[:, 0])[:, None, None]
        out[:, :, 14:, 0] = norm.cdf(z[:, 1])[:, None, None]
        return out

    image = manifold.decode_manifold(xy_decoder, latent_dim=2, n=5)
    x_left, x_right = image[0, 0], image[0, 4 * 28]  # left half of first/last column
    y_top, y_bottom = image[0, 14], image[4 * 28, 14]  # right half of top/bottom row
    assert x_left == pytest.approx(0.05, abs=1e-4) and x_right == pytest.approx(0.95, abs=1e-4)
    assert y_top == pytest.approx(0.95, abs=1e-4) and y_bottom == pytest.approx(0.05, abs=1e-4)


def test_plot_manifold_rejects_non_images():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        manifold.plot_manifold(np.full((10, 10), 255.0))
    with pytest.raises(ValueError, match="NaN"):
        manifold.plot_manifold(np.full((10, 10), np.nan))


def test_unconditional_manifold_is_one_call():
    decoder = CountingDecoder()
    image = manifold.decode_manifold(decoder, latent_dim=2)
    assert len(decoder.calls) == 1 and decoder.calls[0].shape == (225, 2)
    assert image.shape == (420, 420)
    left, right = image[0, 0], image[0, -1]
    assert left == pytest.approx(0.05, abs=1e-4) and right == pytest.approx(0.95, abs=1e-4)


def test_ten_label_manifolds_are_one_call_of_2250_codes():
    decoder = CountingDecoder()
    images = manifold.decode_manifold(decoder, latent_dim=3, labels=range(10))
    assert len(decoder.calls) == 1
    z, y = decoder.calls[0]
    assert z.shape == (2250, 3) and y.shape == (2250, 10)
    assert images.shape == (10, 420, 420)
    for label in range(10):
        assert np.all(images[label] == pytest.approx((label + 1) / 11.0))


def test_manifold_with_a_real_keras_decoder():
    import keras

    z = keras.Input((2,))
    y = keras.Input((10,))
    x = keras.layers.Dense(784, activation="sigmoid")(keras.layers.Concatenate()([z, y]))
    decoder = keras.Model([z, y], keras.layers.Reshape((28, 28, 1))(x))
    images = manifold.decode_manifold(decoder, 2, labels=[3, 7], n=4)
    assert images.shape == (2, 112, 112)
    assert not np.allclose(images[0], images[1])  # the label reaches the decoder


def test_manifold_rejects_a_bad_decoder_output():
    def tanh_decoder(z):
        return -np.ones((len(z), 28, 28, 1), np.float32) * 0.5

    with pytest.raises(ValueError, match="rescale it to \\[0, 1\\]"):
        manifold.decode_manifold(tanh_decoder, 2)

    def short_decoder(z):
        return np.zeros((3, 28, 28, 1), np.float32)

    with pytest.raises(ValueError, match="returned 3 digits for 225 codes"):
        manifold.decode_manifold(short_decoder, 2)
    with pytest.raises(ValueError, match=r"0\.\.9"):
        manifold.decode_manifold(CountingDecoder(), 2, labels=[12])


def test_plot_label_manifolds(out_dir):
    from genlab import plots

    images = manifold.decode_manifold(CountingDecoder(), 2, labels=range(10), n=3)
    fig = manifold.plot_label_manifolds(images)
    assert len([ax for ax in fig.axes if ax.images]) == 10
    path = plots.save_fig("manifolds", fig)
    assert path.is_file() and path.stat().st_size > 1000
    with pytest.raises(ValueError, match="one manifold per label"):
        manifold.plot_label_manifolds(images[:3])
    with pytest.raises(ValueError, match="one 2-D image"):
        manifold.plot_manifold(images)


def test_mosaic_places_panels_row_major_and_fills_the_last_row():
    panels = np.stack([np.full((5, 4), k / 10, dtype=np.float32) for k in range(7)])
    image = tiles.mosaic(panels, ncols=3, pad=2, pad_value=1.0)
    assert image.shape == (3 * 5 + 2 * 2, 3 * 4 + 2 * 2)
    assert image[0, 0] == 0.0  # panel 0 top-left
    assert image[0, 2 * (4 + 2)] == pytest.approx(0.2)  # panel 2: first row, third column
    assert image[5 + 2, 0] == pytest.approx(0.3)  # panel 3 starts the second row
    assert image[5, 0] == 1.0  # the gap between rows is padding
    assert image[-1, -1] == 1.0  # the two empty cells of the last row are padding
    assert tiles.mosaic(panels[:2], ncols=5, pad=0).shape == (5, 8)  # never wider than K


@pytest.mark.parametrize("images, kwargs, message", [
    (np.zeros((2, 28, 28, 1)), {}, "stack of 2-D images"),
    (np.zeros((0, 5, 5)), {}, "stack of 2-D images"),
    (np.full((2, 5, 5), np.nan), {}, "NaN"),
    (np.zeros((2, 5, 5)), {"ncols": 0}, "ncols"),
    (np.zeros((2, 5, 5)), {"pad_value": 2.0}, "pad_value"),
])
def test_mosaic_rejects_bad_input(images, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tiles.mosaic(images, **{"ncols": 2, **kwargs})
