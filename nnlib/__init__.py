"""nnlib: the small numpy library of the course.

Every layer, loss and optimizer is written by hand in numpy; each module holds one
idea and names the chapter that derives it. Import the modules directly, e.g.
``from nnlib import activations, losses, layers``.
"""
__version__ = "0.1.0"

# nnlib.layers registers nnlib.conv's layers at its end; importing it here first lets
# `import nnlib.conv` work on its own (conv.py subclasses nnlib.layers.Layer).
from . import layers  # noqa: E402,F401
