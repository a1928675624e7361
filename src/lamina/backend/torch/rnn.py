"""Recurrent kernels on PyTorch (see contract.py).

``lstm``, ``gru`` and ``simple_rnn`` run a whole sequence on torch's fused RNN kernels
(``torch.lstm``, ``torch.gru``, ``torch.rnn_tanh``/``rnn_relu``) from weights in Keras' layout
(DESIGN rule 6): Keras' LSTM gates (i, f, c, o) are torch's (i, f, g, o), so its weights are
just transposed (views, no copy); Keras' GRU gates (z, r, h) are reordered to torch's (r, z, n)
once per forward call with differentiable ops, or once per weight change when no gradient is
wanted (cached by the variables' ``_version`` counters).

``rnn`` is the general per-step loop over any step function, with Keras' masking rule:
a masked step keeps the previous states, and its output is the previous output (or zeros
with ``zero_output_for_mask``).
"""

from __future__ import annotations

import torch

from lamina import tree

# -- helpers --------------------------------------------------------------------------------


def _expand(mask_t, like):
    """A (batch,) boolean mask shaped to broadcast against ``like``."""
    return mask_t.view((mask_t.shape[0],) + (1,) * (like.dim() - 1))


# -- the general loop -----------------------------------------------------------------------


def rnn(step, inputs, initial_states, go_backwards=False, mask=None,
        zero_output_for_mask=False, return_all_outputs=True):
    """Run ``step(x_t, states) -> (output, new_states)`` over axis 1 of ``inputs``.

    Returns ``(last_output, outputs, states)``; ``outputs`` is ``(batch, time, ...)`` (in the
    order the steps ran) or ``(batch, 1, ...)`` when not ``return_all_outputs``.
    """
    steps = inputs.unbind(1)
    if go_backwards:
        steps = steps[::-1]
    states = initial_states
    outputs = []
    output = None
    if mask is None:
        for x_t in steps:
            output, states = step(x_t, states)
            if return_all_outputs:
                outputs.append(output)
    else:
        if mask.dtype != torch.bool:
            mask = mask.bool()
        if mask.dim() > 2:
            mask = mask.reshape(mask.shape[0], mask.shape[1])
        masks = mask.unbind(1)
        if go_backwards:
            masks = masks[::-1]
        prev = None
        for x_t, m_t in zip(steps, masks):
            new_output, new_states = step(x_t, states)
            m = _expand(m_t, new_output)
            if prev is None or zero_output_for_mask:
                fill = torch.zeros_like(new_output)
            else:
                fill = prev
            output = torch.where(m, new_output, fill)
            flat_old, flat_new = tree.flatten(states), tree.flatten(new_states)
            states = tree.pack_sequence_as(new_states, [
                torch.where(_expand(m_t, n), n, o) for n, o in zip(flat_new, flat_old)
            ])
            prev = output
            if return_all_outputs:
                outputs.append(output)
    if return_all_outputs:
        stacked = torch.stack(outputs, 1)
    else:
        stacked = output.unsqueeze(1)
    return output, stacked, states


# -- masks ----------------------------------------------------------------------------------


def right_padded_lengths(mask):
    """Per-sequence lengths if ``mask`` (batch, time) is right padding with no empty
    sequence (what packed sequences compute); None otherwise."""
    if mask.dtype != torch.bool:
        mask = mask.bool()
    lengths = mask.sum(1)
    steps = torch.arange(mask.shape[1], device=mask.device)
    ok = torch.equal(mask, steps.unsqueeze(0) < lengths.unsqueeze(1)) and bool(lengths.min() > 0)
    return lengths if ok else None


# -- weight mapping ---------------------------------------------------------------------------


def _needs_grad(tensors):
    return torch.is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)


def _cached(cache, tensors, build):
    """``build()``'s result, recomputed only when a tensor was written (or grads are wanted)."""
    if cache is None or _needs_grad(tensors):
        return build()
    key = tuple((id(t), t._version) if t is not None else None for t in tensors)
    hit = cache.get("key")
    if hit != key:
        with torch.no_grad():
            cache["value"] = build()
        cache["key"] = key
    return cache["value"]


class _Transposed(torch.autograd.Function):
    """``w.T`` as a contiguous copy whose gradient is contiguous too: a plain ``w.t()`` view
    hands optimizers a transposed gradient, which ``torch._fused_adam_`` misreads."""

    @staticmethod
    def forward(ctx, w):
        return w.t().contiguous()

    @staticmethod
    def backward(ctx, grad):
        return grad.t().contiguous()


def _t(w):
    return _Transposed.apply(w) if w.requires_grad and torch.is_grad_enabled() else w.t()


def lstm_params(kernel, recurrent_kernel, bias):
    # torch.lstm wants (4u, in) weights; Keras' gate order i, f, c, o is torch's i, f, g, o
    params = [_t(kernel), _t(recurrent_kernel)]
    if bias is not None:
        params += [bias, torch.zeros_like(bias)]
    return params


def _gru_order(w, units, dim):
    z, r, h = torch.split(w, units, dim=dim)
    return torch.cat([r, z, h], dim=dim)


def gru_params(kernel, recurrent_kernel, bias):
    units = recurrent_kernel.shape[0]
    params = [_t(_gru_order(kernel, units, 1)), _t(_gru_order(recurrent_kernel, units, 1))]
    if bias is not None:
        params += [_gru_order(bias[0], units, 0), _gru_order(bias[1], units, 0)]
    return params


def simple_rnn_params(kernel, recurrent_kernel, bias):
    params = [_t(kernel), _t(recurrent_kernel)]
    if bias is not None:
        params += [bias, torch.zeros_like(bias)]
    return params


# -- fused kernels ----------------------------------------------------------------------------


def _run(fn, inputs, hx, params, has_bias, lengths, go_backwards, zero_output_for_mask=False):
    """Run one fused torch RNN ``fn``; returns (outputs (batch, time, units), final hx).

    ``lengths`` (right-padded masks) runs packed sequences, so padding never reaches the
    state, and the outputs are laid out as Keras' masked loop lays them out: a masked step
    repeats the previous output (zeros before the first real step, or always zeros with
    ``zero_output_for_mask``); with ``go_backwards`` the padding comes first.
    """
    if lengths is None:
        if go_backwards:
            inputs = torch.flip(inputs, (1,))
        out = fn(inputs, hx, params, has_bias, 1, 0.0, False, False, True)
        return out[0], out[1:]
    device, steps = inputs.device, inputs.shape[1]
    lengths = lengths.to(device)
    t = torch.arange(steps, device=device).unsqueeze(0)
    if go_backwards:  # each sequence's real steps, reversed, at the front
        src = (lengths.unsqueeze(1) - 1 - t).clamp_min(0)
        inputs = inputs.gather(1, src.unsqueeze(-1).expand(-1, -1, inputs.shape[-1]))
    lengths_cpu = lengths.to("cpu", torch.int64)
    order = torch.argsort(lengths_cpu, descending=True, stable=True)
    restore = torch.argsort(order)
    order_d, restore_d = order.to(device), restore.to(device)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        inputs.index_select(0, order_d), lengths_cpu[order], batch_first=True)
    hx = tuple(h.index_select(1, order_d) for h in hx) if isinstance(hx, tuple) \
        else hx.index_select(1, order_d)
    out = fn(packed.data, packed.batch_sizes, hx, params, has_bias, 1, 0.0, False, False)
    padded, _ = torch.nn.utils.rnn.pad_packed_sequence(
        torch.nn.utils.rnn.PackedSequence(out[0], packed.batch_sizes), batch_first=True,
        total_length=steps)
    padded = padded.index_select(0, restore_d)
    finals = tuple(h.index_select(1, restore_d) for h in out[1:])
    lens = lengths.unsqueeze(1)
    if go_backwards:
        pad = steps - lens  # Keras' first `pad` steps are masked, before any output
        idx = (t - pad).clamp_min(0)
        keep = t >= pad
    else:
        idx = torch.minimum(t, lens - 1)
        keep = t < lens if zero_output_for_mask else None
    padded = padded.gather(1, idx.unsqueeze(-1).expand(-1, -1, padded.shape[-1]))
    if keep is not None:
        padded = padded * keep.unsqueeze(-1).to(padded.dtype)
    return padded, finals


def _mkldnn_enabled():
    return torch._C._get_mkldnn_enabled()


# What torch.compiler.assume_constant_result does (read at trace time, no graph break),
# without importing the compiler (half a second) when lamina is imported.
_mkldnn_enabled._dynamo_marked_constant = True


def _compiled_lstm(*args):
    """torch.lstm for torch.compile. With oneDNN on, torch's decomposition lowers an LSTM whose
    input needs no gradient (the first layer in training) to ``mkldnn_rnn_layer``, which the
    compiler then fails to run (torch 2.13: "expected Tensor() for op"); with it off, the
    LSTM is traced step by step as GRU and SimpleRNN are."""
    enabled = _mkldnn_enabled()
    torch._C._set_mkldnn_enabled(False)
    try:
        return torch.lstm(*args)
    finally:
        torch._C._set_mkldnn_enabled(enabled)


def _lstm_fn():
    return _compiled_lstm if torch.compiler.is_compiling() else torch.lstm


def lstm(inputs, h0, c0, kernel, recurrent_kernel, bias=None, go_backwards=False,
         lengths=None, cache=None, zero_output_for_mask=False):
    """Keras LSTM (tanh, sigmoid) on torch.lstm: returns (outputs, h, c)."""
    params = _cached(cache, (kernel, recurrent_kernel, bias),
                     lambda: lstm_params(kernel, recurrent_kernel, bias))
    outputs, (h, c) = _run(_lstm_fn(), inputs, (h0.unsqueeze(0), c0.unsqueeze(0)), params,
                           bias is not None, lengths, go_backwards,
                           zero_output_for_mask)
    return outputs, h.squeeze(0), c.squeeze(0)


def gru(inputs, h0, kernel, recurrent_kernel, bias=None, go_backwards=False, lengths=None,
        cache=None, zero_output_for_mask=False):
    """Keras GRU (tanh, sigmoid, reset_after=True) on torch.gru: returns (outputs, h)."""
    params = _cached(cache, (kernel, recurrent_kernel, bias),
                     lambda: gru_params(kernel, recurrent_kernel, bias))
    outputs, (h,) = _run(torch.gru, inputs, h0.unsqueeze(0), params, bias is not None,
                         lengths, go_backwards, zero_output_for_mask)
    return outputs, h.squeeze(0)


def simple_rnn(inputs, h0, kernel, recurrent_kernel, bias=None, activation="tanh",
               go_backwards=False, lengths=None, cache=None, zero_output_for_mask=False):
    """Keras SimpleRNN (tanh or relu) on torch.rnn_tanh/rnn_relu: returns (outputs, h)."""
    params = _cached(cache, (kernel, recurrent_kernel, bias),
                     lambda: simple_rnn_params(kernel, recurrent_kernel, bias))
    fn = torch.rnn_tanh if activation == "tanh" else torch.rnn_relu
    outputs, (h,) = _run(fn, inputs, h0.unsqueeze(0), params, bias is not None, lengths,
                         go_backwards, zero_output_for_mask)
    return outputs, h.squeeze(0)


def input_dropout_mask(like, rate):
    """A (batch, features) Keras dropout mask: 0 with probability ``rate``, else 1/(1-rate)."""
    return torch.empty_like(like).bernoulli_(1.0 - rate) / (1.0 - rate)
