"""Tensors, variables, dtypes and devices on PyTorch."""

from __future__ import annotations

import contextlib
import os

import numpy as np
import torch

from lamina import config

LayerBase = torch.nn.Module


def _pick_device() -> torch.device:
    wanted = os.environ.get("LAMINA_DEVICE")
    if wanted:
        try:
            return torch.device(wanted)
        except RuntimeError as e:
            raise ValueError(
                f"LAMINA_DEVICE: expected a torch device such as 'cpu' or 'cuda:0'; got {wanted!r}"
            ) from e
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


DEVICE = _pick_device()

_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_NAMES = {v: k for k, v in _DTYPES.items()}
_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "int": "int64"}


def standardize_dtype(dtype) -> str | None:
    """Canonical dtype name for a name, NumPy dtype or torch dtype (None stays None)."""
    if dtype is None:
        return None
    if isinstance(dtype, torch.dtype):
        return _NAMES[dtype]
    if isinstance(dtype, str):
        name = _ALIASES.get(dtype, dtype)
        if name in _DTYPES:
            return name
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = getattr(dtype, "name", None)
    if name in _DTYPES:
        return name
    raise ValueError(f"Unknown dtype: {dtype!r}")


def to_engine_dtype(dtype) -> torch.dtype | None:
    if dtype is None or isinstance(dtype, torch.dtype):
        return dtype
    return _DTYPES[standardize_dtype(dtype)]


def dtype_of(x) -> str:
    return _NAMES[x.dtype]


def shape_of(x) -> tuple:
    return tuple(x.shape)


is_compiling = torch.compiler.is_compiling


def is_tensor(x) -> bool:
    return isinstance(x, torch.Tensor)


def device_name() -> str:
    return str(DEVICE)


def gpu_count() -> int:
    """How many GPUs the engine can use."""
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def built_with_cuda() -> bool:
    return torch.version.cuda is not None


def engine_info() -> list:
    """What ``lamina info`` shows about the engine."""
    from lamina.backend.torch import gemm

    lines = [f"engine: torch {torch.__version__}, {torch.get_num_threads()} CPU threads"]
    if gemm._LP is not None:
        lines.append(f"dense products: oneDNN on CPU from {gemm.MIN_MACS:,} multiply-adds "
                     "(LAMINA_ONEDNN_LINEAR=0: torch.addmm)")
    else:
        lines.append("dense products: torch.addmm")
    return lines


def convert_to_tensor(x, dtype=None):
    """A tensor on the default device; Python floats become floatx and ints int32 (as Keras)."""
    dt = to_engine_dtype(dtype)
    if isinstance(x, torch.Tensor):
        if dt is not None and x.dtype != dt:
            x = x.to(dt)
        if x.device.type != DEVICE.type and x.device.type != "meta":
            x = x.to(DEVICE)
        return x
    if type(x) in (float, int, bool, complex):
        # Python scalars: straight to a tensor (no NumPy detour, which torch.compile cannot
        # trace); floats are floatx, ints int32 (int64 past its range), as Keras does.
        if dt is None:
            if type(x) is float:
                dt = to_engine_dtype(config.floatx())
            elif type(x) is int:
                dt = torch.int32 if -(2**31) <= x < 2**31 else torch.int64
            elif type(x) is complex:
                dt = torch.complex64
            else:
                dt = torch.bool
        return torch.tensor(x, dtype=dt, device=DEVICE)
    if dt is not None and type(x) in (list, tuple) and all(type(v) in (float, int) for v in x):
        # a flat list of Python numbers with a dtype: no NumPy detour (torch.compile traces it)
        return torch.tensor(x, dtype=dt, device=DEVICE)
    if type(x) in (list, tuple) and any(isinstance(v, torch.Tensor) for v in x):
        # a list of tensors (and numbers) stacks, as in Keras
        return torch.stack([convert_to_tensor(v, dtype) for v in x])
    if not isinstance(x, np.ndarray):
        if dt is None and isinstance(x, (bool, int, float, list, tuple)):
            arr = np.asarray(x)
            if arr.dtype == np.float64:
                arr = arr.astype(config.floatx())
            elif arr.dtype == np.int64:
                arr = arr.astype(np.int32)
            x = arr
        else:
            x = np.asarray(x)
    if x.dtype.kind in "UOS":
        raise ValueError(f"Cannot convert an array of dtype {x.dtype} to a tensor")
    if dt is None and x.dtype.char in "HI":
        # uint16/uint32, which torch's kernels mostly lack: the signed type that holds them
        # (Keras: uint16 -> int32, uint32 -> int64)
        dt = _WIDENED[x.dtype]
    if not x.flags.c_contiguous:
        x = np.ascontiguousarray(x)  # (only for arrays with dimensions: it makes 0-d ones 1-d)
    t = torch.from_numpy(x)
    if dt is not None or DEVICE.type != "cpu":
        t = t.to(device=DEVICE, dtype=dt or t.dtype)
    return t


_WIDENED = {np.dtype(np.uint16): torch.int32, np.dtype(np.uint32): torch.int64}

# The exact class of the engine's tensors: public ops test ``type(x) is TENSOR_TYPE`` first,
# so a real tensor skips conversion at the cost of one identity check (lamina/ops/_bind.py).
TENSOR_TYPE = torch.Tensor


def _is_tensor_like(x) -> bool:
    """Tensors, their subclasses (Variables, fake tensors) and symbolic tensors: pass as they are."""
    return isinstance(x, torch.Tensor) or hasattr(type(x), "__torch_function__")


def _refuse(x, op, arg, error):
    what = type(x).__name__
    if isinstance(x, np.ndarray):
        what = f"a NumPy array of dtype {x.dtype}"
    raise TypeError(
        f"ops.{op}: argument `{arg}` must be a tensor or an array-like (NumPy array, list, "
        f"Python number); got {what}: {error}"
    ) from error


def as_tensor_arg(x, op="op", arg="x"):
    """One array argument of a public op as a tensor (the path of anything but a plain tensor).

    Tensors, Variables and symbolic tensors pass untouched, ``None`` stays ``None``, and
    array-likes convert with Keras' dtypes (``convert_to_tensor``).
    """
    t = type(x)
    if t is not np.ndarray and t not in _PLAIN and (x is None or _is_tensor_like(x)):
        return x
    try:
        return convert_to_tensor(x)
    except (TypeError, ValueError, RuntimeError) as e:
        _refuse(x, op, arg, e)


_NUMBERS = (int, float, bool, complex)
_PLAIN = (list, tuple, int, float, bool, complex)  # array-likes that are surely not tensors


def as_tensor_pair(x1, x2, keep_number=False, op="op"):
    """The two operands of a binary op, made tensors as Keras does.

    With a symbolic tensor among them arrays become constant tensors and numbers stay numbers
    (the call is recorded as written) where the kernel takes them (``keep_number``); elsewhere
    (``gcd``, ``dot``) they become tensors as in an eager call.
    ``keep_number``: the kernel takes a Python number as its second operand, so one next to a
    non-bool tensor stays a number (torch's weak-scalar promotion agrees with Keras there and
    it saves making a tensor).
    """
    n1, n2 = type(x1) in _NUMBERS, type(x2) in _NUMBERS
    real1, real2 = isinstance(x1, torch.Tensor), isinstance(x2, torch.Tensor)
    # (numbers first: a failed hasattr costs more than the rest of this function)
    sym1 = not n1 and not real1 and hasattr(type(x1), "__torch_function__")
    sym2 = not n2 and not real2 and hasattr(type(x2), "__torch_function__")
    if sym1 or sym2:
        if not n1 and not real1 and not sym1:
            x1 = as_tensor_arg(x1, op, "x1")
        if not n2 and not real2 and not sym2:
            x2 = as_tensor_arg(x2, op, "x2")
        if not keep_number:
            x1 = convert_to_tensor(x1) if n1 else x1
            x2 = convert_to_tensor(x2) if n2 else x2
        return x1, x2
    if not n1 and not real1:
        x1, real1 = as_tensor_arg(x1, op, "x1"), x1 is not None
    if not n2 and not real2:
        x2 = as_tensor_arg(x2, op, "x2")
    if n2 and not (keep_number and real1 and x1.dtype is not torch.bool):
        x2 = convert_to_tensor(x2)
    if n1:
        x1 = convert_to_tensor(x1)
    return x1, x2


def as_tensor_list(xs, op="op", arg="xs"):
    """A sequence argument (``concatenate``'s ``xs``): each item as a tensor, as a list.

    A tensor or a NumPy array given whole is the sequence of its rows, as in Keras; a
    symbolic tensor passes (its op is recorded).
    """
    if isinstance(xs, torch.Tensor):
        return list(torch.unbind(xs))
    if _is_tensor_like(xs):
        return xs
    if isinstance(xs, dict):
        _refuse(xs, op, arg, TypeError("expected a list or tuple of arrays"))
    try:
        items = list(xs)
    except TypeError as e:
        _refuse(xs, op, arg, e)
    out = [v if _is_tensor_like(v) else as_tensor_arg(v, op, arg) for v in items]
    return tuple(out) if isinstance(xs, tuple) else out


def from_numpy_shared(x: np.ndarray):
    """A tensor sharing the array's memory (CPU), or a single copy on the device."""
    if not x.flags.c_contiguous or not x.flags.writeable:
        x = np.ascontiguousarray(x) if x.flags.writeable else np.array(x)
    t = torch.from_numpy(x)
    return t if DEVICE.type == "cpu" else t.to(DEVICE)


def convert_to_numpy(x):
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.device.type != "cpu":
            x = x.cpu()
        if x.dtype == torch.bfloat16:
            x = x.float()
        return x.numpy()
    return np.asarray(x)


_TORCH_NUMPY = torch.Tensor.numpy


def _numpy_as_tensorflow(self, *, force=False):
    """``Tensor.numpy()`` as TensorFlow's eager tensors have it: also on tensors that
    autograd tracks (a model's output under a GradientTape), and from any device."""
    if self.requires_grad or self.device.type != "cpu":
        return _TORCH_NUMPY(self.detach().cpu(), force=force)
    return _TORCH_NUMPY(self, force=force)


def tensorflow_numpy(enabled=True):
    """Let ``tensor.numpy()`` read tensors that require gradients (TensorFlow scripts do)."""
    torch.Tensor.numpy = _numpy_as_tensorflow if enabled else _TORCH_NUMPY


def cast(x, dtype):
    dt = to_engine_dtype(dtype)
    if isinstance(x, torch.Tensor):
        return x if x.dtype == dt else x.to(dt)
    return convert_to_tensor(x, dt)


no_grad = torch.no_grad


class Variable(torch.nn.Parameter):
    """A lamina variable: a ``torch.nn.Parameter`` with Keras' name, path and ``assign``.

    Non-trainable variables (BatchNormalization's moving statistics) are parameters with
    ``requires_grad=False``, so ``.parameters()``, ``.to(device)`` and ``state_dict`` see all
    state, as Keras' variable lists do.
    """

    def __new__(cls, data, trainable=True, name=None):
        obj = super().__new__(cls, data, requires_grad=trainable and data.is_floating_point())
        obj._lamina_name = name
        obj._lamina_path = name
        obj._lamina_trainable = trainable
        obj._lamina_created_trainable = trainable
        return obj

    @property
    def name(self):
        return self._lamina_name

    @property
    def path(self):
        return self._lamina_path

    @property
    def trainable(self):
        return self._lamina_trainable

    @trainable.setter
    def trainable(self, value):
        self._lamina_trainable = bool(value)
        if self.is_floating_point():
            self.requires_grad_(bool(value))

    @property
    def value(self):
        return self

    def __array__(self, dtype=None, copy=None):
        # NumPy 2's signature (torch's lacks `copy`, and NumPy warns on every np.array(v));
        # a variable that takes gradients still reads as its values, as Keras' does
        a = convert_to_numpy(self)
        if dtype is not None:
            return a.astype(dtype, copy=bool(copy))
        return a.copy() if copy else a

    def assign(self, value):
        with torch.no_grad():
            if isinstance(value, torch.Tensor):
                self.copy_(value)
            else:
                self.copy_(torch.as_tensor(np.asarray(value), dtype=self.dtype))
        return self

    def assign_add(self, value):
        with torch.no_grad():
            self.add_(value)
        return self

    def assign_sub(self, value):
        with torch.no_grad():
            self.sub_(value)
        return self

    def numpy(self):
        return convert_to_numpy(self)

    def __repr__(self):
        return (
            f"<Variable path={self._lamina_path}, shape={tuple(self.shape)}, "
            f"dtype={_NAMES[self.dtype]}, trainable={self._lamina_trainable}>"
        )

    def __deepcopy__(self, memo):
        out = Variable(self.data.clone(memory_format=torch.preserve_format),
                       self._lamina_trainable, self._lamina_name)
        out._lamina_path = self._lamina_path
        memo[id(self)] = out
        return out

    def __reduce_ex__(self, proto):
        return (_rebuild_variable, (self.data, self._lamina_trainable, self._lamina_name))


def _rebuild_variable(data, trainable, name):
    return Variable(data, trainable, name)


def make_variable(value, dtype=None, trainable=True, name=None):
    t = convert_to_tensor(value, dtype)
    if t.device != DEVICE and t.device.type != "meta":
        t = t.to(DEVICE)
    return Variable(t.detach().clone(), trainable=trainable, name=name)


def real_tensors():
    """A block whose new tensors are real even inside a shape-only run under FakeTensorMode:
    a sublayer first built there (``self.d2(self.d1(x))`` in an outer layer's ``call``) gets
    real variables, not fake ones that vanish with the run."""
    from torch._subclasses.fake_tensor import unset_fake_temporarily

    return unset_fake_temporarily()


# --- shape-only evaluation (DESIGN rule 3) -------------------------------------------------

_PROBE_SIZES = (7, 11)


def _meta_input(spec, size):
    shape, dtype = spec
    return torch.empty(
        tuple(size if d is None else d for d in shape), dtype=to_engine_dtype(dtype), device="meta"
    )


def compute_output_shapes(fn, specs):
    """Shapes and dtypes of ``fn``'s outputs for inputs given as ``(shape, dtype)`` specs.

    ``fn`` takes a structure of tensors like ``specs`` (a flat list) and returns a flat list of
    tensors. It runs twice on "meta" tensors (no data, no compute) with the unknown dimensions
    set to two different sizes; output dimensions that differ are unknown (None).
    """
    has_unknown = any(d is None for shape, _ in specs for d in shape)
    sizes = _PROBE_SIZES[: 2 if has_unknown else 1]
    try:
        with torch.no_grad():
            runs = [fn([_meta_input(s, size) for s in specs]) for size in sizes]
    except (RuntimeError, NotImplementedError):
        # the layer mixes its (real) weights with the meta inputs in an op that refuses
        # mixed devices: run it under FakeTensorMode, which gives real weights fake twins
        from torch._subclasses.fake_tensor import FakeTensorMode

        runs = []
        for size in sizes:
            with torch.no_grad(), FakeTensorMode(allow_non_fake_inputs=True):
                inputs = [
                    torch.empty(tuple(size if d is None else d for d in shape),
                                dtype=to_engine_dtype(dtype))
                    for shape, dtype in specs
                ]
                runs.append(fn(inputs))
    result = []
    for i, out in enumerate(runs[0]):
        shape = list(out.shape)
        if len(runs) > 1:
            other = runs[1][i].shape
            shape = [a if a == b else None for a, b in zip(shape, other)]
        result.append((tuple(shape), _NAMES[out.dtype]))
    return result


@contextlib.contextmanager
def device_scope(name):
    """Place new tensors on another device inside the block."""
    global DEVICE
    old = DEVICE
    DEVICE = torch.device(name)
    try:
        yield
    finally:
        DEVICE = old


def gather_rows(x, indices):
    """Rows ``indices`` of ``x`` (a batch from a shuffled data set): one index_select."""
    return torch.index_select(x, 0, indices)


def slice_rows(x, start, stop):
    """Rows ``start:stop`` of ``x`` as a view (no copy)."""
    return x[start:stop]


def float_dtype_like(x) -> bool:
    return x.is_floating_point()


def autocast(dtype):
    """Inside the block, matmuls and convolutions run in ``dtype`` (mixed precision)."""
    return torch.autocast(device_type=DEVICE.type, dtype=to_engine_dtype(dtype))


def is_engine_dataset(x) -> bool:
    """True for a map-style ``torch.utils.data.Dataset`` (samples by index, not batches)."""
    from torch.utils.data import DataLoader, Dataset, IterableDataset

    return isinstance(x, Dataset) and not isinstance(x, (IterableDataset, DataLoader))


def engine_batches(dataset, batch_size: int, shuffle: bool):
    """A ``DataLoader`` that batches a map-style dataset."""
    from torch.utils.data import DataLoader

    return DataLoader(dataset, batch_size=batch_size, shuffle=bool(shuffle))
