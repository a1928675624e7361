"""Optimizers (``keras.optimizers``): SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax,
Nadam, Ftrl, Lion, Lamb, LossScaleOptimizer, and learning-rate schedules.

>>> from lamina import optimizers
>>> opt = optimizers.get("adam")
>>> optimizers.serialize(opt)["class_name"]
'Adam'
"""

from __future__ import annotations

from lamina.optimizers import schedules
from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adafactor import Adafactor
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.adamw import AdamW
from lamina.optimizers.ftrl import Ftrl
from lamina.optimizers.lamb import Lamb
from lamina.optimizers.lion import Lion
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from lamina.optimizers.muon import Muon
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from lamina.optimizers.sgd import SGD
from lamina.utils import registry

__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "MultiOptimizer",
    "Muon",
    "Nadam",
    "Optimizer",
    "OptimizerMap",
    "RMSprop",
    "ScheduleFreeAdamW",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

_MODULE = "keras.optimizers"
_BUILTINS = [
    SGD,
    Adam,
    AdamW,
    RMSprop,
    Adagrad,
    Adadelta,
    Adamax,
    Nadam,
    Ftrl,
    Lion,
    Lamb,
    LossScaleOptimizer,
    Adafactor,
    Muon,
    ScheduleFreeAdamW,
    MultiOptimizer,
]
# Class names and their lowercase spellings, as Keras looks them up (case-insensitive).
_ALL = {cls.__name__: cls for cls in _BUILTINS} | {cls.__name__.lower(): cls for cls in _BUILTINS}

# The names get() accepts alone (a LossScaleOptimizer needs an inner optimizer, a
# MultiOptimizer its map).
_KNOWN_NAMES = ", ".join(
    sorted(c.__name__.lower() for c in _BUILTINS if c not in (LossScaleOptimizer, MultiOptimizer))
)


def serialize(optimizer) -> dict:
    """Keras' dict form ``{module, class_name, config, registered_name}``.

    >>> serialize(SGD())["module"]
    'keras.optimizers'
    """
    return registry.serialize_object(optimizer, _MODULE)


def deserialize(config, custom_objects=None):
    """An optimizer from its dict form; built-in class names match in any case."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret optimizer configuration: {config!r}")
    config = dict(config)
    if config["class_name"].lower() in _ALL and not config.get("registered_name"):
        config["class_name"] = config["class_name"].lower()
    return registry.deserialize_object(config, _ALL, custom_objects, kind="optimizer")


def get(identifier):
    """An optimizer from a name (``"adam"``), a config dict, or an optimizer (returned as is).

    >>> type(get("RMSprop")).__name__
    'RMSprop'
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        if identifier.lower() not in _ALL and registry.get_registered_object(identifier) is None:
            raise ValueError(
                f"Could not interpret optimizer identifier: {identifier!r}. Known optimizers: "
                f"{_KNOWN_NAMES}."
            )
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
