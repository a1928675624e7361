"""keras.utils.bounding_boxes against real Keras 3: the same numbers for the same boxes."""

import itertools

import numpy as np
import pytest

from lamina.utils import bounding_boxes as bb

FORMATS = bb.SUPPORTED_FORMATS


def _np(x):
    return np.asarray(x.detach().cpu() if hasattr(x, "detach") else x)


def _boxes(rng, n=5):
    xy = rng.uniform(0, 60, (n, 2))
    wh = rng.uniform(1, 40, (n, 2))
    return np.concatenate([xy, xy + wh], axis=-1).astype("float32")  # xyxy in a 100x120 image


@pytest.mark.parametrize("source,target", list(itertools.product(FORMATS, FORMATS)))
def test_convert_format_matches_keras(keras, rng, source, target):
    boxes = keras.utils.bounding_boxes.convert_format(_boxes(rng), "xyxy", source, height=100,
                                                      width=120)
    boxes = _np(boxes)
    ours = bb.convert_format(boxes, source, target, height=100, width=120)
    theirs = keras.utils.bounding_boxes.convert_format(boxes, source, target, height=100,
                                                       width=120)
    np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-5, atol=1e-5)


def test_convert_format_batched_dict_and_errors(keras, rng):
    boxes = np.stack([_boxes(rng), _boxes(rng)])
    data = {"boxes": boxes, "labels": np.arange(5)}
    out = bb.convert_format(dict(data), "xyxy", "center_yxhw")
    np.testing.assert_allclose(
        _np(out["boxes"]),
        _np(keras.utils.bounding_boxes.convert_format(dict(data), "xyxy", "center_yxhw")["boxes"]),
        rtol=1e-6)
    with pytest.raises(ValueError, match="height"):
        bb.convert_format(boxes, "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match="Supported formats"):
        bb.convert_format(boxes, "xyxy", "xxyy")
    with pytest.raises(ValueError, match="last dimension of 4"):
        bb.convert_format(np.ones((2, 3)), "xyxy", "yxyx")


def test_clip_crop_pad_match_keras(keras, rng):
    boxes = np.array([[-10, -20, 150, 160], [50, 40, 70, 80], [130, 10, 140, 20]], "float32")
    data = {"boxes": boxes, "labels": np.array([0, 1, 2])}
    ours = bb.clip_to_image_size(dict(data), height=100, width=120)
    theirs = keras.utils.bounding_boxes.clip_to_image_size(dict(data), height=100, width=120)
    np.testing.assert_allclose(_np(ours["boxes"]), _np(theirs["boxes"]))
    np.testing.assert_array_equal(_np(ours["labels"]), _np(theirs["labels"]))
    assert _np(ours["labels"]).tolist() == [0, 1, -1]  # the third box lies outside
    rel = {"boxes": boxes / 200.0, "labels": np.array([0, 1, 2])}
    np.testing.assert_allclose(
        _np(bb.clip_to_image_size(dict(rel), bounding_box_format="rel_xyxy")["boxes"]),
        _np(keras.utils.bounding_boxes.clip_to_image_size(
            dict(rel), bounding_box_format="rel_xyxy")["boxes"]))
    np.testing.assert_allclose(
        _np(bb.crop(boxes, 10, 20, 40, 30)),
        _np(keras.utils.bounding_boxes.crop(boxes, 10, 20, 40, 30)))
    np.testing.assert_allclose(_np(bb.pad(boxes, 5, 7)),
                               _np(keras.utils.bounding_boxes.pad(boxes, 5, 7)))
    with pytest.raises(NotImplementedError):
        bb.crop(boxes, 0, 0, 1, 1, bounding_box_format="yxyx")


@pytest.mark.parametrize("fmt", ["xyxy", "yxyx", "center_xywh", "rel_xyxy"])
def test_compute_iou_matches_keras(keras, rng, fmt):
    a = keras.utils.bounding_boxes.convert_format(_boxes(rng, 4), "xyxy", fmt, height=100,
                                                  width=120)
    b = keras.utils.bounding_boxes.convert_format(_boxes(rng, 3), "xyxy", fmt, height=100,
                                                  width=120)
    a, b = _np(a), _np(b)
    shape = (100, 120, 3)
    np.testing.assert_allclose(
        _np(bb.compute_iou(a, b, fmt, image_shape=shape)),
        _np(keras.utils.bounding_boxes.compute_iou(a, b, fmt, image_shape=shape)),
        rtol=1e-5, atol=1e-6)
    batched_a, batched_b = np.stack([a, a[::-1]]), np.stack([b, b])
    batched_b[0, 1] = -1.0  # a padding box
    kwargs = dict(use_masking=True, mask_val=-7, image_shape=shape)
    ours = _np(bb.compute_iou(batched_a, batched_b, fmt, **kwargs))
    np.testing.assert_allclose(
        ours, _np(keras.utils.bounding_boxes.compute_iou(batched_a, batched_b, fmt, **kwargs)),
        rtol=1e-5, atol=1e-6)
    assert ours.shape == (2, 4, 3) and (ours[0, :, 1] == -7).all()


@pytest.mark.parametrize("fmt", ["xyxy", "center_xywh"])
def test_compute_ciou_matches_keras(keras, rng, fmt):
    a, b = _boxes(rng, 6), _boxes(rng, 6)
    b[0] = a[0]  # identical boxes: CIoU 1
    a, b = (_np(keras.utils.bounding_boxes.convert_format(v, "xyxy", fmt)) for v in (a, b))
    ours = _np(bb.compute_ciou(a, b, fmt))
    np.testing.assert_allclose(ours, _np(keras.utils.bounding_boxes.compute_ciou(a, b, fmt)),
                               rtol=1e-5, atol=1e-6)
    assert abs(ours[0] - 1.0) < 1e-4


@pytest.mark.parametrize("encoding", ["center_yxhw", "center_xywh"])
def test_encode_and_decode_deltas_match_keras(keras, rng, encoding):
    anchors, boxes = _boxes(rng, 5), np.stack([_boxes(rng, 5), _boxes(rng, 5)])
    kwargs = dict(anchor_format="xyxy", box_format="xyxy", variance=[0.1, 0.1, 0.2, 0.2])
    ours = _np(bb.encode_box_to_deltas(anchors, boxes, encoding_format=encoding, **kwargs))
    theirs = _np(keras.utils.bounding_boxes.encode_box_to_deltas(
        anchors, boxes, encoding_format=encoding, **kwargs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    back = _np(bb.decode_deltas_to_boxes(anchors, ours, encoded_format=encoding, **kwargs))
    np.testing.assert_allclose(back, boxes, rtol=1e-4, atol=1e-3)  # decode inverts encode
    levels = bb.decode_deltas_to_boxes({"p3": anchors}, {"p3": ours}, encoded_format=encoding,
                                       **kwargs)
    np.testing.assert_allclose(_np(levels["p3"]), _np(keras.utils.bounding_boxes
                               .decode_deltas_to_boxes({"p3": anchors}, {"p3": keras.ops.convert_to_tensor(theirs)},
                                                       encoded_format=encoding, **kwargs)["p3"]),
                               rtol=1e-4, atol=1e-3)
    with pytest.raises(ValueError, match="length 4"):
        bb.encode_box_to_deltas(anchors, boxes, "xyxy", "xyxy", variance=[1, 1])


def test_affine_transform_matches_keras(keras, rng):
    boxes = np.stack([_boxes(rng, 4), _boxes(rng, 4)])
    params = {name: rng.uniform(lo, hi, 2).astype("float32") for name, lo, hi in (
        ("angle", -30, 30), ("translate_x", -0.2, 0.2), ("translate_y", -0.2, 0.2),
        ("scale", 0.8, 1.2), ("shear_x", -10, 10), ("shear_y", -10, 10))}
    theirs = keras.utils.bounding_boxes.affine_transform(
        boxes, **{k: keras.ops.convert_to_tensor(v) for k, v in params.items()},
        height=100, width=120)
    ours = bb.affine_transform(boxes, **params, height=100, width=120)
    np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-4, atol=1e-3)
    still = bb.affine_transform(boxes, angle=np.zeros(2, "float32"), translate_x=0.0,
                                translate_y=0.0, scale=1.0, shear_x=0.0, shear_y=0.0,
                                height=100, width=120)
    np.testing.assert_allclose(_np(still), boxes, atol=1e-4)  # the identity moves nothing
