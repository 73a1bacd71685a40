"""Typical wrong answers to exercise 03 (sigmoid and vanishing gradients), and the test cells each must fail.

Each entry replaces one solution cell of solutions/ex03_vanishing_gradients/ex03_vanishing_gradients.ipynb
with ``source``; the submission must then lose exactly the test cells listed in ``loses``.
"""

MISTAKES = [
    # --- question 1: sigma'(z) ------------------------------------------------------------------
    {
        "name": "a(1 - a) applied to z instead of a = sigma(z)",
        "cell": "q1_sigmoid_grad",
        "source": (
            "def sigmoid_grad(z):\n"
            "    return z * (1 - z)\n"
        ),
        "loses": ["test_q1_sigmoid_grad_zero", "test_q1_sigmoid_grad_values", "test_q1_sigmoid_grad_large"],
    },
    {
        "name": "sigma subtracted twice: sigma(1 - 2 sigma) (the source note's wrong line)",
        "cell": "q1_sigmoid_grad",
        "source": (
            "def sigmoid_grad(z):\n"
            "    s = activations.sigmoid(z)\n"
            "    return s * (1 - 2 * s)\n"
        ),
        "loses": ["test_q1_sigmoid_grad_zero", "test_q1_sigmoid_grad_values", "test_q1_sigmoid_grad_large"],
    },
    {
        "name": "inner derivative lost: -(1 + e^-z)^-2",
        "cell": "q1_sigmoid_grad",
        "source": (
            "def sigmoid_grad(z):\n"
            "    return -(1 + np.exp(-z)) ** -2.0\n"
        ),
        "loses": ["test_q1_sigmoid_grad_zero", "test_q1_sigmoid_grad_values", "test_q1_sigmoid_grad_large"],
    },
    {
        "name": "right formula in an overflowing form: e^-z / (1 + e^-z)^2 (inf / inf for z << 0)",
        "cell": "q1_sigmoid_grad",
        "source": (
            "def sigmoid_grad(z):\n"
            "    e = np.exp(-z)\n"
            "    return e / (1 + e) ** 2\n"
        ),
        "loses": ["test_q1_sigmoid_grad_large"],
    },
    # --- question 2: the backward recursion ---------------------------------------------------------
    {
        "name": "W^(l+1) instead of its transpose",
        "cell": "q2_layer_deltas",
        "source": (
            "def layer_deltas(delta_L, Ws, zs, phi_grad):\n"
            "    L = len(Ws)\n"
            "    deltas = [None] * L\n"
            "    deltas[L - 1] = delta_L\n"
            "    for l in range(L - 1, 0, -1):\n"
            "        deltas[l - 1] = (deltas[l] @ Ws[l]) * phi_grad(zs[l - 1])\n"
            "    return deltas\n"
        ),
        "loses": ["test_q2_layer_deltas_sigmoid", "test_q2_layer_deltas_tanh"],
    },
    {
        "name": "forgot the factor phi'(z^l)",
        "cell": "q2_layer_deltas",
        "source": (
            "def layer_deltas(delta_L, Ws, zs, phi_grad):\n"
            "    L = len(Ws)\n"
            "    deltas = [None] * L\n"
            "    deltas[L - 1] = delta_L\n"
            "    for l in range(L - 1, 0, -1):\n"
            "        deltas[l - 1] = deltas[l] @ Ws[l].T\n"
            "    return deltas\n"
        ),
        "loses": ["test_q2_layer_deltas_sigmoid", "test_q2_layer_deltas_tanh"],
    },
    {
        "name": "phi'(z^(l+1)) instead of phi'(z^l) (off by one layer)",
        "cell": "q2_layer_deltas",
        "source": (
            "def layer_deltas(delta_L, Ws, zs, phi_grad):\n"
            "    L = len(Ws)\n"
            "    deltas = [None] * L\n"
            "    deltas[L - 1] = delta_L\n"
            "    for l in range(L - 1, 0, -1):\n"
            "        deltas[l - 1] = (deltas[l] @ Ws[l].T) * phi_grad(zs[l])\n"
            "    return deltas\n"
        ),
        "loses": ["test_q2_layer_deltas_sigmoid", "test_q2_layer_deltas_tanh"],
    },
    {
        "name": "list returned output-first [delta^L, ..., delta^1]",
        "cell": "q2_layer_deltas",
        "source": (
            "def layer_deltas(delta_L, Ws, zs, phi_grad):\n"
            "    deltas = [delta_L]\n"
            "    for l in range(len(Ws) - 1, 0, -1):\n"
            "        deltas.append((deltas[-1] @ Ws[l].T) * phi_grad(zs[l - 1]))\n"
            "    return deltas\n"
        ),
        "loses": ["test_q2_layer_deltas_shapes", "test_q2_layer_deltas_sigmoid", "test_q2_layer_deltas_tanh"],
    },
    {
        "name": "sigmoid's derivative hard-coded instead of the phi_grad given",
        "cell": "q2_layer_deltas",
        "source": (
            "def layer_deltas(delta_L, Ws, zs, phi_grad):\n"
            "    L = len(Ws)\n"
            "    deltas = [None] * L\n"
            "    deltas[L - 1] = delta_L\n"
            "    for l in range(L - 1, 0, -1):\n"
            "        deltas[l - 1] = (deltas[l] @ Ws[l].T) * activations.sigmoid_grad(zs[l - 1])\n"
            "    return deltas\n"
        ),
        "loses": ["test_q2_layer_deltas_tanh"],
    },
    {
        "name": "phi'(z^L) applied to the output layer's delta^L too",
        "cell": "q2_layer_deltas",
        "source": (
            "def layer_deltas(delta_L, Ws, zs, phi_grad):\n"
            "    L = len(Ws)\n"
            "    deltas = [None] * L\n"
            "    deltas[L - 1] = delta_L * phi_grad(zs[L - 1])\n"
            "    for l in range(L - 1, 0, -1):\n"
            "        deltas[l - 1] = (deltas[l] @ Ws[l].T) * phi_grad(zs[l - 1])\n"
            "    return deltas\n"
        ),
        "loses": ["test_q2_layer_deltas_shapes", "test_q2_layer_deltas_sigmoid", "test_q2_layer_deltas_tanh"],
    },
    # --- question 3: per-layer gradient norms --------------------------------------------------------
    {
        "name": "z^(l-1) used as the layer's input instead of a^(l-1) = phi(z^(l-1))",
        "cell": "q3_weight_grad_norms",
        "source": (
            "def weight_grad_norms(x, zs, deltas, phi):\n"
            "    inputs = [x] + list(zs[:-1])\n"
            "    return np.array([np.linalg.norm(a.T @ d) for a, d in zip(inputs, deltas)])\n"
        ),
        "loses": ["test_q3_weight_grad_norms_values"],
    },
    {
        "name": "norms of delta^l instead of the weight gradients",
        "cell": "q3_weight_grad_norms",
        "source": (
            "def weight_grad_norms(x, zs, deltas, phi):\n"
            "    return np.array([np.linalg.norm(d) for d in deltas])\n"
        ),
        "loses": ["test_q3_weight_grad_norms_values"],
    },
    {
        "name": "norms in reverse order (output layer first)",
        "cell": "q3_weight_grad_norms",
        "source": (
            "def weight_grad_norms(x, zs, deltas, phi):\n"
            "    inputs = [x] + [phi(z) for z in zs[:-1]]\n"
            "    return np.array([np.linalg.norm(a.T @ d) for a, d in zip(inputs, deltas)])[::-1]\n"
        ),
        "loses": ["test_q3_weight_grad_norms_order", "test_q3_weight_grad_norms_values"],
    },
    {
        "name": "a single number (the total norm) instead of one per layer",
        "cell": "q3_weight_grad_norms",
        "source": (
            "def weight_grad_norms(x, zs, deltas, phi):\n"
            "    inputs = [x] + [phi(z) for z in zs[:-1]]\n"
            "    return np.sqrt(sum(np.linalg.norm(a.T @ d) ** 2 for a, d in zip(inputs, deltas)))\n"
        ),
        "loses": ["test_q3_weight_grad_norms_count", "test_q3_weight_grad_norms_order", "test_q3_weight_grad_norms_values"],
    },
    # --- question 4: numbers -----------------------------------------------------------------------------
    {
        "name": "bound without the factor 1/4 of sigma' (||W||_2^5 = 32)",
        "cell": "q4_numbers",
        "source": (
            "bound_5_layers = 2 ** 5\n"
            "layers_for_1000 = 10\n"
            "he_scale = np.sqrt(2)\n"
        ),
        "loses": ["test_q4_numbers_bound"],
    },
    {
        "name": "layers_for_1000 rounded down: 2^9 = 512 < 1000",
        "cell": "q4_numbers",
        "source": (
            "bound_5_layers = 1 / 32\n"
            "layers_for_1000 = 9\n"
            "he_scale = np.sqrt(2)\n"
        ),
        "loses": ["test_q4_numbers_layers"],
    },
    {
        "name": "He's variance 2 given as the scale (s^2 = 2, so s = sqrt 2)",
        "cell": "q4_numbers",
        "source": (
            "bound_5_layers = 1 / 32\n"
            "layers_for_1000 = 10\n"
            "he_scale = 2.0\n"
        ),
        "loses": ["test_q4_numbers_he"],
    },
]
