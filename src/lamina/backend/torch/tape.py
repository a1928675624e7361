"""A gradient tape on torch's autograd, for TensorFlow-style training loops.

``tf.GradientTape`` records the operations run inside its ``with`` block and differentiates a
result with respect to watched tensors and trainable variables. torch records every operation
on tensors that require gradients, so the tape only has to mark what it watches and call
``torch.autograd.grad`` when asked.

>>> import torch
>>> w = torch.tensor(3.0, requires_grad=True)
>>> with GradientTape() as tape:
...     y = w * w
>>> float(tape.gradient(y, w))
6.0
"""

from __future__ import annotations

import contextlib

import torch

from lamina import tree


class GradientTape:
    """Records operations for differentiation (TensorFlow's ``GradientTape``, on torch).

    Args:
        persistent: allow several ``gradient`` calls (the graph is kept until the tape goes).
        watch_accessed_variables: trainable variables are watched without ``watch`` (True,
            as in TensorFlow); False differentiates only what was watched explicitly.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self.persistent = bool(persistent)
        self.watch_accessed_variables = bool(watch_accessed_variables)
        self._watched = []
        self._flipped = []  # tensors watch() made require grad, given back after gradient()
        self._used = False
        self._grad_mode = None
        self._recording = False

    def __enter__(self):
        self._grad_mode = torch.is_grad_enabled()
        torch.set_grad_enabled(True)
        self._recording = True
        return self

    def __exit__(self, *exc):
        torch.set_grad_enabled(self._grad_mode)
        self._recording = False
        return False

    def watch(self, tensor):
        """Differentiate with respect to ``tensor`` (or each tensor of a nested structure)."""
        for t in tree.flatten(tensor):
            if not isinstance(t, torch.Tensor):
                raise TypeError(f"GradientTape.watch expects tensors; got {type(t).__name__}")
            if not t.requires_grad:
                if t.grad_fn is not None or not t.is_floating_point():
                    raise ValueError(
                        "GradientTape.watch: this tensor was computed before the tape watched "
                        "it; watch it before using it inside the tape's `with` block."
                        if t.is_floating_point() else
                        f"GradientTape.watch: cannot differentiate a {t.dtype} tensor."
                    )
                t.requires_grad_(True)
                self._flipped.append(t)
            self._watched.append(t)

    def watched_variables(self):
        return tuple(self._watched)

    @contextlib.contextmanager
    def stop_recording(self):
        """Operations inside this block are not recorded."""
        with torch.no_grad():
            yield

    def reset(self):
        self._watched = []
        self._used = False

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients="none"):
        """d(target)/d(sources), in the structure of ``sources`` (None where unconnected)."""
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only compute one set of gradients; create "
                "it with GradientTape(persistent=True) to call gradient() more than once."
            )
        if unconnected_gradients not in ("none", "zero") and \
                getattr(unconnected_gradients, "value", None) not in ("none", "zero"):
            raise ValueError("unconnected_gradients must be 'none' or 'zero'; received: "
                             f"{unconnected_gradients!r}")
        zero = str(getattr(unconnected_gradients, "value", unconnected_gradients)) == "zero"
        self._used = True
        flat_sources = tree.flatten(sources)
        targets = tree.flatten(target)
        for s in flat_sources:
            if not isinstance(s, torch.Tensor):
                raise TypeError(f"GradientTape.gradient: sources must be tensors or variables; "
                                f"got {type(s).__name__}")
        wanted = [i for i, s in enumerate(flat_sources) if s.requires_grad and (
            self.watch_accessed_variables or any(s is w for w in self._watched))]
        grads = [None] * len(flat_sources)
        roots = [t for t in targets if isinstance(t, torch.Tensor) and t.requires_grad]
        if wanted and roots:
            seeds = None
            if output_gradients is not None:
                seeds = [torch.as_tensor(g, dtype=t.dtype) for g, t in
                         zip(tree.flatten(output_gradients), roots)]
            else:
                # TensorFlow differentiates the sum of a non-scalar target
                roots = [t.sum() if t.ndim else t for t in roots]
            computed = torch.autograd.grad(
                roots, [flat_sources[i] for i in wanted], grad_outputs=seeds,
                retain_graph=self.persistent, allow_unused=True)
            for i, g in zip(wanted, computed):
                grads[i] = g
        if zero:
            grads = [torch.zeros_like(s) if g is None else g for g, s in zip(grads, flat_sources)]
        if not self.persistent:
            # a watched TensorFlow tensor stays a plain value: `image += lr * grads` after
            # the tape works (torch refuses in-place updates of leaves that require grad)
            for t in self._flipped:
                t.requires_grad_(False)
            self._flipped = []
        if isinstance(sources, torch.Tensor):
            return grads[0]
        return tree.pack_sequence_as(sources, grads)


def gradient(target, source):
    """d(sum of target)/d(source) inside a forward pass (Keras 2's ``K.gradients``); the graph
    is kept, so the result can feed further computation and other gradients."""
    root = target.sum() if target.ndim else target
    if not root.requires_grad:
        return torch.zeros_like(source)
    (grad,) = torch.autograd.grad(root, source, retain_graph=True, allow_unused=True,
                                  create_graph=root.requires_grad and torch.is_grad_enabled())
    return torch.zeros_like(source) if grad is None else grad


def requiring_grad(x):
    """A floating tensor that records operations for differentiation (a leaf copy of x)."""
    if not x.is_floating_point():
        return x
    return x.detach().requires_grad_(True)
