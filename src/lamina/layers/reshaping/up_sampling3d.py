"""UpSampling3D: repeat each cell of a volume along its three spatial axes."""

from __future__ import annotations

from lamina import config
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class UpSampling3D(Layer):
    """Each spatial axis repeated ``size[i]`` times (nearest neighbour).

    >>> import lamina
    >>> tuple(lamina.layers.UpSampling3D()(lamina.ops.ones((1, 2, 3, 4, 2))).shape)
    (1, 4, 6, 8, 2)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.size = args.standardize_tuple(size, 3, "size", "UpSampling3D")
        self.input_spec = InputSpec(ndim=5)
        self.built = True

    def call(self, inputs):
        return kernels.upsample(inputs, self.size, "nearest", self.data_format)

    def compute_output_shape(self, input_shape):
        dims, channels = args.spatial(input_shape, self.data_format)
        out = [None if d is None else d * s for d, s in zip(dims, self.size)]
        return args.assemble(input_shape[0], out, channels, self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"size": self.size, "data_format": self.data_format})
        return cfg
