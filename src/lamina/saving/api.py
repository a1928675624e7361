"""The public entry points: pick the format from the file name (and, when reading, the bytes).

>>> model.save("model.keras")                       # doctest: +SKIP
>>> model = load_model("model.keras")               # doctest: +SKIP
>>> model.load_weights("old_keras2_model.h5")       # doctest: +SKIP
"""

from __future__ import annotations

from lamina.saving import files, keras_format, legacy_h5, weights_h5

_H5_SUFFIXES = (".h5", ".hdf5")


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save ``model`` to ``filepath``: ``.keras`` (Keras 3 format) or ``.h5`` (legacy).

    >>> model.save("model.keras")                   # doctest: +SKIP
    """
    path = files.fspath(filepath)
    include_optimizer = kwargs.pop("include_optimizer", True)
    kwargs.pop("save_format", None)  # Keras 2 spelling; the suffix decides
    if kwargs:
        raise TypeError(f"save_model: unexpected keyword argument(s) {sorted(kwargs)}")
    if path.endswith(".keras"):
        return keras_format.save_model(model, path, overwrite=overwrite)
    if path.endswith(_H5_SUFFIXES):
        return legacy_h5.save_model(model, path, overwrite=overwrite,
                                    include_optimizer=include_optimizer)
    if weights_h5.KERAS2_PATHS:
        # `lamina run`: tf.keras 2 wrote a SavedModel for any other name (`model.save("my_model")`);
        # the model goes there as a .keras archive, which load_model reads by its content.
        # A SavedModel loaded back without custom_objects: the classes saved by this process
        # are what its load_model may find them in (a closed table of objects, not imports)
        _remember_classes(model)
        return keras_format.save_model(model, path, overwrite=overwrite)
    raise ValueError(
        "Invalid filepath extension for saving. Please add either a `.keras` extension for the "
        "native Keras format (recommended) or a `.h5` extension for the legacy format. "
        f"Received: filepath={path}"
    )


# {class name: class} of the user classes in models saved to SavedModel names (lamina run)
_SAVED_CLASSES: dict = {}


def _remember_classes(layer, seen=None):
    seen = set() if seen is None else seen
    if id(layer) in seen:
        return
    seen.add(id(layer))
    cls = type(layer)
    if not cls.__module__.startswith("lamina."):
        _SAVED_CLASSES.setdefault(cls.__name__, cls)
    for sub in layer._sublayers():
        _remember_classes(sub, seen)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved by lamina or Keras: ``.keras`` (Keras 3) or ``.h5`` (Keras 2/3 legacy).

    Args:
        filepath: path to the file.
        custom_objects: ``{name: class or function}`` for custom layers, losses, ...
        compile: if False, the model is returned uncompiled (no optimizer state).
        safe_mode: if True (default), configs carrying code (``Lambda`` bytecode) are refused.

    >>> model = load_model("model.keras")           # doctest: +SKIP
    """
    path = files.fspath(filepath)
    head = files.file_signature(path)
    if _SAVED_CLASSES and weights_h5.KERAS2_PATHS:
        custom_objects = {**_SAVED_CLASSES, **(custom_objects or {})}
    if head.startswith(files.ZIP_SIGNATURE):
        return keras_format.load_model(path, custom_objects, compile=compile, safe_mode=safe_mode)
    if head.startswith(files.HDF5_SIGNATURE):
        return legacy_h5.load_model(path, custom_objects, compile=compile, safe_mode=safe_mode)
    if path.endswith(".keras"):
        raise ValueError(f"{path!r} is not a valid .keras file: it is not a zip archive.")
    if path.endswith(_H5_SUFFIXES):
        raise ValueError(f"{path!r} is not a valid .h5 file: it is not an HDF5 file.")
    raise ValueError(
        f"File format not supported: filepath={path}. lamina (as Keras 3) loads `.keras` files "
        "and legacy `.h5` files."
    )


def save_weights(model, filepath, overwrite=True, **kwargs):
    """Save the weights to a ``.weights.h5`` file (Keras 3's layout)."""
    if kwargs.get("max_shard_size") is not None:
        raise NotImplementedError("save_weights: sharded weights (max_shard_size) are not supported")
    return weights_h5.save_weights(model, filepath, overwrite=overwrite)


def load_weights(model, filepath, skip_mismatch=False, by_name=False, **kwargs):
    """Load weights from ``.weights.h5``, ``.keras``, or a Keras 2 ``.h5`` file.

    ``by_name=True`` (legacy ``.h5`` only) matches layers by name instead of by order.
    """
    path = files.fspath(filepath)
    head = files.file_signature(path)
    if head.startswith(files.ZIP_SIGNATURE):
        if by_name:
            raise ValueError("by_name=True is only for legacy .h5 files, not .keras files")
        return keras_format.load_weights_from_keras_file(model, path, skip_mismatch)
    if not head.startswith(files.HDF5_SIGNATURE):
        raise ValueError(
            f"Cannot load weights from {path!r}: it is neither an HDF5 (.weights.h5 / .h5) file "
            "nor a .keras archive."
        )
    with files.open_h5(path, f"The weights file {path!r}") as f:
        legacy = legacy_h5.is_legacy(f)
    if legacy:
        return legacy_h5.load_weights(model, path, skip_mismatch=skip_mismatch, by_name=by_name)
    if by_name:
        raise ValueError(
            "by_name=True is only for legacy .h5 files; Keras 3 weights files are matched by "
            "the model's structure."
        )
    return weights_h5.load_weights(model, path, skip_mismatch=skip_mismatch, name=repr(path))
