"""Bounding-box formats and the box arithmetic the geometric image layers share.

Boxes are ``(..., 4)`` arrays in one of Keras' formats: ``xyxy``, ``yxyx``, ``xywh``,
``center_xywh``, ``center_yxhw`` (pixels) or ``rel_xyxy``, ``rel_yxyx``, ``rel_xywh``,
``rel_center_xywh`` (fractions of the image). Layers work in ``xyxy`` and convert at the ends.
"""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops

FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx",
           "rel_xywh", "rel_center_xywh")


def check_format(layer, bounding_box_format):
    if bounding_box_format not in FORMATS:
        raise ValueError(f"{layer}: `bounding_box_format` must be one of {list(FORMATS)}; "
                         f"received bounding_box_format={bounding_box_format!r}")
    return bounding_box_format


def to_xyxy(boxes, source, height, width):
    """``boxes`` in ``source`` format as absolute ``(x1, y1, x2, y2)``."""
    boxes = backend.cast(backend.convert_to_tensor(boxes), "float32")
    a, b, c, d = ops.unstack(boxes, axis=-1)
    relative = source.startswith("rel_")
    kind = source[4:] if relative else source
    if kind == "xyxy":
        x1, y1, x2, y2 = a, b, c, d
    elif kind == "yxyx":
        y1, x1, y2, x2 = a, b, c, d
    elif kind == "xywh":
        x1, y1, x2, y2 = a, b, a + c, b + d
    elif kind == "center_xywh":
        x1, y1, x2, y2 = a - c / 2, b - d / 2, a + c / 2, b + d / 2
    else:  # center_yxhw
        x1, y1, x2, y2 = b - d / 2, a - c / 2, b + d / 2, a + c / 2
    if relative:
        x1, x2, y1, y2 = x1 * width, x2 * width, y1 * height, y2 * height
    return ops.stack([x1, y1, x2, y2], axis=-1)


def from_xyxy(boxes, target, height, width):
    """Absolute ``xyxy`` boxes in the ``target`` format."""
    x1, y1, x2, y2 = ops.unstack(boxes, axis=-1)
    if target.startswith("rel_"):
        x1, x2, y1, y2 = x1 / width, x2 / width, y1 / height, y2 / height
        target = target[4:]
    if target == "xyxy":
        parts = [x1, y1, x2, y2]
    elif target == "yxyx":
        parts = [y1, x1, y2, x2]
    elif target == "xywh":
        parts = [x1, y1, x2 - x1, y2 - y1]
    elif target == "center_xywh":
        parts = [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1]
    else:  # center_yxhw
        parts = [(y1 + y2) / 2, (x1 + x2) / 2, y2 - y1, x2 - x1]
    return ops.stack(parts, axis=-1)


def clip_to_image(bounding_boxes, height, width):
    """``xyxy`` boxes clipped to the image; boxes left with no area get label -1 (Keras)."""
    out = dict(bounding_boxes)
    x1, y1, x2, y2 = ops.unstack(bounding_boxes["boxes"], axis=-1)
    x1, x2 = ops.clip(x1, 0, width), ops.clip(x2, 0, width)
    y1, y2 = ops.clip(y1, 0, height), ops.clip(y2, 0, height)
    out["boxes"] = ops.stack([x1, y1, x2, y2], axis=-1)
    if "labels" in bounding_boxes:
        labels = backend.convert_to_tensor(bounding_boxes["labels"])
        out["labels"] = ops.where((x2 - x1) * (y2 - y1) > 0, labels, -1)
    return out


def warp_boxes(boxes, matrices):
    """``xyxy`` boxes ``(N, B, 4)`` moved by the images' warps: ``matrices`` are the
    ``(N, 8)`` output -> input maps of ``affine_transform``, inverted here; each box becomes
    the smallest upright box around its four moved corners."""
    m = backend.convert_to_tensor(matrices, "float32")
    n = m.shape[0]
    full = ops.reshape(ops.concatenate([m, ops.ones((n, 1))], axis=1), (n, 3, 3))
    inverse = _inv3(full)
    x1, y1, x2, y2 = ops.unstack(boxes, axis=-1)
    xs = ops.stack([x1, x2, x2, x1], axis=-1)  # (N, B, 4) corners
    ys = ops.stack([y1, y1, y2, y2], axis=-1)
    coef = [ops.reshape(inverse[:, i, j], (n, 1, 1)) for i in range(3) for j in range(3)]
    w = coef[6] * xs + coef[7] * ys + coef[8]
    new_x = (coef[0] * xs + coef[1] * ys + coef[2]) / w
    new_y = (coef[3] * xs + coef[4] * ys + coef[5]) / w
    return ops.stack([ops.amin(new_x, axis=-1), ops.amin(new_y, axis=-1),
                      ops.amax(new_x, axis=-1), ops.amax(new_y, axis=-1)], axis=-1)


def _inv3(m):
    """Inverses of ``(N, 3, 3)`` matrices by cofactors (no linalg op needed)."""
    a, b, c = m[:, 0, 0], m[:, 0, 1], m[:, 0, 2]
    d, e, f = m[:, 1, 0], m[:, 1, 1], m[:, 1, 2]
    g, h, i = m[:, 2, 0], m[:, 2, 1], m[:, 2, 2]
    co = [e * i - f * h, c * h - b * i, b * f - c * e,
          f * g - d * i, a * i - c * g, c * d - a * f,
          d * h - e * g, b * g - a * h, a * e - b * d]
    det = a * co[0] + b * co[3] + c * co[6]
    return ops.reshape(ops.stack([v / det for v in co], axis=1), (-1, 3, 3))
