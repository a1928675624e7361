"""Keras 2's ``keras.backend`` (``K``) functions, with their Keras 2 argument names.

Served as ``keras.backend`` under ``lamina run``, so Keras 2 custom losses, metrics and layers
written as ``K.mean(K.square(y_pred - y_true), axis=-1)`` run unchanged. Each function is a
thin alias over ``lamina.ops`` (DESIGN rule 12); graph-mode pieces of Keras 2 that have no
meaning without placeholders (``placeholder``, ``get_session``) are absent; ``function`` is
kept for its common use, reading a model's intermediate outputs from symbolic tensors.

>>> from lamina.compat import backend as K
>>> import lamina
>>> float(K.mean(K.square(lamina.ops.ones((2, 2))), axis=-1)[0])
1.0
"""

from __future__ import annotations

import builtins as _builtins
import gc as _gc

import numpy as _np

from lamina import config as _config
from lamina import ops as _ops
from lamina import random as _random
from lamina.backend import core as _core
from lamina.backend import tape as _tape
from lamina.layers import layer as _layer_module
from lamina.ops.symbolic import SymbolicTensor as _Symbolic
from lamina.utils import dtype_utils as _dtype_utils
from lamina.utils import registry as _registry

# -- configuration --------------------------------------------------------------------------

epsilon = _config.epsilon
set_epsilon = _config.set_epsilon
floatx = _config.floatx
set_floatx = _config.set_floatx
image_data_format = _config.image_data_format
set_image_data_format = _config.set_image_data_format
backend = _config.backend


def image_dim_ordering():
    """Keras 1's name: 'tf' for channels_last, 'th' for channels_first."""
    return "tf" if image_data_format() == "channels_last" else "th"


def clear_session(free_memory=True):
    """Reset layer name counters (``dense``, ``dense_1``...) and free unused memory."""
    _registry.reset_uids()
    if free_memory:
        _gc.collect()


def get_uid(prefix=""):
    """1 on the first call for ``prefix``, then 2, 3...: the counter layer names are made from
    (after ``get_uid("dense")``, the next ``Dense()`` is named ``dense_1``)."""
    n = _registry._UIDS.get(prefix, 0) + 1
    _registry._UIDS[prefix] = n
    return n


# Keras 3's dtype helpers
standardize_dtype = _dtype_utils.standardize_dtype
result_type = _dtype_utils.result_type
is_float_dtype = _dtype_utils.is_float_dtype
is_int_dtype = _dtype_utils.is_int_dtype


def learning_phase():
    """The global learning phase: 1 after ``set_learning_phase(1)``, else 0 (inference).

    As a ``K.function`` input it marks the slot for the training flag."""
    return 1 if _layer_module.CALL_CONTEXT.training else 0


def set_learning_phase(value):
    """Keras 2's global learning phase: 1 makes calls that do not pass ``training=`` run in
    training mode (dropout on, batch statistics), 0 in inference mode. ``fit``, ``evaluate``
    and ``predict`` say their own mode, as in Keras 2. Per thread."""
    if value not in (0, 1, True, False):
        raise ValueError(f"Expected learning phase to be 0 or 1; received: {value!r}")
    _layer_module.CALL_CONTEXT.training = bool(value)


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """Keras 2's ``K.placeholder``: a symbolic input (``shape[0]`` is the batch size)."""
    from lamina.layers import Input

    if sparse:
        raise ValueError("K.placeholder(sparse=True): lamina has no sparse tensors")
    if shape is None:
        if ndim is None:
            raise ValueError("K.placeholder needs `shape` or `ndim`")
        shape = (None,) * ndim
    shape = tuple(shape)
    return Input(shape=shape[1:], batch_size=shape[0], dtype=dtype or floatx(), name=name)


class _Gradient(_layer_module.Layer):
    """A graph node holding d(sum of a loss)/d(a tensor), made by ``K.gradients``.

    Both are tensors of the same graph; the gradient is taken during the forward pass, so
    later ops (normalising it, a loss of it) are recorded after it, as in Keras 2.
    """

    def call(self, inputs):
        loss, wrt = inputs
        return _tape.gradient(loss, wrt)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[1])


def gradients(loss, variables):
    """Keras 2's ``K.gradients(loss, variables)``: a list of the gradients' symbolic tensors,
    for ``K.function``; ``variables`` may be model inputs or intermediate layer outputs.

    >>> # grads = K.gradients(loss, model.input)[0]
    >>> # iterate = K.function([model.input], [loss, grads])
    """
    wrt = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    if not isinstance(loss, _Symbolic):
        raise ValueError(
            "K.gradients(loss, variables) takes a symbolic loss built from a model's tensors "
            "(e.g. K.mean(model.output[:, 0])); for eager tensors use tf.GradientTape or "
            "torch.autograd.grad."
        )
    out = []
    for v in wrt:
        if not isinstance(v, _Symbolic):
            raise ValueError(
                "K.gradients: each variable must be a symbolic tensor of the same graph "
                f"(model.input or a layer's output); got {type(v).__name__}. For gradients "
                "with respect to weights, use tf.GradientTape."
            )
        out.append(_Gradient()([loss, v]))
    return out


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [_ops.stop_gradient(v) for v in variables]
    return _ops.stop_gradient(variables)


# -- tensors and variables ------------------------------------------------------------------


def is_tensor(x):
    return _core.is_tensor(x) or isinstance(x, _Symbolic)


def is_keras_tensor(x):
    return isinstance(x, _Symbolic)


def int_shape(x):
    """The shape as a tuple of ints (None where unknown)."""
    return tuple(x.shape) if not isinstance(x, (list, tuple)) else _np.shape(x)


def shape(x):
    return _ops.shape(x)


def ndim(x):
    return len(x.shape)


def dtype(x):
    return _ops.dtype(x)


def cast(x, dtype):
    return _ops.cast(x, dtype)


def variable(value, dtype=None, name=None, constraint=None):
    """A trainable variable holding ``value``."""
    return _core.make_variable(_np.asarray(value, dtype=dtype or floatx()), dtype or floatx(),
                               trainable=True, name=name)


def constant(value, dtype=None, shape=None, name=None):
    arr = _np.asarray(value, dtype=dtype or floatx())
    if shape is not None:
        arr = _np.broadcast_to(arr, shape).copy()
    return _core.convert_to_tensor(arr)


def get_value(x):
    """The value of a variable or tensor as a NumPy array."""
    return _core.convert_to_numpy(x)


def batch_get_value(xs):
    return [get_value(x) for x in xs]


def set_value(x, value):
    """Assign ``value`` (an array) to the variable ``x``."""
    x.assign(_np.asarray(value))


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)


def eval(x):  # noqa: A001 - Keras 2's name
    return get_value(x)


def count_params(x):
    return int(_np.prod(x.shape))


def update(x, new_x):
    return x.assign(new_x)


def update_add(x, increment):
    return x.assign_add(increment)


def update_sub(x, decrement):
    return x.assign_sub(decrement)


def moving_average_update(x, value, momentum):
    return x.assign(x * momentum + value * (1 - momentum))


def zeros(shape, dtype=None, name=None):
    return _ops.zeros(shape, dtype or floatx())


def ones(shape, dtype=None, name=None):
    return _ops.ones(shape, dtype or floatx())


def eye(size, dtype=None, name=None):
    n, m = (size, size) if isinstance(size, int) else size
    return _ops.eye(n, m, dtype=dtype or floatx())


def zeros_like(x, dtype=None, name=None):
    return _ops.zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None, name=None):
    return _ops.ones_like(x, dtype=dtype)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _random.normal(shape, mean, stddev, dtype or floatx(), seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _random.uniform(shape, minval, maxval, dtype or floatx(), seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _random.truncated_normal(shape, mean, stddev, dtype or floatx(), seed)


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    return _ops.cast(_random.uniform(shape, seed=seed) < p, dtype or floatx())


random_binomial = random_bernoulli


def dropout(x, level, noise_shape=None, seed=None):
    return _random.dropout(x, level, noise_shape, seed)


# -- maths ----------------------------------------------------------------------------------


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def mean(x, axis=None, keepdims=False):
    if _ops.dtype(x) == "bool":
        x = _ops.cast(x, floatx())
    return _ops.mean(x, axis=_axis(axis), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras 2's name
    return _ops.sum(x, axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return _ops.max(x, axis=_axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return _ops.min(x, axis=_axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return _ops.prod(x, axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return _ops.std(x, axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return _ops.var(x, axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return _ops.all(_ops.cast(x, "bool"), axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    return _ops.any(_ops.cast(x, "bool"), axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis=-1):
    return _ops.argmax(x, axis=axis)


def argmin(x, axis=-1):
    return _ops.argmin(x, axis=axis)


def cumsum(x, axis=0):
    return _ops.cumsum(x, axis=axis)


def cumprod(x, axis=0):
    return _ops.cumprod(x, axis=axis)


def logsumexp(x, axis=None, keepdims=False):
    return _ops.logsumexp(x, axis=_axis(axis), keepdims=keepdims)


square = _ops.square
sqrt = _ops.sqrt
abs = _ops.abs  # noqa: A001
exp = _ops.exp
log = _ops.log
sign = _ops.sign
sin = _ops.sin
cos = _ops.cos
maximum = _ops.maximum
minimum = _ops.minimum
equal = _ops.equal
not_equal = _ops.not_equal
greater = _ops.greater
greater_equal = _ops.greater_equal
less = _ops.less
less_equal = _ops.less_equal
sigmoid = _ops.sigmoid
tanh = _ops.tanh
softplus = _ops.softplus
softsign = _ops.softsign
hard_sigmoid = _ops.hard_sigmoid


def round(x):  # noqa: A001
    return _ops.round(x)


def pow(x, a):  # noqa: A001
    return _ops.power(x, a)


def clip(x, min_value, max_value):
    """``x`` clipped to ``[min_value, max_value]`` (a max below the min becomes the min)."""
    if min_value is None:
        min_value = -_np.inf
    if max_value is None:
        max_value = _np.inf
    if isinstance(max_value, (int, float)) and isinstance(min_value, (int, float)) \
            and max_value < min_value:
        max_value = min_value
    return _ops.clip(x, min_value, max_value)


def dot(x, y):
    """Keras 2's dot: contracts the last axis of ``x`` with the second-to-last of ``y``."""
    return _ops.dot(x, y)


def batch_dot(x, y, axes=None):
    """Per-sample dot product of two batches, contracting ``axes`` (Keras 2 semantics)."""
    x_ndim, y_ndim = len(x.shape), len(y.shape)
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 2 if y_ndim >= 3 else y_ndim - 1]
    elif isinstance(axes, int):
        axes = [axes, axes]
    ax, ay = (a % n for a, n in zip(axes, (x_ndim, y_ndim)))
    if ax == 0 or ay == 0:
        raise ValueError("batch_dot: cannot contract the batch axis (axis 0)")
    xm = _ops.moveaxis(x, ax, -1)
    ym = _ops.moveaxis(y, ay, 1)
    x_rest, y_rest = tuple(xm.shape[1:-1]), tuple(ym.shape[2:])
    k = xm.shape[-1]
    out = _ops.matmul(_ops.reshape(xm, (-1, int(_np.prod(x_rest)), k)),
                      _ops.reshape(ym, (-1, k, int(_np.prod(y_rest)))))
    out = _ops.reshape(out, (-1,) + x_rest + y_rest)
    if len(out.shape) == 1:
        out = _ops.expand_dims(out, 1)
    return out


def transpose(x):
    return _ops.transpose(x)


def permute_dimensions(x, pattern):
    return _ops.transpose(x, tuple(pattern))


def concatenate(tensors, axis=-1):
    return _ops.concatenate(list(tensors), axis=axis)


def stack(x, axis=0):
    return _ops.stack(list(x), axis=axis)


def reshape(x, shape):
    return _ops.reshape(x, tuple(shape))


def flatten(x):
    return _ops.reshape(x, (-1,))


def batch_flatten(x):
    """(batch, ...) -> (batch, everything else)."""
    return _ops.reshape(x, (-1, int(_np.prod(x.shape[1:]))))


def expand_dims(x, axis=-1):
    return _ops.expand_dims(x, axis)


def squeeze(x, axis):
    return _ops.squeeze(x, axis)


def tile(x, n):
    return _ops.tile(x, n)


def repeat_elements(x, rep, axis):
    return _ops.repeat(x, rep, axis=axis)


def repeat(x, n):
    """(batch, dim) -> (batch, n, dim)."""
    return _ops.repeat(_ops.expand_dims(x, 1), n, axis=1)


def gather(reference, indices):
    """Rows ``indices`` of ``reference``."""
    return _ops.take(reference, indices, axis=0)


def one_hot(indices, num_classes):
    return _ops.one_hot(indices, num_classes)


def l2_normalize(x, axis=None):
    return _ops.normalize(x, axis=-1 if axis is None else axis, order=2, epsilon=1e-12)


def switch(condition, then_expression, else_expression):
    """Elementwise choice; callables are called first (Keras 2 took both)."""
    then = then_expression() if callable(then_expression) else then_expression
    other = else_expression() if callable(else_expression) else else_expression
    return _ops.where(_ops.cast(condition, "bool"), then, other)


def in_train_phase(x, alt, training=None):
    chosen = x if training else alt
    return chosen() if callable(chosen) else chosen


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training)


class _Function:
    """What ``K.function(inputs, outputs)`` returns: call it with a list of arrays."""

    def __init__(self, inputs, outputs):
        from lamina.models import Model

        single = not isinstance(outputs, (list, tuple))
        self._single = single
        outputs = [outputs] if single else list(outputs)
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        # K.learning_phase() in the inputs (a plain 0 here) marks the training-flag slot.
        self._phase = [i for i, x in enumerate(inputs) if not isinstance(x, _Symbolic)]
        tensors = [x for x in inputs if isinstance(x, _Symbolic)]
        bad = [x for x in outputs if not isinstance(x, _Symbolic)]
        if bad or not tensors:
            raise ValueError(
                "K.function(inputs, outputs) takes a model's symbolic tensors "
                "(`model.input`, `model.layers[i].output`); for eager values call the model "
                "or build `keras.Model(inputs, outputs)` instead."
            )
        self._model = Model(inputs=tensors if len(tensors) > 1 else tensors[0], outputs=outputs)
        self._differentiates = _builtins.any(isinstance(layer, _Gradient)
                                             for layer in self._model.layers)

    def __call__(self, values):
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        training = bool(values[self._phase[0]]) if self._phase else bool(learning_phase())
        arrays = [v for i, v in enumerate(values) if i not in self._phase]
        if self._differentiates:
            # gradients with respect to the inputs: they must record operations
            arrays = [_tape.requiring_grad(_core.convert_to_tensor(_np.asarray(v, dtype=floatx())
                                                                   if not _core.is_tensor(v)
                                                                   else v)) for v in arrays]
        result = self._model(arrays if len(arrays) > 1 else arrays[0], training=training)
        result = list(result) if isinstance(result, (list, tuple)) else [result]
        out = [get_value(r) for r in result]
        return out[0] if self._single else out


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """Keras 2's ``K.function([model.input], [model.layers[1].output])``: a callable that
    maps a list of input arrays to a list of NumPy outputs (a sub-model underneath).

    Put ``K.learning_phase()`` among the inputs to pass the training flag as a value (1 runs
    dropout and batch statistics, 0 does not). ``updates=`` (graph-mode assignments) is
    refused.
    """
    if updates:
        raise ValueError("K.function(updates=...) is graph-mode Keras 2; lamina has no graph "
                         "session: apply the updates in a training step instead.")
    return _Function(inputs, outputs)


def print_tensor(x, message=""):
    print(message, get_value(x))
    return x


# -- activations and losses -----------------------------------------------------------------


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras 2's relu with a leak ``alpha``, a cap ``max_value`` and a ``threshold``."""
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return _ops.relu(x)
    out = _ops.where(x > threshold, x, alpha * (x - threshold) if alpha else _ops.zeros_like(x))
    if max_value is not None:
        out = _ops.minimum(out, max_value)
    return out


def elu(x, alpha=1.0):
    return _ops.elu(x, alpha)


def softmax(x, axis=-1):
    return _ops.softmax(x, axis=axis)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    return _ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    return _ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits,
                                                axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    return _ops.binary_crossentropy(target, output, from_logits=from_logits)
