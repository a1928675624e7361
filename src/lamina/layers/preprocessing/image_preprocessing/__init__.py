"""The image preprocessing and augmentation layers (one class per file)."""

__all__: list[str] = []
