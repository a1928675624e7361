"""The ``Metric`` base class: state variables, ``update_state``, ``result``, ``reset_state``.

State lives in backend tensors (non-trainable variables) that ``update_state`` changes in
place with tensor ops only, so a training step never waits on the device for a metric; only
reading ``result()`` as a Python number does.

>>> from lamina import metrics
>>> m = metrics.Mean()
>>> m.update_state([1.0, 3.0, 5.0, 7.0])
>>> float(m.result())
4.0
"""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import compute_dtype
from lamina.utils import registry


class Metric:
    """Base class of metrics.

    Subclasses create state with ``add_variable`` in ``__init__``, change it in
    ``update_state`` (``var.assign_add(...)``) and compute the value in ``result``.

    >>> class Total(Metric):
    ...     def __init__(self, name="total", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.total = self.add_variable((), "zeros", name="total")
    ...     def update_state(self, values):
    ...         self.total.assign_add(ops.sum(ops.cast(values, self.dtype)))
    ...     def result(self):
    ...         return self.total
    """

    def __init__(self, dtype=None, name: str | None = None):
        self.name = name or registry.unique_name(registry.snake_case(type(self).__name__))
        self._dtype = compute_dtype(dtype)
        self._variables = []
        self._metrics = []

    def __setattr__(self, key, value):
        # sub-metrics kept as attributes contribute their variables, as in Keras
        if isinstance(value, Metric) and "_metrics" in self.__dict__:
            self._metrics.append(value)
        super().__setattr__(key, value)

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def variables(self) -> list:
        out = list(self._variables)
        for m in self._metrics:
            out.extend(m.variables)
        return out

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A non-trainable state variable, path ``"<metric name>/<name>"``."""
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}: call super().__init__() in __init__ before add_variable()."
            )
        dtype = dtype or self._dtype
        shape = tuple(shape)
        if initializer is None or initializer == "zeros":
            value = ops.zeros(shape, dtype=dtype)
        elif initializer == "ones":
            value = ops.ones(shape, dtype=dtype)
        elif callable(initializer):
            value = initializer(shape, dtype=dtype)
        else:
            raise ValueError(
                f"{type(self).__name__}.add_variable: initializer must be 'zeros', 'ones' or a "
                f"callable (shape, dtype); got {initializer!r}"
            )
        var = core.make_variable(value, dtype=dtype, trainable=False, name=name)
        var._lamina_path = f"{self.name}/{name}" if name else self.name
        self._variables.append(var)
        return var

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None, **kwargs):
        """A state variable; Keras 2's ``add_weight("total", initializer="zeros")`` (the name
        first) is read as it was meant."""
        if isinstance(shape, str) and name is None:
            shape, name = kwargs.pop("shape", ()), shape
        aggregation = kwargs.pop("aggregation", "sum")
        kwargs.pop("synchronization", None)  # tf.keras 2's distribution hint: one process here
        if kwargs:
            raise TypeError(f"add_weight: unexpected keyword argument(s) {sorted(kwargs)}")
        return self.add_variable(shape, initializer=initializer, dtype=dtype,
                                 aggregation=aggregation, name=name)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define update_state()")

    def build_state(self, y_true, y_pred):
        """Create state whose shape depends on the data (a no-op for most metrics).

        compile() calls it with the first batch before any compiled step, so no variable is
        created inside the engine's compiler.
        """

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must define result()")

    def reset_state(self):
        """Set every state variable back to zero (called between epochs)."""
        for v in self.variables:
            v.assign(ops.zeros_like(v))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
