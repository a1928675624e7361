"""``tf.GradientTape``, ``tf.Variable``, ``tf.function`` and friends for the stand-in."""

from __future__ import annotations

import builtins
import functools

import numpy as np

from lamina.backend import core
from lamina.backend import tape as _tape
from lamina.compat.tensorflow._dtypes import _name_of


class GradientTape(_tape.GradientTape):
    """``tf.GradientTape`` on the engine's autograd.

    >>> import lamina.compat.tensorflow as tf
    >>> w = tf.Variable(3.0)
    >>> with tf.GradientTape() as tape:
    ...     loss = w * w
    >>> float(tape.gradient(loss, w))
    6.0
    """


def Variable(initial_value=None, trainable=True, validate_shape=True, caching_device=None,
             name=None, variable_def=None, dtype=None, import_scope=None, constraint=None,
             synchronization=None, aggregation=None, shape=None, experimental_enable_variable_lifting=True):  # noqa: E501
    """``tf.Variable``: an engine variable with ``assign``, ``assign_add``, ``numpy()``."""
    if initial_value is None:
        raise ValueError("tf.Variable: initial_value must be given")
    if callable(initial_value):
        initial_value = initial_value()
    return core.make_variable(initial_value, dtype=_name_of(dtype), trainable=trainable,
                              name=name or "Variable")


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """``@tf.function``: the function runs as written, eagerly on the engine.

    TensorFlow traces the function into a graph; its results are those of running it
    eagerly, which is what lamina does (the speed of a traced graph is not reproduced).
    """

    def wrap(f):
        @functools.wraps(f)
        def run(*args, **kwargs):
            return f(*args, **kwargs)

        run.python_function = f
        return run

    return wrap if func is None else wrap(func)


def print_(*inputs, output_stream=None, summarize=None, sep=" ", end="\n", name=None):
    """``tf.print``: prints tensors' values (not their repr), as TensorFlow does."""
    def show(x):
        if core.is_tensor(x):
            return np.array2string(core.convert_to_numpy(x), separator=" ")
        return builtins.str(x)

    builtins.print(*[show(x) for x in inputs], sep=sep, end=end)


def py_function(func, inp, Tout, name=None):  # noqa: N803 - TensorFlow's names
    """``tf.py_function``: call ``func`` on the inputs (already eager here)."""
    return func(*inp)


class TensorShape(tuple):
    """``tf.TensorShape``: a tuple of dimensions (None where unknown)."""

    def __new__(cls, dims=None):
        if dims is None:
            return super().__new__(cls, ())
        if isinstance(dims, int):
            dims = (dims,)
        return super().__new__(cls, tuple(None if d is None else int(d) for d in dims))

    @property
    def rank(self):
        return len(self)

    @property
    def ndims(self):
        return len(self)

    def as_list(self):
        return list(self)

    def num_elements(self):
        return None if None in self else int(np.prod(self))
