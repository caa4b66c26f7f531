"""Neural-network building blocks in plain NumPy, each with its backward pass written out.

Notebooks 01-06 let Keras and TensorFlow's autodiff compute every gradient. Notebook 07
builds the same kind of VAE+GAN by hand, to show what that autodiff does: every block
here has a ``forward`` that returns its output and a *cache* (what its backward pass will
need), and a ``backward`` that turns the gradient of a loss with respect to its output
into the gradients with respect to its input and its parameters, by the chain rule.

Caches are returned, not stored in the layer, so one network can be run on several
batches (real digits, reconstructions, samples) and each batch differentiated on its
own, as a training step with three losses needs. Everything is vectorised over the
batch and works in float32 (fast, for training) or float64 (for gradient checks). The
tests compare every backward pass with finite differences and a whole training step
with ``tf.GradientTape``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

FLOATS = (np.float32, np.float64)


# --- input checks -------------------------------------------------------------------------

def _array(value, name: str, ndim: int | None = None) -> np.ndarray:
    """A finite float32/float64 array (ints and lists are refused: say the dtype you mean)."""
    if not isinstance(value, np.ndarray):
        raise ValueError(f"{name} must be a NumPy array, got {type(value).__name__}; "
                         f"convert it with np.asarray(..., dtype=np.float32)")
    if value.dtype not in FLOATS:
        raise ValueError(f"{name} must be float32 or float64, got {value.dtype}; "
                         f"convert it with .astype(np.float32)")
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D (batch first), got shape {value.shape}")
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{name} contains NaN or infinite values; lower the learning rate "
                         f"or check the inputs")
    return value


def _same_shape(a: np.ndarray, b: np.ndarray, names: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{names} must have the same shape, got {a.shape} and {b.shape}")


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                         f"got {type(rng).__name__}")
    return rng


def _dtype(dtype) -> np.dtype:
    if np.dtype(dtype) not in FLOATS:
        raise ValueError(f"dtype must be np.float32 or np.float64, got {dtype!r}")
    return np.dtype(dtype)


# --- layers ------------------------------------------------------------------------------

class Layer:
    """A block with ``forward(x) -> (y, cache)`` and ``backward(grad_y, cache)``.

    ``backward`` returns ``(grad_x, grads)``: ``grads`` matches ``params`` one to one.
    ``need_input=False`` skips ``grad_x`` (the first layer's input is data) and
    ``need_params=False`` skips ``grads`` (only the input's gradient is wanted), each
    saving a matrix product.
    """

    params: list[np.ndarray] = []

    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_y, cache, need_input=True, need_params=True):
        raise NotImplementedError


class Dense(Layer):
    """``y = x W + b``: the fully connected layer every network here is made of."""

    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator, init: str = "he",
                 dtype=np.float32):
        n_in, n_out = _positive_int(n_in, "n_in"), _positive_int(n_out, "n_out")
        rng, dtype = _rng(rng), _dtype(dtype)
        if init == "he":  # keeps the variance of ReLU activations from layer to layer
            weights = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
        elif init == "glorot":  # the same for layers without a ReLU after them
            limit = np.sqrt(6.0 / (n_in + n_out))
            weights = rng.uniform(-limit, limit, (n_in, n_out))
        else:
            raise ValueError(f"init must be 'he' (before a ReLU) or 'glorot', got {init!r}")
        self.W = weights.astype(dtype)
        self.b = np.zeros(n_out, dtype=dtype)
        self.params = [self.W, self.b]

    def __repr__(self):
        return f"Dense({self.W.shape[0]}, {self.W.shape[1]})"

    def forward(self, x):
        if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[1] != self.W.shape[0]:
            raise ValueError(f"Dense({self.W.shape[0]}, {self.W.shape[1]}) expects inputs with "
                             f"{self.W.shape[0]} columns, got shape {np.shape(x)}")
        return x @ self.W + self.b, x

    def backward(self, grad_y, cache, need_input=True, need_params=True):
        x = cache
        grad_x = grad_y @ self.W.T if need_input else None
        grads = [x.T @ grad_y, grad_y.sum(axis=0)] if need_params else None
        return grad_x, grads


class ReLU(Layer):
    """``max(x, 0)``: passes the gradient where the input was positive, blocks it elsewhere."""

    def __repr__(self):
        return "ReLU()"

    def forward(self, x):
        positive = x > 0
        return x * positive, positive

    def backward(self, grad_y, cache, need_input=True, need_params=True):
        return (grad_y * cache if need_input else None), ([] if need_params else None)


class LeakyReLU(Layer):
    """``x`` for positive inputs, ``alpha * x`` otherwise: a discriminator built of these
    never blocks the gradient that the generator learns from."""

    def __init__(self, alpha: float = 0.2):
        if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 <= alpha < 1:
            raise ValueError(f"alpha must be a number in [0, 1) (the slope for negative "
                             f"inputs, e.g. 0.2), got {alpha!r}")
        self.alpha = float(alpha)

    def __repr__(self):
        return f"LeakyReLU({self.alpha})"

    def forward(self, x):
        slope = np.where(x > 0, 1.0, self.alpha).astype(x.dtype)
        return x * slope, slope

    def backward(self, grad_y, cache, need_input=True, need_params=True):
        return (grad_y * cache if need_input else None), ([] if need_params else None)


class Sigmoid(Layer):
    """``1 / (1 + exp(-x))``: pixel intensities in (0, 1); its derivative is ``y (1 - y)``."""

    def __repr__(self):
        return "Sigmoid()"

    def forward(self, x):
        y = expit(x)
        return y, y

    def backward(self, grad_y, cache, need_input=True, need_params=True):
        y = cache
        return (grad_y * y * (1.0 - y) if need_input else None), ([] if need_params else None)


@dataclass
class Trace:
    """What ``Sequential.forward`` remembers: every layer's cache and output, in order."""

    caches: list
    outputs: list[np.ndarray]


class Sequential:
    """Layers applied in order; ``backward`` runs the chain rule through them in reverse.

    ``trace.outputs[i]`` is the output of layer ``i``: a hidden layer of the
    discriminator is read there, and a loss on it enters the backward pass through
    ``taps={i: gradient}``.
    """

    def __init__(self, layers: Sequence[Layer]):
        layers = list(layers)
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise ValueError("Sequential needs a non-empty list of layers, e.g. "
                             "[Dense(784, 256, rng), ReLU()]")
        self.layers = layers

    def __repr__(self):
        return "Sequential([" + ", ".join(repr(layer) for layer in self.layers) + "])"

    @property
    def params(self) -> list[np.ndarray]:
        """Every parameter array, in layer order (Adam updates these in place)."""
        return [p for layer in self.layers for p in layer.params]

    def forward(self, x) -> tuple[np.ndarray, Trace]:
        x = _array(x, "the network's input", ndim=2)
        caches, outputs = [], []
        for layer in self.layers:
            x, cache = layer.forward(x)
            caches.append(cache)
            outputs.append(x)
        return x, Trace(caches, outputs)

    def backward(self, grad_out, trace: Trace, taps: Mapping[int, np.ndarray] | None = None,
                 need_input: bool = True, need_params: bool = True):
        """``(grad_x, grads)`` for a loss whose gradient at the output is ``grad_out``.

        ``grad_out`` may be ``None`` when the loss reaches the network only through
        ``taps`` (gradients at hidden outputs, added where the backward pass passes them).
        ``grads`` matches ``params`` (``None`` with ``need_params=False``).
        """
        if not isinstance(trace, Trace) or len(trace.caches) != len(self.layers):
            raise ValueError("trace must be the Trace that this network's forward returned")
        taps = dict(taps or {})
        for index, grad in taps.items():
            if not isinstance(index, int | np.integer) or not 0 <= index < len(self.layers):
                raise ValueError(f"taps are keyed by layer index 0..{len(self.layers) - 1}, "
                                 f"got {index!r}")
            _same_shape(_array(grad, f"taps[{index}]"), trace.outputs[index],
                        f"taps[{index}] and the output of layer {index}")
        if grad_out is None and not taps:
            raise ValueError("backward needs grad_out or taps: some gradient to pass back")
        if grad_out is not None:
            _same_shape(_array(grad_out, "grad_out"), trace.outputs[-1],
                        "grad_out and the network's output")
        grad = grad_out
        grads: list[list[np.ndarray]] = []
        last = len(self.layers) - 1
        for index in range(last, -1, -1):
            if index in taps:
                grad = taps[index] if grad is None else grad + taps[index]
            if grad is None:  # nothing flows back from above the deepest tap
                grads.append([np.zeros_like(p) for p in self.layers[index].params])
                continue
            grad, layer_grads = self.layers[index].backward(
                grad, trace.caches[index], need_input=need_input or index > 0,
                need_params=need_params)
            grads.append(layer_grads)
        if not need_params:
            return grad, None
        return grad, [g for layer_grads in reversed(grads) for g in layer_grads]


# --- the reparameterisation --------------------------------------------------------------

def reparameterize(mu, logvar, eps):
    """``z = mu + exp(logvar / 2) * eps``: a draw from N(mu, exp(logvar)) whose randomness
    sits in ``eps ~ N(0, I)``, so that ``z`` is differentiable in ``mu`` and ``logvar``.

    Returns ``(z, cache)``; ``eps`` is passed in so that a step can be repeated exactly.
    """
    mu, logvar, eps = (_array(a, n, ndim=2) for a, n in ((mu, "mu"), (logvar, "logvar"),
                                                          (eps, "eps")))
    _same_shape(mu, logvar, "mu and logvar")
    _same_shape(mu, eps, "mu and eps")
    sigma = np.exp(0.5 * logvar)
    return mu + sigma * eps, (sigma, eps)


def reparameterize_backward(grad_z, cache):
    """``(grad_mu, grad_logvar)``: dz/dmu = 1 and dz/dlogvar = exp(logvar / 2) * eps / 2."""
    sigma, eps = cache
    _same_shape(_array(grad_z, "grad_z"), eps, "grad_z and z")
    return grad_z, grad_z * 0.5 * sigma * eps


# --- losses: (value, gradient) ----------------------------------------------------------------

def kl_standard_normal(mu, logvar):
    """L_prior: KL(N(mu, exp(logvar)) || N(0, I)), summed over dimensions, mean over the batch.

    Returns ``(loss, grad_mu, grad_logvar)``.
    """
    mu, logvar = _array(mu, "mu", ndim=2), _array(logvar, "logvar", ndim=2)
    _same_shape(mu, logvar, "mu and logvar")
    n = len(mu)
    variance = np.exp(logvar)
    loss = -0.5 * np.sum(1.0 + logvar - mu**2 - variance) / n
    return float(loss), mu / n, 0.5 * (variance - 1.0) / n


def feature_distance(f_real, f_fake):
    """L_llike: half the squared distance between layer-l features, summed, mean over batch.

    Returns ``(loss, grad_fake)``. The gradient with respect to ``f_real`` is
    ``-grad_fake``; the encoder and decoder never need it (the real digit's features do
    not depend on them), and the discriminator does not minimise this loss.
    """
    f_real, f_fake = _array(f_real, "f_real", ndim=2), _array(f_fake, "f_fake", ndim=2)
    _same_shape(f_real, f_fake, "f_real and f_fake")
    diff = f_fake - f_real
    n = len(diff)
    return float(0.5 * np.sum(diff**2) / n), diff / n


def bce_with_logits(logits, target):
    """Binary cross-entropy of ``sigmoid(logits)`` against ``target``, mean over the batch.

    Computed from the logits (``max(s, 0) - s t + log(1 + exp(-|s|))``), which never
    takes the log of a probability rounded to 0. Returns ``(loss, grad_logits)`` with
    ``grad_logits = (sigmoid(s) - t) / N``. ``target`` is 0, 1 or an array like ``logits``.
    """
    logits = _array(logits, "logits")
    if logits.ndim != 2 or logits.shape[1] != 1:
        raise ValueError(f"logits must have shape (N, 1), one per digit, got {logits.shape}")
    target = np.asarray(target, dtype=logits.dtype)
    if target.ndim and target.shape != logits.shape:
        raise ValueError(f"target must be a number or have the logits' shape {logits.shape}, "
                         f"got {target.shape}")
    if not np.all((target >= 0) & (target <= 1)):
        raise ValueError("target must lie in [0, 1] (1 = real, 0 = fake)")
    n = len(logits)
    loss = np.maximum(logits, 0) - logits * target + np.log1p(np.exp(-np.abs(logits)))
    return float(loss.sum() / n), (expit(logits) - target) / n


# --- the optimizer -------------------------------------------------------------------------

class Adam:
    """Adam (Kingma & Ba, 2015) with one pair of moment estimates per parameter array.

    ``step(grads)`` updates ``params`` in place::

        m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
        p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + epsilon)
    """

    def __init__(self, params: Sequence[np.ndarray], learning_rate: float = 1e-3,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-8):
        params = list(params)
        if not params or not all(isinstance(p, np.ndarray) and p.dtype in FLOATS
                                 for p in params):
            raise ValueError("Adam needs a non-empty list of float arrays (network.params)")
        for name, value, rule, ok in (
                ("learning_rate", learning_rate, "> 0, e.g. 1e-3", lambda v: v > 0),
                ("beta_1", beta_1, "in [0, 1), e.g. 0.9", lambda v: 0 <= v < 1),
                ("beta_2", beta_2, "in [0, 1), e.g. 0.999", lambda v: 0 <= v < 1),
                ("epsilon", epsilon, "> 0, e.g. 1e-8", lambda v: v > 0)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not ok(value):
                raise ValueError(f"{name} must be a number {rule}, got {value!r}")
        self.params = params
        self.learning_rate, self.beta_1, self.beta_2 = float(learning_rate), beta_1, beta_2
        self.epsilon = float(epsilon)
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: Sequence[np.ndarray]) -> None:
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"got {len(grads)} gradients for {len(self.params)} parameters")
        for index, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            _same_shape(_array(g, f"gradient {index}"), p, f"gradient {index} and its parameter")
        self.t += 1
        correction_1 = 1.0 - self.beta_1**self.t
        correction_2 = 1.0 - self.beta_2**self.t
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= self.beta_1
            m += (1.0 - self.beta_1) * g
            v *= self.beta_2
            v += (1.0 - self.beta_2) * g * g
            p -= self.learning_rate * (m / correction_1) / (np.sqrt(v / correction_2)
                                                            + self.epsilon)


# --- gradient checks --------------------------------------------------------------------

def numerical_gradient(f: Callable[[], float], array: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences ``(f(a + h) - f(a - h)) / 2h``, one entry of ``array`` at a time.

    ``f`` takes no arguments and reads ``array``, which is nudged in place and restored.
    Use float64: in float32 the rounding error of ``f`` swamps the difference.
    """
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        raise ValueError("numerical_gradient needs a float64 array (float32 is too coarse "
                         "for finite differences); build the network with dtype=np.float64")
    if not callable(f):
        raise ValueError("f must be a function of no arguments that returns the loss")
    grad = np.zeros_like(array)
    flat, grad_flat = array.reshape(-1), grad.reshape(-1)  # views of the same memory
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        up = f()
        flat[i] = saved - h
        down = f()
        flat[i] = saved
        grad_flat[i] = (up - down) / (2 * h)
    return grad


def relative_error(a, b) -> float:
    """``|a - b| / (|a| + |b|)`` in the Euclidean norm: 0 for equal gradients, 1 for opposite."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    _same_shape(a, b, "the two gradients")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0
