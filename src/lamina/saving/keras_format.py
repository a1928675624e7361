"""The ``.keras`` format: a zip of ``metadata.json``, ``config.json`` and ``model.weights.h5``.

Files written here load in Keras 3 and files Keras 3 writes load here. Loading builds the
model from its config (nothing is unpickled; Lambda code needs ``safe_mode=False``), assigns
the weights, and, if the model was compiled, compiles it and restores the optimizer's state so
training resumes with the same next step.

>>> model.save("model.keras")                                   # doctest: +SKIP
>>> restored = lamina.saving.load_model("model.keras")          # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import inspect
import io
import json
import zipfile

import h5py

from lamina.models.serialization import deserialize_layer, serialize_model
from lamina.saving import assets, files
from lamina.saving.config_compat import clean_layer_entry
from lamina.saving.weights_h5 import read_weights, write_weights
from lamina.utils import registry

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
KERAS_VERSION = "3.16.0"  # the Keras file version these files are written as

_PUBLIC_MODULES = {"lamina.losses": "keras.losses", "lamina.metrics": "keras.metrics"}


def _keras_module(entry):
    """Objects in a compile config name their public Keras module, so Keras can find them."""
    if isinstance(entry, list):
        return [_keras_module(e) for e in entry]
    if isinstance(entry, dict):
        out = {k: _keras_module(v) for k, v in entry.items()}
        module = out.get("module")
        if isinstance(module, str) and "class_name" in out:
            for prefix, public in _PUBLIC_MODULES.items():
                if module.startswith(prefix):
                    out["module"] = public
        return out
    return entry


def model_config(model) -> dict:
    """``config.json``'s content: the serialized model with build and compile configs."""
    config = serialize_model(model)
    if config.get("compile_config"):
        config["compile_config"] = _keras_module(config["compile_config"])
    return config


def save_model(model, filepath, overwrite=True):
    """Write ``model`` as a ``.keras`` zip, atomically (a crash leaves the old file intact)."""
    path = files.fspath(filepath)
    files.check_overwrite(path, overwrite)
    config_json = json.dumps(model_config(model), default=_json_default)
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        write_weights(model, f)
    # Keras stores members uncompressed; so do we (fast, and h5 barely compresses).
    with files.atomic_write(path) as tmp, \
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_FILENAME, json.dumps(metadata))
        zf.writestr(CONFIG_FILENAME, config_json)
        zf.writestr(WEIGHTS_FILENAME, weights.getvalue())
        for name, data in assets.collect(model):  # e.g. a lookup layer's vocabulary.txt
            zf.writestr(name, data)


def _json_default(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "get_config"):
        return registry.serialize_object(obj, type(obj).__module__)
    raise TypeError(f"Cannot write {type(obj).__name__} {obj!r} into config.json")


def _open_zip(path):
    try:
        return zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile:
        raise ValueError(
            f"{path!r} is not a valid .keras file: it is not a zip archive."
        ) from None


def _read_member(zf, path, name):
    if name not in zf.namelist():
        raise ValueError(
            f"{path!r} is not a valid .keras file: it has no {name} "
            f"(it contains {sorted(zf.namelist())})."
        )
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ValueError(f"{path!r} is damaged: cannot read {name} ({e}).") from None


def read_config(path: str) -> dict:
    """The model config stored in a ``.keras`` file."""
    with _open_zip(path) as zf:
        raw = _read_member(zf, path, CONFIG_FILENAME)
    return _parse_config(raw, path)


def _parse_config(raw, path):
    try:
        config = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"{path!r} is not a valid .keras file: config.json is not JSON ({e}).") \
            from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"{path!r} is not a valid .keras file: config.json does not describe a model."
        )
    return config


def model_from_config(config, custom_objects=None, safe_mode=True):
    """Build the (uncompiled) model a saved config describes."""
    with registry.safe_mode_scope(safe_mode), registry.custom_object_scope(custom_objects or {}):
        return deserialize_layer(clean_layer_entry(config, custom_objects), custom_objects)


def compile_from_config(model, compile_config, custom_objects=None):
    """``model.compile(**compile_config)``, ignoring keys this ``compile`` does not take."""
    params = inspect.signature(model.compile).parameters
    takes_any = any(p.kind == p.VAR_KEYWORD for p in params.values())
    args = {k: v for k, v in compile_config.items() if takes_any or k in params}
    optimizer = args.get("optimizer")
    if isinstance(optimizer, dict):
        from lamina import optimizers

        args["optimizer"] = optimizers.deserialize(optimizer, custom_objects)
    with registry.custom_object_scope(custom_objects or {}):
        model.compile(**args)
    if model.built and model.optimizer is not None and not model.optimizer.built:
        # as Keras' compile_from_config: slots exist now, so saved state can be assigned
        model.optimizer.build(model.trainable_weights)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a ``.keras`` file written by lamina or Keras 3."""
    path = files.fspath(filepath)
    with _open_zip(path) as zf:
        config = _parse_config(_read_member(zf, path, CONFIG_FILENAME), path)
        names = zf.namelist()
        weights = _read_member(zf, path, WEIGHTS_FILENAME) if WEIGHTS_FILENAME in names else None
        if weights is None and "model.weights.npz" in names:
            raise ValueError(
                f"{path!r} stores its weights as model.weights.npz; lamina reads the HDF5 "
                "variant. Re-save the model in Keras with the default weights format."
            )
        if weights is None:
            raise ValueError(f"{path!r} is not a valid .keras file: it has no {WEIGHTS_FILENAME}.")
        asset_files = assets.read_members(zf, repr(path))
    model = model_from_config(config, custom_objects, safe_mode)
    compile_config = config.get("compile_config") if compile else None
    if compile_config:
        compile_from_config(model, compile_config, custom_objects)
    with files.open_h5(io.BytesIO(weights), f"{WEIGHTS_FILENAME} inside {path!r}") as f:
        read_weights(model, f, source=repr(path))
    assets.restore(model, asset_files)
    return model


def load_weights_from_keras_file(model, filepath, skip_mismatch=False):
    """``model.load_weights("model.keras")``: only the weights of a ``.keras`` file."""
    path = files.fspath(filepath)
    with _open_zip(path) as zf:
        weights = _read_member(zf, path, WEIGHTS_FILENAME)
    with files.open_h5(io.BytesIO(weights), f"{WEIGHTS_FILENAME} inside {path!r}") as f:
        read_weights(model, f, skip_mismatch=skip_mismatch, source=repr(path))
