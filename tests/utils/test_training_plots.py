"""plot_history and the LivePlot callback: the curves are read back from matplotlib's
objects (panels, line labels, the epochs and values plotted), not just a file on disk."""

import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import lamina
from lamina import Input, layers
from lamina.callbacks import LivePlot
from lamina.utils import plot_history


def lines_of(ax):
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata()))
            for line in ax.get_lines()}


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    model = lamina.Sequential([Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model, x, y


def test_one_panel_per_metric_with_training_and_validation_curves(fitted):
    model, x, y = fitted
    history = model.fit(x, y, validation_split=0.25, epochs=3, verbose=0)
    fig = plot_history(history)
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    assert all(ax.get_xlabel() == "epoch" for ax in axes)
    loss = lines_of(axes[0])
    assert set(loss) == {"training", "validation"}
    assert loss["training"][0] == [1, 2, 3]
    np.testing.assert_allclose(loss["training"][1], history.history["loss"])
    np.testing.assert_allclose(loss["validation"][1], history.history["val_loss"])
    np.testing.assert_allclose(lines_of(axes[1])["validation"][1],
                               history.history["val_accuracy"])
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["training",
                                                                         "validation"]
    matplotlib.pyplot.close(fig)


def test_chosen_metrics_a_plain_dict_a_title_and_a_file(tmp_path):
    logs = {"loss": [1.0, 0.5], "mae": [0.9, 0.4], "val_mae": [1.1, 0.7]}
    fig = plot_history(logs, metrics=["mae"], title="run 3", to_file=tmp_path / "h.png")
    (ax,) = fig.get_axes()
    assert ax.get_title() == "mae" and fig._suptitle.get_text() == "run 3"
    assert lines_of(ax) == {"training": ([1, 2], [0.9, 0.4]), "validation": ([1, 2], [1.1, 0.7])}
    assert (tmp_path / "h.png").read_bytes().startswith(b"\x89PNG")
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="no values recorded for \\['accuracy'\\]"):
        plot_history(logs, metrics=["accuracy"])
    with pytest.raises(TypeError, match="History that fit\\(\\) returns"):
        plot_history([1.0, 0.5])


def test_live_plot_redraws_the_png_after_each_epoch(fitted, tmp_path):
    model, x, y = fitted
    path = tmp_path / "training.png"
    sizes = []

    class Watch(lamina.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):  # runs after LivePlot's redraw
            sizes.append((epoch, path.stat().st_mtime_ns, len(live.figure.get_axes()[0]
                                                              .get_lines()[0].get_xdata())))

    live = LivePlot(path)
    history = model.fit(x, y, validation_split=0.25, epochs=3, verbose=0,
                        callbacks=[live, Watch()])
    assert [points for _, _, points in sizes] == [1, 2, 3]  # one more point per epoch
    assert path.read_bytes().startswith(b"\x89PNG")
    axes = live.figure.get_axes()
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    np.testing.assert_allclose(lines_of(axes[0])["validation"][1], history.history["val_loss"],
                               rtol=1e-6)
    assert not list(tmp_path.glob(".liveplot-*"))  # no temporary file left behind
    with pytest.raises(ValueError, match="no values recorded"):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[LivePlot(tmp_path / "m.png", metrics=["auc"])])


def test_without_matplotlib_the_error_says_what_to_install():
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import lamina\n"
            "for make in (lambda: lamina.utils.plot_history({'loss': [1.0]}),\n"
            "             lambda: lamina.callbacks.LivePlot('x.png')):\n"
            "    try:\n        make()\n    except ImportError as e:\n        print(e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("pip install matplotlib") == 2
    assert "plot_history needs matplotlib" in done.stdout and "LivePlot needs" in done.stdout
