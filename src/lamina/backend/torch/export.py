"""Writing a traced forward function as an ONNX file or a ``torch.export`` program (``.pt2``).

``lamina.export`` builds a flat function (flat tensors in, a flat tuple out) and the input
specs; this module traces it with ``torch.export.export`` (non-strict) and hands the program
to ``torch.export.save`` or to torch's own ONNX exporter (``torch.onnx.export(dynamo=True)``,
which needs the ``onnx`` and ``onnxscript`` packages).

Two things make a lamina model traceable here:

- lamina variables are ``torch.nn.Parameter`` subclasses, which ``torch.export``'s non-strict
  tracer refuses ("Unable to cast NotImplemented to Tensor"); during the trace they are plain
  ``Parameter``s (their class is restored afterwards).
- a layer reads a variable through an attribute other than its ``state_dict`` key (``_kernel``
  for key ``kernel``); the tracer swaps only the registered parameters for its own, so inside
  the traced call those aliases point at the swapped tensors, which keeps each weight a
  parameter of the program instead of a second, constant copy.
"""

from __future__ import annotations

import contextlib
import warnings

import torch

from lamina.backend.torch.core import Variable, to_engine_dtype

# unknown dimensions are traced at these sizes: the batch at 2 (torch specializes 0 and 1),
# other unknown axes at distinct sizes so that no equality between them is guessed
_BATCH_SAMPLE = 2
_OTHER_SAMPLES = (3, 5, 7, 11, 13)


class _Endpoint(torch.nn.Module):
    """A module whose forward is ``flat_fn`` and whose parameters are the tracked modules'."""

    def __init__(self, flat_fn, modules):
        super().__init__()
        self.tracked = torch.nn.ModuleList(modules)
        self._flat_fn = flat_fn
        self._aliases = _parameter_aliases(modules)

    def forward(self, *flat_inputs):
        with _aliases_follow_parameters(self._aliases):
            return tuple(self._flat_fn(*flat_inputs))


def _parameter_aliases(modules):
    """``(module, attribute, key)`` for each attribute holding the parameter registered as
    ``key`` under another name (found before tracing, while the parameters are the real ones)."""
    out, seen = [], set()
    for root in modules:
        for mod in root.modules():
            if id(mod) in seen:
                continue
            seen.add(id(mod))
            params = mod.__dict__.get("_parameters") or {}
            registered = {id(v): k for k, v in params.items() if v is not None}
            for name, value in mod.__dict__.items():
                if isinstance(value, torch.Tensor) and id(value) in registered:
                    out.append((mod, name, registered[id(value)]))
    return out


@contextlib.contextmanager
def _aliases_follow_parameters(aliases):
    """Point the aliases at what ``_parameters`` holds now (the tracer's stand-ins)."""
    restore = []
    for mod, name, key in aliases:
        current, value = mod._parameters[key], mod.__dict__[name]
        if current is not value:
            restore.append((mod, name, value))
            mod.__dict__[name] = current
    try:
        yield
    finally:
        for mod, name, value in reversed(restore):
            mod.__dict__[name] = value


@contextlib.contextmanager
def _plain_parameters(modules):
    changed = []
    seen = set()
    for root in modules:
        for p in root.parameters():
            if type(p) is Variable and id(p) not in seen:
                seen.add(id(p))
                p.__class__ = torch.nn.Parameter
                changed.append(p)
    try:
        yield
    finally:
        for p in changed:
            p.__class__ = Variable


def _sample_inputs(specs):
    """Example tensors and ``dynamic_shapes`` for specs given as ``(shape, dtype, name)``."""
    samples, dynamic = [], []
    others = iter(_OTHER_SAMPLES * 4)
    for shape, dtype, _ in specs:
        dims, dyn = [], {}
        for axis, d in enumerate(shape):
            if d is None:
                dims.append(_BATCH_SAMPLE if axis == 0 else next(others))
                dyn[axis] = torch.export.Dim.AUTO
            else:
                dims.append(int(d))
        dt = to_engine_dtype(dtype)
        samples.append(torch.ones(dims, dtype=dt) if dt.is_floating_point or dt == torch.bool
                       else torch.zeros(dims, dtype=dt))
        dynamic.append(dyn or None)
    return tuple(samples), (tuple(dynamic),)


def _per_input(dynamic_shapes, n_inputs):
    """Keras' spellings of ``dynamic_shapes`` (``{0: Dim}`` for one input, or one entry per
    input) as what the endpoint's ``forward(*flat_inputs)`` takes: one tuple for the inputs."""
    if isinstance(dynamic_shapes, dict) and not {"args", "kwargs"} & set(dynamic_shapes):
        if n_inputs != 1:
            raise ValueError(f"dynamic_shapes: a single {{axis: Dim}} dict is for a model with "
                             f"one input; this one has {n_inputs}: give one entry per input.")
        return ((dynamic_shapes,),)
    if isinstance(dynamic_shapes, (list, tuple)):
        if len(dynamic_shapes) == 1 and isinstance(dynamic_shapes[0], (list, tuple)) and \
                len(dynamic_shapes[0]) == n_inputs:
            return (tuple(dynamic_shapes[0]),)
        if len(dynamic_shapes) == n_inputs:
            return (tuple(dynamic_shapes),)
    return dynamic_shapes


def trace(flat_fn, modules, specs, **export_kwargs):
    """``torch.export.export`` of ``flat_fn`` on inputs described by ``specs``.

    ``modules`` hold the variables ``flat_fn`` reads (they become the program's parameters).
    ``export_kwargs`` go to ``torch.export.export`` (``strict`` defaults to False).
    """
    endpoint = _Endpoint(flat_fn, modules).eval()
    samples, dynamic = _sample_inputs(specs)
    export_kwargs.setdefault("strict", False)
    if "dynamic_shapes" in export_kwargs:
        export_kwargs["dynamic_shapes"] = _per_input(export_kwargs["dynamic_shapes"], len(specs))
    else:
        export_kwargs["dynamic_shapes"] = dynamic
    with warnings.catch_warnings(), _plain_parameters(modules), _portable_kernels(), \
            _layer_names_on_nodes(modules), torch.no_grad():
        warnings.filterwarnings("ignore", message=r".*not properly registered as a submodule.*")
        warnings.filterwarnings("ignore", message=r".*LeafSpec.*", category=FutureWarning)
        program = torch.export.export(endpoint, samples, **export_kwargs)
        program = program.run_decompositions(_lamina_decompositions())
    _detach_from_lamina(program)
    left = sorted({(n.meta.get("custom", {}).get("lamina_layer", "?"), str(n.target))
                   for n in program.graph.nodes
                   if n.op == "call_function" and str(n.target).startswith("lamina.")})
    if left:
        where = ", ".join(f"layer '{layer}' (op {op})" for layer, op in left)
        raise ValueError(f"{where} uses a lamina kernel that has no portable form to export.")
    return program


@contextlib.contextmanager
def _portable_kernels():
    """Dense layers use torch's own matmul while tracing: the oneDNN path is chosen by input
    size (which would bound the exported batch) and is a lamina op other runtimes lack."""
    from lamina.backend.torch import gemm

    saved = gemm._LP
    gemm._LP = None
    try:
        yield
    finally:
        gemm._LP = saved


def _lamina_decompositions():
    """lamina's custom ops (opaque to torch.compile) written as the ATen ops they call."""
    table = {}
    ops = torch.ops.lamina
    if hasattr(ops, "max_pool2d"):
        table[ops.max_pool2d.default] = (
            lambda x, k, s, p: torch.ops.aten.max_pool2d_with_indices.default(x, k, s, p))
    if hasattr(ops, "onednn_linear"):
        table[ops.onednn_linear.default] = (
            lambda x, w, b=None: torch.ops.aten.linear.default(x, w, b))
    return table


@contextlib.contextmanager
def _layer_names_on_nodes(modules):
    """Record on each traced node the innermost lamina layer whose ``call`` made it, so an
    error about an op can name the layer."""
    import functools

    from torch.fx.traceback import annotate, preserve_node_meta

    patched = []
    for root in modules:
        for mod in root.modules():
            call = getattr(mod, "call", None)
            if call is None or "call" in mod.__dict__ or not hasattr(mod, "name"):
                continue

            def named_call(*args, __call=call, __name=mod.name, **kwargs):
                with annotate({"lamina_layer": __name}):
                    return __call(*args, **kwargs)

            mod.__dict__["call"] = functools.wraps(call)(named_call)
            patched.append(mod)
    try:
        with preserve_node_meta():
            yield
    finally:
        for mod in patched:
            mod.__dict__.pop("call", None)


def _detach_from_lamina(program):
    """Hold plain torch tensors in the program, so it pickles (and reloads) without lamina."""
    state = program.state_dict
    for key, value in list(state.items()):
        if type(value) is Variable:
            state[key] = torch.nn.Parameter(value.data, requires_grad=False)
    constants = program.constants
    for key, value in list(constants.items()):
        if type(value) is Variable:
            constants[key] = value.data


def export_arguments():
    """The keyword arguments ``torch.export.export`` takes besides the module and inputs."""
    import inspect

    return {n for n in inspect.signature(torch.export.export).parameters
            if n not in ("mod", "args", "kwargs")}


def save_program(program, filepath):
    """Write a ``torch.export`` program to ``filepath`` (``.pt2``)."""
    torch.export.save(program, filepath)


def fixed_unknown_axes(program, specs):
    """``(input name, axis, traced size)`` for each unknown axis the trace fixed to a size."""
    placeholders = [n for n in program.graph.nodes if n.op == "placeholder"]
    user = [n for n, s in zip(
        placeholders, program.graph_signature.input_specs) if s.kind.name == "USER_INPUT"]
    out = []
    for node, (shape, _, name) in zip(user, specs):
        val = node.meta.get("val")
        for axis, d in enumerate(shape):
            if d is None and val is not None:
                size = _static_size(program, val.shape[axis])
                if size is not None:
                    out.append((name, axis, size))
    return out


def _static_size(program, dim):
    """The size a traced dimension is pinned to (an int, or a symbol whose range is one
    value), else None."""
    if isinstance(dim, int):
        return dim
    expr = dim.node.expr
    if expr.is_number:  # a symbol the trace replaced by the size it saw
        return int(expr)
    bounds = program.range_constraints.get(expr)
    if bounds is not None and bounds.lower == bounds.upper:
        return int(bounds.lower)
    return None


def write_onnx(program, filepath, input_names, output_names, opset_version=None,
               verbose=False):
    """Convert a traced program to ONNX with torch's exporter and write it to ``filepath``."""
    for package in ("onnx", "onnxscript"):
        try:
            __import__(package)
        except ImportError as e:
            raise ImportError(
                f"format='onnx' needs the '{package}' package (torch's ONNX exporter uses it): "
                "pip install onnx onnxscript (or pip install 'lamina[export]')."
            ) from e
    kwargs = {"input_names": list(input_names), "output_names": list(output_names),
              "dynamo": True, "verbose": bool(verbose)}
    if opset_version is not None:
        kwargs["opset_version"] = int(opset_version)
    with warnings.catch_warnings(), contextlib.redirect_stdout(_Quiet(verbose)):
        warnings.simplefilter("ignore")
        onnx_program = torch.onnx.export(program, **kwargs)
        onnx_program.optimize()
    _name_batch_axes(onnx_program.model)
    onnx_program.save(filepath)


def _name_batch_axes(model):
    """Call the inputs' first symbolic axis ``batch`` (torch names it ``s0``, ``s69``...), in
    every value of the graph that shares it."""
    import onnx_ir

    firsts = {str(v.shape[0]) for v in model.graph.inputs
              if v.shape is not None and len(v.shape) and isinstance(v.shape[0], onnx_ir.SymbolicDim)}
    if len(firsts) != 1:
        return
    old = firsts.pop()
    values = list(model.graph.inputs) + list(model.graph.outputs)
    values += [out for node in model.graph.all_nodes() for out in node.outputs]
    for v in values:
        if v.shape is None or not any(str(d) == old for d in v.shape):
            continue
        v.shape = onnx_ir.Shape(["batch" if str(d) == old else d for d in v.shape])


class _Quiet:
    """A stdout that drops the exporter's progress lines unless ``verbose``."""

    def __init__(self, verbose):
        import sys

        self._out = sys.stdout if verbose else None

    def write(self, s):
        return self._out.write(s) if self._out is not None else len(s)

    def flush(self):
        if self._out is not None:
            self._out.flush()


def describe_unconvertible(program, message=""):
    """Name the layers whose op a failed ONNX conversion reports (``target=torch.ops.X``),
    from the layer names recorded on the traced nodes."""
    import re

    targets = set(re.findall(r"target=torch\.ops\.([\w.]+)", message))
    if not targets:
        return ""

    def op_name(target):  # "prims.erf_inv.default" and "aten.erfinv.default" -> "erfinv"
        parts = str(target).split(".")
        return parts[1].replace("_", "") if len(parts) > 1 else str(target)

    names = {op_name(t) for t in targets}
    mentioned = {}
    graphs = [program]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graphs.append(program.run_decompositions())  # the exporter reports decomposed ops
    except Exception:
        pass
    for graph in graphs:
        for node in graph.graph.nodes:
            if node.op == "call_function" and op_name(node.target) in names:
                layer = (node.meta.get("custom") or {}).get("lamina_layer")
                if layer:
                    mentioned.setdefault(layer, str(node.target))
    if not mentioned:
        return ""
    where = ", ".join(f"'{layer}' (op {op})" for layer, op in mentioned.items())
    return f"The op that has no ONNX form is used by layer(s) {where}."
