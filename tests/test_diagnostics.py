"""Per-layer diagnostics: recorded z and δ against hand-written recursions and finite differences."""
import numpy as np
import pytest

from nnlib import activations, diagnostics, losses
from nnlib.gradcheck import numerical_gradient, relative_error
from nnlib.layers import Dense, Dropout, ReLU, Sigmoid, Tanh
from nnlib.model import Sequential


def deep_net(rng, activation=Sigmoid, sizes=(5, 7, 6, 4, 3)):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Dense(n_in, n_out, rng=rng, init="glorot_normal"))
        if i < len(sizes) - 2:
            layers.append(activation())
    return Sequential(layers)


def test_pre_activations_match_a_hand_forward(rng):
    model = deep_net(rng)
    x = rng.standard_normal((8, 5))
    out, zs = diagnostics.pre_activations(model, x)
    assert np.allclose(out, model.forward(x))
    a = x
    dense = diagnostics.dense_layers(model)
    assert len(zs) == len(dense) == 4
    for l, layer in enumerate(dense):
        z = a @ layer.params["W"] + layer.params["b"]
        assert np.allclose(zs[l], z)
        a = activations.sigmoid(z)


@pytest.mark.parametrize("activation,grad", [(Sigmoid, activations.sigmoid_grad),
                                             (Tanh, activations.tanh_grad)])
def test_deltas_follow_the_backward_recursion(rng, activation, grad):
    model = deep_net(rng, activation)
    x = rng.standard_normal((8, 5))
    y = rng.integers(0, 3, size=8)
    out, zs = diagnostics.pre_activations(model, x)
    deltas = diagnostics.backward_deltas(model, losses.softmax_cross_entropy_grad(out, y))
    dense = diagnostics.dense_layers(model)
    assert [d.shape for d in deltas] == [z.shape for z in zs]
    assert np.allclose(deltas[-1], losses.softmax_cross_entropy_grad(out, y))
    for l in range(len(dense) - 1):  # delta^l = (delta^{l+1} W^{l+1 T}) * phi'(z^l)
        expected = (deltas[l + 1] @ dense[l + 1].params["W"].T) * grad(zs[l])
        assert np.allclose(deltas[l], expected, rtol=1e-12, atol=1e-15)
        # the bias gradient is the batch sum of delta
        assert np.allclose(dense[l].grads["b"], deltas[l].sum(axis=0))


def test_deltas_agree_with_finite_differences(rng):
    model = deep_net(rng, Tanh, sizes=(3, 4, 4, 2))
    x = rng.standard_normal((5, 3))
    y = rng.integers(0, 2, size=5)
    out, _ = diagnostics.pre_activations(model, x)
    diagnostics.backward_deltas(model, losses.softmax_cross_entropy_grad(out, y))
    for layer in diagnostics.dense_layers(model):
        W = layer.params["W"]
        numeric = numerical_gradient(lambda _: losses.softmax_cross_entropy(model.forward(x), y), W)
        assert relative_error(layer.grads["W"], numeric) < 1e-7


def test_other_layers_between_dense_layers_are_run(rng):
    model = Sequential([Dense(4, 6, rng=rng), ReLU(), Dropout(0.5, rng=rng), Dense(6, 2, rng=rng)])
    x = rng.standard_normal((10, 4))
    out, zs = diagnostics.pre_activations(model, x, training=True)
    mask = model.layers[2].mask
    assert mask is not None
    deltas = diagnostics.backward_deltas(model, np.ones_like(out))
    expected = (np.ones_like(out) @ model.layers[3].params["W"].T) * mask * (zs[0] > 0)
    assert np.allclose(deltas[0], expected)


def test_weight_grad_norms_and_relative_change(rng):
    model = deep_net(rng)
    x = rng.standard_normal((8, 5))
    out, _ = diagnostics.pre_activations(model, x)
    diagnostics.backward_deltas(model, np.ones_like(out))
    norms = diagnostics.weight_grad_norms(model)
    dense = diagnostics.dense_layers(model)
    assert norms.shape == (4,) and norms.dtype == np.float64
    assert np.allclose(norms, [np.linalg.norm(layer.grads["W"]) for layer in dense])

    before = diagnostics.weight_snapshot(model)
    assert np.array_equal(diagnostics.relative_weight_change(before, model), np.zeros(4))
    dense[1].params["W"] *= 1.5  # moves by half its own size
    change = diagnostics.relative_weight_change(before, model)
    assert np.allclose(change, [0.0, 0.5, 0.0, 0.0])
    assert before[1] is not dense[1].params["W"]


def test_bad_input_names_the_problem(rng):
    with pytest.raises(ValueError, match="Sequential"):
        diagnostics.weight_grad_norms([Dense(2, 2, rng=rng)])
    with pytest.raises(ValueError, match="Dense"):
        diagnostics.dense_layers(Sequential([Sigmoid(), Tanh()]))
    model = deep_net(rng)
    before = diagnostics.weight_snapshot(model)
    with pytest.raises(ValueError, match="list of 4 arrays"):
        diagnostics.relative_weight_change(before[:2], model)
    before[2] = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"before\[2\] of shape \(6, 4\)"):
        diagnostics.relative_weight_change(before, model)
    before[2] = np.zeros((6, 4))
    with pytest.raises(ValueError, match="non-zero"):
        diagnostics.relative_weight_change(before, model)
