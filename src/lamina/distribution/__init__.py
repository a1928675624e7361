"""``keras.distribution``: the devices this process can use.

Multi-device layouts (``DataParallel``, ``ModelParallel``, ``DeviceMesh``) are not here yet;
this module holds only what works on one process today.

>>> import lamina
>>> lamina.distribution.list_devices("cpu")
['cpu:0']
"""

from __future__ import annotations

import importlib

from lamina import config as _config


def _devices_module():
    # the backend's name comes from a closed list (config._BACKENDS), not from user input
    return importlib.import_module(f"lamina.backend.{_config.backend()}.devices")


def list_devices(device_type: str | None = None) -> list[str]:
    """The names of the devices of ``device_type`` ('cpu' or 'gpu'; by default the
    accelerators if there are any, else the CPU)."""
    return _devices_module().list_devices(device_type)


def get_device_count(device_type: str | None = None) -> int:
    """How many devices of ``device_type`` there are (see :func:`list_devices`)."""
    return len(list_devices(device_type))


__all__ = ["get_device_count", "list_devices"]
