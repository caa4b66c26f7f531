"""Training guards shared by the notebooks: stop cleanly when a loss blows up.

Keras' ``TerminateOnNaN`` stops on a NaN ``loss`` but does not say which of a GAN's
several losses went wrong, or when. ``StopOnNonFinite`` watches every logged value,
stops at the first NaN or inf, and keeps what happened in ``diverged`` so a notebook
can report the divergence instead of drawing garbage figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras


@dataclass(frozen=True)
class Divergence:
    loss: str
    step: int
    value: float

    def __str__(self) -> str:
        return f"training diverged: {self.loss} = {self.value} at step {self.step}"


class StopOnNonFinite(keras.callbacks.Callback):
    """Stop ``fit`` at the first batch whose logged losses hold NaN or inf."""

    def __init__(self, verbose: bool = True):
        super().__init__()
        self.verbose = verbose
        self.step = 0
        self.diverged: Divergence | None = None

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        for name, value in (logs or {}).items():
            number = float(value)
            if not math.isfinite(number):
                self.diverged = Divergence(name, self.step, number)
                self.model.stop_training = True
                if self.verbose:
                    print(f"Stopped: {self.diverged}")
                return


class BatchLogger(keras.callbacks.Callback):
    """Every batch's own losses, for curves with one point per batch instead of per epoch.

    ``fit`` hands callbacks each tracker's running mean since the start of the epoch.
    The mean after batch k is ``m_k = ((k - 1) m_(k-1) + x_k) / k``, so the batch's own
    value is ``x_k = k m_k - (k - 1) m_(k-1)``: exact, with no change to the model.
    ``values[name]`` is the list of per-batch values over the whole run.
    """

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[float]] = {}
        self._means: dict[str, float] = {}
        self._k = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._means, self._k = {}, 0

    def on_train_batch_end(self, batch, logs=None):
        self._k += 1
        k = self._k
        for name, value in (logs or {}).items():
            mean = float(value)
            previous = self._means.get(name, 0.0)
            self.values.setdefault(name, []).append(k * mean - (k - 1) * previous)
            self._means[name] = mean
