"""Bad arguments to the confusion-matrix, F-score, IoU and R2 metrics are refused when given."""

import numpy as np
import pytest

from lamina import metrics


@pytest.mark.parametrize(
    "make",
    [
        lambda: metrics.AUC(curve="bad"),
        lambda: metrics.AUC(summation_method="sideways"),
        lambda: metrics.AUC(num_thresholds=1),
        lambda: metrics.AUC(num_labels=3),  # only with multi_label
        lambda: metrics.Precision(thresholds=[0.5, 1.5]),
        lambda: metrics.Recall(thresholds=-0.1),
        lambda: metrics.PrecisionAtRecall(1.5),
        lambda: metrics.SensitivityAtSpecificity(0.5, num_thresholds=0),
        lambda: metrics.FBetaScore(beta=1),  # must be a float, as in Keras
        lambda: metrics.F1Score(average="median"),
        lambda: metrics.F1Score(threshold=1.5),
        lambda: metrics.IoU(num_classes=2, target_class_ids=[2]),
        lambda: metrics.R2Score(class_aggregation="max"),
        lambda: metrics.R2Score(num_regressors=-1),
    ],
)
def test_bad_arguments_raise(make):
    with pytest.raises(ValueError):
        make()


def test_auc_multi_label_needs_rank_2():
    with pytest.raises(ValueError, match="rank 2"):
        metrics.AUC(multi_label=True).update_state(np.ones((2, 2, 2)), np.ones((2, 2, 2)))


def test_auc_builds_state_on_first_update_for_multi_label():
    m = metrics.AUC(multi_label=True)
    assert m.variables == []
    m.update_state(np.array([[0, 1, 1], [1, 0, 1]]), np.array([[0.2, 0.9, 0.6], [0.7, 0.1, 0.8]]))
    assert [tuple(v.shape) for v in m.variables] == [(200, 3)] * 4
    # labels 0 and 1 are ranked perfectly; label 2 has no negatives, so its ROC area is 0
    assert float(m.result()) == pytest.approx(2 / 3)


def test_precision_with_several_thresholds_gives_one_value_each():
    m = metrics.Precision(thresholds=[0.2, 0.5, 0.9])
    m.update_state([0, 1, 1, 0], [0.3, 0.6, 0.95, 0.1])
    np.testing.assert_allclose(np.asarray(m.result()), [2 / 3, 1.0, 1.0], rtol=1e-6)


def test_mean_iou_counts_in_integers_by_default():
    m = metrics.MeanIoU(num_classes=3)
    assert m.dtype == "int32"
    m.update_state([0, 1, 2, 2], [0, 1, 2, 1])
    assert np.asarray(m.total_cm).tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
