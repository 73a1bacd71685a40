"""Typical wrong answers to exercise 11 (data preparation and augmentation).

Each entry replaces one solution cell of ``solutions/ex11_data_preparation/ex11_data_preparation.ipynb``;
the submission built from it must lose exactly the test cells listed in ``loses`` and keep every other
point. Every message of the test cells is triggered by at least one entry (named in a comment).
"""

_MIN_MAX = '''def min_max_scale(X_train, X):
{body}
'''
_PREDICT_OUTLIER = '''predicted_wider = {wider}
predicted_width_minmax = {width}
'''
_SCALE = '''def scale_train_and_test(X_train, X_test):
{body}
'''
_AUGMENT = '''def augment_digits(images, labels, rng):
{body}
'''
_TRIM = '''def trim_to_smallest(labels, rng):
{body}
'''
_DERIVE = '''z_outlier = {z}
n_trimmed = {trimmed}
n_augmented = {augmented}
six_after_half_turn = {six}
kept_by_half_turn = {kept}
'''
_GOOD_DERIVE = dict(z="3.0", trimmed="60", augmented="600", six="9", kept="{0, 1, 8}")

Q1_ALL = ["test_q1_min_max_range", "test_q1_min_max_new_data", "test_q1_min_max_constant"]
Q3_ALL = ["test_q3_debug_batch", "test_q3_debug_statistics"]


def _derive(**changes):
    return _DERIVE.format(**{**_GOOD_DERIVE, **changes})


MISTAKES = [
    # --- Q1 min_max_scale ------------------------------------------------------------------------------
    {   # message: "shape: min_max_scale(X_train, X_train) should be an array shaped like"
        "name": "min_max_scale returns the fitted minimum and range instead of the scaled data",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X_train.min(axis=0)\n"
            "    width = X_train.max(axis=0) - low\n"
            "    return low, np.where(width > 0, width, 1.0)")),
        "loses": Q1_ALL,
    },
    {   # message: "range: on the training set every feature (column) should run from exactly 0 to exactly 1"
        "name": "min_max_scale takes the minimum and maximum of each row (axis=1)",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X_train.min(axis=1, keepdims=True)\n"
            "    width = X_train.max(axis=1, keepdims=True) - low\n"
            "    return (X - low) / np.where(width > 0, width, 1.0)")),
        "loses": Q1_ALL,
    },
    {   # message: "range: on the training set every feature (column) should run from exactly 0 to exactly 1"
        "name": "min_max_scale uses one minimum and maximum for the whole array",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low, high = X_train.min(), X_train.max()\n"
            "    return (X - low) / (high - low)")),
        "loses": Q1_ALL,
    },
    {   # message: "side effect: min_max_scale changed an array it was given"
        "name": "min_max_scale scales X in place",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X_train.min(axis=0)\n"
            "    width = X_train.max(axis=0) - low\n"
            "    width = np.where(width > 0, width, 1.0)\n"
            "    X -= low\n"
            "    X /= width\n"
            "    return X")),
        "loses": ["test_q1_min_max_new_data"],
    },
    {   # message: "fitted on the training set: rows of X equal to the training minimum and maximum"
        "name": "min_max_scale fits the map on the data it transforms",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X.min(axis=0)\n"
            "    width = X.max(axis=0) - low\n"
            "    return (X - low) / np.where(width > 0, width, 1.0)")),
        "loses": ["test_q1_min_max_new_data", "test_q1_min_max_constant"],
    },
    {   # message: "unclipped: a row beyond the training maximum should land beyond 1"
        "name": "min_max_scale clips the result to [0, 1]",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X_train.min(axis=0)\n"
            "    width = X_train.max(axis=0) - low\n"
            "    return np.clip((X - low) / np.where(width > 0, width, 1.0), 0, 1)")),
        "loses": ["test_q1_min_max_new_data", "test_q1_min_max_constant"],
    },
    {   # hidden message: "unclipped, on both sides: new rows below the training minimum or above the maximum"
        "name": "min_max_scale clips negative values to 0 (only values above 1 left unclipped)",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X_train.min(axis=0)\n"
            "    width = X_train.max(axis=0) - low\n"
            "    return np.maximum((X - low) / np.where(width > 0, width, 1.0), 0.0)")),
        "loses": ["test_q1_min_max_new_data"],
    },
    {   # message: "constant feature: a feature that is constant on the training set gave NaN or inf"
        "name": "min_max_scale divides by a zero range",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X_train.min(axis=0)\n"
            "    return (X - low) / (X_train.max(axis=0) - low)")),
        "loses": ["test_q1_min_max_constant"],
    },
    {   # message: "constant feature: with range 1 a constant feature is only shifted"
        "name": "min_max_scale sets constant features to 0",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X_train.min(axis=0)\n"
            "    width = X_train.max(axis=0) - low\n"
            "    return np.where(width > 0, (X - low) / np.where(width > 0, width, 1.0), 0.0)")),
        "loses": ["test_q1_min_max_constant"],
    },
    {   # hidden message: "a feature that is constant on the training set gave NaN or inf, or was not only shifted"
        "name": "min_max_scale guards only the feature that is constant in the visible example",
        "cell": "q1_min_max",
        "source": _MIN_MAX.format(body=(
            "    low = X_train.min(axis=0)\n"
            "    width = X_train.max(axis=0) - low\n"
            "    width[1] = 1.0 if width[1] == 0 else width[1]\n"
            "    return (X - low) / width")),
        "loses": ["test_q1_min_max_constant"],
    },
    # --- Q2 predict: an outlier ------------------------------------------------------------------------
    {   # message: 'predicted_wider should be "min-max" or "standardization"'
        "name": "predicted_wider spelled differently from the two choices",
        "cell": "q2_predict_outlier",
        "source": _PREDICT_OUTLIER.format(wider='"z-score"', width="0.01"),
        "loses": ["test_q2_predict_wider"],
    },
    {   # hidden message: "predicted_wider is not what the theory gives"
        "name": "predicts that min-max leaves the ordinary values the wider interval",
        "cell": "q2_predict_outlier",
        "source": _PREDICT_OUTLIER.format(wider='"min-max"', width="0.01"),
        "loses": ["test_q2_predict_wider"],
    },
    {   # message: "predicted_width_minmax should be a number"
        "name": "predicted_width_minmax given as a string",
        "cell": "q2_predict_outlier",
        "source": _PREDICT_OUTLIER.format(wider='"standardization"', width='"0.01"'),
        "loses": ["test_q2_predict_width"],
    },
    {   # message: "range: after min-max scaling every training value lies in [0, 1]"
        "name": "predicted_width_minmax in the original units (10) instead of after scaling",
        "cell": "q2_predict_outlier",
        "source": _PREDICT_OUTLIER.format(wider='"standardization"', width="10"),
        "loses": ["test_q2_predict_width"],
    },
    {   # hidden message: "predicted_width_minmax is off by more than 10 %"
        "name": "predicted_width_minmax of 0.1 (the standardized width)",
        "cell": "q2_predict_outlier",
        "source": _PREDICT_OUTLIER.format(wider='"standardization"', width="0.1"),
        "loses": ["test_q2_predict_width"],
    },
    # --- Q3 debug: scaling the test set ----------------------------------------------------------------
    {   # messages: "batch dependence: test image 0 gets another network input" and "same map: a test row equal to the training mean"
        "name": "the broken code unchanged: a scaler fitted on the test set",
        "cell": "q3_debug_scaling",
        "source": _SCALE.format(body=(
            "    Z_train = Standardizer().fit_transform(X_train)\n"
            "    Z_test = Standardizer().fit_transform(X_test)\n"
            "    return Z_train, Z_test")),
        "loses": Q3_ALL,
    },
    {   # messages: "shapes: expected Z_train of shape" and "training statistics: the standardized training set"
        "name": "returns (Z_test, Z_train) in the wrong order",
        "cell": "q3_debug_scaling",
        "source": _SCALE.format(body=(
            "    scaler = Standardizer().fit(X_train)\n"
            "    return scaler.transform(X_test), scaler.transform(X_train)")),
        "loses": Q3_ALL,
    },
    {   # messages: "batch dependence: test image 0 gets another network input" and "training statistics"
        "name": "the scaler fitted on training and test set together",
        "cell": "q3_debug_scaling",
        "source": _SCALE.format(body=(
            "    scaler = Standardizer().fit(np.concatenate([X_train, X_test]))\n"
            "    return scaler.transform(X_train), scaler.transform(X_test)")),
        "loses": Q3_ALL,
    },
    {   # message: "training statistics: ... standard deviation 1 (the one with 1/N)" (ddof=1 gives a std below 1)
        "name": "standardizing by hand with the unbiased standard deviation (ddof=1)",
        "cell": "q3_debug_scaling",
        "source": _SCALE.format(body=(
            "    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)\n"
            "    return (X_train - mean) / std, (X_test - mean) / std")),
        "loses": ["test_q3_debug_statistics"],
    },
    # --- Q4 debug: augmenting the digits ---------------------------------------------------------------
    {   # messages: "labels: copies of the digits [...] are read as another digit" and "random: generators of different seeds"
        "name": "the broken code unchanged: a 180-degree turn (6 becomes 9)",
        "cell": "q4_debug_augment",
        "source": _AUGMENT.format(body=(
            "    turned = augment.rotate90(images, 2)\n"
            "    return np.concatenate([images, turned]), np.concatenate([labels, labels])")),
        "loses": ["test_q4_debug_labels", "test_q4_debug_random"],
    },
    {   # messages: "labels: copies of the digits [...] are read as another digit" and "random: generators of different seeds"
        "name": "left-right mirrored copies",
        "cell": "q4_debug_augment",
        "source": _AUGMENT.format(body=(
            "    copies = augment.flip_horizontal(images)\n"
            "    return np.concatenate([images, copies]), np.concatenate([labels, labels])")),
        "loses": ["test_q4_debug_labels", "test_q4_debug_random"],
    },
    {   # message: "new images: most copies are identical to their originals"
        "name": "copies identical to the originals",
        "cell": "q4_debug_augment",
        "source": _AUGMENT.format(body=(
            "    return np.concatenate([images, images.copy()]), np.concatenate([labels, labels])")),
        "loses": ["test_q4_debug_random"],
    },
    {   # message: "reproducible: two calls with generators of the same seed gave different copies"
        "name": "a fresh unseeded generator inside instead of rng",
        "cell": "q4_debug_augment",
        "source": _AUGMENT.format(body=(
            "    own = np.random.default_rng()\n"
            "    copies = augment.rotate(images, own.uniform(-15.0, 15.0, len(images)))\n"
            "    return np.concatenate([images, copies]), np.concatenate([labels, labels])")),
        "loses": ["test_q4_debug_random"],
    },
    {   # message: "random: generators of different seeds gave the same copies"
        "name": "the same fixed rotation for every copy (not random)",
        "cell": "q4_debug_augment",
        "source": _AUGMENT.format(body=(
            "    copies = augment.rotate(images, 10.0)\n"
            "    return np.concatenate([images, copies]), np.concatenate([labels, labels])")),
        "loses": ["test_q4_debug_random"],
    },
    {   # message: "side effect: augment_digits changed the arrays it was given" (in two cells)
        "name": "noise added to the originals in place",
        "cell": "q4_debug_augment",
        "source": _AUGMENT.format(body=(
            "    copies = images\n"
            "    copies += rng.normal(0.0, 0.5, images.shape)\n"
            "    return np.concatenate([images, copies]), np.concatenate([labels, labels])")),
        "loses": ["test_q4_debug_shapes", "test_q4_debug_random"],
    },
    {   # message: "shapes: expected images of shape (2N, 8, 8)" (in three cells)
        "name": "returns only the copies, not the originals",
        "cell": "q4_debug_augment",
        "source": _AUGMENT.format(body=(
            "    return augment.rotate(images, rng.uniform(-15.0, 15.0, len(images))), labels")),
        "loses": ["test_q4_debug_shapes", "test_q4_debug_labels", "test_q4_debug_random"],
    },
    {   # message: "order: the first N images should be the originals"
        "name": "shuffles the images but not the labels",
        "cell": "q4_debug_augment",
        "source": _AUGMENT.format(body=(
            "    copies = augment.rotate(images, rng.uniform(-15.0, 15.0, len(images)))\n"
            "    both = np.concatenate([images, copies])\n"
            "    return both[rng.permutation(len(both))], np.concatenate([labels, labels])")),
        "loses": ["test_q4_debug_shapes", "test_q4_debug_labels"],
    },
    # --- Q5 trim_to_smallest ---------------------------------------------------------------------------
    {   # message: "no repeats: an index appears more than once"
        "name": "trim_to_smallest draws with replacement",
        "cell": "q5_trim",
        "source": _TRIM.format(body=(
            "    classes, counts = np.unique(labels, return_counts=True)\n"
            "    return np.concatenate([rng.choice(np.flatnonzero(labels == k), counts.min()) for k in classes])")),
        "loses": ["test_q5_trim_counts"],
    },
    {   # messages: "balance: the kept examples have class counts" and the hidden "not kept equally often"
        "name": "trim_to_smallest keeps counts.argmin() examples (the class index, not its count)",
        "cell": "q5_trim",
        "source": _TRIM.format(body=(
            "    classes, counts = np.unique(labels, return_counts=True)\n"
            "    return np.concatenate([rng.choice(np.flatnonzero(labels == k), counts.argmin(), replace=False)\n"
            "                           for k in classes])")),
        "loses": ["test_q5_trim_counts", "test_q5_trim_random"],
    },
    {   # hidden message: "balance: every class that occurs should keep as many examples" (classes 1, 4, 9)
        "name": "trim_to_smallest assumes the classes are 0..K-1 (np.bincount)",
        "cell": "q5_trim",
        "source": _TRIM.format(body=(
            "    counts = np.bincount(labels)\n"
            "    return np.concatenate([rng.choice(np.flatnonzero(labels == k), counts.min(), replace=False)\n"
            "                           for k in range(len(counts))])")),
        "loses": ["test_q5_trim_counts"],
    },
    {   # message: "indices: expected a 1-D array of integer indices"
        "name": "trim_to_smallest returns a boolean mask instead of indices",
        "cell": "q5_trim",
        "source": _TRIM.format(body=(
            "    classes, counts = np.unique(labels, return_counts=True)\n"
            "    keep = np.zeros(len(labels), dtype=bool)\n"
            "    for k in classes:\n"
            "        keep[rng.choice(np.flatnonzero(labels == k), counts.min(), replace=False)] = True\n"
            "    return keep")),
        "loses": ["test_q5_trim_counts"],
    },
    {   # message: "side effect: trim_to_smallest changed the labels it was given"
        "name": "trim_to_smallest shuffles the labels in place first",
        "cell": "q5_trim",
        "source": _TRIM.format(body=(
            "    rng.shuffle(labels)\n"
            "    classes, counts = np.unique(labels, return_counts=True)\n"
            "    return np.concatenate([np.flatnonzero(labels == k)[:counts.min()] for k in classes])")),
        "loses": ["test_q5_trim_counts", "test_q5_trim_random"],
    },
    {   # message: "reproducible: two calls with generators of the same seed kept different examples"
        "name": "trim_to_smallest draws from a fresh unseeded generator",
        "cell": "q5_trim",
        "source": _TRIM.format(body=(
            "    own = np.random.default_rng()\n"
            "    classes, counts = np.unique(labels, return_counts=True)\n"
            "    return np.concatenate([own.choice(np.flatnonzero(labels == k), counts.min(), replace=False)\n"
            "                           for k in classes])")),
        "loses": ["test_q5_trim_random"],
    },
    {   # message: "random: over 200 seeds some examples of the large class were never kept"
        "name": "trim_to_smallest keeps the first examples of each class (no randomness)",
        "cell": "q5_trim",
        "source": _TRIM.format(body=(
            "    classes, counts = np.unique(labels, return_counts=True)\n"
            "    return np.concatenate([np.flatnonzero(labels == k)[:counts.min()] for k in classes])")),
        "loses": ["test_q5_trim_random"],
    },
    # --- Q6 predict: sorted batches --------------------------------------------------------------------
    {   # message: "should be a digit, an integer from 0 to 9"
        "name": "predicted_most_common_answer given as a word",
        "cell": "q6_predict_sorted",
        "source": 'predicted_most_common_answer = "nine"\n',
        "loses": ["test_q6_predict_sorted"],
    },
    {   # hidden message: "is not what the theory gives"
        "name": "predicts the first class of the sorted order",
        "cell": "q6_predict_sorted",
        "source": "predicted_most_common_answer = 0\n",
        "loses": ["test_q6_predict_sorted"],
    },
    # --- Q7 derive -------------------------------------------------------------------------------------
    {   # message: "z_outlier should be a number"
        "name": "z_outlier as an expression string",
        "cell": "q7_derive",
        "source": _derive(z='"sqrt(9)"'),
        "loses": ["test_q7_derive_outlier"],
    },
    {   # message: "sign: the outlier lies above the mean"
        "name": "z_outlier with the sign of mean minus value",
        "cell": "q7_derive",
        "source": _derive(z="-3.0"),
        "loses": ["test_q7_derive_outlier"],
    },
    {   # hidden message: "z_outlier is wrong"
        "name": "z_outlier with the unbiased standard deviation (ddof=1)",
        "cell": "q7_derive",
        "source": _derive(z="3.0 * (9 / 10) ** 0.5"),
        "loses": ["test_q7_derive_outlier"],
    },
    {   # message: "should be a whole number of examples"
        "name": "n_trimmed not a whole number",
        "cell": "q7_derive",
        "source": _derive(trimmed="54.6"),
        "loses": ["test_q7_derive_counts"],
    },
    {   # hidden message: "n_trimmed is wrong"
        "name": "n_trimmed counts one class only",
        "cell": "q7_derive",
        "source": _derive(trimmed="6"),
        "loses": ["test_q7_derive_counts"],
    },
    {   # hidden message: "n_augmented is wrong"
        "name": "n_augmented counts only the examples added to digit 9",
        "cell": "q7_derive",
        "source": _derive(augmented="54"),
        "loses": ["test_q7_derive_counts"],
    },
    {   # message: "six_after_half_turn should be a digit 0-9"
        "name": "six_after_half_turn as a word",
        "cell": "q7_derive",
        "source": _derive(six='"nine"'),
        "loses": ["test_q7_derive_labels"],
    },
    {   # message: "kept_by_half_turn should be a set of digits"
        "name": "kept_by_half_turn as a list of strings",
        "cell": "q7_derive",
        "source": _derive(kept='["0", "1", "8"]'),
        "loses": ["test_q7_derive_labels"],
    },
    {   # hidden message: "six_after_half_turn is wrong"
        "name": "six_after_half_turn: a 6 stays a 6",
        "cell": "q7_derive",
        "source": _derive(six="6"),
        "loses": ["test_q7_derive_labels"],
    },
    {   # hidden message: "kept_by_half_turn is wrong"
        "name": "kept_by_half_turn includes 6 and 9",
        "cell": "q7_derive",
        "source": _derive(kept="{0, 1, 6, 8, 9}"),
        "loses": ["test_q7_derive_labels"],
    },
]
