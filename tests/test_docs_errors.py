"""Every row of docs/errors.md: the wrong use raises the error shown, with the quoted text."""

import os
import re

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers

DOC = os.path.join(os.path.dirname(__file__), "..", "docs", "errors.md")


def _rows():
    rows = []
    with open(DOC, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[a-z_]+", cells[0]) and cells[0] != "case":
            quoted = cells[3]
            assert quoted.startswith("`") and quoted.endswith("`"), line
            rows.append((cells[0], cells[2], quoted[1:-1]))
    return rows


def _mlp(compiled=True, loss="sparse_categorical_crossentropy"):
    model = lamina.Sequential([layers.Input((784,)), layers.Dense(10, activation="softmax")])
    if compiled:
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


X = np.zeros((8, 784), "float32")
Y = np.zeros(8, "int64")


def _nan_loss():
    x = X.copy()
    x[0, 0] = np.nan
    _mlp().fit(x, Y, verbose=0, callbacks=[callbacks.TerminateOnNaN(raise_error=True)])


def _not_a_model(tmp):
    path = os.path.join(tmp, "t.keras")
    with open(path, "w") as f:
        f.write("hello")
    lamina.models.load_model(path)


def _label_out_of_range(tmp):  # label 7 for a 3-class model
    model = lamina.Sequential([layers.Input((784,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, np.array([0, 1, 2, 7] * 2), verbose=0)


CASES = {
    "label_out_of_range": _label_out_of_range,
    "fit_before_compile": lambda tmp: _mlp(False).fit(X, Y, verbose=0),
    "evaluate_before_compile": lambda tmp: _mlp(False).evaluate(X, Y, verbose=0),
    "no_loss": lambda tmp: _mlp(loss=None).fit(X, Y, verbose=0),
    "no_targets": lambda tmp: _mlp().fit(X, verbose=0),
    "wrong_rank": lambda tmp: _mlp().fit(np.zeros((8, 28, 28), "float32"), Y, verbose=0),
    "wrong_features": lambda tmp: _mlp().predict(np.zeros((8, 100), "float32"), verbose=0),
    "missing_channel_axis": lambda tmp: lamina.Sequential(
        [layers.Input((28, 28)), layers.Conv2D(8, 3)]),
    "length_mismatch": lambda tmp: _mlp().fit(X, np.zeros(7), verbose=0),
    "strings_for_numbers": lambda tmp: _mlp().fit(np.array([["a"] * 784] * 8), Y, verbose=0),
    "empty_data": lambda tmp: _mlp().fit(np.zeros((0, 784), "float32"), np.zeros(0), verbose=0),
    "bad_batch_size": lambda tmp: _mlp().fit(X, Y, batch_size=0, verbose=0),
    "validation_split_generator": lambda tmp: _mlp().fit(
        (b for b in [(X, Y)]), validation_split=0.2, verbose=0),
    "int_labels_categorical": lambda tmp: _mlp(loss="categorical_crossentropy").fit(
        X, Y, verbose=0),
    "unknown_optimizer": lambda tmp: _mlp(False).compile(optimizer="adamm", loss="mse"),
    "unknown_loss": lambda tmp: _mlp(False).compile(optimizer="adam", loss="msee"),
    "unknown_metric": lambda tmp: _mlp(False).compile(optimizer="adam", loss="mse",
                                                      metrics=["acuracy"]),
    "unknown_activation": lambda tmp: layers.Dense(3, activation="relux"),
    "misspelt_argument": lambda tmp: layers.Dense(3, activaton="relu"),
    "zero_units": lambda tmp: layers.Dense(0),
    "dropout_rate": lambda tmp: layers.Dropout(1.5),
    "set_weights_shapes": lambda tmp: _mlp().set_weights([np.zeros((3, 3)), np.zeros(10)]),
    "save_extension": lambda tmp: _mlp().save(os.path.join(tmp, "m.pt")),
    "load_missing_file": lambda tmp: lamina.models.load_model(os.path.join(tmp, "nope.keras")),
    "load_not_a_model": _not_a_model,
    "nan_loss": lambda tmp: _nan_loss(),
}



ROWS = _rows()


def test_every_documented_case_has_a_check_and_back():
    assert sorted(name for name, _, _ in ROWS) == sorted(CASES)


@pytest.mark.parametrize("name, error, text", ROWS, ids=[r[0] for r in ROWS])
def test_documented_message(name, error, text, tmp_path):
    with pytest.raises(Exception) as info:
        CASES[name](str(tmp_path))
    assert type(info.value).__name__ == error or error in [
        c.__name__ for c in type(info.value).__mro__]
    assert text in str(info.value)
