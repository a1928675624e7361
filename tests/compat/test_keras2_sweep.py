"""Keras 2 tutorial idioms found failing in a sweep of `lamina run` scripts: optimizer
``decay=``, ``save_weights("w.h5")``, ``ModelCheckpoint(period=)``, ``K.function``,
``predict_classes`` / ``predict_proba``, ``plot_model`` and Keras 2 ``.h5`` files with an
``Embedding``."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers
from lamina.compat import backend as K
from lamina.saving import legacy_config


def _run_script(tmp_path, script):
    path = tmp_path / "script.py"
    path.write_text(script, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "lamina", "run", str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)


SCRIPT = """
import os
import numpy as np
from keras.models import Sequential, load_model
from keras.layers import Dense
from keras.optimizers import SGD
from keras.callbacks import ModelCheckpoint
from keras import backend as K

# SGD(lr=, decay=): lr / (1 + decay * iterations) at each step, as Keras 2
m = Sequential([Dense(1, input_dim=1, use_bias=False, kernel_initializer='zeros')])
opt = SGD(lr=0.1, decay=0.5)
m.compile(optimizer=opt, loss='mse')
x = np.ones((1, 1), 'float32')
for _ in range(3):
    m.train_on_batch(x, x)
print('w', float(m.get_weights()[0][0, 0]))
print('lr', float(K.get_value(opt.lr)))

# save_weights / load_weights with a Keras 2 file name
m.save_weights('w.h5')
m2 = Sequential([Dense(1, input_dim=1, use_bias=False)])
m2.load_weights('w.h5')
print('weights', float(m2.get_weights()[0][0, 0]))

# ModelCheckpoint(..., period=2) with a Keras 2 weights file name: epochs 2 and 4 only
ckpt = ModelCheckpoint('w.{epoch:02d}.hdf5', save_weights_only=True, period=2)
m.fit(x, x, epochs=4, verbose=0, callbacks=[ckpt])
print('files', sorted(f for f in os.listdir('.') if f.endswith('.hdf5')))
"""


def test_keras2_training_script_runs(tmp_path):
    result = _run_script(tmp_path, SCRIPT)
    assert result.returncode == 0, result.stderr
    w = 0.0
    for it in range(3):  # d(w - 1)^2/dw = 2 (w - 1)
        w -= 0.1 / (1 + 0.5 * it) * 2 * (w - 1)
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert float(lines["w"]) == pytest.approx(w, rel=1e-5)
    assert float(lines["lr"]) == pytest.approx(0.1)  # opt.lr stays the base rate, as in Keras 2
    assert float(lines["weights"]) == pytest.approx(w, rel=1e-5)
    assert lines["files"] == "['w.02.hdf5', 'w.04.hdf5']"


def test_decay_and_h5_weight_names_stay_refused_outside_lamina_run(tmp_path):
    with pytest.raises(ValueError, match="InverseTimeDecay"):
        lamina.optimizers.SGD(learning_rate=0.1, decay=0.5)
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(str(tmp_path / "w.h5"))


def test_model_checkpoint_period_saves_every_nth_epoch(tmp_path):
    x = np.ones((4, 2), "float32")
    model = lamina.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(DeprecationWarning, match="period"):
        ckpt = callbacks.ModelCheckpoint(str(tmp_path / "m{epoch}.keras"), period=3)
    model.fit(x, x[:, :1], epochs=7, verbose=0, callbacks=[ckpt])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m3.keras", "m6.keras"]
    with pytest.raises(ValueError, match="period"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), period=0)


def test_k_function_reads_intermediate_outputs():
    model = lamina.Sequential([layers.Dense(4, input_shape=(3,), activation="relu"),
                               layers.Dense(2), layers.Dropout(0.5), layers.Dense(1)])
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    f = K.function([model.input], [model.layers[1].output])
    out = f([x])
    w0, b0 = model.layers[0].get_weights()
    w1, b1 = model.layers[1].get_weights()
    want = np.maximum(x @ w0 + b0, 0) @ w1 + b1
    assert isinstance(out, list) and len(out) == 1
    np.testing.assert_allclose(out[0], want, rtol=1e-5, atol=1e-6)
    # K.learning_phase() among the inputs: 1 runs dropout, 0 does not
    g = K.function([model.input, K.learning_phase()], [model.layers[2].output])
    np.testing.assert_allclose(g([x, 0])[0], want, rtol=1e-5, atol=1e-6)
    dropped = g([x, 1])[0]
    assert np.all((dropped == 0) | np.isclose(dropped, 2 * want, rtol=1e-5, atol=1e-6))
    with pytest.raises(ValueError, match="symbolic"):
        K.function([x], [x])


@pytest.mark.parametrize("name, replacement", [
    ("predict_classes", "np.argmax(model.predict(x), axis=-1)"),
    ("predict_proba", "model.predict(x)"),
])
def test_removed_predict_methods_name_the_replacement(name, replacement):
    model = lamina.Sequential([layers.Dense(3, input_shape=(2,), activation="softmax")])
    assert not hasattr(model, name)
    with pytest.raises(AttributeError, match="Keras 2.6 removed") as info:
        getattr(model, name)(np.ones((1, 2)))
    assert replacement in str(info.value)
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        model.no_such_thing  # noqa: B018  (other missing names: torch's usual error)
    assert model.layers[0] is model.get_layer(index=0)


def test_plot_model_without_pydot_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)  # import pydot -> ImportError
    model = lamina.Sequential([layers.Dense(3, input_shape=(2,))])
    with pytest.raises(ImportError, match="pip install pydot"):
        lamina.utils.plot_model(model, to_file="model.png", show_shapes=True)


def test_keras2_h5_config_keeps_embedding_output_dim():
    entry = {"class_name": "Embedding", "config": {"input_dim": 20, "output_dim": 4}}
    assert legacy_config.translate_layer_entry(entry)["config"] == {"input_dim": 20,
                                                                    "output_dim": 4}
    dense = {"class_name": "Dense", "config": {"output_dim": 4}}  # Keras 1 Dense: units
    assert legacy_config.translate_layer_entry(dense)["config"] == {"units": 4}


def test_embedding_model_h5_round_trip(tmp_path):
    inp = layers.Input(shape=(5,), dtype="int32")
    out = layers.Dense(1)(layers.GlobalAveragePooling1D()(layers.Embedding(20, 4)(inp)))
    model = lamina.Model(inp, out)
    path = str(tmp_path / "m.h5")
    model.save(path)
    x = np.arange(10).reshape(2, 5) % 20
    np.testing.assert_allclose(lamina.models.load_model(path).predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-6)


def test_keras1_argument_names_get_their_replacement_in_the_error():
    import pytest

    import lamina

    with pytest.raises(TypeError, match=r"\['border_mode'\]; Keras 1 names, now: border_mode -> "
                                        r"padding"):
        lamina.layers.Conv2D(32, 3, 3, border_mode="same")
    with pytest.raises(TypeError, match="W_regularizer -> kernel_regularizer, init -> "
                                        "kernel_initializer"):
        lamina.layers.Dense(10, init="uniform", W_regularizer=None)
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['colour'\]$"):
        lamina.layers.Dense(10, colour="red")
