"""The same MLP training epoch written three ways: nnlib, hand-fused numpy, PyTorch.

Each ``make_*`` returns ``epoch(X, y, order)`` that runs one epoch of mini-batch SGD
(forward, softmax cross-entropy, backward, update) over the batches given by ``order``
(a shuffled index array drawn once per repeat; nnlib's ``fit`` draws its own, which is the
same work). Weights start from the same arrays in all three.
"""
import numpy as np

import nnlib.layers as nl
from nnlib.model import Sequential
from nnlib.train import fit
from nnlib.optimizers import SGD

LEARNING_RATE = 0.01


def initial_weights(sizes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [((rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(dtype), np.zeros(b, dtype))
            for a, b in zip(sizes[:-1], sizes[1:])]


def batches(order, batch_size):
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def make_nnlib(sizes, dtype, batch_size):
    layers = []
    for i, (W, b) in enumerate(initial_weights(sizes, dtype)):
        dense = nl.Dense(W.shape[0], W.shape[1], rng=np.random.default_rng(0), dtype=dtype)
        dense.params["W"][...] = W
        dense.params["b"][...] = b
        layers.append(dense)
        if i < len(sizes) - 2:
            layers.append(nl.ReLU())
    model = Sequential(layers)
    opt = SGD(learning_rate=LEARNING_RATE)
    state = opt.init(model.params)
    rng = np.random.default_rng(0)

    def epoch(X, y, order):
        # the library as a learner uses it: fit shuffles with its own rng (same amount of work)
        nonlocal state
        history = fit(model, "softmax_cross_entropy", opt, X, y, epochs=1, batch_size=batch_size,
                      rng=rng, metric=None, progress=False, state=state)
        state = history.state
        return history.loss[-1]

    return epoch


def make_fused_numpy(sizes, dtype, batch_size):
    """What a careful person writes by hand for this one network: no checks, no layers,
    gradient buffers allocated once, one gather per epoch, updates in place."""
    weights = initial_weights(sizes, dtype)
    grads = [(np.empty_like(W), np.empty_like(b)) for W, b in weights]
    lr = dtype(LEARNING_RATE)

    def epoch(X, y, order):
        total = 0.0
        Xs, ys = X[order], y[order]
        for start in range(0, len(order), batch_size):
            xb, yb = Xs[start:start + batch_size], ys[start:start + batch_size]
            n = len(yb)
            acts = [xb]
            for W, b in weights[:-1]:
                z = acts[-1] @ W
                z += b
                np.maximum(z, 0, out=z)
                acts.append(z)
            W, b = weights[-1]
            probs = acts[-1] @ W
            probs += b
            probs -= probs.max(axis=1, keepdims=True)
            np.exp(probs, out=probs)
            probs /= probs.sum(axis=1, keepdims=True)
            rows = np.arange(n)
            total += float(-np.log(probs[rows, yb]).mean())
            probs[rows, yb] -= 1
            probs /= n
            delta = probs
            for layer in range(len(weights) - 1, -1, -1):
                (W, b), (dW, db) = weights[layer], grads[layer]
                a = acts[layer]
                np.matmul(a.T, delta, out=dW)
                np.sum(delta, axis=0, out=db)
                if layer > 0:
                    da = delta @ W.T  # with the weights before this step's update
                    da *= a > 0
                dW *= lr
                W -= dW
                db *= lr
                b -= db
                if layer > 0:
                    delta = da
        return total

    return epoch


def make_matmuls_only(sizes, dtype, batch_size):
    """Only the matrix products of an epoch (forward, dW, dx), same shapes: the BLAS floor."""
    weights = initial_weights(sizes, dtype)
    grads = [np.empty_like(W) for W, _ in weights]

    def epoch(X, y, order):
        Xs = X[order]
        for start in range(0, len(order), batch_size):
            acts = [Xs[start:start + batch_size]]
            for W, _ in weights:
                acts.append(acts[-1] @ W)
            delta = acts[-1]
            for layer in range(len(weights) - 1, -1, -1):
                W = weights[layer][0]
                np.matmul(acts[layer].T, delta, out=grads[layer])
                if layer > 0:
                    delta = delta @ W.T
        return 0.0

    return epoch


def make_torch(sizes, dtype, batch_size):
    import torch

    tdtype = {np.float32: torch.float32, np.float64: torch.float64}[dtype]
    mods = []
    for i, (W, b) in enumerate(initial_weights(sizes, dtype)):
        lin = torch.nn.Linear(W.shape[0], W.shape[1], dtype=tdtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
        mods.append(lin)
        if i < len(sizes) - 2:
            mods.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*mods)
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(X, y, order):
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        total = 0.0
        for idx in batches(torch.from_numpy(order), batch_size):
            opt.zero_grad(set_to_none=False)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += float(loss)
        return total

    return epoch
