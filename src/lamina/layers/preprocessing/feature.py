"""The feature preprocessing layers: numbers, categories and strings (one class per file)."""

__all__: list[str] = []
