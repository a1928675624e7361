"""utils.Dataset: the tf.data-style pipeline, checked against plain Python/NumPy results."""

import threading

import numpy as np
import pytest

import lamina
from lamina.utils.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset


def as_lists(ds):
    return [tuple(np.asarray(p).tolist() for p in e) if isinstance(e, tuple)
            else np.asarray(e).tolist() for e in ds]


def test_from_tensor_slices_map_batch():
    x, y = np.arange(10).reshape(5, 2), np.arange(5)
    ds = Dataset.from_tensor_slices((x, y))
    assert len(ds) == 5 and ds.cardinality() == 5
    first = next(iter(ds))
    assert first[0].tolist() == [0, 1] and first[1] == 0
    batched = ds.map(lambda a, b: (a * 2, b)).batch(2)
    out = list(batched)
    assert len(batched) == 3 and len(out) == 3
    np.testing.assert_array_equal(np.concatenate([b[0] for b in out]), x * 2)
    assert [b[1].tolist() for b in out] == [[0, 1], [2, 3], [4]]
    assert len(ds.batch(2, drop_remainder=True)) == 2
    assert len(list(ds.batch(2, drop_remainder=True))) == 2


def test_dicts_lists_and_strings():
    ds = Dataset.from_tensor_slices({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    elements = list(ds)
    assert elements[1]["a"] == 2 and elements[1]["b"] == "y"
    batch = next(iter(ds.batch(3)))
    assert batch["b"].tolist() == ["x", "y", "z"] and batch["a"].dtype.kind == "i"
    assert list(Dataset.from_tensors([1, 2]))[0].tolist() == [1, 2]
    with pytest.raises(ValueError, match="first dimension"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))


def test_unbatch_inverts_batch():
    x = np.arange(12).reshape(6, 2)
    ds = Dataset.from_tensor_slices((x, -np.arange(6))).batch(4).unbatch()
    assert as_lists(ds) == [(row.tolist(), -i) for i, row in enumerate(x)]
    assert ds.cardinality() == UNKNOWN


def test_shuffle_is_a_seeded_permutation_reshuffled_each_pass():
    ds = Dataset.range(50).shuffle(50, seed=3)
    first, second = as_lists(ds), as_lists(ds)
    assert sorted(first) == list(range(50)) and first != list(range(50))
    assert first != second  # a new order each pass (epoch)
    again = Dataset.range(50).shuffle(50, seed=3)
    assert as_lists(again) == first and as_lists(again) == second  # same sequence of orders
    fixed = Dataset.range(20).shuffle(20, seed=1, reshuffle_each_iteration=False)
    assert as_lists(fixed) == as_lists(fixed)
    # A buffer of 1 keeps the order; a small buffer moves elements only a little forward.
    assert as_lists(Dataset.range(10).shuffle(1)) == list(range(10))
    small = as_lists(Dataset.range(100).shuffle(5, seed=0))
    assert all(v <= i + 4 for i, v in enumerate(small))


def test_repeat_take_skip_filter_enumerate_concatenate():
    ds = Dataset.range(4)
    assert as_lists(ds.repeat(2)) == [0, 1, 2, 3] * 2 and len(ds.repeat(2)) == 8
    assert ds.repeat().cardinality() == INFINITE
    assert as_lists(ds.repeat().take(6)) == [0, 1, 2, 3, 0, 1]
    assert len(ds.repeat().take(6)) == 6
    assert as_lists(ds.skip(1)) == [1, 2, 3] and len(ds.skip(9)) == 0
    assert as_lists(ds.take(-1)) == [0, 1, 2, 3] and as_lists(ds.skip(-1)) == []
    evens = ds.filter(lambda v: v % 2 == 0)
    assert as_lists(evens) == [0, 2] and evens.cardinality() == UNKNOWN
    with pytest.raises(TypeError, match="unknown"):
        len(evens)
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())
    assert as_lists(ds.enumerate(5).take(2)) == [(5, 0), (6, 1)]
    assert as_lists(ds.concatenate(Dataset.range(7, 9))) == [0, 1, 2, 3, 7, 8]
    assert Dataset.range(1, 10, 3).cardinality() == 3
    assert ds.reduce(0, lambda s, v: s + v) == 6


def test_zip_forms():
    a, b = Dataset.range(3), Dataset.range(10, 15)
    assert as_lists(Dataset.zip(a, b)) == [(0, 10), (1, 11), (2, 12)]
    assert as_lists(Dataset.zip((a, b))) == [(0, 10), (1, 11), (2, 12)]
    assert len(Dataset.zip(a, b)) == 3
    as_dict = list(Dataset.zip({"x": a, "y": b}))
    assert as_dict[2] == {"x": 2, "y": 12}
    with pytest.raises(TypeError, match="Dataset"):
        Dataset.zip(a, [1, 2])


def test_from_generator_runs_afresh_each_pass():
    calls = []

    def gen(n):
        calls.append(n)
        for i in range(n):
            yield np.full(2, i), i

    ds = Dataset.from_generator(gen, args=(3,), output_signature=None)
    assert as_lists(ds) == [([0, 0], 0), ([1, 1], 1), ([2, 2], 2)]
    assert as_lists(ds.batch(2))[1] == ([[2, 2]], [2])
    assert calls == [3, 3] and ds.cardinality() == UNKNOWN
    with pytest.raises(TypeError, match="callable"):
        Dataset.from_generator(iter([1]))


def test_cache_runs_the_work_once():
    calls = []
    ds = Dataset.range(5).map(lambda v: calls.append(int(v)) or v * 2).cache()
    assert as_lists(ds) == [0, 2, 4, 6, 8] and as_lists(ds) == [0, 2, 4, 6, 8]
    assert calls == [0, 1, 2, 3, 4]
    partial = Dataset.range(5).map(lambda v: calls.append(int(v)) or v).cache()
    calls.clear()
    assert as_lists(partial.take(2)) == [0, 1]  # an unfinished pass is not cached
    assert as_lists(partial) == [0, 1, 2, 3, 4] and as_lists(partial) == [0, 1, 2, 3, 4]
    assert calls == [0, 1, 0, 1, 2, 3, 4]


def test_parallel_map_and_prefetch_keep_order_and_raise_errors():
    threads = set()

    def slow(v):
        threads.add(threading.get_ident())
        return v * 3

    ds = Dataset.range(40).map(slow, num_parallel_calls=4).prefetch(AUTOTUNE)
    assert as_lists(ds) == [3 * v for v in range(40)] and len(ds) == 40
    assert len(threads) > 1

    def bad(v):
        if v == 3:
            raise KeyError("broken element")
        return v

    with pytest.raises(KeyError, match="broken element"):
        list(Dataset.range(6).map(bad).prefetch(2))
    with pytest.raises(KeyError, match="broken element"):
        list(Dataset.range(6).map(bad, num_parallel_calls=2))
    # Stopping early leaves no thread running.
    before = threading.active_count()
    assert as_lists(Dataset.range(1000).prefetch(3).take(2)) == [0, 1]
    assert threading.active_count() <= before
    with pytest.raises(ValueError, match="num_parallel_calls"):
        Dataset.range(3).map(slow, num_parallel_calls=0)


def test_map_converts_engine_tensors_to_numpy():
    ds = Dataset.range(3).map(lambda v: lamina.ops.convert_to_tensor(float(v)) * 2).batch(3)
    (batch,) = list(ds)
    assert isinstance(batch, np.ndarray) and batch.tolist() == [0.0, 2.0, 4.0]


def test_batch_of_unequal_shapes_is_explained():
    ds = Dataset.from_generator(lambda: (np.zeros(n) for n in (2, 3)))
    with pytest.raises(ValueError, match=r"same shape.*\(2,\).*\(3,\)"):
        list(ds.batch(2))


def model():
    m = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    return m


def test_fit_evaluate_predict_take_a_dataset():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 3)).astype("float32"), rng.normal(size=(20, 1)).astype("float32")
    ds = Dataset.from_tensor_slices((x, y)).shuffle(20, seed=0).batch(8).prefetch(AUTOTUNE)
    seen = []
    history = model().fit(ds, epochs=3, verbose=0,
                          callbacks=[lamina.callbacks.LambdaCallback(
                              on_train_batch_end=lambda b, logs: seen.append(b))])
    assert len(history.history["loss"]) == 3
    assert seen == [0, 1, 2] * 3  # every epoch is one full pass over the 3 batches
    m = model()
    m.fit(ds, epochs=1, verbose=0)
    np.testing.assert_allclose(m.evaluate(Dataset.from_tensor_slices((x, y)).batch(5),
                                          verbose=0),
                               m.evaluate(x, y, batch_size=5, verbose=0), rtol=1e-5)
    pred = m.predict(Dataset.from_tensor_slices(x).batch(6), verbose=0)
    np.testing.assert_allclose(pred, m.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    # Unknown length (filter) and infinite with steps_per_epoch.
    m.fit(Dataset.from_tensor_slices((x, y)).filter(lambda a, b: b[0] > -5).batch(4),
          epochs=2, verbose=0)
    h = m.fit(Dataset.from_tensor_slices((x, y)).batch(4).repeat(), steps_per_epoch=3,
              epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2


def test_padded_batch_and_flat_map():
    ds = Dataset.from_generator(lambda: ((np.arange(n), n) for n in (2, 4, 1)))
    batches = [(a.tolist(), b.tolist()) for a, b in ds.padded_batch(2)]
    assert batches == [([[0, 1, 0, 0], [0, 1, 2, 3]], [2, 4]), ([[0]], [1])]
    fixed = ds.padded_batch(3, padded_shapes=([5], []), padding_values=(-1, 0))
    (x, y), = list(fixed)
    assert x.tolist() == [[0, 1, -1, -1, -1], [0, 1, 2, 3, -1], [0, -1, -1, -1, -1]]
    assert len(ds.padded_batch(2, drop_remainder=True).take(5).as_numpy_iterator().__next__()[0]) == 2
    with pytest.raises(ValueError, match="does not fit"):
        list(ds.padded_batch(3, padded_shapes=([3], [])))
    words = Dataset.from_generator(lambda: (["ab", "c"][:n] for n in (1, 2))).padded_batch(2)
    assert next(iter(words)).tolist() == [["ab", ""], ["ab", "c"]]
    flat = Dataset.range(3).flat_map(lambda v: Dataset.range(int(v)))
    assert as_lists(flat) == [0, 0, 1]
    with pytest.raises(TypeError, match="flat_map"):
        list(Dataset.range(2).flat_map(lambda v: [v]))


def test_yielded_arrays_have_tf_tensors_numpy_method():
    """tf.data-era code: `images[i].numpy().astype("uint8")`, `labels.numpy()`."""
    import numpy as np

    from lamina.utils.dataset import Dataset

    images = np.arange(2 * 4 * 4 * 3, dtype="float32").reshape(2, 4, 4, 3)
    ds = Dataset.from_tensor_slices((images, np.array([3, 5]))).batch(2)
    for batch_images, labels in ds.take(1):
        first = batch_images[0].numpy().astype("uint8")
        assert type(first) is np.ndarray and first.shape == (4, 4, 3)
        np.testing.assert_array_equal(first, images[0].astype("uint8"))
        assert labels.numpy().tolist() == [3, 5]
        assert float((batch_images / 255.0).numpy().max()) == images.max() / 255.0
