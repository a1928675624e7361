"""ImageDataGenerator: transforms against hand-made expectations, normalization, flow()."""

import numpy as np
import pytest

from lamina.preprocessing import affine
from lamina.preprocessing.image import ImageDataGenerator, apply_affine_transform


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    return rng.uniform(0, 255, (10, 8, 6, 3)).astype("float32")


def test_flips_exactly_mirror(images):
    gen = ImageDataGenerator(horizontal_flip=True, vertical_flip=True)
    x = images[0]
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_horizontal": True}), x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_vertical": True}), x[::-1])
    both = gen.apply_transform(x, {"flip_horizontal": True, "flip_vertical": True})
    np.testing.assert_array_equal(both, x[::-1, ::-1])
    # Random flips: every output is the image or its mirror, and both occur.
    seen = set()
    for seed in range(20):
        out = gen.random_transform(x, seed=seed)
        candidates = [x, x[:, ::-1], x[::-1], x[::-1, ::-1]]
        seen.add(next(i for i, c in enumerate(candidates) if np.array_equal(out, c)))
    assert len(seen) > 1


def test_flip_channels_first():
    x = np.arange(2 * 3 * 4, dtype="float32").reshape(2, 3, 4)
    gen = ImageDataGenerator(data_format="channels_first")
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_horizontal": True}),
                                  x[:, :, ::-1])


def test_no_augmentation_is_identity(images):
    gen = ImageDataGenerator()
    for x in images[:3]:
        np.testing.assert_array_equal(gen.random_transform(x), x)
    params = gen.get_random_transform(images[0].shape)
    assert params["theta"] == 0 and params["tx"] == 0 and params["zx"] == 1
    assert not params["flip_horizontal"]


def test_rescale_and_preprocessing_function(images):
    gen = ImageDataGenerator(rescale=1.0 / 255, preprocessing_function=lambda x: x + 1.0)
    out = gen.standardize(np.copy(images[0]))
    np.testing.assert_allclose(out, (images[0] + 1.0) / 255, rtol=1e-6)


@pytest.mark.parametrize("kwargs", [
    {"shear_range": 20}, {"zoom_range": 0.3}, {"rotation_range": 40},
    {"width_shift_range": 0.2, "height_shift_range": 3},
    {"shear_range": 0.2, "zoom_range": 0.2, "horizontal_flip": True},
])
@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
def test_geometric_transforms_keep_shape_and_range(images, kwargs, fill_mode):
    gen = ImageDataGenerator(fill_mode=fill_mode, cval=0.0, **kwargs)
    x = images[1]
    for seed in range(3):
        out = gen.random_transform(x, seed=seed)
        assert out.shape == x.shape
        lo = min(0.0, x.min()) if fill_mode == "constant" else x.min()
        assert out.min() >= lo - 1e-3 and out.max() <= x.max() + 1e-3


def test_shift_by_whole_pixels_moves_the_image():
    x = np.arange(25, dtype="float32").reshape(5, 5, 1)
    gen = ImageDataGenerator(fill_mode="constant", cval=-1)
    # As in Keras, 'tx' (drawn from height_shift_range) ends up moving columns and 'ty' rows:
    # output column c reads input column c + tx.
    out = gen.apply_transform(x, {"tx": 1})[..., 0]
    np.testing.assert_array_equal(out[:, :4], x[:, 1:, 0])
    np.testing.assert_array_equal(out[:, 4], -1)
    out = gen.apply_transform(x, {"ty": -2})[..., 0]
    np.testing.assert_array_equal(out[2:], x[:3, :, 0])
    np.testing.assert_array_equal(out[:2], -1)


def test_rotation_by_90_degrees_is_a_transpose_and_flip():
    x = np.arange(16, dtype="float32").reshape(4, 4, 1)
    out = apply_affine_transform(x, theta=90, row_axis=0, col_axis=1, channel_axis=2)
    np.testing.assert_allclose(out[..., 0], np.rot90(x[..., 0], k=1), atol=1e-4)


@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
@pytest.mark.parametrize("order", [0, 1])
def test_numpy_sampler_matches_scipy(monkeypatch, fill_mode, order):
    pytest.importorskip("scipy")
    rng = np.random.default_rng(1)
    x = rng.random((9, 11, 3)).astype("float32")
    for kw in [{"theta": 33, "zx": 1.3}, {"tx": 2.5, "ty": -3.2}, {"shear": 25, "zy": 0.7},
               {"theta": -70, "tx": 1.2, "zx": 0.8, "zy": 1.4}]:
        args = {"row_axis": 0, "col_axis": 1, "channel_axis": 2, "fill_mode": fill_mode,
                "cval": 0.5, "order": order, **kw}
        monkeypatch.setattr(affine, "USE_SCIPY", True)
        want = apply_affine_transform(x, **args)
        monkeypatch.setattr(affine, "USE_SCIPY", False)
        got = apply_affine_transform(x, **args)
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_channel_shift_and_brightness(images):
    gen = ImageDataGenerator()
    x = images[2]
    shifted = gen.apply_transform(x, {"channel_shift_intensity": 10.0})
    np.testing.assert_allclose(shifted, np.clip(x + 10.0, x.min(), x.max()), rtol=1e-6)
    x01 = np.full((4, 4, 3), 100.0, dtype="float32")
    x01[0, 0] = 0
    x01[1, 1] = 200
    brighter = gen.apply_transform(x01, {"brightness": 1.2})
    assert brighter.shape == x01.shape and brighter.mean() > x01.mean()


def test_featurewise_statistics_from_fit(images):
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(images)
    np.testing.assert_allclose(gen.mean.reshape(-1), images.mean(axis=(0, 1, 2)), rtol=1e-4)
    assert gen.mean.shape == (1, 1, 3) and gen.std.shape == (1, 1, 3)
    out = np.stack([gen.standardize(np.copy(im)) for im in images])
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-3)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-3)


def test_featurewise_without_fit_warns(images):
    gen = ImageDataGenerator(featurewise_center=True)
    with pytest.warns(UserWarning, match="fit"):
        gen.standardize(np.copy(images[0]))


def test_samplewise_normalization(images):
    gen = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    out = gen.standardize(np.copy(images[0]))
    assert abs(out.mean()) < 1e-4 and abs(out.std() - 1) < 1e-3


def test_zca_whitening_decorrelates():
    rng = np.random.default_rng(3)
    mix = rng.normal(size=(4, 4))
    x = (rng.normal(size=(400, 4)) @ mix).reshape(400, 2, 2, 1).astype("float32")
    with pytest.warns(UserWarning):  # zca_whitening turns featurewise_center on
        gen = ImageDataGenerator(zca_whitening=True)
    gen.fit(x)
    out = np.stack([gen.standardize(np.copy(im)) for im in x]).reshape(400, 4)
    cov = np.cov(out, rowvar=False, bias=True)
    np.testing.assert_allclose(cov, np.eye(4), atol=0.05)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="fill_mode"):
        ImageDataGenerator(fill_mode="mirror")
    with pytest.raises(ValueError, match="brightness_range"):
        ImageDataGenerator(brightness_range=0.5)


# -- flow --------------------------------------------------------------------------------------


def test_flow_batches_in_order_without_shuffle(images):
    y = np.arange(10)
    it = ImageDataGenerator(rescale=2.0).flow(images, y, batch_size=4, shuffle=False)
    assert len(it) == 3 and it.n == 10 and it.batch_size == 4
    bx, by = it[0]
    assert bx.shape == (4, 8, 6, 3) and bx.dtype == np.float32
    np.testing.assert_array_equal(by, [0, 1, 2, 3])
    np.testing.assert_allclose(bx, images[:4] * 2)
    last_x, last_y = it[2]
    assert last_x.shape[0] == 2
    np.testing.assert_array_equal(last_y, [8, 9])
    with pytest.raises(IndexError):
        it[3]


def test_flow_next_cycles_through_epochs(images):
    it = ImageDataGenerator().flow(images, np.arange(10), batch_size=4, shuffle=False)
    sizes = [len(next(it)[1]) for _ in range(6)]
    assert sizes == [4, 4, 2, 4, 4, 2]
    assert it.next()[1].tolist() == [0, 1, 2, 3]  # Keras 2's generator.next()


def test_flow_shuffle_covers_every_sample_once(images):
    it = ImageDataGenerator().flow(images, np.arange(10), batch_size=3, shuffle=True, seed=5)
    labels = np.concatenate([it[i][1] for i in range(len(it))])
    assert sorted(labels.tolist()) == list(range(10))
    assert labels.tolist() != list(range(10))


def test_flow_seed_reproducible(images):
    gen = ImageDataGenerator(rotation_range=30, zoom_range=0.2, horizontal_flip=True)
    a = gen.flow(images, np.arange(10), batch_size=5, seed=42)
    b = gen.flow(images, np.arange(10), batch_size=5, seed=42)
    for _ in range(3):
        (xa, ya), (xb, yb) = next(a), next(b)
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    c = gen.flow(images, np.arange(10), batch_size=5, seed=43)
    assert not np.array_equal(next(gen.flow(images, batch_size=5, seed=42)), next(c)[0])


def test_flow_without_labels_and_with_sample_weight(images):
    gen = ImageDataGenerator()
    only_x = gen.flow(images, batch_size=4, shuffle=False)[0]
    assert isinstance(only_x, np.ndarray) and only_x.shape == (4, 8, 6, 3)
    x, y, w = gen.flow(images, np.arange(10), sample_weight=np.linspace(0, 1, 10),
                       batch_size=4, shuffle=False)[1]
    np.testing.assert_allclose(w, np.linspace(0, 1, 10)[4:8])


def test_flow_subsets(images):
    gen = ImageDataGenerator(validation_split=0.3)
    y = np.array([0, 1] * 5)
    train = gen.flow(images, y, batch_size=32, subset="training", shuffle=False)
    val = gen.flow(images, y, batch_size=32, subset="validation", shuffle=False)
    assert train.n == 7 and val.n == 3
    with pytest.raises(ValueError, match="different classes"):
        gen.flow(images, np.sort(y), subset="validation")


def test_flow_rejects_mismatched_lengths_and_ranks(images):
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match="same length"):
        gen.flow(images, np.arange(3))
    with pytest.raises(ValueError, match="rank 4"):
        gen.flow(images[0], None)


def test_flow_save_to_dir(images, tmp_path):
    it = ImageDataGenerator().flow(images, batch_size=3, shuffle=False, save_to_dir=tmp_path,
                                   save_prefix="aug")
    it[0]
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert len(saved) == 3 and all(n.startswith("aug_") and n.endswith(".png") for n in saved)


def test_flow_iterator_is_a_sequence(images):
    from lamina.utils import PyDataset

    it = ImageDataGenerator().flow(images, np.arange(10), batch_size=4)
    assert isinstance(it, PyDataset)
    it[0]
    it.on_epoch_end()  # reshuffles: a fresh permutation of all samples
    assert sorted(it.index_array.tolist()) == list(range(10))


def test_brightness_on_channels_first_images():
    x = np.random.default_rng(4).uniform(0, 200, (3, 5, 7)).astype("float32")
    gen = ImageDataGenerator(data_format="channels_first")
    out = gen.apply_transform(x, {"brightness": 1.3})
    want = ImageDataGenerator().apply_transform(x.transpose(1, 2, 0), {"brightness": 1.3})
    np.testing.assert_allclose(out, want.transpose(2, 0, 1))
