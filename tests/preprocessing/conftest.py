"""Small image folders on disk for the directory-reading tests."""

import numpy as np
import pytest


def write_image_tree(root, counts, size=(12, 10), mode="RGB", seed=0, ext="png"):
    """``root/<class>/img_<i>.<ext>`` with ``counts[class]`` random images each; returns the
    arrays written, by relative path ('class/img_i.png')."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    written = {}
    channels = {"RGB": 3, "L": 1, "RGBA": 4}[mode]
    for name, count in counts.items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            shape = (size[0], size[1], channels) if channels > 1 else size
            arr = rng.integers(0, 256, shape, dtype=np.uint8)
            Image.fromarray(arr, mode).save(folder / f"img_{i}.{ext}")
            written[f"{name}/img_{i}.{ext}"] = arr
    return written


@pytest.fixture
def image_tree(tmp_path):
    """Three classes ('cat' 3 images, 'dog' 4, 'fox' 2) of 12x10 RGB PNGs, plus a stray
    text file that must be ignored."""
    root = tmp_path / "images"
    written = write_image_tree(root, {"cat": 3, "dog": 4, "fox": 2})
    (root / "dog" / "notes.txt").write_text("not an image")
    return root, written
