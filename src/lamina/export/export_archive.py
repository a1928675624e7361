"""``ExportArchive`` (``keras.export.ExportArchive``) and ``Model.export``.

Keras' archive is a TensorFlow SavedModel: one directory holding every endpoint and variable
collection. lamina writes the formats its engine has, laid out as follows:

- ``write_out("m.onnx")`` / ``write_out("m.pt2")``: an archive with exactly one endpoint (and no
  variable collection) is that one file.
- ``write_out("dir", format="onnx")`` (or ``"torch"``): a directory with one file per endpoint,
  ``dir/<endpoint>.onnx`` (ONNX has one graph per file) or ``dir/<endpoint>.pt2``, and one
  ``dir/<collection>.npz`` per variable collection (arrays keyed by variable path, readable with
  NumPy alone).
"""

from __future__ import annotations

import os

import numpy as np

from lamina import tree
from lamina.export import formats, signatures
from lamina.layers.layer import Layer


class ExportArchive:
    """Collects serving endpoints of tracked models or layers and writes them for inference.

    >>> import tempfile, os, numpy as np, lamina
    >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    >>> archive = lamina.export.ExportArchive()
    >>> archive.track(model)
    >>> _ = archive.add_endpoint(
    ...     "serve", model, input_signature=[lamina.InputSpec(shape=(None, 3), dtype="float32")])
    >>> path = os.path.join(tempfile.mkdtemp(), "serve.pt2")
    >>> archive.write_out(path, verbose=False)
    >>> os.path.exists(path)
    True
    """

    def __init__(self, format=None):
        if format is not None:
            formats.check_format(format)
        self._format = format
        self._tracked: list = []
        self._endpoints: dict = {}
        self._collections: dict = {}

    def track(self, resource):
        """Track a layer or model: its variables become the parameters of the endpoints."""
        if not isinstance(resource, Layer):
            raise TypeError(
                f"ExportArchive.track() takes a lamina layer or model, got {resource!r} of type "
                f"{type(resource).__name__}."
            )
        if not resource.built:
            raise ValueError(f"ExportArchive.track(): layer '{resource.name}' is not built yet; "
                             "call it on data (or build it) first.")
        if not any(r is resource for r in self._tracked):
            self._tracked.append(resource)

    def add_endpoint(self, name, fn, input_signature=None, **kwargs):
        """Register ``fn`` as endpoint ``name``, traced for ``input_signature``.

        ``input_signature`` lists one entry per positional argument of ``fn``: a
        ``lamina.InputSpec(shape=..., dtype=...)`` or a structure (list, dict) of them, e.g.
        ``[[spec_a, spec_b]]`` for a functional model with two inputs. Returns ``fn``.
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"add_endpoint: name must be an identifier string, got {name!r}.")
        if name in self._endpoints:
            raise ValueError(f"add_endpoint: an endpoint named {name!r} already exists.")
        if not callable(fn):
            raise TypeError(f"add_endpoint: fn must be callable, got {fn!r}.")
        if kwargs:
            raise TypeError(f"add_endpoint: unexpected argument(s) {sorted(kwargs)} (those "
                            "are for the JAX/TensorFlow SavedModel export, which lamina lacks).")
        if input_signature is None:
            raise ValueError(
                "add_endpoint: lamina traces the function when writing, so it needs "
                "input_signature=[lamina.InputSpec(shape=(None, ...), dtype='float32')]."
            )
        for layer in _layers_reached_by(fn):
            if layer.built:
                self.track(layer)
        if not self._tracked:
            raise ValueError(
                f"add_endpoint({name!r}): no layer or model is tracked; call "
                "archive.track(model) first so the endpoint's variables are exported."
            )
        self._endpoints[name] = (fn, signatures.normalize(input_signature, "add_endpoint"))
        return fn

    def track_and_add_endpoint(self, name, resource, input_signature, **kwargs):
        """``track(resource)`` and add an endpoint calling it (in inference mode)."""
        self.track(resource)
        return self.add_endpoint(name, _inference_call(resource), input_signature, **kwargs)

    def add_variable_collection(self, name, variables):
        """Register ``variables`` (a list of lamina variables) to be written as ``<name>.npz``."""
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                f"add_variable_collection: name must be an identifier string, got {name!r}.")
        variables = list(variables) if isinstance(variables, (list, tuple, set)) else None
        if variables is None or not all(hasattr(v, "path") and hasattr(v, "numpy")
                                        for v in variables):
            raise ValueError("add_variable_collection: variables must be a list, tuple or set "
                             "of lamina variables (e.g. model.optimizer.variables).")
        self._collections[name] = variables

    def write_out(self, filepath, options=None, verbose=True, format=None):
        """Write the endpoints: one file for a ``.onnx``/``.pt2`` path, else a directory."""
        if options is not None:
            raise ValueError("write_out: options= is TensorFlow's SaveOptions for a SavedModel, "
                             "which lamina does not write; leave it None.")
        if not self._endpoints:
            raise ValueError("write_out: the archive has no endpoint; call add_endpoint first.")
        filepath = os.fspath(filepath)
        from_path = formats.format_from_path(filepath)
        format = format or self._format or from_path
        if format is None:
            raise ValueError(
                f"write_out({filepath!r}): give format='onnx' or format='torch' (or a path "
                "ending in .onnx or .pt2)."
            )
        formats.check_format(format)
        suffix = formats.SUFFIXES[format]
        if from_path is not None and from_path != format:
            raise ValueError(f"write_out: the path {filepath!r} ends in "
                             f"{formats.SUFFIXES[from_path]}, but format={format!r}.")
        if from_path is not None:
            if len(self._endpoints) != 1 or self._collections:
                raise ValueError(
                    f"write_out({filepath!r}): a single {suffix} file holds one endpoint; this "
                    f"archive has endpoints {list(self._endpoints)} and variable collections "
                    f"{list(self._collections)}. Write to a directory path instead."
                )
            (fn, sig), = self._endpoints.values()
            formats.write_endpoint(fn, sig, self._tracked, filepath, format, verbose=verbose)
        else:
            os.makedirs(filepath, exist_ok=True)
            for name, (fn, sig) in self._endpoints.items():
                formats.write_endpoint(fn, sig, self._tracked,
                                       os.path.join(filepath, name + suffix), format,
                                       verbose=verbose)
            for name, variables in self._collections.items():
                _write_collection(os.path.join(filepath, name + ".npz"), variables)
        if verbose:
            print(f"Saved artifact at '{filepath}'.")


def _write_collection(path, variables):
    arrays = {}
    for v in variables:
        key = str(v.path)
        arrays[key if key not in arrays else f"{key}_{len(arrays)}"] = np.asarray(v.numpy())
    tmp = path + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def _zeros(leaf):
    return np.zeros([2 if d is None else d for d in leaf.shape], dtype=leaf.dtype)


def _inference_call(model):
    def call(*args):
        return model(*args, training=False)

    return call


def _layers_reached_by(fn):
    """Layers a function obviously uses: a layer itself, a bound method's owner, closure cells."""
    if isinstance(fn, Layer):
        return [fn]
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, Layer):
        return [owner]
    cells = getattr(fn, "__closure__", None) or ()
    out = []
    for cell in cells:
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        out.extend(v for v in tree.flatten(value) if isinstance(v, Layer))
    return out


def export_model(model, filepath, format="tf_saved_model", verbose=None, input_signature=None,
                 **kwargs):
    """``Model.export``: write ``model``'s inference forward pass as ``format``."""
    format = formats.check_format(format)
    opset_version = kwargs.pop("opset_version", None)
    if format == "onnx" and kwargs:
        raise TypeError(f"export(format='onnx'): unexpected argument(s) {sorted(kwargs)}; "
                        "it takes opset_version.")
    if format == "torch" and opset_version is not None:
        raise TypeError("export(format='torch'): opset_version is an ONNX option.")
    filepath = os.fspath(filepath)
    if format == "torch" and not filepath.endswith(".pt2"):
        raise ValueError(f"export(format='torch') writes a .pt2 file; got {filepath!r}.")
    if input_signature is None:
        signature = signatures.of_model(model)
    else:
        signature = signatures.normalize(input_signature)
        signature = _as_model_arguments(model, signature)
        if not model.built:
            # build outside the trace: variables made while tracing would be the tracer's
            _inference_call(model)(*tree.map_structure(_zeros, signature))
    from lamina.models.functional import Functional

    output_names = list(getattr(model, "output_names", None) or []) \
        if isinstance(model, Functional) else None
    was_training = model.training
    model.eval()
    try:
        formats.write_endpoint(_inference_call(model), signature, [model], filepath, format,
                               output_names=output_names, opset_version=opset_version,
                               verbose=bool(verbose),
                               export_kwargs=kwargs if format == "torch" else None)
    finally:
        model.train(was_training)
    if verbose is None or verbose:
        print(f"Saved artifact at '{filepath}'.")
    return filepath


def _as_model_arguments(model, signature):
    """``[spec_a, spec_b]`` for a functional model with two inputs means one list argument."""
    from lamina.models.functional import Functional

    n_inputs = len(getattr(model, "inputs", None) or [])
    if isinstance(model, Functional) and n_inputs > 1 and len(signature) == n_inputs and all(
        isinstance(s, signatures.Leaf) for s in signature
    ):
        return [list(signature)]
    return signature
