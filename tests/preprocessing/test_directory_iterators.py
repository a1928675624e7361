"""flow_from_directory / flow_from_dataframe / image_dataset_from_directory on tmp PNG folders."""

import numpy as np
import pytest

from lamina.preprocessing import image_dataset_from_directory
from lamina.preprocessing.image import ImageDataGenerator


def test_flow_from_directory_finds_classes_and_files(image_tree, capsys):
    root, written = image_tree
    it = ImageDataGenerator().flow_from_directory(root, target_size=(12, 10), batch_size=4,
                                                  shuffle=False)
    assert "Found 9 images belonging to 3 classes." in capsys.readouterr().out
    assert it.class_indices == {"cat": 0, "dog": 1, "fox": 2}
    assert it.num_classes == 3 and it.samples == 9 and it.n == 9 and it.batch_size == 4
    assert it.classes.tolist() == [0, 0, 0, 1, 1, 1, 1, 2, 2]
    assert [f.replace("\\", "/") for f in it.filenames] == sorted(written)
    assert len(it) == 3
    x, y = it[0]
    assert x.shape == (4, 12, 10, 3) and y.shape == (4, 3)
    np.testing.assert_array_equal(x[0], written["cat/img_0.png"].astype("float32"))
    np.testing.assert_array_equal(y.argmax(1), [0, 0, 0, 1])


@pytest.mark.parametrize("class_mode, check", [
    ("categorical", lambda y: y.shape == (9, 3) and (y.sum(1) == 1).all()),
    ("sparse", lambda y: y.tolist() == [0, 0, 0, 1, 1, 1, 1, 2, 2]),
    ("binary", lambda y: y.dtype == np.float32 and y.shape == (9,)),
])
def test_flow_from_directory_class_modes(image_tree, class_mode, check):
    root, _ = image_tree
    it = ImageDataGenerator().flow_from_directory(root, target_size=(6, 5), batch_size=9,
                                                  shuffle=False, class_mode=class_mode)
    x, y = it[0]
    assert x.shape == (9, 6, 5, 3)
    assert check(y)


def test_flow_from_directory_input_and_none_modes(image_tree):
    root, _ = image_tree
    gen = ImageDataGenerator(rescale=1 / 255)
    x, y = gen.flow_from_directory(root, target_size=(6, 5), class_mode="input",
                                   shuffle=False)[0]
    np.testing.assert_array_equal(x, y)
    assert x.max() <= 1.0
    only = gen.flow_from_directory(root, target_size=(6, 5), class_mode=None, batch_size=2)[0]
    assert isinstance(only, np.ndarray) and only.shape == (2, 6, 5, 3)
    with pytest.raises(ValueError, match="class_mode"):
        gen.flow_from_directory(root, class_mode="onehot")


def test_flow_from_directory_options(image_tree):
    root, _ = image_tree
    gen = ImageDataGenerator(validation_split=0.5)
    it = gen.flow_from_directory(root, target_size=(4, 4), color_mode="grayscale",
                                 classes=["fox", "cat"], batch_size=2, shuffle=False)
    assert it.class_indices == {"fox": 0, "cat": 1} and it.samples == 5
    assert it[0][0].shape == (2, 4, 4, 1)
    train = gen.flow_from_directory(root, subset="training", shuffle=False)
    val = gen.flow_from_directory(root, subset="validation", shuffle=False)
    assert train.samples + val.samples == 9
    assert not set(train.filenames) & set(val.filenames)
    with pytest.raises(FileNotFoundError):
        gen.flow_from_directory(root / "missing")


def test_flow_from_directory_channels_first_and_seeded_shuffle(image_tree):
    root, _ = image_tree
    gen = ImageDataGenerator(data_format="channels_first", horizontal_flip=True)
    a = gen.flow_from_directory(root, target_size=(6, 5), batch_size=4, seed=3)
    b = gen.flow_from_directory(root, target_size=(6, 5), batch_size=4, seed=3)
    xa, ya = a[0]
    xb, yb = b[0]
    assert xa.shape == (4, 3, 6, 5)
    np.testing.assert_array_equal(xa, xb)
    np.testing.assert_array_equal(ya, yb)


def test_flow_from_directory_iterates_like_a_keras2_generator(image_tree):
    root, _ = image_tree
    it = ImageDataGenerator().flow_from_directory(root, target_size=(4, 4), batch_size=4)
    sizes = [next(it)[0].shape[0] for _ in range(4)]
    assert sizes == [4, 4, 1, 4]


def test_flow_from_dataframe(image_tree):
    pd = pytest.importorskip("pandas")
    root, written = image_tree
    files = sorted(written)
    df = pd.DataFrame({"filename": files, "class": [f.split("/")[0] for f in files],
                       "w": np.arange(len(files), dtype="float32")})
    gen = ImageDataGenerator()
    it = gen.flow_from_dataframe(df, directory=str(root), target_size=(6, 5), batch_size=9,
                                 shuffle=False, weight_col="w")
    assert it.class_indices == {"cat": 0, "dog": 1, "fox": 2}
    x, y, w = it[0]
    assert x.shape == (9, 6, 5, 3) and y.shape == (9, 3)
    np.testing.assert_array_equal(w, np.arange(9))
    raw = gen.flow_from_dataframe(df, directory=str(root), y_col="w", class_mode="raw",
                                  target_size=(6, 5), batch_size=3, shuffle=False)
    np.testing.assert_array_equal(raw[1][1], [3, 4, 5])


# -- image_dataset_from_directory ----------------------------------------------------------


def test_image_dataset_from_directory_batches(image_tree, capsys):
    root, written = image_tree
    ds = image_dataset_from_directory(root, image_size=(6, 5), batch_size=4, shuffle=False)
    assert "Found 9 files belonging to 3 classes." in capsys.readouterr().out
    assert ds.class_names == ["cat", "dog", "fox"]
    batches = list(ds)
    assert [b[0].shape for b in batches] == [(4, 6, 5, 3), (4, 6, 5, 3), (1, 6, 5, 3)]
    labels = np.concatenate([b[1] for b in batches])
    assert labels.dtype == np.int32 and labels.tolist() == [0, 0, 0, 1, 1, 1, 1, 2, 2]
    assert batches[0][0].dtype == np.float32
    same = image_dataset_from_directory(root, image_size=(12, 10), batch_size=1, shuffle=False)
    np.testing.assert_array_equal(same[0][0][0], written["cat/img_0.png"].astype("float32"))


def test_image_dataset_label_modes_and_split(image_tree):
    root, _ = image_tree
    cat = image_dataset_from_directory(root, label_mode="categorical", image_size=(4, 4),
                                       batch_size=9, shuffle=False)
    assert cat[0][1].shape == (9, 3) and cat[0][1].dtype == np.float32
    none = image_dataset_from_directory(root, label_mode=None, image_size=(4, 4), batch_size=9)
    assert isinstance(none[0], np.ndarray)
    with pytest.raises(ValueError, match="exactly 2"):
        image_dataset_from_directory(root, label_mode="binary")
    binary = image_dataset_from_directory(root, class_names=["cat", "fox"], label_mode="binary",
                                          image_size=(4, 4), batch_size=5, shuffle=False)
    assert binary[0][1].shape == (5, 1) and binary[0][1].ravel().tolist() == [0, 0, 0, 1, 1]
    train, val = image_dataset_from_directory(root, validation_split=0.34, subset="both",
                                              seed=1, image_size=(4, 4), color_mode="grayscale")
    assert len(train.file_paths) == 6 and len(val.file_paths) == 3
    assert not set(train.file_paths) & set(val.file_paths)
    assert train[0][0].shape[-1] == 1
    with pytest.raises(ValueError, match="seed"):
        image_dataset_from_directory(root, validation_split=0.2, subset="training")


def test_image_dataset_feeds_fit_like_a_sequence(image_tree):
    from lamina.utils import PyDataset

    root, _ = image_tree
    ds = image_dataset_from_directory(root, image_size=(4, 4), batch_size=4, seed=0)
    assert isinstance(ds, PyDataset) and len(ds) == 3
    first = [ds[i][1].tolist() for i in range(3)]
    ds.on_epoch_end()
    second = [ds[i][1].tolist() for i in range(3)]
    assert sorted(sum(first, [])) == sorted(sum(second, []))
    assert len(ds.take(2)) == 2
