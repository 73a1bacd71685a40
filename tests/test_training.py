"""fit / evaluate / predict and the metrics: learning happens, bookkeeping is exact, bad input is named."""
import time
import warnings

import numpy as np
import pytest

from nnlib import datasets, layers, optimizers, train
from nnlib.model import Sequential
from nnlib.preprocessing import Standardizer, train_val_test_split
from nnlib.regularization import Regularizer


def mlp(sizes, rng, *, act=layers.ReLU, drop_prob=None, dtype=np.float64):
    stack = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        init = "he_normal" if act is layers.ReLU else "glorot_uniform"
        stack.append(layers.Dense(n_in, n_out, rng=rng, init=init, dtype=dtype))
        if i < len(sizes) - 2:
            stack.append(act())
            if drop_prob is not None:
                stack.append(layers.Dropout(drop_prob, rng=rng))
    return Sequential(stack)


# --- metrics -------------------------------------------------------------------------------------

def test_accuracy_counts_argmax_hits():
    y_pred = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert train.accuracy(y_pred, [1, 0, 0, 1]) == 0.5
    assert train.accuracy(y_pred, np.eye(2)[[1, 0, 0, 0]]) == 0.75  # one-hot targets


def test_accuracy_thresholds_single_outputs():
    p = np.array([0.2, 0.7, 0.51, 0.49])
    assert train.accuracy(p, [0, 1, 1, 1]) == 0.75
    assert train.accuracy(p[:, None], np.array([[0], [1], [1], [1]])) == 0.75
    logits = np.array([-1.0, 2.0, 0.1, -0.1])
    assert train.accuracy(logits, [0, 1, 1, 1], threshold=0.0) == 0.75


def test_regression_accuracy_uses_std_over_lambda():
    y = np.array([0.0, 2.0])  # standard deviation 1
    # tolerance 1/2: |0.4 - 0| counts, |2.6 - 2| does not
    assert train.regression_accuracy(np.array([0.4, 2.6]), y, lam=2) == 0.5
    assert train.regression_accuracy(np.array([0.4, 2.6]), y, lam=1) == 1.0
    y_many = np.linspace(-1, 1, 101)[:, None]
    noisy = y_many + 0.01
    assert train.regression_accuracy(noisy, y_many, lam=10) == 1.0  # 0.01 < 0.58 / 10
    assert train.regression_accuracy(noisy, y_many, lam=250) == 0.0  # 0.01 > 0.58 / 250


@pytest.mark.parametrize("call, match", [
    (lambda: train.accuracy(np.ones((3, 2)), [0, 1]), r"accuracy expected y with 3 rows like y_pred, got shape \(2,\)"),
    (lambda: train.accuracy(np.ones((2, 3)), [0, 3]), r"accuracy expected y in \[0, 3\), got values from 0 to 3"),
    (lambda: train.accuracy(np.array([[np.nan, 1.0]]), [0]), r"accuracy expected y_pred to be finite, got 1 NaN"),
    (lambda: train.accuracy(np.ones((2, 3)), np.ones((2, 4))), r"expected one-hot y of shape \(2, 3\), got shape \(2, 4\)"),
    (lambda: train.regression_accuracy(np.ones(3), np.ones(4)), r"expected y_pred and y of the same non-empty shape, got \(3,\) and \(4,\)"),
    (lambda: train.regression_accuracy(np.ones(3), np.ones(3), lam=0), r"regression_accuracy expected lam > 0, got 0"),
    (lambda: train.regression_accuracy(np.ones(2), np.array([1.0, np.inf])), r"expected y to be finite, got 0 NaN and 1 inf"),
])
def test_metrics_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- learning ------------------------------------------------------------------------------------

def test_spiral_reaches_95_percent_training_accuracy():
    rng = np.random.default_rng(0)
    X, y = datasets.spiral(100, 3, 0.2, rng)
    model = mlp([2, 64, 3], rng)
    history = train.fit(model, "softmax_cross_entropy", optimizers.Adam(0.02), X, y,
                        epochs=300, batch_size=32, rng=rng, progress=False)
    _, acc = train.evaluate(model, "softmax_cross_entropy", X, y)
    assert acc >= 0.95, acc
    assert history.loss[-1] < history.loss[0] / 10


def test_digits_reach_97_percent_test_accuracy():
    rng = np.random.default_rng(0)
    X, y = datasets.load_digits()
    (X_train, y_train), _, (X_test, y_test) = train_val_test_split(X, y, (0.8, 0.0, 0.2), rng, stratify=True)
    scaler = Standardizer().fit(X_train)  # statistics of the training images only
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    model = mlp([64, 128, 10], rng)
    l2 = Regularizer("l2", 1e-3, ["0.W", "2.W"])
    start = time.perf_counter()
    train.fit(model, "softmax_cross_entropy", optimizers.Adam(1e-3), X_train, y_train,
              epochs=40, batch_size=32, rng=rng, regularizer=l2, progress=False)
    seconds = time.perf_counter() - start
    _, test_acc = train.evaluate(model, "softmax_cross_entropy", X_test, y_test)
    print(f"digits 64-128-10: test accuracy {test_acc:.4f} on {len(y_test)} images, trained in {seconds:.2f} s")
    assert test_acc >= 0.97, test_acc
    np.testing.assert_array_equal(train.predict_labels(model, X_test) == y_test,
                                  model.predict(X_test).argmax(axis=1) == y_test)


def test_sine_regression_fits_the_curve():
    rng = np.random.default_rng(1)
    X, y = datasets.sine_regression(200, 0.05, rng)
    model = mlp([1, 32, 32, 1], rng, act=layers.Tanh)
    history = train.fit(model, "mse", optimizers.Adam(0.01), X, y, epochs=300, batch_size=32, rng=rng,
                        metric="regression_accuracy", lam=10, progress=False)
    mse, reg_acc = train.evaluate(model, "mse", X, y, metric="regression_accuracy", lam=10)
    # the targets' variance is about 0.5; the noise alone costs 0.05**2 = 0.0025
    assert mse < 0.02, mse
    assert reg_acc > 0.5 and history.metric[-1] > history.metric[0]


def test_binary_logits_use_threshold_zero():
    rng = np.random.default_rng(2)
    X, y = datasets.blobs(100, [[-2.0, 0.0], [2.0, 0.0]], 0.5, rng)
    model = mlp([2, 8, 1], rng)
    history = train.fit(model, "binary_cross_entropy_with_logits", optimizers.Adam(0.05), X, y[:, None].astype(float),
                        epochs=30, batch_size=20, rng=rng, progress=False)
    assert history.metric[-1] >= 0.98
    assert np.mean(train.predict_labels(model, X, threshold=0.0) == y) >= 0.98


@pytest.mark.parametrize("loss, head", [("binary_cross_entropy_with_logits", []),
                                        ("binary_cross_entropy", [layers.Sigmoid()])])
def test_binary_accuracy_threshold_follows_the_loss(loss, head):
    # output = x (a logit) or sigmoid(x) (a probability); the true class is x > 0
    dense = layers.Dense(1, 1, rng=np.random.default_rng(0))
    dense.params["W"][...] = 1.0
    dense.params["b"][...] = 0.0
    model = Sequential([dense, *head])
    X = np.linspace(-1, 1, 40)[:, None]
    y = (X > 0).astype(float)
    _, acc = train.evaluate(model, loss, X, y)
    assert acc == 1.0  # thresholding logits at 0.5 would call x in (0, 0.5] class 0


# --- bookkeeping ---------------------------------------------------------------------------------

def test_fit_is_reproducible_and_driven_by_the_rng():
    X, y = datasets.two_moons(50, 0.1, np.random.default_rng(0))

    def run(seed_init, seed_shuffle):
        model = mlp([2, 8, 2], np.random.default_rng(seed_init))
        train.fit(model, "softmax_cross_entropy", optimizers.SGD(0.1), X, y, epochs=3, batch_size=10,
                  rng=np.random.default_rng(seed_shuffle), progress=False)
        return model.params

    a, b, c = run(1, 2), run(1, 2), run(1, 3)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not all(np.array_equal(a[k], c[k]) for k in a)  # only the shuffle changed


def test_history_records_each_epoch_and_full_batch_loss_is_exact():
    rng = np.random.default_rng(3)
    X, y = datasets.blobs(30, [[0, 0], [2, 2], [0, 3]], 0.7, rng)
    model = mlp([2, 5, 3], rng)
    initial_loss, initial_acc = train.evaluate(model, "softmax_cross_entropy", X, y)
    history = train.fit(model, "softmax_cross_entropy", optimizers.SGD(0.5), X, y, epochs=4,
                        batch_size=len(X), rng=rng, validation_data=(X, y), progress=False)
    assert len(history.loss) == len(history.metric) == len(history.val_loss) == len(history.val_metric) == 4
    # one batch per epoch: epoch 0's training loss is the loss of the untrained model
    assert history.loss[0] == pytest.approx(initial_loss, rel=1e-12)
    assert history.metric[0] == pytest.approx(initial_acc)
    # and validation on the same data after the last epoch is the final model's loss
    assert history.val_loss[-1] == pytest.approx(train.evaluate(model, "softmax_cross_entropy", X, y)[0], rel=1e-12)
    assert history.best_epoch == int(np.argmin(history.val_loss))
    assert history.state["step"] == 4


def test_evaluate_weights_uneven_batches_by_size(rng):
    X, y = datasets.blobs(11, [[0, 0], [1, 1], [3, 0]], 0.5, rng)  # 33 rows: batches of 4 leave 1
    model = mlp([2, 4, 3], rng)
    whole = train.evaluate(model, "softmax_cross_entropy", X, y, batch_size=1000)
    pieces = train.evaluate(model, "softmax_cross_entropy", X, y, batch_size=4)
    assert pieces[0] == pytest.approx(whole[0], rel=1e-12)
    assert pieces[1] == whole[1]


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(4)
    X, y = datasets.blobs(40, [[-2.0, 0.0], [2.0, 0.0]], 0.5, rng)
    val = (X, 1 - y)  # flipped labels: the better the fit, the worse the validation loss

    def run(epochs, patience):
        model = mlp([2, 8, 2], np.random.default_rng(5))
        history = train.fit(model, "softmax_cross_entropy", optimizers.SGD(0.1), X, y, epochs=epochs,
                            batch_size=16, rng=np.random.default_rng(6), validation_data=val,
                            early_stopping_patience=patience, progress=False)
        return model, history

    after_one_epoch, _ = run(1, None)
    model, history = run(50, 3)
    assert history.best_epoch == 0 and history.stopped_early
    assert len(history.loss) == 1 + 3  # the best epoch, then 3 without improvement
    assert all(np.array_equal(model.params[k], after_one_epoch.params[k]) for k in model.params)
    # restored also when every epoch ran without running out of patience
    model, history = run(5, 10)
    assert not history.stopped_early and len(history.loss) == 5
    assert all(np.array_equal(model.params[k], after_one_epoch.params[k]) for k in model.params)


def test_patience_counts_epochs_since_the_last_improvement():
    rng = np.random.default_rng(1)
    X, y = datasets.two_moons(100, 0.35, rng)
    (X_train, y_train), (X_val, y_val), _ = train_val_test_split(X, y, (0.5, 0.5, 0.0), rng)
    model = mlp([2, 64, 64, 2], rng)
    history = train.fit(model, "softmax_cross_entropy", optimizers.Adam(0.02), X_train, y_train, epochs=300,
                        batch_size=10, rng=rng, validation_data=(X_val, y_val), early_stopping_patience=5,
                        progress=False)
    best = history.best_epoch
    val = history.val_loss
    # precondition: validation loss had setbacks before its best epoch, so the count must restart
    assert any(val[i] >= min(val[:i]) for i in range(1, best))
    assert history.stopped_early and len(val) == best + 1 + 5
    assert val[best] == min(val)
    # the model holds the weights of the best epoch
    assert train.evaluate(model, "softmax_cross_entropy", X_val, y_val)[0] == pytest.approx(val[best], rel=1e-12)


def test_resuming_with_the_returned_state_matches_one_run():
    X, y = datasets.spiral(30, 3, 0.2, np.random.default_rng(0))

    def fresh():
        rng = np.random.default_rng(7)
        return mlp([2, 16, 3], rng, drop_prob=0.3), rng

    model_a, rng_a = fresh()
    train.fit(model_a, "softmax_cross_entropy", optimizers.Adam(0.01), X, y, epochs=4, batch_size=8,
              rng=rng_a, progress=False)
    model_b, rng_b = fresh()
    opt = optimizers.Adam(0.01)
    first = train.fit(model_b, "softmax_cross_entropy", opt, X, y, epochs=2, batch_size=8, rng=rng_b, progress=False)
    train.fit(model_b, "softmax_cross_entropy", opt, X, y, epochs=2, batch_size=8, rng=rng_b, progress=False,
              state=first.state)
    assert all(np.array_equal(model_a.params[k], model_b.params[k]) for k in model_a.params)


def test_regularizer_shrinks_the_weights():
    X, y = datasets.two_moons(50, 0.1, np.random.default_rng(0))

    def weight_norm(regularizer):
        model = mlp([2, 16, 2], np.random.default_rng(1))
        train.fit(model, "softmax_cross_entropy", optimizers.Adam(0.01), X, y, epochs=30, batch_size=20,
                  rng=np.random.default_rng(2), regularizer=regularizer, progress=False)
        return np.linalg.norm(model.params["0.W"])

    assert weight_norm(Regularizer("l2", 0.1, ["0.W", "2.W"])) < 0.8 * weight_norm(None)


def test_float32_training_stays_float32():
    rng = np.random.default_rng(8)
    X, y = datasets.two_moons(40, 0.1, rng)  # float64 data into a float32 model
    model = mlp([2, 8, 2], rng, dtype=np.float32)
    history = train.fit(model, "softmax_cross_entropy", optimizers.Adam(0.01), X, y, epochs=3, batch_size=16,
                        rng=rng, progress=False)
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert all(a.dtype == np.float32 for a in history.state["m"].values())
    assert model.predict(X).dtype == np.float32


def test_progress_off_writes_nothing_and_on_writes_a_bar(capsys):
    X, y = datasets.xor(10, 0.2, np.random.default_rng(0))
    model = mlp([2, 4, 2], np.random.default_rng(1))
    args = (model, "softmax_cross_entropy", optimizers.SGD(0.1), X, y)
    train.fit(*args, epochs=2, batch_size=8, rng=np.random.default_rng(2), progress=False)
    assert capsys.readouterr() == ("", "")
    train.fit(*args, epochs=2, batch_size=8, rng=np.random.default_rng(2), progress=True)
    captured = capsys.readouterr()
    assert "fit" in captured.err and "2/2" in captured.err


# --- bad input -----------------------------------------------------------------------------------

@pytest.fixture
def setup():
    rng = np.random.default_rng(0)
    X, y = datasets.blobs(10, [[0, 0], [1, 1], [2, 0]], 0.3, rng)
    return mlp([2, 4, 3], rng), X, y


GOOD = dict(epochs=1, batch_size=8)


@pytest.mark.parametrize("change, match", [
    (dict(epochs=0), r"fit expected epochs to be a positive integer, got 0"),
    (dict(epochs=-2), r"fit expected epochs to be a positive integer, got -2"),
    (dict(epochs=2.5), r"fit expected epochs to be a positive integer, got 2.5"),
    (dict(batch_size=0), r"fit expected batch_size to be a positive integer, got 0"),
    (dict(batch_size=None), r"fit expected batch_size to be a positive integer, got None"),
    (dict(rng=42), r"fit expected rng to be a numpy Generator .*, got int"),
    (dict(loss="cross_entropy"), r"fit expected loss to be one of .*, got 'cross_entropy'"),
    (dict(metric="f1"), r"fit expected metric in \['accuracy', 'regression_accuracy'\] or None, got 'f1'"),
    (dict(lam=-1.0), r"fit expected lam > 0, got -1.0"),
    (dict(early_stopping_patience=2), r"fit expected validation_data with early_stopping_patience=2, got validation_data=None"),
    (dict(early_stopping_patience=0, validation_data="v"), r"expected validation_data to be a pair \(x_val, y_val\), got str"),
    (dict(optimizer="adam"), r"fit expected optimizer to be an nnlib optimizer \(init, update\), got str"),
    (dict(state={"step": 0, "m": {"0.W": np.zeros(1)}}), r"fit expected state\['m'\] to have the model's keys"),
    (dict(state={"step": 0, "m": {k: np.zeros(1) for k in ("0.W", "0.b", "2.W", "2.b")}}),
     r"fit expected state\['m'\]\['0.W'\] of shape \(2, 4\) and dtype float64, got shape \(1,\)"),
    (dict(regularizer="l2"), r"fit expected regularizer to be an nnlib Regularizer, got str"),
])
def test_fit_rejects_bad_arguments(setup, change, match):
    model, X, y = setup
    kwargs = dict(GOOD, rng=np.random.default_rng(0), progress=False)
    loss = change.pop("loss", "softmax_cross_entropy")
    optimizer = change.pop("optimizer", optimizers.SGD(0.1))
    kwargs.update(change)
    before = {k: v.copy() for k, v in model.params.items()}
    with pytest.raises(ValueError, match=match):
        train.fit(model, loss, optimizer, X, y, **kwargs)
    assert all(np.array_equal(before[k], model.params[k]) for k in before)  # nothing trained


@pytest.mark.parametrize("make, match", [
    (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 3, np.nan, X), y),
     r"fit expected x to be finite, got 1 NaN and 0 inf"),
    (lambda X, y: (X[:, :1], y), r"fit expected x that the model accepts, got shape \(30, 1\): .*\(N, 2\)"),
    (lambda X, y: (X[0], y), r"fit expected x of shape \(N, D\) with N >= 1, got shape \(2,\)"),
    (lambda X, y: (X, y[:-1]), r"fit expected y with 30 rows like x, got shape \(29,\)"),
    (lambda X, y: (X, np.where(y == 2, 3, y)), r"fit expected y in \[0, 3\), got values from 0 to 3"),
    (lambda X, y: (X, y - 1), r"fit expected y in \[0, 3\), got values from -1 to 1"),
    (lambda X, y: (X, np.ones((30, 4))), r"fit expected y of shape \(30, 3\) to match the model's output \(3,\), got shape \(30, 4\)"),
    (lambda X, y: (X, np.full((30, 3), np.inf)), r"fit expected y to be finite, got 0 NaN and 90 inf"),
])
def test_fit_rejects_bad_data(setup, make, match):
    model, X, y = setup
    X_bad, y_bad = make(X, y)
    with pytest.raises(ValueError, match=match):
        train.fit(model, "softmax_cross_entropy", optimizers.SGD(0.1), X_bad, y_bad,
                  rng=np.random.default_rng(0), progress=False, **GOOD)


def test_fit_names_bad_validation_data(setup):
    model, X, y = setup
    with pytest.raises(ValueError, match=r"fit expected x_val to be finite, got 1 NaN"):
        X_val = X.copy()
        X_val[0, 0] = np.nan
        train.fit(model, "softmax_cross_entropy", optimizers.SGD(0.1), X, y, validation_data=(X_val, y),
                  rng=np.random.default_rng(0), progress=False, **GOOD)
    with pytest.raises(ValueError, match=r"fit expected y_val in \[0, 3\), got values from 0 to 7"):
        train.fit(model, "softmax_cross_entropy", optimizers.SGD(0.1), X, y, validation_data=(X, y * 0 + 7 * (y == 1)),
                  rng=np.random.default_rng(0), progress=False, **GOOD)


def test_hinge_needs_integer_labels(setup):
    model, X, y = setup
    with pytest.raises(ValueError, match=r"fit expected y of integer labels with shape \(30,\) for loss 'hinge', got shape \(30, 3\)"):
        train.fit(model, "hinge", optimizers.SGD(0.1), X, np.eye(3)[y], rng=np.random.default_rng(0),
                  progress=False, **GOOD)


@pytest.mark.parametrize("call, match", [
    (lambda m, X, y: train.evaluate(m, "mse", X, y), r"evaluate expected y of shape \(30, 3\) to match the model's output"),
    (lambda m, X, y: train.evaluate(m, "softmax_cross_entropy", X, y, batch_size=0), r"evaluate expected batch_size to be a positive integer, got 0"),
    (lambda m, X, y: train.evaluate(m, "nope", X, y), r"evaluate expected loss to be one of .*, got 'nope'"),
    (lambda m, X, y: train.predict(m, np.full((2, 2), np.inf)), r"predict expected x to be finite, got 0 NaN and 4 inf"),
    (lambda m, X, y: train.predict(m, X[0]), r"predict expected x of shape \(N, D\), got shape \(2,\)"),
    (lambda m, X, y: train.predict_labels(m, X, threshold=float("nan")), r"predict_labels expected threshold to be a finite number, got nan"),
])
def test_evaluate_and_predict_reject_bad_input(setup, call, match):
    model, X, y = setup
    with pytest.raises(ValueError, match=match):
        call(model, X, y)


def test_divergence_names_the_epoch_and_step_and_suggests_a_smaller_rate(rng):
    X = rng.standard_normal((40, 3))
    y = X @ rng.standard_normal((3, 2)) * 100
    model = Sequential([layers.Dense(3, 8, rng=rng), layers.ReLU(), layers.Dense(8, 2, rng=rng)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # divergence is reported, never warned about
        with pytest.raises(train.TrainingDivergedError,
                           match=r"^fit: training diverged at epoch \d+ step \d+; try a smaller learning rate \("):
            train.fit(model, "mse", optimizers.SGD(1e6), X, y, epochs=50, batch_size=8, rng=rng,
                      progress=False, metric=None)
    # a rate that works trains without the error
    model = Sequential([layers.Dense(3, 8, rng=rng), layers.ReLU(), layers.Dense(8, 2, rng=rng)])
    train.fit(model, "mse", optimizers.SGD(1e-4), X, y, epochs=2, batch_size=8, rng=rng, progress=False, metric=None)
