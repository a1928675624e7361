"""The progress bar that ``fit``, ``evaluate`` and ``predict`` print, drawn as Keras 3 draws it.

>>> bar = Progbar(target=3, verbose=2)
>>> for step in range(1, 4):
...     bar.update(step, values=[("loss", 0.5)])   # doctest: +SKIP
3/3 - 0s - 1ms/step - loss: 0.5000

On a terminal (or a notebook) with ``verbose=1`` the line is redrawn in place with ``\\r`` at
most every ``interval`` seconds. When stdout is a file or a pipe, only the final line is
printed, so logs stay one line per epoch instead of filling with control characters.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
import time

import numpy as np

from lamina import config

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_BOLD, _GREEN, _WHITE, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def _is_dynamic_display() -> bool:
    """True where ``\\r`` redraws a line: a terminal, a Jupyter kernel or PyCharm's console."""
    stdout = sys.stdout
    try:
        if stdout is not None and stdout.isatty():
            return True
    except (AttributeError, ValueError):  # closed or odd stream objects
        pass
    return "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def _scalar(value) -> float:
    """A log value (float, NumPy value or backend tensor) as a Python float, averaging arrays."""
    try:
        return float(value)
    except (TypeError, ValueError, RuntimeError):
        pass
    mean = getattr(value, "mean", None)
    if mean is not None:
        try:
            return float(mean())
        except (TypeError, ValueError, RuntimeError):
            pass
    return float(np.mean(np.asarray(value)))


def _format_value(value: float) -> str:
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def _format_time_per_unit(seconds: float, unit_name: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return f"{int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


def _write(message: str) -> None:
    if not config.is_interactive_logging_enabled():
        # keras.config.disable_interactive_logging(): lines go to the logger, not stdout
        text = message.replace("\b", "").replace("\r", "\n").strip()
        if text:
            logging.getLogger("lamina").info(text)
        return
    stream = sys.stdout
    try:
        stream.write(message)
    except UnicodeEncodeError:  # a non-UTF-8 console cannot show the bar glyph
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(message.replace("━", "=").encode(encoding, "ignore").decode(encoding))
    stream.flush()


class Progbar:
    """Displays a progress bar.

    Args:
        target: total number of steps expected, ``None`` if unknown.
        width: width of the bar in characters.
        verbose: 0 (silent), 1 (a bar), 2 (one line at the end).
        interval: minimum seconds between two redraws of the bar.
        stateful_metrics: names of values shown as given; every other value is averaged
            over the steps seen so far (weighted by the steps each update covers).
        unit_name: what a step is called in the timing, e.g. ``"step"`` or ``"sample"``.

    >>> bar = Progbar(100, verbose=0)
    >>> bar.add(10, values=[("loss", 1.0)])
    >>> bar.add(10, values=[("loss", 3.0)])
    >>> bar.average("loss")
    2.0
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics=None,
        unit_name: str = "step",
    ):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self.dynamic_display = _is_dynamic_display()
        self._seen_so_far = 0
        # name -> [sum of value * steps, steps], or [value, 1] for stateful metrics.
        self._values: dict[str, list] = {}
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_total_width = 0

    # -- public API -------------------------------------------------------------------------

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Move the bar to step ``current``.

        Args:
            current: index of the current step (1-based: the number of steps done).
            values: ``(name, value)`` pairs (or a dict) for the last step. Values may be
                floats, NumPy values or backend tensors; they are turned into floats only
                when a line is printed.
            finalize: whether this is the last update; defaults to ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if values:
            self._record(current, values.items() if isinstance(values, dict) else values, finalize)
        self._seen_so_far = current

        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if self.dynamic_display:
                if not finalize and now - self._last_update < self.interval:
                    return
                self._draw_bar(current, now, time_per_unit, finalize)
            elif finalize:
                # Not a terminal: one plain line, with no cursor tricks or colours.
                self._draw_bar(current, now, time_per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target:
            self._draw_line(current, now, time_per_unit)
        self._last_update = now

    def add(self, n: int, values=None) -> None:
        """Advance the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

    def average(self, name: str) -> float:
        """The value the bar would show for ``name`` now (the running mean, or as given)."""
        total, count = self._values[name]
        return _scalar(total) / max(1, count)

    # -- internals --------------------------------------------------------------------------

    def _record(self, current, items, finalize) -> None:
        for name, value in items:
            if name not in self._values:
                self._values_order.append(name)
            if name in self.stateful_metrics or finalize:
                # A final value (e.g. an epoch's result) replaces the running mean.
                self._values[name] = [value, 1]
                continue
            steps = max(current - self._seen_so_far, 1)
            entry = self._values.get(name)
            if entry is None:
                self._values[name] = [value * steps, steps]
            else:
                entry[0] = entry[0] + value * steps
                entry[1] += steps

    def _metrics_text(self) -> str:
        return "".join(
            f" - {name}: {_format_value(self.average(name))}" for name in self._values_order
        )

    def _draw_bar(self, current, now, time_per_unit, finalize) -> None:
        color = self.dynamic_display
        bold, green, white, reset = (_BOLD, _GREEN, _WHITE, _RESET) if color else ("",) * 4
        if self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            done = min(int(self.width * current / self.target), self.width)
            bar = f"{bold}{current:{digits}d}/{self.target}{reset} "
            if done > 0:
                bar += f"{green}{'━' * done}{reset}"
            bar += f"{white}{'━' * (self.width - done)}{reset}"
        else:
            bar = f"{current:7d}/Unknown"
        if self.target is not None and self.target > 0 and not finalize:
            timing = _format_eta(time_per_unit * (self.target - current))
        else:
            timing = f"{now - self._start:.0f}s"
        info = f" {bold}{timing}{reset} {_format_time_per_unit(time_per_unit, self.unit_name)}"
        info += self._metrics_text()

        line = bar + info
        visible = len(_ANSI.sub("", line))
        if not self.dynamic_display:
            _write(line + "\n")
            return
        padding = " " * max(self._prev_total_width - visible, 0)
        _write("\r" + line + padding + ("\n" if finalize else ""))
        self._prev_total_width = visible

    def _draw_line(self, current, now, time_per_unit) -> None:
        digits = int(math.log10(self.target)) + 1
        line = f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s"
        line += f" - {_format_time_per_unit(time_per_unit, self.unit_name)}"
        _write(line + self._metrics_text() + "\n")

    def _estimate_step_duration(self, current, now) -> float:
        """Seconds per step, leaving out the first step (it includes compilation, warm-up)."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit
