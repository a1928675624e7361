"""Shared by tests/saving/test_security_fuzz.py and benchmarks/fuzz_load.py: a zoo of models
covering lamina's layer families, hostile names, mutation of saved configs, and canaries that
record any call that would run code or touch files during a load.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import json
import os
import pickle
import random
import subprocess
import zipfile

import numpy as np

import lamina
from lamina import layers, ops

# Dotted names a hostile file may put where lamina expects a class, function or op name.
HOSTILE_NAMES = (
    "os.system", "builtins.eval", "builtins.exec", "subprocess.Popen",
    "importlib.import_module", "torch.load", "torch.hub.load", "torch.os.system",
    "posix.system", "torch.save", "pickle.loads", "numpy.load", "os.popen",
    "builtins.__import__", "torch.from_file", "torch.Tensor.apply_", "shutil.rmtree",
    "keras.src.ops.core.Cond", "torch.utils.cpp_extension.load", "__lambda__", "function",
)
HOSTILE_MODULES = {"os", "posix", "subprocess", "builtins", "importlib", "pickle", "shutil",
                   "torch.hub", "torch.utils.cpp_extension", "marshal", "numpy", "runpy"}

# Where a name from a file becomes a class or function: always mutated, never skipped.
NAME_KEYS = ("module", "class_name", "registered_name", "function", "activation",
             "recurrent_activation", "loss", "optimizer")


def zoo():
    """Models covering the layer families, with op layers, nesting, and a compile config."""
    out = {}

    x = lamina.Input((8,), name="x")
    h = layers.Dense(6, activation="relu", kernel_regularizer="l2",
                     kernel_constraint="max_norm", name="dense_a")(x)
    h = layers.Dropout(0.1)(h)
    h = layers.BatchNormalization()(h)
    h = layers.LayerNormalization()(h)
    inner = lamina.Sequential([lamina.Input((6,)), layers.Dense(4, activation="tanh"),
                               layers.Activation("sigmoid")], name="inner")
    y = inner(h)
    y = ops.cumsum(y, axis=1) + ops.sort(y, axis=-1)  # a Keras op and an engine op layer
    y = layers.Dense(1, kernel_initializer={"class_name": "RandomNormal",
                                            "config": {"stddev": 0.1}})(y)
    dense = lamina.Model(x, y, name="dense_net")
    dense.compile(optimizer="adam", loss="mse", metrics=["mae", "mse"])
    out["dense"] = dense

    x = lamina.Input((12, 12, 3))
    h = layers.Conv2D(4, 3, padding="same", activation="relu")(x)
    h = layers.SeparableConv2D(4, 3)(h)
    h = layers.DepthwiseConv2D(3, padding="same")(h)
    h = layers.MaxPooling2D()(h)
    h = layers.Conv2DTranspose(3, 2, strides=2)(h)
    h = layers.ZeroPadding2D(1)(h)
    h = layers.Cropping2D(1)(h)
    h = layers.UpSampling2D()(h)
    h = layers.AveragePooling2D(2)(h)
    h = layers.GroupNormalization(groups=3)(h)
    h = layers.GlobalAveragePooling2D()(h)
    conv = lamina.Model(x, layers.Dense(2, activation="softmax")(h), name="conv_net")
    conv.compile(optimizer=lamina.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                 loss="categorical_crossentropy", metrics=["accuracy"])
    out["conv"] = conv

    x = lamina.Input((6, 3))
    h = layers.Conv1D(4, 2, padding="causal")(x)
    h = layers.Bidirectional(layers.LSTM(3, return_sequences=True))(h)
    h = layers.GRU(3, return_sequences=True)(h)
    h = layers.TimeDistributed(layers.Dense(2))(h)
    h = layers.SimpleRNN(2, return_sequences=True)(h)
    h = layers.MultiHeadAttention(num_heads=2, key_dim=2)(h, h)
    h = layers.Attention()([h, h])
    h = layers.Permute((2, 1))(h)
    h = layers.Reshape((-1,))(h)
    h = layers.RepeatVector(2)(h)
    h = layers.Flatten()(h)
    seq = lamina.Model(x, layers.Dense(1)(h), name="seq_net")
    seq.compile(optimizer=lamina.optimizers.RMSprop(), loss=lamina.losses.Huber(),
                metrics=[lamina.metrics.MeanAbsoluteError()])
    out["recurrent"] = seq

    ids = lamina.Input((5,), dtype="int32")
    emb = layers.Embedding(10, 4)(ids)
    a = layers.GlobalMaxPooling1D()(emb)
    b = layers.GlobalAveragePooling1D()(emb)
    merged = layers.Concatenate()([layers.Add()([a, b]), layers.Multiply()([a, b]),
                                   layers.Dot(axes=1)([a, b]), layers.Subtract()([a, b])])
    embed = lamina.Model(ids, layers.Dense(3)(merged), name="embed_net")
    embed.compile(optimizer="adamw", loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    out["embedding"] = embed

    out["sequential"] = lamina.Sequential(
        [lamina.Input((4,)), layers.Dense(3, activation="elu"), layers.UnitNormalization(),
         layers.Dense(2)], name="plain")
    return out


def saved_members(model, folder) -> dict:
    """``{member name: bytes}`` of the model's .keras file (saved into ``folder``)."""
    path = os.path.join(folder, f"{model.name}.keras")
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_keras(path, members: dict, config=None) -> str:
    """Write a .keras zip from ``members``, with ``config`` (a dict) as config.json if given."""
    members = dict(members)
    if config is not None:
        members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return str(path)


def field_paths(config) -> list:
    """Paths (tuples of keys and indices) to every string value and every name field."""
    paths = []

    def visit(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, str) or (k in NAME_KEYS and not isinstance(v, (dict, list))):
                    paths.append(path + (k,))
                else:
                    visit(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, str):
                    paths.append(path + (i,))
                else:
                    visit(v, path + (i,))

    visit(config, ())
    return paths


def mutated(config, path, value):
    """A deep copy of ``config`` with the field at ``path`` set to ``value``."""
    out = json.loads(json.dumps(config))
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def cases(configs: dict, count: int | None, seed: int = 0, canary: str = "/tmp/canary"):
    """``(model name, path, hostile value)`` triples: every name field with every hostile
    name when ``count`` is None, else ``count`` of them drawn with ``seed``."""
    command = f"touch {canary}"
    values = HOSTILE_NAMES + (command, f"__import__('os').system('{command}')")
    every = [(name, path, value) for name, config in sorted(configs.items())
             for path in field_paths(config) for value in values]
    if count is None or count >= len(every):
        return every
    # half the draws spread over the kinds of name field (module, class_name, function, ...),
    # so each kind is always tried; the other half from everything
    rng = random.Random(seed)
    kinds = {}
    for case in every:
        kinds.setdefault(case[1][-1] if case[1][-1] in NAME_KEYS else None, []).append(case)
    per_kind = max(1, count // (2 * len(kinds)))
    chosen = [c for key in sorted(kinds, key=str) for c in
              rng.sample(kinds[key], min(per_kind, len(kinds[key])))]
    rest = [c for c in every if c not in set(chosen)]
    return chosen + rng.sample(rest, max(0, count - len(chosen)))


@contextlib.contextmanager
def canaries(marker: str):
    """Record calls that would run code or touch files: the shell, subprocesses, pickle,
    torch.load/save, numpy.load, and eval/exec/import_module of anything the file named.

    ``eval``/``exec``/``import_module`` still work (Python and torch use them); they are
    recorded only when handed a hostile module or the file's ``marker`` text.
    """
    import torch

    calls = []

    def refuse(label):
        def fake(*args, **kwargs):
            calls.append((label, args, kwargs))
            raise RuntimeError(f"canary: {label} was called")
        return fake

    def watch(label, original, hostile):
        def wrapper(*args, **kwargs):
            if hostile(args):
                calls.append((label, args, kwargs))
            return original(*args, **kwargs)
        return wrapper

    def has_marker(args):
        return any(marker in str(a) for a in args)

    def hostile_module(args):
        name = str(args[0]) if args else ""
        return name in HOSTILE_MODULES or name.split(".")[0] in {"os", "posix", "subprocess",
                                                                 "pickle", "shutil", "runpy"}

    patches = [
        (os, "system", refuse("os.system")), (os, "popen", refuse("os.popen")),
        (os, "execv", refuse("os.execv")), (os, "execve", refuse("os.execve")),
        (subprocess, "Popen", refuse("subprocess.Popen")),
        (subprocess, "run", refuse("subprocess.run")),
        (pickle, "loads", refuse("pickle.loads")), (pickle, "load", refuse("pickle.load")),
        (torch, "load", refuse("torch.load")), (torch, "save", refuse("torch.save")),
        (torch.hub, "load", refuse("torch.hub.load")), (np, "load", refuse("numpy.load")),
        (builtins, "eval", watch("eval", builtins.eval, has_marker)),
        (builtins, "exec", watch("exec", builtins.exec, has_marker)),
        (importlib, "import_module", watch("import_module", importlib.import_module,
                                           lambda a: hostile_module(a) or has_marker(a))),
    ]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
    for obj, name, fake in patches:
        setattr(obj, name, fake)
    try:
        yield calls
    finally:
        for obj, name, original in saved:
            setattr(obj, name, original)


# What a refused load may raise: a clear error, never a crash of another kind.
REFUSALS = (ValueError, TypeError)


def load_case(path, canary, **kwargs):
    """Load ``path`` under safe mode with canaries; ``(outcome, calls)``: "loaded", or the
    refusal's type name. Any other exception propagates (a test failure)."""
    with canaries(os.path.basename(canary)) as calls:
        try:
            lamina.saving.load_model(path, **kwargs)
            outcome = "loaded"
        except REFUSALS as e:
            outcome = type(e).__name__
            if not str(e):
                raise AssertionError(f"a refusal without a message: {e!r}") from e
    return outcome, calls
