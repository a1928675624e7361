"""``keras.name_scope`` and ``keras.device``: where new variables are named and placed.

>>> import lamina
>>> with lamina.name_scope("encoder"):
...     v = lamina.Variable(initializer="zeros", shape=(2,), name="w")
>>> v.path
'encoder/w'
"""

from __future__ import annotations

import contextlib

from lamina.backend import core as _core
from lamina.layers import layer as _layer


class name_scope:  # noqa: N801 - Keras' spelling
    """Open a name scope: variables and layers built inside get paths ``name/...``.

    Args:
        name: the scope's name (no ``/``).
        caller: the object opening the scope; re-entering the innermost scope of the same
            caller with the same name adds nothing (``deduplicate``).
        deduplicate: if False, a nested scope of the same name and caller is added again.
        override_parent: a path to restart from instead of the enclosing scopes.
    """

    def __init__(self, name: str, caller=None, deduplicate: bool = True,
                 override_parent: str | None = None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"name_scope: expected a name (a string without '/'); got name={name!r}"
            )
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        self._pushed = False

    def __enter__(self):
        stack = _layer.name_scope_stack()
        top = stack[-1] if stack else None
        if (self.deduplicate and self.caller is not None and top is not None
                and getattr(top, "caller", None) is self.caller and top.name == self.name):
            return self
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc):
        stack = _layer.name_scope_stack()
        if self._pushed and stack:
            stack.pop()
            self._pushed = False


def current_path() -> str:
    """The ``/``-joined names of the open scopes (``"outer/inner"``)."""
    return _layer.current_path()


def device(device_name: str):
    """Create new tensors and variables on ``device_name`` inside the block.

    ``"cpu"``, ``"cpu:0"``, ``"gpu:0"`` (read as ``"cuda:0"``) or any engine device name.

    >>> import lamina
    >>> with lamina.device("cpu"):
    ...     x = lamina.ops.ones((2,))
    """
    if not isinstance(device_name, str):
        raise ValueError(
            "device: expected a string like 'gpu:0' or 'cpu'; "
            f"got device_name={device_name!r}"
        )
    name = device_name.lower().replace("gpu", "cuda")
    return _DeviceScope(name)


@contextlib.contextmanager
def _DeviceScope(name):  # noqa: N802 - a context manager
    with _core.device_scope(name):
        yield


def remat(f):
    """``f`` with rematerialization: its intermediate results are recomputed during the
    backward pass instead of kept, trading compute for memory (same values and gradients).

    >>> import lamina
    >>> double = lamina.remat(lambda x: lamina.ops.relu(x) * 2.0)
    >>> lamina.ops.convert_to_numpy(double(lamina.ops.ones((2,)))).tolist()
    [2.0, 2.0]
    """
    if not callable(f):
        raise TypeError(f"remat: expected a callable (a function or a layer); got {f!r}")
    import importlib

    from lamina import config

    # the backend's name comes from a closed list (config._BACKENDS)
    return importlib.import_module(f"lamina.backend.{config.backend()}.remat").remat(f)


__all__ = ["current_path", "device", "name_scope", "remat"]
