"""``LivePlot``: redraw the training curves to a PNG after every epoch.

Open the file in an image viewer (or a notebook that reloads it) to watch a long ``fit``.
It draws off screen (matplotlib's Agg canvas), so it runs on servers without a display and
leaves pyplot's figures alone.
"""

from __future__ import annotations

import os
import tempfile

from lamina.callbacks.callback import Callback
from lamina.utils.training_plots import draw_history, metric_names, require_matplotlib


class LivePlot(Callback):
    """Write the loss and metric curves (training and validation) to ``path`` each epoch.

    Args:
        path: the image file, rewritten after every epoch (format from the extension).
        metrics: the names to draw; by default every training metric, loss first.
        figsize: ``(width, height)`` in inches; by default 4.5 inches wide per panel.
        dpi: the image's resolution.

    After training, ``figure`` holds the last drawing (a ``matplotlib.figure.Figure``).

    >>> model.fit(x, y, validation_split=0.2, epochs=50,
    ...           callbacks=[LivePlot("training.png")])            # doctest: +SKIP
    """

    _accepts_raw_batch_logs = True  # it reads epoch logs only

    def __init__(self, path="training.png", metrics=None, figsize=None, dpi=100):
        super().__init__()
        require_matplotlib("LivePlot")  # refused now, not after the first epoch
        self.path = os.fspath(path)
        self.metrics = metrics
        self.figsize = figsize
        self.dpi = dpi
        self.logs: dict[str, list[float]] = {}
        self.figure = None

    def on_train_begin(self, logs=None):
        self.logs = {}

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            try:
                self.logs.setdefault(key, []).append(float(value))
            except (TypeError, ValueError):
                continue  # a non-scalar log entry is not a curve
        self._redraw()

    def _redraw(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        names = metric_names(self.logs, self.metrics)
        figure = Figure(figsize=self.figsize or (4.5 * max(1, len(names)), 3.5))
        FigureCanvasAgg(figure)
        draw_history(figure, self.logs, names)
        # written next to the target and renamed, so a viewer never reads half an image
        folder = os.path.dirname(os.path.abspath(self.path))
        extension = os.path.splitext(self.path)[1] or ".png"
        fd, tmp = tempfile.mkstemp(prefix=".liveplot-", suffix=extension, dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                figure.savefig(f, dpi=self.dpi, format=extension[1:])
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        self.figure = figure
