"""Keras 2 spellings, as thin aliases over the modern API (DESIGN rule 12).

Importing this package registers the keyword translations (``fit(nb_epoch=)``) with the
trainer; ``keras_alias`` serves ``import keras`` from lamina for ``lamina run``.
"""

import warnings

from lamina.training import trainer as _trainer


def _translate_fit_kwargs(kwargs):
    """``fit(nb_epoch=N)`` -> ``epochs=N`` (Keras 1/2)."""
    kwargs = dict(kwargs)
    translated = {}
    if "nb_epoch" in kwargs:
        warnings.warn("fit(nb_epoch=...) is the Keras 1 spelling of epochs=...", DeprecationWarning,
                      stacklevel=3)
        translated["epochs"] = kwargs.pop("nb_epoch")
    return kwargs, translated


_trainer.LEGACY_KWARGS["fit"] = _translate_fit_kwargs
