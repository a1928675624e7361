"""fit/evaluate/predict data holding strings: x arrays of str/bytes stay NumPy arrays, batched
and shuffled row-aligned with y; y and sample weights must be numbers."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.training import data_adapters


def batches(adapter):
    return [(x, lamina.ops.convert_to_numpy(y)) for x, y, _ in adapter.epoch()]


def test_string_arrays_are_batched_as_numpy_slices():
    x = np.array([f"w{i}" for i in range(10)])[:, None]
    adapter = data_adapters.make_adapter(x, np.arange(10), batch_size=4)
    got = batches(adapter)
    assert [type(bx) for bx, _ in got] == [np.ndarray] * 3
    assert [bx[:, 0].tolist() for bx, _ in got] == [["w0", "w1", "w2", "w3"],
                                                   ["w4", "w5", "w6", "w7"], ["w8", "w9"]]


def test_shuffled_string_batches_stay_aligned_with_labels():
    x = np.array([str(i) for i in range(50)], dtype=object)
    for shuffle in (True, "batch"):
        adapter = data_adapters.make_adapter(x, np.arange(50), batch_size=8, shuffle=shuffle)
        seen = []
        for bx, by in batches(adapter):
            assert [int(s) for s in bx] == by.tolist()
            seen.extend(by.tolist())
        assert sorted(seen) == list(range(50))
    assert seen != list(range(50))  # (the chance of an unshuffled order is 1 / 7!)


def test_mixed_dict_keeps_strings_on_host_and_numbers_as_tensors():
    x = {"name": np.array([b"a", b"b", b"c"]), "size": np.array([1.0, 2.0, 3.0])}
    (bx, by, _), = data_adapters.make_adapter(x, np.zeros(3), batch_size=3).epoch()
    assert isinstance(bx["name"], np.ndarray) and bx["name"].tolist() == [b"a", b"b", b"c"]
    assert lamina.backend.core.is_tensor(bx["size"])
    assert lamina.ops.convert_to_numpy(bx["size"]).dtype == np.float32


def test_a_list_of_python_strings_is_one_array():
    adapter = data_adapters.make_adapter(["a b", "c", "d e f"], np.array([0, 1, 0]),
                                         batch_size=2)
    assert isinstance(adapter, data_adapters.ArrayAdapter) and adapter.num_samples == 3
    (first, _, _), _ = list(adapter.epoch())
    assert first.tolist() == ["a b", "c"]


def test_generators_and_datasets_yield_host_strings():
    def gen():
        yield np.array(["x", "y"]), np.array([1.0, 0.0])

    (bx, by, _), = data_adapters.make_adapter(gen()).epoch()
    assert isinstance(bx, np.ndarray) and bx.tolist() == ["x", "y"]
    assert lamina.backend.core.is_tensor(by)


def test_string_labels_and_non_string_objects_are_refused():
    with pytest.raises(ValueError, match="y must be numbers.*StringLookup"):
        list(data_adapters.make_adapter(np.ones((2, 1)), np.array(["a", "b"])).epoch())
    with pytest.raises(ValueError, match="does not hold strings"):
        list(data_adapters.make_adapter(np.array([{}, {}], dtype=object), np.ones(2)).epoch())


def test_validation_split_on_strings_takes_the_last_rows():
    x = np.array(["a", "b", "c", "d"])
    (tx, ty, _), (vx, vy, _) = data_adapters.split_validation(list(x), np.arange(4), None, 0.25)
    assert tx.tolist() == ["a", "b", "c"] and vx.tolist() == ["d"] and vy.tolist() == [3]


def test_sequential_without_input_is_built_from_string_data():
    colors = np.array(["red", "green", "blue", "green"] * 10)[:, None]
    y = (colors[:, 0] == "green").astype("float32")
    model = lamina.Sequential([layers.StringLookup(vocabulary=["red", "green", "blue"],
                                                   output_mode="one_hot"),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(colors, y, epochs=1, verbose=0)
    assert model.output_shape == (None, 1)
    assert model.predict_on_batch(colors[:2]).shape == (2, 1)
    assert np.isfinite(model.train_on_batch(colors, y))
