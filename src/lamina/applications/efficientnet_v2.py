"""EfficientNetV2 B0-B3, S, M and L (Tan & Le, 2021), with Keras' layer names and ImageNet
weights.

The models take RGB images in [0, 255] and rescale them themselves
(``include_preprocessing=True``), so ``efficientnet_v2.preprocess_input`` passes its input
through.

>>> from lamina.applications import EfficientNetV2B0
>>> EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3)).output.shape[-1]
1280
"""

from __future__ import annotations

import math

from lamina import initializers, layers
from lamina.applications import _common, imagenet_utils

BASE_WEIGHTS_PATH = _common.BASE_URL + "efficientnet_v2/"
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}

_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio",
         "se_ratio", "strides", "conv_type")
_B = [(3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
      (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0),
      (3, 8, 112, 192, 6, 0.25, 2, 0)]
# conv_type 1: FusedMBConv, 0: MBConv
_TABLES = {
    "efficientnetv2-s": [
        (3, 2, 24, 24, 1, 0.0, 1, 1), (3, 4, 24, 48, 4, 0.0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
        (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0),
        (3, 15, 160, 256, 6, 0.25, 2, 0)],
    "efficientnetv2-m": [
        (3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
        (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0),
        (3, 18, 176, 304, 6, 0.25, 2, 0), (3, 5, 304, 512, 6, 0.25, 1, 0)],
    "efficientnetv2-l": [
        (3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
        (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0),
        (3, 25, 224, 384, 6, 0.25, 2, 0), (3, 7, 384, 640, 6, 0.25, 1, 0)],
    **{f"efficientnetv2-b{k}": _B for k in range(4)},
}
DEFAULT_BLOCKS_ARGS = {name: [dict(zip(_KEYS, row)) for row in rows]
                       for name, rows in _TABLES.items()}

CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    filters *= width_coefficient
    minimum = min_depth or depth_divisor
    return int(max(minimum, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats, depth_coefficient):
    return int(math.ceil(depth_coefficient * repeats))


def _conv(filters, kernel_size, name, strides=1, activation=None):
    return layers.Conv2D(filters, kernel_size=kernel_size, strides=strides, padding="same",
                         use_bias=activation is not None,
                         activation=activation, kernel_initializer=CONV_KERNEL_INITIALIZER,
                         name=name)


def _bn_act(x, name, momentum, activation, bn_name=None, act_name=None):
    x = layers.BatchNormalization(axis=_common.channel_axis(), momentum=momentum,
                                  name=bn_name or f"{name}bn")(x)
    return layers.Activation(activation, name=act_name or f"{name}activation")(x)


def _squeeze_excite(x, input_filters, filters, se_ratio, activation, name):
    filters_se = max(1, int(input_filters * se_ratio))
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se_shape = (filters, 1, 1) if _common.channel_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(se_shape, name=f"{name}se_reshape")(se)
    se = _conv(filters_se, 1, f"{name}se_reduce", activation=activation)(se)
    se = _conv(filters, 1, f"{name}se_expand", activation="sigmoid")(se)
    return layers.Multiply(name=f"{name}se_excite")([x, se])


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name):
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            x = layers.Dropout(survival_probability, noise_shape=(None, 1, 1, 1),
                               name=f"{name}drop")(x)
        x = layers.Add(name=f"{name}add")([x, inputs])
    return x


def MBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1,
                se_ratio=0.0, bn_momentum=0.9, activation="swish", survival_probability=0.8,
                name=None):
    """Expand (1x1), depthwise, squeeze-excite, project (1x1)."""

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv(filters, 1, f"{name}expand_conv")(x)
            x = _bn_act(x, name, bn_momentum, activation, f"{name}expand_bn",
                        f"{name}expand_activation")
        x = layers.DepthwiseConv2D(kernel_size=kernel_size, strides=strides, padding="same",
                                   use_bias=False, depthwise_initializer=CONV_KERNEL_INITIALIZER,
                                   name=f"{name}dwconv2")(x)
        x = _bn_act(x, name, bn_momentum, activation)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
        x = _conv(output_filters, 1, f"{name}project_conv")(x)
        x = layers.BatchNormalization(axis=_common.channel_axis(), momentum=bn_momentum,
                                      name=f"{name}project_bn")(x)
        return _residual(x, inputs, strides, input_filters, output_filters,
                         survival_probability, name)

    return apply


def FusedMBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1,
                     se_ratio=0.0, bn_momentum=0.9, activation="swish",
                     survival_probability=0.8, name=None):
    """A full kxk expansion convolution in place of expand + depthwise."""

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv(filters, kernel_size, f"{name}expand_conv", strides=strides)(x)
            x = _bn_act(x, name, bn_momentum, activation, f"{name}expand_bn",
                        f"{name}expand_activation")
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
        fused = expand_ratio == 1
        x = _conv(output_filters, kernel_size if fused else 1, f"{name}project_conv",
                  strides=strides if fused else 1)(x)
        x = layers.BatchNormalization(axis=_common.channel_axis(), momentum=bn_momentum,
                                      name=f"{name}project_bn")(x)
        if fused:
            x = layers.Activation(activation, name=f"{name}project_activation")(x)
        return _residual(x, inputs, strides, input_filters, output_filters,
                         survival_probability, name)

    return apply


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                   drop_connect_rate=0.2, depth_divisor=8, min_depth=8, bn_momentum=0.9,
                   activation="swish", blocks_args="default", name="efficientnetv2",
                   include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   include_preprocessing=True, weights_name=None, variant=None):
    """An EfficientNetV2 from its block table (``variant`` names one of Keras' tables)."""
    variant = variant or name
    if blocks_args == "default":
        if variant not in DEFAULT_BLOCKS_ARGS:
            raise ValueError(f"No default block table for {variant!r}; pass `blocks_args`.")
        blocks_args = DEFAULT_BLOCKS_ARGS[variant]
    _common.check_weights(weights, include_top, classes)
    _common.check_pooling(pooling)
    input_shape = _common.input_shape_for(input_shape, default_size, 32, include_top, weights)
    img_input = _common.image_input(input_tensor, input_shape)
    axis = _common.channel_axis()

    def filters_of(n):
        return round_filters(n, width_coefficient, min_depth, depth_divisor)

    x = img_input
    if include_preprocessing:
        channels = input_shape[0] if axis == 1 else input_shape[-1]
        if variant.split("-")[-1].startswith("b") and channels == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406],
                                     variance=[0.229**2, 0.224**2, 0.225**2], axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = _conv(filters_of(blocks_args[0]["input_filters"]), 3, "stem_conv", strides=2)(x)
    x = _bn_act(x, "", bn_momentum, activation, "stem_bn", "stem_activation")

    total = float(sum(args["num_repeat"] for args in blocks_args))
    b = 0
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError("The number of repeats in `EfficientNetV2` must be > 0. "
                             f"Received: num_repeat={args['num_repeat']}")
        args = dict(args)
        args["input_filters"] = filters_of(args["input_filters"])
        args["output_filters"] = filters_of(args["output_filters"])
        block = {0: MBConvBlock, 1: FusedMBConvBlock}[args.pop("conv_type")]
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / total,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)(x)
            b += 1

    x = _conv(filters_of(1280), 1, "top_conv")(x)
    x = _bn_act(x, "", bn_momentum, activation, "top_bn", "top_activation")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        _common.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation,
                         kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    else:
        x = _common.pooled(x, pooling, name_prefix="")
    imagenet_file = None
    if weights_name in WEIGHTS_HASHES:
        fname = variant + (".h5" if include_top else "_notop.h5")
        imagenet_file = (fname, BASE_WEIGHTS_PATH + fname,
                         WEIGHTS_HASHES[weights_name][0 if include_top else 1])
    return _common.finish(_common.model_inputs(input_tensor, img_input), x, name, weights,
                          imagenet_file)


def _variant(label, width, depth, size):
    variant = f"efficientnetv2-{label}"
    weights_name = label if label.startswith("b") else f"-{label}"

    def constructor(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                    pooling=None, classes=1000, classifier_activation="softmax",
                    include_preprocessing=True, name=variant):
        return EfficientNetV2(width_coefficient=width, depth_coefficient=depth,
                              default_size=size, name=name, include_top=include_top,
                              weights=weights, input_tensor=input_tensor,
                              input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing,
                              weights_name=weights_name, variant=variant)

    constructor.__name__ = constructor.__qualname__ = f"EfficientNetV2{label.upper()}"
    constructor.__doc__ = (
        f"EfficientNetV2{label.upper()} (default input {size}x{size}).\n\n    Arguments as "
        "``VGG16``, plus ``include_preprocessing`` (rescale [0, 255] RGB inputs in\n    the "
        "model).\n")
    return constructor


EfficientNetV2B0 = _variant("b0", 1.0, 1.0, 224)
EfficientNetV2B1 = _variant("b1", 1.0, 1.1, 240)
EfficientNetV2B2 = _variant("b2", 1.1, 1.2, 260)
EfficientNetV2B3 = _variant("b3", 1.2, 1.4, 300)
EfficientNetV2S = _variant("s", 1.0, 1.0, 384)
EfficientNetV2M = _variant("m", 1.0, 1.0, 480)
EfficientNetV2L = _variant("l", 1.0, 1.0, 480)


def preprocess_input(x, data_format=None):
    """A placeholder kept for API compatibility: the model rescales its input itself."""
    return x


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
