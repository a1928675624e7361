"""clone_model against real Keras 3: the same layer configs for the same model."""

import json

import lamina


# dtype: Keras writes a policy dict, lamina too but via another path (compared elsewhere);
# quantization_config: Keras 3.15's Dense has it (None), lamina's quantization is another issue.
_NOT_COMPARED = ("dtype", "quantization_config")


def _configs(model):
    out = []
    for layer in model.layers:
        cfg = json.loads(json.dumps(layer.get_config(), default=str))  # tuples as lists
        cfg.pop("name", None)
        out.append((type(layer).__name__, {k: v for k, v in cfg.items()
                                            if k not in _NOT_COMPARED}))
    return out


def _build(lib):
    inp = lib.Input((6,), name="features")
    h = lib.layers.Dense(8, activation="relu", use_bias=False)(inp)
    h = lib.layers.Dropout(0.25)(h)
    out = lib.layers.Dense(2, activation="softmax")(lib.layers.BatchNormalization()(h))
    return lib.Model(inp, out, name="clf"), lib.Sequential(
        [lib.Input((5,)), lib.layers.Dense(4, activation="tanh"), lib.layers.Dense(1)], name="seq")


def test_clone_layer_configs_match_keras(keras):
    for ours, theirs in zip(_build(lamina), _build(keras)):
        our_clone = lamina.models.clone_model(ours)
        their_clone = keras.models.clone_model(theirs)
        assert [type(l).__name__ for l in our_clone.layers] == \
            [type(l).__name__ for l in their_clone.layers]
        assert _configs(our_clone) == _configs(their_clone)
        assert our_clone.name == their_clone.name
        assert our_clone.count_params() == their_clone.count_params()
        assert len(our_clone.layers) == len(their_clone.layers)


def test_clone_function_sees_the_same_layers_as_keras(keras):
    seen = {}
    for lib in (lamina, keras):
        names = []

        def fn(layer, names=names):
            names.append(type(layer).__name__)
            return type(layer).from_config(layer.get_config())

        for model in _build(lib):
            lib.models.clone_model(model, clone_function=fn)
        seen[lib.__name__] = names
    assert seen["lamina"] == seen["keras"]
