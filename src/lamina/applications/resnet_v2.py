"""ResNet50V2, ResNet101V2 and ResNet152V2 (He et al., 2016: pre-activation blocks).

>>> from lamina.applications import ResNet50V2
>>> ResNet50V2(weights=None, include_top=False, input_shape=(32, 32, 3)).output.shape[-1]
2048
"""

from __future__ import annotations

from lamina.applications import imagenet_utils, resnet


def _v2(depths):
    def stack_fn(x):
        for k, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths)):
            x = resnet.stack_residual_blocks_v2(x, filters, blocks, stride1=1 if k == 3 else 2,
                                                name=f"conv{k + 2}")
        return x
    return stack_fn


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2; inputs through ``resnet_v2.preprocess_input`` ("tf" mode, [-1, 1]).
    Arguments as ``resnet.ResNet50``."""
    return resnet.ResNet(_v2((3, 4, 6, 3)), True, True, include_top, weights, input_tensor,
                         input_shape, pooling, classes, classifier_activation, name,
                         weights_name="resnet50v2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet101v2"):
    """ResNet101V2; arguments as ``ResNet50V2``."""
    return resnet.ResNet(_v2((3, 4, 23, 3)), True, True, include_top, weights, input_tensor,
                         input_shape, pooling, classes, classifier_activation, name,
                         weights_name="resnet101v2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet152v2"):
    """ResNet152V2; arguments as ``ResNet50V2``."""
    return resnet.ResNet(_v2((3, 8, 36, 3)), True, True, include_top, weights, input_tensor,
                         input_shape, pooling, classes, classifier_activation, name,
                         weights_name="resnet152v2")


def preprocess_input(x, data_format=None):
    """RGB [0, 255] images scaled to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
