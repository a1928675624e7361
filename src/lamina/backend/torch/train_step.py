"""Gradients and fused optimizer updates on PyTorch.

The update kernels apply Keras 3's formulas to whole lists of tensors at once with torch's
multi-tensor (``_foreach``) ops, or torch's fused Adam kernel where the maths is made
identical (Keras adds epsilon after the bias-corrected square root; torch before it, so the
fused kernel gets ``epsilon / sqrt(1 - beta_2**t)``).
"""

from __future__ import annotations

import math

import torch

_FUSED_ADAM = hasattr(torch, "_fused_adam_")


def gradients(loss, variables):
    grads = torch.autograd.grad(loss, variables, allow_unused=True)
    return [torch.zeros_like(v) if g is None else g for g, v in zip(grads, variables)]


def zeros_like_list(variables):
    return [torch.zeros_like(v, memory_format=torch.preserve_format) for v in variables]


@torch.no_grad()
def adam_update(variables, grads, ms, vs, vhats, lr, beta_1, beta_2, epsilon, step, step_tensor=None):
    """Keras Adam: m, v moving averages; var -= lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)."""
    bc1 = 1.0 - beta_1**step
    bc2 = 1.0 - beta_2**step
    if (
        _FUSED_ADAM
        and step_tensor is not None
        and vhats is None
        and variables[0].dtype == torch.float32
    ):
        steps = [step_tensor] * len(variables)
        torch._fused_adam_(
            variables, grads, ms, vs, [], steps,
            lr=float(lr), beta1=beta_1, beta2=beta_2, weight_decay=0.0,
            eps=epsilon / math.sqrt(bc2), amsgrad=False, maximize=False,
        )
        return
    alpha = float(lr) * math.sqrt(bc2) / bc1
    torch._foreach_lerp_(ms, grads, 1.0 - beta_1)
    torch._foreach_mul_(vs, beta_2)
    torch._foreach_addcmul_(vs, grads, grads, value=1.0 - beta_2)
    if vhats is not None:
        torch._foreach_maximum_(vhats, vs)
        denom = torch._foreach_sqrt(vhats)
    else:
        denom = torch._foreach_sqrt(vs)
    torch._foreach_add_(denom, epsilon)
    torch._foreach_addcdiv_(variables, ms, denom, value=-alpha)


@torch.no_grad()
def sgd_update(variables, grads, momenta, lr, momentum, nesterov):
    """Keras SGD: m = momentum*m - lr*g; var += m (or momentum*m - lr*g with Nesterov)."""
    lr = float(lr)
    if momenta is None:
        torch._foreach_add_(variables, grads, alpha=-lr)
        return
    torch._foreach_mul_(momenta, momentum)
    torch._foreach_add_(momenta, grads, alpha=-lr)
    if nesterov:
        torch._foreach_add_(variables, momenta, alpha=momentum)
        torch._foreach_add_(variables, grads, alpha=-lr)
    else:
        torch._foreach_add_(variables, momenta)


@torch.no_grad()
def rmsprop_update(variables, grads, velocities, momenta, average_grads, lr, rho, momentum, epsilon):
    """Keras RMSprop: v = rho*v + (1-rho)*g^2; inc = lr*g/sqrt(v [- avg^2] + eps)."""
    lr = float(lr)
    torch._foreach_mul_(velocities, rho)
    torch._foreach_addcmul_(velocities, grads, grads, value=1.0 - rho)
    if average_grads is not None:
        torch._foreach_mul_(average_grads, rho)
        torch._foreach_add_(average_grads, grads, alpha=1.0 - rho)
        denom = torch._foreach_sub(velocities, torch._foreach_mul(average_grads, average_grads))
        torch._foreach_add_(denom, epsilon)
    else:
        denom = torch._foreach_add(velocities, epsilon)
    torch._foreach_sqrt_(denom)
    increments = torch._foreach_div(torch._foreach_mul(grads, lr), denom)
    if momenta is not None:
        torch._foreach_mul_(momenta, momentum)
        torch._foreach_add_(momenta, increments)
        torch._foreach_sub_(variables, momenta)
    else:
        torch._foreach_sub_(variables, increments)


@torch.no_grad()
def adagrad_update(variables, grads, accumulators, lr, epsilon):
    """Keras Adagrad: acc += g^2; var -= lr * g / sqrt(acc + eps)."""
    torch._foreach_addcmul_(accumulators, grads, grads)
    denom = torch._foreach_add(accumulators, epsilon)
    torch._foreach_sqrt_(denom)
    torch._foreach_addcdiv_(variables, grads, denom, value=-float(lr))


@torch.no_grad()
def assign_list(targets, values):
    torch._foreach_copy_(targets, values)


def global_norm(tensors):
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(tensors)))


def compile_function(fn, **kwargs):
    """Wrap ``fn`` with torch.compile."""
    return torch.compile(fn, **kwargs)
