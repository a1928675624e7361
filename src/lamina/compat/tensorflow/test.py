"""``tf.test``: whether a GPU is there."""

from lamina.backend import core


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    return core.gpu_count() > 0


def gpu_device_name():
    return "/device:GPU:0" if core.gpu_count() else ""


def is_built_with_cuda():
    return core.built_with_cuda()
