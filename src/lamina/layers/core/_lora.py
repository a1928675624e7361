"""LoRA (low-rank adaptation) for layers with one big weight: Dense, Embedding, ConvND, EinsumDense.

The base weight is frozen and a trainable update ``(lora_alpha / rank) * A @ B`` is learned
instead, ``A`` of shape ``base.shape[:-1] + (rank,)`` and ``B`` of ``(rank, base.shape[-1])``.
As in Keras 3, files hold the merged weight (base + update) where the base alone would be, and
loading puts it in the base and zeroes ``A`` and ``B``, so a file does not depend on LoRA.

A layer uses it by deriving from ``LoraMixin``, naming its weight in ``_lora_target``
("kernel" or "embeddings"), calling ``_init_lora`` in ``__init__``, ``_add_lora_base`` on the
variable ``build`` creates, then ``_maybe_enable_lora()`` at the end of ``build``; the class
gets a ``<target>`` property (``lora_property``) that returns the merged weight.

>>> import lamina
>>> dense = lamina.layers.Dense(3, lora_rank=2)
>>> dense.build((None, 4))
>>> [v.name for v in dense.trainable_weights]
['bias', 'lora_kernel_a', 'lora_kernel_b']
"""

from __future__ import annotations

from lamina import initializers
from lamina.ops import kernels as ops  # the training path: no conversion


def _check_rank(layer, value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': `{what}` must be a positive integer, got "
            f"{value!r} (of type {type(value).__name__})."
        )
    return value


def lora_property(target: str):
    """The ``<target>`` property of a LoRA layer: the base weight, plus the scaled update when
    LoRA is enabled (Keras' ``layer.kernel``)."""

    def get(self):
        base = self.__dict__.get(f"_{target}")
        if base is None:
            raise AttributeError(
                f"{type(self).__name__} '{self.name}': build the layer before reading `{target}`."
            )
        if not self.lora_enabled:
            return base
        return ops.cast(base + self._lora_delta(), self.compute_dtype)

    get.__name__ = target
    get.__doc__ = f"The layer's {target} (the frozen base plus the LoRA update when enabled)."
    return property(get)


class LoraMixin:
    """LoRA on the layer's ``_lora_target`` weight (see the module docstring)."""

    _lora_target = "kernel"

    def _init_lora(self, lora_rank, lora_alpha):
        if lora_rank is not None:
            _check_rank(self, lora_rank, "lora_rank")
        if lora_alpha is not None and (isinstance(lora_alpha, bool)
                                       or not isinstance(lora_alpha, (int, float))):
            raise ValueError(f"{type(self).__name__} '{self.name}': `lora_alpha` must be a "
                             f"number, got {lora_alpha!r}.")
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _add_lora_base(self, variable):
        """Hold ``variable`` (from ``add_weight(name=target)``) as the base weight: state_dict key
        ``<target>``, read fast through ``self._<target>``, seen merged through the property."""
        target = self._lora_target
        params = self._parameters
        key = next(k for k, v in params.items() if v is variable)
        if key != target and target not in params:
            items = [(target if k == key else k, v) for k, v in params.items()]
            params.clear()
            params.update(items)
        variable._lamina_key_bound = True
        object.__setattr__(self, f"_{target}", variable)
        return variable

    def _maybe_enable_lora(self):
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    def _lora_constraint(self):
        return getattr(self, f"{self._lora_target}_constraint", None)

    def _lora_regularizer(self):
        return getattr(self, f"{self._lora_target}_regularizer", None)

    def enable_lora(self, rank: int, lora_alpha=None, a_initializer="he_uniform",
                    b_initializer="zeros") -> None:
        """Freeze the layer's weight and learn ``(lora_alpha / rank) * A @ B`` on top of it.

        ``lora_alpha`` defaults to ``rank`` (a scale of 1). Only once per layer, after build.
        """
        name = f"{type(self).__name__} '{self.name}'"
        target = self._lora_target
        if self._lora_constraint():
            raise ValueError(f"{name}: LoRA is incompatible with `{target}_constraint`; "
                             "remove the constraint to enable LoRA.")
        if not self.built:
            raise ValueError(f"{name}: cannot enable LoRA on a layer that isn't yet built; "
                             "call it on data or `build(input_shape)` first.")
        if self.lora_enabled:
            raise ValueError(f"{name}: LoRA is already enabled; it can be enabled once per layer.")
        _check_rank(self, rank, "rank")
        base = self.__dict__[f"_{target}"]
        shape = tuple(base.shape)
        # float32 whatever the layer's dtype, as Keras: low-rank updates underflow in half
        setattr(self, f"lora_{target}_a", self.add_weight(
            name=f"lora_{target}_a", shape=shape[:-1] + (rank,), dtype="float32",
            initializer=initializers.get(a_initializer), regularizer=self._lora_regularizer()))
        setattr(self, f"lora_{target}_b", self.add_weight(
            name=f"lora_{target}_b", shape=(rank, shape[-1]), dtype="float32",
            initializer=initializers.get(b_initializer), regularizer=self._lora_regularizer()))
        base.trainable = False
        base._lamina_keep_untrainable = True  # unfreezing the layer keeps the base frozen
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def _lora_delta(self):
        target = self._lora_target
        a, b = getattr(self, f"lora_{target}_a"), getattr(self, f"lora_{target}_b")
        return (self.lora_alpha / self.lora_rank) * ops.matmul(a, b)

    def _lora_file_variables(self):
        """What Keras writes for this layer: the weight (merged), then the layer's others."""
        target = self._lora_target
        base = self.__dict__.get(f"_{target}")
        lora = {id(getattr(self, f"lora_{target}_{s}", None)) for s in "ab"}
        rest = [v for v in self.weights if v is not base and id(v) not in lora]
        return base, rest

    # A layer without LoRA saves and loads through the file code's default path (its shape
    # checks and skip_mismatch); with LoRA enabled it writes and reads itself, as Keras' does.
    @property
    def save_own_variables(self):
        if not self.lora_enabled:
            raise AttributeError("save_own_variables")
        return self._save_lora_variables

    @property
    def load_own_variables(self):
        if not self.lora_enabled:
            raise AttributeError("load_own_variables")
        return self._load_lora_variables

    def _save_lora_variables(self, store) -> None:
        """Keras' layout: ``"0"`` the weight with the LoRA update merged in, then the others."""
        base, rest = self._lora_file_variables()
        # Keras writes ``layer.kernel``: merged, in the compute dtype
        store["0"] = ops.convert_to_numpy(ops.stop_gradient(getattr(self, self._lora_target)))
        for i, variable in enumerate(rest, start=1):
            store[str(i)] = ops.convert_to_numpy(variable)

    def _load_lora_variables(self, store) -> None:
        """Read Keras' layout into the base weight and the others; a LoRA update restarts at 0."""
        base, rest = self._lora_file_variables()
        variables = [base, *rest]
        if len(store) != len(variables):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects {len(variables)} variable(s) "
                f"{[tuple(v.shape) for v in variables]}, but the file holds {len(store)} "
                f"{[tuple(store[k].shape) for k in store]}.")
        values = [store[str(i)] for i in range(len(variables))]
        for variable, value in zip(variables, values):
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': variable '{variable.name}' has shape "
                    f"{tuple(variable.shape)} in the model, but {tuple(value.shape)} in the file.")
        for variable, value in zip(variables, values):
            variable.assign(value)
        for s in "ab":
            variable = getattr(self, f"lora_{self._lora_target}_{s}")
            variable.assign(ops.zeros(tuple(variable.shape), dtype="float32"))

    def _lora_config(self, cfg: dict) -> dict:
        if self.lora_rank:
            cfg["lora_rank"] = self.lora_rank
            cfg["lora_alpha"] = self.lora_alpha
        return cfg
