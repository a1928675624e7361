"""Every Keras 3 loss and metric against real Keras (torch backend) on the same random inputs:
reductions, sample weights, several updates, reset, a batch of one, and configs."""

import importlib.util
import os
import tempfile
import warnings

import numpy as np
import pytest

if importlib.util.find_spec("keras") is None:
    pytest.skip("keras is not installed", allow_module_level=True)

from lamina import losses, metrics

RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "torch"
    os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="keras_home_"))
    return pytest.importorskip("keras")


def np_of(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def close(a, b, rtol=RTOL, atol=ATOL):
    a, b = np_of(a), np_of(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


rng = np.random.default_rng(1)


def f32(x):
    return np.asarray(x, dtype="float32")


def probs(*shape):
    p = rng.uniform(0.01, 1.0, shape)
    return f32(p / p.sum(-1, keepdims=True))


def unif(*shape, lo=0.0, hi=1.0):
    return f32(rng.uniform(lo, hi, shape))


def normal(*shape):
    return f32(rng.normal(size=shape))


def bits(*shape):
    return f32(rng.integers(0, 2, shape))


def one_hot(labels, k):
    return np.eye(k, dtype="float32")[labels]


def config_values(config):
    out = {}
    for k, v in config.items():
        if hasattr(v, "detach") or isinstance(v, np.ndarray):
            v = np_of(v).tolist()
        if isinstance(v, (list, tuple)):  # float32-rounded, as Keras keeps label weights
            v = [float(np.float32(x)) if isinstance(x, (np.floating, float)) else x for x in v]
        out[k] = v
    return out


def same_config(ours, theirs):
    assert list(ours) == list(theirs) or set(ours) == set(theirs), (ours, theirs)
    ours, theirs = config_values(ours), config_values(theirs)
    ours.pop("name", None)
    theirs.pop("name", None)
    assert ours == theirs


# ---- losses -----------------------------------------------------------------------------

# (class name, kwargs, y_true factory(b), y_pred factory(b))
K = 4
LOSSES = [
    ("MeanAbsolutePercentageError", {}, lambda b: normal(b, 3), lambda b: normal(b, 3)),
    ("MeanSquaredLogarithmicError", {}, lambda b: unif(b, 3, hi=3), lambda b: normal(b, 3)),
    ("CosineSimilarity", {}, lambda b: normal(b, 3), lambda b: normal(b, 3)),
    ("CosineSimilarity", {"axis": 1}, lambda b: normal(b, 3, 2), lambda b: normal(b, 3, 2)),
    ("Huber", {}, lambda b: normal(b, 3) * 2, lambda b: normal(b, 3) * 2),
    ("Huber", {"delta": 0.3}, lambda b: normal(b, 3), lambda b: normal(b, 3)),
    ("LogCosh", {}, lambda b: normal(b, 3) * 5, lambda b: normal(b, 3)),
    ("Hinge", {}, lambda b: bits(b, 3), lambda b: normal(b, 3)),
    ("Hinge", {}, lambda b: bits(b, 3) * 2 - 1, lambda b: normal(b, 3)),
    ("SquaredHinge", {}, lambda b: bits(b, 3), lambda b: normal(b, 3)),
    ("SquaredHinge", {}, lambda b: bits(b, 3) * 2 - 1, lambda b: normal(b, 3)),
    ("CategoricalHinge", {}, lambda b: one_hot(rng.integers(0, K, b), K), lambda b: normal(b, K)),
    ("KLDivergence", {}, lambda b: probs(b, K), lambda b: probs(b, K)),
    ("Poisson", {}, lambda b: unif(b, 3, hi=4), lambda b: unif(b, 3, hi=4)),
    ("BinaryFocalCrossentropy", {}, lambda b: bits(b, 3), lambda b: unif(b, 3)),
    (
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "from_logits": True},
        lambda b: bits(b, 3),
        lambda b: normal(b, 3),
    ),
    (
        "BinaryFocalCrossentropy",
        {"label_smoothing": 0.2, "axis": 0},
        lambda b: bits(b, 3),
        lambda b: unif(b, 3),
    ),
    (
        "CategoricalFocalCrossentropy",
        {},
        lambda b: one_hot(rng.integers(0, K, b), K),
        lambda b: probs(b, K),
    ),
    (
        "CategoricalFocalCrossentropy",
        {"alpha": 0.5, "gamma": 3.0, "from_logits": True, "label_smoothing": 0.1},
        lambda b: one_hot(rng.integers(0, K, b), K),
        lambda b: normal(b, K),
    ),
    ("Dice", {}, lambda b: bits(b, 5), lambda b: unif(b, 5)),
    ("Dice", {"axis": -1}, lambda b: bits(b, 5), lambda b: unif(b, 5)),
    ("Dice", {"axis": (1, 2)}, lambda b: bits(b, 3, 4), lambda b: unif(b, 3, 4)),
    ("Tversky", {}, lambda b: bits(b, 5), lambda b: unif(b, 5)),
    (
        "Tversky",
        {"alpha": 0.3, "beta": 0.7, "axis": -1},
        lambda b: bits(b, 5),
        lambda b: unif(b, 5),
    ),
    ("Circle", {}, lambda b: rng.integers(0, 3, b), lambda b: normal(b, 4)),
    (
        "Circle",
        {"gamma": 10.0, "margin": 0.25, "remove_diagonal": False},
        lambda b: rng.integers(0, 3, b),
        lambda b: normal(b, 4) / 2,
    ),
    (
        "CTC",
        {},
        lambda b: np.where(
            np.arange(4) < rng.integers(0, 5, (b, 1)), rng.integers(1, 5, (b, 4)), 0
        ),
        lambda b: normal(b, 9, 5),
    ),
]
LOSS_CASES = [(c, kw, t(b), p(b)) for c, kw, t, p in LOSSES for b in (6, 1)]
LOSS_IDS = [f"{c}{i}_b{yp.shape[0]}" for i, (c, kw, yt, yp) in enumerate(LOSS_CASES)]
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


@pytest.mark.parametrize("case", LOSS_CASES, ids=LOSS_IDS)
def test_losses_match_keras(keras, case):
    cls_name, kwargs, y_true, y_pred = case
    values = getattr(keras.losses, cls_name)(reduction=None, **kwargs)(y_true, y_pred)
    b = y_pred.shape[0]
    weights = [None]
    if len(values.shape) >= 1 and values.shape[0] == b:
        weights += [unif(b, 1, hi=2)]
        weights += [unif(*values.shape, hi=2)]
    for sw in weights:
        for reduction in REDUCTIONS:
            ours = getattr(losses, cls_name)(reduction=reduction, **kwargs)
            theirs = getattr(keras.losses, cls_name)(reduction=reduction, **kwargs)
            close(ours(y_true, y_pred, sample_weight=sw), theirs(y_true, y_pred, sample_weight=sw))
    ours = getattr(losses, cls_name)(**kwargs).get_config()
    theirs = getattr(keras.losses, cls_name)(**kwargs).get_config()
    assert _without_kept_extras(cls_name, ours) == theirs
    if cls_name in KEPT_EXTRAS:  # Keras reads lamina's fuller config back with those values
        rebuilt = getattr(keras.losses, cls_name).from_config(ours)
        for key in KEPT_EXTRAS[cls_name]:
            assert getattr(rebuilt, "fn_kwargs", getattr(rebuilt, "_fn_kwargs", {})).get(
                key, ours[key]) == ours[key]
    # the module function (what compile(loss="name") runs) agrees too
    fn = getattr(losses, cls_name)(**kwargs)
    close(
        fn.fn(y_true, y_pred, **fn._fn_kwargs),
        getattr(keras.losses, fn.fn.__name__)(y_true, y_pred, **fn._fn_kwargs),
    )


# Config keys lamina writes and Keras 3.15 drops (a Keras bug: Huber(delta=2.0) saved by Keras
# reloads with delta=1.0); Keras accepts them when it reads lamina's config.
KEPT_EXTRAS = {"Huber": {"delta"}}


def _without_kept_extras(cls_name, config):
    return {k: v for k, v in config.items() if k not in KEPT_EXTRAS.get(cls_name, ())}


def test_categorical_generalized_cross_entropy(keras):
    y_true, y_pred = rng.integers(0, K, 6), probs(6, K)
    for q in (0.2, 0.7):
        ours = losses.CategoricalGeneralizedCrossEntropy(q=q)
        theirs = keras.losses.CategoricalGeneralizedCrossEntropy(q=q)
        close(ours(y_true, y_pred), theirs(y_true, y_pred))
        assert ours.get_config() == theirs.get_config()


def test_ctc_gradient_is_finite():
    from lamina.backend import core

    logits = core.convert_to_tensor(normal(2, 6, 4))
    logits.requires_grad_(True)
    loss = losses.CTC()(np.array([[1, 2, 0], [3, 3, 3]]), logits)
    loss.backward()
    assert np.isfinite(np_of(logits.grad)).all()


LOSS_NAMES = [
    "kld",
    "KLD",
    "mape",
    "MAPE",
    "msle",
    "MSLE",
    "huber",
    "log_cosh",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "kl_divergence",
    "poisson",
    "cosine_similarity",
    "dice",
    "tversky",
    "ctc",
    "circle",
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "Huber",
    "LogCosh",
    "KLDivergence",
    "Poisson",
    "Dice",
    "Tversky",
    "CTC",
    "Circle",
    "CosineSimilarity",
    "BinaryFocalCrossentropy",
    "CategoricalFocalCrossentropy",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
]


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_names_resolve_as_in_keras(keras, name):
    ours, theirs = losses.get(name), keras.losses.get(name)
    assert getattr(ours, "__name__", type(ours).__name__) == getattr(
        theirs, "__name__", type(theirs).__name__
    )
    if hasattr(theirs, "get_config"):
        assert _without_kept_extras(name, ours.get_config()) == theirs.get_config()
        ours_serialized = losses.serialize(ours)
        ours_serialized["config"] = _without_kept_extras(name, ours_serialized["config"])
        assert ours_serialized == keras.losses.serialize(theirs)
        assert _without_kept_extras(
            name, losses.deserialize(keras.losses.serialize(theirs)).get_config()
        ) == theirs.get_config()
    else:
        assert losses.serialize(ours) == keras.losses.serialize(theirs)


# ---- metrics ----------------------------------------------------------------------------

N = 9


def labels(k=K, n=N):
    return rng.integers(0, k, n)


METRICS = [
    # (class name, kwargs, y_true, y_pred)
    ("TopKCategoricalAccuracy", {}, one_hot(labels(7), 7), probs(N, 7)),
    ("TopKCategoricalAccuracy", {"k": 2}, one_hot(labels(), K), probs(N, K)),
    ("TopKCategoricalAccuracy", {"k": 2}, one_hot(rng.integers(0, K, (N, 3)), K), probs(N, 3, K)),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, labels(), probs(N, K)),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, labels()[:, None], probs(N, K)),
    ("SparseTopKCategoricalAccuracy", {"k": 1}, rng.integers(0, K, (N, 3)), probs(N, 3, K)),
    (
        "SparseTopKCategoricalAccuracy",
        {"k": 2, "from_sorted_ids": True},
        labels(),
        np.argsort(-probs(N, K), axis=-1),
    ),
    ("AUC", {}, bits(N), unif(N)),
    ("AUC", {"num_thresholds": 7}, bits(N, 3), unif(N, 3)),
    ("AUC", {"curve": "PR"}, bits(N), unif(N)),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, bits(N), unif(N)),
    ("AUC", {"curve": "ROC", "summation_method": "majoring"}, bits(N), unif(N)),
    ("AUC", {"curve": "PRGAIN"}, bits(N), unif(N)),
    ("AUC", {"thresholds": [0.3, 0.5, 0.8]}, bits(N), unif(N)),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75]}, bits(N), unif(N)),  # evenly spaced
    ("AUC", {"from_logits": True}, bits(N, 1), normal(N, 1)),
    ("AUC", {"multi_label": True}, bits(N, 3), unif(N, 3)),
    ("AUC", {"multi_label": True, "num_labels": 3, "curve": "PR"}, bits(N, 3), unif(N, 3)),
    ("AUC", {"multi_label": True, "label_weights": [0.2, 1.0, 0.5]}, bits(N, 3), unif(N, 3)),
    ("AUC", {"label_weights": [0.2, 1.0, 0.5]}, bits(N, 3), unif(N, 3)),
    ("Precision", {}, bits(N), unif(N)),
    ("Precision", {"thresholds": [0.2, 0.5, 0.7]}, bits(N, 2), unif(N, 2)),
    ("Precision", {"thresholds": [0.0, 0.5, 1.0]}, bits(N, 2), unif(N, 2)),
    ("Precision", {"top_k": 2}, bits(N, 4), unif(N, 4)),
    ("Precision", {"class_id": 1}, bits(N, 4), unif(N, 4)),
    ("Precision", {"top_k": 2, "class_id": 3, "thresholds": 0.3}, bits(N, 4), unif(N, 4)),
    ("Recall", {}, bits(N), unif(N)),
    ("Recall", {"thresholds": [0.2, 0.5, 0.7]}, bits(N, 2), unif(N, 2)),
    ("Recall", {"top_k": 1}, bits(N, 4), unif(N, 4)),
    ("Recall", {"class_id": 2}, bits(N, 4), unif(N, 4)),
    ("TruePositives", {}, bits(N), unif(N)),
    ("TrueNegatives", {"thresholds": [0.1, 0.6]}, bits(N), unif(N)),
    ("FalsePositives", {}, bits(N, 2), unif(N, 2)),
    ("FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, bits(N), unif(N)),
    ("PrecisionAtRecall", {"recall": 0.5}, bits(N), unif(N)),
    ("PrecisionAtRecall", {"recall": 0.8, "num_thresholds": 1}, bits(N), unif(N)),
    ("RecallAtPrecision", {"precision": 0.6}, bits(N), unif(N)),
    ("RecallAtPrecision", {"precision": 0.5, "class_id": 1}, bits(N, 3), unif(N, 3)),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, bits(N), unif(N)),
    ("SensitivityAtSpecificity", {"specificity": 0.3, "num_thresholds": 11}, bits(N), unif(N)),
    ("SpecificityAtSensitivity", {"sensitivity": 0.5}, bits(N), unif(N)),
    ("F1Score", {}, one_hot(labels(), K), probs(N, K)),
    ("F1Score", {"average": "micro"}, one_hot(labels(), K), probs(N, K)),
    ("F1Score", {"average": "macro", "threshold": 0.3}, bits(N, K), unif(N, K)),
    ("FBetaScore", {"beta": 2.0, "average": "weighted"}, one_hot(labels(), K), probs(N, K)),
    ("FBetaScore", {"beta": 0.5}, bits(N, K), unif(N, K)),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, labels(3), labels(3)),
    ("IoU", {"num_classes": 3, "target_class_ids": [1], "ignore_class": 0}, labels(3), labels(3)),
    (
        "IoU",
        {"num_classes": 3, "target_class_ids": [0, 1], "sparse_y_pred": False},
        labels(3),
        probs(N, 3),
    ),
    ("BinaryIoU", {}, bits(N), unif(N)),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, bits(N, 2), unif(N, 2)),
    ("MeanIoU", {"num_classes": 4}, labels(), labels()),
    (
        "MeanIoU",
        {"num_classes": 3, "ignore_class": 1},
        rng.integers(0, 3, (N, 2)),
        rng.integers(0, 3, (N, 2)),
    ),
    (
        "OneHotIoU",
        {"num_classes": 3, "target_class_ids": [0, 2]},
        one_hot(labels(3), 3),
        probs(N, 3),
    ),
    ("OneHotMeanIoU", {"num_classes": 3}, one_hot(labels(3), 3), probs(N, 3)),
    ("R2Score", {}, normal(N, 2), normal(N, 2)),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, normal(N, 3), normal(N, 3)),
    ("R2Score", {"class_aggregation": None}, normal(N, 3), normal(N, 3)),
    ("R2Score", {"num_regressors": 2}, normal(N, 1), normal(N, 1)),
    ("RootMeanSquaredError", {}, normal(N, 3), normal(N, 3)),
    ("RootMeanSquaredError", {}, normal(N), normal(N, 1)),
    ("LogCoshError", {}, normal(N, 3), normal(N, 3)),
    ("MeanAbsolutePercentageError", {}, normal(N, 3), normal(N, 3)),
    ("MeanSquaredLogarithmicError", {}, unif(N, 3, hi=2), unif(N, 3, hi=2)),
    ("CosineSimilarity", {}, normal(N, 3), normal(N, 3)),
    ("CosineSimilarity", {"axis": 1}, normal(N, 3, 2), normal(N, 3, 2)),
    ("PearsonCorrelation", {}, normal(N, 5), normal(N, 5)),
    ("ConcordanceCorrelation", {}, normal(N, 5), normal(N, 5)),
    ("Hinge", {}, bits(N, 3), normal(N, 3)),
    ("SquaredHinge", {}, bits(N, 3) * 2 - 1, normal(N, 3)),
    ("CategoricalHinge", {}, one_hot(labels(), K), normal(N, K)),
    ("KLDivergence", {}, probs(N, K), probs(N, K)),
    ("Poisson", {}, unif(N, 3, hi=3), unif(N, 3, hi=3)),
]
METRIC_IDS = [f"{c[0]}_{i}" for i, c in enumerate(METRICS)]
INT_METRICS = ("IoU", "BinaryIoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU")


def _weights(cls_name, y_true):
    n = y_true.shape[0]
    first_only = f32(np.r_[1.0, np.zeros(n - 1)])
    if cls_name in ("IoU", "BinaryIoU", "MeanIoU"):  # one weight per label entry
        first_only = np.broadcast_to(
            first_only.reshape((n,) + (1,) * (y_true.ndim - 1)), y_true.shape
        ).copy()
    out = [None, first_only]
    if cls_name in INT_METRICS:  # integer counts: integer weights
        shape = first_only.shape
        out.append(f32(rng.integers(0, 3, shape)))
    else:
        out.append(unif(n, hi=2))
    return out


@pytest.mark.parametrize("case", METRICS, ids=METRIC_IDS)
def test_metrics_match_keras(keras, case):
    cls_name, kwargs, y_true, y_pred = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for sw in _weights(cls_name, y_true):
            ours = getattr(metrics, cls_name)(**kwargs)
            theirs = getattr(keras.metrics, cls_name)(**kwargs)
            for part in (slice(0, 4), slice(4, None), slice(0, 1)):  # batch of one last
                w = None if sw is None else sw[part]
                ours.update_state(y_true[part], y_pred[part], sample_weight=w)
                theirs.update_state(y_true[part], y_pred[part], sample_weight=w)
            close(ours.result(), theirs.result())
            for a, b in zip(ours.variables, theirs.variables):
                close(a, b)
            ours.reset_state()
            theirs.reset_state()
            if cls_name != "R2Score":  # Keras' R2 is 0/0 = nan after a reset
                close(ours.result(), theirs.result())
            ours.update_state(y_true[:1], y_pred[:1])  # a batch of one, after a reset
            theirs.update_state(y_true[:1], y_pred[:1])
            close(ours.result(), theirs.result())
    same_config(
        getattr(metrics, cls_name)(**kwargs).get_config(),
        getattr(keras.metrics, cls_name)(**kwargs).get_config(),
    )


@pytest.mark.parametrize(
    "case", METRICS[:8] + METRICS[20:26], ids=METRIC_IDS[:8] + METRIC_IDS[20:26]
)
def test_metric_configs_round_trip(keras, case):
    cls_name, kwargs, _, _ = case
    ours = getattr(metrics, cls_name)(name="m", **kwargs)
    theirs = getattr(keras.metrics, cls_name)(name="m", **kwargs)
    rebuilt = metrics.deserialize(metrics.serialize(ours))
    assert type(rebuilt) is type(ours)
    same_config(rebuilt.get_config(), theirs.get_config())


def test_variable_names_match_keras(keras):
    for cls_name, kwargs in [
        ("AUC", {}),
        ("Precision", {}),
        ("Recall", {}),
        ("TruePositives", {}),
        ("PrecisionAtRecall", {"recall": 0.5}),
        ("MeanIoU", {"num_classes": 2}),
        ("RootMeanSquaredError", {}),
    ]:
        ours = getattr(metrics, cls_name)(name="m", **kwargs)
        theirs = getattr(keras.metrics, cls_name)(name="m", **kwargs)
        assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]


METRIC_FUNCTIONS = [
    ("top_k_categorical_accuracy", {"k": 2}, one_hot(labels(), K), probs(N, K)),
    ("sparse_top_k_categorical_accuracy", {"k": 2}, labels(), probs(N, K)),
    ("pearson_correlation", {}, normal(N, 4), normal(N, 4)),
    ("concordance_correlation", {}, normal(N, 4), normal(N, 4)),
    ("huber", {}, normal(N, 3), normal(N, 3)),
    ("log_cosh", {}, normal(N, 3), normal(N, 3)),
]


@pytest.mark.parametrize("case", METRIC_FUNCTIONS, ids=[c[0] for c in METRIC_FUNCTIONS])
def test_metric_functions_match_keras(keras, case):
    name, kwargs, y_true, y_pred = case
    close(
        getattr(metrics, name)(y_true, y_pred, **kwargs),
        getattr(keras.metrics, name)(y_true, y_pred, **kwargs),
    )


METRIC_NAMES = [
    "mape",
    "MAPE",
    "msle",
    "MSLE",
    "auc",
    "AUC",
    "precision",
    "recall",
    "f1_score",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "root_mean_squared_error",
    "RootMeanSquaredError",
    "log_cosh_error",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "kl_divergence",
    "poisson",
    "cosine_similarity",
    "r2_score",
    "true_positives",
    "false_negatives",
    "pearson_correlation",
    "concordance_correlation",
]


@pytest.mark.parametrize("name", METRIC_NAMES)
def test_metric_names_resolve_as_in_keras(keras, name):
    ours, theirs = metrics.get(name), keras.metrics.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.name.split("_")[0] == theirs.name.split("_")[0]


@pytest.mark.parametrize("name", ["auc", "precision", "mape", "top_k_categorical_accuracy"])
def test_resolve_metric_names_as_in_keras_compile(keras, name):
    from keras.src.trainers import compile_utils

    ours = metrics.resolve_metric(name, (8, 5), (8, 5))
    theirs = compile_utils.get_metric(name, np.zeros((8, 5)), np.zeros((8, 5)))
    assert (type(ours).__name__, ours.name) == (type(theirs).__name__, theirs.name)
