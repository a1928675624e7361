import re

import torch

from lamina.callbacks import CallbackList, ProgbarLogger
from lamina.utils import progbar as progbar_module


def fit_epochs(verbose, epochs=2, steps=3, monkeypatch=None):
    cbs = CallbackList(None, add_progbar=True, verbose=verbose, epochs=epochs, steps=steps)
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(steps):
            cbs.on_train_batch_end(step, {"loss": torch.tensor(0.5), "accuracy": 0.25})
        # Validation inside fit is silent.
        cbs.on_test_begin()
        cbs.on_test_batch_end(0, {"loss": 9.0})
        cbs.on_test_end({"loss": 9.0})
        cbs.on_epoch_end(
            epoch,
            {"loss": torch.tensor(0.5), "accuracy": 0.25, "val_loss": 0.75, "val_accuracy": 0.125},
        )
    cbs.on_train_end()


LINE = re.compile(
    r"^3/3 ━{20} \d+s \d+(us|ms|s)/step - accuracy: 0\.2500 - loss: 0\.5000"
    r" - val_accuracy: 0\.1250 - val_loss: 0\.7500$"
)


def test_verbose1_not_a_terminal_prints_one_line_per_epoch(capsys):
    fit_epochs(verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert LINE.match(lines[1]), lines[1]
    assert "\r" not in lines[1] and "\x1b" not in lines[1]


def test_verbose_auto_is_1(capsys):
    fit_epochs(verbose="auto", epochs=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and LINE.match(lines[0])  # no "Epoch 1/1" for a single epoch


def test_verbose2_line(capsys):
    fit_epochs(verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert re.match(
        r"^3/3 - \d+s - \d+(us|ms|s)/step - accuracy: 0\.2500 - loss: 0\.5000 - "
        r"val_accuracy: 0\.1250 - val_loss: 0\.7500$",
        lines[1],
    ), lines[1]


def test_verbose0_prints_nothing(capsys):
    fit_epochs(verbose=0)
    assert capsys.readouterr().out == ""


def test_terminal_redraws_in_place(capsys, monkeypatch):
    monkeypatch.setattr(progbar_module, "_is_dynamic_display", lambda: True)
    fit_epochs(verbose=1, epochs=1, steps=3)
    out = capsys.readouterr().out
    assert out.startswith("\r") and out.endswith("\n")
    assert out.count("\r") >= 2  # the first step and the final line at least
    final = re.sub(r"\x1b\[[0-9;]*m", "", out.split("\r")[-1])
    assert LINE.match(final.rstrip("\n").rstrip()), final


def test_unknown_steps_uses_seen_count(capsys):
    cbs = CallbackList(None, add_progbar=True, verbose=1, epochs=1, steps=None)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for step in range(5):
        cbs.on_train_batch_end(step, {"loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out.startswith("5/5 ━")


def test_evaluate_and_predict_outside_fit(capsys):
    cbs = CallbackList(None, add_progbar=True, verbose=1, epochs=1, steps=2)
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 1.0})
    cbs.on_test_batch_end(1, {"loss": 1.0})
    cbs.on_test_end({"loss": 2.0})
    cbs.on_predict_begin()
    cbs.on_predict_batch_end(0, {"outputs": torch.zeros(4, 3)})
    cbs.on_predict_batch_end(1, {"outputs": torch.zeros(4, 3)})
    cbs.on_predict_end()
    lines = capsys.readouterr().out.splitlines()
    assert re.match(r"^2/2 ━{20} \d+s \d+(us|ms|s)/step - loss: 2\.0000$", lines[0])
    assert re.match(r"^2/2 ━{20} \d+s \d+(us|ms|s)/step$", lines[1])


def test_no_per_step_conversion_when_not_a_terminal():
    """Off a terminal the logger must not touch the logs on ordinary steps."""

    class Exploding:
        def __float__(self):
            raise AssertionError("converted a log value on a batch")

    logger = ProgbarLogger()
    logger.set_params({"verbose": 1, "epochs": 1, "steps": 100})
    logger.on_train_begin()
    logger.on_epoch_begin(0)
    for step in range(100):
        logger.on_train_batch_end(step, {"loss": Exploding()})
    assert logger.seen == 100
