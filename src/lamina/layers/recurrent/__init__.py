"""recurrent layers."""

__all__: list[str] = []
