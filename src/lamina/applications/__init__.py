"""Keras' pretrained image models (``keras.applications``), with Keras' layer names, so
Keras' published ImageNet weight files load as they are.

>>> from lamina import applications
>>> base = applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
>>> base.name
'vgg16'
"""

from lamina.applications import (
    imagenet_utils,
    mobilenet,
    mobilenet_v2,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
)
from lamina.applications.mobilenet import MobileNet
from lamina.applications.mobilenet_v2 import MobileNetV2
from lamina.applications.resnet import ResNet50, ResNet101, ResNet152
from lamina.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from lamina.applications.vgg16 import VGG16
from lamina.applications.vgg19 import VGG19

__all__ = [
    "MobileNet", "MobileNetV2", "ResNet50", "ResNet50V2", "ResNet101", "ResNet101V2",
    "ResNet152", "ResNet152V2", "VGG16", "VGG19",
    "imagenet_utils", "mobilenet", "mobilenet_v2", "resnet", "resnet50", "resnet_v2", "vgg16",
    "vgg19",
]
