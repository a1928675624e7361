"""Keras 2 layer spellings: the old module paths and names under ``lamina run``, and old class
names in saved configs."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import lamina
from lamina.compat import layers as legacy
from lamina.models import serialization


def _run_script(tmp_path, script):
    path = tmp_path / "script.py"
    path.write_text(script, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "lamina", "run", str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_keras2_script_runs_under_lamina_run(tmp_path):
    # one script (each `lamina run` pays lamina's import time)
    script = (
        "import numpy as np\n"
        "import lamina\n"
        "from keras.layers.advanced_activations import LeakyReLU, PReLU, ELU\n"
        "from keras.layers.merge import concatenate, add\n"
        "from keras.layers import Input, Dense\n"
        "from keras.models import Model\n"
        "assert LeakyReLU is lamina.layers.LeakyReLU\n"
        "act = LeakyReLU(alpha=0.1)\n"
        "assert act.negative_slope == 0.1\n"
        "a, b = Input((3,)), Input((3,))\n"
        "x = concatenate([a, b])\n"
        "x = act(Dense(4)(x))\n"
        "x = add([x, PReLU()(x)])\n"
        "out = ELU()(x)\n"
        "model = Model([a, b], out)\n"
        "y = model.predict([np.ones((2, 3)), np.ones((2, 3))], verbose=0)\n"
        "print('shape', tuple(y.shape))\n"
        "from keras.layers.advanced_activations import ThresholdedReLU\n"
        "print('thr', ThresholdedReLU(theta=1.0)(np.array([0.5, 2.0], 'float32')).tolist())\n"
        "try:\n"
        "    from keras.layers.wrappers import NoSuchLayer\n"
        "except ImportError as e:\n"
        "    print('missing ok', 'NoSuchLayer' in str(e))\n"
        "if getattr(lamina.layers, 'Conv2D', None) is not None:\n"
        "    from keras.layers import Convolution2D\n"
        "    from keras.layers.convolutional import Convolution2D as C2, MaxPooling2D\n"
        "    assert Convolution2D is C2 and MaxPooling2D is lamina.layers.MaxPooling2D\n"
        "    assert issubclass(Convolution2D, lamina.layers.Conv2D)\n"
        "    print('conv', Convolution2D(4, 3).filters)\n"
        "else:\n"
        "    print('conv', 4)\n"
    )
    result = _run_script(tmp_path, script)
    assert result.returncode == 0, result.stderr
    assert "shape (2, 4)" in result.stdout
    assert "thr [0.0, 2.0]" in result.stdout
    assert "missing ok True" in result.stdout
    assert "conv 4" in result.stdout


def test_merge_functions_are_the_modern_ones():
    for name in legacy.MERGE_FUNCTIONS:
        if hasattr(lamina.layers, name):
            assert getattr(legacy, name) is getattr(lamina.layers, name)
    assert legacy.Dense is lamina.layers.Dense


def test_leaky_relu_alpha_is_the_keras2_spelling_of_negative_slope():
    with pytest.warns(UserWarning, match="negative_slope"):
        layer = lamina.layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1
    assert layer.get_config()["negative_slope"] == 0.1
    out = layer(lamina.ops.convert_to_tensor([-10.0, 5.0]))
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(out), [-1.0, 5.0])


def test_thresholded_relu_round_trips_and_loads_by_old_name():
    assert "ThresholdedReLU" in serialization.EXTRA_CLASSES
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        layer = legacy.ThresholdedReLU(theta=0.5)
        config = serialization.serialize_layer(layer)
        assert config["class_name"] == "ThresholdedReLU"
        again = serialization.deserialize_layer(config)
    assert isinstance(again, legacy.ThresholdedReLU) and again.theta == 0.5
    out = again(lamina.ops.convert_to_tensor([-1.0, 0.5, 0.7]))
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(out), [0.0, 0.0, 0.7], rtol=1e-6)


def test_old_class_names_in_configs_load():
    config = {"class_name": "CuDNNLSTM", "config": {"units": 3, "name": "old_lstm"}}
    if getattr(lamina.layers, "LSTM", None) is None:
        pytest.skip("lamina.layers has no LSTM yet")
    layer = serialization.deserialize_layer(config)
    assert isinstance(layer, lamina.layers.LSTM) and layer.units == 3
    config = {"class_name": "Deconvolution2D", "config": {"filters": 2, "kernel_size": 3}}
    if getattr(lamina.layers, "Conv2DTranspose", None) is not None:
        assert isinstance(serialization.deserialize_layer(config), lamina.layers.Conv2DTranspose)


def test_dir_lists_modern_and_old_names():
    names = dir(legacy)
    assert "Dense" in names and "ThresholdedReLU" in names and "concatenate" in names
