"""lamina.losses and lamina.metrics against real Keras 3 (torch backend) on the same inputs."""

import importlib.util
import os
import tempfile

import numpy as np
import pytest

if importlib.util.find_spec("keras") is None:
    pytest.skip("keras is not installed", allow_module_level=True)

from lamina import losses, metrics
from lamina.backend import core

RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(scope="module")
def keras():
    # Keras reads these once, at import: point it at torch and at a throwaway home
    os.environ["KERAS_BACKEND"] = "torch"
    os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="keras_home_")
    return pytest.importorskip("keras")


def np_of(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def close(a, b):
    a, b = np_of(a), np_of(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


rng = np.random.default_rng(0)


def probs(*shape, axis=-1):
    p = rng.uniform(0.01, 1.0, shape).astype("float32")
    return p / p.sum(axis=axis, keepdims=True)


def one_hot(labels, k, axis=-1):
    out = np.eye(k, dtype="float32")[labels]
    return np.moveaxis(out, -1, axis)


def bits(*shape):
    return rng.integers(0, 2, shape).astype("float32")


def normal(*shape):
    return rng.normal(size=shape).astype("float32")


# (name, lamina factory, keras factory, y_true, y_pred)
def loss_cases():
    n, k = 6, 4
    labels = rng.integers(0, k, (n,))
    seq_labels = rng.integers(0, k, (n, 3))
    cases = []
    for b in (n, 1):  # batch of one too
        cases += [
            ("mse", "MeanSquaredError", {}, normal(b, 3), normal(b, 3)),
            ("mse_rank1", "MeanSquaredError", {}, normal(b), normal(b, 1)),
            ("mae", "MeanAbsoluteError", {}, normal(b, 3), normal(b, 3)),
            ("mae_rank3", "MeanAbsoluteError", {}, normal(b, 2, 3), normal(b, 2, 3)),
            (
                "bce",
                "BinaryCrossentropy",
                {},
                bits(b, 3),
                rng.uniform(0, 1, (b, 3)).astype("float32"),
            ),
            (
                "bce_col",
                "BinaryCrossentropy",
                {},
                bits(b),
                rng.uniform(0, 1, (b, 1)).astype("float32"),
            ),
            (
                "bce_logits_ls",
                "BinaryCrossentropy",
                {"from_logits": True, "label_smoothing": 0.2},
                bits(b, 3),
                normal(b, 3) * 3,
            ),
            (
                "bce_ls",
                "BinaryCrossentropy",
                {"label_smoothing": 0.1},
                bits(b, 1),
                rng.uniform(0, 1, (b, 1)).astype("float32"),
            ),
            (
                "bce_axis0",
                "BinaryCrossentropy",
                {"axis": 0},
                bits(b, 3),
                rng.uniform(0, 1, (b, 3)).astype("float32"),
            ),
            ("cce", "CategoricalCrossentropy", {}, one_hot(labels[:b], k), probs(b, k)),
            (
                "cce_logits",
                "CategoricalCrossentropy",
                {"from_logits": True},
                one_hot(labels[:b], k),
                normal(b, k) * 2,
            ),
            (
                "cce_ls",
                "CategoricalCrossentropy",
                {"label_smoothing": 0.1},
                one_hot(labels[:b], k),
                probs(b, k),
            ),
            (
                "cce_logits_ls",
                "CategoricalCrossentropy",
                {"from_logits": True, "label_smoothing": 0.3},
                one_hot(labels[:b], k),
                normal(b, k),
            ),
            (
                "cce_unnormalised",
                "CategoricalCrossentropy",
                {},
                one_hot(labels[:b], k),
                rng.uniform(0, 2, (b, k)).astype("float32"),
            ),
            (
                "cce_axis1",
                "CategoricalCrossentropy",
                {"axis": 1},
                one_hot(seq_labels[:b], k, axis=1),
                probs(b, k, 3, axis=1),
            ),
            ("scce", "SparseCategoricalCrossentropy", {}, labels[:b], probs(b, k)),
            ("scce_col", "SparseCategoricalCrossentropy", {}, labels[:b, None], probs(b, k)),
            (
                "scce_logits",
                "SparseCategoricalCrossentropy",
                {"from_logits": True},
                labels[:b],
                normal(b, k) * 2,
            ),
            (
                "scce_seq",
                "SparseCategoricalCrossentropy",
                {"from_logits": True},
                seq_labels[:b],
                normal(b, 3, k),
            ),
        ]
    ignore = labels.copy()
    ignore[[1, 4]] = -1
    cases += [
        ("scce_ignore", "SparseCategoricalCrossentropy", {"ignore_class": -1}, ignore, probs(n, k)),
        (
            "scce_ignore_logits",
            "SparseCategoricalCrossentropy",
            {"ignore_class": -1, "from_logits": True},
            ignore,
            normal(n, k),
        ),
    ]
    return cases


LOSS_CASES = loss_cases()
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def sample_weights(y_true, y_pred, values_shape):
    b = values_shape[0]
    out = [None, rng.uniform(0, 2, (b, 1)).astype("float32")]
    if len(values_shape) > 1:  # (batch,) weights on (batch, t) values fail in Keras too
        out.append(rng.uniform(0, 2, values_shape).astype("float32"))
    else:
        out.append(rng.uniform(0, 2, (b,)).astype("float32"))
    return out


@pytest.mark.parametrize("case", LOSS_CASES, ids=[c[0] + f"_b{c[4].shape[0]}" for c in LOSS_CASES])
def test_loss_classes_match_keras(keras, case):
    _, cls_name, kwargs, y_true, y_pred = case
    values = getattr(keras.losses, cls_name)(reduction=None, **kwargs)(y_true, y_pred)
    for sw in sample_weights(y_true, y_pred, tuple(values.shape)):
        for reduction in REDUCTIONS:
            ours = getattr(losses, cls_name)(reduction=reduction, **kwargs)
            theirs = getattr(keras.losses, cls_name)(reduction=reduction, **kwargs)
            close(ours(y_true, y_pred, sample_weight=sw), theirs(y_true, y_pred, sample_weight=sw))
    assert (
        getattr(losses, cls_name)(**kwargs).get_config()
        == getattr(keras.losses, cls_name)(**kwargs).get_config()
    )


FUNCTION_CASES = [c for c in LOSS_CASES if "rank1" not in c[0] and "col" not in c[0]]


@pytest.mark.parametrize(
    "case", FUNCTION_CASES, ids=[c[0] + f"_b{c[4].shape[0]}" for c in FUNCTION_CASES]
)
def test_loss_functions_match_keras(keras, case):
    _, cls_name, kwargs, y_true, y_pred = case
    fn = losses.get(cls_name)  # an object; its fn is the module function
    kwargs = {**fn._fn_kwargs, **kwargs}
    ours = fn.fn(y_true, y_pred, **kwargs)
    theirs = getattr(keras.losses, fn.fn.__name__)(y_true, y_pred, **kwargs)
    close(ours, theirs)


def test_loss_functions_with_python_lists(keras):
    y_true, y_pred = [[0.0, 1.0], [1.0, 1.0]], [[0.3, 0.6], [0.9, 0.2]]
    for name in (
        "mean_squared_error",
        "mean_absolute_error",
        "binary_crossentropy",
        "categorical_crossentropy",
    ):
        close(getattr(losses, name)(y_true, y_pred), getattr(keras.losses, name)(y_true, y_pred))


def test_float64_inputs_computed_in_float32(keras):
    y_true, y_pred = normal(5, 2).astype("float64"), normal(5, 2).astype("float64")
    ours = losses.MeanSquaredError()(y_true, y_pred)
    theirs = keras.losses.MeanSquaredError()(y_true, y_pred)
    assert str(np_of(ours).dtype) == str(np_of(theirs).dtype) == "float32"
    close(ours, theirs)


def test_keras_mask_on_predictions(keras):
    y_true, y_pred = normal(4, 3), normal(4, 3)
    mask = np.array([True, False, True, True])
    for reduction in ("sum_over_batch_size", "sum", "mean_with_sample_weight"):
        sw = rng.uniform(0, 2, (4,)).astype("float32")
        ours_pred = core.convert_to_tensor(y_pred)
        ours_pred._keras_mask = core.convert_to_tensor(mask)
        theirs_pred = keras.ops.convert_to_tensor(y_pred)
        keras.src.backend.set_keras_mask(theirs_pred, keras.ops.convert_to_tensor(mask))
        close(
            losses.MeanSquaredError(reduction=reduction)(y_true, ours_pred, sample_weight=sw),
            keras.losses.MeanSquaredError(reduction=reduction)(
                y_true, theirs_pred, sample_weight=sw
            ),
        )


# ---- metrics ---------------------------------------------------------------------------


def metric_cases():
    n, k = 7, 4
    labels = rng.integers(0, k, (n,))
    seq_labels = rng.integers(0, k, (n, 3))
    preds = probs(n, k)
    return [
        (
            "Accuracy",
            {},
            rng.integers(0, 3, (n, 1)).astype("float32"),
            rng.integers(0, 3, (n, 1)).astype("float32"),
        ),
        ("Accuracy", {}, rng.integers(0, 3, (n,)), rng.integers(0, 3, (n, 1)).astype("float32")),
        ("BinaryAccuracy", {}, bits(n, 1), rng.uniform(0, 1, (n, 1)).astype("float32")),
        (
            "BinaryAccuracy",
            {"threshold": 0.7},
            bits(n, 3),
            rng.uniform(0, 1, (n, 3)).astype("float32"),
        ),
        ("BinaryAccuracy", {}, bits(n), rng.uniform(0, 1, (n, 1)).astype("float32")),
        ("CategoricalAccuracy", {}, one_hot(labels, k), preds),
        ("CategoricalAccuracy", {}, one_hot(seq_labels, k), probs(n, 3, k)),
        ("SparseCategoricalAccuracy", {}, labels, preds),
        ("SparseCategoricalAccuracy", {}, labels[:, None], preds),
        ("SparseCategoricalAccuracy", {}, seq_labels, probs(n, 3, k)),
        ("MeanSquaredError", {}, normal(n, 3), normal(n, 3)),
        ("MeanAbsoluteError", {}, normal(n, 3), normal(n, 3)),
        ("MeanAbsoluteError", {}, normal(n), normal(n, 1)),
        (
            "BinaryCrossentropy",
            {"from_logits": True, "label_smoothing": 0.1},
            bits(n, 2),
            normal(n, 2),
        ),
        ("CategoricalCrossentropy", {"label_smoothing": 0.2}, one_hot(labels, k), preds),
        ("SparseCategoricalCrossentropy", {"from_logits": True}, labels, normal(n, k)),
    ]


METRIC_CASES = metric_cases()


@pytest.mark.parametrize(
    "case", METRIC_CASES, ids=[f"{c[0]}_{i}" for i, c in enumerate(METRIC_CASES)]
)
def test_metric_classes_match_keras(keras, case):
    cls_name, kwargs, y_true, y_pred = case
    n = y_pred.shape[0]
    for sw in (None, rng.uniform(0, 2, (n,)).astype("float32"), np.array([1.0] + [0.0] * (n - 1))):
        ours, theirs = (
            getattr(metrics, cls_name)(**kwargs),
            getattr(keras.metrics, cls_name)(**kwargs),
        )
        for part in (slice(0, 3), slice(3, None), slice(0, 1)):  # accumulate over 3 updates
            w = None if sw is None else sw[part]
            ours.update_state(y_true[part], y_pred[part], sample_weight=w)
            theirs.update_state(y_true[part], y_pred[part], sample_weight=w)
        close(ours.result(), theirs.result())
        ours.reset_state()
        theirs.reset_state()
        close(ours.result(), theirs.result())
    assert (
        getattr(metrics, cls_name)(**kwargs).get_config()
        == getattr(keras.metrics, cls_name)(**kwargs).get_config()
    )


@pytest.mark.parametrize(
    "fn", ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"]
)
def test_metric_functions_match_keras(keras, fn):
    cls = {
        "binary_accuracy": "BinaryAccuracy",
        "categorical_accuracy": "CategoricalAccuracy",
        "sparse_categorical_accuracy": "SparseCategoricalAccuracy",
    }[fn]
    for case in METRIC_CASES:
        if case[0] == cls:
            close(
                getattr(metrics, fn)(case[2], case[3], **case[1]),
                getattr(keras.metrics, fn)(case[2], case[3], **case[1]),
            )


@pytest.mark.parametrize(
    "values_shape,weight_shape",
    [
        ((5,), None),
        ((5, 3), None),
        ((5,), (5,)),
        ((5, 3), (5,)),
        ((5, 3), (5, 1)),
        ((5, 3), (5, 3)),
        ((5, 3, 2), (5, 3)),
        ((1,), (1,)),
        ((5, 1), (5,)),
    ],
)
@pytest.mark.parametrize("cls_name", ["Mean", "Sum"])
def test_mean_and_sum_match_keras(keras, cls_name, values_shape, weight_shape):
    values = normal(*values_shape)
    sw = None if weight_shape is None else rng.uniform(0, 2, weight_shape).astype("float32")
    ours, theirs = getattr(metrics, cls_name)(), getattr(keras.metrics, cls_name)()
    for _ in range(2):
        ours.update_state(values, sample_weight=sw)
        theirs.update_state(values, sample_weight=sw)
    close(ours.result(), theirs.result())
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]


def test_scalar_values_in_mean(keras):
    ours, theirs = metrics.Mean(), keras.metrics.Mean()
    for v in (2.0, 5.0):
        ours.update_state(v)
        theirs.update_state(v)
    close(ours.result(), theirs.result())


def test_mean_metric_wrapper_matches_keras(keras):
    y_true, y_pred = normal(6, 2), normal(6, 2)
    ours = metrics.MeanMetricWrapper(losses.mean_absolute_error, name="m")
    theirs = keras.metrics.MeanMetricWrapper(keras.losses.mean_absolute_error, name="m")
    ours.update_state(y_true, y_pred, sample_weight=np.arange(6.0))
    theirs.update_state(y_true, y_pred, sample_weight=np.arange(6.0))
    close(ours.result(), theirs.result())
    assert ours.get_config() == theirs.get_config()
    assert metrics.serialize(ours) == keras.metrics.serialize(theirs)


# ---- names, resolution and serialization ------------------------------------------------

SHAPES = [
    ((8,), (8, 1)),
    ((8, 1), (8, 1)),
    ((8,), (8, 5)),
    ((8, 1), (8, 5)),
    ((8, 5), (8, 5)),
    ((8, 3), (8, 3, 5)),
    ((8, 3, 5), (8, 3, 5)),
    ((1,), (1, 1)),
]
IDENTIFIERS = [
    "accuracy",
    "acc",
    "ACC",
    "Accuracy",
    "mae",
    "MAE",
    "mse",
    "mean_absolute_error",
    "mean_squared_error",
    "binary_accuracy",
    "BinaryAccuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "MeanSquaredError",
    "bce",
    "binary_crossentropy",
]


@pytest.mark.parametrize("shapes", SHAPES, ids=[str(s) for s in SHAPES])
def test_resolve_metric_matches_keras_compile(keras, shapes):
    from keras.src.trainers import compile_utils

    y_true, y_pred = np.zeros(shapes[0]), np.zeros(shapes[1])
    for identifier in IDENTIFIERS + [losses.mean_squared_error, metrics.binary_accuracy]:
        ours = metrics.resolve_metric(identifier, shapes[0], shapes[1])
        keras_id = (
            identifier
            if isinstance(identifier, str)
            else getattr(keras.metrics, identifier.__name__)
        )
        theirs = compile_utils.get_metric(keras_id, y_true, y_pred)
        assert (type(ours).__name__, ours.name) == (type(theirs).__name__, theirs.name), identifier
    obj = metrics.resolve_metric(metrics.MeanSquaredError(name="zz"), *shapes)
    assert obj.name == "zz"


@pytest.mark.parametrize("shapes", SHAPES[:5], ids=[str(s) for s in SHAPES[:5]])
def test_resolve_loss_matches_keras_compile(keras, shapes):
    from keras.src.trainers import compile_utils

    y_true, y_pred = np.zeros(shapes[0]), np.zeros(shapes[1])
    for identifier in [
        "crossentropy",
        "ce",
        "CE",
        "mse",
        "mae",
        "binary_crossentropy",
        "MeanSquaredError",
        "categorical_crossentropy",
    ]:
        ours = losses.resolve_loss(identifier, *shapes)
        theirs = compile_utils.get_loss(identifier, y_true, y_pred)
        assert (type(ours).__name__, ours.name) == (type(theirs).__name__, theirs.name)
        if hasattr(theirs, "fn"):
            assert ours.fn.__name__ == theirs.fn.__name__


@pytest.mark.parametrize(
    "cls_name",
    [
        "MeanSquaredError",
        "MeanAbsoluteError",
        "BinaryCrossentropy",
        "CategoricalCrossentropy",
        "SparseCategoricalCrossentropy",
    ],
)
def test_loss_serialize_matches_keras(keras, cls_name):
    ours = losses.serialize(getattr(losses, cls_name)(reduction="sum"))
    theirs = keras.losses.serialize(getattr(keras.losses, cls_name)(reduction="sum"))
    assert ours == theirs
    assert losses.deserialize(theirs).get_config() == theirs["config"]


def test_function_serialize_matches_keras(keras):
    assert losses.serialize(losses.mean_squared_error) == keras.losses.serialize(
        keras.losses.mean_squared_error
    )
    wrapper = losses.LossFunctionWrapper(losses.mean_absolute_error, name="w", reduction="sum")
    theirs = keras.src.losses.LossFunctionWrapper(
        keras.losses.mean_absolute_error, name="w", reduction="sum"
    )
    assert wrapper.get_config() == theirs.get_config()


@pytest.mark.parametrize(
    "name",
    [
        "mse",
        "mae",
        "MSE",
        "bce",
        "mean_squared_error",
        "binary_crossentropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "BinaryCrossentropy",
    ],
)
def test_get_names_match_keras(keras, name):
    ours, theirs = losses.get(name), keras.losses.get(name)
    assert getattr(ours, "__name__", type(ours).__name__) == getattr(
        theirs, "__name__", type(theirs).__name__
    )
    ours, theirs = metrics.get(name), keras.metrics.get(name)
    assert (type(ours).__name__, ours.name) == (type(theirs).__name__, theirs.name)
