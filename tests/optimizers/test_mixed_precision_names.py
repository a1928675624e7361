"""keras.mixed_precision.LossScaleOptimizer is the optimizers' one, as in Keras 3."""

import numpy as np

import lamina
from lamina.backend import core


def test_loss_scale_optimizer_reachable_from_mixed_precision():
    lso_cls = lamina.mixed_precision.LossScaleOptimizer
    assert lso_cls is lamina.optimizers.LossScaleOptimizer
    opt = lso_cls(lamina.optimizers.SGD(0.1), initial_scale=8.0)
    var = core.make_variable(np.ones(2, "float32"), name="w")
    opt.apply([core.convert_to_tensor(np.full(2, 8.0, "float32"))], [var])  # scaled gradient 1
    np.testing.assert_allclose(var.numpy(), [0.9, 0.9], rtol=1e-6)
