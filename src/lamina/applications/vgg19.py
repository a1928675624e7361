"""VGG19 (Simonyan & Zisserman, 2014), with Keras' layer names and ImageNet weights.

>>> from lamina.applications import VGG19
>>> VGG19(weights=None, include_top=False, pooling="avg", input_shape=(32, 32, 3)).output.shape[-1]
512
"""

from __future__ import annotations

from lamina.applications.vgg16 import build_vgg, decode_predictions, preprocess_input

_FILES = {
    True: ("vgg19_weights_tf_dim_ordering_tf_kernels.h5",
           "cbe5617147190e668d6c5d5026f83318"),
    False: ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "253f8cb515780f3b799900260a226db6"),
}

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    """VGG19: 16 convolutions in five blocks, then (``include_top``) three dense layers.

    Arguments as ``VGG16``; inputs go through ``vgg19.preprocess_input`` ("caffe" mode).
    """
    return build_vgg((2, 2, 4, 4, 4), "vgg19", name, _FILES, include_top, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation)
