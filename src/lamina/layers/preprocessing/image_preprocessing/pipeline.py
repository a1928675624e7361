"""Pipeline: a list of preprocessing layers applied one after the other."""

from __future__ import annotations

from lamina.layers.layer import Layer


def _layer_serialization():
    # imported when configs are made: the recurrent family imports most of lamina.layers,
    # which imports this package
    from lamina.layers.recurrent import _common

    return _common.serialize_layer, _common.deserialize_layer


class Pipeline(Layer):
    """Calls ``layers`` in order, passing ``training`` (and masks) along. Unlike Sequential it
    is a plain layer: it takes dict inputs such as ``{"images", "labels"}`` and is meant for
    data pipelines.

    >>> import numpy as np, lamina
    >>> pipe = lamina.layers.Pipeline([lamina.layers.Rescaling(2.0),
    ...                                lamina.layers.CenterCrop(2, 2)])
    >>> pipe(np.ones((1, 4, 4, 1), "float32")).sum().item()
    8.0
    """

    def __init__(self, layers, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(layers, (list, tuple)) or not all(isinstance(v, Layer) for v in layers):
            raise ValueError(f"Pipeline: `layers` must be a list of layers; received {layers!r}")
        self._pipeline_layers = list(layers)
        for i, layer in enumerate(self._pipeline_layers):
            setattr(self, f"_pipeline_layer_{i}", layer)  # tracked, so .to(device) reaches them
        self.built = True

    @property
    def layers(self):
        return self._pipeline_layers

    def call(self, inputs, training=None, mask=None):
        for layer in self._pipeline_layers:
            kwargs = {}
            if training is not None:
                kwargs["training"] = training
            if mask is not None and layer._call_takes_mask:
                kwargs["mask"] = mask
            inputs = layer(inputs, **kwargs)
            mask = getattr(inputs, "_keras_mask", None)
        return inputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        serialize_layer, _ = _layer_serialization()
        return {"layers": [serialize_layer(layer) for layer in self._pipeline_layers],
                "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("Pipeline: the config needs a `layers` list of layer configs; "
                             f"received layers={layers!r}")
        _, deserialize_layer = _layer_serialization()
        config = dict(config)
        config["layers"] = [deserialize_layer(v, custom_objects) for v in layers]
        return cls(**config)
