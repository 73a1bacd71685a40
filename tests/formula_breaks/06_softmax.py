"""Wrong versions of chapter 06's formulas; each must fail one of the chapter's checks."""
BREAKS = [
    {"name": "softmax forgets to normalise",
     "file": "nnlib/activations.py",
     "old": "    e /= e.sum(axis=-1, keepdims=True)\n    return e",
     "new": "    return e"},
]
