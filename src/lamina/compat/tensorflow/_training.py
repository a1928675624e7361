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
    variable = core.make_variable(initial_value, dtype=_name_of(dtype), trainable=trainable,
                                  name=name or "Variable")
    variable.__class__ = _TFVariable
    return variable


def _updated(variable, key, value, how):
    array = core.convert_to_numpy(variable).copy()
    value = np.asarray(core.convert_to_numpy(value) if core.is_tensor(value) else value)
    array[key] = how(array[key], value.astype(array.dtype))
    variable.assign(array)
    return variable


class _TFVariable(core.Variable):
    """What ``tf.Variable`` gives: an engine variable whose slices take ``assign`` too
    (``v[0, 1].assign(42)``, ``v[:, 2].assign([0., 1.])``), and ``scatter_nd_update``."""

    def __getitem__(self, key):
        part = super().__getitem__(key)
        part.assign = lambda value, **kw: _updated(self, key, value, lambda old, new: new)
        part.assign_add = lambda value, **kw: _updated(self, key, value, np.add)
        part.assign_sub = lambda value, **kw: _updated(self, key, value, np.subtract)
        return part

    def scatter_nd_update(self, indices, updates, name=None):
        indices = np.asarray(core.convert_to_numpy(indices) if core.is_tensor(indices)
                             else indices)
        key = tuple(indices.reshape(-1, indices.shape[-1]).T)
        return _updated(self, key, updates, lambda old, new: new.reshape(old.shape))

    def scatter_nd_add(self, indices, updates, name=None):
        indices = np.asarray(core.convert_to_numpy(indices) if core.is_tensor(indices)
                             else indices)
        key = tuple(indices.reshape(-1, indices.shape[-1]).T)
        array = core.convert_to_numpy(self).copy()
        np.add.at(array, key, np.asarray(updates, dtype=array.dtype))
        self.assign(array)
        return self


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
