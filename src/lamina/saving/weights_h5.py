"""Keras 3's weights layout in HDF5 (``.weights.h5``, and ``model.weights.h5`` inside ``.keras``).

Every layer and optimizer gets a group ``<path>/vars`` (attribute ``name``) holding datasets
``"0"``, ``"1"``... in Keras' variable order; paths come from :mod:`object_graph`.

>>> model.save_weights("model.weights.h5")                # doctest: +SKIP
>>> model.load_weights("model.weights.h5")                # doctest: +SKIP
"""

from __future__ import annotations

import warnings

import h5py
import numpy as np

from lamina.optimizers.optimizer import Optimizer
from lamina.saving import files
from lamina.saving.object_graph import own_variables, walk


class _WriteStore:
    """What ``save_own_variables(store)`` writes into: one ``vars`` group."""

    def __init__(self, group):
        self._group = group

    def __setitem__(self, key, value):
        value = value.numpy() if hasattr(value, "numpy") else np.asarray(value)
        self._group.create_dataset(str(key), data=np.asarray(value))


class ReadStore:
    """What ``load_own_variables(store)`` reads from: one ``vars`` group (maybe absent)."""

    def __init__(self, group=None):
        self._group = group

    def keys(self):
        if self._group is None:
            return []
        return sorted(self._group.keys(), key=lambda k: (not k.isdigit(), int(k) if k.isdigit() else 0, k))

    def __len__(self):
        return len(self.keys())

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, key):
        return self._group is not None and str(key) in self._group

    def _item(self, key):
        if self._group is None or str(key) not in self._group:
            raise KeyError(key)
        return self._group[str(key)]

    def shape(self, key) -> tuple:
        """The saved array's shape, read without reading its data."""
        item = self._item(key)
        if not isinstance(item, h5py.Dataset):
            # the file's content is wrong, not the caller's argument: ValueError
            raise ValueError(f"'{item.name}' is a group, not a weight array")  # noqa: TRY004
        return tuple(item.shape)

    def __getitem__(self, key):
        return files.read_dataset(self._item(key), "The weights file")


def write_weights(model, h5file) -> None:
    """Write the state of ``model`` (layers, optimizer, its own variables) into ``h5file``."""
    for path, obj in walk(model):
        group = h5file.create_group(f"{path}/vars" if path else "vars")
        if isinstance(getattr(obj, "name", None), str):
            group.attrs["name"] = obj.name
        store = _WriteStore(group)
        if hasattr(obj, "save_own_variables"):
            obj.save_own_variables(store)
        else:
            for i, variable in enumerate(own_variables(obj)):
                store[str(i)] = variable


def _describe(obj, path):
    where = f"'{path}/vars'" if path else "'vars'"
    return f"{type(obj).__name__} '{getattr(obj, 'name', '?')}' (at {where} in the file)"


def _check_layer(layer, store, path):
    """The (variable, value) pairs to assign, or an error message saying what does not match."""
    variables = own_variables(layer)
    keys = list(store)
    shapes = [store.shape(k) for k in keys]  # checked before any data is read
    if len(keys) != len(variables):
        return None, (
            f"{_describe(layer, path)} expects {len(variables)} variable(s) "
            f"{[tuple(v.shape) for v in variables]}, but the file holds {len(keys)} {shapes}."
        )
    for variable, shape in zip(variables, shapes):
        if tuple(variable.shape) != shape:
            return None, (
                f"{_describe(layer, path)}: variable '{getattr(variable, 'name', '?')}' has shape "
                f"{tuple(variable.shape)} in the model, but shape {shape} in the file."
            )
    return list(zip(variables, [store[k] for k in keys])), None


def read_weights(model, h5file, skip_mismatch=False, source="the file") -> None:
    """Assign ``model``'s state from ``h5file``; nothing is assigned if a layer does not match
    (unless ``skip_mismatch``, which skips that layer with a warning)."""
    assignments, deferred, problems = [], [], []
    for path, obj in walk(model):
        key = f"{path}/vars" if path else "vars"
        group = h5file.get(key)
        store = ReadStore(group if isinstance(group, h5py.Group) else None)
        if isinstance(obj, Optimizer):
            deferred.append((obj, store))
            continue
        if hasattr(obj, "load_own_variables"):  # a Keras-style layer that reads itself
            deferred.append((obj, store))
            continue
        pairs, problem = _check_layer(obj, store, path)
        if problem:
            problems.append(problem)
        else:
            assignments.extend(pairs)
    if problems:
        if not skip_mismatch:
            head = f"Could not load the weights in {source} into model '{model.name}'"
            if len(problems) == 1:
                raise ValueError(f"{head}: {problems[0]}")
            raise ValueError(f"{head}; {len(problems)} layers do not match:\n- "
                             + "\n- ".join(problems))
        for problem in problems:
            warnings.warn(f"Skipping loading weights: {problem}", stacklevel=3)
    for variable, value in assignments:
        variable.assign(value)
    for obj, store in deferred:
        if isinstance(obj, Optimizer):
            _prepare_optimizer(model, obj, store)
            if 0 < len(store) <= 2 < len(obj.variables):
                # saved before any step: only iterations and learning_rate exist, and the
                # slots of an optimizer that never stepped are all zeros anyway
                for i, variable in enumerate(obj.variables[: len(store)]):
                    variable.assign(store[str(i)])
                continue
        obj.load_own_variables(store)


def _prepare_optimizer(model, optimizer, store):
    # A compiled but untrained model's optimizer has no slots yet; build them (as Keras'
    # compile_from_config does) so a trained optimizer's state can be restored.
    if not optimizer.built and len(store) > len(optimizer.variables):
        optimizer.build(model.trainable_weights)


def _require_built(model, action):
    if not model.built:
        raise ValueError(
            f"You are {action} a model that has not yet been built ('{model.name}'): its weights "
            "do not exist yet. Build it first by calling it on some data, by calling "
            "`model.build(input_shape)`, or by giving it an Input."
        )


# Set by `lamina run` (compat.keras_alias.install): Keras 2 scripts save weights to any `.h5` /
# `.hdf5` name (`model.save_weights("model.h5")`), and tf.keras 2 ones to any other name (its
# TensorFlow checkpoints, `save_weights("my_weights.ckpt")`); the file is written in Keras 3's
# layout, which load_weights recognises by its content.
KERAS2_PATHS = False


def save_weights(model, filepath, overwrite=True):
    """Write ``model``'s weights to a ``.weights.h5`` file (atomically)."""
    path = files.fspath(filepath)
    if not path.endswith(".weights.h5") and not (KERAS2_PATHS and not path.endswith(".keras")):
        raise ValueError(
            f"The filename must end in `.weights.h5`. Received: filepath={path}"
        )
    _require_built(model, "saving")
    files.check_overwrite(path, overwrite)
    with files.atomic_write(path) as tmp, h5py.File(tmp, "w") as f:
        write_weights(model, f)


def load_weights(model, source, skip_mismatch=False, name=None):
    """Read weights in Keras 3's layout from a path or file object into ``model``."""
    _require_built(model, "loading weights into")
    name = name or repr(files.fspath(source) if not hasattr(source, "read") else source)
    with files.open_h5(source, f"The weights file {name}") as f:
        read_weights(model, f, skip_mismatch=skip_mismatch, source=name)
