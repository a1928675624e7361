import numpy as np
import torch

from lamina.callbacks import Callback, CallbackList, History, LambdaCallback, ProgbarLogger


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", logs))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, logs))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("train_batch_end", batch, logs))


def test_dispatch_order_params_and_model(model):
    a, b = Recorder(), Recorder()
    cbs = CallbackList(
        [a, [b]], add_history=True, add_progbar=True, model=model, verbose=0, epochs=1, steps=1
    )
    assert cbs.callbacks[:2] == [a, b]
    assert isinstance(cbs.callbacks[2], History) and isinstance(cbs.callbacks[3], ProgbarLogger)
    assert a.model is model and a.params == {"verbose": 0, "epochs": 1, "steps": 1}
    assert model.history is cbs.callbacks[2]
    cbs.on_train_begin()
    cbs.on_train_batch_end(0, {"loss": torch.tensor(0.5)})
    cbs.on_epoch_end(0, {"loss": torch.tensor(0.25), "accuracy": np.float32(0.5)})
    for cb in (a, b):
        assert cb.calls[0] == ("train_begin", {})
        kind, _, logs = cb.calls[1]
        # A callback that reads batch logs gets plain floats, not tensors.
        assert kind == "train_batch_end" and type(logs["loss"]) is float
        _, _, logs = cb.calls[2]
        assert list(logs) == ["accuracy", "loss"]  # sorted, like Keras
        assert logs == {"accuracy": 0.5, "loss": 0.25}
        assert all(type(v) is float for v in logs.values())


def test_existing_history_and_progbar_are_not_duplicated(model):
    h, p = History(), ProgbarLogger()
    cbs = CallbackList([h, p], add_history=True, add_progbar=True, model=model)
    assert cbs.callbacks == [h, p]


def test_batch_hooks_skip_callbacks_that_do_not_override(model):
    seen = []
    lazy = History()
    eager = LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(logs))
    cbs = CallbackList([lazy], model=model)
    raw = {"loss": torch.tensor(1.0)}
    targets, eager_flag = cbs._batch_plan["on_train_batch_end"]
    assert targets == [] and not eager_flag
    cbs.append(eager)
    cbs.on_train_batch_end(3, raw)
    assert seen == [{"loss": 1.0}]


def test_keras2_batch_alias_is_called(model):
    seen = []

    class Old(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(batch)

    cbs = CallbackList([Old()], model=model)
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0)
    cbs.on_test_batch_end(0)
    assert seen == [0]


def test_nested_logs_are_flattened(model):
    rec = Recorder()
    cbs = CallbackList([rec], model=model)
    cbs.on_epoch_end(0, {"out": {"b_loss": 1.0, "a_loss": 2}, "loss": 3.0})
    assert rec.calls[-1][2] == {"a_loss": 2.0, "b_loss": 1.0, "loss": 3.0}


def test_history_records_epochs(model):
    cbs = CallbackList(None, add_history=True, model=model, epochs=2, steps=1, verbose=0)
    cbs.on_train_begin()
    for epoch in range(2):
        cbs.on_epoch_begin(epoch)
        cbs.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0})
    cbs.on_train_end()
    history = model.history
    assert history.epoch == [0, 1]
    assert history.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 2.0]}
    assert history.params == {"epochs": 2, "steps": 1, "verbose": 0}


def test_lambda_callback_hooks():
    log = []
    cb = LambdaCallback(
        on_epoch_begin=lambda e, logs: log.append(("eb", e)),
        on_train_end=lambda logs: log.append(("te",)),
        on_batch_end=lambda b, logs: log.append(("be", b)),
        on_test_end=lambda logs: log.append(("test_end",)),
    )
    cbs = CallbackList([cb])
    cbs.on_epoch_begin(1)
    cbs.on_train_batch_end(4, {})
    cbs.on_test_begin()
    cbs.on_test_end()
    cbs.on_train_end()
    assert log == [("eb", 1), ("be", 4), ("test_end",), ("te",)]


def test_model_property_unwraps_ddp(model):
    class DistributedDataParallel:
        def __init__(self, module):
            self.module = module

    cb = Callback()
    cb.set_model(DistributedDataParallel(model))
    assert cb.model is model


def test_keras2_callback_sets_model_and_reads_validation_data():
    # DLwP's ActivationLogger: `self.model = model` in set_model, self.validation_data[0]
    import numpy as np

    import lamina

    seen = {}

    class ActivationLogger(lamina.callbacks.Callback):
        def set_model(self, model):
            self.model = model

        def on_epoch_end(self, epoch, logs=None):
            seen["x"] = self.validation_data[0][0:1]
            seen["model"] = self.model

    x = np.arange(40, dtype="float32").reshape(10, 4)
    model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(4,))])
    model.compile("sgd", "mse")
    model.fit(x, x[:, :1], epochs=1, verbose=0, validation_data=(x[2:5], x[2:5, :1]),
              callbacks=[ActivationLogger()])
    np.testing.assert_array_equal(seen["x"], x[2:3])
    assert seen["model"] is model
    assert lamina.callbacks.Callback().validation_data is None
