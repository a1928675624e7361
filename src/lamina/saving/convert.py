"""``convert(src, dst)``: rewrite a saved model in another format (behind ``lamina convert``).

>>> convert("old_keras2_model.h5", "model.keras")      # doctest: +SKIP
"""

from __future__ import annotations

from lamina.saving.api import load_model, save_model


def convert(src, dst, overwrite=True, safe_mode=True, custom_objects=None):
    """Load ``src`` (``.keras`` or legacy ``.h5``) and save it as ``dst`` (by its suffix).

    The compile state and optimizer variables come along when the source has them.
    """
    model = load_model(src, custom_objects=custom_objects, compile=True, safe_mode=safe_mode)
    save_model(model, dst, overwrite=overwrite)
    return model
