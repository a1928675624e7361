"""ImageNet helpers shared by the application families: ``preprocess_input`` in Keras' three
modes and ``decode_predictions`` (the 1000 ImageNet class names).

>>> import numpy as np
>>> x = np.full((1, 2, 2, 3), 255.0)
>>> float(preprocess_input(x, mode="tf")[0, 0, 0, 0])
1.0
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np

from lamina import config, ops
from lamina.utils import file_utils

CLASS_INDEX = None
CLASS_INDEX_PATH = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scale a batch of RGB images in [0, 255] the way a pretrained model expects.

    ``mode``: "caffe" (RGB to BGR, then subtract the ImageNet channel means), "tf" (scale to
    [-1, 1]) or "torch" (scale to [0, 1], then normalise with the ImageNet mean and std).
    A float NumPy array is changed in place (as in Keras; pass ``np.copy(x)`` to keep it);
    other arrays become float32. Tensors (also symbolic ones, inside a model) go through
    ``lamina.ops``.

    >>> import numpy as np
    >>> preprocess_input(np.array([[[0.0, 0.0, 255.0]]]), mode="caffe").round(2).tolist()
    [[[151.06, -116.78, -123.68]]]
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    if data_format is None:
        data_format = config.image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}")
    if isinstance(x, np.ndarray):
        return _preprocess_array(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _channel_view(x, data_format, c):
    if data_format == "channels_last":
        return (..., c)
    return (c,) if x.ndim == 3 else (slice(None), c)


def _preprocess_array(x, data_format, mode):
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        if data_format == "channels_last":
            x = x[..., ::-1]
        else:
            x = x[::-1] if x.ndim == 3 else x[:, ::-1]
        mean, std = _CAFFE_MEAN, None
    for c in range(3):
        where = _channel_view(x, data_format, c)
        x[where] -= mean[c]
        if std is not None:
            x[where] /= std[c]
    return x


def _preprocess_tensor(x, data_format, mode):
    x = ops.convert_to_tensor(x)
    if "float" not in str(x.dtype):
        x = ops.cast(x, config.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    axis = -1 if data_format == "channels_last" else (0 if ndim == 3 else 1)
    if mode == "torch":
        x = x / 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        x = ops.flip(x, axis=axis)
        mean, std = _CAFFE_MEAN, None
    shape = [1] * ndim
    shape[axis] = 3
    x = x - ops.reshape(ops.convert_to_tensor(np.array(mean), dtype=x.dtype), shape)
    if std is not None:
        x = x / ops.reshape(ops.convert_to_tensor(np.array(std), dtype=x.dtype), shape)
    return x


def _class_index():
    global CLASS_INDEX
    if CLASS_INDEX is None:
        cache_dir = file_utils.keras_home()
        try:
            path = file_utils.get_file("imagenet_class_index.json", CLASS_INDEX_PATH,
                                       cache_subdir="models", file_hash=CLASS_INDEX_HASH,
                                       cache_dir=cache_dir)
        except file_utils.DownloadError as e:
            target = os.path.join(cache_dir, "models", "imagenet_class_index.json")
            raise file_utils.DownloadError(
                f"decode_predictions needs the ImageNet class names from {CLASS_INDEX_PATH} "
                f"and could not fetch them ({e.__cause__ or e}). Without a network, put that "
                f"file at {target}."
            ) from e
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction: a list (one per sample) of
    ``(class_id, class_name, score)`` tuples, best first.

    >>> decode_predictions(model.predict(images))[0][0]    # doctest: +SKIP
    ('n02123045', 'tabby', 0.71)
    """
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
            f"(samples, 1000)). Received array with shape: {tuple(preds.shape)}")
    index = _class_index()
    preds = ops.convert_to_numpy(preds)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        result = [tuple(index[str(i)]) + (pred[i],) for i in best]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's input shape from the user's ``input_shape`` (or the default), checked as
    Keras checks it: 3 channels for ImageNet weights, at least ``min_size`` pixels, and the
    default size when a pretrained top is kept."""
    first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed an "
                f"input_shape with {channels} input channels.", stacklevel=3)
        default_shape = ((channels, default_size, default_size) if first
                         else (default_size, default_size, channels))
    else:
        default_shape = (3, default_size, default_size) if first else (
            default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}. Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[0] if first else input_shape[-1]
        spatial = input_shape[1:] if first else input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError(
                f"The input must have 3 channels; Received `input_shape={input_shape}`")
        if any(s is not None and s < min_size for s in spatial):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}; Received: "
                f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """The ZeroPadding2D padding that makes a strided 'valid' convolution match TF's 'same'."""
    first = config.image_data_format() == "channels_first"
    size = tuple(inputs.shape[2:4] if first else inputs.shape[1:3])
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))
