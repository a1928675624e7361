import re

import numpy as np
import pytest

from lamina.utils import progbar as progbar_module
from lamina.utils.progbar import Progbar


def test_running_mean_weighted_by_steps():
    bar = Progbar(10, verbose=0)
    bar.update(2, [("loss", 1.0)])  # covers 2 steps
    bar.update(3, [("loss", 4.0)])  # covers 1 step
    assert bar.average("loss") == pytest.approx(2.0)


def test_stateful_metrics_shown_as_given():
    bar = Progbar(10, verbose=0, stateful_metrics=["acc"])
    bar.add(1, [("acc", 0.1)])
    bar.add(1, [("acc", 0.9)])
    assert bar.average("acc") == pytest.approx(0.9)


def test_array_values_are_averaged():
    bar = Progbar(2, verbose=0)
    bar.add(1, [("loss", np.array([1.0, 3.0]))])
    assert bar.average("loss") == pytest.approx(2.0)


def test_verbose1_not_terminal_prints_final_line_only(capsys):
    bar = Progbar(4, verbose=1, interval=0)
    for i in range(1, 5):
        bar.update(i, [("loss", 0.5)])
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert re.match(r"^4/4 ━{20} \d+s \d+(us|ms|s)/step - loss: 0\.5000\n$", out), out


def test_small_values_use_scientific_notation(capsys):
    bar = Progbar(1, verbose=2)
    bar.update(1, [("loss", 1e-5)])
    assert capsys.readouterr().out.endswith("loss: 1.0000e-05\n")


def test_terminal_interval_limits_redraws(capsys, monkeypatch):
    monkeypatch.setattr(progbar_module, "_is_dynamic_display", lambda: True)
    bar = Progbar(1000, verbose=1, interval=3600)
    for i in range(1, 1001):
        bar.update(i, [("loss", 1.0)])
    out = capsys.readouterr().out
    # The first update draws (no previous draw), then only the final one.
    assert out.count("\r") == 2
    assert "\x1b[1m1000/1000\x1b[0m" in out and out.endswith("\n")


def test_unknown_target(capsys, monkeypatch):
    monkeypatch.setattr(progbar_module, "_is_dynamic_display", lambda: True)
    bar = Progbar(None, verbose=1)
    bar.update(7, finalize=True)
    assert "      7/Unknown" in capsys.readouterr().out


def test_eta_and_time_formats():
    assert progbar_module._format_eta(3725) == "1:02:05"
    assert progbar_module._format_eta(125) == "2:05"
    assert progbar_module._format_eta(5.5) == "5s"
    assert progbar_module._format_time_per_unit(0.002, "step") == "2ms/step"
    assert progbar_module._format_time_per_unit(2e-5, "sample") == "20us/sample"
    assert progbar_module._format_time_per_unit(2.0, "step") == "2s/step"


def test_verbose0_is_silent(capsys):
    bar = Progbar(3, verbose=0)
    bar.add(3, [("loss", 1.0)])
    assert capsys.readouterr().out == ""
