"""NASNetMobile and NASNetLarge (Zoph et al., 2017), with Keras' layer names and ImageNet
weights. (Keras 3 refuses NASNetMobile on its torch backend; lamina builds it.)

>>> from lamina.applications import NASNetMobile
>>> NASNetMobile(weights=None, include_top=False, input_shape=(32, 32, 3)).output.shape[-1]
1056
"""

from __future__ import annotations

from lamina import config, layers
from lamina.applications import _common, imagenet_utils

BASE_WEIGHTS_PATH = _common.BASE_URL + "nasnet/"
# default size -> include_top -> (cache file name, url, md5)
_FILES = {
    224: {True: ("nasnet_mobile.h5", BASE_WEIGHTS_PATH + "NASNet-mobile.h5",
                 "020fb642bf7360b370c678b08e0adf61"),
          False: ("nasnet_mobile_no_top.h5", BASE_WEIGHTS_PATH + "NASNet-mobile-no-top.h5",
                  "1ed92395b5b598bdda52abe5c0dbfd63")},
    331: {True: ("nasnet_large.h5", BASE_WEIGHTS_PATH + "NASNet-large.h5",
                 "11577c9a518f0070763c2b964a382f17"),
          False: ("nasnet_large_no_top.h5", BASE_WEIGHTS_PATH + "NASNet-large-no-top.h5",
                  "d81d89dc07e6e56530c4e77faddd61b5")},
}


def _bn(x, name):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)(x)


def _conv1x1(x, filters, name):
    return layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", use_bias=False,
                         kernel_initializer="he_normal", name=name)(x)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """ReLU, separable conv (strided when asked), BN, ReLU, separable conv, BN."""
    x = layers.Activation("relu")(ip)
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"separable_conv_1_pad_{block_id}")(x)
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides,
                               padding="valid" if strides == (2, 2) else "same",
                               use_bias=False, name=f"separable_conv_1_{block_id}")(x)
    x = _bn(x, f"separable_conv_1_bn_{block_id}")
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False,
                               name=f"separable_conv_2_{block_id}")(x)
    return _bn(x, f"separable_conv_2_bn_{block_id}")


def _adjust_block(p, ip, filters, block_id=None):
    """Brings the previous cell's output ``p`` to ``ip``'s size and ``filters`` channels."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                     name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = _conv1x1(p1, filters // 2, f"adjust_conv_1_{block_id}")
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                     name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = _conv1x1(p2, filters // 2, f"adjust_conv_2_{block_id}")
        p = layers.Concatenate(axis=-1)([p1, p2])
        return _bn(p, f"adjust_bn_{block_id}")
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(p, filters, f"adjust_conv_projection_{block_id}")
        return _bn(p, f"adjust_bn_{block_id}")
    return p


def _normal_a_cell(ip, p, filters, block_id=None):
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _bn(_conv1x1(h, filters, f"normal_conv_1_{block_id}"), f"normal_bn_1_{block_id}")
    add = layers.Add
    x1 = add(name=f"normal_add_1_{block_id}")([
        _separable_conv_block(h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}"),
        _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")])
    x2 = add(name=f"normal_add_2_{block_id}")([
        _separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}"),
        _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")])
    x3 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                 name=f"normal_left3_{block_id}")(h)
    x3 = add(name=f"normal_add_3_{block_id}")([x3, p])
    x4 = add(name=f"normal_add_4_{block_id}")([
        layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                name=f"normal_left4_{block_id}")(p),
        layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                name=f"normal_right4_{block_id}")(p)])
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = add(name=f"normal_add_5_{block_id}")([x5, h])
    x = layers.Concatenate(axis=-1, name=f"normal_concat_{block_id}")([p, x1, x2, x3, x4, x5])
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _bn(_conv1x1(h, filters, f"reduction_conv_1_{block_id}"), f"reduction_bn_1_{block_id}")
    h3 = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3),
                              name=f"reduction_pad_1_{block_id}")(h)
    add = layers.Add
    x1 = add(name=f"reduction_add_1_{block_id}")([
        _separable_conv_block(h, filters, (5, 5), strides=(2, 2),
                              block_id=f"reduction_left1_{block_id}"),
        _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                              block_id=f"reduction_right1_{block_id}")])
    x2 = add(name=f"reduction_add_2_{block_id}")([
        layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                            name=f"reduction_left2_{block_id}")(h3),
        _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                              block_id=f"reduction_right2_{block_id}")])
    x3 = add(name=f"reduction_add3_{block_id}")([
        layers.AveragePooling2D((3, 3), strides=(2, 2), padding="valid",
                                name=f"reduction_left3_{block_id}")(h3),
        _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                              block_id=f"reduction_right3_{block_id}")])
    x4 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                 name=f"reduction_left4_{block_id}")(x1)
    x4 = add()([x2, x4])
    x5 = add(name=f"reduction_add4_{block_id}")([
        _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}"),
        layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                            name=f"reduction_right5_{block_id}")(h3)])
    x = layers.Concatenate(axis=-1, name=f"reduction_concat_{block_id}")([x2, x3, x4, x5])
    return x, ip


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
           skip_reduction=True, filter_multiplier=2, include_top=True, weights="imagenet",
           input_tensor=None, pooling=None, classes=1000, default_size=None,
           classifier_activation="softmax", name="NASNet"):
    """A NASNet-A: ``num_blocks`` normal cells between reductions; ``penultimate_filters``
    channels in the last cell."""
    if config.image_data_format() == "channels_first":
        raise ValueError(
            "NASNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` (lamina.config.set_image_data_format('channels_last')).")
    _common.check_weights(weights, include_top, classes)
    _common.check_pooling(pooling)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading `ImageNet` weights, the "
            "input_shape argument must be static (no None entries). Got: "
            f"`input_shape={input_shape}`.")
    default_size = 331 if default_size is None else default_size
    input_shape = _common.input_shape_for(input_shape, default_size, 32, include_top, weights)
    if penultimate_filters % (24 * filter_multiplier**2) != 0:
        raise ValueError(
            "For NASNet-A models, the `penultimate_filters` must be a multiple of 24 * "
            f"(`filter_multiplier` ** 2). Current value: {penultimate_filters}")
    if weights == "imagenet" and default_size not in _FILES:
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile")
    img_input = _common.image_input(input_tensor, input_shape)
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                      use_bias=False, kernel_initializer="he_normal", name="stem_conv1")(img_input)
    x = _bn(x, "stem_bn1")
    p = None
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier**2, block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for stage in range(3):
        width = filters * filter_multiplier**stage
        if stage:
            x, p0 = _reduction_a_cell(x, p, width, block_id=f"reduce_{stage * num_blocks}")
            p = p if skip_reduction else p0
        for i in range(num_blocks):
            first = stage * num_blocks + (1 if stage else 0)
            x, p = _normal_a_cell(x, p, width, block_id=f"{first + i}")
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = _common.classifier(x, classes, classifier_activation, weights)
    else:
        x = _common.pooled(x, pooling)
    imagenet_file = _FILES.get(default_size, {}).get(include_top)
    return _common.finish(_common.model_inputs(input_tensor, img_input), x, name, weights,
                          imagenet_file)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax",
                 name="nasnet_mobile"):
    """NASNetMobile (224x224 by default); inputs through ``nasnet.preprocess_input`` ("tf"
    mode). Arguments as ``VGG16``."""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=224, classifier_activation=classifier_activation, name=name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="nasnet_large"):
    """NASNetLarge (331x331 by default); arguments as ``NASNetMobile``."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=331, classifier_activation=classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """RGB [0, 255] images scaled to [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
