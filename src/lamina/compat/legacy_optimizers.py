"""``keras.optimizers.legacy`` (tf.keras 2.11+): the pre-2.11 optimizer classes by their old path.

Their hyperparameters and update rules are those of today's optimizers (the legacy classes
differed in internals, not in maths), so each name is today's class; ``lr=`` and ``decay=``
are read as Keras 2 read them under ``lamina run``. Keras 3 itself only raises on these.

>>> from lamina.compat import legacy_optimizers
>>> type(legacy_optimizers.Adam(learning_rate=0.01)).__name__
'Adam'
"""

from lamina.optimizers import SGD, Adagrad, Adam, Ftrl, Optimizer, RMSprop

__all__ = ["SGD", "Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop"]
