"""load_img / img_to_array / array_to_img / save_img / smart_resize."""

import numpy as np
import pytest

from lamina.preprocessing.image import (
    array_to_img,
    img_to_array,
    load_img,
    save_img,
    smart_resize,
)


def test_save_and_load_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (7, 9, 3)).astype("float32")
    save_img(tmp_path / "a.png", x, scale=False)
    img = load_img(tmp_path / "a.png")
    assert img.size == (9, 7) and img.mode == "RGB"
    np.testing.assert_array_equal(img_to_array(img), x)
    assert img_to_array(img, data_format="channels_first").shape == (3, 7, 9)


def test_load_img_color_modes_and_resizing(tmp_path):
    x = np.random.default_rng(1).integers(0, 256, (8, 12, 3)).astype("float32")
    save_img(str(tmp_path / "b.png"), x, scale=False)
    gray = load_img(tmp_path / "b.png", color_mode="grayscale")
    assert img_to_array(gray).shape == (8, 12, 1)
    assert load_img(tmp_path / "b.png", color_mode="rgba").mode == "RGBA"
    assert load_img(tmp_path / "b.png", target_size=(4, 5)).size == (5, 4)
    kept = load_img(tmp_path / "b.png", target_size=(4, 4), keep_aspect_ratio=True,
                    interpolation="bilinear")
    assert kept.size == (4, 4)
    with pytest.raises(ValueError, match="interpolation"):
        load_img(tmp_path / "b.png", target_size=(4, 4), interpolation="cubic-ish")
    with pytest.raises(ValueError, match="color_mode"):
        load_img(tmp_path / "b.png", color_mode="cmyk")


def test_array_to_img_scales_to_0_255():
    x = np.linspace(-1, 1, 2 * 2 * 3).reshape(2, 2, 3)
    img = array_to_img(x)
    back = img_to_array(img)
    assert back.min() == 0 and back.max() == 255
    unscaled = array_to_img(np.full((2, 2, 1), 7.0), scale=False)
    assert unscaled.mode == "L" and img_to_array(unscaled).max() == 7
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(np.zeros((2, 2)))


def test_img_to_array_on_2d_and_bad_shapes():
    assert img_to_array(np.zeros((3, 4))).shape == (3, 4, 1)
    with pytest.raises(ValueError):
        img_to_array(np.zeros((1, 2, 3, 4)))


def test_smart_resize_crops_centre_then_resizes():
    x = np.zeros((10, 20, 1), dtype="float32")
    x[:, 5:15] = 1.0  # the centre square is all ones
    out = smart_resize(x, (4, 4))
    assert out.shape == (4, 4, 1)
    np.testing.assert_allclose(out, 1.0)
    assert smart_resize(np.zeros((2, 10, 20, 3)), (5, 6)).shape == (2, 5, 6, 3)


def test_utilities_are_served_from_keras_preprocessing_image():
    import lamina.preprocessing as pre

    for name in ("load_img", "img_to_array", "array_to_img", "save_img",
                 "ImageDataGenerator", "image_dataset_from_directory"):
        assert hasattr(pre.image, name), name
    assert callable(pre.image_dataset_from_directory)
