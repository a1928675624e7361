"""No argument is accepted and then ignored.

For every public layer, loss, metric, optimizer and callback class in both Keras 3 and lamina,
each constructor argument Keras 3 takes is either taken by lamina or listed in ``REFUSED`` (and
then passing it raises an error that names it). A keyword neither knows raises too, except for
the classes whose ``**kwargs`` Keras defines as pass-through (``PASS_THROUGH``).
"""

import inspect
import os
import re
import tempfile
import warnings

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="lamina_keras_home_"))

import pytest  # noqa: E402
import torch  # noqa: E402

keras = pytest.importorskip("keras")

import lamina  # noqa: E402
from lamina.layers.layer import _BASE_ARGS  # noqa: E402

MODULES = ("layers", "losses", "metrics", "optimizers", "callbacks")

# Keras 3 arguments lamina refuses, with why: "module.Class" -> {argument: reason}.
# (Empty since Dense took `quantization_config`; keep the mechanism for the next one.)
REFUSED: dict = {}

# Arguments lamina takes by name but cannot honour for some values: it raises, never ignores.
REFUSED_VALUES = [
    # (class, positional arguments, keyword arguments, error, what the message names)
    # a quantization config must be a QuantizationConfig (int8 works; other modes raise)
    ("layers.Dense", (2,), {"quantization_config": object()}, TypeError,
     "quantization_config"),
    ("layers.Embedding", (3, 2), {"quantization_config": object()}, TypeError,
     "quantization_config"),
    # lora_rank is only Dense/Embedding/EinsumDense/Conv1D-3D in Keras too
    ("layers.Conv2DTranspose", (2, 3), {"lora_rank": 2}, TypeError, "lora_rank"),
    ("layers.SeparableConv2D", (2, 3), {"lora_rank": 2}, TypeError, "lora_rank"),
    # its penalty is l1/l2's; another regularizer would be dropped
    ("layers.ActivityRegularization", (), {"activity_regularizer": "l2"}, TypeError,
     "activity_regularizer"),
    # Keras 3 on torch has no ragged tensors, nor has lamina
    ("layers.InputLayer", (), {"shape": (2,), "ragged": True}, ValueError, "ragged"),
]

# Classes whose **kwargs Keras passes on by design, so any keyword is taken:
PASS_THROUGH = {
    "losses.LossFunctionWrapper": "keywords go to the wrapped function at each call",
    "metrics.MeanMetricWrapper": "keywords go to the wrapped function at each call",
    "callbacks.CallbackList": "keywords become the callbacks' params (set_params)",
    "callbacks.LambdaCallback": "keywords are further hooks (on_test_begin=...)",
    # Keras 3 ignores any other keyword here, Keras 2's `epsilon` (now min_delta) included;
    # lamina matches it so the same call trains alike (tests/conformance/test_callbacks_sweep)
    "callbacks.ReduceLROnPlateau": "Keras 3 accepts and ignores extra keywords",
}

# Values for required constructor arguments, by name, to build one instance of each class
_REQUIRED = {
    "units": 2, "filters": 2, "kernel_size": 3, "rate": 0.5, "input_dim": 4, "output_dim": 3,
    "num_heads": 2, "key_dim": 2, "target_shape": (2,), "dims": (1,), "axis": -1, "size": 2,
    "n": 2, "cropping": 1, "padding": 1, "pool_size": 2, "height": 4, "width": 4,
    "max_tokens": 10, "num_bins": 2, "factor": 0.1, "height_factor": 0.1, "width_factor": 0.1,
    "scale": 1.0, "mode": "one_hot", "equation": "ab,bc->ac", "output_shape": 2,
    "thresholds": 0.5, "num_classes": 2, "num_thresholds": 10, "k": 1, "top_k": 1,
    "filepath": "model.keras", "log_dir": "logs", "learning_rate": 0.1, "class_id": 0,
    "backup_dir": "backup", "root": "http://localhost", "monitor": "loss",
    "num_key_value_heads": 1, "head_dim": 2, "groups": 1, "output_mode": "int",
    "vocabulary": ["a"], "num_tokens": 3, "hash_bins": 2, "bin_boundaries": [0.0],
    "sequence_length": 3, "value_range": (0, 1), "recall": 0.5, "precision": 0.5,
    "specificity": 0.5, "sensitivity": 0.5, "threshold": 0.5, "crop_size": 2, "max_value": 1.0,
    "shape": (2,), "initial_learning_rate": 0.1, "decay_steps": 10,
}


def _required(name, parameter):
    special = {
        "layer": lambda: lamina.layers.Dense(2), "cell": lambda: lamina.layers.SimpleRNNCell(2),
        "layers": lambda: [lamina.layers.Dense(2)], "function": lambda: abs, "fn": lambda: abs,
        "schedule": lambda: (lambda epoch, lr: lr), "inner_optimizer": lamina.optimizers.SGD,
        "module": lambda: torch.nn.Identity(),
    }
    if parameter in special:
        return special[parameter]()
    return _REQUIRED.get(parameter, 1)


def _classes():
    """(qualified name, Keras class, lamina class) for the classes both expose."""
    out = []
    for module in MODULES:
        theirs, ours = getattr(keras, module), getattr(lamina, module)
        for name in sorted(dir(theirs)):
            k, ours_cls = getattr(theirs, name), getattr(ours, name, None)
            if name.startswith("_") or not inspect.isclass(k) or not inspect.isclass(ours_cls):
                continue
            out.append((f"{module}.{name}", k, ours_cls))
    return out


def _keras_arguments(cls):
    """What a Keras user may pass: the class's own parameters, plus those of the bases its
    **kwargs reach that the class does not set itself (Conv2D fixes BaseConv's ``rank``)."""
    names, fixed = set(), set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        try:
            params = list(inspect.signature(init).parameters.values())[1:]
            source = inspect.getsource(init)
        except (TypeError, ValueError, OSError):
            break
        names |= {p.name for p in params
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in fixed}
        call = source[source.find("super()"):] if "super()" in source else ""
        fixed |= set(re.findall(r"\b(\w+)\s*=(?!=)", call))
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            break
    return names


def _lamina_arguments(cls, qualified):
    """The names lamina's constructor takes, along its chain of **kwargs."""
    names = set(_BASE_ARGS) if qualified.startswith("layers.") else set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        try:
            params = list(inspect.signature(init).parameters.values())[1:]
        except (TypeError, ValueError):
            break
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            break
    return names


_ALL = _classes()


def _build(cls, positional=(), **extra):
    kwargs = {}
    params = list(inspect.signature(cls).parameters.values())
    for p in params[len(positional):]:
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            kwargs[p.name] = _required(p.name, p.name)
    kwargs.update(extra)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(*positional, **kwargs)


def test_the_audit_sees_the_public_classes():
    modules = {q.split(".")[0] for q, _, _ in _ALL}
    assert modules == set(MODULES)
    assert len(_ALL) > 250  # layers, losses, metrics, optimizers and callbacks both have


@pytest.mark.parametrize("qualified, theirs, ours", _ALL, ids=[q for q, _, _ in _ALL])
def test_every_keras_argument_is_taken_or_refused(qualified, theirs, ours):
    missing = _keras_arguments(theirs) - _lamina_arguments(ours, qualified)
    unlisted = sorted(missing - set(REFUSED.get(qualified, {})))
    assert not unlisted, (
        f"{qualified}: Keras 3 takes {unlisted}; lamina must take them or list them in REFUSED")


_REFUSED_CASES = [(q, a) for q, args in REFUSED.items() for a in args]


@pytest.mark.parametrize("qualified, argument", _REFUSED_CASES)
def test_refused_arguments_raise_an_error_naming_them(qualified, argument):
    module, name = qualified.split(".")
    with pytest.raises((TypeError, ValueError, NotImplementedError), match=argument):
        _build(getattr(getattr(lamina, module), name), **{argument: 1})


@pytest.mark.parametrize("qualified, positional, extra, error, named", REFUSED_VALUES,
                         ids=[q for q, *_ in REFUSED_VALUES])
def test_values_lamina_cannot_honour_raise(qualified, positional, extra, error, named):
    module, name = qualified.split(".")
    with pytest.raises(error, match=named):
        _build(getattr(getattr(lamina, module), name), positional, **extra)


_OPEN = [(q, ours) for q, _, ours in _ALL
         if any(p.kind == p.VAR_KEYWORD for p in inspect.signature(ours).parameters.values())
         and q not in PASS_THROUGH]


@pytest.mark.parametrize("qualified, ours", _OPEN, ids=[q for q, _ in _OPEN])
def test_an_unknown_keyword_is_refused_not_swallowed(qualified, ours, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # callbacks given file paths write nothing outside
    with pytest.raises((TypeError, ValueError), match="lamina_unknown_argument"):
        _build(ours, lamina_unknown_argument=1)



def test_input_layer_without_ragged_still_loads_keras_configs():
    assert lamina.layers.InputLayer(shape=(2,), ragged=False).get_config()["ragged"] is False
