"""InceptionV3 (Szegedy et al., 2015), with Keras' layer names and ImageNet weights.

>>> from lamina.applications import InceptionV3
>>> InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3)).output.shape[-1]
2048
"""

from __future__ import annotations

from lamina import layers
from lamina.applications import _common, imagenet_utils

_URL = _common.BASE_URL + "inception_v3/"
_FILES = {
    True: ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
           "9a0d58056eeedaa3f26cb7ebd46da564"),
    False: ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "bcbd6486424b2319ff4ef7d526e38f63"),
}


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Convolution (no bias), batch norm (no scale), ReLU."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=None if name is None else f"{name}_conv")(x)
    x = layers.BatchNormalization(axis=_common.channel_axis(), scale=False,
                                  name=None if name is None else f"{name}_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    pool = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(pool, filters, 1, 1)


def _block35(x, pool_filters, name):
    axis = _common.channel_axis()
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    return layers.Concatenate(axis=axis, name=name)([b1, b5, b3, _avg_branch(x, pool_filters)])


def _block17(x, mid, name):
    axis = _common.channel_axis()
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(x, mid, 1, 1)
    b7 = conv2d_bn(conv2d_bn(b7, mid, 1, 7), 192, 7, 1)
    d = conv2d_bn(x, mid, 1, 1)
    for filters, (r, c) in ((mid, (7, 1)), (mid, (1, 7)), (mid, (7, 1)), (192, (1, 7))):
        d = conv2d_bn(d, filters, r, c)
    return layers.Concatenate(axis=axis, name=name)([b1, b7, d, _avg_branch(x, 192)])


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):
    """InceptionV3: default input 299x299, at least 75x75; inputs through
    ``inception_v3.preprocess_input`` ("tf" mode, [-1, 1]). Arguments as ``VGG16``."""
    _common.check_weights(weights, include_top, classes)
    _common.check_pooling(pooling)
    input_shape = _common.input_shape_for(input_shape, 299, 75, include_top, weights)
    img_input = _common.image_input(input_tensor, input_shape)
    axis = _common.channel_axis()

    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)

    x = _block35(x, 32, "mixed0")
    x = _block35(x, 64, "mixed1")
    x = _block35(x, 64, "mixed2")

    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    d = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    d = conv2d_bn(d, 96, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.Concatenate(axis=axis, name="mixed3")([b3, d, pool])

    x = _block17(x, 128, "mixed4")
    x = _block17(x, 160, "mixed5")
    x = _block17(x, 160, "mixed6")
    x = _block17(x, 192, "mixed7")

    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.Concatenate(axis=axis, name="mixed8")([b3, b7, pool])

    for i in range(2):
        b1 = conv2d_bn(x, 320, 1, 1)
        b3 = conv2d_bn(x, 384, 1, 1)
        b3 = layers.Concatenate(axis=axis, name=f"mixed9_{i}")(
            [conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)])
        d = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
        d = layers.Concatenate(axis=axis)([conv2d_bn(d, 384, 1, 3), conv2d_bn(d, 384, 3, 1)])
        x = layers.Concatenate(axis=axis, name=f"mixed{9 + i}")(
            [b1, b3, d, _avg_branch(x, 192)])

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
