"""Properties of the random image layers: ranges of the draws, seeds, identity at inference,
shapes, dtypes and bad arguments. (Their maths is checked against Keras in
tests/conformance/test_preprocessing_layers_image.py.)"""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.backend import core as backend


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def _images(shape=(4, 8, 10, 3), seed=0, scale=255.0):
    return (np.random.default_rng(seed).uniform(0, 1, shape) * scale).astype("float32")


RANDOM_LAYERS = [
    lambda **k: layers.RandomFlip(**k),
    lambda **k: layers.RandomRotation(0.2, **k),
    lambda **k: layers.RandomZoom(0.3, **k),
    lambda **k: layers.RandomTranslation(0.2, 0.3, **k),
    lambda **k: layers.RandomContrast(0.5, **k),
    lambda **k: layers.RandomBrightness(0.3, **k),
    lambda **k: layers.RandomGrayscale(0.5, **k),
    lambda **k: layers.RandomHue(0.5, **k),
    lambda **k: layers.RandomSaturation((0.2, 0.8), **k),
    lambda **k: layers.RandomSharpness(0.9, **k),
    lambda **k: layers.RandomInvert(0.5, **k),
    lambda **k: layers.RandomPosterization(5, **k),
    lambda **k: layers.RandomColorDegeneration(0.7, **k),
    lambda **k: layers.Solarization(0.2, 0.6, **k),
    lambda **k: layers.RandomShear(0.3, 0.2, **k),
    lambda **k: layers.RandomPerspective(scale=0.4, **k),
    lambda **k: layers.RandomElasticTransform(scale=0.5, **k),
    lambda **k: layers.RandomErasing((1, 1), **k),
    lambda **k: layers.RandomGaussianBlur((1, 1), kernel_size=5, sigma=(0.5, 1.0), **k),
    lambda **k: layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=(0.3, 0.5),
                                         saturation_factor=(0.3, 0.7), hue_factor=0.2, **k),
    lambda **k: layers.MixUp(**k),
    lambda **k: layers.CutMix(**k),
    lambda **k: layers.RandAugment(num_ops=3, factor=0.6, **k),
    lambda **k: layers.AugMix(**k),
    lambda **k: layers.RandomCrop(5, 6, **k),
]


@pytest.mark.parametrize("make", RANDOM_LAYERS)
def test_seed_repeats_and_draws_differ(make):
    x = _images()
    a, b = make(seed=7), make(seed=7)
    first = _np(a(x))
    np.testing.assert_array_equal(first, _np(b(x)))
    # later calls draw again
    assert any(not np.array_equal(_np(a(x)), first) for _ in range(3))


@pytest.mark.parametrize("make", RANDOM_LAYERS[:-1] + [lambda **k: layers.Equalization()])
def test_identity_at_inference_and_in_predict(make):
    x = _images()
    layer = make(seed=1)
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    model = lamina.Sequential([lamina.Input((8, 10, 3)), layer])
    np.testing.assert_allclose(model.predict(x, verbose=0), x)
    assert any(not np.allclose(_np(model(x, training=True)), x) for _ in range(5))


@pytest.mark.parametrize("make", RANDOM_LAYERS)
def test_unbatched_and_channels_first(make):
    x = _images()
    out = make(seed=3)(x[0])
    assert tuple(out.shape) == tuple(make()(x).shape[1:])
    xc = np.moveaxis(x, -1, 1)
    out_c = make(seed=3, data_format="channels_first")(xc)
    assert out_c.shape[1] == 3 and backend.dtype_of(out_c) == "float32"


def test_flip_changes_only_by_mirroring():
    x = _images((64, 3, 4, 1))
    out = _np(layers.RandomFlip("horizontal", seed=0)(x))
    flipped = [np.array_equal(o, i[:, ::-1]) for o, i in zip(out, x)]
    kept = [np.array_equal(o, i) for o, i in zip(out, x)]
    assert all(f or k for f, k in zip(flipped, kept))
    assert 16 < sum(flipped) < 48  # a fair coin per image
    both = _np(layers.RandomFlip("horizontal_and_vertical", seed=0)(x))
    assert all(np.array_equal(o, i[::-1, ::-1]) or np.array_equal(o, i)
               for o, i in zip(both, x))


def test_rotation_angles_within_factor():
    layer = layers.RandomRotation((-0.1, 0.05), seed=2)
    t = layer.get_random_transformation(_images((500, 4, 4, 1)))
    angle = _np(t["angle"])
    assert angle.min() >= -36.0 and angle.max() <= 18.0
    assert angle.min() < -30 and angle.max() > 12  # the whole range is used
    # 180 degrees turns a row upside down
    x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    out = layers.RandomRotation(0.5).transform_images(x, {"angle": np.array([180.0], "float32")})
    np.testing.assert_allclose(_np(out)[0, :, :, 0], x[0, ::-1, ::-1, 0], atol=1e-4)


def test_zoom_and_translation_draws_within_factors():
    zoom = layers.RandomZoom((-0.2, 0.4), width_factor=0.1, seed=1)
    t = zoom.get_random_transformation(_images((400, 4, 4, 1)))
    hz, wz = _np(t["height_zoom"]), _np(t["width_zoom"])
    assert hz.min() >= 0.8 and hz.max() <= 1.4 and wz.min() >= 0.9 and wz.max() <= 1.1
    shift = layers.RandomTranslation(0.25, (-0.5, 0.0), seed=1)
    t = shift.get_random_transformation(_images((400, 8, 10, 1)))
    moves = _np(t["translations"])
    assert moves[:, 0].min() >= -5.0 and moves[:, 0].max() <= 0.0
    assert moves[:, 1].min() >= -2.0 and moves[:, 1].max() <= 2.0


def test_contrast_and_brightness_ranges():
    x = _images((200, 4, 4, 3))
    out = _np(layers.RandomContrast(0.9, seed=0)(x))
    assert out.min() >= 0.0 and out.max() <= 255.0
    factor = _np(layers.RandomContrast(0.4, seed=0).get_random_transformation(x)
                 ["contrast_factor"])
    assert factor.min() >= 1.0 and factor.max() <= 1.4  # Keras: a number f means [1, 1 + f]
    unit = x / 255.0
    bright = layers.RandomBrightness(0.2, value_range=(0, 1), seed=0)
    delta = _np(bright.get_random_transformation(unit)["rgb_delta"])
    assert -0.2 <= delta.min() < -0.1 and 0.1 < delta.max() <= 0.2
    out = _np(bright(unit))
    assert out.min() >= 0.0 and out.max() <= 1.0
    # one delta per image: the difference is constant where nothing was clipped
    diff = (out - unit)[0][(out[0] > 0) & (out[0] < 1)]
    np.testing.assert_allclose(diff, diff[0], atol=1e-6)


def test_colour_layers_stay_in_value_range():
    x = _images((16, 6, 6, 3), scale=1.0)
    for layer in [layers.RandomHue(0.9, value_range=(0, 1), seed=1),
                  layers.RandomSharpness(1.0, value_range=(0, 1), seed=1),
                  layers.RandomColorDegeneration(1.0, value_range=(0, 1), seed=1),
                  layers.RandomPosterization(8, value_range=(0, 1), seed=1),
                  layers.Solarization(0.5, 0.5, value_range=(0, 1), seed=1),
                  layers.AutoContrast(value_range=(0, 1)), layers.Equalization((0, 1))]:
        out = _np(layer(x))
        assert out.shape == x.shape and out.min() >= -1e-6 and out.max() <= 1 + 1e-6, layer.name
    grey = _np(layers.RandomGrayscale(1.0)(x))
    np.testing.assert_allclose(grey[..., 0], grey[..., 2])
    bits = _np(layers.RandomPosterization((2, 5), seed=0).get_random_transformation(
        _images((300, 2, 2, 3)))["shift_factor"])
    assert set(bits.tolist()) == {4, 5, 6}  # 8 - bits, bits in [2, 5)


def test_mixup_and_cutmix_mix_labels_by_their_weights():
    x = np.stack([np.full((6, 6, 1), float(i)) for i in range(8)]).astype("float32")
    labels = np.eye(8, dtype="float32")
    mix = layers.MixUp(alpha=0.5, seed=0)
    t = mix.get_random_transformation(x)
    w, order = _np(t["mix_weight"]), _np(t["permutation_order"])
    assert sorted(order.tolist()) == list(range(8)) and w.min() >= 0 and w.max() <= 1
    out = mix({"images": x, "labels": labels})
    # an image of constant value i becomes w * i + (1 - w) * order[i] with the same draw as
    # its label, so the label's weight on class i says what the image holds
    got = _np(out["images"])[:, 0, 0, 0]
    lab = _np(out["labels"])
    np.testing.assert_allclose(got, lab @ np.arange(8, dtype="float32"), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(lab.sum(axis=1), 1.0, rtol=1e-6)
    cut = layers.CutMix(seed=2)({"images": x, "labels": labels})
    imgs, lab = _np(cut["images"]), _np(cut["labels"])
    np.testing.assert_allclose(lab.sum(axis=1), 1.0, rtol=1e-5)
    for i in range(8):
        kept = float((imgs[i] == i).mean())
        # the label keeps about the share of pixels kept (Keras uses the box's real area)
        assert abs(lab[i, i] - kept) < 0.35 or lab[i, i] > 0.99


def test_elastic_field_is_smooth_and_zero_scale_is_identity():
    x = _images((2, 16, 16, 3))
    np.testing.assert_array_equal(_np(layers.RandomElasticTransform(scale=0.0)(x)), x)
    ramp = np.tile(np.arange(16, dtype="float32")[None, :, None, None], (1, 1, 16, 1)) * 10
    out = _np(layers.RandomElasticTransform((1, 1), scale=0.5, seed=4)(ramp))
    assert not np.allclose(out, ramp)
    assert np.abs(np.diff(out[0, :, :, 0], axis=0)).max() < 60  # no tearing


def test_pipeline_passes_training_and_dicts():
    x = _images((2, 8, 8, 3))
    pipe = layers.Pipeline([layers.RandomFlip(seed=0), layers.RandomRotation(0.3, seed=0)])
    np.testing.assert_array_equal(_np(pipe(x, training=False)), x)
    out = pipe({"images": x, "labels": np.array([1, 2])})
    assert tuple(out["images"].shape) == x.shape and _np(out["labels"]).tolist() == [1, 2]
    model = lamina.Sequential([lamina.Input((8, 8, 3)), pipe, layers.Flatten()])
    np.testing.assert_allclose(model.predict(x, verbose=0), x.reshape(2, -1))
    with pytest.raises(ValueError, match="Pipeline"):
        layers.Pipeline(layers.RandomFlip())


def test_max_num_bounding_boxes_pads_and_cuts():
    data = {"images": np.zeros((1, 4, 4, 3), "float32"),
            "bounding_boxes": {"boxes": np.arange(12, dtype="float32").reshape(1, 3, 4),
                               "labels": np.array([[5, 6, 7]])}}
    cut = layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(dict(data))
    assert _np(cut["bounding_boxes"]["labels"]).tolist() == [[5, 6]]
    padded = layers.MaxNumBoundingBoxes(4, fill_value=-2, bounding_box_format="xyxy")(dict(data))
    assert _np(padded["bounding_boxes"]["boxes"])[0, 3].tolist() == [-2, -2, -2, -2]


def test_random_crop_offsets_and_inference():
    x = np.arange(8 * 10, dtype="float32").reshape(1, 8, 10, 1)
    layer = layers.RandomCrop(4, 5, seed=0)
    seen = set()
    for _ in range(30):
        out = _np(layer(x))[0, :, :, 0]
        top, left = divmod(int(out[0, 0]), 10)
        np.testing.assert_array_equal(out, x[0, top:top + 4, left:left + 5, 0])
        seen.add((top, left))
    assert len(seen) > 5 and all(0 <= t <= 4 and 0 <= lft <= 5 for t, lft in seen)
    # inference: the centred window of the target's aspect ratio, resized (Keras' docs)
    out = _np(layer(x, training=False))
    assert out.shape == (1, 4, 5, 1)
    np.testing.assert_allclose(out, _np(layers.Resizing(4, 5, crop_to_aspect_ratio=True)(x)))


def test_dict_inputs_move_masks_with_images():
    x = _images((3, 6, 6, 1))
    masks = np.arange(3 * 36, dtype="float32").reshape(3, 6, 6, 1)
    out = layers.RandomFlip(seed=0)({"images": x, "segmentation_masks": masks,
                                     "labels": np.array([0, 1, 2])})
    imgs, outm = _np(out["images"]), _np(out["segmentation_masks"])
    for i in range(3):
        flipped = np.array_equal(imgs[i], x[i, ::-1, ::-1])
        assert np.array_equal(outm[i], masks[i, ::-1, ::-1] if flipped else masks[i])
    np.testing.assert_array_equal(_np(out["labels"]), [0, 1, 2])
    with pytest.raises(ValueError, match="bounding_box_format"):
        layers.RandomFlip()({"images": x, "bounding_boxes": {"boxes": np.zeros((3, 1, 4))}})


def test_augmentation_inside_a_trained_model():
    x = _images((16, 8, 8, 3))
    y = np.random.default_rng(1).integers(0, 2, (16,))
    model = lamina.Sequential([
        lamina.Input((8, 8, 3)),
        layers.RandomFlip("horizontal", seed=1), layers.RandomRotation(0.1, seed=2),
        layers.RandomZoom(0.1, seed=3), layers.Rescaling(1 / 255.0),
        layers.Conv2D(4, 3, activation="relu"), layers.GlobalAveragePooling2D(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.output_shape == (None, 2)


@pytest.mark.parametrize("bad", [
    lambda: layers.RandomFlip("diagonal"),
    lambda: layers.RandomRotation(1.5),
    lambda: layers.RandomRotation(0.1, fill_mode="mirror"),
    lambda: layers.RandomZoom(-1.0),
    lambda: layers.RandomZoom(0.1, interpolation="bicubic"),
    lambda: layers.RandomTranslation(0.1, (0.2, 1.5)),
    lambda: layers.RandomContrast(-0.1),
    lambda: layers.RandomBrightness(0.1, value_range=(0,)),
    lambda: layers.RandomCrop(0, 4),
])
def test_bad_arguments_are_refused_when_given(bad):
    with pytest.raises(ValueError, match="Random"):
        bad()


def test_rank_error_names_the_layer():
    with pytest.raises(ValueError, match="RandomFlip.*rank"):
        layers.RandomFlip()(np.zeros((4, 4), "float32"))


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_batched_warp_equals_ops_affine_transform(fill_mode, interpolation):
    # the layers warp with the batched kernel; lamina.ops.image.affine_transform is the
    # per-image reference (itself checked against Keras in tests/conformance)
    from lamina.backend import image as kernels

    x = _images((4, 7, 9, 2))
    m = np.array([[0.9, -0.3, 1.5, 0.3, 0.9, -1.2, 0, 0], [1.2, 0, -1, 0, 0.8, 2, 0, 0],
                  [0.8, 0.1, 0.4, -0.1, 1.1, 0.3, 0.01, -0.02], [1, 0, -3.5, 0, 1, 2.5, 0, 0]],
                 "float32")
    for images, fmt in ((x, "channels_last"), (np.moveaxis(x, -1, 1), "channels_first")):
        ref = lamina.ops.image.affine_transform(images, m, interpolation, fill_mode, 3.0, fmt)
        out = kernels.affine_transform_batched(images, m, interpolation, fill_mode, 3.0, fmt)
        np.testing.assert_allclose(_np(out), _np(ref), rtol=1e-6, atol=1e-4)
    ints = x.astype("uint8")
    np.testing.assert_array_equal(
        _np(kernels.affine_transform_batched(ints, m, interpolation, fill_mode)),
        _np(lamina.ops.image.affine_transform(ints, m, interpolation, fill_mode)))
