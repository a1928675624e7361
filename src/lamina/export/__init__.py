"""``keras.export``: exporting a model for serving.

``ExportArchive`` (TF SavedModel / ONNX artifacts) is not built yet; ``model.export`` and this
module's classes come with that work. Nothing here pretends to export.
"""

__all__: list[str] = []
