import lamina
from lamina import layers, saving


def test_layer_round_trip():
    cfg = saving.serialize_keras_object(layers.Dense(3, activation="relu", name="d"))
    assert cfg["class_name"] == "Dense" and cfg["module"] == "keras.layers"
    dense = saving.deserialize_keras_object(cfg)
    assert dense.units == 3 and dense.name == "d"


def test_optimizer_round_trip():
    cfg = saving.serialize_keras_object(lamina.optimizers.Adam(0.01))
    opt = saving.deserialize_keras_object(cfg)
    assert type(opt).__name__ == "Adam"
    assert abs(float(opt.learning_rate.numpy()) - 0.01) < 1e-8


def test_registered_function():
    @saving.register_keras_serializable(package="tests")
    def double(x):
        return x * 2

    assert saving.get_registered_name(double) == "tests>double"
    assert saving.deserialize_keras_object(saving.serialize_keras_object(double)) is double


def test_a_custom_model_without_get_config_says_what_to_define(tmp_path):
    # Géron's ResidualRegressor(output_dim) saved without get_config: loading names the fix
    import numpy as np
    import pytest

    import lamina

    class Regressor(lamina.Model):
        def __init__(self, output_dim, **kwargs):
            super().__init__(**kwargs)
            self.out = lamina.layers.Dense(output_dim)

        def call(self, inputs):
            return self.out(inputs)

    model = Regressor(1)
    model(np.zeros((2, 3), "float32"))
    model.save(str(tmp_path / "r.keras"))
    with pytest.raises(TypeError, match=r"output_dim.*define get_config\(\)"):
        lamina.models.load_model(str(tmp_path / "r.keras"),
                                 custom_objects={"Regressor": Regressor})
