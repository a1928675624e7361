"""Keras 2's names for logged metrics, readable under ``lamina run``.

Keras up to 2.2 logged ``metrics=["accuracy"]`` as ``acc`` / ``val_acc``, and Keras 2 logged
``metrics=["mae"]`` as ``mean_absolute_error``. Old scripts read those keys
(``history.history["val_acc"]``) and monitor them (``EarlyStopping(monitor="val_acc")``).
Under ``lamina run`` the modern name is what is stored and shown, and the old one finds it.

>>> logs = MetricLogs({"accuracy": [0.9]})
>>> logs["acc"], "acc" in logs, list(logs)
([0.9], True, ['accuracy'])
"""

from __future__ import annotations

# set by lamina.compat.keras_alias.install() (lamina run)
ENABLED = False

_PAIRS = [
    ("acc", "accuracy"),
    ("mean_absolute_error", "mae"),
    ("mean_squared_error", "mse"),
    ("mean_absolute_percentage_error", "mape"),
    ("mean_squared_logarithmic_error", "msle"),
    ("categorical_accuracy", "accuracy"),
    ("sparse_categorical_accuracy", "accuracy"),
    ("binary_accuracy", "accuracy"),
]


def counterparts(key: str):
    """Other names the same logged value may be asked for by (old <-> new, val_ kept)."""
    prefix = "val_" if key.startswith("val_") else ""
    base = key[len(prefix):]
    for old, new in _PAIRS:
        if base == old:
            yield prefix + new
        elif base == new:
            yield prefix + old


def lookup(logs, key, default=None):
    """``logs[key]``, or under ``lamina run`` the value logged under its other name."""
    if not logs:
        return default
    if key in logs:
        return logs[key]
    if ENABLED:
        for other in counterparts(key):
            if other in logs:
                return logs[other]
    return default


class MetricLogs(dict):
    """A dict of logged values whose missing keys are looked up by their Keras 2 names."""

    def __missing__(self, key):
        if isinstance(key, str):
            for other in counterparts(key):
                if dict.__contains__(self, other):
                    return dict.__getitem__(self, other)
        raise KeyError(key)

    def __contains__(self, key):
        if dict.__contains__(self, key):
            return True
        return isinstance(key, str) and any(dict.__contains__(self, o) for o in counterparts(key))

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default
