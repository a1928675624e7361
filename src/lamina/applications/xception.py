"""Xception (Chollet, 2017), with Keras' layer names and ImageNet weights.

>>> from lamina.applications import Xception
>>> Xception(weights=None, include_top=False, input_shape=(71, 71, 3)).output.shape[-1]
2048
"""

from __future__ import annotations

from lamina import layers
from lamina.applications import _common, imagenet_utils

_URL = _common.BASE_URL + "xception/"
_FILES = {
    True: ("xception_weights_tf_dim_ordering_tf_kernels.h5",
           "0a58e3b7378bc2990ea3b43d5981f1f6"),
    False: ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "b0042744bf5b25fce3cb969f33bebb97"),
}


def _bn(x, name=None):
    return layers.BatchNormalization(axis=_common.channel_axis(), name=name)(x)


def _sepconv_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return _bn(x, f"{name}_bn")


def _residual(x, filters):
    r = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return _bn(r)


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """Xception: default input 299x299, at least 71x71; inputs through
    ``xception.preprocess_input`` ("tf" mode, [-1, 1]). Arguments as ``VGG16``."""
    _common.check_weights(weights, include_top, classes)
    _common.check_pooling(pooling)
    input_shape = _common.input_shape_for(input_shape, 299, 71, include_top, weights)
    img_input = _common.image_input(input_tensor, input_shape)
    relu = layers.Activation

    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = relu("relu", name="block1_conv1_act")(_bn(x, "block1_conv1_bn"))
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = relu("relu", name="block1_conv2_act")(_bn(x, "block1_conv2_bn"))

    # entry flow: blocks 2-4 halve the size; block 2 starts without an activation
    for block, filters in ((2, 128), (3, 256), (4, 728)):
        residual = _residual(x, filters)
        if block > 2:
            x = relu("relu", name=f"block{block}_sepconv1_act")(x)
        x = _sepconv_bn(x, filters, f"block{block}_sepconv1")
        x = relu("relu", name=f"block{block}_sepconv2_act")(x)
        x = _sepconv_bn(x, filters, f"block{block}_sepconv2")
        x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same",
                                name=f"block{block}_pool")(x)
        x = layers.Add()([x, residual])

    # middle flow: eight identity blocks
    for block in range(5, 13):
        residual = x
        for k in (1, 2, 3):
            x = relu("relu", name=f"block{block}_sepconv{k}_act")(x)
            x = _sepconv_bn(x, 728, f"block{block}_sepconv{k}")
        x = layers.Add()([x, residual])

    residual = _residual(x, 1024)
    x = relu("relu", name="block13_sepconv1_act")(x)
    x = _sepconv_bn(x, 728, "block13_sepconv1")
    x = relu("relu", name="block13_sepconv2_act")(x)
    x = _sepconv_bn(x, 1024, "block13_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block13_pool")(x)
    x = layers.Add()([x, residual])

    x = _sepconv_bn(x, 1536, "block14_sepconv1")
    x = relu("relu", name="block14_sepconv1_act")(x)
    x = _sepconv_bn(x, 2048, "block14_sepconv2")
    x = relu("relu", name="block14_sepconv2_act")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = _common.classifier(x, classes, classifier_activation, weights)
    else:
        x = _common.pooled(x, pooling)
    fname, file_hash = _FILES[include_top]
    return _common.finish(_common.model_inputs(input_tensor, img_input), x, name, weights,
                          (fname, _URL + fname, file_hash))


def preprocess_input(x, data_format=None):
    """RGB [0, 255] images scaled to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
