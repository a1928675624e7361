"""fit/evaluate/predict accept the data sources Keras users pass."""

import threading

import numpy as np
import pytest

import lamina
from lamina import layers


def _arrays(n=96):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def _model(inputs=3):
    model = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(inputs,)),
                               layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


class Batches(lamina.utils.PyDataset):
    def __init__(self, x, y, batch_size=16, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.threads = set()
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, i):
        self.threads.add(threading.get_ident())
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_py_dataset_with_workers():
    x, y = _arrays()
    data = Batches(x, y, workers=2)
    model = _model()
    history = model.fit(data, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3 and data.epochs_ended == 3
    assert len(data.threads) >= 1
    ordered = Batches(x, y, workers=2)
    np.testing.assert_allclose(model.predict(ordered, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_keras2_sequence_name():
    assert lamina.utils.Sequence is lamina.utils.PyDataset


def test_pandas_dataframe():
    pd = pytest.importorskip("pandas")
    x, y = _arrays()
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    model = _model()
    model.fit(frame, pd.Series(y[:, 0]), epochs=1, verbose=0)
    np.testing.assert_allclose(model.predict(frame, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_torch_dataset_and_dataloader():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset

    x, y = _arrays()
    dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    model = _model()
    history = model.fit(dataset, batch_size=32, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    loader = DataLoader(dataset, batch_size=32)
    expected = model.evaluate(x, y, batch_size=32, verbose=0)
    np.testing.assert_allclose(model.evaluate(loader, verbose=0), expected, rtol=1e-5)


def test_dict_inputs_for_a_multi_input_model():
    a = lamina.Input(shape=(2,), name="a")
    b = lamina.Input(shape=(1,), name="b")
    h = layers.Lambda(lambda t: lamina.ops.concatenate(t, axis=-1))([a, b])
    model = lamina.Model([a, b], layers.Dense(1)(h))
    model.compile(optimizer="sgd", loss="mse")
    x, y = _arrays()
    history = model.fit({"a": x[:, :2], "b": x[:, 2:]}, y, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
