"""``keras.utils.bounding_boxes``: box formats, clipping, cropping, padding and IoU.

Formats (case-insensitive): ``xyxy`` [left, top, right, bottom], ``yxyx``, ``xywh`` [left,
top, width, height], ``center_xywh``, ``center_yxhw``, and the relative ``rel_xyxy``,
``rel_yxyx``, ``rel_xywh``, ``rel_center_xywh`` (fractions of the image's width and height).

>>> import numpy as np
>>> boxes = np.array([[10, 20, 30, 40]])
>>> convert_format(boxes, source="xyxy", target="xywh").tolist()
[[10.0, 20.0, 20.0, 20.0]]
"""

from __future__ import annotations

import math

from lamina import config, ops

SUPPORTED_FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy",
                     "rel_yxyx", "rel_xywh", "rel_center_xywh")


def _parts(boxes):
    return ops.split(boxes, 4, axis=-1)


def _join(*parts):
    return ops.concatenate(list(parts), axis=-1)


# Each format to and from xyxy (absolute pixels). Relative formats scale by width/height.
def _to_xyxy(boxes, fmt, height, width):
    a, b, c, d = _parts(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return _join(b, a, d, c)
    if fmt == "xywh":
        return _join(a, b, a + c, b + d)
    if fmt == "center_xywh":
        return _join(a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0)
    if fmt == "center_yxhw":
        return _join(b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0)
    if fmt == "rel_xyxy":
        return _join(a * width, b * height, c * width, d * height)
    if fmt == "rel_yxyx":
        return _join(b * width, a * height, d * width, c * height)
    if fmt == "rel_xywh":
        return _join(a * width, b * height, (a + c) * width, (b + d) * height)
    # rel_center_xywh
    return _join((a - c / 2.0) * width, (b - d / 2.0) * height, (a + c / 2.0) * width,
                 (b + d / 2.0) * height)


def _from_xyxy(boxes, fmt, height, width):
    x1, y1, x2, y2 = _parts(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return _join(y1, x1, y2, x2)
    if fmt == "xywh":
        return _join(x1, y1, x2 - x1, y2 - y1)
    if fmt == "center_xywh":
        return _join(x1 + (x2 - x1) / 2.0, y1 + (y2 - y1) / 2.0, x2 - x1, y2 - y1)
    if fmt == "center_yxhw":
        return _join(y1 + (y2 - y1) / 2.0, x1 + (x2 - x1) / 2.0, y2 - y1, x2 - x1)
    if fmt == "rel_xyxy":
        return _join(x1 / width, y1 / height, x2 / width, y2 / height)
    if fmt == "rel_yxyx":
        return _join(y1 / height, x1 / width, y2 / height, x2 / width)
    if fmt == "rel_xywh":
        return _join(x1 / width, y1 / height, (x2 - x1) / width, (y2 - y1) / height)
    return _join((x1 + (x2 - x1) / 2.0) / width, (y1 + (y2 - y1) / 2.0) / height,
                 (x2 - x1) / width, (y2 - y1) / height)


def convert_format(boxes, source: str, target: str, height=None, width=None,
                   dtype: str = "float32"):
    """Boxes (``(..., 4)``, or a dict whose ``"boxes"`` entry is converted in place) from
    format ``source`` to ``target``; ``height``/``width`` are needed for relative formats."""
    if isinstance(boxes, dict):
        boxes["boxes"] = convert_format(boxes["boxes"], source, target, height, width, dtype)
        return boxes
    shape = ops.shape(boxes)
    if not shape or shape[-1] != 4:
        raise ValueError(
            f"`boxes` must be a tensor with the last dimension of 4. Received: "
            f"boxes.shape={shape}"
        )
    source, target = str(source).lower(), str(target).lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ValueError(
            f"Invalid source or target format (source={source!r}, target={target!r}). "
            f"Supported formats: {SUPPORTED_FORMATS}"
        )
    if (source.startswith("rel_") or target.startswith("rel_")) and \
            (width is None or height is None):
        raise ValueError(
            "convert_format() must receive `height` and `width` when converting between "
            f"relative and absolute formats; got source={source!r}, target={target!r}, "
            f"height={height}, width={width}."
        )
    boxes = ops.cast(boxes, dtype)
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):
        # between two relative formats the image size cancels out
        source, target = source[4:], target[4:]
    width = None if width is None else ops.cast(width, dtype)
    height = None if height is None else ops.cast(height, dtype)
    return _from_xyxy(_to_xyxy(boxes, source, height, width), target, height, width)


def _area_xyxy(boxes):
    x1, y1, x2, y2 = _parts(boxes)
    return ops.squeeze((x2 - x1) * (y2 - y1), axis=-1)


def clip_to_image_size(bounding_boxes: dict, height=None, width=None,
                       bounding_box_format: str = "xyxy") -> dict:
    """Clip ``bounding_boxes["boxes"]`` into the image; a box left with no area gets label -1.

    >>> import numpy as np
    >>> out = clip_to_image_size({"boxes": np.array([[-10., -20., 150., 160.]]),
    ...                           "labels": np.array([3])}, height=100, width=120)
    >>> out["boxes"].tolist(), out["labels"].tolist()
    ([[0.0, 0.0, 120.0, 100.0]], [3])
    """
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(
            f"clip_to_image_size: only 'xyxy' and 'rel_xyxy' boxes are supported (as in "
            f"Keras); got bounding_box_format={bounding_box_format!r}"
        )
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError("`height` and `width` must be set if `format='xyxy'`.")
    boxes = ops.convert_to_tensor(bounding_boxes["boxes"])
    labels = bounding_boxes.get("labels")
    x1, y1, x2, y2 = _parts(boxes)
    if bounding_box_format == "xyxy":
        w, h = ops.cast(width, boxes.dtype), ops.cast(height, boxes.dtype)
        boxes = _join(ops.clip(x1, 0, w), ops.clip(y1, 0, h), ops.clip(x2, 0, w),
                      ops.clip(y2, 0, h))
    else:
        boxes = _join(*(ops.clip(v, 0.0, 1.0) for v in (x1, y1, x2, y2)))
    result = dict(bounding_boxes)
    result["boxes"] = boxes
    if labels is not None:
        result["labels"] = ops.where(_area_xyxy(boxes) > 0, labels, -1)
    return result


def crop(boxes, top, left, height, width, bounding_box_format: str = "xyxy"):
    """Boxes in the frame of the crop ``[top:top+height, left:left+width]``, clipped to it."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"crop: only 'xyxy' boxes are supported (as in Keras); got "
                                  f"bounding_box_format={bounding_box_format!r}")
    x1, y1, x2, y2 = _parts(ops.convert_to_tensor(boxes))
    return _join(ops.clip(x1 - left, 0, width), ops.clip(y1 - top, 0, height),
                 ops.clip(x2 - left, 0, width), ops.clip(y2 - top, 0, height))


def pad(boxes, top, left, height=None, width=None, bounding_box_format: str = "xyxy"):
    """Boxes moved by the padding added above (``top``) and to the left (``left``)."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"pad: only 'xyxy' boxes are supported (as in Keras); got "
                                  f"bounding_box_format={bounding_box_format!r}")
    x1, y1, x2, y2 = _parts(ops.convert_to_tensor(boxes))
    return _join(x1 + left, y1 + top, x2 + left, y2 + top)


def compute_iou(boxes1, boxes2, bounding_box_format: str, use_masking: bool = False,
                mask_val: int = -1, image_shape=None):
    """The pairwise intersection over union of ``boxes1`` (``(N, 4)`` or ``(batch, N, 4)``)
    and ``boxes2`` (``(M, 4)`` or ``(batch, M, 4)``): ``(N, M)`` or ``(batch, N, M)``.

    With ``use_masking``, pairs where either box is all negative (padding) get ``mask_val``.
    Relative formats need ``image_shape`` ``(height, width, channels)``.
    """
    rank1, rank2 = len(ops.shape(boxes1)), len(ops.shape(boxes2))
    for name, rank in (("boxes1", rank1), ("boxes2", rank2)):
        if rank not in (2, 3):
            raise ValueError(
                f"compute_iou() expects {name} to be batched (rank 3) or unbatched (rank 2). "
                f"Received len(boxes1.shape)={rank1}, len(boxes2.shape)={rank2}."
            )
    if "rel" in bounding_box_format and image_shape is None:
        raise ValueError(
            "When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` "
            f"argument must be provided. Received `image_shape`: {image_shape}"
        )
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    b1 = convert_format(boxes1, bounding_box_format, "xyxy", height, width)
    b2 = convert_format(boxes2, bounding_box_format, "xyxy", height, width)
    perm = [1, 0] if rank2 == 2 else [0, 2, 1]
    ax1, ay1, ax2, ay2 = _parts(b1)
    bx1, by1, bx2, by2 = (ops.transpose(v, perm) for v in _parts(b2))
    inter_w = ops.maximum(0.0, ops.minimum(ax2, bx2) - ops.maximum(ax1, bx1))
    inter_h = ops.maximum(0.0, ops.minimum(ay2, by2) - ops.maximum(ay1, by1))
    intersection = inter_w * inter_h
    area1 = ops.expand_dims(_area_xyxy(b1), axis=-1)
    area2 = ops.expand_dims(_area_xyxy(b2), axis=1 if rank2 == 3 else 0)
    iou = intersection / (area1 + area2 - intersection + config.epsilon())
    if not use_masking:
        return iou
    background = ops.logical_or(
        ops.less(ops.max(b1, axis=-1, keepdims=True), 0.0),
        ops.transpose(ops.less(ops.max(b2, axis=-1, keepdims=True), 0.0), perm),
    )
    return ops.where(background, ops.cast(mask_val, iou.dtype) * ops.ones_like(iou), iou)


def _inverse_affine_matrix(center_x, center_y, angle, translate_x, translate_y, scale, shear_x,
                           shear_y, height, width):
    """(batch, 3, 3) matrices mapping output pixels back to input pixels (as TF's geometry
    helper and Keras compute them); angles and shears in degrees, translations as fractions."""
    batch = ops.shape(angle)[0]
    angle, shear_x, shear_y = -angle, -shear_x, -shear_y
    cx, cy = center_x * (width - 1), center_y * (height - 1)
    rot = angle * (math.pi / 180.0)
    tx, ty = -translate_x * (width - 1), -translate_y * (height - 1)
    sx, sy = shear_x * (math.pi / 180.0), shear_y * (math.pi / 180.0)
    cos_sy, tan_sx = ops.cos(sy), ops.tan(sx)
    a = ops.cos(rot - sy) / cos_sy
    b = a * tan_sx + ops.sin(rot)
    c = -ops.sin(rot - sy) / cos_sy
    d = ops.cos(rot) - c * tan_sx
    a0, a1, b0, b1 = d * scale, -b * scale, -c * scale, a * scale
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    zeros, ones = ops.zeros([batch], angle.dtype), ops.ones([batch], angle.dtype)
    matrix = ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros, ones], axis=-1)
    return ops.reshape(matrix, [batch, 3, 3])


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height,
                     width, center_x=None, center_y=None, bounding_box_format: str = "xyxy"):
    """Batched ``xyxy`` boxes ``(batch, N, 4)`` moved by a rotation/translation/zoom/shear
    (one per image, each a ``(batch,)`` tensor; degrees for angles, fractions of the image
    for translations): the box around each box's four moved corners."""
    if bounding_box_format != "xyxy":
        raise NotImplementedError(
            f"affine_transform: only 'xyxy' boxes are supported (as in Keras); got "
            f"bounding_box_format={bounding_box_format!r}"
        )
    angle = ops.convert_to_tensor(angle)
    translate_x, translate_y, scale, shear_x, shear_y = (
        ops.cast(v, angle.dtype) for v in (translate_x, translate_y, scale, shear_x, shear_y))
    matrix = _inverse_affine_matrix(0.5 if center_x is None else center_x,
                                    0.5 if center_y is None else center_y, angle, translate_x,
                                    translate_y, scale, shear_x, shear_y, height, width)
    batch, n = ops.shape(boxes)[0], ops.shape(boxes)[1]
    boxes = ops.cast(boxes, matrix.dtype)
    x1, y1, x2, y2 = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]
    corners = ops.reshape(ops.stack([x1, y1, x2, y1, x2, y2, x1, y2], axis=-1),
                          [batch, n, 4, 2])
    corners = ops.concatenate([corners, ops.ones([batch, n, 4, 1], corners.dtype)], axis=-1)
    moved = ops.einsum("bnxy,byz->bnxz", corners, ops.transpose(matrix[:, :2, :], [0, 2, 1]))
    return ops.concatenate([ops.min(moved, axis=2), ops.max(moved, axis=2)], axis=-1)


def compute_ciou(boxes1, boxes2, bounding_box_format: str, image_shape=None):
    """Complete IoU of matching boxes (element by element, not pairwise): IoU minus the
    squared centre distance over the enclosing box's squared diagonal, minus an aspect-ratio
    term; 1 for identical boxes, below -1 at worst.

    Relative formats need ``image_shape`` ``(height, width, channels)``.
    """
    if "rel" in bounding_box_format and image_shape is None:
        raise ValueError(
            "When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` "
            f"argument must be provided. Received `image_shape`: {image_shape}"
        )
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    eps = config.epsilon()
    ax1, ay1, ax2, ay2 = _parts(convert_format(boxes1, bounding_box_format, "xyxy", height,
                                               width))
    bx1, by1, bx2, by2 = _parts(convert_format(boxes2, bounding_box_format, "xyxy", height,
                                               width))
    w1, h1 = ax2 - ax1, ay2 - ay1 + eps
    w2, h2 = bx2 - bx1, by2 - by1 + eps
    intersection = ops.maximum(ops.minimum(ax2, bx2) - ops.maximum(ax1, bx1), 0) * \
        ops.maximum(ops.minimum(ay2, by2) - ops.maximum(ay1, by1), 0)
    union = w1 * h1 + w2 * h2 - intersection + eps
    iou = ops.squeeze(intersection / (union + eps), axis=-1)
    diagonal = ops.squeeze((ops.maximum(ax2, bx2) - ops.minimum(ax1, bx1)) ** 2
                           + (ops.maximum(ay2, by2) - ops.minimum(ay1, by1)) ** 2 + eps, axis=-1)
    centres = ops.squeeze(((ax1 + ax2) / 2 - (bx1 + bx2) / 2) ** 2
                          + ((ay1 + ay2) / 2 - (by1 + by2) / 2) ** 2, axis=-1)
    v = ops.squeeze((4 / math.pi ** 2) * (ops.arctan(w2 / h2) - ops.arctan(w1 / h1)) ** 2,
                    axis=-1)
    alpha = v / (v - iou + (1 + eps))
    return iou - (centres / diagonal + v * alpha)


def _variance(variance):
    if variance is None:
        return None
    variance = ops.convert_to_tensor(variance, "float32")
    if variance.shape[-1] != 4:
        raise ValueError(f"`variance` must be length 4, got {variance}")
    return variance


def encode_box_to_deltas(anchors, boxes, anchor_format: str, box_format: str,
                         encoding_format: str = "center_yxhw", variance=None, image_shape=None):
    """Boxes as offsets from their anchors (the regression targets of detectors): centre
    shift over the anchor's size, and log of the size ratio; divided by ``variance``."""
    variance = _variance(variance)
    if encoding_format not in ("center_xywh", "center_yxhw"):
        raise ValueError(
            "`encoding_format` should be one of 'center_xywh' or 'center_yxhw', got "
            f"{encoding_format}"
        )
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    anchor_size = ops.maximum(anchors[..., 2:], config.epsilon())
    box_size = ops.maximum(boxes[..., 2:], config.epsilon())
    deltas = ops.concatenate([(boxes[..., :2] - anchors[..., :2]) / anchor_size,
                              ops.log(box_size / anchor_size)], axis=-1)
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format: str, box_format: str,
                           encoded_format: str = "center_yxhw", variance=None,
                           image_shape=None):
    """The inverse of :func:`encode_box_to_deltas`: boxes in ``box_format`` from anchors and
    deltas (dicts of levels ``{level: anchors}`` / ``{level: deltas}`` decode level by level)."""
    variance = _variance(variance)
    if encoded_format not in ("center_xywh", "center_yxhw"):
        raise ValueError(
            f"`encoded_format` should be 'center_xywh' or 'center_yxhw', but got "
            f"'{encoded_format}'."
        )
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]

    def decode(anchor, delta):
        anchor = convert_format(anchor, anchor_format, encoded_format, height, width)
        delta = ops.convert_to_tensor(delta)
        if variance is not None:
            delta = delta * variance
        box = ops.concatenate([delta[..., :2] * anchor[..., 2:] + anchor[..., :2],
                               ops.exp(delta[..., 2:]) * anchor[..., 2:]], axis=-1)
        return convert_format(box, encoded_format, box_format, height, width)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)


__all__ = ["affine_transform", "clip_to_image_size", "compute_ciou", "compute_iou", "convert_format", "crop",
           "decode_deltas_to_boxes", "encode_box_to_deltas", "pad"]
