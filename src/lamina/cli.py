"""The ``lamina`` command: ``lamina run SCRIPT.py [args]``, ``lamina info``,
``lamina summary FILE``, ``lamina plot FILE OUT.png``, ``lamina convert OLD.h5 NEW.keras`` and
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
    summary = sub.add_parser(
        "summary", help="print the layer table of a .keras or .h5 model file",
        description="Load a saved model (without its training state) and print model.summary().")
    summary.add_argument("file", help="a .keras or .h5 model file")
    summary.add_argument("--expand-nested", action="store_true",
                         help="also list the layers of models used as layers")
    summary.add_argument("--show-trainable", action="store_true",
                         help="add a column saying whether each layer trains")
    summary.add_argument("--line-length", type=int, default=None,
                         help="the table's width in characters")
    plot = sub.add_parser(
        "plot", help="draw a .keras or .h5 model's layer graph to an image",
        description="Load a saved model and write keras.utils.plot_model's picture of it to "
                    "TARGET (PNG, SVG, PDF or DOT, from the extension). Needs pydot and "
                    "graphviz's `dot` program.")
    plot.add_argument("source", help="a .keras or .h5 model file")
    plot.add_argument("target", help="the image to write, e.g. model.png or model.svg")
    for flag, what in (("--show-shapes", "each layer's input and output shapes"),
                       ("--show-dtype", "each layer's output dtype"),
                       ("--show-layer-names", "each layer's name"),
                       ("--show-layer-activations", "each layer's activation"),
                       ("--show-trainable", "whether each layer trains"),
                       ("--expand-nested", "models used as layers, as clusters of their layers")):
        plot.add_argument(flag, action="store_true", help=f"show {what}")
    plot.add_argument("--rankdir", choices=("TB", "LR"), default="TB",
                      help="TB: top to bottom (default); LR: left to right")
    plot.add_argument("--dpi", type=int, default=200, help="resolution (default 200)")
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
        return _summary(ns.file, expand_nested=ns.expand_nested,
                        show_trainable=ns.show_trainable, line_length=ns.line_length)
    if ns.command == "plot":
        return _plot(ns)
    if ns.command == "export":
        return _export(ns.source, ns.target, ns.opset)
    return _info()


def _summary(path: str, **options) -> int:
    from lamina import saving

    try:
        model = saving.load_model(path, compile=False)
    except (OSError, ValueError) as e:
        print(f"lamina summary: {e}", file=sys.stderr)
        return 1
    model.summary(**options)
    return 0


def _plot(ns) -> int:
    from lamina import saving
    from lamina.utils import plot_model

    try:
        model = saving.load_model(ns.source, compile=False)
        plot_model(model, to_file=ns.target, show_shapes=ns.show_shapes,
                   show_dtype=ns.show_dtype, show_layer_names=ns.show_layer_names,
                   show_layer_activations=ns.show_layer_activations,
                   show_trainable=ns.show_trainable, expand_nested=ns.expand_nested,
                   rankdir=ns.rankdir, dpi=ns.dpi)
    except (OSError, ValueError, ImportError) as e:
        print(f"lamina plot: {e}", file=sys.stderr)
        return 1
    print(f"wrote {ns.target}")
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
