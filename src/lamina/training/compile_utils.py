"""What ``compile`` was given, made ready to run: the loss over all outputs and the metrics."""

from __future__ import annotations

from lamina import losses as losses_module
from lamina import metrics as metrics_module
from lamina.layers.layer import _flatten


def _output_names(model, count, y_pred=None):
    """The names Keras gives the outputs in logs: the keys of a dict of outputs (in the sorted
    order the outputs flatten in), else the names of the layers that produce them."""
    if isinstance(y_pred, dict) and len(y_pred) == count:
        return sorted(y_pred)
    outputs = getattr(model, "outputs", None) or []
    names = []
    for t in outputs:
        history = getattr(t, "_history", None)
        names.append(history[0].name if history else None)
    if len(names) != count or any(n is None for n in names):
        names = [f"output_{i}" for i in range(count)]
    return names


def align_to_outputs(y, y_pred, names):
    """A dict of targets (or sample weights) for a model whose outputs are a list: Keras takes
    its entries by output name, not in the sorted order a dict flattens in."""
    if (isinstance(y, dict) and isinstance(y_pred, (list, tuple)) and len(y) == len(names)
            and set(y) == set(names)):
        return [y[n] for n in names]
    return y


def check_loss(identifier):
    """Refuse an unknown loss name at compile time, before any training starts."""
    if identifier is None or (isinstance(identifier, str) and identifier.lower() in ("ce", "crossentropy")):
        return
    losses_module.get(identifier)


def _is_config(spec) -> bool:
    """A saved loss (``{"class_name": "Huber", "config": {...}}``), not a dict of losses per
    output: a .keras file's compile config holds its losses so."""
    return isinstance(spec, dict) and "class_name" in spec


def losses_from_configs(loss):
    """``loss`` with every saved loss config in it (alone, per output in a list or dict) made
    the loss object it describes; names, functions and objects stay as they are."""
    if _is_config(loss):
        return losses_module.get(loss)
    if isinstance(loss, dict):
        return {k: losses_from_configs(v) for k, v in loss.items()}
    if isinstance(loss, (list, tuple)):
        return type(loss)(losses_from_configs(v) for v in loss)
    return loss


def _per_output(spec, names, what):
    """Spread a list/dict/single spec over the outputs."""
    n = len(names)
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(
                f"compile: {what} has keys {sorted(unknown)} that are not output names; the "
                f"outputs are {names}."
            )
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if len(spec) != n:
            raise ValueError(
                f"compile: the model has {n} outputs {names}, but {what} is a list of {len(spec)}."
            )
        return list(spec)
    return [spec] * n


class CompileLoss:
    """The training loss: per-output losses, weighted and summed, plus the model's own losses."""

    def __init__(self, loss, loss_weights=None):
        # a config dict is one loss, not a dict per output: make it the object it describes
        # first (flattening it would check its keys and values as losses)
        self.loss = losses_from_configs(loss)
        self.loss_weights = loss_weights
        self.built = False
        # fail now on unknown names, before any training starts
        spec = self.loss
        for item in _flatten(spec) if isinstance(spec, (list, tuple, dict)) else [spec]:
            check_loss(item)

    def build(self, model, y_true, y_pred):
        preds = _flatten(y_pred)
        names = _output_names(model, len(preds), y_pred)
        self.output_names = names
        y_true = align_to_outputs(y_true, y_pred, names)
        if isinstance(self.loss, dict) or (isinstance(self.loss, (list, tuple)) and len(preds) > 1):
            specs = _per_output(self.loss, names, "loss")
        else:
            specs = [self.loss] * len(preds)
        trues = _flatten(y_true)
        if len(trues) != len(preds):
            raise ValueError(
                f"The model has {len(preds)} output(s) {names}, but y holds {len(trues)} array(s)."
            )
        self.fns = [
            losses_module.resolve_loss(s, tuple(t.shape), tuple(p.shape))
            for s, t, p in zip(specs, trues, preds)
        ]
        if self.loss_weights is None:
            self.weights = [1.0] * len(preds)
        elif isinstance(self.loss_weights, dict):
            self.weights = [float(self.loss_weights.get(n, 1.0)) for n in names]
        else:
            w = list(self.loss_weights) if isinstance(self.loss_weights, (list, tuple)) \
                else [self.loss_weights]
            if len(w) != len(preds):
                raise ValueError(
                    f"compile: loss_weights has {len(w)} entries for {len(preds)} outputs"
                )
            self.weights = [float(v) for v in w]
        self.single = len(preds) == 1 and self.weights[0] == 1.0 and self.fns[0] is not None
        # with several losses Keras also reports each output's (unweighted) loss; one loss (the
        # others None) has no tracker of its own
        n_losses = sum(fn is not None for fn in self.fns)
        self.trackers = [] if n_losses < 2 else [
            metrics_module.Mean(name=f"{name}_loss") if fn is not None else None
            for name, fn in zip(names, self.fns)
        ]
        # Keras lists the trackers in the order of the loss dict when both it and the outputs
        # are dicts, else in the order of the outputs
        order = list(range(len(names)))
        if isinstance(self.loss, dict) and isinstance(y_pred, dict):
            order = [names.index(k) for k in self.loss if k in names]
        self._tracker_order = [self.trackers[i] for i in order if i < len(self.trackers)]
        self.built = True

    def update_trackers(self, parts, batch_size):
        for tracker, value in zip(self.trackers, parts or ()):
            if tracker is not None and value is not None:
                tracker.update_state(value, sample_weight=batch_size)

    @property
    def metrics(self):
        return [t for t in getattr(self, "_tracker_order", ()) if t is not None]

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self.single:
            if isinstance(y_true, (list, tuple)) and len(y_true) == 1:
                y_true = y_true[0]
            if isinstance(y_pred, (list, tuple)):
                y_pred = y_pred[0]
            return self.fns[0](y_true, y_pred, sample_weight), None
        y_true = align_to_outputs(y_true, y_pred, self.output_names)
        sample_weight = align_to_outputs(sample_weight, y_pred, self.output_names)
        trues = _flatten(y_true)
        preds = _flatten(y_pred)
        if len(trues) != len(preds):
            raise ValueError(
                f"The model has {len(preds)} outputs but y has {len(trues)} arrays."
            )
        weights = _flatten(sample_weight) if sample_weight is not None else [None] * len(preds)
        if len(weights) == 1 and len(preds) > 1:
            weights = weights * len(preds)
        total = None
        parts = []
        for fn, w, yt, yp, sw in zip(self.fns, self.weights, trues, preds, weights):
            if fn is None:
                parts.append(None)
                continue
            value = fn(yt, yp, sw)
            parts.append(value)
            term = value * w if w != 1.0 else value
            total = term if total is None else total + term
        return total, parts


class CompileMetrics:
    """The compiled metrics, resolved once the shapes of y and of the predictions are known."""

    def __init__(self, metrics, weighted_metrics=None, loss=None):
        self.metrics_spec = metrics
        self.weighted_spec = weighted_metrics
        self.loss = loss
        self.built = False
        self.metrics = []
        for spec in (metrics, weighted_metrics):
            for item in _flatten(spec):
                if item is not None and not _is_accuracy_alias(item):
                    metrics_module.get(item)  # fail now on unknown names

    def build(self, model, y_true, y_pred):
        preds = _flatten(y_pred)
        names = _output_names(model, len(preds), y_pred)
        self.output_names = names
        self._y_pred_is_seq = isinstance(y_pred, (list, tuple))
        trues = _flatten(align_to_outputs(y_true, y_pred, names))
        self.entries = []  # (metric, output index, weighted)
        for weighted, spec in ((False, self.metrics_spec), (True, self.weighted_spec)):
            if spec is None:
                continue
            if isinstance(spec, dict):
                per = _per_output(spec, names, "metrics")
            elif len(preds) > 1 and isinstance(spec, (list, tuple)):
                # Keras: with several outputs a list must hold one entry (a metric or a list
                # of them) per output
                if len(spec) != len(preds):
                    arg = "weighted_metrics" if weighted else "metrics"
                    raise ValueError(
                        f"Invalid `{arg}`: the model has {len(preds)} outputs {names}, so "
                        f"`{arg}` must be a dict keyed by output name or a list with one entry "
                        f"per output. Received: {arg}={spec!r}"
                    )
                per = list(spec)
            else:
                per = [_flatten(spec) if isinstance(spec, (list, tuple)) else spec]
            for i, items in enumerate(per):
                if items is None:
                    continue
                items = items if isinstance(items, (list, tuple)) else [items]
                for item in items:
                    m = metrics_module.resolve_metric(
                        item, tuple(trues[i].shape), tuple(preds[i].shape), loss=self.loss
                    )
                    self.entries.append((m, i, weighted))
        # the names in the logs, given as Keras gives them: '<output>_' before each name with
        # several outputs; a repeated name gets '_1', '_2', ...; a weighted metric named like
        # an earlier one becomes 'weighted_<name>'
        seen = {}

        def claim(name):  # the name, or name_1, name_2, ... once it is taken
            count = seen.get(name, 0)
            seen[name] = count + 1
            return f"{name}_{count}" if count else name

        prefixes = names if len(preds) > 1 else [None] * len(preds)
        for m, i, weighted in self.entries:
            prefix = f"{prefixes[i]}_" if prefixes[i] else ""
            name = f"{prefix}{m.name}"
            if weighted and name in seen:
                name = f"{prefix}weighted_{m.name}"
            m._lamina_log_name = claim(name)
        for m, i, _ in self.entries:
            # state shaped by the data is made now, eagerly, not inside a compiled step
            build_state = getattr(m, "build_state", None)
            if build_state is not None:
                build_state(trues[i], preds[i])
        self.metrics = [m for m, _, _ in self.entries]
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._y_pred_is_seq:
            y_true = align_to_outputs(y_true, y_pred, self.output_names)
            sample_weight = align_to_outputs(sample_weight, y_pred, self.output_names)
        trues = _flatten(y_true)
        preds = _flatten(y_pred)
        weights = _flatten(sample_weight) if sample_weight is not None else None
        for m, i, weighted in self.entries:
            sw = None
            if weighted and weights is not None:
                sw = weights[i] if len(weights) > 1 else weights[0]
            m.update_state(trues[i], preds[i], sample_weight=sw)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()


def _is_accuracy_alias(item):
    return isinstance(item, str) and item in ("accuracy", "acc", "crossentropy", "ce")
