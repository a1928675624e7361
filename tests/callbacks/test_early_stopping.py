import os

import numpy as np
import pytest

from lamina.callbacks import CallbackList, EarlyStopping


def run(callback, model, values, key="val_loss"):
    """Feed per-epoch values until the callback stops training; return the epochs run."""
    cbs = CallbackList([callback], model=model)
    cbs.on_train_begin()
    epochs = 0
    for epoch, value in enumerate(values):
        model.weights[0][0] = epoch  # so restored weights name their epoch
        cbs.on_epoch_end(epoch, {key: value})
        epochs += 1
        if model.stop_training:
            break
    cbs.on_train_end()
    return epochs


def test_patience_counts_epochs_without_improvement(model):
    assert run(EarlyStopping(patience=2), model, [1.0, 0.9, 0.95, 0.96, 0.5, 0.4]) == 4


def test_patience_zero_stops_at_first_non_improvement(model):
    assert run(EarlyStopping(), model, [1.0, 0.8, 0.9, 0.1]) == 3


def test_min_delta(model):
    # 0.95 improves by less than min_delta=0.1: not an improvement.
    assert run(EarlyStopping(min_delta=0.1, patience=1), model, [1.0, 0.95, 0.94, 0.1]) == 2
    model.stop_training = False
    assert run(EarlyStopping(min_delta=0.1, patience=2), model, [1.0, 0.95, 0.8, 0.79]) == 4


def test_mode_auto_for_accuracy_maximises(model):
    assert (
        run(
            EarlyStopping(monitor="val_accuracy"),
            model,
            [0.5, 0.6, 0.7, 0.6, 0.9],
            key="val_accuracy",
        )
        == 4
    )


def test_mode_auto_uses_model_metric_direction(model):
    class Metric:
        name = "my_score"
        _direction = "up"

    container = type("Container", (), {})()
    container.metrics = [Metric()]
    model.metrics = [container]
    cb = EarlyStopping(monitor="val_my_score")
    assert run(cb, model, [1.0, 2.0, 1.5], key="val_my_score") == 3


def test_mode_auto_unknown_metric_raises(model):
    with pytest.raises(ValueError, match="mode='max'"):
        run(EarlyStopping(monitor="weird"), model, [1.0], key="weird")


def test_explicit_mode_max(model):
    assert run(EarlyStopping(monitor="weird", mode="max"), model, [1, 2, 1], key="weird") == 3


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="unknown"):
        cb = EarlyStopping(mode="sideways")
    assert cb.mode == "auto"


def test_restore_best_weights(model, capsys):
    cb = EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    assert run(cb, model, [1.0, 0.5, 0.7, 0.8]) == 3
    assert cb.best_epoch == 1 and model.weights[0][0] == 1
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


def test_baseline_must_be_beaten(model):
    # The first epoch counts towards patience when it does not beat the baseline.
    assert run(EarlyStopping(patience=2, baseline=0.1), model, [1.0, 1.1, 1.2, 1.3]) == 2
    model.stop_training = False
    # Keras' rule: an epoch that improves on the best never stops training, even if it
    # misses the baseline.
    model.stop_training = False
    assert run(EarlyStopping(patience=1, baseline=0.1), model, [1.0, 0.9, 0.8, 0.7]) == 4


def test_start_from_epoch_ignores_warmup(model):
    assert run(EarlyStopping(), model, [1.0, 2.0, 3.0, 4.0]) == 2
    model.stop_training = False
    assert run(EarlyStopping(start_from_epoch=2), model, [1.0, 2.0, 3.0, 4.0]) == 4


def test_missing_monitor_warns_and_does_not_stop(model):
    with pytest.warns(UserWarning, match="Available metrics are: loss"):
        assert run(EarlyStopping(), model, [1.0, 2.0, 3.0], key="loss") == 3
    assert not model.stop_training


def test_reusable_across_fits(model):
    cb = EarlyStopping(patience=0)
    assert run(cb, model, [1.0, 2.0]) == 2
    model.stop_training = False
    assert run(cb, model, [5.0, 4.0, 3.0]) == 3
    assert cb.min_delta == 0  # not negated twice


SEQUENCES = [
    ({"patience": 2, "min_delta": 0.01}, [0.9, 0.8, 0.85, 0.7, 0.75, 0.76, 0.77, 0.5]),
    ({"patience": 1, "baseline": 0.5}, [1.0, 0.9, 0.95, 0.4, 0.45, 0.3]),
    ({"patience": 1, "baseline": 0.5}, [1.0, 1.1, 1.2, 0.4]),
    ({"patience": 0, "start_from_epoch": 2}, [1.0, 2.0, 3.0, 4.0]),
    ({"patience": 3, "mode": "max"}, [0.1, 0.2, 0.2, 0.2, 0.2, 0.3]),
    ({"patience": 1, "restore_best_weights": True}, [0.5, 0.4, 0.6, 0.7, 0.1]),
]


@pytest.mark.parametrize("kwargs, values", SEQUENCES)
def test_matches_keras(model, kwargs, values):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    ours_cb = EarlyStopping(**kwargs)
    ours = run(ours_cb, model, values)

    class KerasModel:
        def __init__(self):
            self.stop_training = False
            self.metrics = []
            self.weights = [np.zeros(1)]

        def get_weights(self):
            return [w.copy() for w in self.weights]

        def set_weights(self, w):
            self.weights = w

    km = KerasModel()
    cb = keras.callbacks.EarlyStopping(**kwargs)
    cb.set_model(km)
    cb.on_train_begin()
    theirs = 0
    for epoch, v in enumerate(values):
        km.weights[0][0] = epoch
        cb.on_epoch_end(epoch, {"val_loss": v})
        theirs += 1
        if km.stop_training:
            break
    cb.on_train_end()
    assert ours == theirs
    assert (ours_cb.best, ours_cb.best_epoch, ours_cb.wait) == (cb.best, cb.best_epoch, cb.wait)
    assert model.weights[0][0] == km.weights[0][0]
