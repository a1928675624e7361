"""A Model subclass built functional-style (``CustomModel(inputs, outputs)``, as Keras'
"customizing fit" guide does) runs its graph, trains, and keeps its own overrides."""

import numpy as np

import lamina
from lamina import layers


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((64, 8)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_a_functional_style_subclass_runs_the_graph_and_trains():
    class CustomModel(lamina.Model):
        pass

    inputs = lamina.Input(shape=(8,))
    dense = layers.Dense(1)
    model = CustomModel(inputs, dense(inputs))
    x, y = _data()
    assert model.predict(x, verbose=0).shape == (64, 1)  # the graph's output, not x itself
    assert isinstance(model, lamina.Model) and model.name.startswith("custom_model")
    assert model.layers[-1] is dense
    model.compile(optimizer="sgd", loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


def test_its_train_step_override_is_used():
    class CustomModel(lamina.Model):
        calls = 0

        def train_step(self, data):
            x, y = data
            CustomModel.calls += 1
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            self.zero_grad()
            loss.backward()
            weights = list(self.trainable_weights)
            self.optimizer.apply([v.value.grad for v in weights], weights)
            return {"loss": loss}

    inputs = lamina.Input(shape=(8,))
    model = CustomModel(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert CustomModel.calls == 4
    assert np.isfinite(history.history["loss"][0])
    plain = lamina.Model(inputs, layers.Dense(2)(inputs))  # plain Model is untouched
    assert type(plain).__name__ == "Functional"
