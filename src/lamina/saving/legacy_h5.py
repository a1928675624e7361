"""Legacy ``.h5`` files (Keras 2's ``model.save("x.h5")`` and Keras 3's legacy writer).

The root attribute ``model_config`` holds the architecture (JSON), ``training_config`` the
compile arguments; group ``model_weights`` (attribute ``layer_names``) has one group per layer
with attribute ``weight_names`` (``dense/kernel:0`` in Keras 2, ``seq/dense/kernel`` in
Keras 3) naming its datasets in the layer's legacy order: trainable, then non-trainable.
``save_weights("w.h5")`` in Keras 2 wrote the ``model_weights`` content at the root.

>>> model = load_model("keras2_model.h5")                    # doctest: +SKIP
>>> model.load_weights("keras2_weights.h5", by_name=True)    # doctest: +SKIP
"""

from __future__ import annotations

import json
import warnings

import h5py
import numpy as np

from lamina.models.serialization import deserialize_layer
from lamina.saving import files
from lamina.saving.config_compat import clean_layer_entry
from lamina.saving.keras_format import (
    KERAS_VERSION,
    _json_default,
    _keras_module,
    malformed_config_errors,
)
from lamina.saving.legacy_config import compile_args, translate_layer_entry
from lamina.saving.object_graph import keras_layers
from lamina.utils import registry


def is_legacy(h5file) -> bool:
    """True for a Keras 2-style file (whole model or ``save_weights`` output)."""
    return "model_weights" in h5file or "layer_names" in h5file.attrs


def _legacy_weights(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _read_layer_values(group):
    values = []
    for name in files.attr_list(group, "weight_names"):
        if name not in group:
            raise ValueError(f"the weight {name!r} listed in '{group.name}' is missing")
        values.append(files.read_dataset(group[name], "The legacy .h5 file"))
    return values


def _set_layer(layer, values, label, skip_mismatch, problems):
    variables = _legacy_weights(layer)
    if len(values) != len(variables):
        problems.append(
            f"{label} expects {len(variables)} weight(s) {[tuple(v.shape) for v in variables]}, "
            f"but the file holds {len(values)} {[tuple(v.shape) for v in values]}."
        )
        return []
    pairs = []
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(value.shape):
            problems.append(
                f"{label}: weight '{getattr(variable, 'path', variable.name)}' has shape "
                f"{tuple(variable.shape)} in the model, but {tuple(value.shape)} in the file."
            )
            return []
        pairs.append((variable, value))
    return pairs


def load_weights_from_group(model, group, skip_mismatch=False, by_name=False, source="file"):
    """Load a ``model_weights``-style group by layer order (or by name)."""
    saved = [n for n in files.attr_list(group, "layer_names")]
    problems, pairs = [], []
    if by_name:
        index = {}
        for layer in keras_layers(model):
            index.setdefault(layer.name, []).append(layer)
        for k, name in enumerate(saved):
            values = _read_layer_values(group[name])
            for layer in index.get(name, []):
                pairs += _set_layer(layer, values, f"layer #{k} (named '{layer.name}')",
                                    skip_mismatch, problems)
    else:
        layers = [l for l in keras_layers(model) if _legacy_weights(l)]
        saved = [n for n in saved if files.attr_list(group[n], "weight_names")]
        if len(saved) != len(layers):
            raise ValueError(
                f"Layer count mismatch when loading weights from {source}: model "
                f"'{model.name}' has {len(layers)} layers with weights "
                f"{[l.name for l in layers]}, the file has {len(saved)} {saved}. Pass "
                "by_name=True to match layers by name."
            )
        for k, (layer, name) in enumerate(zip(layers, saved)):
            label = f"layer #{k} (named '{layer.name}' in the model, '{name}' in the file)"
            pairs += _set_layer(layer, _read_layer_values(group[name]), label, skip_mismatch,
                                problems)
    if problems and not skip_mismatch:
        raise ValueError(f"Could not load the weights in {source}: " + "\n".join(problems))
    for problem in problems:
        warnings.warn(f"Skipping loading weights for {problem}", stacklevel=3)
    for variable, value in pairs:
        variable.assign(value)


def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    path = files.fspath(filepath)
    with files.open_h5(path, f"The weights file {path!r}") as f:
        group = f.get("model_weights", f)
        try:
            load_weights_from_group(model, group, skip_mismatch, by_name, source=repr(path))
        except KeyError as e:
            raise ValueError(f"{path!r} is not a valid legacy weights file ({e}).") from None


def _attr_json(f, name, path):
    raw = f.attrs.get(name)
    if raw is None:
        return None
    try:
        return json.loads(files.attr_text(raw))
    except (ValueError, TypeError) as e:
        raise ValueError(f"{path!r}: the attribute {name!r} is not valid JSON ({e}).") from None


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model from a legacy ``.h5`` file: config, weights, compile and optimizer."""
    path = files.fspath(filepath)
    with files.open_h5(path, f"The file {path!r}") as f:
        config = _attr_json(f, "model_config", path)
        if config is None:
            kind = "a weights-only file" if is_legacy(f) or "vars" in f else "not a Keras file"
            raise ValueError(
                f"No model config found in the file at {path!r} ({kind}). If it holds only "
                "weights, build the model in code and call model.load_weights()."
            )
        with registry.safe_mode_scope(safe_mode), \
                registry.custom_object_scope(custom_objects or {}), \
                malformed_config_errors(repr(path)):
            entry = clean_layer_entry(translate_layer_entry(config), custom_objects)
            model = deserialize_layer(entry, custom_objects)
        if "model_weights" not in f:
            raise ValueError(f"{path!r} has a model config but no 'model_weights' group.")
        try:
            load_weights_from_group(model, f["model_weights"], source=repr(path))
        except KeyError as e:
            raise ValueError(f"{path!r} is not a valid legacy model file ({e}).") from None
        training_config = _attr_json(f, "training_config", path) if compile else None
        if training_config:
            with registry.safe_mode_scope(safe_mode), \
                    registry.custom_object_scope(custom_objects or {}), \
                    malformed_config_errors(repr(path)):
                model.compile(**compile_args(training_config))
            if "optimizer_weights" in f:
                _restore_optimizer(model, f["optimizer_weights"])
    return model


def _restore_optimizer(model, group):
    optimizer = model.optimizer
    values = [files.read_dataset(group[n], "The optimizer weights")
              for n in files.attr_list(group, "weight_names")]
    if not optimizer.built:
        optimizer.build(model.trainable_weights)
    shapes_ok = len(values) == len(optimizer.variables) and all(
        tuple(v.shape) == tuple(w.shape) for v, w in zip(optimizer.variables, values))
    if not shapes_ok:  # Keras 2 ordered slots differently; Keras 3 also starts afresh here
        warnings.warn(
            "The optimizer state in the file does not match this optimizer's variables; the "
            "model starts with a freshly initialized optimizer.", stacklevel=3)
        return
    for variable, value in zip(optimizer.variables, values):
        variable.assign(value)


def _write_attr_list(group, name, values):
    group.attrs[name] = np.asarray([v.encode("utf8") for v in values]) if values \
        else np.asarray([], dtype=np.float64)


def _write_weights(group, layer_weights):
    """Datasets named by each variable's path, listed in ``weight_names``."""
    names = []
    for variable in layer_weights:
        name = str(getattr(variable, "path", None) or variable.name)
        while name in names:
            name += "_"
        names.append(name)
        group.create_dataset(name, data=variable.numpy())
    _write_attr_list(group, "weight_names", names)


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Write a legacy ``.h5`` file that Keras 3 (and lamina) can load."""
    path = files.fspath(filepath)
    files.check_overwrite(path, overwrite)
    model_config = {"class_name": type(model).__name__, "config": model.get_config()}
    training_config = None
    compile_config = model.get_compile_config() if include_optimizer else None
    if compile_config:
        training_config = {k: v for k, v in _keras_module(compile_config).items()
                           if k != "optimizer"}
        opt = compile_config["optimizer"]
        training_config["optimizer_config"] = {"class_name": opt["class_name"],
                                               "config": opt["config"]}
    with files.atomic_write(path) as tmp, h5py.File(tmp, "w") as f:
        f.attrs["backend"] = "torch"
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["model_config"] = json.dumps(model_config, default=_json_default)
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config, default=_json_default)
        weights = f.create_group("model_weights")
        layers = keras_layers(model)
        _write_attr_list(weights, "layer_names", [l.name for l in layers])
        weights.attrs["backend"] = "torch"
        weights.attrs["keras_version"] = KERAS_VERSION
        for layer in sorted(layers, key=lambda l: l.name):
            _write_weights(weights.create_group(layer.name), _legacy_weights(layer))
        own = [v for v in model._own_variables if v.trainable] + \
            [v for v in model._own_variables if not v.trainable]
        _write_weights(weights.create_group("top_level_model_weights"), own)
        optimizer = getattr(model, "optimizer", None)
        if compile_config and optimizer is not None and optimizer.variables:
            _write_weights(f.create_group("optimizer_weights"), optimizer.variables)
