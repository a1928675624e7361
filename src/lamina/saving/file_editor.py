"""``KerasFileEditor``: look inside a ``.keras`` or ``.weights.h5`` file and edit its weights.

Useful after changing a model's architecture: rename, drop or add the weights of a layer,
then write a ``.weights.h5`` file the new model loads. Weights are held as a nested dict of
NumPy arrays in Keras' layout (``{"layers": {"dense": {"0": kernel, "1": bias}}}``; the
``vars`` groups of the file are folded into their object).

>>> editor = KerasFileEditor("model.keras")                       # doctest: +SKIP
>>> editor.rename_object("dense_1", "head")                       # doctest: +SKIP
>>> editor.save("edited.weights.h5")                              # doctest: +SKIP
"""

from __future__ import annotations

import io
import json
import os

import h5py
import numpy as np

from lamina.saving import files, keras_format
from lamina.saving.keras_format import CONFIG_FILENAME, METADATA_FILENAME, WEIGHTS_FILENAME
from lamina.saving.object_graph import own_variables, walk

_MAX_DATASET_BYTES = 1 << 32  # a weight bigger than 4 GiB in an edited file is refused


class KerasFileEditor:
    """Inspect, edit and re-save the weights of a Keras file.

    Args:
        filepath: a ``.keras`` file (its config and metadata are read too, as ``config`` and
            ``metadata``) or a ``.weights.h5`` file.

    >>> import numpy as np, lamina
    >>> model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1, name="d")])
    >>> model.save_weights("editor_doc.weights.h5")
    >>> editor = lamina.saving.KerasFileEditor("editor_doc.weights.h5")  # doctest: +ELLIPSIS
    Keras model file 'editor_doc.weights.h5'
    >>> sorted(editor.weights_dict["layers"]["dense"])
    ['0', '1']
    """

    def __init__(self, filepath):
        self.filepath = files.fspath(filepath)
        self.metadata = None
        self.config = None
        path = self.filepath
        if path.endswith(".keras"):
            with keras_format.open_zip(path) as zf:  # the archive's members checked, capped
                self.config = json.loads(keras_format.read_member(zf, path, CONFIG_FILENAME))
                self.metadata = json.loads(keras_format.read_member(zf, path, METADATA_FILENAME))
                source = io.BytesIO(keras_format.read_member(zf, path, WEIGHTS_FILENAME))
        elif path.endswith(".weights.h5"):
            source = path
        else:
            raise ValueError(
                "KerasFileEditor: expected a filepath ending in `.keras` or `.weights.h5`. "
                f"Received: filepath={path}"
            )
        with files.open_h5(source, f"The weights in {path!r}") as h5:
            self.object_metadata = {}  # {"layers/dense": {"name": "dense"}}
            self.weights_dict = _read_group(h5, "", self.object_metadata)
        print(f"Keras model file '{path}'")
        if self.metadata is not None:
            print(f"Saved with Keras {self.metadata.get('keras_version')} - "
                  f"date: {self.metadata.get('date_saved')}")

    # -- looking ------------------------------------------------------------------------------

    def summary(self) -> None:
        """Print the tree of objects and weights (shape and dtype) in the file."""
        print("Weights structure")
        for line in _tree_lines(self.weights_dict, self.object_metadata, "", "  "):
            print(line)

    def compare(self, reference_model) -> dict:
        """List every difference between the file's weights and ``reference_model``'s.

        Returns ``{"status": "success" | "error", "error_count": n, "match_count": m}``:
        an object or weight present on one side only, or a weight whose shape differs, is
        an error; a weight of the same shape on both sides is a match.
        """
        print("Running comparison")
        spec = _weight_spec(reference_model)
        checked = set()
        errors, matches = _compare(self.weights_dict, spec, "", "saved file", "reference model",
                                   checked)
        back_errors, _ = _compare(spec, self.weights_dict, "", "reference model", "saved file",
                                  checked)
        errors += back_errors
        print("─────────────────────")
        if errors == 0:
            print("Comparison successful: saved file is compatible with the reference model")
            print(f"    Found {matches} matching weight{'' if matches == 1 else 's'}")
        else:
            print(f"Found {errors} error{'' if errors == 1 else 's'}: saved file is not "
                  "compatible with the reference model")
        return {"status": "success" if errors == 0 else "error", "error_count": errors,
                "match_count": matches}

    # -- editing ------------------------------------------------------------------------------

    def rename_object(self, object_name: str, new_name: str) -> None:
        """Rename an object (e.g. a layer): ``object_name`` is a name (``"dense_2"``), unique
        in the file, or a path (``"layers/dense_2"``); ``new_name`` is a name, not a path."""

        def rename(parent, key):
            parent[new_name] = parent.pop(key)

        self._edit(object_name, rename, new_name)

    def delete_object(self, object_name: str) -> None:
        """Remove an object and all its weights (a name or a path, as in ``rename_object``)."""
        self._edit(object_name, lambda parent, key: parent.pop(key))

    def add_object(self, object_path: str, weights: dict) -> None:
        """Add an object at ``object_path`` (e.g. ``"layers/dense_2"``) holding ``weights``,
        a dict of weight names to arrays (``{"0": kernel, "1": bias}``)."""
        weights = _check_weights(weights)
        *parents, leaf = object_path.split("/")
        node = self.weights_dict
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise ValueError(f"Path '{'/'.join(parents)}' not found in model.")
            node = node[part]
        node[leaf] = weights

    def delete_weight(self, object_name: str, weight_name: str) -> None:
        """Remove one weight (e.g. ``"1"``, the bias) from an object."""

        def delete(parent, key):
            if weight_name not in parent[key]:
                raise ValueError(
                    f"Weight {weight_name} not found in object {object_name}. Weights found: "
                    f"{list(parent[key])}"
                )
            parent[key].pop(weight_name)

        self._edit(object_name, delete)

    def add_weights(self, object_name: str, weights: dict) -> None:
        """Add weights (a dict of names to arrays) to an existing object."""
        weights = _check_weights(weights)
        self._edit(object_name, lambda parent, key: parent[key].update(weights))

    def save(self, filepath) -> None:
        """Write the (edited) weights to a ``.weights.h5`` file, loadable by ``load_weights``."""
        path = files.fspath(filepath)
        if not path.endswith(".weights.h5"):
            raise ValueError(
                "KerasFileEditor.save: expected a filepath ending in `.weights.h5`. "
                f"Received: filepath={path}"
            )
        with files.atomic_write(path) as tmp, h5py.File(tmp, "w") as h5:
            _write_group(h5, self.weights_dict, "", self.object_metadata)

    def resave_weights(self, filepath) -> None:
        """Another name for :meth:`save`."""
        self.save(filepath)

    def _edit(self, object_name, edit, new_name=None):
        if not isinstance(object_name, str) or not object_name:
            raise ValueError(f"Expected an object name or path (a string); got {object_name!r}")
        if new_name is not None and "/" in new_name:
            raise ValueError(
                "The new name should be a leaf name, not a full path name. "
                f"Received: target_name='{new_name}'"
            )
        if "/" in object_name:
            *parents, leaf = object_name.split("/")
            node = self.weights_dict
            for part in parents:
                node = node.get(part) if isinstance(node, dict) else None
            if not isinstance(node, dict) or leaf not in node:
                raise ValueError(f"Path '{object_name}' not found in model.")
            edit(node, leaf)
            return
        holders = list(_holders(self.weights_dict, object_name))
        if len(holders) > 1:
            raise ValueError(
                f"Name '{object_name}' occurs more than once in the model; try passing a "
                f"complete path (it is at: {', '.join(holders_path for holders_path, _ in holders)})"
            )
        if not holders:
            raise ValueError(
                f"Source name '{object_name}' does not appear in the model. Use "
                "`editor.summary()` to list all objects."
            )
        edit(holders[0][1], object_name)


def _holders(tree, name, path=""):
    """(path, parent dict) for every place ``name`` is a key."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _holders(value, name, f"{path}/{key}" if path else key)
    if name in tree:
        yield (f"{path}/{name}" if path else name), tree


def _check_weights(weights):
    if not isinstance(weights, dict):
        raise ValueError(
            "Argument `weights` should be a dict where keys are weight names (usually '0', "
            f"'1', etc.) and values are NumPy arrays. Received: type(weights)={type(weights)}"
        )
    return {str(k): np.asarray(v) for k, v in weights.items()}


def _read_group(group, path, metadata):
    """The file's tree as nested dicts; a ``vars`` group's arrays sit in its object's dict."""
    if group.attrs:
        metadata[path] = {k: files.attr_text(v) for k, v in group.attrs.items()}
    out = {}
    for key in group:  # links and external data were refused when the file was opened
        item = group[key]
        child = f"{path}/{key}" if path else key
        if isinstance(item, h5py.Group):
            if key == "vars":
                if item.attrs:
                    metadata.setdefault(path, {}).update(
                        {k: files.attr_text(v) for k, v in item.attrs.items()})
                out.update(_read_datasets(item, child))
                continue
            sub = _read_group(item, child, metadata)
            if sub:
                out[key] = sub
        elif isinstance(item, h5py.Dataset):
            out[key] = _read_dataset(item, child)
    return out


def _read_datasets(group, path):
    out = {}
    for key in group:
        if isinstance(group[key], h5py.Dataset):
            out[key] = _read_dataset(group[key], f"{path}/{key}")
    return out


def _read_dataset(dataset, path):
    return files.read_dataset(dataset, f"The weights at '{path}'", max_bytes=_MAX_DATASET_BYTES)


def _write_group(h5, tree, path, metadata):
    arrays = {k: v for k, v in tree.items() if not isinstance(v, dict)}
    if arrays:
        group = h5.require_group(f"{path}/vars" if path else "vars")
        for key, value in metadata.get(path, {}).items():
            if key == "name":  # the object's name, as the saver writes it
                group.attrs[key] = value
        for key, value in arrays.items():
            group.create_dataset(key, data=np.asarray(value))
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            _write_group(h5, value, f"{path}/{key}" if path else key, metadata)


def _weight_spec(model):
    """``model``'s weights as the file would hold them: {path parts...: {"0": shape}}."""
    spec = {}
    for path, obj in walk(model):
        store = {}
        if hasattr(obj, "save_own_variables"):
            obj.save_own_variables(store)
        else:
            for i, variable in enumerate(own_variables(obj)):
                store[str(i)] = variable
        if not store:
            continue
        node = spec
        for part in path.split("/") if path else []:
            node = node.setdefault(part, {})
        for key, value in store.items():
            node[str(key)] = tuple(value.shape)
    return spec


def _shape(value):
    return tuple(value) if isinstance(value, tuple) else tuple(np.shape(value))


def _compare(target, reference, path, target_name, ref_name, checked):
    errors = matches = 0
    for key, ref in reference.items():
        inner = f"{path}/{key}"
        if inner in checked:
            continue
        if key not in target:
            errors += 1
            checked.add(inner)
            if isinstance(ref, dict):
                print(f"...Object {inner} present in {ref_name}, missing from {target_name}")
                print(f"    In {ref_name}, {inner} contains the following keys: {list(ref)}")
            else:
                print(f"...Weight {inner} present in {ref_name}, missing from {target_name}")
        elif isinstance(ref, dict):
            if not isinstance(target[key], dict):
                errors += 1
                checked.add(inner)
                print(f"...{inner} is an object in {ref_name} but a weight in {target_name}")
                continue
            e, m = _compare(target[key], ref, inner, target_name, ref_name, checked)
            errors, matches = errors + e, matches + m
        elif isinstance(target[key], dict) or _shape(target[key]) != _shape(ref):
            errors += 1
            checked.add(inner)
            theirs = "an object" if isinstance(target[key], dict) else \
                f"shape={_shape(target[key])}"
            print(f"...Weight shape mismatch for {inner}\n    In {ref_name}: "
                  f"shape={_shape(ref)}\n    In {target_name}: {theirs}")
        else:
            matches += 1
    return errors, matches


def _tree_lines(tree, metadata, path, prefix):
    items = list(tree.items())
    for i, (key, value) in enumerate(items):
        last = i == len(items) - 1
        connector = "└─ " if last else "├─ "
        child = os.path.join(path, key) if path else key
        if isinstance(value, dict):
            name = metadata.get(child, {}).get("name")
            yield f"{prefix}{connector}{key}" + (f" ('{name}')" if name else "")
            yield from _tree_lines(value, metadata, child, prefix + ("    " if last else "│   "))
        else:
            yield f"{prefix}{connector}{key}: shape={value.shape}, dtype={value.dtype}"


__all__ = ["KerasFileEditor"]
