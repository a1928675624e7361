"""jit_compile=True runs forward and loss through the engine's compiler, with eager's numbers."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _fit(jit_compile):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int64")
    model = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(5,)),
                               layers.Dense(2, activation="softmax")])
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.3
                       for w in model.get_weights()])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile)
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    return model.get_weights(), history.history


def test_compiled_training_matches_eager():
    eager_w, eager_h = _fit(False)
    jit_w, jit_h = _fit(True)
    for a, b in zip(eager_w, jit_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eager_h["loss"], jit_h["loss"], rtol=1e-5)
    np.testing.assert_allclose(eager_h["accuracy"], jit_h["accuracy"])


def _seed_convnet(dropout, out_activation="softmax", conv_activation="relu"):
    L = layers
    stack = [L.Input(shape=(12, 12, 1)), L.Conv2D(8, (3, 3), activation=conv_activation),
             L.Conv2D(16, (3, 3), activation=conv_activation), L.MaxPooling2D((2, 2))]
    if dropout:
        stack.append(L.Dropout(0.25))
    stack += [L.Flatten(), L.Dense(32, activation="relu"), L.Dense(4, activation=out_activation)]
    return lamina.Sequential(stack)


def _fit_model(build, x, y, jit_compile, loss="categorical_crossentropy", batch_size=16):
    lamina.utils.set_random_seed(3)
    model = build()
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"], jit_compile=jit_compile)
    history = model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0)
    return model, history.history


def _graph_breaks(model, x, y):
    import torch

    explanation = torch._dynamo.explain(model._forward_and_loss)(
        torch.from_numpy(x), torch.from_numpy(y), None)
    return explanation.graph_break_count, explanation.graph_count


def test_compiled_convnet_matches_eager_in_one_graph():
    """The seeds' convnet shape (channels_last convolutions with relu, max pooling): the
    compiled step gives eager's weights and History, from a single graph."""
    rng = np.random.default_rng(1)
    x = rng.random((64, 12, 12, 1), dtype=np.float32)
    y = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 64)]
    eager, he = _fit_model(lambda: _seed_convnet(False), x, y, False)
    jit, hj = _fit_model(lambda: _seed_convnet(False), x, y, True)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(he["loss"], hj["loss"], rtol=1e-5)
    np.testing.assert_allclose(he["accuracy"], hj["accuracy"])
    assert _graph_breaks(jit, x[:16], y[:16]) == (0, 1)


def test_compiled_conv_with_an_axis_activation_keeps_its_axis():
    """softmax on a Conv2D acts along the channels (last) axis, compiled or not."""
    rng = np.random.default_rng(2)
    x = rng.random((32, 12, 12, 1), dtype=np.float32)
    y = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 32)]
    eager, _ = _fit_model(lambda: _seed_convnet(False, conv_activation="softmax"), x, y, False)
    jit, _ = _fit_model(lambda: _seed_convnet(False, conv_activation="softmax"), x, y, True)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    probe = lamina.ops.convert_to_numpy(jit.layers[0](x[:2]))
    assert probe.shape == (2, 10, 10, 8)
    np.testing.assert_allclose(probe.sum(-1), 1.0, rtol=1e-5)


def test_compiled_seed_convnet_with_dropout_matches_eager_in_one_graph():
    """Dropout draws from torch's own generator compiled or not: the same seed gives the same
    masks, so the compiled fit repeats the eager one."""
    rng = np.random.default_rng(4)
    x = rng.random((96, 12, 12, 1), dtype=np.float32)
    y = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 96)]
    eager, he = _fit_model(lambda: _seed_convnet(True), x, y, False)
    jit, hj = _fit_model(lambda: _seed_convnet(True), x, y, True)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(he["loss"], hj["loss"], rtol=1e-5)
    assert _graph_breaks(jit, x[:16], y[:16]) == (0, 1)


def test_compiled_seed_mlp_on_the_onednn_path_matches_eager():
    """784-512-10 at batch 128: the products that take oneDNN, inside the compiled graph."""
    rng = np.random.default_rng(5)
    x = rng.random((256, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)]

    def build():
        return lamina.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                                  layers.Dense(10, activation="softmax")])

    eager, he = _fit_model(build, x, y, False, batch_size=128)
    jit, hj = _fit_model(build, x, y, True, batch_size=128)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(he["loss"], hj["loss"], rtol=1e-5)
    assert _graph_breaks(jit, x[:128], y[:128]) == (0, 1)


def test_compiled_training_with_a_short_last_batch_matches_eager():
    rng = np.random.default_rng(6)
    x = rng.random((70, 12, 12, 1), dtype=np.float32)  # 4 batches of 16, then one of 6
    y = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 70)]
    eager, he = _fit_model(lambda: _seed_convnet(False), x, y, False)
    jit, hj = _fit_model(lambda: _seed_convnet(False), x, y, True)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(he["loss"], hj["loss"], rtol=1e-5)


@pytest.mark.parametrize("cell", ["LSTM", "GRU", "SimpleRNN"])
def test_compiled_recurrent_model_matches_eager_in_one_graph(cell):
    """The seeds' text-generation shape (two stacked recurrent layers, softmax on top); the
    first layer's input needs no gradient, the case torch's fused LSTM cannot compile."""
    rng = np.random.default_rng(7)
    x = rng.random((48, 5, 6), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 48)]
    cls = getattr(layers, cell)

    def build():
        return lamina.Sequential([cls(8, return_sequences=True, input_shape=(5, 6)), cls(8),
                                  layers.Dense(3, activation="softmax")])

    eager, he = _fit_model(build, x, y, False)
    jit, hj = _fit_model(build, x, y, True)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(he["loss"], hj["loss"], rtol=1e-5)
    # predict/evaluate in between (they fill the fused kernels' weight caches), then train on
    np.testing.assert_allclose(jit.predict(x, verbose=0), eager.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-6)
    jit.evaluate(x, y, verbose=0)
    assert np.isfinite(jit.fit(x, y, batch_size=16, epochs=1, verbose=0).history["loss"][0])
    assert _graph_breaks(jit, x[:16], y[:16]) == (0, 1)


def test_compiled_step_with_metrics_whose_state_depends_on_the_data():
    """F1Score and R2Score create their variables from the first batch's shapes: that happens
    before the compiled step, so their values match eager; these metrics and the threshold
    ones (AUC, Precision) update inside the one compiled graph."""
    rng = np.random.default_rng(8)
    x = rng.random((48, 6), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 48)]

    def build():
        return lamina.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"),
                                  layers.Dense(3, activation="softmax")])

    histories = []
    for jit in (False, True):
        lamina.utils.set_random_seed(3)
        model = build()
        model.compile(optimizer="adam", loss="categorical_crossentropy", jit_compile=jit,
                      metrics=[lamina.metrics.F1Score(average="macro"), lamina.metrics.R2Score(),
                               lamina.metrics.AUC(name="auc"),
                               lamina.metrics.Precision(thresholds=[0.3, 0.6], name="precision")])
        histories.append(model.fit(x, y, batch_size=16, epochs=2, shuffle=False,
                                   verbose=0).history)
    for key in ("f1_score", "r2_score", "auc", "precision", "loss"):
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-5)
    assert _graph_breaks(model, x[:16], y[:16]) == (0, 1)


def test_compiled_masked_sequence_model_matches_eager_in_one_graph():
    """Embedding(mask_zero=True) -> LSTM: eager packs the padded sequences (lengths read on the
    host); compiled, the masked step loop runs inside the one graph, with the same numbers."""
    rng = np.random.default_rng(9)
    x = rng.integers(1, 20, (48, 6))
    for row, length in zip(x, rng.integers(2, 7, 48)):
        row[length:] = 0  # right padding
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 48)]

    def build():
        return lamina.Sequential([layers.Input((6,)), layers.Embedding(20, 8, mask_zero=True),
                                  layers.LSTM(8), layers.Dense(3, activation="softmax")])

    eager, he = _fit_model(build, x, y, False)
    jit, hj = _fit_model(build, x, y, True)
    for a, b in zip(eager.get_weights(), jit.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(he["loss"], hj["loss"], rtol=1e-5)
    assert _graph_breaks(jit, x[:16], y[:16]) == (0, 1)
