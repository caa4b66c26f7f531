"""The hand-written backward passes of genlab.numpy_nn, and notebook 07's training step.

Every block against central finite differences in float64; Adam against two steps
computed by hand; and the whole VAE+GAN step of notebook 07 (its own ``model`` cells,
with small hidden layers) against ``tf.GradientTape`` on the same weights and batch.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from genlab import notebooks
from genlab import numpy_nn as nn

TOLERANCE = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def numeric_vs_analytic(loss, arrays, analytic):
    """Largest relative error between hand-written gradients and central differences."""
    return max(nn.relative_error(g, nn.numerical_gradient(loss, a))
               for g, a in zip(analytic, arrays, strict=True))


def layer_error(layer, x, rng):
    """Check input and parameter gradients of a layer with the loss sum(y * R)."""
    upstream = rng.standard_normal(layer.forward(x)[0].shape)

    def loss():
        return float(np.sum(layer.forward(x)[0] * upstream))

    grad_x, grads = layer.backward(upstream, layer.forward(x)[1])
    return numeric_vs_analytic(loss, [x, *layer.params], [grad_x, *grads])


# --- layers -----------------------------------------------------------------------------

@pytest.mark.parametrize("init", ["he", "glorot"])
def test_dense_backward_matches_finite_differences(rng, init):
    layer = nn.Dense(7, 5, rng, init=init, dtype=np.float64)
    layer.b[:] = rng.standard_normal(5)  # a zero bias would hide a wrong bias gradient
    assert layer_error(layer, rng.standard_normal((4, 7)), rng) < TOLERANCE


@pytest.mark.parametrize("make", [nn.ReLU, lambda: nn.LeakyReLU(0.2), nn.Sigmoid],
                         ids=["relu", "leaky_relu", "sigmoid"])
def test_activation_backward_matches_finite_differences(rng, make):
    assert layer_error(make(), rng.standard_normal((4, 6)), rng) < TOLERANCE


def test_leaky_relu_and_sigmoid_values():
    x = np.array([[-2.0, 0.5]])
    np.testing.assert_allclose(nn.LeakyReLU(0.1).forward(x)[0], [[-0.2, 0.5]])
    np.testing.assert_allclose(nn.ReLU().forward(x)[0], [[0.0, 0.5]])
    np.testing.assert_allclose(nn.Sigmoid().forward(x)[0], 1 / (1 + np.exp(-x)))


def test_dense_initialisations_have_their_scale(rng):
    he = nn.Dense(400, 300, rng, init="he", dtype=np.float64)
    glorot = nn.Dense(400, 300, rng, init="glorot", dtype=np.float64)
    assert abs(he.W.std() - np.sqrt(2 / 400)) < 0.05 * np.sqrt(2 / 400)
    assert np.abs(glorot.W).max() <= np.sqrt(6 / 700)
    assert not he.b.any()


def test_sequential_backward_with_a_tapped_hidden_layer(rng):
    net = nn.Sequential([nn.Dense(6, 5, rng, dtype=np.float64), nn.LeakyReLU(0.2),
                         nn.Dense(5, 4, rng, dtype=np.float64), nn.Sigmoid()])
    for layer in net.layers[::2]:
        layer.b[:] = rng.standard_normal(layer.b.shape)
    x = rng.standard_normal((3, 6))
    upstream, tap = rng.standard_normal((3, 4)), rng.standard_normal((3, 5))

    def loss():
        y, trace = net.forward(x)
        return float(np.sum(y * upstream) + np.sum(trace.outputs[1] * tap))

    grad_x, grads = net.backward(upstream, net.forward(x)[1], taps={1: tap})
    assert numeric_vs_analytic(loss, [x, *net.params], [grad_x, *grads]) < TOLERANCE

    # only the tap: the layers above it get zero gradients
    grad_x, grads = net.backward(None, net.forward(x)[1], taps={1: tap})
    assert not grads[2].any() and not grads[3].any()

    def tap_loss():
        return float(np.sum(net.forward(x)[1].outputs[1] * tap))

    assert numeric_vs_analytic(tap_loss, [x, *net.params[:2]], [grad_x, *grads[:2]]) < TOLERANCE


def test_sequential_skips_what_is_not_needed_without_changing_the_rest(rng):
    net = nn.Sequential([nn.Dense(6, 5, rng, dtype=np.float64), nn.ReLU(),
                         nn.Dense(5, 2, rng, dtype=np.float64)])
    x, upstream = rng.standard_normal((3, 6)), rng.standard_normal((3, 2))
    trace = net.forward(x)[1]
    grad_x, grads = net.backward(upstream, trace)
    no_input, same_grads = net.backward(upstream, trace, need_input=False)
    input_only, no_grads = net.backward(upstream, trace, need_params=False)
    assert no_input is None and no_grads is None
    np.testing.assert_array_equal(input_only, grad_x)
    for a, b in zip(grads, same_grads, strict=True):
        np.testing.assert_array_equal(a, b)
    assert [g.shape for g in grads] == [p.shape for p in net.params]


def test_float32_stays_float32(rng):
    net = nn.Sequential([nn.Dense(6, 5, rng), nn.ReLU(), nn.Dense(5, 2, rng), nn.Sigmoid()])
    x = rng.standard_normal((3, 6)).astype(np.float32)
    y, trace = net.forward(x)
    grad_x, grads = net.backward(np.ones_like(y), trace)
    assert y.dtype == grad_x.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)


# --- reparameterisation and losses -----------------------------------------------------------

def test_reparameterisation_backward_matches_finite_differences(rng):
    mu, logvar, eps = (rng.standard_normal((4, 3)) for _ in range(3))
    upstream = rng.standard_normal((4, 3))
    z, cache = nn.reparameterize(mu, logvar, eps)
    np.testing.assert_allclose(z, mu + np.exp(logvar / 2) * eps)

    def loss():
        return float(np.sum(nn.reparameterize(mu, logvar, eps)[0] * upstream))

    grads = nn.reparameterize_backward(upstream, cache)
    assert numeric_vs_analytic(loss, [mu, logvar], grads) < TOLERANCE


def test_kl_value_and_gradient(rng):
    mu, logvar = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    value, g_mu, g_logvar = nn.kl_standard_normal(mu, logvar)
    expected = np.mean(np.sum(0.5 * (mu**2 + np.exp(logvar) - 1 - logvar), axis=1))
    assert value == pytest.approx(expected)
    assert nn.kl_standard_normal(np.zeros((2, 3)), np.zeros((2, 3)))[0] == 0.0  # N(0, I) itself
    error = numeric_vs_analytic(lambda: nn.kl_standard_normal(mu, logvar)[0], [mu, logvar],
                                [g_mu, g_logvar])
    assert error < TOLERANCE


def test_feature_distance_value_and_gradient(rng):
    real, fake = rng.standard_normal((5, 8)), rng.standard_normal((5, 8))
    value, grad = nn.feature_distance(real, fake)
    assert value == pytest.approx(np.mean(0.5 * np.sum((real - fake) ** 2, axis=1)))
    error = numeric_vs_analytic(lambda: nn.feature_distance(real, fake)[0], [fake], [grad])
    assert error < TOLERANCE


@pytest.mark.parametrize("target", [1.0, 0.0, "soft"])
def test_bce_with_logits_value_and_gradient(rng, target):
    logits = 4 * rng.standard_normal((6, 1))
    if target == "soft":
        target = rng.uniform(0, 1, (6, 1))
    value, grad = nn.bce_with_logits(logits, target)
    p = 1 / (1 + np.exp(-logits))
    assert value == pytest.approx(np.mean(-(target * np.log(p) + (1 - target) * np.log(1 - p))))
    error = numeric_vs_analytic(lambda: nn.bce_with_logits(logits, target)[0], [logits], [grad])
    assert error < TOLERANCE


def test_bce_with_logits_is_finite_for_huge_logits():
    value, grad = nn.bce_with_logits(np.array([[800.0], [-800.0]]), 1.0)
    assert value == pytest.approx(400.0) and np.all(np.isfinite(grad))


# --- Adam ---------------------------------------------------------------------------------

def test_adam_matches_two_steps_by_hand():
    p = np.array([1.0, -2.0])
    adam = nn.Adam([p], learning_rate=0.1, beta_1=0.5, beta_2=0.9, epsilon=1e-8)
    g1, g2 = np.array([0.5, -1.0]), np.array([0.25, 2.0])
    adam.step([g1])
    # step 1: m = 0.5 g1, v = 0.1 g1^2; corrected m / 0.5 = g1, v / 0.1 = g1^2
    expected = np.array([1.0, -2.0]) - 0.1 * g1 / (np.abs(g1) + 1e-8)
    np.testing.assert_allclose(p, expected)
    adam.step([g2])
    m = 0.5 * (0.5 * g1) + 0.5 * g2
    v = 0.9 * (0.1 * g1**2) + 0.1 * g2**2
    expected -= 0.1 * (m / (1 - 0.5**2)) / (np.sqrt(v / (1 - 0.9**2)) + 1e-8)
    np.testing.assert_allclose(p, expected)
    assert adam.t == 2


# --- the whole training step of notebook 07 against tf.GradientTape ------------------------

def tf_layer_outputs(network, variables, x):
    outputs, index = [], 0
    for layer in network.layers:
        if isinstance(layer, nn.Dense):
            x = tf.matmul(x, variables[index]) + variables[index + 1]
            index += 2
        elif isinstance(layer, nn.LeakyReLU):
            x = tf.where(x > 0, x, layer.alpha * x)
        elif isinstance(layer, nn.ReLU):
            x = tf.maximum(x, tf.zeros_like(x))
        elif isinstance(layer, nn.Sigmoid):
            x = 1 / (1 + tf.exp(-x))
        else:
            raise AssertionError(f"no TensorFlow twin for {layer!r}")
        outputs.append(x)
    return outputs


def tape_reference(ns, networks, x, eps, z_p):
    """Each network's gradient of its objective, written independently of the notebook."""
    latent, layer_l, gamma = ns["latent_dim"], ns["LAYER_L"], ns["gamma"]
    variables = {k: [tf.Variable(p) for p in net.params] for k, net in networks.items()}

    def xent(logits, target):  # mean binary cross-entropy of sigmoid(logits)
        return tf.reduce_mean(tf.nn.softplus(logits) - target * logits)

    with tf.GradientTape(persistent=True) as tape:
        codes = tf_layer_outputs(networks["encoder"], variables["encoder"], x)[-1]
        mu, logvar = codes[:, :latent], codes[:, latent:]
        z = mu + tf.sqrt(tf.exp(logvar)) * eps
        x_rec = tf_layer_outputs(networks["decoder"], variables["decoder"], z)[-1]
        x_p = tf_layer_outputs(networks["decoder"], variables["decoder"], z_p)[-1]
        d = [tf_layer_outputs(networks["discriminator"], variables["discriminator"], v)
             for v in (x, x_rec, x_p)]
        kl = tf.reduce_mean(tf.reduce_sum(0.5 * (mu**2 + tf.exp(logvar) - 1 - logvar), axis=1))
        llike = tf.reduce_mean(0.5 * tf.reduce_sum(tf.square(d[0][layer_l] - d[1][layer_l]), 1))
        gan = xent(d[0][-1], 1.0) + xent(d[1][-1], 0.0) + xent(d[2][-1], 0.0)
        fool = xent(d[1][-1], 1.0) + xent(d[2][-1], 1.0)
        objectives = {"encoder": kl + llike, "decoder": gamma * llike + fool,
                      "discriminator": gan}
    grads = {k: tape.gradient(objectives[k], variables[k]) for k in networks}
    values = {"l_prior": kl, "l_llike": llike, "l_gan": gan, "dec_gan": fool}
    return {k: float(v) for k, v in values.items()}, grads


@pytest.mark.parametrize("feature_layer,gamma", [(1, 1.0), (2, 0.3)])
def test_notebook_step_matches_gradient_tape(feature_layer, gamma):
    ns = notebooks.definitions("07_numpy_vae_gan", encoder_hidden=(24, 12),
                               decoder_hidden=(12, 24), discriminator_hidden=(20, 10),
                               latent_dim=3, feature_layer=feature_layer, gamma=gamma)
    networks = ns["build_networks"](np.float64)
    assert networks["encoder"].layers[0].W.shape == (784, 24)
    assert networks["discriminator"].layers[-1].W.shape == (10, 1)
    rng = np.random.default_rng(1)
    for network in networks.values():  # non-zero biases, so their gradients are tested too
        for layer in network.layers:
            if isinstance(layer, nn.Dense):
                layer.b[:] = 0.1 * rng.standard_normal(layer.b.shape)
    x = rng.uniform(0, 1, (6, 784))
    eps, z_p = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    losses, grads = ns["gradients"](networks, x, eps, z_p)
    values, expected = tape_reference(ns, networks, x, eps, z_p)
    for key, value in values.items():
        assert losses[key] == pytest.approx(value, rel=1e-12)
    for name in networks:
        assert len(grads[name]) == len(expected[name]) == len(networks[name].params)
        for index, (ours, theirs) in enumerate(zip(grads[name], expected[name], strict=True)):
            assert theirs is not None, f"{name}[{index}] gets no gradient from its objective"
            error = nn.relative_error(ours, theirs.numpy())
            assert error < TOLERANCE, f"{name}[{index}]: relative error {error:.1e}"


def test_notebook_train_step_changes_every_network_and_is_repeatable():
    ns = notebooks.definitions("07_numpy_vae_gan", encoder_hidden=(16, 8),
                               decoder_hidden=(8, 16), discriminator_hidden=(16, 8),
                               latent_dim=2)
    x = np.random.default_rng(2).uniform(0, 1, (8, 784)).astype(np.float32)
    runs = []
    for _ in range(2):
        networks = ns["build_networks"]()
        before = {k: [p.copy() for p in net.params] for k, net in networks.items()}
        optimizers = ns["make_optimizers"](networks)
        losses = [ns["train_step"](networks, optimizers, x, np.random.default_rng(3))
                  for _ in range(3)]
        for name, network in networks.items():
            assert all(not np.array_equal(a, b)
                       for a, b in zip(before[name], network.params, strict=True)), name
        runs.append(losses)
    assert runs[0] == runs[1]


# --- bad inputs ----------------------------------------------------------------------------

def test_bad_layer_arguments_are_refused(rng):
    with pytest.raises(ValueError, match="init must be 'he'"):
        nn.Dense(3, 2, rng, init="xavier")
    with pytest.raises(ValueError, match="n_out must be a positive integer"):
        nn.Dense(3, 0, rng)
    with pytest.raises(ValueError, match="numpy.random.Generator"):
        nn.Dense(3, 2, np.random.RandomState(0))
    with pytest.raises(ValueError, match="dtype must be np.float32 or np.float64"):
        nn.Dense(3, 2, rng, dtype=np.int32)
    with pytest.raises(ValueError, match="expects inputs with 3 columns"):
        nn.Dense(3, 2, rng).forward(np.zeros((4, 5), dtype=np.float32))
    with pytest.raises(ValueError, match=r"alpha must be a number in \[0, 1\)"):
        nn.LeakyReLU(1.5)
    with pytest.raises(ValueError, match="non-empty list of layers"):
        nn.Sequential([])
    with pytest.raises(ValueError, match="non-empty list of layers"):
        nn.Sequential(["not a layer"])


def test_bad_network_inputs_and_gradients_are_refused(rng):
    net = nn.Sequential([nn.Dense(3, 2, rng), nn.ReLU()])
    with pytest.raises(ValueError, match="must be float32 or float64, got int64"):
        net.forward(np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(ValueError, match="must be a NumPy array"):
        net.forward([[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="must be 2-D"):
        net.forward(np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.forward(np.full((2, 3), np.nan, dtype=np.float32))
    y, trace = net.forward(np.ones((2, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="grad_out and the network's output"):
        net.backward(np.ones((2, 5), dtype=np.float32), trace)
    with pytest.raises(ValueError, match="needs grad_out or taps"):
        net.backward(None, trace)
    with pytest.raises(ValueError, match="keyed by layer index 0..1"):
        net.backward(None, trace, taps={5: y})
    with pytest.raises(ValueError, match="the Trace that this network's forward returned"):
        net.backward(y, "cache")


def test_bad_loss_inputs_are_refused():
    a, b = np.zeros((2, 3)), np.zeros((2, 4))
    with pytest.raises(ValueError, match="mu and logvar must have the same shape"):
        nn.kl_standard_normal(a, b)
    with pytest.raises(ValueError, match="f_real and f_fake must have the same shape"):
        nn.feature_distance(a, b)
    with pytest.raises(ValueError, match=r"logits must have shape \(N, 1\)"):
        nn.bce_with_logits(a, 1.0)
    with pytest.raises(ValueError, match=r"target must lie in \[0, 1\]"):
        nn.bce_with_logits(np.zeros((2, 1)), 2.0)
    with pytest.raises(ValueError, match="target must be a number or have the logits' shape"):
        nn.bce_with_logits(np.zeros((2, 1)), np.zeros(3))
    with pytest.raises(ValueError, match="mu and eps must have the same shape"):
        nn.reparameterize(a, a, b)


def test_bad_optimizer_and_check_arguments_are_refused():
    p = np.zeros(3)
    with pytest.raises(ValueError, match="non-empty list of float arrays"):
        nn.Adam([])
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        nn.Adam([p], learning_rate=0)
    with pytest.raises(ValueError, match=r"beta_1 must be a number in \[0, 1\)"):
        nn.Adam([p], beta_1=1.0)
    adam = nn.Adam([p])
    with pytest.raises(ValueError, match="got 2 gradients for 1 parameters"):
        adam.step([p, p])
    with pytest.raises(ValueError, match="gradient 0 and its parameter must have the same shape"):
        adam.step([np.zeros(4)])
    with pytest.raises(ValueError, match="needs a float64 array"):
        nn.numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="the two gradients must have the same shape"):
        nn.relative_error(np.zeros(2), np.zeros(3))
