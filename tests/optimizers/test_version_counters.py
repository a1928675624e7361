"""An optimizer step is visible to anything that watches a variable's write counter."""

import numpy as np
import pytest

import lamina
from lamina.backend import train_step


@pytest.mark.parametrize("name", ["adam", "sgd", "rmsprop", "adagrad", "adamw", "nadam"])
def test_apply_bumps_the_version_of_every_variable(name):
    layer = lamina.layers.Dense(3)
    layer.build((None, 4))
    variables = layer.trainable_weights
    optimizer = lamina.optimizers.get(name)
    grads = [lamina.ops.convert_to_tensor(np.ones(tuple(v.shape), "float32")) for v in variables]
    optimizer.apply(grads, variables)  # builds the slots
    before = [train_step.version_of(v) for v in variables]
    optimizer.apply(grads, variables)
    after = [train_step.version_of(v) for v in variables]
    assert all(a > b for a, b in zip(after, before))
