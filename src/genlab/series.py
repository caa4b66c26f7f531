"""The main model of every notebook, built from the notebook's own code, ready to train.

The reproducibility test and the throughput benchmark both train "the model of notebook
NN" for a few steps. They must train the code the lesson shows, not a copy, so this
module loads each notebook's ``model`` cells (``genlab.notebooks.definitions``) and wires
them up as the notebook does: the same builders, loss, optimizer and learning rate.

``build(notebook, x, y)`` returns the compiled model, its ``tf.data`` pipeline and the
networks whose FLOPs make up one training step (see ``training_flops_per_image``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from genlab import data, notebooks, validate


@dataclass
class Trainable:
    model: object  # a compiled keras.Model
    dataset: object  # a tf.data.Dataset of batches
    batch_size: int
    # (network, passes per image) pairs: forward passes count 1, a forward pass with its
    # backward pass counts 3 (the backward pass costs about twice the forward one)
    passes: list[tuple[object, int]]


def _autoencoder(ns, x, y, batch_size):
    import keras

    encoder, decoder = ns["build_conv_autoencoder"](32)
    x_in = keras.Input((28, 28, 1))
    model = keras.Model(x_in, decoder(encoder(x_in)))
    model.compile(optimizer=keras.optimizers.Adam(ns["learning_rate"]), loss="binary_crossentropy")
    dataset = data.make_dataset(x, batch_size=batch_size, seed=ns["seed"]).map(lambda b: (b, b))
    return model, dataset, [(encoder, 3), (decoder, 3)]


def _vae_like(class_name, conditional):
    def build(ns, x, y, batch_size):
        import keras

        latent, filters, hidden = ns["latent_dim_large"], ns["filters_large"], ns["hidden_large"]
        encoder = ns["build_encoder"](latent, filters, hidden)
        decoder = ns["build_decoder"](latent, filters)
        model = ns[class_name](encoder, decoder)
        model.compile(optimizer=keras.optimizers.Adam(ns["learning_rate"]))
        labels = data.one_hot(y) if conditional else None
        dataset = data.make_dataset(x, labels, batch_size=batch_size, seed=ns["seed"])
        return model, dataset, [(encoder, 3), (decoder, 3)]

    return build


def _gan(ns, x, y, batch_size):
    gan = ns["make_gan"](ema=True)  # the main model averages G's weights
    dataset = data.make_dataset(x, data.one_hot(y), batch_size=batch_size, seed=ns["seed"],
                                drop_remainder=True)
    # D step: G forward, D forward+backward on real and fake; G step: G and D forward+backward
    return gan, dataset, [(gan.generator, 1 + 3), (gan.discriminator, 2 * 3 + 3)]


def _cvae_gan(ns, x, y, batch_size):
    model = ns["make_model"]()  # the notebook's defaults, its balance rule among them
    dataset = data.make_dataset(x, data.one_hot(y), batch_size=batch_size, seed=ns["seed"],
                                drop_remainder=True)
    # every step: the encoder once, the decoder on codes and prior codes, D on three batches,
    # each forward and backward (the balance rule skips applying updates, not computing them)
    passes = [(model.encoder, 3), (model.decoder, 2 * 3), (model.discriminator, 3 * 3)]
    return model, dataset, passes


BUILDERS: dict[str, Callable] = {
    "01_autoencoder": _autoencoder,
    "02_vae": _vae_like("VAE", conditional=False),
    "03_cvae": _vae_like("CVAE", conditional=True),
    "04_gan": _gan,
    "05_cvae_gan": _cvae_gan,
}


def build(notebook: str, x, y, batch_size: int | None = None, **overrides) -> Trainable:
    """The main model of ``notebook`` on digits ``x`` (labels ``y``), compiled as there.

    ``batch_size`` defaults to the notebook's own; ``overrides`` replace values of its
    ``parameters`` cell (e.g. a learning rate) before the model cells run.
    """
    if notebook not in BUILDERS:
        raise ValueError(f"no main model for {notebook!r}; choose from {sorted(BUILDERS)}")
    digits = validate.images(x, "x")
    labels = validate.labels(y, "y", len(digits))
    ns = notebooks.definitions(notebook, **overrides)
    batch = validate.positive_int(ns["batch_size"] if batch_size is None else batch_size,
                                 "batch_size")
    if len(digits) < batch:
        raise ValueError(f"need at least one batch of {batch} digits, got {len(digits)}")
    model, dataset, passes = BUILDERS[notebook](ns, digits, labels, batch)
    return Trainable(model, dataset, batch, passes)


def training_flops_per_image(trainable: Trainable) -> int:
    """FLOPs of one training step per image, from the layer shapes of its networks."""
    from genlab import flops

    return sum(flops.model_flops(network) * passes for network, passes in trainable.passes)
