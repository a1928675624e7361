"""The optimizer base class: hyper-parameters, state variables and the per-step pipeline.

One ``apply(grads, variables)`` does what Keras 3 does, in Keras' order: drop variables
without gradients, unscale (``loss_scale_factor``), accumulate (``gradient_accumulation_steps``),
clip, decay weights, update, average (``use_ema``), apply constraints, count the step. Each
stage is one multi-tensor call into ``lamina.backend.train_step``, so a step costs the same
few Python calls for 4 variables or 400. Scalars stay Python floats: the learning rate and
step count are read from their variables only when something else has written them.

A built-in optimizer overrides ``_update``; a Keras-style custom optimizer may instead define
``build`` and the per-variable ``update_step(gradient, variable, learning_rate)``.

>>> from lamina.optimizers import SGD
>>> opt = SGD(learning_rate=0.1)
>>> opt.apply(grads, model.trainable_variables)          # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import numbers
import operator
import warnings

import numpy as np

from lamina.backend import core, train_step
from lamina.optimizers import schedules
from lamina.utils import registry

_requires_grad = operator.attrgetter("requires_grad")


def _f32(x) -> float:
    # Keras evaluates rates in float32; rounding here keeps the updates bit-for-bit closer.
    return float(np.float32(float(x)))


def _same_dtype(grad, variable):
    return grad.dtype == variable.dtype


def _is_none(x):
    return x is None


def _remove_by_identity(items, item):
    # list.remove compares with ==, which on tensors compares values: a learning rate of 0.0
    # would match the iteration counter.
    for i, x in enumerate(items):
        if x is item:
            del items[i]
            return


class Optimizer:
    """Base class for optimizers (``keras.optimizers.Optimizer``).

    Args:
        learning_rate: a float, a ``LearningRateSchedule``, or a callable taking no argument.
        weight_decay: if set, variables are scaled by ``1 - weight_decay * lr`` before each
            update (decoupled weight decay).
        clipnorm / clipvalue / global_clipnorm: gradient clipping (at most one of them).
        use_ema, ema_momentum, ema_overwrite_frequency: keep a moving average of the weights.
        loss_scale_factor: loss multiplier for mixed precision; gradients are divided by it.
        gradient_accumulation_steps: update every N calls with the mean gradient.
        name: the optimizer's name (``"adam"``, ``"adam_1"``... by default).

    >>> class PlainSGD(Optimizer):
    ...     def update_step(self, gradient, variable, learning_rate):
    ...         variable.assign_sub(gradient * learning_rate)
    """

    # The subclass's own hyper-parameters (attributes), added to get_config in Keras' order.
    _config_keys: tuple[str, ...] = ()

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        learning_rate, self._keras2_decay = _legacy_kwargs(type(self).__name__, learning_rate,
                                                           kwargs)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        self.name = name or registry.unique_name(registry.snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}
        self._exclude_ids = set()
        self._exclude_names = ()

        self._iterations = self._make_variable(0, "int32", "iteration")
        self._step_cache = 0
        self._step_version = train_step.version_of(self._iterations)

        self._lr_variable = None
        self._learning_rate = None
        self._set_learning_rate(learning_rate)

    # --- variables ------------------------------------------------------------------------

    def _make_variable(self, value, dtype, name, shape=(), like=None):
        if not core.is_tensor(value) and not isinstance(value, np.ndarray):
            value = train_step.full(shape, value, dtype, like)
        v = core.make_variable(value, dtype=dtype, trainable=False, name=name)
        v._lamina_path = f"{self.name}/{name}"
        self._variables.append(v)
        return v

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None
    ):
        """A new state variable of ``shape``, tracked in ``optimizer.variables``.

        ``initializer`` is ``"zeros"``, ``"ones"``, a number, or a callable ``(shape, dtype)``.
        """
        return self._add_variable(shape, initializer, dtype, name)

    def _add_variable(self, shape, initializer, dtype, name, like=None):
        dtype = core.standardize_dtype(dtype) if dtype is not None else "float32"
        shape = tuple(shape)
        if callable(initializer):
            value = initializer(shape, dtype=dtype)
        else:
            value = {"zeros": 0.0, "ones": 1.0}.get(initializer, initializer)
        return self._make_variable(value, dtype, name, shape, like)

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A state variable shaped like ``reference_variable``, named ``<its path>_<name>``."""
        ref_name = (
            getattr(reference_variable, "path", None)
            or getattr(reference_variable, "name", None)
            or "variable"
        )
        full = f"{str(ref_name).replace('/', '_').replace(':', '_')}_{name or 'var'}"
        return self._add_variable(
            reference_variable.shape,
            initializer,
            core.dtype_of(reference_variable),
            full,
            like=reference_variable,
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name, interleaved per variable as Keras orders them.

        >>> m, v = opt.add_optimizer_variables(var_list, ["momentum", "velocity"])  # doctest: +SKIP
        """
        names = [name] if isinstance(name, str) else list(name)
        inits = (
            initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        )
        if len(inits) != len(names):
            raise ValueError(
                "The number of provided names must match the number of provided initializers. "
                f"Received name='{name}', initializer='{initializer}'"
            )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for i, (n, init) in enumerate(zip(names, inits)):
                slots[i].append(self.add_variable_from_reference(variable, n, init))
        return slots[0] if isinstance(name, str) else slots

    @property
    def variables(self):
        """iterations, learning_rate (unless a schedule), then the state slots, in Keras' order."""
        return self._variables[:]

    @property
    def iterations(self):
        """The number of updates applied so far (a variable; a count when accumulating)."""
        if self.gradient_accumulation_steps:
            return self._current_step() // self.gradient_accumulation_steps
        return self._iterations

    def _current_step(self) -> int:
        # The Python count is valid until someone else writes the variable (load, assign).
        v = self._iterations
        if train_step.version_of(v) != self._step_version:
            self._step_cache = int(train_step.scalar_value(v))
            self._step_version = train_step.version_of(v)
        return self._step_cache

    def _count_step(self):
        train_step.increment(self._iterations)
        self._step_cache += 1
        self._step_version = train_step.version_of(self._iterations)

    # --- learning rate --------------------------------------------------------------------

    def _set_learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule) or (
            callable(learning_rate) and not core.is_tensor(learning_rate)
        ):
            if self._lr_variable is not None:
                _remove_by_identity(self._variables, self._lr_variable)
                self._lr_variable = None
            self._learning_rate = learning_rate
            return
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument."
            )
        if core.is_tensor(learning_rate) or isinstance(learning_rate, np.ndarray):
            learning_rate = float(core.convert_to_numpy(learning_rate))
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
            raise ValueError(  # noqa: TRY004 - Keras raises ValueError here
                "Argument `learning_rate` should be float, or an instance of "
                "LearningRateSchedule, or a callable (that takes in the current iteration value "
                "and returns the corresponding learning rate value). "
                f"Received instead: learning_rate={learning_rate}"
            )
        if self._lr_variable is None:
            self._lr_variable = self._make_variable(
                float(learning_rate), "float32", "learning_rate"
            )
            # Keep Keras' order: iterations, learning_rate, then the slots.
            _remove_by_identity(self._variables, self._lr_variable)
            self._variables.insert(1, self._lr_variable)
        else:
            self._lr_variable.assign(float(learning_rate))
        self._learning_rate = self._lr_variable
        self._lr_cache = float(np.float32(learning_rate))
        self._lr_version = train_step.version_of(self._lr_variable)

    def _current_lr(self) -> float:
        """The rate for this step as a Python float (what the kernels take)."""
        if self._keras2_decay:  # Keras 2's decay=, under `lamina run` only
            return self._base_lr() / (1.0 + self._keras2_decay * self._current_step())
        return self._base_lr()

    def _base_lr(self) -> float:
        lr = self._learning_rate
        if lr is self._lr_variable:
            if train_step.version_of(lr) != self._lr_version:
                self._lr_cache = float(train_step.scalar_value(lr))
                self._lr_version = train_step.version_of(lr)
            return self._lr_cache
        if isinstance(lr, schedules.LearningRateSchedule):
            step = self._current_step() if lr._takes_python_step else self._iterations
            return _f32(lr(step))
        return _f32(lr())

    @property
    def learning_rate(self):
        """The learning-rate variable, or the schedule's value at the current step."""
        lr = self._learning_rate
        if lr is self._lr_variable:
            return lr
        if isinstance(lr, schedules.LearningRateSchedule):
            return lr(self._current_step() if lr._takes_python_step else self._iterations)
        return lr()

    @learning_rate.setter
    def learning_rate(self, value):
        self._set_learning_rate(value)

    # Keras 2 code reads and sets `optimizer.lr` (K.set_value(model.optimizer.lr, ...)).
    lr = learning_rate

    # --- building -------------------------------------------------------------------------

    def build(self, variables):
        """Create the state for ``variables`` (subclasses add their slots after calling this)."""
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                variables, "gradient_accumulator"
            )
        self._index = {id(v): i for i, v in enumerate(variables)}
        self._trainable_variables = variables[:]
        self._decayed = [self._use_weight_decay(v) for v in variables]
        self._constraints = [
            (i, c)
            for i, v in enumerate(variables)
            if (c := getattr(v, "_lamina_constraint", None)) is not None
        ]
        self.built = True

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Leave these variables (or those whose name contains one of ``var_names``) undecayed."""
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the optimizer is built."
            )
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_names = tuple(var_names or ())

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        name = getattr(variable, "name", None) or ""
        return not any(n in name for n in self._exclude_names)

    def _get_variable_index(self, variable):
        return self._index[id(variable)]

    @staticmethod
    def _gather(slots, idx):
        """The slots of the variables being updated (all of them when ``idx`` is None)."""
        return slots if idx is None else [slots[i] for i in idx]

    # --- applying gradients ---------------------------------------------------------------

    def apply_gradients(self, grads_and_vars):
        """``apply`` for ``[(grad, variable), ...]`` pairs; returns ``iterations``."""
        grads, variables = zip(*grads_and_vars)
        self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Update ``trainable_variables`` (or the ones the optimizer was built with) by ``grads``.

        >>> opt.apply([g_kernel, g_bias], [kernel, bias])          # doctest: +SKIP
        """
        if len(grads) == 0:
            return
        built = self._trainable_variables
        idx = None
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            if len(grads) != len(built):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must match "
                    f"`optimizer.variables` one-to-one. Received a list of {len(grads)} gradients, "
                    f"but the optimizer is tracking {len(built)} trainable variables."
                )
            variables = built
        else:
            if not self.built:
                self.build(list(trainable_variables))
                built = self._trainable_variables
            variables = trainable_variables
            if len(variables) != len(built) or not all(map(operator.is_, variables, built)):
                idx = self._indices_of(variables)
                variables = list(variables)
            else:
                variables = built
        if len(grads) != len(variables):
            raise ValueError(f"Got {len(grads)} gradients for {len(variables)} variables.")
        if any(map(_is_none, grads)) or not all(map(_requires_grad, variables)):
            grads, variables, idx = self._drop_missing(grads, variables, idx)
        if not all(map(core.is_tensor, grads)):
            grads = [core.convert_to_tensor(g, core.dtype_of(v)) for g, v in zip(grads, variables)]
        elif not all(map(_same_dtype, grads, variables)):
            # As Keras: each gradient is cast to its variable's dtype (e.g. float16 gradients
            # of float32 variables in a hand-written mixed-precision loop).
            grads = [g if g.dtype == v.dtype else core.cast(g, core.dtype_of(v))
                     for g, v in zip(grads, variables)]
        self._apply(list(grads), variables, idx)

    def _indices_of(self, variables):
        try:
            return [self._index[id(v)] for v in variables]
        except KeyError:
            unknown = next(v for v in variables if id(v) not in self._index)
            raise ValueError(
                f"Unknown variable: {unknown}. This optimizer can only be called for the variables "
                "it was originally built with. When working with a new set of variables, you "
                "should recreate a new optimizer instance."
            ) from None

    def _drop_missing(self, grads, variables, idx):
        """Skip variables without gradient (with Keras' warning) or not trainable."""
        positions = list(range(len(variables))) if idx is None else idx
        keep_g, keep_v, keep_i, missing = [], [], [], []
        for g, v, i in zip(grads, variables, positions):
            if g is None:
                missing.append(getattr(v, "path", None) or getattr(v, "name", None))
            elif getattr(v, "requires_grad", True):
                keep_g.append(g)
                keep_v.append(v)
                keep_i.append(i)
        if not keep_g and missing:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. "
                "If using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=3,
            )
        return keep_g, keep_v, keep_i

    def _apply(self, grads, variables, idx):
        if grads:
            if self.loss_scale_factor is not None:
                grads = train_step.scale_list(grads, 1.0 / self.loss_scale_factor)
            lr = self._current_lr()
            steps = self.gradient_accumulation_steps
            if steps:
                accs = self._gather(self._accumulated_gradients, idx)
                train_step.accumulate(accs, grads)
                step = self._current_step()
                if (step + 1) % steps == 0:
                    self._update_with(
                        train_step.scale_list(accs, 1.0 / steps),
                        variables,
                        idx,
                        lr,
                        step // steps + 1,
                    )
                    train_step.fill_list(accs, 0.0)
            else:
                self._update_with(grads, variables, idx, lr, self._current_step() + 1)
        if self.use_ema:
            self._update_moving_average()
        if self._constraints and grads:
            self._apply_constraints(idx)
        self._count_step()

    def _update_with(self, grads, variables, idx, lr, step):
        grads = self._clip_gradients(grads)
        if self.weight_decay is not None:
            decayed = [
                v
                for v, i in zip(variables, range(len(variables)) if idx is None else idx)
                if self._decayed[i]
            ]
            if decayed:
                train_step.decay_weights(decayed, 1.0 - self.weight_decay * lr)
        self._update(grads, variables, idx, lr, step)

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return train_step.clip_by_norm_list(grads, float(self.clipnorm))
        if self.global_clipnorm and self.global_clipnorm > 0:
            return train_step.clip_by_global_norm_list(grads, float(self.global_clipnorm))
        if self.clipvalue and self.clipvalue > 0:
            return train_step.clip_by_value_list(grads, float(self.clipvalue))
        return grads

    def _update(self, grads, variables, idx, learning_rate, step):
        """Update all ``variables`` at once; ``step`` is the 1-based update number.

        The default runs Keras' per-variable ``update_step`` (custom optimizers).
        """
        for g, v in zip(grads, variables):
            self.update_step(g, v, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_step(gradient, variable, learning_rate)`."
        )

    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    def scale_loss(self, loss):
        """Multiply the loss by ``loss_scale_factor`` (if set) before taking gradients."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def _apply_constraints(self, idx):
        wanted = None if idx is None else set(idx)
        with core.no_grad():
            for i, constraint in self._constraints:
                if wanted is None or i in wanted:
                    v = self._trainable_variables[i]
                    v.assign(constraint(v))

    # --- moving average of the weights (use_ema) ------------------------------------------

    def _update_moving_average(self):
        step = self.iterations if self.gradient_accumulation_steps else self._current_step()
        momentum = self.ema_momentum if step != 0 else 0.0
        train_step.ema_update(
            self._model_variables_moving_average, self._trainable_variables, momentum
        )
        freq = self.ema_overwrite_frequency
        if freq and (step + 1) % freq == 0:
            self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        averages = self._model_variables_moving_average
        if len(trainable_variables) != len(averages):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override does not "
                f"match the length of model variables stored in the optimizer ({len(averages)}). "
                "Please check if the optimizer was called on your model."
            )
        train_step.assign_list(list(trainable_variables), averages)

    def finalize_variable_values(self, var_list):
        """At the end of training, replace the weights by their moving average (``use_ema``)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # --- state ----------------------------------------------------------------------------

    def set_weights(self, weights):
        """Assign values to ``variables``, in order."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` to create the optimizer "
                "weights before calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(
                    f"Optimizer variable {variable.path} has shape {tuple(variable.shape)} not "
                    f"compatible with provided weight shape {tuple(np.shape(weight))}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        """Write ``variables`` to ``store["0"]``, ``store["1"]``... (the ``optimizer/vars`` group)."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Read ``variables`` back; skipped with a warning if the counts differ (as Keras)."""
        if len(store.keys()) != len(self._variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self._variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if len(self._variables) <= 2:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(np.asarray(store[str(i)]))

    # --- config ---------------------------------------------------------------------------

    def get_config(self):
        """Keras' config dict (learning_rate as a float or a serialized schedule)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(lr)
        elif lr is self._lr_variable:
            # The shortest decimal that is this float32 (0.001, not 0.0010000000474974513):
            # it reads back to the same variable value, and is what users wrote.
            learning_rate = float(str(np.float32(self._base_lr())))
        else:
            learning_rate = (
                registry.serialize_object(lr, "builtins")
                if hasattr(lr, "get_config")
                else getattr(lr, "__name__", None)
            )
        decay = {"decay": self._keras2_decay} if self._keras2_decay else {}
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            **decay,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
            **{key: getattr(self, key) for key in self._config_keys},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The optimizer a config describes; keys this version does not know are ignored."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        for key in _IGNORED_CONFIG_KEYS:
            config.pop(key, None)
        known = cls._known_keys() | {"lr", "decay"}
        return cls(**{k: v for k, v in config.items() if k in known})

    @classmethod
    def _known_keys(cls):
        keys = set()
        for klass in cls.__mro__:
            init = klass.__dict__.get("__init__")
            if init is not None:
                keys.update(
                    name
                    for name, p in inspect.signature(init).parameters.items()
                    if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and name != "self"
                )
        return keys

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


# Set by `lamina run` (compat.keras_alias.install): Keras 2's `decay=` then scales the rate by
# 1 / (1 + decay * iterations) each step, as Keras 2 did; elsewhere it is refused, as in Keras 3.
KERAS2_DECAY = False

# Keys that Keras 2 / tf.keras wrote into optimizer configs and that mean nothing here.
_IGNORED_CONFIG_KEYS = ("is_legacy_optimizer", "jit_compile")


def _legacy_kwargs(cls_name, learning_rate, kwargs):
    """Keras 2 spellings: ``lr=`` is renamed (with a warning); ``decay=`` must be translated."""
    if "lr" in kwargs:
        warnings.warn(
            f"{cls_name}: the `lr` argument is deprecated, use `learning_rate` instead.",
            DeprecationWarning,
            stacklevel=4,
        )
        learning_rate = kwargs.pop("lr")
    decay = kwargs.pop("decay", None)
    if decay and KERAS2_DECAY:
        warnings.warn(
            f"{cls_name}: `decay=` is Keras 2's learning-rate decay; Keras 3 spells it "
            f"`learning_rate=keras.optimizers.schedules.InverseTimeDecay({learning_rate}, "
            f"decay_steps=1, decay_rate={decay})`.",
            DeprecationWarning,
            stacklevel=4,
        )
        return learning_rate, float(decay)
    if decay:
        raise ValueError(
            f"{cls_name}: the Keras 2 argument `decay={decay}` is not supported (Keras 3 dropped "
            "it). For the same behaviour pass a schedule: "
            f"`learning_rate=keras.optimizers.schedules.InverseTimeDecay({learning_rate}, "
            f"decay_steps=1, decay_rate={decay})`."
        )
    return learning_rate, 0.0
