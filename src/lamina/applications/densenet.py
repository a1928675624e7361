"""DenseNet121, DenseNet169 and DenseNet201 (Huang et al., 2016), with Keras' layer names
and ImageNet weights.

>>> from lamina.applications import DenseNet121
>>> DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3)).output.shape[-1]
1024
"""

from __future__ import annotations

from lamina import config, layers
from lamina.applications import _common, imagenet_utils

BASE_WEIGHTS_PATH = _common.BASE_URL + "densenet/"
# blocks -> (file stem, md5 with top, md5 without top)
_WEIGHTS = {
    (6, 12, 24, 16): ("densenet121", "9d60b8095a5708f2dcce2bca79d332c7",
                      "30ee3e1110167f948a6b9946edeeb738"),
    (6, 12, 32, 32): ("densenet169", "d699b8f76981ab1b30698df4c175e90b",
                      "b8c4d4c20dd625c148057b9ff1c1176b"),
    (6, 12, 48, 32): ("densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807",
                      "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
_EPS = 1.001e-5


def _bn_relu(x, name):
    x = layers.BatchNormalization(axis=_common.channel_axis(), epsilon=_EPS, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def dense_block(x, blocks, name):
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    x = _bn_relu(x, name)
    x = layers.Conv2D(int(x.shape[_common.channel_axis()] * reduction), 1, use_bias=False,
                      name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def conv_block(x, growth_rate, name):
    x1 = _bn_relu(x, f"{name}_0")
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = _bn_relu(x1, f"{name}_1")
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return layers.Concatenate(axis=_common.channel_axis(), name=f"{name}_concat")([x, x1])


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="densenet"):
    """A DenseNet with ``blocks`` conv blocks in each of its four dense blocks."""
    if config.image_data_format() == "channels_first":
        raise ValueError(
            "DenseNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` (lamina.config.set_image_data_format('channels_last')).")
    _common.check_weights(weights, include_top, classes)
    _common.check_pooling(pooling)
    input_shape = _common.input_shape_for(input_shape, 224, 32, include_top, weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn_relu(x, "conv1")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for k, count in enumerate(blocks):
        x = dense_block(x, count, name=f"conv{k + 2}")
        if k < 3:
            x = transition_block(x, 0.5, name=f"pool{k + 2}")
    x = layers.BatchNormalization(axis=_common.channel_axis(), epsilon=_EPS, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = _common.classifier(x, classes, classifier_activation, weights)
    else:
        x = _common.pooled(x, pooling, name_prefix="")
    imagenet_file = None
    if tuple(blocks) in _WEIGHTS:
        stem, top_hash, notop_hash = _WEIGHTS[tuple(blocks)]
        fname = f"{stem}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
        imagenet_file = (fname, BASE_WEIGHTS_PATH + fname,
                         top_hash if include_top else notop_hash)
    return _common.finish(_common.model_inputs(input_tensor, img_input), x, name, weights,
                          imagenet_file)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet121"):
    """DenseNet121 (6, 12, 24, 16 blocks); inputs through ``densenet.preprocess_input``
    ("torch" mode). Arguments as ``VGG16``."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet169"):
    """DenseNet169 (6, 12, 32, 32 blocks); arguments as ``DenseNet121``."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet201"):
    """DenseNet201 (6, 12, 48, 32 blocks); arguments as ``DenseNet121``."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """RGB [0, 255] images scaled to [0, 1] and normalised per channel ("torch" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
