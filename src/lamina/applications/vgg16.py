"""VGG16 (Simonyan & Zisserman, 2014), with Keras' layer names and ImageNet weights.

>>> from lamina.applications import VGG16
>>> base = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
>>> tuple(base.output.shape)
(None, 1, 1, 512)
"""

from __future__ import annotations

from lamina import layers
from lamina.applications import _common, imagenet_utils

_FILES = {
    True: ("vgg16_weights_tf_dim_ordering_tf_kernels.h5",
           "64373286793e3c8b2b4e3219cbf3544b"),
    False: ("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "6d6bbae143d832006294945121d1f1fc"),
}


def build_vgg(convs_per_block, folder, name, files, include_top, weights, input_tensor, input_shape,
              pooling, classes, classifier_activation):
    """The VGG stack: five blocks of 3x3 convolutions (64 to 512 filters) and max pooling,
    then two 4096-unit dense layers and the classifier when ``include_top``."""
    _common.check_weights(weights, include_top, classes)
    _common.check_pooling(pooling)
    input_shape = _common.input_shape_for(input_shape, 224, 32, include_top, weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, count) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for k in range(1, count + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{k}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = _common.classifier(x, classes, classifier_activation, weights)
    else:
        x = _common.pooled(x, pooling)
    fname, file_hash = files[include_top]
    return _common.finish(_common.model_inputs(input_tensor, img_input), x, name, weights,
                          (fname, f"{_common.BASE_URL}{folder}/{fname}", file_hash))


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """VGG16: 13 convolutions in five blocks, then (``include_top``) three dense layers.

    Inputs are RGB images in [0, 255] passed through ``vgg16.preprocess_input``; the default
    size is 224x224, the smallest 32x32.

    Args:
        include_top: keep the 3 dense layers at the top.
        weights: None (random), "imagenet", or the path of a weights file.
        input_tensor: a tensor to use as the image input.
        input_shape: the image shape, e.g. ``(150, 150, 3)`` (with ``include_top=False``).
        pooling: None, "avg" or "max": the global pooling after the convolutions when
            ``include_top=False``.
        classes: number of classes of the top (1000 for ImageNet weights).
        classifier_activation: the top's activation (None for logits).
        name: the model's name.
    """
    return build_vgg((2, 2, 3, 3, 3), "vgg16", name, _FILES, include_top, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation)


def preprocess_input(x, data_format=None):
    """RGB [0, 255] images to BGR with the ImageNet channel means subtracted ("caffe")."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
