"""``tf.config``: the devices the engine sees."""

from __future__ import annotations

from collections import namedtuple

from lamina.backend import core

PhysicalDevice = namedtuple("PhysicalDevice", ["name", "device_type"])


def list_physical_devices(device_type=None):
    """The CPU, and each GPU the engine can use (``tf.config.list_physical_devices("GPU")``)."""
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    devices += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU")
                for i in range(core.gpu_count())]
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == str(device_type).upper()]


list_logical_devices = list_physical_devices


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def run_functions_eagerly(run_eagerly):
    """Accepted: functions always run eagerly here."""
    if not isinstance(run_eagerly, bool):
        raise TypeError(f"run_functions_eagerly expects a bool; received {run_eagerly!r}")


def functions_run_eagerly():
    return True


class experimental:  # noqa: N801 - TensorFlow's name
    """``tf.config.experimental``: memory growth (the engine's allocator already grows)."""

    list_physical_devices = staticmethod(list_physical_devices)

    @staticmethod
    def set_memory_growth(device, enable):
        """Accepted: PyTorch's caching allocator takes GPU memory as needed, as growth does."""
        if not isinstance(enable, bool):
            raise TypeError(f"set_memory_growth expects a bool; received {enable!r}")

    @staticmethod
    def get_memory_growth(device):
        return True


def set_visible_devices(devices, device_type=None):
    raise NotImplementedError(
        "tf.config.set_visible_devices is not in lamina's stand-in: choose devices with the "
        "CUDA_VISIBLE_DEVICES environment variable, or LAMINA_DEVICE=cpu / cuda:1."
    )
