"""Small standard data sets, downloaded once and cached (``mnist``, ...).

>>> from lamina.datasets import mnist
>>> (x_train, y_train), (x_test, y_test) = mnist.load_data()   # doctest: +SKIP
"""

from lamina.datasets import mnist

__all__ = ["mnist"]
