"""``plot_history``: the loss and metric curves of a ``fit``, one matplotlib figure.

The curves the books draw by hand after every ``fit`` (training and validation loss per
epoch, then accuracy), in one call. matplotlib is imported when a plot is made, so lamina
imports without it; without it the call raises ``ImportError`` saying what to install.
"""

from __future__ import annotations

_MATPLOTLIB_MISSING = (
    "{} needs matplotlib, which is not installed. Install it with `pip install matplotlib` "
    "(or `pip install lamina[plot]`)."
)


def require_matplotlib(caller: str):
    """The ``matplotlib`` module, or an ``ImportError`` naming ``caller`` and the fix."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError(_MATPLOTLIB_MISSING.format(caller)) from None
    return matplotlib


def history_dict(history) -> dict:
    """``{metric: [value per epoch]}`` from a ``History`` (what ``fit`` returns) or a dict."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(
            "plot_history takes the History that fit() returns, or its .history dict "
            f"(metric name -> list of values); got {type(history).__name__}."
        )
    return {str(k): [float(v) for v in values] for k, values in logs.items()}


def metric_names(logs: dict, metrics=None) -> list[str]:
    """The metrics to draw: those asked for (checked), else every training metric, loss first."""
    if metrics is None:
        names = [k for k in logs if not k.startswith("val_")]
        names.sort(key=lambda k: k != "loss")
        return names
    if isinstance(metrics, str):
        metrics = [metrics]
    unknown = [m for m in metrics if m not in logs and f"val_{m}" not in logs]
    if unknown:
        raise ValueError(
            f"plot_history: no values recorded for {unknown}; the history has "
            f"{sorted(logs)}."
        )
    return list(metrics)


def draw_history(figure, logs: dict, metrics: list[str], title=None) -> None:
    """Draw one panel per metric on ``figure``: the training curve and, when recorded, the
    validation one, against epochs 1, 2, ..."""
    figure.clear()
    n = max(1, len(metrics))
    axes = figure.subplots(1, n, squeeze=False)[0]
    for ax, name in zip(axes, metrics):
        for key, label, style in ((name, "training", "o-"), (f"val_{name}", "validation", "s--")):
            values = logs.get(key)
            if values:
                ax.plot(range(1, len(values) + 1), values, style, label=label, markersize=3)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        figure.suptitle(title)
    figure.tight_layout()


def plot_history(history, metrics=None, title=None, figsize=None, to_file=None, dpi=100):
    """Plot the loss and each metric per epoch, training and validation, in one figure.

    Args:
        history: the ``History`` returned by ``fit`` (or its ``.history`` dict).
        metrics: the names to draw (``"loss"``, ``"accuracy"``...); by default every
            training metric, loss first. Each gets a panel with its ``val_`` curve if any.
        title: a title over the panels.
        figsize: ``(width, height)`` in inches; by default 4.5 inches wide per panel.
        to_file: also save the figure there (format from the extension).
        dpi: the resolution of the saved file.

    Returns:
        The ``matplotlib.figure.Figure`` (``plt.show()`` shows it; notebooks display it).

    >>> fig = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['training', 'validation']

    After ``history = model.fit(x, y, validation_split=0.2, epochs=10)``,
    ``plot_history(history, metrics=["loss", "accuracy"])`` draws two panels.
    """
    require_matplotlib("plot_history")
    import matplotlib.pyplot as plt

    logs = history_dict(history)
    names = metric_names(logs, metrics)
    figure = plt.figure(figsize=figsize or (4.5 * max(1, len(names)), 3.5))
    draw_history(figure, logs, names, title)
    if to_file is not None:
        figure.savefig(to_file, dpi=dpi)
    return figure
