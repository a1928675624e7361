"""The feature preprocessing layers: numbers, categories and strings (one class per file)."""

from lamina.layers.preprocessing.integer_lookup import IntegerLookup
from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.layers.preprocessing.text_vectorization import TextVectorization

__all__: list[str] = ["IntegerLookup", "Normalization", "StringLookup", "TextVectorization"]
