"""AdamW (decoupled weight decay, chapter 09) against steps worked out by hand.

The expected numbers come from the update rule written as scalar arithmetic, never from nnlib.
The decoupling is shown by what it promises: the decay removes the fraction eta*lambda of every
decayed weight per step, whatever the size of the data gradient, while Adam + L2 does not.
"""
import math

import numpy as np
import pytest

from nnlib import io, optimizers as opt, schedules
from nnlib.layers import Dense, Tanh
from nnlib.model import Sequential
from nnlib.train import fit


def adam_by_hand(theta, grads, lr, weight_decay, beta1=0.9, beta2=0.999, eps=1e-8):
    """Scalar AdamW: theta <- (1 - lr wd) theta - lr m_hat / (sqrt(v_hat) + eps); returns the path."""
    m = v = 0.0
    path = []
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        theta = (1 - lr * weight_decay) * theta - lr * m_hat / (math.sqrt(v_hat) + eps)
        path.append(theta)
    return path


def test_two_steps_by_hand():
    # step 1: m_hat = g = 2, v_hat = 4, so the Adam part is lr * 2 / (2 + 1e-8);
    # theta = (1 - 0.1 * 0.5) * 1.5 - 0.1 * 2 / (2 + 1e-8) = 1.425 - 0.1 (1 - 5e-9)
    o = opt.AdamW(0.1, weight_decay=0.5)
    params = {"w": np.array([1.5])}
    state = o.init(params)
    o.update(params, {"w": np.array([2.0])}, state)
    assert params["w"][0] == pytest.approx(1.425 - 0.1 * 2 / (2 + 1e-8), rel=1e-15)
    o.update(params, {"w": np.array([-1.0])}, state)
    # step 2 by the scalar rule
    expected = adam_by_hand(1.5, [2.0, -1.0], 0.1, 0.5)
    assert params["w"][0] == pytest.approx(expected[1], rel=1e-14)
    assert state["step"] == 2


def test_many_steps_match_the_scalar_rule_entry_by_entry():
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(20, 3)) * [1e-3, 1.0, 1e3]
    theta0 = np.array([0.5, -2.0, 3.0])
    o = opt.AdamW(0.01, weight_decay=0.1)
    params = {"w": theta0.copy()}
    state = o.init(params)
    for g in grads:
        o.update(params, {"w": g.copy()}, state)
    expected = [adam_by_hand(theta0[i], grads[:, i], 0.01, 0.1)[-1] for i in range(3)]
    np.testing.assert_allclose(params["w"], expected, rtol=1e-13)


def test_zero_weight_decay_is_adam_exactly():
    rng = np.random.default_rng(1)
    pa, pw = {"w": rng.normal(size=(3, 2))}, {}
    pw["w"] = pa["w"].copy()
    adam, adamw = opt.Adam(0.01), opt.AdamW(0.01, weight_decay=0.0)
    sa, sw = adam.init(pa), adamw.init(pw)
    for _ in range(10):
        g = rng.normal(size=(3, 2))
        adam.update(pa, {"w": g}, sa)
        adamw.update(pw, {"w": g.copy()}, sw)
    np.testing.assert_array_equal(pw["w"], pa["w"])


@pytest.mark.parametrize("grad_scale", [1e-3, 1.0, 1e3])
def test_decay_does_not_depend_on_the_gradient_scale(grad_scale):
    """AdamW minus Adam on the same gradients, after one step, is -eta*lambda*theta for every
    gradient scale; Adam + L2 (gradient g + lambda theta) shrinks by an amount that depends on it."""
    lr, wd = 0.01, 0.1
    theta0 = np.array([2.0, -1.0, 0.5])
    g = grad_scale * np.array([1.0, 0.3, -2.0])
    adamw, adam = opt.AdamW(lr, weight_decay=wd), opt.Adam(lr)
    pw, pa = {"w": theta0.copy()}, {"w": theta0.copy()}
    adamw.update(pw, {"w": g.copy()}, adamw.init(pw))
    adam.update(pa, {"w": g.copy()}, adam.init(pa))
    np.testing.assert_allclose(pw["w"] - pa["w"], -lr * wd * theta0, rtol=1e-10, atol=1e-15)


def test_adam_with_l2_decays_by_the_gradient_scale_adamw_does_not():
    """Two weights, both 1.0, whose data gradients are noise of very different sizes (+s, -s, +s, ...;
    s = 100 and 0.01), so the data alone hardly move them. Under Adam + L2 the penalty's gradient
    lambda*theta is divided by sqrt(v_hat) ~ s: the weight with the large gradients hardly decays, the
    other one decays fast. Under AdamW both decay by the same factor (1 - eta lambda) per step."""
    lr, wd, steps = 0.01, 0.5, 200
    theta0 = np.array([1.0, 1.0])
    noise = np.array([100.0, 0.01])
    signs = [(-1.0) ** t for t in range(steps)]

    def run(optimizer, l2):
        params = {"w": theta0.copy()}
        state = optimizer.init(params)
        for sign in signs:
            optimizer.update(params, {"w": sign * noise + (wd * params["w"] if l2 else 0.0)}, state)
        return params["w"]

    w_plain = run(opt.Adam(lr), l2=False)
    w_decoupled = run(opt.AdamW(lr, weight_decay=wd), l2=False)
    w_l2 = run(opt.Adam(lr), l2=True)
    expected = [adam_by_hand(theta0[i], [sign * noise[i] for sign in signs], lr, wd)[-1] for i in range(2)]
    np.testing.assert_allclose(w_decoupled, expected, rtol=1e-12)
    assert np.all(np.abs(w_plain - theta0) < 0.05), "the noise alone should hardly move the weights"
    factor = (1 - lr * wd) ** steps                       # 0.367
    # AdamW: each weight is its plain-Adam value scaled by about the common factor
    np.testing.assert_allclose(w_decoupled, factor * w_plain, rtol=0.05)
    # Adam + L2: the large-gradient weight keeps almost all of its size, the small-gradient one loses it
    assert w_l2[0] > 0.95 * w_plain[0]
    assert abs(w_l2[1]) < 0.1


def test_pure_decay_follows_the_factor_and_spares_keys_not_listed():
    lr, wd = 0.1, 0.2
    o = opt.AdamW(lr, weight_decay=wd, decay_keys=["0.W"])
    params = {"0.W": np.array([[3.0, -0.5]]), "0.b": np.array([0.7])}
    state = o.init(params)
    zero = {k: np.zeros_like(p) for k, p in params.items()}
    for _ in range(25):
        o.update(params, zero, state)
    np.testing.assert_allclose(params["0.W"], (1 - lr * wd) ** 25 * np.array([[3.0, -0.5]]), rtol=1e-13)
    np.testing.assert_array_equal(params["0.b"], [0.7])


def test_the_decay_factor_follows_a_schedule():
    schedule = schedules.ExponentialDecay(0.1, 0.5)
    o = opt.AdamW(schedule, weight_decay=1.0)
    params = {"w": np.array([1.0])}
    state = o.init(params)
    for _ in range(3):
        o.update(params, {"w": np.zeros(1)}, state)
    # rates 0.1, 0.05, 0.025 for steps 0, 1, 2
    assert params["w"][0] == pytest.approx(0.9 * 0.95 * 0.975, rel=1e-14)


def test_dtype_is_kept():
    o = opt.AdamW(0.01, weight_decay=0.1)
    params = {"w": np.ones((2, 2), dtype=np.float32)}
    state = o.init(params)
    o.update(params, {"w": np.ones((2, 2), dtype=np.float32)}, state)
    assert params["w"].dtype == np.float32


@pytest.mark.parametrize("kwargs, message", [
    ({"weight_decay": -0.1}, "weight_decay >= 0"),
    ({"weight_decay": float("nan")}, "weight_decay >= 0"),
    ({"learning_rate": 0.5, "weight_decay": 2.0}, "learning_rate \\* weight_decay < 1"),
    ({"decay_keys": "0.W"}, "decay_keys"),
    ({"decay_keys": [0]}, "decay_keys"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        opt.AdamW(**kwargs)


def test_unknown_decay_key_and_a_schedule_that_reaches_the_limit_are_refused():
    o = opt.AdamW(0.01, decay_keys=["2.W"])
    params = {"0.W": np.ones(2)}
    with pytest.raises(ValueError, match=r"decay_keys \['2.W'\]"):
        o.update(params, {"0.W": np.ones(2)}, o.init(params))
    o = opt.AdamW(schedules.ExponentialDecay(0.6, 1.0), weight_decay=2.0)  # 0.6 * 2 >= 1
    with pytest.raises(ValueError, match="learning_rate \\* weight_decay < 1"):
        o.update(params, {"0.W": np.ones(2)}, o.init(params))


def test_saved_and_loaded_with_its_state(tmp_path):
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(16, 3)), rng.integers(0, 2, size=16)
    model = Sequential([Dense(3, 4, rng=rng), Tanh(), Dense(4, 2, rng=rng)])
    o = opt.AdamW(0.01, weight_decay=0.05, decay_keys=["0.W", "2.W"])
    history = fit(model, "softmax_cross_entropy", o, X, y, epochs=2, batch_size=8, rng=rng, progress=False)
    io.save_model(tmp_path / "m.npz", model, optimizer=o, opt_state=history.state)
    _, loaded, state, _ = io.load_model(tmp_path / "m.npz")
    assert type(loaded) is opt.AdamW and loaded.config() == o.config()
    assert state["step"] == history.state["step"]
    assert all(np.array_equal(state["m"][k], history.state["m"][k]) for k in model.params)
