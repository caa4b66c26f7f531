"""Small layers shared by several notebooks, registered so saved models load cleanly.

Both are registered with ``keras.saving.register_keras_serializable``: a model saved
with them loads with plain ``keras.saving.load_model(path)`` once ``genlab.layers`` is
imported, without ``custom_objects`` or ``safe_mode=False`` (no ``Lambda`` layers).
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="genlab")
class Sampling(keras.layers.Layer):
    """The reparameterisation trick: ``z = z_mean + exp(z_log_var / 2) * eps``, eps ~ N(0, I).

    Writing the random draw as a deterministic function of (z_mean, z_log_var) plus
    independent noise lets gradients flow into the encoder. A ``SeedGenerator`` makes
    the noise repeatable for a given seed.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        # the noise takes the codes' dtype, so the layer also runs under a mixed-precision
        # policy (bfloat16 codes plus float32 noise would be a dtype mismatch)
        epsilon = keras.random.normal(ops.shape(z_mean), dtype=z_mean.dtype,
                                      seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="genlab")
class LabelBroadcast(keras.layers.Layer):
    """Append a one-hot label to every pixel of a feature map as extra channels.

    Inputs ``[features (N, H, W, C), labels (N, K)]``, output ``(N, H, W, C + K)``: each
    convolution after it sees which digit it is judging at every position.
    """

    def call(self, inputs):
        features, labels = inputs
        labels = ops.cast(labels, features.dtype)
        shape = ops.shape(features)
        tiled = ops.broadcast_to(
            labels[:, None, None, :], (shape[0], shape[1], shape[2], ops.shape(labels)[-1])
        )
        return ops.concatenate([features, tiled], axis=-1)

    def compute_output_shape(self, input_shape):
        features, labels = input_shape
        channels = None
        if features[-1] is not None and labels[-1] is not None:
            channels = features[-1] + labels[-1]
        return (*features[:-1], channels)
