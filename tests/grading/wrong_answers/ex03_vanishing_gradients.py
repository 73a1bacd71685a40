"""Typical wrong answers to exercise 03 (sigmoid and vanishing gradients).

Each entry replaces one solution cell of ``solutions/ex03_vanishing_gradients/ex03_vanishing_gradients.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_SIGMOID_GRAD = '''def sigmoid_grad(z):
    s = activations.sigmoid(z)
    return {body}
'''
_DELTAS = '''BUG_LINE = {line}


def layer_deltas(delta_L, Ws, zs, phi_grad):
    L = len(Ws)
    deltas = [None] * L
    deltas[L - 1] = delta_L
    for l in range(L - 1, 0, -1):
        deltas[l - 1] = (deltas[l] @ Ws[l].T) * phi_grad(zs[{z_index}])
    return {result}
'''
_NORMS = '''def weight_grad_norms(x, zs, deltas, phi):
    inputs = {inputs}
    return np.array([np.linalg.norm({product}) for a, d in zip(inputs, {deltas})])
'''
_NUMBERS = '''bound_5_layers = {bound}
layers_for_1000 = {layers}
he_scale = {he}
'''
Q1 = ["test_q1_sigmoid_grad_values", "test_q1_sigmoid_grad_large"]
Q2 = ["test_q2_layer_deltas_line", "test_q2_layer_deltas_values"]

MISTAKES = [
    {"name": "sigmoid derivative as e^-z / (1 + e^-z)^2 (inf / inf for very negative z)",
     "cell": "q1_sigmoid_grad", "source": _SIGMOID_GRAD.format(body="np.exp(-z) / (1 + np.exp(-z)) ** 2"),
     "loses": ["test_q1_sigmoid_grad_large"]},
    {"name": "sigmoid derivative written like tanh's, 1 - s^2",
     "cell": "q1_sigmoid_grad", "source": _SIGMOID_GRAD.format(body="1 - s ** 2"),
     "loses": Q1},
    {"name": "bug placed on the loop line, with a right fix",
     "cell": "q2_layer_deltas", "source": _DELTAS.format(line=5, z_index="l - 1", result="deltas"),
     "loses": ["test_q2_layer_deltas_line"]},
    {"name": "bug line as text, and the broken phi'(z^(l+1)) kept",
     "cell": "q2_layer_deltas", "source": _DELTAS.format(line='"6"', z_index="l", result="deltas"),
     "loses": Q2},
    {"name": "bug line 6.0 (accepted), but only the hidden layers' deltas returned",
     "cell": "q2_layer_deltas", "source": _DELTAS.format(line="6.0", z_index="l - 1", result="deltas[:-1]"),
     "loses": ["test_q2_layer_deltas_values"]},
    {"name": "norms of the deltas instead of the weight gradients",
     "cell": "q3_weight_grad_norms",
     "source": _NORMS.format(inputs="[x] + [phi(z) for z in zs[:-1]]", product="d", deltas="deltas"),
     "loses": ["test_q3_weight_grad_norms"]},
    {"name": "norms without the first layer (a^0 = x left out)",
     "cell": "q3_weight_grad_norms",
     "source": _NORMS.format(inputs="[phi(z) for z in zs[:-1]]", product="a.T @ d", deltas="deltas[1:]"),
     "loses": ["test_q3_weight_grad_norms"]},
    {"name": "bound without ||W||, k rounded down (log2 1000 = 9.97), He scale 2",
     "cell": "q4_numbers", "source": _NUMBERS.format(bound="(1 / 4) ** 5", layers=9, he=2),
     "loses": ["test_q4_numbers_bound", "test_q4_numbers_layers", "test_q4_numbers_he"]},
    {"name": "a negative bound, the layer count as text, a negative scale",
     "cell": "q4_numbers", "source": _NUMBERS.format(bound="-1 / 32", layers='"10"', he="-np.sqrt(2)"),
     "loses": ["test_q4_numbers_bound", "test_q4_numbers_layers", "test_q4_numbers_he"]},
    {"name": "layers 10.0 (a whole number: accepted), He scale inverted, 1/sqrt(2)",
     "cell": "q4_numbers", "source": _NUMBERS.format(bound="1 / 32", layers="10.0", he="1 / np.sqrt(2)"),
     "loses": ["test_q4_numbers_he"]},
    {"name": "prediction from the bound (||W|| / 4 = 1/2 per layer) instead of the typical size",
     "cell": "q5_predict", "source": "PREDICTED_LOG10_RATIO = 9 * np.log10(1 / 2)\n",
     "loses": ["test_q5_predict"]},
    {"name": "prediction of the inverted ratio (positive)",
     "cell": "q5_predict", "source": "PREDICTED_LOG10_RATIO = 9 * np.log10(4)\n",
     "loses": ["test_q5_predict"]},
]
