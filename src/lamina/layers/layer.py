"""The Layer base class.

A Layer holds variables (``add_weight``), computes ``call(inputs)``, and builds itself the first
time it sees an input shape. On torch it IS a ``torch.nn.Module`` (DESIGN rule 4), so
``.parameters()``, ``.to(device)`` and ``state_dict`` work on any lamina layer or model.

Calling a layer on symbolic tensors (from ``Input``) computes output shapes once, on
shape-only tensors, and records a graph node (DESIGN rule 3); calling it on real tensors goes
straight to ``call``.

>>> import lamina
>>> class Scale(lamina.layers.Layer):
...     def build(self, input_shape):
...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
...     def call(self, x):
...         return x * self.w
>>> tuple(Scale()(lamina.ops.ones((2, 3))).shape)
(2, 3)
"""

from __future__ import annotations

import functools
import inspect
import threading

import numpy as np

from lamina import activations, config, constraints, initializers, regularizers, tree
from lamina.backend import core as backend
from lamina.layers.input_spec import InputSpec, check_input_spec
from lamina.layers.node import Node
from lamina.ops.symbolic import SymbolicTensor, is_symbolic
from lamina.utils import registry

_Tensor = None  # the engine tensor type, set lazily from backend


class _CallContext(threading.local):
    """Per-thread call state (DESIGN rule 12, as Keras' ``global_state`` is thread-local), so
    threads can predict at once and a ``fit`` in one does not set ``training`` in another."""

    def __init__(self):
        self.training = None  # what the outermost call said, for the layers inside it
        self.depth = 0  # how many layer calls are in progress
        # Keras' name scopes: a variable's path is the stack of names open when it was created
        self.name_scopes = []
        # the layers holding losses from the current outermost call (cleared when the next begins)
        self.layers_with_losses = []


CALL_CONTEXT = _CallContext()


def name_scope_stack() -> list:
    """This thread's stack of open name scopes (``lamina.name_scope`` pushes onto it)."""
    return CALL_CONTEXT.name_scopes


def __getattr__(name):
    # the module-level names this state had before it became per-thread
    if name == "_NAME_SCOPES":
        return CALL_CONTEXT.name_scopes
    if name == "_LAYERS_WITH_LOSSES":
        return CALL_CONTEXT.layers_with_losses
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _NameScope:
    """Keras' ``name_scope(name, caller=...)``: re-entering the same caller's scope is a no-op,
    and a caller that recorded a ``_parent_path`` restarts the path from it."""

    def __init__(self, name, caller):
        self.name = name
        self.caller = caller
        self.override_parent = caller.__dict__.get("_parent_path")
        self._pushed = False

    def __enter__(self):
        stack = CALL_CONTEXT.name_scopes
        top = stack[-1] if stack else None
        if top is not None and top.caller is self.caller and top.name == self.name:
            return self
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc):
        stack = CALL_CONTEXT.name_scopes
        if self._pushed and stack:
            stack.pop()


def current_path() -> str:
    """The ``/``-joined names of the open name scopes (Keras' ``current_path()``)."""
    parts = []
    for entry in CALL_CONTEXT.name_scopes:
        if entry.override_parent is not None:
            parts = [p for p in entry.override_parent.split("/") if p]
        parts.append(entry.name)
    return "/".join(parts)


def _scoped_build(build):
    """Wrap a ``build`` method so it runs in the layer's name scope (as Keras' build wrapper)."""

    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        shape = args[0] if args else kwargs.get("input_shape")
        if shape is not None and self.__dict__.get("_build_shapes") is None:
            self._build_shapes = shape  # Keras records it too: get_build_config() gives it
        with self._open_name_scope():
            self._path = current_path()
            return build(self, *args, **kwargs)

    wrapper._lamina_scoped = True
    return wrapper


# Keras' variable aggregation modes (keras/src/backend/common/variables.py)
_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")

_BASE_ARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim", "input_length"}
# Keras 1 argument names that still appear in old tutorials, with what replaced them
_KERAS1_ARGS = {
    "border_mode": "padding", "subsample": "strides", "nb_filter": "filters",
    "nb_row": "kernel_size", "nb_col": "kernel_size", "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint", "b_constraint": "bias_constraint", "bias": "use_bias",
    "dim_ordering": "data_format", "output_dim": "units", "pool_length": "pool_size",
    "filter_length": "kernel_size", "subsample_length": "strides", "p": "rate",
    "dropout_W": "dropout", "dropout_U": "recurrent_dropout", "consume_less": "implementation",
}


# Nested structures follow lamina.tree (Keras' rules); models/ and training/ import the name.
_flatten = tree.flatten


def _pack_like(structure, flat, pos=0):
    """Rebuild ``structure`` with leaves taken in order from ``flat``; returns (value, next_pos)."""
    n = len(tree.flatten(structure))
    return tree.pack_sequence_as(structure, flat[pos:pos + n]), pos + n


# Set by `lamina run` for tf.keras scripts (compat.tf_alias): the stand-in's tf.TensorShape,
# a tuple with as_list(), which tf.keras handed to a user layer's build/compute_output_shape.
USER_SHAPE_TYPE = None


def _user_shapes(layer, shapes):
    if USER_SHAPE_TYPE is None or type(layer).__module__.startswith("lamina."):
        return shapes
    return _as_shape_type(shapes)


def _as_shape_type(shapes):
    if isinstance(shapes, list):
        return [_as_shape_type(s) for s in shapes]
    if isinstance(shapes, dict):
        return {k: _as_shape_type(v) for k, v in shapes.items()}
    if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
        return USER_SHAPE_TYPE(shapes)
    return shapes


def _shape_structure(x):
    """Shapes of a tensor, or a list/dict of tensors, as tuples (None for unknown)."""
    if isinstance(x, (list, tuple)):
        return [_shape_structure(v) for v in x]
    if isinstance(x, dict):
        return {k: _shape_structure(v) for k, v in x.items()}
    if isinstance(x, SymbolicTensor):
        return x.shape
    return tuple(x.shape)


class Layer(backend.LayerBase):
    """Base class of all layers: variables, build/call, config and graph bookkeeping."""

    # set by subclasses that pass masks through unchanged
    supports_masking = False
    # set by layers that take string inputs (host arrays of str/bytes), e.g. StringLookup;
    # others refuse a symbolic "string" input when called on it
    _takes_strings = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_lamina_scoped", False):
            cls.build = _scoped_build(build)

    def _open_name_scope(self):
        """The layer's name scope; the first one opened records the enclosing path for good."""
        if self.__dict__.get("_parent_path") is None:
            self._parent_path = current_path()
        return _NameScope(self.name, self)

    @property
    def path(self):
        """The layer's path (``outer_model/layer``) once built, else None."""
        return self.__dict__.get("_path")

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable: bool = True,
        dtype=None,
        autocast: bool = True,
        name: str | None = None,
        **kwargs,
    ):
        backend.LayerBase.__init__(self)
        unknown = set(kwargs) - _BASE_ARGS
        if unknown:
            hints = [f"{k} -> {_KERAS1_ARGS[k]}" for k in sorted(unknown) if k in _KERAS1_ARGS]
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(unknown)}"
                + (f"; Keras 1 names, now: {', '.join(hints)}" if hints else "")
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}")
        self.name = name or registry.unique_name(registry.snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self._set_dtype(dtype)
        self.autocast = autocast
        self.built = False
        self.input_spec = None
        self._own_variables = []
        self._losses = []
        self._inbound_nodes = []
        self._outbound_nodes = []
        self.activity_regularizer = regularizers.get(activity_regularizer)
        sig = inspect.signature(self.call).parameters
        self._call_takes_training = "training" in sig
        self._call_takes_mask = "mask" in sig
        self._call_has_varkw = any(p.kind == p.VAR_KEYWORD for p in sig.values())
        self._makes_masks = type(self).compute_mask is not Layer.compute_mask

        # Keras 2/3 shorthand for the input shape of the first layer of a Sequential
        batch_size = kwargs.get("batch_size")
        if "batch_input_shape" in kwargs and kwargs["batch_input_shape"] is not None:
            self._batch_input_shape = tuple(kwargs["batch_input_shape"])
        elif "input_shape" in kwargs and kwargs["input_shape"] is not None:
            shape = kwargs["input_shape"]
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            self._batch_input_shape = (batch_size,) + shape
        elif kwargs.get("input_dim") is not None:
            if kwargs.get("input_length") is not None:
                self._batch_input_shape = (batch_size, kwargs["input_length"])
            else:
                self._batch_input_shape = (batch_size, int(kwargs["input_dim"]))
        else:
            self._batch_input_shape = None

    # -- dtype ------------------------------------------------------------------------------

    def _set_dtype(self, dtype):
        if isinstance(dtype, dict):  # DTypePolicy config (QuantizedDTypePolicy: mode + source)
            cfg = dtype.get("config", {}) or {}
            dtype = (f"{cfg['mode']}_from_{cfg.get('source_name') or config.floatx()}"
                     if "mode" in cfg else cfg.get("name", None))
        if dtype is not None and not isinstance(dtype, str):
            dtype = getattr(dtype, "name", None) or backend.standardize_dtype(dtype)
        name = dtype or config.dtype_policy_name()
        self._quantization_mode = None
        if "_from_" in name:  # Keras' quantized policies: "int8_from_float32"
            mode, name = name.split("_from_", 1)
            if mode != "int8":
                raise NotImplementedError(
                    f"Layer '{self.name}': the quantized dtype policy {dtype!r} is not "
                    "supported; lamina quantizes to 'int8' only (int4, float8, GPTQ and AWQ "
                    "are not built).")
            self._quantization_mode = mode
        if name.startswith("mixed_"):
            self._compute_dtype = "float16" if name == "mixed_float16" else "bfloat16"
            self._variable_dtype = "float32"
        else:
            self._compute_dtype = self._variable_dtype = backend.standardize_dtype(name)
        self._dtype_policy_name = name
        self._engine_compute_dtype = backend.to_engine_dtype(self._compute_dtype)
        self._mixed = self._compute_dtype != self._variable_dtype

    @property
    def dtype(self) -> str:
        """The variable dtype (Keras' ``layer.dtype``)."""
        return self._variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._variable_dtype

    @property
    def dtype_policy(self):
        if self._quantization_mode:
            return f"{self._quantization_mode}_from_{self._dtype_policy_name}"
        return self._dtype_policy_name

    @property
    def quantization_mode(self):
        """``"int8"`` for a layer quantized by ``quantize("int8")``, else None."""
        return self._quantization_mode

    # -- variables --------------------------------------------------------------------------

    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
    ):
        """Create a variable of this layer, initialised now, tracked in ``weights``.

        ``aggregation`` ("none", "mean", "sum", "only_first_replica") is kept on the variable
        (``variable.aggregation``) for custom data-parallel loops, as in Keras.
        """
        if aggregation is None:
            aggregation = "none"
        if aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"Layer '{self.name}': add_weight(aggregation=...) must be one of "
                f"{list(_AGGREGATIONS)} or None; received aggregation={aggregation!r}."
            )
        if overwrite_with_gradient:
            # Keras' float8 training trick: the optimizer writes the gradient into the variable
            raise NotImplementedError(
                f"Layer '{self.name}': add_weight(overwrite_with_gradient=True) (float8 "
                "training) is not supported by lamina."
            )
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = dtype or self._variable_dtype
        if initializer is None:
            is_float = backend.standardize_dtype(dtype).startswith(("float", "bfloat"))
            initializer = "glorot_uniform" if is_float else "zeros"
        init = initializers.get(initializer)
        # Keras names unnamed variables from one session-wide counter: variable, variable_1...
        name = name or registry.unique_name("variable")
        with backend.real_tensors():  # also when first built inside a shape-only run
            value = init(shape, dtype=dtype) if callable(init) else init
            var = backend.make_variable(value, dtype=dtype, trainable=trainable, name=name)
        with _NameScope(self.name, self):
            var._lamina_path = f"{current_path()}/{name}"
        var._lamina_created_trainable = bool(trainable)
        var._lamina_regularizer = regularizers.get(regularizer)
        var._lamina_constraint = constraints.get(constraint)
        # Keras' Variable exposes them as .regularizer and .constraint
        var.regularizer = var._lamina_regularizer
        var.constraint = var._lamina_constraint
        var.aggregation = aggregation
        var.overwrite_with_gradient = False
        var.autocast = bool(autocast)
        key = self._parameter_key(name)
        self.register_parameter(key, var)
        # the key follows the attribute the variable is first assigned to (see __setattr__)
        var._lamina_key_bound = False
        self._own_variables.append(var)
        return var

    def _parameter_key(self, name):
        """A ``state_dict`` key for a new variable, the same in every process (DESIGN rule 4):
        the weight name, made an identifier, with ``_1``, ``_2``... if it is taken."""
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "variable"
        if base[0].isdigit():
            base = f"_{base}"
        key, n = base, 0
        while (key in self._parameters or key in self._modules or key in self._buffers
               or hasattr(type(self), key)
               or (key in self.__dict__ and self.__dict__[key] is not None)):
            n += 1
            key = f"{base}_{n}"
        # a placeholder such as BatchNormalization's ``self.gamma = None`` gives way
        self.__dict__.pop(key, None)
        return key

    def add_variable(self, shape, initializer="zeros", dtype=None, trainable=True, name=None, **kw):
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype,
                               trainable=trainable, name=name, **kw)

    def _sublayers(self):
        """Direct sublayers, in the order they were assigned (attributes, lists, dicts)."""
        seen = set()
        out = []
        for m in self._modules.values():
            if isinstance(m, Layer) and id(m) not in seen:
                seen.add(id(m))
                out.append(m)
        for v in self.__dict__.get("_tracked_containers", ()):
            for m in tree.flatten(v):
                if isinstance(m, Layer) and id(m) not in seen:
                    seen.add(id(m))
                    out.append(m)
        return out

    def __setattr__(self, name, value):
        if type(value) is backend.Variable and self._bind_variable_key(name, value):
            return
        if (
            isinstance(value, (list, tuple, dict))
            and not name.startswith("_")
            and any(isinstance(v, Layer) for v in tree.flatten(value))
        ):
            backend.LayerBase.__setattr__(self, name, value)
            tracked = self.__dict__.setdefault("_tracked_containers", [])
            tracked.append(value)
            for i, layer in enumerate(v for v in tree.flatten(value) if isinstance(v, Layer)):
                self._modules.setdefault(f"{name}_{i}", layer)
            return
        backend.LayerBase.__setattr__(self, name, value)

    def _bind_variable_key(self, name, var):
        """Register each own variable once, under the attribute that holds it: ``self.gamma =
        add_weight(name="g")`` renames key ``g`` to ``gamma``; a second attribute holding the same
        variable is a plain alias, not a second ``state_dict`` entry. True if handled here."""
        params = self.__dict__.get("_parameters")
        if params is None or not any(v is var for v in self.__dict__.get("_own_variables", ())):
            return False
        key = next((k for k, v in params.items() if v is var), None)
        if key is None or key == name:
            var._lamina_key_bound = True
            return False
        if not getattr(var, "_lamina_key_bound", False) and name not in self._modules \
                and name not in self._buffers:
            # first attribute: the variable moves to that key (replacing what it held, as a
            # rebuilt ``self.kernel = add_weight(...)`` replaces the old kernel in torch)
            var._lamina_key_bound = True
            if name in params:
                params[name] = var
                del params[key]
            else:
                items = [(name if k == key else k, v) for k, v in params.items()]
                params.clear()
                params.update(items)
            self.__dict__.pop(name, None)
            return True
        object.__setattr__(self, name, var)
        return True

    @property
    def weights(self):
        """All variables: this layer's own (trainable first), then its sublayers'."""
        # Keras' order: variables created trainable, then those created non-trainable
        # (freezing a layer later does not reorder them)
        own = [v for v in self._own_variables if v._lamina_created_trainable] + [
            v for v in self._own_variables if not v._lamina_created_trainable
        ]
        seen = {id(v) for v in own}
        out = list(own)
        for layer in self._sublayers():
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool):
        value = bool(value)
        self._trainable = value
        # Keras flips only the variables created trainable: a variable made with
        # trainable=False stays frozen when the layer is unfrozen again
        for v in self._own_variables:
            if getattr(v, "_lamina_keep_untrainable", False):
                continue
            if not getattr(v, "_lamina_created_trainable", True):
                continue
            v.trainable = value
        for layer in self._sublayers():
            layer.trainable = value

    def get_weights(self):
        """The weights as a list of NumPy arrays (copies), in ``weights`` order."""
        return [np.array(backend.convert_to_numpy(v), copy=True) for v in self.weights]

    def set_weights(self, weights):
        """Set the weights from a list of arrays (same order and shapes as ``get_weights()``)."""
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list "
                f"of length {len(weights)}, but the layer was expecting {len(params)} weights."
            )
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(w.shape) != tuple(p.shape):
                raise ValueError(
                    f"Layer {self.name} weight shape {tuple(p.shape)} is not compatible with "
                    f"provided weight shape {tuple(w.shape)}."
                )
        for p, w in zip(params, weights):
            p.assign(np.asarray(w))

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- losses -----------------------------------------------------------------------------

    def add_loss(self, loss):
        """Add a loss tensor (e.g. from ``call``) to be added to the training loss."""
        if not self._losses:
            CALL_CONTEXT.layers_with_losses.append(self)
        self._losses.append(loss)

    def _regularization_losses(self):
        out = []
        for v in self._own_variables:
            reg = getattr(v, "_lamina_regularizer", None)
            if reg is not None and v.trainable:
                out.append(reg(v))
        return out

    @property
    def losses(self):
        """Losses added in the last call plus the weight regularization penalties."""
        out = list(self._losses) + self._regularization_losses()
        for layer in self._sublayers():
            out.extend(layer.losses)
        return out

    # -- build and call ---------------------------------------------------------------------

    def build(self, input_shape):
        """Create the variables for inputs of ``input_shape``. Override in subclasses."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The layer's computation. Override in subclasses."""
        return inputs

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape``; by default found by running ``call`` shape-only."""
        raise NotImplementedError

    def compute_mask(self, inputs, mask=None):
        """The mask of the output: by default the input mask (Keras' ``previous_mask``); it is
        only attached to outputs of layers that support masking or compute their own."""
        return mask

    def _build_for(self, inputs):
        shapes = _shape_structure(inputs)
        if self.input_spec is not None:
            check_input_spec(self, self.input_spec, inputs)
        self.build(_user_shapes(self, shapes))
        self.built = True
        self._build_shapes = shapes

    def __call__(self, *args, **kwargs):
        context = CALL_CONTEXT
        if context.depth == 0 and context.layers_with_losses:
            # Keras clears the losses of the last call when a new outermost call begins
            for layer in context.layers_with_losses:
                layer._losses.clear()
            context.layers_with_losses.clear()
        context.depth += 1
        try:
            if self.built:
                return self._scoped_call(args, kwargs)
            # an unbuilt layer builds and calls in its name scope, so sublayers first built
            # here get variable paths under this layer's (Keras' ``outer/inner/kernel``)
            with self._open_name_scope():
                return self._scoped_call(args, kwargs)
        finally:
            context.depth -= 1

    def _scoped_call(self, args, kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        if is_symbolic(inputs):
            return self._symbolic_call(args, kwargs)
        # NumPy strings (kind U/S/O) have no engine tensor: they stay host arrays, for the
        # string-taking layers (a model passes them through to those)
        if isinstance(inputs, np.ndarray):
            if inputs.dtype.kind not in "USO":
                inputs = self._array_to_tensor(inputs)
                args = (inputs,) + args[1:]
        elif isinstance(inputs, (list, tuple)) and any(isinstance(v, np.ndarray) for v in inputs):
            inputs = type(inputs)(
                self._array_to_tensor(v)
                if isinstance(v, np.ndarray) and v.dtype.kind not in "USO" else v
                for v in inputs
            )
            args = (inputs,) + args[1:]
        if not self.built:
            self._build_for(inputs)
        training = kwargs.get("training")
        if self._call_takes_training:
            if training is None:
                kwargs["training"] = CALL_CONTEXT.training
        elif "training" in kwargs and not self._call_has_varkw:
            kwargs.pop("training")
        mask = None
        if self._call_takes_mask and kwargs.get("mask") is None:
            mask = getattr(inputs, "_keras_mask", None) if not isinstance(inputs, (list, tuple)) \
                else [getattr(t, "_keras_mask", None) for t in inputs]
            if mask is not None and not (isinstance(mask, list) and all(m is None for m in mask)):
                kwargs["mask"] = mask
        if "mask" in kwargs and not self._call_takes_mask and not self._call_has_varkw:
            mask = kwargs.pop("mask")
        context = CALL_CONTEXT
        outer = context.training
        if training is not None:
            context.training = training
        try:
            if self._mixed and self.autocast:
                outputs = self._call_mixed(args, kwargs)
            else:
                outputs = self.call(*args, **kwargs)
        except Exception as e:
            self._explain_failure(e, inputs)
            raise
        finally:
            context.training = outer
        if self.activity_regularizer is not None:
            for out in tree.flatten(outputs):
                self.add_loss(self.activity_regularizer(out) / out.shape[0])
        if mask is None and not self._call_takes_mask:
            mask = getattr(inputs, "_keras_mask", None) if backend.is_tensor(inputs) else None
        if (mask is not None and self.supports_masking) or self._makes_masks:
            out_mask = self.compute_mask(inputs, kwargs.get("mask", mask))
            if out_mask is not None and backend.is_tensor(outputs):
                try:
                    outputs._keras_mask = out_mask
                except AttributeError:
                    pass
        return outputs

    def _array_to_tensor(self, array):
        # Keras' dtype policy: float arrays (NumPy's float64 from StandardScaler, ...) come
        # in the layer's compute dtype, so `layer(x)` works on them as `fit` does
        if array.dtype.kind == "f" and self.autocast:
            return backend.convert_to_tensor(array, self._compute_dtype)
        return backend.convert_to_tensor(array)

    def _call_mixed(self, args, kwargs):
        """Mixed precision: float inputs in the compute dtype, variables cast by the engine's
        autocast inside ``call``, float outputs in the compute dtype (Keras' policy rules)."""
        dtype = self._compute_dtype

        def cast(x):
            if backend.is_tensor(x) and backend.float_dtype_like(x) and backend.dtype_of(x) != dtype:
                return backend.cast(x, dtype)
            return x

        args = tuple(_map_tensors(cast, a) for a in args)
        with backend.autocast(dtype):
            outputs = self.call(*args, **kwargs)
        return _map_tensors(cast, outputs)

    def _explain_failure(self, error, inputs):
        """Turn an engine error from ``call`` into one that names this layer and the shapes."""
        if getattr(error, "_lamina_explained", False):
            return
        if self.input_spec is not None and self.built:
            check_input_spec(self, self.input_spec, inputs)
        try:
            error._lamina_explained = True
            shapes = _shape_structure(inputs)
            error.args = (
                f"Exception in layer '{self.name}' ({type(self).__name__}) called on inputs "
                f"of shape {shapes}: {error.args[0] if error.args else error}",
            ) + tuple(error.args[1:])
        except Exception:  # pragma: no cover - some exception types refuse new args
            pass

    # -- symbolic path ----------------------------------------------------------------------

    def _symbolic_call(self, args, kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        if not self._takes_strings:
            _refuse_string_inputs(self, inputs)
        if not self.built:
            if self.input_spec is not None:
                check_input_spec(self, self.input_spec, inputs)
            self.build(_user_shapes(self, _shape_structure(inputs)))
            self.built = True
            self._build_shapes = _shape_structure(inputs)
        elif self.input_spec is not None:
            check_input_spec(self, self.input_spec, inputs)
        outputs = self._output_spec(args, kwargs)
        in_masks = [getattr(t, "_mask", None) for t in tree.flatten(inputs) if isinstance(t, SymbolicTensor)]
        node = Node(self, args, kwargs, outputs)
        if any(m is not None for m in in_masks) or self._call_takes_mask:
            for t in tree.flatten(outputs):
                if isinstance(t, SymbolicTensor):
                    t._mask = True if (self.supports_masking or self._produces_mask()) else None
        return node.outputs

    def _produces_mask(self):
        return type(self).compute_mask is not Layer.compute_mask

    def _output_spec(self, args, kwargs):
        """Symbolic outputs for symbolic inputs, found once per layer call (DESIGN rule 3)."""
        inputs = args[0] if args else kwargs.get("inputs")
        try:
            shape = self.compute_output_shape(_user_shapes(self, _shape_structure(inputs)))
        except NotImplementedError:
            shape = None
        if shape is not None:
            return _symbolic_from_shapes(shape, self._compute_dtype, inputs)
        sym = [t for t in tree.flatten((args, kwargs)) if isinstance(t, SymbolicTensor)]
        specs = [(t.shape, t.dtype) for t in sym]
        structure = {}

        def run(flat):
            lookup = {id(t): v for t, v in zip(sym, flat)}
            real_args, real_kwargs = _replace_symbolic((args, kwargs), lookup)
            call_kwargs = dict(real_kwargs)
            if self._call_takes_training:
                call_kwargs.setdefault("training", False)
            else:
                call_kwargs.pop("training", None)
            if not self._call_takes_mask and not self._call_has_varkw:
                call_kwargs.pop("mask", None)
            out = self.call(*real_args, **call_kwargs)
            structure["out"] = out
            return tree.flatten(out)

        try:
            results = backend.compute_output_shapes(run, specs)
        except Exception as e:
            raise type(e)(
                f"Layer '{self.name}' ({type(self).__name__}) failed on symbolic inputs of shape "
                f"{[s for s, _ in specs]}: {e}"
            ) from e
        self._losses.clear()
        flat = [SymbolicTensor(s, d) for s, d in results]
        return _pack_like(structure["out"], flat)[0]

    # -- graph bookkeeping ------------------------------------------------------------------

    @property
    def input(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on a symbolic input")
        return self._inbound_nodes[0].call_args[0]

    @property
    def output(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on a symbolic input")
        return self._inbound_nodes[0].outputs

    @property
    def input_shape(self):
        return _shape_structure(self.input)

    @property
    def output_shape(self):
        return _shape_structure(self.output)

    # -- config -----------------------------------------------------------------------------

    def get_config(self) -> dict:
        """Constructor arguments, as Keras writes them (name, trainable, dtype, ...)."""
        cfg = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": {
                "module": "keras",
                "class_name": "DTypePolicy",
                "config": {"name": self._dtype_policy_name},
                "registered_name": None,
            } if not self._quantization_mode else {
                "module": "keras.dtype_policies",
                "class_name": "QuantizedDTypePolicy",
                "config": {"mode": self._quantization_mode,
                           "source_name": self._dtype_policy_name},
                "registered_name": None,
            },
        }
        if self.activity_regularizer is not None:
            cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = list(self._batch_input_shape)
        return cfg

    @classmethod
    def from_config(cls, config: dict):
        """Rebuild the layer from ``get_config()``'s output."""
        return cls(**config)

    def get_build_config(self):
        shapes = getattr(self, "_build_shapes", None)
        if shapes is None:
            return None
        return {"input_shape": _to_list(shapes)}

    def build_from_config(self, config):
        if config and "input_shape" in config and not self.built:
            shape = config["input_shape"]
            self.build(tuple(shape) if shape and not isinstance(shape[0], (list, dict)) else shape)
            self.built = True
            self._build_shapes = shape

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    # torch's Module.__call__ is replaced above; keep forward() working for torch tools
    def forward(self, *args, **kwargs):
        return self.__call__(*args, **kwargs)


Layer.build = _scoped_build(Layer.build)


def _refuse_string_inputs(layer, inputs):
    for t in tree.flatten(inputs):
        if isinstance(t, SymbolicTensor) and t.dtype == "string":
            raise TypeError(
                f"Layer '{layer.name}' ({type(layer).__name__}) was called on a string input "
                f"({t.name!r}, shape {t.shape}), but it computes on numbers and strings have "
                "no engine tensor. Turn the strings into numbers first with a StringLookup, "
                "TextVectorization or Hashing layer (a custom layer that takes host string "
                "arrays sets the class attribute `_takes_strings = True`)."
            )


def _map_tensors(fn, x):
    if isinstance(x, (list, tuple)):
        return type(x)(_map_tensors(fn, v) for v in x)
    if isinstance(x, dict):
        return {k: _map_tensors(fn, v) for k, v in x.items()}
    return fn(x)


def _to_list(x):
    if isinstance(x, tuple):
        return [_to_list(v) for v in x]
    if isinstance(x, list):
        return [_to_list(v) for v in x]
    if isinstance(x, dict):
        return {k: _to_list(v) for k, v in x.items()}
    return x


def _replace_symbolic(structure, lookup):
    if isinstance(structure, SymbolicTensor):
        return lookup[id(structure)]
    if isinstance(structure, (list, tuple)):
        out = [_replace_symbolic(v, lookup) for v in structure]
        return tuple(out) if isinstance(structure, tuple) else out
    if isinstance(structure, dict):
        return {k: _replace_symbolic(v, lookup) for k, v in structure.items()}
    return structure


def _symbolic_from_shapes(shape, dtype, inputs):
    if isinstance(shape, dict):
        return {k: _symbolic_from_shapes(v, dtype, inputs) for k, v in shape.items()}
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        return [_symbolic_from_shapes(s, dtype, inputs) for s in shape]
    if isinstance(shape, tuple) and shape and isinstance(shape[0], tuple):
        return tuple(_symbolic_from_shapes(s, dtype, inputs) for s in shape)
    return SymbolicTensor(tuple(shape), dtype)


__all__ = ["CALL_CONTEXT", "InputSpec", "Layer"]
_ = activations
