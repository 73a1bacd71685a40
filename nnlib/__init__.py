"""nnlib: the small numpy library of the course.

Every layer, loss and optimizer is written by hand in numpy; each module holds one
idea and names the chapter that derives it. Import the modules directly, e.g.
``from nnlib import activations, losses, layers``.
"""
__version__ = "0.1.0"
