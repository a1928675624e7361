"""What every application model shares: argument checks, the input, the head, the weights.

Each family module (vgg16.py, resnet.py, ...) builds its layers between ``image_input`` and
``classifier_head``, then calls ``finish`` to make the model and load its weights. Keras'
published weight files are legacy ``.h5`` files loaded by layer order, so the layers are
created in Keras' order with Keras' names.
"""

from __future__ import annotations

import os

from lamina import activations, config, layers
from lamina.applications import imagenet_utils
from lamina.models import Model
from lamina.ops.symbolic import SymbolicTensor
from lamina.utils import file_utils
from lamina.utils.data_utils import get_source_inputs

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"


def check_weights(weights, include_top, classes) -> None:
    """Keras' checks on ``weights`` and ``classes``, made before anything is built."""
    if not (weights in {"imagenet", None} or (isinstance(weights, (str, os.PathLike))
                                               and os.path.exists(weights))):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), "
            "'imagenet' (pre-training on ImageNet), or the path to the weights file to be "
            f"loaded. Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` should be "
            f"1000. Received: classes={classes}"
        )


def check_pooling(pooling) -> None:
    if pooling not in (None, "avg", "max"):
        raise ValueError(
            f"Expected `pooling` to be None, 'avg' or 'max'. Received: pooling={pooling!r}"
        )


def image_input(input_tensor, input_shape):
    """The model's image input: a new ``Input``, or the given tensor (wrapped if it is not
    symbolic)."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if isinstance(input_tensor, SymbolicTensor):
        return input_tensor
    return layers.Input(tensor=input_tensor, shape=input_shape)


def channel_axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def validate_activation(classifier_activation, weights) -> None:
    """Pretrained classifiers were trained with softmax: only it (or None, logits) fits."""
    if weights is None:
        return
    if activations.get(classifier_activation) not in {
        activations.get("softmax"), activations.get(None)
    }:
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the "
            "`classifier_activation` argument when using pretrained weights, with "
            f"`include_top=True`; Received: classifier_activation={classifier_activation}"
        )


def pooled(x, pooling, name_prefix=None):
    """The ``pooling`` argument's global pooling (or ``x`` unchanged)."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(
            name=None if name_prefix is None else f"{name_prefix}avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(
            name=None if name_prefix is None else f"{name_prefix}max_pool")(x)
    return x


def classifier(x, classes, classifier_activation, weights, name="predictions"):
    validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name=name)(x)


def model_inputs(input_tensor, img_input):
    if input_tensor is not None:
        return get_source_inputs(input_tensor)
    return img_input


def fetch_weights(fname, origin, file_hash) -> str:
    """The path of a Keras weight file, downloaded once into ``~/.keras/models``."""
    cache_dir = file_utils.keras_home()
    try:
        return file_utils.get_file(fname, origin, cache_subdir="models",
                                   file_hash=file_hash, cache_dir=cache_dir)
    except file_utils.DownloadError as e:
        target = os.path.join(cache_dir, "models", fname)
        raise file_utils.DownloadError(
            f"Could not fetch the ImageNet weights from {origin} ({e.__cause__ or e}). To use "
            f"them without a network, download that file elsewhere and put it at {target} "
            "(or pass weights=None for random initialization, or weights='<path to a "
            "weights file>')."
        ) from e


def finish(inputs, outputs, name, weights, imagenet_file=None):
    """Make the model and load its weights.

    ``imagenet_file`` is ``(file name, url, hash)`` of the ImageNet weights for this
    configuration, or None when the family publishes none for it.
    """
    model = Model(inputs, outputs, name=name)
    if weights == "imagenet":
        if imagenet_file is None:
            raise ValueError(f"No ImageNet weights are published for this {name} configuration.")
        model.load_weights(fetch_weights(*imagenet_file))
    elif weights is not None:
        model.load_weights(weights)
    return model


def input_shape_for(input_shape, default_size, min_size, include_top, weights):
    return imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=min_size,
        data_format=config.image_data_format(), require_flatten=include_top, weights=weights)


def square_size(input_shape, input_tensor, sizes, default=224):
    """The image side the ImageNet weights are looked up by: the input's side when it is
    square and one of ``sizes``, else ``default``."""
    if input_shape is not None:
        dims = input_shape[1:3] if config.image_data_format() == "channels_first" else (
            input_shape[0:2])
    elif isinstance(input_tensor, SymbolicTensor):
        dims = tuple(input_tensor.shape[2:4] if config.image_data_format() == "channels_first"
                     else input_tensor.shape[1:3])
    else:
        return default
    rows, cols = dims
    return rows if rows == cols and rows in sizes else default


def spatial(input_shape):
    """(rows, cols) of a 3-d image shape in the current data format."""
    if config.image_data_format() == "channels_first":
        return input_shape[1], input_shape[2]
    return input_shape[0], input_shape[1]


def is_symbolic(x) -> bool:
    return isinstance(x, SymbolicTensor)
