"""The feature preprocessing layers: numbers, categories and strings (one class per file)."""

from lamina.layers.preprocessing.category_encoding import CategoryEncoding
from lamina.layers.preprocessing.discretization import Discretization
from lamina.layers.preprocessing.hashed_crossing import HashedCrossing
from lamina.layers.preprocessing.hashing import Hashing
from lamina.layers.preprocessing.integer_lookup import IntegerLookup
from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.layers.preprocessing.text_vectorization import TextVectorization

__all__: list[str] = [
    "CategoryEncoding", "Discretization", "HashedCrossing", "Hashing", "IntegerLookup", "Normalization", "StringLookup",
    "TextVectorization",
]
