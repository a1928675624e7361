"""Bounding boxes and masks move with the pixels: a filled rectangle is drawn, the layer is
applied to the dict input, and the returned box must frame the rectangle's new pixels."""

import numpy as np
import pytest

from lamina import layers
from lamina.backend import core as backend


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def _scene(height=16, width=20):
    images = np.zeros((2, height, width, 1), "float32")
    images[0, 3:9, 4:12] = 1.0
    images[1, 7:14, 10:18] = 1.0
    boxes = np.array([[[4, 3, 12, 9]], [[10, 7, 18, 14]]], "float32")  # xyxy, pixel edges
    return images, {"boxes": boxes, "labels": np.array([[1], [2]], "int32")}


def _frame(mask):
    rows, cols = np.nonzero(mask > 0.5)
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], "float32")


LAYERS = [
    lambda: layers.RandomFlip(seed=3),
    lambda: layers.RandomTranslation(0.2, 0.2, fill_mode="constant", interpolation="nearest",
                                     seed=1),
    lambda: layers.RandomZoom((-0.3, 0.3), fill_mode="constant", interpolation="nearest", seed=2),
    lambda: layers.Resizing(8, 10, interpolation="nearest"),
    lambda: layers.Resizing(12, 12, pad_to_aspect_ratio=True, interpolation="nearest"),
    lambda: layers.Resizing(10, 10, crop_to_aspect_ratio=True, interpolation="nearest"),
    lambda: layers.CenterCrop(12, 14),
    lambda: layers.RandomCrop(12, 15, seed=4),
    lambda: layers.RandomShear(0.3, 0.2, fill_mode="constant", interpolation="nearest", seed=6),
    lambda: layers.RandomPerspective(scale=0.3, interpolation="nearest", seed=7),
]


@pytest.mark.parametrize("make", LAYERS)
def test_boxes_frame_the_moved_pixels(make):
    images, boxes = _scene()
    layer = make()
    layer.bounding_box_format = "xyxy"
    for _ in range(3):
        out = layer({"images": images, "bounding_boxes": dict(boxes),
                     "segmentation_masks": images})
        got = _np(out["bounding_boxes"]["boxes"])
        imgs = _np(out["images"])
        for i in range(2):
            if (imgs[i] > 0.5).any():
                # within one output pixel (plus the resampling's rounding)
                np.testing.assert_allclose(got[i, 0], _frame(imgs[i, ..., 0]), atol=1.5)
        np.testing.assert_array_equal(_np(out["segmentation_masks"]) > 0.5, imgs > 0.5)


def test_rotated_box_contains_the_rotated_rectangle_and_formats_round_trip():
    images, boxes = _scene()
    layer = layers.RandomRotation(0.25, fill_mode="constant", interpolation="nearest",
                                  bounding_box_format="xyxy", seed=5)
    out = layer({"images": images, "bounding_boxes": boxes})
    got, imgs = _np(out["bounding_boxes"]["boxes"]), _np(out["images"])
    for i in range(2):
        frame = _frame(imgs[i, ..., 0])
        assert (got[i, 0, :2] <= frame[:2] + 1).all() and (got[i, 0, 2:] >= frame[2:] - 1).all()
    rel = layers.RandomFlip("vertical", bounding_box_format="rel_center_xywh")
    t = {"flips": np.array([True, False]).reshape(2, 1, 1, 1), "input_shape": (2, 16, 20, 1)}
    centre = np.array([[[0.4, 0.3, 0.4, 0.375]], [[0.7, 0.65, 0.4, 0.4375]]], "float32")
    moved = _np(rel.transform_bounding_boxes({"boxes": centre, "labels": boxes["labels"]}, t)
                ["boxes"])
    np.testing.assert_allclose(moved[0, 0], [0.4, 0.7, 0.4, 0.375], atol=1e-6)
    np.testing.assert_allclose(moved[1, 0], centre[1, 0], atol=1e-6)


def test_boxes_pushed_out_lose_their_label_and_bad_formats_are_refused():
    images, boxes = _scene()
    layer = layers.RandomTranslation(0.0, 0.0, bounding_box_format="xyxy")
    t = {"translations": np.array([[20.0, 0.0], [0.0, 0.0]], "float32"),
         "input_shape": images.shape}
    out = layer.transform_bounding_boxes(dict(boxes), t)
    assert _np(out["labels"]).tolist() == [[-1], [2]]
    with pytest.raises(ValueError, match="bounding_box_format"):
        layers.RandomFlip(bounding_box_format="xyxz")
    elastic = layers.RandomElasticTransform(bounding_box_format="xyxy")
    with pytest.raises(NotImplementedError, match="RandomElasticTransform.*bounding boxes"):
        elastic({"images": images, "bounding_boxes": boxes})
