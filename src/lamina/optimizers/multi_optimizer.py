"""MultiOptimizer: different optimizers for different variables, chosen by variable path."""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.optimizer import Optimizer
from lamina.utils import registry


def _deserialize_optimizer(config, custom_objects=None):
    from lamina import optimizers  # the package index (same floor) knows every optimizer class

    return optimizers.deserialize(config, custom_objects)


class OptimizerMap(MutableMapping):
    """Variable paths (exact, else as ``re.fullmatch`` patterns) to optimizers, with a default.

    >>> from lamina import optimizers
    >>> m = OptimizerMap(optimizers.SGD(name="sgd"), {"encoder/.*": optimizers.Adam(name="adam")})
    >>> m["encoder/dense/kernel"].name, m["head/kernel"].name
    ('adam', 'sgd')
    """

    def __init__(self, default_optimizer: Optimizer, optimizer_map: dict | None = None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError("OptimizerMap: default_optimizer must be a Keras Optimizer "
                            f"instance. Received: {default_optimizer!r}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"OptimizerMap: optimizer_map must be a dictionary. Received: "
                            f"{optimizer_map!r}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, opt in (optimizer_map or {}).items():
            self[key] = opt

    @property
    def default_optimizer(self) -> Optimizer:
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key}: patterns "
                             f"{matches} all match.")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(f"'{key}' already exists in the OptimizerMap with value "
                             f"{self._optimizer_map[key]}. Please make sure to not use "
                             "duplicated keys.")
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: key must be a string. Received: {key!r}")
        if not isinstance(optimizer, Optimizer):
            raise ValueError("OptimizerMap: optimizer must be a Keras Optimizer instance. "
                             f"Received: {optimizer!r}")
        if isinstance(optimizer, (LossScaleOptimizer, MultiOptimizer)):
            raise ValueError(f"OptimizerMap: optimizer cannot be {type(optimizer).__name__}.")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable) -> Optimizer:
        return self[variable.path]

    def get_config(self):
        from lamina import optimizers

        return {
            "default_optimizer": optimizers.serialize(self._default_optimizer),
            "optimizer_map": {k: optimizers.serialize(v) for k, v in self._optimizer_map.items()},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        default = _deserialize_optimizer(config["default_optimizer"], custom_objects)
        mapping = {k: _deserialize_optimizer(v, custom_objects)
                   for k, v in (config.get("optimizer_map") or {}).items()}
        return cls(default, mapping)


class MultiOptimizer(Optimizer):
    """Sends each variable to the optimizer ``optimizer_map(variable)`` picks (an
    ``OptimizerMap``, or a function of the variable); each sub-optimizer keeps its own
    rate, state and step count, listed after the MultiOptimizer's own two variables.

    There is no single learning rate: read and set it on ``optimizers`` instead.
    ``loss_scale_factor`` is passed down to every sub-optimizer.

    >>> from lamina import optimizers
    >>> opt = MultiOptimizer(OptimizerMap(optimizers.SGD(), {"encoder/.*": optimizers.Adam()}))
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise TypeError("MultiOptimizer: optimizer_map must be an OptimizerMap or a "
                            f"function of a variable, got {optimizer_map!r}")
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._inner_optimizers = []
        candidates = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        for opt in candidates + ([default] if default is not None else []):
            if all(opt is not o for o in self._inner_optimizers):
                opt.loss_scale_factor = loss_scale_factor
                self._inner_optimizers.append(opt)

    @property
    def optimizers(self) -> list:
        return self._inner_optimizers

    @property
    def variables(self):
        out = self._variables[:]
        for opt in self._inner_optimizers:
            out.extend(opt.variables)
        return out

    @property
    def learning_rate(self):
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer. Access the "
                             "learning rate on the individual sub-optimizers instead.")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("Learning rate cannot be set on a MultiOptimizer. Set the "
                             "learning rate on the individual sub-optimizers instead.")

    lr = learning_rate

    @property
    def loss_scale_factor(self):
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for opt in self.__dict__.get("_inner_optimizers", ()):
            opt.loss_scale_factor = value

    @property
    def iterations(self):
        return self._iterations

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        self._owner = {}
        groups = [[] for _ in self._inner_optimizers]
        for var in var_list:
            opt = self._optimizer_map(var)
            if not isinstance(opt, Optimizer):
                raise ValueError(f"MultiOptimizer: the optimizer for variable {var.path} is "
                                 f"not an Optimizer instance: {opt!r}")
            if isinstance(opt, (LossScaleOptimizer, MultiOptimizer)):
                raise ValueError(f"{type(opt).__name__} cannot be used inside a "
                                 "MultiOptimizer.")
            index = next((i for i, o in enumerate(self._inner_optimizers) if o is opt), None)
            if index is None:
                opt.loss_scale_factor = self.loss_scale_factor
                self._inner_optimizers.append(opt)
                groups.append([])
                index = len(self._inner_optimizers) - 1
            self._owner[id(var)] = index
            groups[index].append(var)
        for opt, variables in zip(self._inner_optimizers, groups):
            if variables:
                opt.build(variables)
        super().build(var_list)

    def apply(self, grads, trainable_variables=None):
        """Split ``grads`` by owner and let each sub-optimizer apply its share."""
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` "
                    "first.")
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        if len(grads) != len(self._owner):
            raise ValueError(f"Gradients must match trainable variables one-to-one. Received "
                             f"{len(grads)} gradients and {len(self._owner)} variables.")
        shares = [([], []) for _ in self._inner_optimizers]
        for g, var in zip(grads, trainable_variables):
            try:
                index = self._owner[id(var)]
            except KeyError:
                raise ValueError(f"MultiOptimizer: unknown variable {var.path}; it was not in "
                                 "the list the optimizer was built with.") from None
            shares[index][0].append(g)
            shares[index][1].append(var)
        for opt, (gs, vs) in zip(self._inner_optimizers, shares):
            if gs:
                opt.apply(gs, vs)
        self._count_step()

    def scale_loss(self, loss):
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def finalize_variable_values(self, var_list):
        shares = [[] for _ in self._inner_optimizers]
        for var in var_list:
            shares[self._owner[id(var)]].append(var)
        for opt, variables in zip(self._inner_optimizers, shares):
            if variables:
                opt.finalize_variable_values(variables)

    # --- state: all variables (own, then each sub-optimizer's), in one list as Keras ---------

    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` to create the optimizer "
                "weights before calling `set_weights()`.")
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(f"MultiOptimizer.set_weights: expected {len(variables)} arrays, "
                             f"got {len(weights)}.")
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def save_own_variables(self, store):
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        variables = self.variables
        if len(store.keys()) != len(variables):
            import warnings

            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables.", stacklevel=2)
            return
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])

    # --- config -------------------------------------------------------------------------------

    def get_config(self):
        mapping = self._optimizer_map
        if isinstance(mapping, OptimizerMap):
            serialized = {"module": "keras.optimizers", "class_name": "OptimizerMap",
                          "config": mapping.get_config(), "registered_name": None}
        else:
            name = registry.GLOBAL_CUSTOM_NAMES.get(mapping)
            if name is None:
                raise ValueError(
                    f"MultiOptimizer '{self.name}': its optimizer_map function "
                    f"{getattr(mapping, '__name__', mapping)!r} cannot be saved; register it "
                    "with @register_keras_serializable() or use an OptimizerMap.")
            serialized = {"module": None, "class_name": "function", "config": name,
                          "registered_name": name}
        return {"optimizer_map": serialized, "loss_scale_factor": self.loss_scale_factor,
                "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        spec = config.get("optimizer_map")
        if isinstance(spec, dict) and spec.get("class_name") == "OptimizerMap":
            config["optimizer_map"] = OptimizerMap.from_config(spec["config"], custom_objects)
        elif isinstance(spec, dict) and spec.get("class_name") == "function":
            name = spec.get("registered_name") or spec.get("config")
            fn = registry.get_registered_object(name, custom_objects)
            if fn is None:
                raise ValueError(f"MultiOptimizer: unknown optimizer_map function {name!r}; "
                                 "register it with @register_keras_serializable() or pass it in "
                                 "custom_objects=.")
            config["optimizer_map"] = fn
        return cls(**config)
