"""SpatialDropout1D/2D/3D: drop whole feature maps (channels) rather than single entries."""

from __future__ import annotations

from lamina import config
from lamina.backend import nn
from lamina.layers.input_spec import InputSpec
from lamina.layers.regularization.dropout import Dropout
from lamina.layers.regularization._noise import NoiseSource


class _SpatialDropout(Dropout):
    _ndim = None

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.rate = rate
        self._noise = NoiseSource(seed)
        self.input_spec = InputSpec(ndim=self._ndim)
        self.built = False  # so that the first call checks the input rank

    def _noise_shape(self, shape):
        raise NotImplementedError

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            keep = nn.keep_mask(inputs, self._noise_shape(tuple(inputs.shape)), self.rate,
                                self._noise())
            return inputs * keep / (1.0 - self.rate)
        return inputs

    def get_config(self):
        # Keras writes only these keys for the spatial dropouts
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole channels of ``(batch, steps, channels)`` inputs.

    >>> import lamina
    >>> tuple(lamina.layers.SpatialDropout1D(0.5)(lamina.ops.ones((1, 3, 2))).shape)
    (1, 3, 2)
    """

    _ndim = 3

    def _noise_shape(self, shape):
        return (shape[0], 1, shape[2])


class _SpatialDropoutND(_SpatialDropout):
    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = config.standardize_data_format(data_format)

    def _noise_shape(self, shape):
        spatial = (1,) * (self._ndim - 2)
        if self.data_format == "channels_first":
            return (shape[0], shape[1]) + spatial
        return (shape[0],) + spatial + (shape[-1],)

    def get_config(self):
        cfg = super().get_config()
        cfg["data_format"] = self.data_format
        return cfg


class SpatialDropout2D(_SpatialDropoutND):
    """Dropout of whole feature maps of 4D image inputs.

    >>> import lamina
    >>> tuple(lamina.layers.SpatialDropout2D(0.5)(lamina.ops.ones((1, 2, 2, 3))).shape)
    (1, 2, 2, 3)
    """

    _ndim = 4


class SpatialDropout3D(_SpatialDropoutND):
    """Dropout of whole feature maps of 5D volume inputs.

    >>> import lamina
    >>> tuple(lamina.layers.SpatialDropout3D(0.5)(lamina.ops.ones((1, 2, 2, 2, 3))).shape)
    (1, 2, 2, 2, 3)
    """

    _ndim = 5
