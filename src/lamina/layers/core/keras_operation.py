"""Keras 3 operations recorded in functional-model files (``NotEqual``, ``Mean``, ...).

Keras 3 saves the ops a model calls between layers (for example the ``not_equal`` that turns
``Embedding(mask_zero=True)`` ids into a mask) as graph nodes whose class is the op's
(``{"module": "keras.src.ops.numpy", "class_name": "NotEqual"}``). Loading such a file makes
one of these layers per op: it calls the ``lamina.ops`` function of the same name with the
node's arguments and the op's own configuration (``axis``, ``keepdims``, ...).

>>> cls = operation_class("NotEqual", "keras.src.ops.numpy")
>>> layer = cls.from_config({"name": "not_equal"})
>>> layer(lamina.ops.convert_to_tensor([0, 3]), 0).tolist()
[False, True]
"""

from __future__ import annotations

from lamina import ops
from lamina.backend import symbolic as engine
from lamina.layers.layer import Layer
from lamina.ops.symbolic import SymbolicTensor, is_symbolic
from lamina.utils import registry

_CLASSES: dict[str, type] = {}


class KerasOperation(Layer):
    """Base of the per-op layers; ``_op_name`` names the ``lamina.ops`` function."""

    _op_name = ""
    _keras_module = "keras.src.ops.numpy"

    def __init__(self, name=None, **op_config):
        super().__init__(name=name)
        self._op_config = op_config
        self._function = getattr(_namespace(self._keras_module), self._op_name)
        self.built = True

    def __call__(self, *args, **kwargs):
        if is_symbolic((args, kwargs)):  # building the graph, maybe from a file: data only
            check_data([*args, *kwargs.values()], "node arguments", type(self).__name__,
                       self._keras_module)
        if not is_symbolic(args[:1]) and is_symbolic((args, kwargs)):  # 2.0 - x
            from lamina.layers.core.op_layer import _make_node

            first, specs = engine.output_specs(self.call, args, kwargs)
            return _make_node(self, list(args), dict(kwargs), specs, first)
        return super().__call__(*args, **kwargs)

    def call(self, *args, **kwargs):
        return self._function(*args, **kwargs, **self._op_config)

    def get_build_config(self):
        return None

    def get_config(self):
        return {"name": self.name, **self._op_config}

    @classmethod
    def from_config(cls, config):
        if not isinstance(config, dict) or not isinstance(config.get("name", ""), str):
            raise _refuse(cls.__name__, cls._keras_module, "its config is not a dict")
        check_data(list(config.values()), "config", cls.__name__, cls._keras_module)
        return cls(**config)


class _BinaryOperation(KerasOperation):
    """A two-operand op; a Python number first (``2.0 - x``) becomes a tensor first."""

    def call(self, x1, x2):
        if isinstance(x1, (int, float)):
            x1 = ops.convert_to_tensor(x1)
        return self._function(x1, x2)


class _GetItem(KerasOperation):
    """``x[key]``; the key as Keras saves it: a list for a tuple, ``__slice__`` markers."""

    def call(self, x, key):
        return self._function(x, _decode_key(key, top=True))


def _decode_key(key, top=False):
    if isinstance(key, dict):
        kind = key.get("class_name")
        if kind == "__slice__":
            cfg = key["config"]
            if isinstance(cfg, dict):
                return slice(cfg.get("start"), cfg.get("stop"), cfg.get("step"))
            return slice(*cfg)
        if kind == "__ellipsis__":
            return Ellipsis
        return key
    if isinstance(key, (list, tuple)) and top:
        return tuple(_decode_key(k) for k in key)
    return key


# Keras 3's op classes a file may name, by module: a closed table (DESIGN rule 9). Each calls
# the lamina.ops function of the snake_case name. Ops that take a function (cond, scan, map,
# while_loop, ...) are not here: a file cannot carry one.
_OPERATIONS = {
    "keras.src.ops.numpy": """
        Abs Absolute Add All Amax Amin Angle Any Append Arange Arccos Arccosh Arcsin Arcsinh
        Arctan Arctan2 Arctanh Argmax Argmin Argpartition Argsort Array ArraySplit Average
        Bincount BitwiseAnd BitwiseInvert BitwiseLeftShift BitwiseNot BitwiseOr
        BitwiseRightShift BitwiseXor BroadcastTo Cbrt Ceil Clip Concatenate Conj Conjugate Copy
        Corrcoef Correlate Cos Cosh CountNonzero Cross Cumprod Cumsum Deg2rad Diag Diagflat
        Diagonal Diff Digitize Divide DivideNoNan Dot Dsplit Dstack Einsum EmptyLike Equal Exp
        Exp2 ExpandDims Expm1 Fabs Flip Fliplr Flipud Floor FloorDivide Fmax Fmin Fmod Full
        FullLike Gcd Geomspace GetItem Greater GreaterEqual Heaviside Histogram Hsplit Hstack
        Hypot I0 Imag Inner Isclose Isfinite Isinf Isnan Isneginf Isposinf Isreal Kron Lcm Ldexp
        LeftShift Less LessEqual Linspace Log Log10 Log1p Log2 Logaddexp Logaddexp2 LogicalAnd
        LogicalNot LogicalOr LogicalXor Logspace Matmul Max Maximum Mean Median Meshgrid Min
        Minimum Mod Moveaxis Multiply NanToNum Nanargmax Nanargmin Nancumprod Nancumsum Nanmax
        Nanmean Nanmedian Nanmin Nanpercentile Nanprod Nanquantile Nanstd Nansum Nanvar Ndim
        Negative Nextafter Nonzero NotEqual OnesLike Outer Pad Percentile Power Prod Ptp
        Quantile Rad2deg Ravel Real Reciprocal Repeat Reshape RightShift Roll Rot90 Round Select
        Sign Signbit Sin Sinc Sinh Size Slogdet Sort Split Sqrt Square Squeeze Stack Std
        Subtract Sum Swapaxes Take TakeAlongAxis Tan Tanh Tensordot Tile Trace Transpose
        Trapezoid Tril Triu TrueDivide Trunc Unique UnravelIndex Vander Var Vdot View Vsplit
        Vstack Where ZerosLike
    """,
    "keras.src.ops.math": """
        Erf Erfc Erfinv ExtractSequences FFT FFT2 IFFT2 IRFFT ISTFT InTopK Logdet Logsumexp RFFT
        Rsqrt STFT SegmentMax SegmentMin SegmentProd SegmentSum TopK ViewAsComplex ViewAsReal
    """,
    "keras.src.ops.nn": """
        AdaptiveAveragePool AdaptiveMaxPool AveragePool BinaryCrossentropy CTCDecode CTCLoss
        CategoricalCrossentropy Celu Conv ConvTranspose DepthToSpace DepthwiseConv
        DotProductAttention Elu Fold Gelu Glu HardShrink HardSigmoid HardSilu HardTanh LeakyRelu
        LogSigmoid LogSoftmax MaxPool Moments MultiHot Normalize OneHot PSNR Polar Relu Relu6
        Selu SeparableConv Sigmoid Silu SoftShrink Softmax Softplus Softsign SpaceToDepth
        SparseCategoricalCrossentropy SparsePlus SparseSigmoid Sparsemax Squareplus TanhShrink
        Threshold Unfold
    """,
    "keras.src.ops.core": "Cast SaturateCast Scatter ScatterUpdate Slice SliceUpdate StopGradient "
                          "Unstack ConvertToTensor",
    "keras.src.ops.image": "ElasticTransform ExtractPatches PerspectiveTransform SSIM "
                           "ScaleAndTranslate SobelEdges",
    "keras.src.ops.linalg": """
        Cholesky CholeskyInverse Det Eig Eigh Inv Lstsq LuFactor MatrixRank Norm Pinv Qr SVD
        Solve SolveTriangular
    """,
}
OPERATIONS: dict[str, str] = {
    class_name: module for module, names in _OPERATIONS.items() for class_name in names.split()
}

_BINARY = {"Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Power", "Matmul",
           "Maximum", "Minimum", "Greater", "GreaterEqual", "Less", "LessEqual", "Equal",
           "NotEqual", "Mod", "FloorDivide", "Fmod", "Arctan2", "Hypot", "Logaddexp",
           "Heaviside", "LogicalAnd", "LogicalOr", "LogicalXor", "BitwiseAnd", "BitwiseOr",
           "BitwiseXor"}


class _Einsum(KerasOperation):
    """``ops.einsum(subscripts, *operands)``: Keras keeps the subscripts in the op's config."""

    def call(self, *operands):
        return self._function(self._op_config["subscripts"], *operands)


class _ExtractPatches(KerasOperation):
    """Keras' ``ExtractPatches`` is 2-D or, with a 3-tuple ``size``, 3-D (``extract_patches_3d``)."""

    def call(self, images):
        size = self._op_config.get("size")
        if isinstance(size, (list, tuple)) and len(size) == 3:
            return ops.image.extract_patches_3d(images, **self._op_config)
        return self._function(images, **self._op_config)


def _namespace(module):
    return ops.image if module == "keras.src.ops.image" else ops


_BASES = {"GetItem": _GetItem, "Einsum": _Einsum, "ExtractPatches": _ExtractPatches}


def _refuse(class_name, module, why):
    return ValueError(
        f"Refusing to load the Keras operation {class_name!r} ({module}) from the file: {why} "
        f"({'safe_mode' if registry.in_safe_mode() else 'a closed table, also without safe_mode'})."
    )


def check_data(value, what, class_name, module):
    """A ValueError unless ``value`` is data: numbers, strings, None, lists, symbolic tensors
    (the node's inputs), and as dicts only Keras' ``__slice__`` / ``__ellipsis__`` markers."""
    if value is None or isinstance(value, (bool, int, float, str, SymbolicTensor)):
        return
    if isinstance(value, (list, tuple)):
        for v in value:
            check_data(v, what, class_name, module)
        return
    if isinstance(value, dict) and value.get("class_name") in ("__slice__", "__ellipsis__"):
        config = value.get("config")
        check_data(list(config.values()) if isinstance(config, dict) else config,
                   what, class_name, module)
        return
    raise _refuse(class_name, module, f"its {what} holds {str(value)[:120]!r}, which is not data")


def _same_dtype(got, want) -> bool:
    # torch's index ops give int64 where Keras' (and lamina.ops') give int32: same values
    return got == want or ("int" in got and "int" in want)


def operation_node(form, specs, first):
    """The outputs of a new node of Keras' op ``form`` (from the engine's ``keras_form``)
    standing for a recorded call, or None when replaying the op would not give the recorded
    shapes (the caller keeps the engine's form then)."""
    from lamina.layers.core.op_layer import _make_node

    class_name, config, args, kwargs = form
    layer = operation_class(class_name, OPERATIONS[class_name])(name=class_name, **config)
    try:
        _, got = engine.output_specs(layer.call, list(args), dict(kwargs))
    except Exception:  # noqa: BLE001 - any failure to replay means: keep the engine form
        return None
    if got is None or len(got) != len(specs) or any(
            gs != s or not _same_dtype(gd, d) for (gs, gd), (s, d) in zip(got, specs)):
        return None
    layer.name = registry.unique_name(registry.snake_case(class_name))
    return _make_node(layer, list(args), dict(kwargs), got, first)


def operation_class(class_name: str, module: str):
    """The layer class standing for Keras' op class ``class_name`` (e.g. ``'NotEqual'``).

    Only the op classes of ``OPERATIONS`` load, each under its own Keras module.
    """
    if not isinstance(class_name, str) or OPERATIONS.get(class_name) != module:
        raise _refuse(class_name, module, "it is not one of Keras' tensor operations that "
                      "lamina knows")
    if class_name not in _CLASSES:
        op_name = registry.snake_case(class_name)
        if not hasattr(_namespace(module), op_name):  # pragma: no cover - the table lists lamina.ops names
            raise _refuse(class_name, module, f"lamina.ops has no {op_name!r}")
        base = _BASES.get(class_name) or (
            _BinaryOperation if class_name in _BINARY else KerasOperation)
        _CLASSES[class_name] = type(class_name, (base,),
                                    {"_op_name": op_name, "_keras_module": module,
                                     "_registered_name": class_name,
                                     "__doc__": f"Keras' ``{class_name}`` operation as a layer."})
    return _CLASSES[class_name]
