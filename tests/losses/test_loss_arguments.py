"""Loss argument checks and shape errors that users see."""

import numpy as np
import pytest

from lamina import losses


def test_generalized_cross_entropy_refuses_q_outside_0_1():
    for q in (0.0, 1.0, 2.0):
        with pytest.raises(ValueError, match="q must be"):
            losses.CategoricalGeneralizedCrossEntropy(q=q)


def test_ctc_checks_ranks():
    with pytest.raises(ValueError, match="max_length"):
        losses.ctc(np.ones((2, 3, 1)), np.zeros((2, 4, 5), "float32"))
    with pytest.raises(ValueError, match="num_classes"):
        losses.ctc(np.ones((2, 3)), np.zeros((2, 4), "float32"))


def test_ctc_of_an_impossible_short_input_is_huge_not_nan():
    # two identical labels need a blank between them: 3 steps, only 2 given
    loss = losses.ctc(np.array([[1, 1]]), np.zeros((1, 2, 3), "float32"))
    assert np.isfinite(np.asarray(loss)).all() and float(loss[0]) > 1e20


def test_hinge_converts_zero_one_labels_only_when_all_are_binary():
    y_pred = np.array([[0.5, -0.5]], "float32")
    # 0/1 labels become -1/1
    assert float(losses.hinge([[1.0, 0.0]], y_pred)[0]) == pytest.approx(0.5)
    # a label of 2 leaves every label as given
    assert float(losses.hinge([[2.0, 0.0]], y_pred)[0]) == pytest.approx(0.5 * (0.0 + 1.0))


def test_aliases_resolve_to_functions():
    assert losses.get("kld") is losses.kl_divergence
    assert losses.get("MAPE") is losses.mean_absolute_percentage_error
    assert losses.get("msle") is losses.mean_squared_logarithmic_error
    assert losses.get("Huber").name == "huber_loss"
