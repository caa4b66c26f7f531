"""genlab.series: the notebooks' main models, built from the notebooks' own cells."""

import pytest

from genlab import series


def test_every_model_notebook_has_a_builder_and_counts_its_training_flops(mnist):
    x, y = mnist.x_train[:256], mnist.y_train[:256]
    per_image = {}
    for notebook in sorted(series.BUILDERS):
        trainable = series.build(notebook, x, y, batch_size=64)
        assert trainable.batch_size == 64
        batch = next(iter(trainable.dataset))
        images = batch[0] if isinstance(batch, tuple) else batch  # (x, y) or x alone
        assert tuple(images.shape) == (64, 28, 28, 1)
        per_image[notebook] = series.training_flops_per_image(trainable)
    assert all(value > 1e6 for value in per_image.values()), per_image
    # three networks, several passes each: the CVAE+GAN step costs more than the CVAE's
    assert per_image["05_cvae_gan"] > 2 * per_image["03_cvae"]


@pytest.mark.parametrize("kwargs, message", [
    ({"notebook": "07_diffusion"}, "no main model"),
    ({"notebook": "03_cvae", "batch_size": 0}, "batch_size"),
    ({"notebook": "03_cvae", "batch_size": 1000}, "at least one batch"),
])
def test_bad_requests_are_refused_clearly(kwargs, message, mnist):
    with pytest.raises(ValueError, match=message):
        series.build(x=mnist.x_train[:100], y=mnist.y_train[:100], **kwargs)


def test_labels_must_match_the_digits(mnist):
    with pytest.raises(ValueError, match="y"):
        series.build("03_cvae", mnist.x_train[:100], mnist.y_train[:99])
