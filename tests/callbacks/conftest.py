"""A stand-in for a lamina model: callbacks only need these few attributes."""

import json
import os

import numpy as np
import pytest


class FakeModel:
    def __init__(self):
        self.stop_training = False
        self.weights = [np.zeros(2), np.zeros(1)]
        self.saved = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def save(self, filepath, overwrite=True):
        self._write(filepath, "model")

    def save_weights(self, filepath, overwrite=True):
        self._write(filepath, "weights")

    def _write(self, filepath, kind):
        with open(filepath, "w") as f:
            json.dump({"kind": kind, "w": float(self.weights[0][0])}, f)
        self.saved.append(os.path.basename(filepath))


@pytest.fixture
def model():
    return FakeModel()
