"""`import lamina` stays light: the engine's compiler is loaded only when a step is compiled."""

import subprocess
import sys


def test_import_does_not_load_the_compiler():
    code = ("import sys, lamina, numpy as np; "
            "m = lamina.Sequential([lamina.layers.LSTM(2, input_shape=(3, 1)), "
            "lamina.layers.Dense(1)]); "
            "m.predict(np.ones((1, 3, 1), 'float32'), verbose=0); "
            "print('torch._dynamo' in sys.modules, 'torch._inductor' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]
