"""``RemoteMonitor``: POST each epoch's results to a server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from lamina.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Send ``{"epoch": ..., <logs>}`` to ``root + path`` by HTTP POST after every epoch.

    Args:
        root: the server's address, e.g. ``"http://localhost:9000"``.
        path: the path the events go to.
        field: the form field holding the JSON text (unless ``send_as_json``).
        headers: extra HTTP headers (a dict).
        send_as_json: send the JSON object as the request body (``application/json``)
            instead of a form.

    Uses only the standard library (Keras needs ``requests``). An unreachable server gives a
    warning, not an error.

    >>> monitor = RemoteMonitor(root="http://localhost:9000")
    >>> model.fit(x, y, callbacks=[monitor])   # doctest: +SKIP
    """

    def __init__(
        self,
        root="http://localhost:9000",
        path="/publish/epoch/end/",
        field="data",
        headers=None,
        send_as_json=False,
        timeout=10.0,
    ):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json
        self.timeout = timeout

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(
            self.root + self.path, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
