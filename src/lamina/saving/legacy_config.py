"""Keras 2 configs in Keras 3 terms: class names, layer arguments, training configs.

Keras 2 wrote ``Convolution2D``-era class names, ``batch_input_shape`` on layers, Sequential
configs that are bare lists, ``Adam(lr=...)`` and losses with ``reduction: "auto"``. The
layers already accept ``batch_input_shape``/``input_dim``; what is renamed is renamed here.

>>> translate_layer_entry({"class_name": "Convolution2D", "config": {"nb_filter": 8}})["class_name"]
'Conv2D'
"""

from __future__ import annotations

CLASS_ALIASES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Deconvolution2D": "Conv2DTranspose",
    "AtrousConvolution2D": "Conv2D",
    "CuDNNLSTM": "LSTM",
    "CuDNNGRU": "GRU",
    "Model": "Functional",
}

# Keras 1 argument names still found in old files.
_ARG_ALIASES = {"output_dim": "units", "nb_filter": "filters", "init": "kernel_initializer",
                "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
                "bias": "use_bias", "border_mode": "padding", "subsample": "strides"}

# Layers whose own (Keras 2 and 3) argument has one of those old names: Embedding(output_dim=).
_OWN_ARGS = {"Embedding": ("output_dim",)}

_LAMBDA_DROPPED = ("module", "function_type", "output_shape_type", "output_shape_module")


def translate_layer_entry(entry):
    """A Keras 2 layer (or model) entry rewritten for lamina's Keras 3 configs."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        return entry
    entry = dict(entry)
    class_name = CLASS_ALIASES.get(entry["class_name"], entry["class_name"])
    config = entry.get("config")
    if entry["class_name"] == "Sequential" and isinstance(config, list):  # Keras 2.0/2.1
        config = {"layers": config}
    config = dict(config or {})
    own = _OWN_ARGS.get(class_name, ())
    for old, new in _ARG_ALIASES.items():
        if old in config and new not in config and old not in own:
            config[new] = config.pop(old)
    if isinstance(config.get("layers"), list):
        config["layers"] = [translate_layer_entry(e) for e in config["layers"]]
    for key in ("layer", "cell", "backward_layer", "forward_layer"):
        if isinstance(config.get(key), dict):
            config[key] = translate_layer_entry(config[key])
    if class_name == "InputLayer" and "batch_input_shape" in config:
        config.setdefault("batch_shape", config.pop("batch_input_shape"))
    axis = config.get("axis")
    if isinstance(axis, list) and len(axis) == 1:  # BatchNormalization wrote [axis]
        config["axis"] = int(axis[0])
    if class_name == "Lambda":
        for key in _LAMBDA_DROPPED:
            config.pop(key, None)
        function = config.get("function")
        if isinstance(function, list):  # Keras 2: [code, defaults, closure]
            config["function"] = {"class_name": "__lambda__", "config": {
                "code": function[0], "defaults": function[1], "closure": function[2]}}
    if entry["class_name"] == "CuDNNLSTM" or entry["class_name"] == "CuDNNGRU":
        config.setdefault("activation", "tanh")
        config.setdefault("recurrent_activation", "sigmoid")
        if entry["class_name"] == "CuDNNGRU":
            config.setdefault("reset_after", True)
    entry["class_name"] = class_name
    entry["config"] = config
    return entry


def translate_loss(loss):
    """Losses saved by Keras 2 may carry ``reduction: "auto"``, which Keras 3 dropped."""
    if isinstance(loss, dict) and "class_name" in loss:
        loss = dict(loss)
        cfg = dict(loss.get("config") or {})
        if cfg.get("reduction") == "auto":
            cfg["reduction"] = "sum_over_batch_size"
        loss["config"] = cfg
        return loss
    if isinstance(loss, list):
        return [translate_loss(v) for v in loss]
    if isinstance(loss, dict):
        return {k: translate_loss(v) for k, v in loss.items()}
    return loss


def compile_args(training_config: dict) -> dict:
    """``model.compile`` arguments from a legacy ``training_config`` attribute."""
    from lamina import optimizers

    optimizer_config = training_config.get("optimizer_config")
    optimizer = None
    if isinstance(optimizer_config, dict):
        optimizer_config = dict(optimizer_config)
        cfg = dict(optimizer_config.get("config") or {})
        if "lr" in cfg and "learning_rate" not in cfg:
            cfg["learning_rate"] = cfg.pop("lr")
        if not cfg.get("decay"):  # Keras 2 wrote decay=0.0 on every optimizer
            cfg.pop("decay", None)
        optimizer_config["config"] = cfg
        optimizer = optimizers.deserialize(optimizer_config)
    args = {"optimizer": optimizer or "rmsprop",
            "loss": _resolve(translate_loss(training_config.get("loss")), "losses")}
    for key in ("metrics", "weighted_metrics", "loss_weights"):
        if training_config.get(key) is not None:
            args[key] = training_config[key]
            if key != "loss_weights":
                args[key] = _resolve(args[key], "metrics")
    return args


def _resolve(entry, kind):
    """Custom losses and metrics (``'huber_fn'``, ``{'class_name': 'HuberMetric', ...}``) are
    looked up now, in load_model's custom_objects scope: compile resolves names only at the
    first step, when that scope is gone. Built-in names stay strings, for compile to read."""
    from lamina import losses, metrics
    from lamina.utils import registry

    module = losses if kind == "losses" else metrics
    if isinstance(entry, str):
        found = registry.get_registered_object(entry)
        return found if found is not None else entry
    if isinstance(entry, dict) and "class_name" in entry:
        if registry.get_registered_object(entry["class_name"]) is not None:
            return module.deserialize(entry)
        return entry
    if isinstance(entry, list):
        return [_resolve(v, kind) for v in entry]
    if isinstance(entry, dict):
        return {k: _resolve(v, kind) for k, v in entry.items()}
    return entry
