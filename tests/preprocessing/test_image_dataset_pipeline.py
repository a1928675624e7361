"""image_dataset_from_directory's result as a utils.Dataset: the tf.data chain of keras.io
programs (map, cache, prefetch, unbatch, take) and fit on it."""

import numpy as np

import lamina
from lamina.preprocessing import image_dataset_from_directory
from lamina.utils.dataset import AUTOTUNE, Dataset


def test_map_prefetch_cache_chain(image_tree):
    root, written = image_tree
    ds = image_dataset_from_directory(root, image_size=(12, 10), batch_size=4, shuffle=False,
                                      verbose=False)
    assert isinstance(ds, Dataset) and len(ds) == 3 and ds.cardinality() == 3
    assert ds.class_names == ["cat", "dog", "fox"] and len(ds.file_paths) == 9
    scaled = ds.map(lambda x, y: (x / 255.0, y), num_parallel_calls=AUTOTUNE)
    scaled = scaled.cache().prefetch(buffer_size=AUTOTUNE)
    assert len(scaled) == 3
    batches = list(scaled)
    np.testing.assert_allclose(batches[0][0][0], written["cat/img_0.png"] / 255.0, rtol=1e-6)
    assert [b[1].tolist() for b in batches] == [[0, 0, 0, 1], [1, 1, 1, 2], [2]]
    rows = list(ds.unbatch())
    assert len(rows) == 9 and rows[8][0].shape == (12, 10, 3) and rows[8][1] == 2
    (first,) = list(ds.take(1))
    assert first[0].shape == (4, 12, 10, 3)
    assert [x.shape[0] for x, _ in ds.unbatch().batch(5)] == [5, 4]


def test_shuffled_dataset_reshuffles_each_pass_and_fits(image_tree):
    root, _ = image_tree
    ds = image_dataset_from_directory(root, image_size=(4, 4), batch_size=3, seed=2,
                                      verbose=False)
    one = np.concatenate([y for _, y in ds])
    two = np.concatenate([y for _, y in ds])
    assert sorted(one.tolist()) == sorted(two.tolist()) == [0, 0, 0, 1, 1, 1, 1, 2, 2]
    model = lamina.Sequential([lamina.Input((4, 4, 3)), lamina.layers.Flatten(),
                               lamina.layers.Dense(3)])
    model.compile("adam", lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    pipeline = ds.map(lambda x, y: (x / 255.0, y)).prefetch(AUTOTUNE)
    history = model.fit(pipeline, validation_data=pipeline, epochs=2, verbose=0)
    assert len(history.history["val_loss"]) == 2
