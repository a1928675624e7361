"""lamina.ops has Keras 3's op names, less a short documented list."""

import os

import pytest

from lamina import ops

# names keras.ops has and lamina.ops does not, with the reason for each
MISSING = {}

# present in lamina but not in keras.ops' public names: the submodules Keras keeps private
EXTRA = {"core", "math"}


def test_lamina_has_the_keras_op_names():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    keras_names = {n for n in dir(keras.ops) if not n.startswith("_")}
    lamina_names = set(ops.__all__)
    assert keras_names - lamina_names == set(MISSING)
    assert lamina_names - keras_names == EXTRA


@pytest.mark.parametrize("sub", ["nn", "linalg", "image", "numpy"])
def test_submodules_have_the_keras_names(sub):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    keras_names = {n for n in dir(getattr(keras.ops, sub)) if not n.startswith("_")}
    lamina_names = set(getattr(ops, sub).__all__)
    assert keras_names - lamina_names == set(SUBMODULE_MISSING.get(sub, {}))


# keras.ops submodule names lamina does not have (none since ops.image gained the last six)
SUBMODULE_MISSING: dict = {}
