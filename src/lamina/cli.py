"""The ``lamina`` command: ``lamina run SCRIPT.py [args]``, ``lamina info``,
``lamina summary FILE``, ``lamina convert OLD.h5 NEW.keras`` and
``lamina export MODEL.keras OUT.onnx`` (or ``OUT.pt2``)."""

from __future__ import annotations

import argparse
import os
import runpy
import sys


def _run(script: str, args: list[str]) -> int:
    from lamina.compat import keras_alias

    if not os.path.exists(script):
        print(f"lamina run: no such script: {script}", file=sys.stderr)
        return 2
    keras_alias.install()
    sys.argv = [script] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


def _info() -> int:
    import lamina
    from lamina.backend import core

    print(f"lamina {lamina.__version__}")
    print(f"backend: {lamina.config.backend()}")
    print(f"device: {core.device_name()}")
    for line in core.engine_info():
        print(line)
    print(f"floatx: {lamina.config.floatx()}, image_data_format: {lamina.config.image_data_format()}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="lamina", description="The Keras API on PyTorch.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a Keras script with `import keras` served by lamina")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    sub.add_parser("info", help="show the version, backend and device")
    summary = sub.add_parser("summary", help="print the layer table of a .keras or .h5 model file")
    summary.add_argument("file")
    convert = sub.add_parser("convert", help="convert a Keras 2 .h5 model file to .keras")
    convert.add_argument("source")
    convert.add_argument("target")
    export = sub.add_parser(
        "export", help="export a .keras or .h5 model for inference (.onnx or .pt2)",
        description="Write a saved model's inference forward pass as an ONNX file (TARGET ends "
                    "in .onnx; needs onnx and onnxscript) or a torch.export program (.pt2), "
                    "with a dynamic batch axis. The format comes from TARGET's extension.")
    export.add_argument("source", help="a .keras or .h5 model file")
    export.add_argument("target", help="the file to write: NAME.onnx or NAME.pt2")
    export.add_argument("--opset", type=int, default=None,
                        help="ONNX opset version (default: the exporter's)")
    ns = parser.parse_args(argv)
    if ns.command == "run":
        return _run(ns.script, ns.args)
    if ns.command == "convert":
        return _convert(ns.source, ns.target)
    if ns.command == "summary":
        return _summary(ns.file)
    if ns.command == "export":
        return _export(ns.source, ns.target, ns.opset)
    return _info()


def _summary(path: str) -> int:
    from lamina import saving

    try:
        model = saving.load_model(path, compile=False)
    except (OSError, ValueError) as e:
        print(f"lamina summary: {e}", file=sys.stderr)
        return 1
    model.summary()
    return 0


def _convert(source: str, target: str) -> int:
    from lamina import saving

    try:
        saving.convert(source, target)
    except (OSError, ValueError) as e:
        print(f"lamina convert: {e}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
    return 0


def _export(source: str, target: str, opset=None) -> int:
    from lamina import saving
    from lamina.export import formats

    fmt = formats.format_from_path(target)
    if fmt is None:
        print(f"lamina export: {target!r} must end in .onnx or .pt2 (the format comes from it)",
              file=sys.stderr)
        return 2
    if opset is not None and fmt != "onnx":
        print("lamina export: --opset is for .onnx targets", file=sys.stderr)
        return 2
    kwargs = {"opset_version": opset} if opset is not None else {}
    try:
        model = saving.load_model(source, compile=False)
        model.export(target, format=fmt, verbose=False, **kwargs)
    except (OSError, ValueError, ImportError) as e:
        print(f"lamina export: {e}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
