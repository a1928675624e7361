"""FeatureSpace (``keras.utils.FeatureSpace``): one object that preprocesses a dict of
structured-data columns (numbers, categories, strings, crosses) into model inputs."""

from __future__ import annotations


import numpy as np

from lamina import ops
from lamina.backend import core as backend
from lamina.layers.core.identity import Identity
from lamina.layers.layer import Layer
from lamina.layers.merging.concatenate import Concatenate
from lamina.layers.preprocessing.category_encoding import CategoryEncoding
from lamina.layers.preprocessing.discretization import Discretization
from lamina.layers.preprocessing.hashed_crossing import HashedCrossing
from lamina.layers.preprocessing.hashing import Hashing
from lamina.layers.preprocessing.integer_lookup import IntegerLookup
from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.layers.preprocessing.text_vectorization import TextVectorization
from lamina.utils import registry

_ADAPT_BATCH = 32  # Keras batches unbatched feature columns by 32 before adapting
# the .keras writer, registered by lamina.saving (a floor up: DESIGN rule 11)
_SAVER = []


def register_saver(save_fn) -> None:
    """Called by lamina.saving with its ``save_model(obj, filepath)``."""
    _SAVER[:] = [save_fn]


def _rescaling():
    from lamina.layers import Rescaling  # the image family's layer, same floor

    return Rescaling


def _preprocessor_classes():
    # the closed table a saved FeatureSpace may name (DESIGN rule 9: never import by name)
    classes = [Identity, Normalization, Discretization, IntegerLookup, StringLookup, Hashing,
               CategoryEncoding, TextVectorization, _rescaling()]
    return {cls.__name__: cls for cls in classes}


def _serialize_layer(layer):
    return {"module": "keras.layers", "class_name": type(layer).__name__,
            "config": layer.get_config(), "registered_name": None,
            "build_config": layer.get_build_config()}


def _deserialize_layer(config):
    if isinstance(config, Layer):
        return config
    name = config.get("class_name")
    cls = _preprocessor_classes().get(name) or registry.get_registered_object(
        config.get("registered_name") or name)
    if cls is None:
        raise ValueError(f"FeatureSpace: unknown preprocessor class {name!r} in the config; "
                         "register custom preprocessors with @register_keras_serializable().")
    layer = cls.from_config(dict(config.get("config") or {}))
    build = config.get("build_config")
    if build and not layer.built:
        layer.build_from_config(build)
    return layer


class Cross:
    """A crossing of features, hashed into ``crossing_dim`` bins (``FeatureSpace.cross``)."""

    def __init__(self, feature_names, crossing_dim: int, output_mode: str = "one_hot"):
        if output_mode not in {"int", "one_hot"}:
            raise ValueError("FeatureSpace.cross: `output_mode` must be 'int' or 'one_hot'. "
                             f"Received: output_mode={output_mode!r}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Feature:
    """One column: its input dtype, its preprocessing layer and how it is encoded."""

    def __init__(self, dtype: str, preprocessor, output_mode: str):
        if output_mode not in {"int", "one_hot", "float"}:
            raise ValueError("FeatureSpace.feature: `output_mode` must be 'int', 'one_hot' or "
                             f"'float'. Received: output_mode={output_mode!r}")
        self.dtype = dtype
        self.preprocessor = _deserialize_layer(preprocessor) if isinstance(preprocessor, dict) \
            else preprocessor
        self.output_mode = output_mode

    def get_config(self):
        return {"dtype": self.dtype, "preprocessor": _serialize_layer(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _serialize_helper(obj):
    return {"module": "keras.src.layers.preprocessing.feature_space",
            "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": type(obj).__name__}


def _deserialize_helper(config, cls):
    if isinstance(config, cls):
        return config
    if isinstance(config, dict) and config.get("class_name") == cls.__name__:
        inner = dict(config.get("config") or {})
        if cls is Cross and isinstance(inner.get("feature_names"), list):
            inner["feature_names"] = tuple(inner["feature_names"])
        return cls.from_config(inner)
    return config


def _auto_name(prefix):
    return registry.unique_name(prefix)


class FeatureSpace(Layer):
    """Preprocess a dict of feature columns into one vector per sample (or a dict of them).

    Each feature is a string (``"float"``, ``"float_normalized"``, ``"float_rescaled"``,
    ``"float_discretized"``, ``"integer_categorical"``, ``"string_categorical"``,
    ``"integer_hashed"``, ``"string_hashed"``) or a ``FeatureSpace.<kind>(...)`` spec.
    ``adapt`` learns the statistics and vocabularies from a dict of arrays or from batches
    of dicts; calling the space on a dict gives, as Keras does, the features in sorted name
    order, then the crosses, one-hot encoded where asked and concatenated
    (``output_mode="concat"``) or as a dict (``"dict"``). Works without TensorFlow.

    >>> import numpy as np, lamina
    >>> space = lamina.utils.FeatureSpace(
    ...     {"age": "float_normalized", "city": "string_categorical"})
    >>> space.adapt({"age": np.array([20., 40., 60.]), "city": np.array(["a", "b", "a"])})
    >>> tuple(space({"age": np.array([30.]), "city": np.array(["b"])}).shape)
    (1, 4)
    """

    _keras_module = "keras.utils"  # where Keras' files say the class lives

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        name = name or _auto_name("float")
        return Feature("float32", Identity(name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        name = name or _auto_name("float_rescaled")
        layer = _rescaling()(scale=scale, offset=offset, name=f"{name}_preprocessor")
        return Feature("float32", layer, "float")

    @classmethod
    def float_normalized(cls, name=None):
        name = name or _auto_name("float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        name = name or _auto_name("float_discretized")
        layer = Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries,
                               name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                            name=None):
        name = name or _auto_name("integer_categorical")
        layer = IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                              num_oov_indices=num_oov_indices)
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                           name=None):
        name = name or _auto_name("string_categorical")
        layer = StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                             num_oov_indices=num_oov_indices)
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or _auto_name("string_hashed")
        return Feature("string", Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                       output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or _auto_name("integer_hashed")
        return Feature("int32", Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                       output_mode)

    def __init__(self, features: dict, output_mode: str = "concat", crosses=None,
                 crossing_dim: int = 32, hashing_dim: int = 32,
                 num_discretization_bins: int = 32, name: str | None = None, **kwargs):
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        if not features:
            raise ValueError("FeatureSpace: the `features` argument cannot be None or empty.")
        if output_mode not in {"dict", "concat"}:
            raise ValueError("FeatureSpace: `output_mode` must be 'dict' or 'concat'. "
                             f"Received: output_mode={output_mode!r}")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.output_mode = output_mode
        self.features = {n: self._standardize_feature(n, v) for n, v in features.items()}
        self.crosses = []
        for cross in crosses or ():
            cross = _deserialize_helper(cross, Cross)
            if not isinstance(cross, Cross):
                if not crossing_dim:
                    raise ValueError("FeatureSpace: with `crosses`, `crossing_dim` (the size "
                                     "of the crossing space) must be set too.")
                unknown = [k for k in cross if k not in self.features]
                if unknown:
                    raise ValueError("FeatureSpace: all features named in `crosses` must be in "
                                     f"the `features` dict. Received unknown features: "
                                     f"{unknown}")
                cross = Cross(cross, crossing_dim=crossing_dim)
            self.crosses.append(cross)
        self.crosses_by_name = {c.name: c for c in self.crosses}
        self.preprocessors = {n: f.preprocessor for n, f in self.features.items()}
        self.crossers = {c.name: HashedCrossing(c.crossing_dim, name=c.name)
                         for c in self.crosses}
        self.one_hot_encoders = {}
        self.concat = Concatenate(axis=-1) if output_mode == "concat" else None
        self._is_adapted = False
        self._encoders_ready = False
        self._inputs = None
        self._encoded = None

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return _deserialize_helper(feature, Feature)
        makers = {
            "float": lambda: self.float(name=name),
            "float_normalized": lambda: self.float_normalized(name=name),
            "float_rescaled": lambda: self.float_rescaled(name=name),
            "float_discretized": lambda: self.float_discretized(
                name=name, num_bins=self.num_discretization_bins),
            "integer_categorical": lambda: self.integer_categorical(name=name),
            "string_categorical": lambda: self.string_categorical(name=name),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name),
        }
        if feature not in makers:
            raise ValueError(f"FeatureSpace: invalid feature type {feature!r} for feature "
                             f"{name!r}; expected one of {sorted(makers)} or a "
                             "FeatureSpace.<kind>(...) spec.")
        return makers[feature]()

    # -- adapt --------------------------------------------------------------------------------

    def _adaptable(self) -> list:
        out = []
        for name in self.features:
            p = self.preprocessors[name]
            if isinstance(p, Normalization) and p.input_mean is not None:
                continue
            if isinstance(p, Discretization) and p.num_bins is None:
                continue
            if isinstance(p, (StringLookup, IntegerLookup, TextVectorization)) and getattr(
                    p, "_has_input_vocabulary", False):
                continue
            if isinstance(p, TextVectorization) and p._lookup_layer._has_input_vocabulary:
                continue
            if hasattr(p, "adapt"):
                out.append(name)
        return out

    def adapt(self, dataset) -> None:
        """Learn each feature's preprocessing from a dict of arrays (one row per sample) or
        from batches of such dicts (a Dataset, a generator; ``(dict, y)`` batches too)."""
        if isinstance(dataset, dict):
            columns = {n: [np.asarray(_host(dataset[n]))] for n in self._adaptable()}
            unbatched = True
        elif hasattr(dataset, "__iter__") or hasattr(dataset, "__getitem__"):
            batches = [b[0] if isinstance(b, tuple) else b for b in _iterate(dataset)]
            if not batches or not all(isinstance(b, dict) for b in batches):
                raise ValueError("FeatureSpace.adapt() expects a dict of arrays or batches "
                                 "that are dicts of arrays.")
            columns = {n: [np.asarray(_host(b[n])) for b in batches] for n in self._adaptable()}
            unbatched = columns and next(iter(columns.values()))[0].ndim == 0
        else:
            raise ValueError("FeatureSpace.adapt() can only be called on a dict of arrays or an "
                             f"iterable of dict batches. Received: {type(dataset).__name__}")
        for name, parts in columns.items():
            if unbatched:  # rows: batched by 32 as Keras' tf.data path does
                rows = np.concatenate([p.reshape(1) if p.ndim == 0 else p for p in parts])
                parts = [rows[i:i + _ADAPT_BATCH] for i in range(0, len(rows), _ADAPT_BATCH)]
            parts = [p[:, None] if p.ndim == 1 else p for p in parts]
            self.preprocessors[name].adapt(iter(parts))
        self._is_adapted = True
        self._prepare_encoders()
        self.built = True

    def _check_adapted(self):
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace "
                                 "before you can start using it.")
            self._is_adapted = True

    # -- encoding -----------------------------------------------------------------------------

    def _names(self):
        return sorted(self.features), sorted(self.crosses_by_name)

    def _prepare_encoders(self):
        """One-hot encoders for the features and crosses that ask for one (Keras' rule:
        a multi-hot CategoryEncoding sized by the preprocessor's output space)."""
        if self._encoders_ready:
            return
        names, cross_names = self._names()
        specs = [(n, self.features[n], self.preprocessors[n]) for n in names] + \
            [(n, self.crosses_by_name[n], self.crossers[n]) for n in cross_names]
        for name, spec, layer in specs:
            if spec.output_mode != "one_hot":
                continue
            if isinstance(layer, (IntegerLookup, StringLookup)):
                cardinality = layer.vocabulary_size()
            elif isinstance(layer, CategoryEncoding):
                cardinality = layer.num_tokens
            elif isinstance(layer, (Discretization, Hashing, HashedCrossing)):
                cardinality = layer.num_bins
            else:
                raise ValueError(
                    f"FeatureSpace: feature '{name}' has output_mode='one_hot' but the size of "
                    "its preprocessor's output space is not known, so it cannot be one-hot "
                    "encoded. Try output_mode='int'."
                )
            if cardinality is None:  # as Keras: left as integers (concat then refuses them)
                continue
            self.one_hot_encoders[name] = CategoryEncoding(num_tokens=cardinality,
                                                           output_mode="multi_hot")
        self._encoders_ready = True

    def _encode(self, data: dict):
        names, cross_names = self._names()
        pre = {n: self.preprocessors[n](data[n]) for n in names}
        crossed = {c: self.crossers[c]([pre[f] for f in self.crosses_by_name[c].feature_names])
                   for c in cross_names}
        out = {}
        for name in names + cross_names:
            value = pre[name] if name in pre else crossed[name]
            encoder = self.one_hot_encoders.get(name)
            if encoder is not None:
                value = encoder(value)
            out[name] = value
        if self.output_mode == "dict":
            return out
        parts = []
        for name, value in out.items():
            dtype = str(value.dtype)
            if "int" in dtype or dtype == "string" or dtype == "object":
                raise ValueError(
                    f"FeatureSpace: cannot concatenate features because feature '{name}' has "
                    f"not been encoded (it has dtype {dtype}). Consider output_mode='dict'."
                )
            parts.append(ops.cast(value, "float32"))
        return self.concat(parts) if len(parts) > 1 else parts[0]

    def __call__(self, data):
        self._check_adapted()
        self._prepare_encoders()
        if not isinstance(data, dict):
            raise ValueError("A FeatureSpace can only be called with a dict. "
                             f"Received: data of type {type(data).__name__}")
        missing = [n for n in self.features if n not in data]
        if missing:
            raise ValueError(f"FeatureSpace: the input dict lacks features {missing}; it has "
                             f"{sorted(data)}.")
        rebatched = False
        prepared = {}
        for name, value in data.items():
            if name not in self.features:
                continue
            value = _host(value)
            arr = value if backend.is_tensor(value) else np.asarray(value)
            if len(arr.shape) == 0:
                arr = arr.reshape((1, 1))
                rebatched = True
            elif len(arr.shape) == 1:
                arr = arr.reshape((arr.shape[0], 1))
            if not backend.is_tensor(arr) and arr.dtype.kind in "iuf" \
                    and self.features[name].dtype == "float32":
                arr = arr.astype("float32")
            prepared[name] = arr
        out = self._encode(prepared)
        if rebatched:
            if self.output_mode == "concat":
                out = out[0]
            else:
                out = {k: v[0] if len(v.shape) == 2 and v.shape[0] == 1 else v
                       for k, v in out.items()}
        return out

    # -- symbolic graph -----------------------------------------------------------------------

    def get_inputs(self) -> dict:
        """One ``Input(shape=(1,))`` per feature, named after it (for the inference model)."""
        self._build_graph()
        return self._inputs

    def get_encoded_features(self):
        """The encoded features as symbolic tensors computed from :meth:`get_inputs`."""
        self._build_graph()
        return self._encoded

    def _build_graph(self):
        if self._encoded is not None:
            return
        self._check_adapted()
        self._prepare_encoders()
        from lamina.layers.input_layer import Input

        self._inputs = {n: Input(shape=(1,), dtype=f.dtype, name=n)
                        for n, f in self.features.items()}
        self._encoded = self._encode(self._inputs)

    # -- config and saving --------------------------------------------------------------------

    def save(self, filepath) -> None:
        """Write the adapted FeatureSpace as a ``.keras`` file (``lamina.saving.load_model``
        and Keras read it back)."""
        if not _SAVER:
            raise RuntimeError("FeatureSpace.save needs lamina.saving; `import lamina` first.")
        self._check_adapted()
        self._prepare_encoders()
        _SAVER[0](self, filepath)


    def get_config(self):
        return {
            "features": {n: _serialize_helper(f) for n, f in self.features.items()},
            "output_mode": self.output_mode,
            "crosses": [_serialize_helper(c) for c in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {n: f.preprocessor.get_build_config() for n, f in self.features.items()}

    def build_from_config(self, config):
        for name, build in (config or {}).items():
            p = self.features[name].preprocessor
            if build and not getattr(p, "_build_input_shape", None) and \
                    hasattr(p, "build_from_config"):
                p.build_from_config(build)
        self._is_adapted = True
        self.built = True


def _host(value):
    """Engine tensors of numbers stay as they are; anything else becomes a NumPy array."""
    if backend.is_tensor(value):
        return value
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        return value.numpy()
    return value


def _iterate(dataset):
    if hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__") and not hasattr(
            dataset, "__iter__"):
        return (dataset[i] for i in range(len(dataset)))
    return iter(dataset)


