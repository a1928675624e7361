"""The devices torch can place tensors on, named as Keras names them (``cpu:0``, ``gpu:0``)."""

from __future__ import annotations

import torch


def list_devices(device_type: str | None = None) -> list[str]:
    """``["gpu:0", ...]`` when CUDA devices exist (or ``device_type="gpu"``), else ``["cpu:0"]``."""
    kind = (device_type or ("gpu" if torch.cuda.is_available() else "cpu")).lower()
    if kind in ("gpu", "cuda"):
        return [f"gpu:{i}" for i in range(torch.cuda.device_count())]
    if kind == "cpu":
        return ["cpu:0"]
    raise ValueError(f"list_devices: expected device_type 'cpu' or 'gpu'; got {device_type!r}")
