"""add_weight's arguments do what Keras' do, or are refused: none is accepted and dropped."""

import pytest

from lamina import layers


def _layer():
    layer = layers.Layer(name="holder")
    return layer


@pytest.mark.parametrize("value, stored", [("none", "none"), (None, "none"), ("mean", "mean"),
                                           ("sum", "sum"),
                                           ("only_first_replica", "only_first_replica")])
def test_aggregation_is_kept_on_the_variable(value, stored):
    v = _layer().add_weight(shape=(2,), aggregation=value, name="w")
    assert v.aggregation == stored


def test_unknown_aggregation_is_refused():
    with pytest.raises(ValueError, match="holder.*aggregation.*'mean'.*received aggregation='avg'"):
        _layer().add_weight(shape=(2,), aggregation="avg")


def test_overwrite_with_gradient_is_refused_not_ignored():
    assert _layer().add_weight(shape=(1,)).overwrite_with_gradient is False
    with pytest.raises(NotImplementedError, match="overwrite_with_gradient"):
        _layer().add_weight(shape=(1,), overwrite_with_gradient=True)


def test_autocast_is_recorded():
    assert _layer().add_weight(shape=(1,), autocast=False).autocast is False
