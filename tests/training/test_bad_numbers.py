"""NaN/Inf in data or weights and out-of-range labels: errors that say what and where."""

import warnings

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers


def _classifier(loss="sparse_categorical_crossentropy", classes=3):
    model = lamina.Sequential([layers.Input((4,)), layers.Dense(classes, activation="softmax")])
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


def _x(n=20, seed=0):
    return np.random.default_rng(seed).random((n, 4)).astype("float32")


def test_sparse_label_out_of_range_names_loss_label_and_classes():
    y = np.array([0, 1, 2, 7] * 5)
    with pytest.raises(ValueError) as info:
        _classifier().fit(_x(), y, epochs=1, verbose=0)
    message = str(info.value)
    assert "sparse_categorical_crossentropy" in message
    assert "label 7" in message and "[0, 3)" in message and "3 classes" in message
    assert isinstance(info.value, IndexError)  # what torch and Keras users catch


def test_negative_label_is_reported_too():
    with pytest.raises(ValueError, match="label -1"):
        _classifier().fit(_x(4), np.array([0, -1, 1, 2]), epochs=1, verbose=0)


def test_categorical_crossentropy_with_integer_labels_suggests_the_fix():
    with pytest.raises(ValueError) as info:
        _classifier("categorical_crossentropy").fit(_x(), np.arange(20) % 3, epochs=1,
                                                    verbose=0)
    message = str(info.value)
    assert "sparse_categorical_crossentropy" in message
    assert "to_categorical(y, num_classes=3)" in message


def test_nan_in_inputs_is_reported_with_the_epoch():
    x = _x()
    x[5, 2] = np.nan
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = _classifier().fit(x, np.arange(20) % 3, epochs=3, verbose=0)
    reports = [w for w in caught if issubclass(w.category, RuntimeWarning)
               and "training loss is nan" in str(w.message)]
    assert len(reports) == 1  # once per fit, not once per epoch
    text = str(reports[0].message)
    assert text.startswith("Epoch 1:") and "inputs hold 1 NaN/Inf" in text
    assert "TerminateOnNaN" in text
    assert np.isnan(history.history["loss"][0])


def test_terminate_on_nan_stops_at_the_batch_and_names_it(capsys):
    x = _x()
    x[13, 1] = np.inf  # batch 3 of 4-sample batches
    model = _classifier()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the epoch-level warning is not repeated
        history = model.fit(x, np.arange(20) % 3, epochs=5, batch_size=4, shuffle=False,
                            verbose=0, callbacks=[callbacks.TerminateOnNaN()])
    out = capsys.readouterr().out
    assert "Epoch 1, batch 3: the loss is nan" in out and "inputs hold 1 NaN/Inf" in out
    assert len(history.history["loss"]) == 1
    assert int(model.optimizer.iterations.numpy()) == 4


def test_terminate_on_nan_raise_error_names_weights():
    model = _classifier()
    kernel = model.get_weights()[0]
    kernel[0, 0] = np.nan
    model.set_weights([kernel, model.get_weights()[1]])
    with pytest.raises(RuntimeError) as info:
        model.fit(_x(), np.arange(20) % 3, epochs=1, verbose=0,
                  callbacks=[callbacks.TerminateOnNaN(raise_error=True)])
    message = str(info.value)
    assert "Epoch 1, batch 0" in message and "/kernel" in message and "Weights hold" in message


def test_finite_data_overflow_suggests_lower_learning_rate():
    from lamina.callbacks.terminate_on_nan import nonfinite_report

    model = _classifier()
    assert "lower learning rate" in nonfinite_report(model, (_x(), np.zeros(20)))
