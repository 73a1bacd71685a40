"""Conv2D forward + backward against PyTorch's conv2d on CPU (a benchmark, not a test).

    python -m benchmarks.bench_conv [--repeats 7]

The workload of chapter 13: a batch of 128 digits (8×8, 1 channel), 8 filters of 3×3, valid
padding, float64 (what the chapter trains in). One call is ``forward`` then ``backward`` with
the input gradient (nnlib), against ``conv2d`` then ``torch.autograd.grad`` for x, W and b
(torch). Interleaved repeats of ``--calls`` calls each; the minimum per call is compared.
PyTorch runs with as many threads as numpy's BLAS and with 1 thread (on 2 busy cores its
thread pool can be the slower choice); the ratio is taken against the faster of the two.
Goal: nnlib / torch <= 3.
"""
import argparse
import time

import numpy as np

from nnlib.conv import Conv2D

GOAL = 3.0


def _per_call(fn, calls):
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def measure(repeats=7, calls=200, threads=None):
    """Seconds per forward + backward: {"nnlib": min, "torch": min, "torch, 1 thread": min}."""
    import torch

    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 1, 8, 8))
    layer = Conv2D(1, 8, 3, rng=rng)
    dout = rng.standard_normal(layer.output_shape(x.shape))
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(layer.params["W"], requires_grad=True)
    bt = torch.tensor(layer.params["b"], requires_grad=True)
    dt = torch.tensor(dout)

    def nnlib_step():
        layer.forward(x)
        return layer.backward(dout)

    def torch_step():
        out = torch.nn.functional.conv2d(xt, wt, bt)
        return torch.autograd.grad(out, (xt, wt, bt), dt)

    # the same numbers, or the comparison means nothing
    dx_t, dw_t, db_t = torch_step()
    assert np.allclose(nnlib_step(), dx_t.numpy()) and np.allclose(layer.grads["W"], dw_t.numpy())
    assert np.allclose(layer.grads["b"], db_t.numpy())

    threads = threads or torch.get_num_threads()
    times = {"nnlib": [], "torch": [], "torch, 1 thread": []}
    for _ in range(3):
        nnlib_step(), torch_step()  # warm up
    for _ in range(repeats):
        times["nnlib"].append(_per_call(nnlib_step, calls))
        torch.set_num_threads(threads)
        times["torch"].append(_per_call(torch_step, calls))
        torch.set_num_threads(1)
        times["torch, 1 thread"].append(_per_call(torch_step, calls))
    torch.set_num_threads(threads)
    return {k: min(v) for k, v in times.items()}, threads


def report_lines(repeats=7, threads=None):
    best, threads = measure(repeats, threads=threads)
    reference = min(best["torch"], best["torch, 1 thread"])
    ratio = best["nnlib"] / reference
    lines = ["| implementation | µs per forward + backward |", "|---|---|",
             f"| nnlib Conv2D (im2col + GEMM) | {1e6 * best['nnlib']:.0f} |",
             f"| torch conv2d, {threads} threads | {1e6 * best['torch']:.0f} |",
             f"| torch conv2d, 1 thread | {1e6 * best['torch, 1 thread']:.0f} |",
             "",
             f"nnlib / torch (faster of the two) = **{ratio:.2f}** (goal <= {GOAL:.0f}: "
             f"{'met' if ratio <= GOAL else 'NOT met'})"]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print("\n".join(report_lines(args.repeats)))


if __name__ == "__main__":
    main()
