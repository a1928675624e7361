"""The export formats lamina writes (``onnx``, ``torch``) and the ones it refuses, with why.

:func:`write_endpoint` turns one function and its signature into one file: the function is
traced once by the engine (``torch.export``) with every unknown axis (the batch first) kept
dynamic, then saved as a ``.pt2`` program or converted by torch's ONNX exporter.
"""

from __future__ import annotations

import os

from lamina import tree
from lamina.backend import backend as _backend_name
from lamina.export import signatures

FORMATS = ("onnx", "torch")
SUFFIXES = {"onnx": ".onnx", "torch": ".pt2"}
# Keras' other formats, and what each needs that lamina does not have
_REFUSED = {
    "tf_saved_model": "TensorFlow (a SavedModel is a TensorFlow graph)",
    "saved_model": "TensorFlow (a SavedModel is a TensorFlow graph)",
    "litert": "TensorFlow Lite's converter (or litert_torch)",
    "tflite": "TensorFlow Lite's converter (or litert_torch)",
    "openvino": "OpenVINO",
}


def check_format(format) -> str:
    """``format`` if lamina writes it, else a ValueError naming what it needs."""
    if format in FORMATS:
        return format
    alternatives = ("use format='onnx' (a .onnx file for onnxruntime and most serving stacks) "
                    "or format='torch' (a torch.export .pt2 program that torch alone reloads)")
    if format in _REFUSED:
        raise ValueError(
            f"format={format!r} needs {_REFUSED[format]}, which lamina (on PyTorch) does not "
            f"use; {alternatives}."
        )
    raise ValueError(f"Unrecognized format={format!r}. lamina exports {list(FORMATS)}: "
                     f"{alternatives}.")


def format_from_path(filepath):
    """``onnx`` for ``*.onnx``, ``torch`` for ``*.pt2``, else None."""
    path = str(filepath).lower()
    return next((f for f, s in SUFFIXES.items() if path.endswith(s)), None)


def _engine():
    if _backend_name() != "torch":  # pragma: no cover - one engine today
        raise ValueError(f"export needs the torch backend; the active one is {_backend_name()!r}")
    from lamina.backend.torch import export

    return export


def _output_names(structure, default_names):
    """Names for the flat outputs: dict keys, else the model's output names, else output_<i>."""
    paths = [p for p, _ in tree.flatten_with_path(structure)]
    flat = tree.flatten(structure)
    if default_names and len(default_names) == len(flat) and not isinstance(structure, dict):
        base = list(default_names)
    else:
        base = ["_".join(str(k) for k in p) if p else "output_0" for p in paths]
        base = [b if isinstance(structure, dict) else f"output_{i}" for i, b in enumerate(base)]
    return signatures.input_names([signatures.Leaf((), "float32", b) for b in base])


def write_endpoint(fn, signature, modules, filepath, format, output_names=None,
                   opset_version=None, verbose=False, export_kwargs=None):
    """Trace ``fn(*args)`` for ``args`` shaped like ``signature`` and write it to ``filepath``.

    ``modules`` are the layers whose variables ``fn`` reads. Returns the input and output names.
    """
    engine = _engine()
    flat_leaves = tree.flatten(signature)
    out_structure = []

    def flat_fn(*flat):
        args = tree.pack_sequence_as(signature, list(flat))
        out = fn(*args)
        out_structure[:] = [out]
        return tree.flatten(out)

    specs = [(leaf.shape, leaf.dtype, name)
             for leaf, name in zip(flat_leaves, signatures.input_names(flat_leaves))]
    kwargs = dict(export_kwargs or {})
    unknown = sorted(set(kwargs) - engine.export_arguments())
    if unknown:
        raise TypeError(f"export: unexpected argument(s) {unknown} for format={format!r}; "
                        f"torch.export.export takes {sorted(engine.export_arguments())}.")
    try:
        program = engine.trace(flat_fn, modules, specs, **kwargs)
    except Exception as e:
        raise ValueError(
            f"Could not trace the function to export as {format!r}: {e}. Export records the "
            "layers' calls as a graph with a symbolic batch size: code that reads tensor values "
            "on the host (NumPy conversion, float(), .item()) or branches on them cannot be "
            "recorded."
        ) from e
    in_names = [s[2] for s in specs]
    out_names = _output_names(out_structure[0], output_names)
    fixed = engine.fixed_unknown_axes(program, specs)
    if fixed and "dynamic_shapes" not in kwargs:
        where = ", ".join(f"axis {axis} of input '{name}'" for name, axis, _ in fixed)
        raise ValueError(
            f"The model's code fixes the size of {where}, which the input signature leaves "
            "unknown (a layer uses that size as a Python number, e.g. to loop over time "
            "steps), so the exported file could not accept other sizes. Pass input_signature="
            "[lamina.InputSpec(shape=(None, <size>, ...), dtype=...)] with the size you serve."
        )
    filepath = os.fspath(filepath)
    root, ext = os.path.splitext(filepath)
    tmp = f"{root}.tmp{os.getpid()}{ext}"  # written whole, then renamed into place
    try:
        if format == "torch":
            engine.save_program(program, tmp)
        else:
            try:
                engine.write_onnx(program, tmp, in_names, out_names,
                                  opset_version=opset_version, verbose=verbose)
            except ImportError:
                raise
            except Exception as e:
                where = engine.describe_unconvertible(program, str(e))
                raise ValueError(
                    f"torch's ONNX exporter could not convert the traced function. {where} "
                    "(format='torch' keeps every torch op.) The exporter said: {e}"
                ) from e
        os.replace(tmp, filepath)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return in_names, out_names
