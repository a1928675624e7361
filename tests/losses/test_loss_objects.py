"""lamina.losses against NumPy: values, reductions, names, errors and configs."""

import numpy as np
import pytest

from lamina import losses
from lamina.backend import core


def np_of(x):
    return core.convert_to_numpy(x)


Y_TRUE = np.array([[0.0, 1.0, 2.0], [1.0, 1.0, 0.0]], "float32")
Y_PRED = np.array([[0.5, 1.0, 0.0], [1.0, 3.0, 1.0]], "float32")
MSE = ((Y_TRUE - Y_PRED) ** 2).mean(-1)
MAE = np.abs(Y_TRUE - Y_PRED).mean(-1)


def test_functions_return_per_sample_values():
    np.testing.assert_allclose(np_of(losses.mean_squared_error(Y_TRUE, Y_PRED)), MSE, rtol=1e-6)
    np.testing.assert_allclose(np_of(losses.mean_absolute_error(Y_TRUE, Y_PRED)), MAE, rtol=1e-6)


@pytest.mark.parametrize(
    "reduction,expected",
    [
        ("sum_over_batch_size", MSE.mean()),
        ("mean", MSE.mean()),
        ("sum", MSE.sum()),
        ("none", MSE),
        (None, MSE),
        ("mean_with_sample_weight", MSE.mean()),
    ],
)
def test_reductions(reduction, expected):
    out = losses.MeanSquaredError(reduction=reduction)(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(np_of(out), expected, rtol=1e-6)


def test_sample_weight_reductions():
    sw = np.array([2.0, 0.5], "float32")
    weighted = MSE * sw
    cases = {
        "sum_over_batch_size": weighted.sum() / 2,
        "sum": weighted.sum(),
        "mean_with_sample_weight": weighted.sum() / sw.sum(),
        "none": weighted,
    }
    for reduction, expected in cases.items():
        out = losses.MeanSquaredError(reduction=reduction)(Y_TRUE, Y_PRED, sample_weight=sw)
        np.testing.assert_allclose(np_of(out), expected, rtol=1e-6)
    # a (batch, 1) weight is squeezed to match the (batch,) values
    out = losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=sw[:, None])
    np.testing.assert_allclose(np_of(out), weighted.sum() / 2, rtol=1e-6)


def test_zero_weights_give_zero_not_nan():
    out = losses.MeanSquaredError(reduction="mean_with_sample_weight")(
        Y_TRUE, Y_PRED, sample_weight=[0.0, 0.0]
    )
    assert float(np_of(out)) == 0.0


def test_crossentropies_against_numpy():
    p = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], "float32")
    labels = np.array([1, 0])
    onehot = np.eye(3, dtype="float32")[labels]
    expected = -np.log(p[[0, 1], labels])
    np.testing.assert_allclose(
        np_of(losses.categorical_crossentropy(onehot, p)), expected, rtol=1e-6
    )
    np.testing.assert_allclose(
        np_of(losses.sparse_categorical_crossentropy(labels, p)), expected, rtol=1e-6
    )
    logits = np.log(p)
    np.testing.assert_allclose(
        np_of(losses.CategoricalCrossentropy(from_logits=True, reduction=None)(onehot, logits)),
        expected,
        rtol=1e-5,
    )
    y, q = np.array([[1.0, 0.0]], "float32"), np.array([[0.8, 0.4]], "float32")
    bce = -(np.log(0.8) + np.log(0.6)) / 2
    np.testing.assert_allclose(np_of(losses.binary_crossentropy(y, q)), [bce], rtol=1e-6)
    smoothed = np.array([[0.9, 0.1]])  # label_smoothing=0.2 squeezes towards 0.5
    bce_s = -(smoothed * np.log([0.8, 0.4]) + (1 - smoothed) * np.log([0.2, 0.6])).mean()
    np.testing.assert_allclose(
        np_of(losses.binary_crossentropy(y, q, label_smoothing=0.2)), [bce_s], rtol=1e-5
    )


def test_ignore_class_averages_over_kept_entries():
    p = np.full((3, 2), 0.5, "float32")
    out = losses.SparseCategoricalCrossentropy(ignore_class=-1)([0, -1, 1], p)
    np.testing.assert_allclose(np_of(out), np.log(2.0), rtol=1e-6)


@pytest.mark.parametrize(
    "name,fn",
    [
        ("mse", "mean_squared_error"),
        ("MSE", "mean_squared_error"),
        ("mae", "mean_absolute_error"),
        ("MAE", "mean_absolute_error"),
        ("bce", "binary_crossentropy"),
        ("mean_squared_error", "mean_squared_error"),
        ("categorical_crossentropy", "categorical_crossentropy"),
        ("sparse_categorical_crossentropy", "sparse_categorical_crossentropy"),
    ],
)
def test_get_strings_give_functions(name, fn):
    assert losses.get(name) is getattr(losses, fn)


def test_get_class_names_dicts_and_objects():
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert isinstance(losses.get(losses.BinaryCrossentropy), losses.BinaryCrossentropy)
    obj = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert obj.from_logits is True
    same = losses.MeanAbsoluteError()
    assert losses.get(same) is same
    assert losses.get(None) is None


def test_unknown_loss_names_the_loss_and_the_choices():
    with pytest.raises(ValueError, match="'mean_sqared_error'.*mean_squared_error"):
        losses.get("mean_sqared_error")
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get(3)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")
    with pytest.raises(ValueError, match="same shape"):
        losses.categorical_crossentropy(np.zeros((2, 1)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="same shape"):
        losses.sparse_categorical_crossentropy(np.zeros((3,)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="axis"):
        losses.categorical_crossentropy(np.zeros((2, 3)), np.ones((2, 3)), axis=True)
    with pytest.raises(ValueError, match="sample_weight"):
        losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=[1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "obj",
    [
        losses.MeanSquaredError(reduction="sum", name="a"),
        losses.MeanAbsoluteError(),
        losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, axis=0),
        losses.CategoricalCrossentropy(label_smoothing=0.2),
        losses.SparseCategoricalCrossentropy(ignore_class=255, reduction=None),
        losses.LossFunctionWrapper(losses.mean_absolute_error, name="w", reduction="sum"),
    ],
)
def test_config_round_trip(obj):
    config = losses.serialize(obj)
    assert config["module"] == "keras.losses" and config["class_name"] == type(obj).__name__
    back = losses.deserialize(config)
    assert type(back) is type(obj) and back.get_config() == obj.get_config()
    y_true = [0, 2] if isinstance(obj, losses.SparseCategoricalCrossentropy) else Y_TRUE / 3
    y_pred = Y_PRED / 3 + 0.1
    np.testing.assert_allclose(np_of(back(y_true, y_pred)), np_of(obj(y_true, y_pred)))


def test_function_round_trip():
    assert (
        losses.deserialize(losses.serialize(losses.binary_crossentropy))
        is losses.binary_crossentropy
    )


def test_default_names_and_dtype():
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Loss().name.startswith("loss")
    assert losses.MeanSquaredError().dtype == "float32"
    assert losses.MeanSquaredError(dtype="mixed_float16").dtype == "float16"


def test_resolve_loss_crossentropy_by_shape():
    assert losses.resolve_loss("ce", (4, 1), (4, 1)).fn is losses.binary_crossentropy
    assert (
        losses.resolve_loss("crossentropy", (4,), (4, 3)).fn
        is losses.sparse_categorical_crossentropy
    )
    assert losses.resolve_loss("CE", (4, 3), (4, 3)).fn is losses.categorical_crossentropy
    wrapped = losses.resolve_loss("mse", (4, 1), (4, 1))
    assert isinstance(wrapped, losses.LossFunctionWrapper) and wrapped.name == "mse"
