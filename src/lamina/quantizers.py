"""``keras.quantizers``: int8/int4/float8 quantization of weights.

Quantization (``Quantizer``, ``AbsMaxQuantizer``, ``abs_max_quantize``, ...) is another
issue's work; this module holds only what works, which today is nothing.
"""

__all__: list[str] = []
