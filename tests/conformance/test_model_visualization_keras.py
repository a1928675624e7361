"""model_to_dot writes the same dot source as Keras 3's for the same models (node ids, which
are Python ids, replaced by layer names): the same boxes, labels, edges and clusters."""

import re

import pytest

pytest.importorskip("pydot")

import lamina
from lamina.utils import model_to_dot


def _nested(lib):
    L = lib.layers
    inner = lib.Sequential([lib.Input((4,)), L.Dense(3, name="d1", activation="relu"),
                            L.Dense(2, name="d2")], name="inner")
    a, b = lib.Input((4,), name="a"), lib.Input((2,), name="b")
    out = L.Dense(1, activation="sigmoid", name="out")(L.Concatenate(name="cat")([inner(a), b]))
    frozen = L.Dense(1, name="frozen")
    side = frozen(out)
    frozen.trainable = False
    return lib.Model([a, b], [out, side], name="outer"), [inner]


def _sequential(lib):
    L = lib.layers
    block = lib.Sequential([lib.Input((6,)), L.Dense(5, name="b1"), L.Dropout(0.1, name="drop")],
                           name="block")
    model = lib.Sequential([lib.Input((6,)), block, L.Dense(2, activation="softmax", name="head")],
                           name="seq")
    return model, [block]


def _functional_in_functional(lib):
    L = lib.layers
    x = lib.Input((3,), name="x")
    sub = lib.Model(x, L.Dense(4, name="inner_dense")(x), name="sub")
    y = lib.Input((3,), name="y")
    z = L.Add(name="add")([sub(y), L.Dense(4, name="skip")(y)])
    return lib.Model(y, z, name="top"), [sub]


def _canonical(dot, model, nested):
    names = {str(id(layer)): layer.name for m in [model, *nested] for layer in m.layers}
    return re.sub(r"\d{6,}", lambda m: names.get(m.group(0), "?"), dot.to_string())


@pytest.mark.parametrize("build", [_nested, _sequential, _functional_in_functional])
@pytest.mark.parametrize("options", [
    {},
    {"show_shapes": True, "show_dtype": True, "show_layer_activations": True,
     "show_trainable": True},
    {"expand_nested": True, "show_shapes": True},
    {"show_layer_names": False, "rankdir": "LR", "dpi": 96},
], ids=["default", "everything", "expand_nested", "lr"])
def test_dot_source_matches_keras(keras, build, options):
    km, knested = build(keras)
    lm, lnested = build(lamina)
    theirs = _canonical(keras.utils.model_to_dot(km, **options), km, knested)
    ours = _canonical(model_to_dot(lm, **options), lm, lnested)
    assert "?" not in ours
    assert ours == theirs
