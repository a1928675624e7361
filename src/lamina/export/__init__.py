"""``keras.export``: writing a model's inference forward pass for serving without lamina.

``model.export(path, format="onnx")`` writes an ONNX file (onnxruntime and most serving
stacks read it); ``format="torch"`` writes a ``torch.export`` program (``.pt2``) that torch
alone reloads (``torch.export.load(path).module()(x)``). Both keep the batch axis dynamic.
``ExportArchive`` writes several endpoints at once. Keras' TensorFlow formats (SavedModel,
LiteRT) need TensorFlow and are refused with a message saying so.
"""

from lamina.export.export_archive import ExportArchive, export_model
from lamina.models.model import SAVING_HOOKS as _HOOKS

_HOOKS["export"] = export_model

__all__ = ["ExportArchive"]
