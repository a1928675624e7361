"""Weight initializers with Keras 3's classes, defaults, seeds and configs (``keras.initializers``).

An initializer is called as ``init(shape, dtype=None)`` and returns a tensor (dtype defaults
to ``lamina.config.floatx()``).

Seeds behave as in Keras 3: a random initializer holds one integer seed, so calling the same
instance twice returns the same values. Given ``seed=None`` it draws that integer from
Python's ``random`` module when constructed, so ``lamina.backend.random.set_global_seed(s)``
before building a model makes its weights reproducible.

>>> from lamina import initializers
>>> initializers.get("ones")((2, 2)).tolist()
[[1.0, 1.0], [1.0, 1.0]]
"""

from __future__ import annotations

import inspect
import math
import random as _pyrandom

import numpy as np

from lamina import config, ops
from lamina.backend import core
from lamina.backend import random as backend_random
from lamina.utils import registry

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "deserialize",
    "get",
    "serialize",
]


def _dtype(dtype):
    return core.standardize_dtype(dtype) if dtype is not None else config.floatx()


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config``.

    >>> class Fives(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return 5.0 * ops.ones(shape, dtype=dtype or "float32")
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError("Initializer subclasses must implement __call__(shape, dtype=None).")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def clone(self):
        """A new initializer with the same config."""
        return self.__class__.from_config(self.get_config())


# --- constants -----------------------------------------------------------------------------


def _serialize_value(value):
    # Arrays are written in Keras 3's "__numpy__" / "__tensor__" form so .keras files match.
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if core.is_tensor(value):
        arr = core.convert_to_numpy(value)
        return {"class_name": "__tensor__", "config": {"value": arr.tolist(), "dtype": core.dtype_of(value)}}
    return value


def _deserialize_value(value):
    if isinstance(value, dict) and value.get("class_name") in ("__numpy__", "__tensor__"):
        inner = value["config"]
        return np.asarray(inner["value"], dtype=inner.get("dtype"))
    return value


class Constant(Initializer):
    """Fills with ``value`` (a number, or an array that broadcasts to the shape).

    >>> Constant(3.0)((2,)).tolist()
    [3.0, 3.0]
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype)
        return core.convert_to_tensor(self.value, dtype=dtype) * ops.ones(shape, dtype=dtype)

    def get_config(self):
        return {"value": _serialize_value(self.value)}

    @classmethod
    def from_config(cls, config):
        return cls(_deserialize_value(config["value"]))


class Zeros(Initializer):
    """Fills with 0. >>> Zeros()((2,)).tolist()  # [0.0, 0.0]"""

    def __call__(self, shape, dtype=None):
        return ops.zeros(shape, dtype=_dtype(dtype))


class Ones(Initializer):
    """Fills with 1. >>> Ones()((2,)).tolist()  # [1.0, 1.0]"""

    def __call__(self, shape, dtype=None):
        return ops.ones(shape, dtype=_dtype(dtype))


class Identity(Initializer):
    """``gain`` times the identity matrix (2D shapes only; non-square shapes get ones on the
    main diagonal).

    >>> Identity()((2, 2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "Identity initializer: only 2D shapes have an identity matrix. "
                f"Received shape={tuple(shape)} of rank {len(shape)}."
            )
        return self.gain * ops.eye(shape[0], shape[1], dtype=_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


# --- random --------------------------------------------------------------------------------


class RandomInitializer(Initializer):
    """Base of the random initializers: resolves ``seed`` once, at construction (Keras 3)."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            # Keras 3 draws a fixed default seed from Python's generator, not per call.
            seed = _pyrandom.randint(1, int(1e9))
        elif isinstance(seed, (bool, float, str, list, tuple, dict)):
            raise ValueError(
                f"{type(self).__name__}: `seed` must be an integer, a backend generator or "
                f"None. Received: seed={seed!r}"
            )
        self.seed = seed

    def get_config(self):
        seed = self._init_seed
        return {"seed": seed if seed is None or isinstance(seed, int) else None}


class RandomNormal(RandomInitializer):
    """Normal draws with ``mean`` and ``stddev``.

    >>> float(ops.std(RandomNormal(stddev=1.0, seed=1)((10000,)))) > 0.9
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return backend_random.normal(shape, mean=self.mean, stddev=self.stddev, dtype=_dtype(dtype), seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Normal draws, redrawn when more than two standard deviations from the mean.

    >>> float(ops.max(ops.abs(TruncatedNormal(stddev=1.0, seed=1)((1000,))))) <= 2.0
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return backend_random.truncated_normal(
            shape, mean=self.mean, stddev=self.stddev, dtype=_dtype(dtype), seed=self.seed
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Uniform draws in ``[minval, maxval)``.

    >>> float(ops.min(RandomUniform(0.0, 1.0, seed=1)((1000,)))) >= 0.0
    True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return backend_random.uniform(
            shape, minval=self.minval, maxval=self.maxval, dtype=_dtype(dtype), seed=self.seed
        )

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape, input_axes=None, output_axes=None):
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    Dense kernels ``(in, out)`` give ``(in, out)``; conv kernels ``(*window, in, out)`` multiply
    both by the window size (the receptive field).

    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(math.prod(shape[a] for a in input_axes)), int(math.prod(shape[a] for a in output_axes))
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class VarianceScaling(RandomInitializer):
    """Draws scaled to the weight's fan: variance ``scale / n`` with ``n`` = fan_in, fan_out or
    their average, from a truncated normal, an untruncated normal, or a uniform distribution.

    >>> tuple(VarianceScaling(2.0, "fan_in", "uniform", seed=0)((4, 3)).shape)
    (4, 3)
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: `scale` must be a positive float. Received: scale={scale}")
        if mode not in self._MODES:
            raise ValueError(f"VarianceScaling: `mode` must be one of {self._MODES}. Received: mode={mode!r}")
        distribution = str(distribution).lower()
        if distribution == "normal":  # Keras 2 spelling
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"VarianceScaling: `distribution` must be one of {self._DISTRIBUTIONS}. "
                f"Received: distribution={distribution!r}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            # the stddev of a unit normal truncated to [-2, 2]; dividing restores the variance
            stddev = math.sqrt(variance) / 0.87962566103423978
            return backend_random.truncated_normal(shape, 0.0, stddev, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return backend_random.normal(shape, 0.0, math.sqrt(variance), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return backend_random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {
            **super().get_config(), "scale": self.scale, "mode": self.mode,
            "distribution": self.distribution, "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only the seed and axes are configurable."""

    _PRESET = (1.0, "fan_avg", "uniform")

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._PRESET
        super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": RandomInitializer.get_config(self)["seed"],
                "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform in ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``: Keras' default
    kernel initializer.

    >>> float(ops.max(ops.abs(GlorotUniform(seed=0)((3, 3))))) <= 1.0
    True
    """

    _PRESET = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))``.

    >>> tuple(GlorotNormal(seed=0)((3, 3)).shape)
    (3, 3)
    """

    _PRESET = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """Uniform in ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``.

    >>> float(ops.max(ops.abs(HeUniform(seed=0)((6, 2))))) <= 1.0
    True
    """

    _PRESET = (2.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / fan_in)``.

    >>> tuple(HeNormal(seed=0)((3, 3)).shape)
    (3, 3)
    """

    _PRESET = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """Uniform in ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``.

    >>> float(ops.max(ops.abs(LecunUniform(seed=0)((3, 3))))) <= 1.0
    True
    """

    _PRESET = (1.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(1 / fan_in)``.

    >>> tuple(LecunNormal(seed=0)((3, 3)).shape)
    (3, 3)
    """

    _PRESET = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix (QR of a normal draw), times ``gain``. Shapes of rank > 2
    are treated as ``(prod(shape[:-1]), shape[-1])`` matrices.

    >>> w = Orthogonal(seed=0)((3, 3))
    >>> bool(ops.all(ops.abs(ops.matmul(ops.transpose(w), w) - ops.eye(3)) < 1e-5))
    True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(
                "Orthogonal initializer: the shape must be at least two-dimensional. "
                f"Received shape={shape} of rank {len(shape)}."
            )
        dtype = _dtype(dtype)
        rows, cols = math.prod(shape[:-1]), shape[-1]
        draw_dtype = "float64" if dtype == "float64" else "float32"
        a = backend_random.normal((max(rows, cols), min(rows, cols)), dtype=draw_dtype, seed=self.seed)
        # QR runs on the host in NumPy: it happens once per weight, and every backend has NumPy.
        q, r = np.linalg.qr(core.convert_to_numpy(a).astype(np.float64))
        d = np.sign(np.diag(r))
        q = q * np.where(d == 0, 1.0, d)  # make the factorisation unique (diag(r) > 0)
        if rows < cols:
            q = q.T
        return core.convert_to_tensor(self.gain * q.reshape(shape), dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


# --- lookup --------------------------------------------------------------------------------

_CLASSES = (
    Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal,
    HeUniform, LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform,
    TruncatedNormal, VarianceScaling,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({registry.snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update({
    # spellings older configs and Keras 2 code use
    "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
    "normal": RandomNormal,
    "uniform": RandomUniform,
    "one": Ones,
    "zero": Zeros,
})

# module-level snake_case names, as `keras.initializers.glorot_uniform` etc.
constant = Constant
zeros = Zeros
ones = Ones
identity = Identity
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_uniform = HeUniform
he_normal = HeNormal
lecun_uniform = LecunUniform
lecun_normal = LecunNormal
orthogonal = Orthogonal
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal


def serialize(initializer) -> dict:
    """Keras' config dict of an initializer.

    >>> serialize(Zeros())["class_name"]
    'Zeros'
    """
    return registry.serialize_object(initializer, "keras.initializers")


def deserialize(config, custom_objects=None):
    """The initializer a config dict (or class name) describes.

    >>> deserialize({"class_name": "Constant", "config": {"value": 2.0}}).value
    2.0
    """
    return registry.deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, "initializer")


def _from_values(values):
    """An initializer that returns fixed values (Keras accepts an array as an initializer)."""

    def initialize_fn(shape, dtype=None):
        if tuple(shape) != tuple(values.shape):
            raise ValueError(
                f"An array used as an initializer has shape {tuple(values.shape)}, but the "
                f"weight has shape {tuple(shape)}."
            )
        return core.convert_to_tensor(values, dtype=_dtype(dtype))

    return initialize_fn


def get(identifier):
    """Resolve an ``*_initializer=`` argument: None -> None; a name, config dict or class -> a
    new instance; an instance or function -> itself; an array -> fixed values.

    >>> type(get("he_normal")).__name__
    'HeNormal'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if core.is_tensor(identifier) or isinstance(identifier, (np.ndarray, np.generic)):
        return _from_values(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret initializer identifier {identifier!r}: expected a name (one of "
        f"{', '.join(sorted(ALL_OBJECTS_DICT))}), a config dict, an Initializer or a callable."
    )


# --- STFT ----------------------------------------------------------------------------------

# Windows by name, symmetric of length m (scipy.signal.get_window's formulas for these names);
# a periodic window is the symmetric one of length m + 1 without its last sample.
_WINDOWS = {
    "hann": lambda n, m: 0.5 - 0.5 * np.cos(2 * np.pi * n / (m - 1)),
    "hamming": lambda n, m: 0.54 - 0.46 * np.cos(2 * np.pi * n / (m - 1)),
    "blackman": lambda n, m: (0.42 - 0.5 * np.cos(2 * np.pi * n / (m - 1))
                              + 0.08 * np.cos(4 * np.pi * n / (m - 1))),
    "bartlett": lambda n, m: np.where(n <= (m - 1) / 2.0, 2.0 * n / (m - 1),
                                      2.0 - 2.0 * n / (m - 1)),
    "boxcar": lambda n, m: np.ones_like(n),
    "cosine": lambda n, m: np.sin(np.pi / m * (n + 0.5)),
}


def get_window(window: str, length: int, periodic: bool = False) -> np.ndarray:
    """The window ``window`` (``"hann"``, ``"hamming"``, ``"blackman"``, ``"bartlett"``,
    ``"boxcar"``, ``"cosine"``) of ``length`` samples, symmetric or ``periodic``.

    >>> get_window("hann", 3).tolist()
    [0.0, 1.0, 0.0]
    """
    if window not in _WINDOWS:
        raise ValueError(f"Unknown window {window!r}: expected one of {sorted(_WINDOWS)} or an "
                         "array of samples.")
    if length <= 1:
        return np.ones(length)
    m = length + 1 if periodic else length
    w = _WINDOWS[window](np.arange(m, dtype="float64"), m)
    return w[:length] if periodic else w


class STFT(Initializer):
    """The real (cosine) or imaginary (sine) DFT basis, windowed, as a 1-D convolution kernel
    of shape ``(frame_length, 1, fft_length // 2 + 1)``: convolving a signal with it gives its
    short-time Fourier transform (``layers.STFTSpectrogram``).

    ``scaling="density"`` divides by ``sqrt(sum(window^2))``, ``"spectrum"`` by
    ``sum(|window|)``, ``None`` leaves the basis unscaled.

    >>> tuple(STFT("imag", "hann")((16, 1, 9)).shape)
    (16, 1, 9)
    """

    def __init__(self, side: str = "real", window="hann", scaling: str | None = "density",
                 periodic: bool = False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT: side should be 'real' or 'imag', not {side!r}")
        if isinstance(window, str):
            get_window(window, 1)  # refuses unknown names now
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError("STFT: scaling is invalid, it must be `None`, 'density' or "
                             f"'spectrum'. Received scaling={scaling!r}")
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype)
        frame_length, _, bins = shape
        win = None
        scale = 1.0
        if self.window is not None:
            win = self.window
            if isinstance(win, str):
                win = get_window(win, frame_length, self.periodic)
            win = ops.convert_to_tensor(np.asarray(win), dtype=dtype)
            if win.ndim != 1 or win.shape[-1] != frame_length:
                raise ValueError("STFT: the shape of `window` must be equal to [frame_length]. "
                                 f"Received: window shape={tuple(win.shape)}")
            win = ops.reshape(win, (frame_length, 1, 1))
            if self.scaling == "density":
                scale = ops.sqrt(ops.sum(ops.square(win)))
            elif self.scaling == "spectrum":
                scale = ops.sum(ops.abs(win))
        # computed in `dtype` with the same ops in the same order as Keras, so the float32
        # kernels agree to the last bit (their phases reach hundreds of radians)
        freq = ops.reshape(ops.arange(bins, dtype=dtype), (1, 1, bins)) / ((bins - 1) * 2)
        time = ops.reshape(ops.arange(frame_length, dtype=dtype), (frame_length, 1, 1))
        phase = (-2 * time) * freq * ops.arccos(ops.convert_to_tensor(-1.0, dtype=dtype))
        kernel = ops.cos(phase) if self.side == "real" else ops.sin(phase)
        kernel = ops.cast(kernel, dtype)
        if win is not None:
            kernel = kernel * win / scale
        return kernel

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic,
                "scaling": self.scaling}


STFTInitializer = STFT
stft = STFT
__all__ += ["STFT", "STFTInitializer", "get_window", "stft"]
ALL_OBJECTS_DICT.update({"STFT": STFT, "STFTInitializer": STFT, "stft": STFT})
