"""Optimizers and learning-rate schedules against hand-worked updates (chapter 08).

The expected numbers are worked out here, from the update rules written as scalar
arithmetic (or from an equivalent formulation), never read back from nnlib.
Most problems are the quadratic C(θ) = ½ Σ c_i θ_i², whose gradient is g = c ⊙ θ.
"""
import io
import json
import math

import numpy as np
import pytest

from nnlib import optimizers as opt
from nnlib import schedules as sch


def run(optimizer, theta0, c, steps):
    """Minimize ½ Σ c θ² with ``optimizer`` from ``theta0``; returns the list of θ after each step."""
    params = {"w": np.array(theta0, dtype=float)}
    w = params["w"]
    state = optimizer.init(params)
    path = []
    for _ in range(steps):
        state = optimizer.update(params, {"w": np.asarray(c) * params["w"]}, state)
        assert params["w"] is w  # updated in place
        path.append(params["w"].copy())
    assert state["step"] == steps
    return path


# ---------------------------------------------------------------- update rules by hand

def test_plain_sgd_by_hand():
    path = run(opt.SGD(0.1), [1.0, -2.0], [1.0, 3.0], 3)
    # θ ← θ - 0.1 c θ = (1 - 0.1 c) θ: the factors are 0.9 and 0.7
    np.testing.assert_allclose(path, [[0.9, -1.4], [0.81, -0.98], [0.729, -0.686]], rtol=1e-14)


def test_momentum_by_hand_and_as_heavy_ball():
    path = [p[0] for p in run(opt.SGD(0.1, momentum=0.9), [1.0], [1.0], 3)]
    # v1 = 0.1·1 = 0.1,            θ1 = 1 - 0.1 = 0.9
    # v2 = 0.9·0.1 + 0.1·0.9 = 0.18, θ2 = 0.9 - 0.18 = 0.72
    # v3 = 0.9·0.18 + 0.1·0.72 = 0.234, θ3 = 0.72 - 0.234 = 0.486
    np.testing.assert_allclose(path, [0.9, 0.72, 0.486], rtol=1e-14)
    # the same rule as a heavy ball: θ_{t+1} = θ_t - η g_t + μ (θ_t - θ_{t-1})
    c, eta, mu = np.array([2.0, 0.5]), 0.05, 0.8
    prev, theta, ball = None, np.array([1.0, -3.0]), []
    for _ in range(6):
        nxt = theta - eta * c * theta + (0 if prev is None else mu * (theta - prev))
        prev, theta = theta, nxt
        ball.append(theta)
    np.testing.assert_allclose(run(opt.SGD(eta, momentum=mu), [1.0, -3.0], c, 6), ball, rtol=1e-12)


def test_nesterov_by_hand_and_against_the_look_ahead_form():
    path = [p[0] for p in run(opt.SGD(0.1, momentum=0.9, nesterov=True), [1.0], [1.0], 2)]
    # v1 = 0.1, θ1 = 1 - (0.9·0.1 + 0.1·1) = 0.81
    # v2 = 0.9·0.1 + 0.1·0.81 = 0.171, θ2 = 0.81 - (0.9·0.171 + 0.1·0.81) = 0.5751
    np.testing.assert_allclose(path, [0.81, 0.5751], rtol=1e-14)
    # Sutskever et al.: u ← μu - η∇C(θ + μu), θ ← θ + u. The stored parameters of the
    # rewritten rule are the look-ahead points θ + μu.
    c, eta, mu = np.array([2.0, 0.5]), 0.05, 0.8
    theta, u, look_ahead = np.array([1.0, -3.0]), np.zeros(2), []
    for _ in range(6):
        u = mu * u - eta * c * (theta + mu * u)
        theta = theta + u
        look_ahead.append(theta + mu * u)
    np.testing.assert_allclose(run(opt.SGD(eta, momentum=mu, nesterov=True), [1.0, -3.0], c, 6),
                               look_ahead, rtol=1e-12)


def test_adagrad_by_hand():
    path = run(opt.AdaGrad(0.5, eps=1e-8), [1.0, -4.0], [1.0, 1.0], 2)
    # step 1: G = g² = [1, 16]; θ -= 0.5 g / √G = 0.5 sign(g)  ->  [0.5, -3.5]
    # step 2: g = [0.5, -3.5]; G = [1.25, 28.25]; θ -= 0.5 g / √G
    expected2 = [0.5 - 0.5 * 0.5 / math.sqrt(1.25), -3.5 + 0.5 * 3.5 / math.sqrt(28.25)]
    np.testing.assert_allclose(path, [[0.5, -3.5], expected2], rtol=1e-7)
    np.testing.assert_allclose(expected2, [0.2763932, -3.1707475], rtol=1e-7)


def test_rmsprop_by_hand():
    path = run(opt.RMSProp(0.01, rho=0.9, eps=1e-8), [1.0, -4.0], [1.0, 1.0], 3)
    # step 1: s = 0.1 g², so θ moves by 0.01 g / (√0.1 |g|) = 0.01 / √0.1 ≈ 0.0316228 per entry
    np.testing.assert_allclose(path[0], [1 - 0.0316228, -4 + 0.0316228], rtol=1e-6)
    expected = []
    for theta in (1.0, -4.0):  # the rule as scalar arithmetic, one coordinate at a time
        s, col = 0.0, []
        for _ in range(3):
            g = theta
            s = 0.9 * s + 0.1 * g * g
            theta = theta - 0.01 * g / (math.sqrt(s) + 1e-8)
            col.append(theta)
        expected.append(col)
    np.testing.assert_allclose(path, np.array(expected).T, rtol=1e-12)


def test_adam_by_hand():
    path = run(opt.Adam(0.1), [1.0, -4.0], [1.0, 1.0], 3)
    # step 1: m̂ = g and v̂ = g², so θ moves by 0.1 g / |g| = 0.1 sign(g)
    np.testing.assert_allclose(path[0], [0.9, -3.9], rtol=1e-7)
    expected = []
    for theta in (1.0, -4.0):
        m = v = 0.0
        col = []
        for t in (1, 2, 3):
            g = theta
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            theta = theta - 0.1 * (m / (1 - 0.9 ** t)) / (math.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
            col.append(theta)
        expected.append(col)
    np.testing.assert_allclose(path, np.array(expected).T, rtol=1e-12)


def test_adam_bias_correction_makes_a_constant_gradient_move_eta_per_step():
    """With g constant, m_t = (1 - β1^t) g and v_t = (1 - β2^t) g², so m̂ = g and v̂ = g²."""
    g = np.array([0.3, -2.0, 1e-3])
    params = {"w": np.array([0.5, -1.0, 2.0])}
    adam = opt.Adam(0.01)
    state = adam.init(params)
    for _ in range(5):
        state = adam.update(params, {"w": g}, state)
    expected = np.array([0.5, -1.0, 2.0]) - 5 * 0.01 * g / (np.abs(g) + 1e-8)
    np.testing.assert_allclose(params["w"], expected, rtol=1e-10)


# ---------------------------------------------------------------- schedules

def test_schedules_by_hand():
    inv = sch.InverseTimeDecay(1.0, decay_rate=0.5)
    assert [inv(t) for t in (0, 1, 2, 6)] == pytest.approx([1.0, 1 / 1.5, 0.5, 0.25])
    step = sch.StepDecay(1.0, gamma=0.1, step_size=3)
    assert [step(t) for t in (0, 2, 3, 5, 6)] == pytest.approx([1.0, 1.0, 0.1, 0.1, 0.01])
    exp = sch.ExponentialDecay(2.0, gamma=0.5)
    assert [exp(t) for t in (0, 1, 3)] == pytest.approx([2.0, 1.0, 0.25])


def test_warmup_cosine_by_hand():
    sched = sch.WarmupCosine(1.0, decay_steps=4, min_learning_rate=0.2, warmup_steps=2)
    # warm-up 1/2, 2/2; cosine 0.2 + 0.4 (1 + cos(pi s / 4)) for s = 0..4; then the floor
    half = 0.4 * (1 + np.cos(np.pi / 4))
    expected = [0.5, 1.0, 1.0, 0.2 + half, 0.6, 0.2 + 0.8 - half, 0.2, 0.2, 0.2]
    assert [sched(t) for t in range(9)] == pytest.approx(expected, rel=1e-14)
    plain = sch.WarmupCosine(0.3, decay_steps=10)  # no warm-up: starts at the maximum
    assert plain(0) == 0.3 and plain(5) == pytest.approx(0.15) and plain(10) == 0.0 and plain(99) == 0.0


def test_inverse_time_and_exponential_decay_are_different_schedules():
    # both halve the rate after 10 steps, then 1/t falls far more slowly
    inv = sch.InverseTimeDecay(1.0, decay_rate=0.1)
    exp = sch.ExponentialDecay(1.0, gamma=0.5 ** (1 / 10))
    assert inv(10) == pytest.approx(0.5) and exp(10) == pytest.approx(0.5)
    assert inv(100) == pytest.approx(1 / 11) and exp(100) == pytest.approx(0.5 ** 10)


def test_optimizer_calls_its_schedule_with_the_step_count_from_zero():
    path = run(opt.SGD(sch.InverseTimeDecay(0.1, 1.0)), [1.0], [0.0], 1)  # g = 0: nothing moves
    assert path[0][0] == 1.0
    params = {"w": np.array([1.0])}
    sgd = opt.SGD(sch.InverseTimeDecay(0.1, 1.0))
    state = sgd.init(params)
    for _ in range(3):
        state = sgd.update(params, {"w": np.array([1.0])}, state)
    # rates 0.1 / (1 + t) for t = 0, 1, 2
    assert params["w"][0] == pytest.approx(1 - 0.1 - 0.05 - 0.1 / 3, rel=1e-14)


@pytest.mark.parametrize("call, match", [
    (lambda: sch.InverseTimeDecay(0.0, 0.1), r"InverseTimeDecay expected initial_learning_rate > 0, got 0.0"),
    (lambda: sch.InverseTimeDecay(0.1, -1.0), r"InverseTimeDecay expected decay_rate >= 0, got -1.0"),
    (lambda: sch.StepDecay(0.1, 0.0, 5), r"StepDecay expected gamma in \(0, 1\], got 0.0"),
    (lambda: sch.StepDecay(0.1, 0.5, 0), r"StepDecay expected step_size to be a positive integer, got 0"),
    (lambda: sch.ExponentialDecay(0.1, 1.5), r"ExponentialDecay expected gamma in \(0, 1\], got 1.5"),
    (lambda: sch.ExponentialDecay(0.1, 0.9)(-1), r"ExponentialDecay expected step to be an integer >= 0, got -1"),
    (lambda: sch.StepDecay(0.1, 0.9, 2)(1.5), r"StepDecay expected step to be an integer >= 0, got 1.5"),
    (lambda: sch.WarmupCosine(0.0, 10), r"WarmupCosine expected max_learning_rate > 0, got 0.0"),
    (lambda: sch.WarmupCosine(0.1, 0), r"WarmupCosine expected decay_steps to be an integer >= 1, got 0"),
    (lambda: sch.WarmupCosine(0.1, 10, min_learning_rate=0.2),
     r"WarmupCosine expected min_learning_rate in \[0, max_learning_rate = 0.1\], got 0.2"),
    (lambda: sch.WarmupCosine(0.1, 10, warmup_steps=-1), r"WarmupCosine expected warmup_steps to be an integer >= 0, got -1"),
    (lambda: sch.WarmupCosine(0.1, 10, warmup_steps=2.5), r"WarmupCosine expected warmup_steps to be an integer >= 0, got 2.5"),
])
def test_schedules_reject_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("name", sorted(sch.SCHEDULES))
def test_schedule_config_round_trips_through_json(name):
    made = {"InverseTimeDecay": sch.InverseTimeDecay(0.1, 0.01), "StepDecay": sch.StepDecay(0.1, 0.5, 4),
            "ExponentialDecay": sch.ExponentialDecay(0.1, 0.99),
            "WarmupCosine": sch.WarmupCosine(0.1, 6, min_learning_rate=0.01, warmup_steps=3)}[name]
    again = sch.SCHEDULES[name](**json.loads(json.dumps(made.config())))
    assert [again(t) for t in range(10)] == [made(t) for t in range(10)]


# ---------------------------------------------------------------- state is data, dtype kept

ALL = [
    lambda: opt.SGD(0.05),
    lambda: opt.SGD(0.05, momentum=0.9, nesterov=True),
    lambda: opt.AdaGrad(0.05),
    lambda: opt.RMSProp(0.01),
    lambda: opt.Adam(sch.ExponentialDecay(0.01, 0.9)),
]


def model_like(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return {"0.W": rng.standard_normal((3, 4)).astype(dtype), "0.b": np.zeros(4, dtype),
            "2.W": rng.standard_normal((4, 2)).astype(dtype)}


def fake_grads(params, t):
    # deterministic gradients that change from step to step
    return {k: (np.cos(np.arange(v.size) + t) * (1 + v.ravel() ** 2)).reshape(v.shape).astype(v.dtype)
            for k, v in params.items()}


def save_state(state):
    """Arrays into an .npz (no pickle), the step into JSON."""
    buf = io.BytesIO()
    np.savez(buf, **{f"{slot}/{k}": a for slot, d in state.items() if slot != "step" for k, a in d.items()})
    return buf.getvalue(), json.dumps({"step": state["step"]})


def load_state(blob, meta):
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        state = json.loads(meta)
        for name in npz.files:
            slot, key = name.split("/", 1)
            state.setdefault(slot, {})[key] = npz[name]
    return state


@pytest.mark.parametrize("make", ALL)
def test_state_saved_and_loaded_resumes_bit_identically(make):
    optimizer = make()
    params = model_like(np.float64)
    state = optimizer.init(params)
    assert isinstance(state["step"], int)
    assert all(isinstance(a, np.ndarray) for k, d in state.items() if k != "step" for a in d.values())
    for t in range(3):
        state = optimizer.update(params, fake_grads(params, t), state)
    blob, meta = save_state(state)
    resumed_params = {k: v.copy() for k, v in params.items()}
    resumed_state = load_state(blob, meta)
    resumed_opt = opt.OPTIMIZERS[type(optimizer).__name__](**json.loads(json.dumps(optimizer.config())))
    for t in range(3, 6):
        state = optimizer.update(params, fake_grads(params, t), state)
        resumed_state = resumed_opt.update(resumed_params, fake_grads(resumed_params, t), resumed_state)
    for k in params:
        assert np.array_equal(params[k], resumed_params[k])


@pytest.mark.parametrize("make", ALL)
def test_float32_params_and_state_stay_float32(make):
    optimizer = make()
    params = model_like(np.float32)
    objects = {k: id(v) for k, v in params.items()}
    state = optimizer.init(params)
    for t in range(3):
        state = optimizer.update(params, fake_grads(params, t), state)
    for k, v in params.items():
        assert v.dtype == np.float32 and id(v) == objects[k]
    for slot, d in state.items():
        if slot != "step":
            assert all(a.dtype == np.float32 for a in d.values())


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, match", [
    (lambda: opt.SGD(0), r"SGD expected learning_rate > 0, got 0"),
    (lambda: opt.SGD(-0.1), r"SGD expected learning_rate > 0, got -0.1"),
    (lambda: opt.SGD(float("nan")), r"SGD expected learning_rate > 0, got nan"),
    (lambda: opt.SGD("0.1"), r"SGD expected learning_rate > 0, got '0.1'"),
    (lambda: opt.SGD(0.1, momentum=1.0), r"SGD expected momentum in \[0, 1\), got 1.0"),
    (lambda: opt.SGD(0.1, momentum=-0.5), r"SGD expected momentum in \[0, 1\), got -0.5"),
    (lambda: opt.SGD(0.1, nesterov=True), r"SGD expected momentum > 0 with nesterov=True, got momentum=0"),
    (lambda: opt.AdaGrad(0.1, eps=0.0), r"AdaGrad expected eps > 0, got 0.0"),
    (lambda: opt.RMSProp(rho=1.0), r"RMSProp expected rho in \[0, 1\), got 1.0"),
    (lambda: opt.RMSProp(learning_rate=-1e-3), r"RMSProp expected learning_rate > 0, got -0.001"),
    (lambda: opt.Adam(beta1=1.0), r"Adam expected beta1 in \[0, 1\), got 1.0"),
    (lambda: opt.Adam(beta2=-0.1), r"Adam expected beta2 in \[0, 1\), got -0.1"),
    (lambda: opt.Adam(learning_rate=0.0), r"Adam expected learning_rate > 0, got 0.0"),
    (lambda: opt.Adam(learning_rate={"name": "Cosine", "config": {}}), r"Adam expected learning_rate as"),
])
def test_bad_hyperparameters_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_update_names_a_missing_misshaped_or_non_finite_gradient():
    params = model_like(np.float64)
    adam = opt.Adam()
    state = adam.init(params)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    with pytest.raises(ValueError, match=r"Adam.update expected grads to have key '2.W', got keys \['0.W', '0.b'\]"):
        adam.update(params, {k: grads[k] for k in ("0.W", "0.b")}, state)
    with pytest.raises(ValueError, match=r"Adam.update expected grads\['0.b'\] of shape \(4,\) \(real floats\), got shape \(1, 4\)"):
        adam.update(params, {**grads, "0.b": np.zeros((1, 4))}, state)
    bad = np.zeros((3, 4))
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match=r"Adam.update expected grads\['0.W'\] to be finite, got 0 NaN and 1 inf"):
        adam.update(params, {**grads, "0.W": bad}, state)
    with pytest.raises(ValueError, match=r"Adam.update expected state\['m'\] to have key '2.W'"):
        adam.update(params, grads, adam.init({k: params[k] for k in ("0.W", "0.b")}))
    assert state["step"] == 0  # nothing was applied


def test_config_round_trips_through_json_with_a_schedule():
    adam = opt.Adam(sch.StepDecay(0.01, 0.5, 10), beta1=0.8)
    config = json.loads(json.dumps(adam.config()))
    assert config == {"learning_rate": {"name": "StepDecay",
                                        "config": {"initial_learning_rate": 0.01, "gamma": 0.5, "step_size": 10}},
                      "beta1": 0.8, "beta2": 0.999, "eps": 1e-8}
    again = opt.OPTIMIZERS["Adam"](**config)
    assert [again.rate(t) for t in (0, 9, 10, 25)] == pytest.approx([0.01, 0.01, 0.005, 0.0025])


# ---------------------------------------------------------------- gradient clipping by global norm

def test_clip_by_global_norm_by_hand():
    grads = {"W": np.array([[3.0, 0.0], [0.0, 0.0]]), "b": np.array([4.0])}  # global norm 5
    clipped, norm = opt.clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(5.0, rel=1e-15)
    np.testing.assert_allclose(clipped["W"], [[0.6, 0.0], [0.0, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(clipped["b"], [0.8], rtol=1e-15)
    assert grads["b"][0] == 4.0, "the input must not change"


def test_clip_by_global_norm_keeps_direction_and_is_the_identity_below_the_threshold():
    rng = np.random.default_rng(0)
    grads = {"a": rng.normal(size=(3, 4)), "b": rng.normal(size=5).astype(np.float32)}
    flat = np.concatenate([g.ravel() for g in grads.values()]).astype(np.float64)
    clipped, norm = opt.clip_by_global_norm(grads, 0.5)
    out = np.concatenate([g.ravel() for g in clipped.values()]).astype(np.float64)
    assert norm == pytest.approx(np.linalg.norm(flat), rel=1e-6)
    assert np.linalg.norm(out) == pytest.approx(0.5, rel=1e-6)
    assert out @ flat / (np.linalg.norm(out) * norm) == pytest.approx(1.0, rel=1e-6)
    assert clipped["b"].dtype == np.float32 and clipped["a"].shape == (3, 4)
    same, _ = opt.clip_by_global_norm(grads, 10 * norm)
    assert all(np.array_equal(same[k], grads[k]) and same[k] is not grads[k] for k in grads)
    zero, zero_norm = opt.clip_by_global_norm({"a": np.zeros(3)}, 1.0)
    assert zero_norm == 0.0 and np.array_equal(zero["a"], np.zeros(3))


@pytest.mark.parametrize("call, match", [
    (lambda: opt.clip_by_global_norm({"a": np.ones(2)}, 0.0), r"clip_by_global_norm expected max_norm > 0, got 0.0"),
    (lambda: opt.clip_by_global_norm([np.ones(2)], 1.0), r"expected grads to be a non-empty dict of arrays, got list"),
    (lambda: opt.clip_by_global_norm({}, 1.0), r"expected grads to be a non-empty dict of arrays, got dict \(empty\)"),
    (lambda: opt.clip_by_global_norm({"a": np.ones(2, dtype=int)}, 1.0),
     r"expected grads\['a'\] to be a float32 or float64 ndarray, got dtype int64"),
    (lambda: opt.clip_by_global_norm({"a": np.array([1.0, np.nan])}, 1.0),
     r"expected grads\['a'\] to be finite, got 1 NaN and 0 inf"),
])
def test_clip_by_global_norm_rejects_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
