"""Gradients and fused optimizer updates on PyTorch.

The update kernels apply Keras 3's formulas (as its torch backend evaluates them) to whole
lists of tensors at once with torch's multi-tensor (``_foreach``) ops, so one optimizer step
costs a handful of kernel launches whatever the number of variables. Scalars (learning rate,
bias corrections) arrive as Python floats: no tensor work for them.

Adam may also run on torch's fused Adam kernel where the maths is made identical: Keras adds
epsilon after the bias-corrected square root, torch before it, so the fused kernel gets
``epsilon / sqrt(1 - beta_2**t)``. ``ADAM_FUSED`` picks the path (see ``adam_update``).
"""

from __future__ import annotations

import math
import struct

import torch

_HAS_FUSED_ADAM = hasattr(torch, "_fused_adam_")
# Measured on 2 CPU cores, MLP 784-512-10 (4 tensors, 407k floats): fused ~80 us per step,
# foreach ~215 us (it makes temporaries and passes over memory more often). Same numbers to
# float32 rounding, so the fused kernel is used wherever torch has it.
ADAM_FUSED = _HAS_FUSED_ADAM


def gradients(loss, variables):
    """d loss / d variables; None becomes zeros, and every gradient is laid out like its
    variable (a gradient through ``w.t()`` comes back transposed-strided, and the fused
    optimizer kernels read raw memory)."""
    grads = torch.autograd.grad(loss, variables, allow_unused=True)
    return [
        torch.zeros_like(v) if g is None else (g if g.stride() == v.stride() else g.contiguous())
        for g, v in zip(grads, variables)
    ]


def zeros_like_list(variables):
    return [torch.zeros_like(v, memory_format=torch.preserve_format) for v in variables]


def full(shape, value, dtype, like=None):
    """A new tensor of ``shape`` filled with ``value`` (on ``like``'s device, else the default)."""
    from lamina.backend.torch.core import DEVICE, to_engine_dtype

    device = like.device if like is not None else DEVICE
    return torch.full(tuple(shape), value, dtype=to_engine_dtype(dtype), device=device)


def version_of(tensor) -> int:
    """A counter torch bumps on every in-place write: lets callers cache a scalar's value."""
    return tensor._version


def scalar_value(tensor):
    """A 0-d tensor's value as a Python number."""
    return tensor.item()


def increment(tensor, amount=1) -> None:
    """``tensor += amount`` in place (a counter: needs no grad mode, saves ~1 us a step)."""
    tensor.add_(amount)


# --- gradient transforms (none modifies the caller's gradients) ----------------------------


@torch.no_grad()
def scale_list(tensors, factor):
    """``[t * factor for t in tensors]`` as new tensors; factor a float or 0-d tensor."""
    return torch._foreach_mul(tensors, factor)


@torch.no_grad()
def clip_by_norm_list(grads, clipnorm):
    """Keras' per-tensor clip: ``g * clipnorm / max(||g||, clipnorm)``."""
    norms = torch._foreach_norm(grads)
    torch._foreach_clamp_min_(norms, clipnorm)
    torch._foreach_reciprocal_(norms)
    torch._foreach_mul_(norms, clipnorm)
    return torch._foreach_mul(grads, norms)


@torch.no_grad()
def clip_by_value_list(grads, clipvalue):
    out = torch._foreach_clamp_min(grads, -clipvalue)
    torch._foreach_clamp_max_(out, clipvalue)
    return out


@torch.no_grad()
def clip_by_global_norm_list(grads, clipnorm):
    """Keras' global clip: scale = clipnorm * min(1/norm, 1/clipnorm), NaN if norm is not finite."""
    norm = global_norm(grads)
    scale = clipnorm * torch.clamp_max(1.0 / norm, 1.0 / clipnorm) + (norm - norm)
    return torch._foreach_mul(grads, scale)


@torch.no_grad()
def decay_weights(variables, factor) -> None:
    """Decoupled weight decay as Keras' torch backend does it: ``v *= 1 - wd * lr``."""
    torch._foreach_mul_(variables, factor)


# --- updates --------------------------------------------------------------------------------

_STEPS: dict = {}


def _f32(x: float) -> float:
    """``x`` rounded to float32, as Keras casts its hyper-parameters before using them."""
    return struct.unpack("f", struct.pack("f", x))[0]


def _f32_power(base: float, step: int) -> float:
    """``base ** step`` as Keras computes it: in float32, from the float32 ``base``."""
    return _f32(_f32(base) ** step)


def _average_(averages, values, decay) -> None:
    """``averages = decay * averages + (1 - decay) * values``, in place."""
    torch._foreach_mul_(averages, decay)
    torch._foreach_add_(averages, values, alpha=1.0 - decay)


def _average_squares_(averages, values, decay) -> None:
    """``averages = decay * averages + (1 - decay) * values**2``, in place."""
    torch._foreach_mul_(averages, decay)
    torch._foreach_addcmul_(averages, values, values, value=1.0 - decay)


def _step_tensor(device, step):
    # The fused kernel reads the step from a float tensor; one shared scalar per device.
    t = _STEPS.get(device)
    if t is None:
        t = _STEPS[device] = torch.zeros((), dtype=torch.float32, device=device)
    t.fill_(step)
    return t


@torch.no_grad()
def adam_update(variables, grads, ms, vs, vhats, lr, beta_1, beta_2, epsilon, step):
    """Keras Adam: m, v moving averages; var -= lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps).

    ``step`` is the 1-based step t (Keras' ``iterations + 1``); ``vhats`` is None without
    amsgrad.
    """
    # Keras raises the float32 betas to the power t: 1 - 0.999**1 then differs from 0.001 by
    # 1.3e-5 relative, so the bias corrections use the float32 betas to give Keras' numbers.
    bc1 = 1.0 - _f32(beta_1) ** step
    bc2 = 1.0 - _f32(beta_2) ** step
    alpha = float(lr) * math.sqrt(bc2) / bc1
    if ADAM_FUSED and variables[0].dtype == torch.float32:
        # torch computes var -= lr/c1 * m / (sqrt(v)/sqrt(c2) + eps) with its own (float64)
        # corrections c1, c2; choosing lr = alpha*c1/sqrt(c2) and eps = epsilon/sqrt(c2)
        # turns that into Keras' var -= alpha * m / (sqrt(v) + epsilon).
        root_c2 = math.sqrt(1.0 - beta_2**step)
        steps = [_step_tensor(variables[0].device, step)] * len(variables)
        torch._fused_adam_(
            variables,
            grads,
            ms,
            vs,
            vhats if vhats is not None else [],
            steps,
            lr=alpha * (1.0 - beta_1**step) / root_c2,
            beta1=beta_1,
            beta2=beta_2,
            weight_decay=0.0,
            eps=epsilon / root_c2,
            amsgrad=vhats is not None,
            maximize=False,
        )
        # the fused kernel writes the variables without bumping their version counters;
        # caches keyed on them (e.g. a GRU's reordered weights) must see the change
        torch.autograd.graph.increment_version(variables)
        return
    torch._foreach_lerp_(ms, grads, 1.0 - beta_1)
    _average_squares_(vs, grads, beta_2)
    if vhats is not None:
        torch._foreach_maximum_(vhats, vs)
        denom = torch._foreach_sqrt(vhats)
    else:
        denom = torch._foreach_sqrt(vs)
    torch._foreach_add_(denom, epsilon)
    torch._foreach_addcdiv_(variables, ms, denom, value=-alpha)


@torch.no_grad()
def sgd_update(variables, grads, momenta, lr, momentum, nesterov):
    """Keras SGD: m = momentum*m - lr*g; var += m (Nesterov: var += -lr*g + momentum*m)."""
    lr = float(lr)
    if momenta is None:
        torch._foreach_add_(variables, grads, alpha=-lr)
        return
    torch._foreach_mul_(momenta, momentum)
    torch._foreach_add_(momenta, grads, alpha=-lr)
    if nesterov:
        torch._foreach_add_(variables, grads, alpha=-lr)
        torch._foreach_add_(variables, momenta, alpha=momentum)
    else:
        torch._foreach_add_(variables, momenta)


@torch.no_grad()
def rmsprop_update(
    variables, grads, velocities, momenta, average_grads, lr, rho, momentum, epsilon
):
    """Keras RMSprop: v = rho*v + (1-rho)*g^2; inc = lr*g/sqrt(v + eps [- avg^2])."""
    lr = float(lr)
    _average_squares_(velocities, grads, rho)
    denom = torch._foreach_add(velocities, epsilon)
    if average_grads is not None:
        _average_(average_grads, grads, rho)
        torch._foreach_addcmul_(denom, average_grads, average_grads, value=-1.0)
    torch._foreach_sqrt_(denom)
    if momenta is not None:
        torch._foreach_mul_(momenta, momentum)
        torch._foreach_addcdiv_(momenta, grads, denom, value=lr)
        torch._foreach_sub_(variables, momenta)
    else:
        torch._foreach_addcdiv_(variables, grads, denom, value=-lr)


@torch.no_grad()
def adagrad_update(variables, grads, accumulators, lr, epsilon):
    """Keras Adagrad: acc += g^2; var -= lr * g / sqrt(acc + eps)."""
    torch._foreach_addcmul_(accumulators, grads, grads)
    denom = torch._foreach_add(accumulators, epsilon)
    torch._foreach_sqrt_(denom)
    torch._foreach_addcdiv_(variables, grads, denom, value=-float(lr))


@torch.no_grad()
def adadelta_update(variables, grads, accumulated_grads, accumulated_deltas, lr, rho, epsilon):
    """Keras Adadelta: E[g^2] = rho*E[g^2] + (1-rho)*g^2; d = -sqrt(E[d^2]+eps)/sqrt(E[g^2]+eps)*g;
    E[d^2] = rho*E[d^2] + (1-rho)*d^2; var += lr*d."""
    _average_squares_(accumulated_grads, grads, rho)
    deltas = torch._foreach_add(accumulated_deltas, epsilon)
    torch._foreach_sqrt_(deltas)
    torch._foreach_mul_(deltas, grads)
    denom = torch._foreach_add(accumulated_grads, epsilon)
    torch._foreach_sqrt_(denom)
    torch._foreach_div_(deltas, denom)
    torch._foreach_neg_(deltas)
    _average_squares_(accumulated_deltas, deltas, rho)
    torch._foreach_add_(variables, deltas, alpha=_f32(float(lr)))


@torch.no_grad()
def adamax_update(variables, grads, ms, us, lr, beta_1, beta_2, epsilon, step):
    """Keras Adamax: m = b1*m + (1-b1)*g; u = max(b2*u, |g|); var -= lr*m / ((1-b1^t)*(u+eps))."""
    _average_(ms, grads, beta_1)
    torch._foreach_mul_(us, beta_2)
    torch._foreach_maximum_(us, torch._foreach_abs(grads))
    denom = torch._foreach_add(us, epsilon)
    torch._foreach_mul_(denom, _f32(1.0 - _f32_power(beta_1, step)))
    torch._foreach_addcdiv_(variables, ms, denom, value=-float(lr))


@torch.no_grad()
def nadam_update(variables, grads, ms, vs, lr, beta_1, beta_2, epsilon, step, u_product):
    """Keras Nadam; ``u_product`` is the product of the momentum schedule up to step t-1.

    Returns the product up to step t (the caller stores it).
    """
    b1 = _f32(beta_1)
    u_t = _f32(b1 * (1.0 - 0.5 * _f32_power(0.96, step)))
    u_t_1 = _f32(b1 * (1.0 - 0.5 * _f32_power(0.96, step + 1)))
    u_product_t = _f32(u_product * u_t)
    u_product_t_1 = _f32(u_product_t * u_t_1)
    beta_2_power = _f32_power(beta_2, step)
    _average_(ms, grads, beta_1)
    _average_squares_(vs, grads, beta_2)
    m_hat = torch._foreach_mul(ms, u_t_1 / (1.0 - u_product_t_1))
    torch._foreach_add_(m_hat, grads, alpha=(1.0 - u_t) / (1.0 - u_product_t))
    denom = torch._foreach_div(vs, 1.0 - beta_2_power)
    torch._foreach_sqrt_(denom)
    torch._foreach_add_(denom, epsilon)
    torch._foreach_addcdiv_(variables, m_hat, denom, value=-float(lr))
    return u_product_t


@torch.no_grad()
def ftrl_update(
    variables, grads, accumulators, linears, lr, lr_power, l1, l2, l2_shrinkage, beta
):
    """Keras FTRL-proximal (accumulators of g^2, linear terms, closed-form weights)."""
    lr = _f32(float(lr))
    l2 = l2 + beta / (2.0 * lr)
    if l2_shrinkage:
        grad_to_use = torch._foreach_add(grads, variables, alpha=2.0 * l2_shrinkage)
    else:
        grad_to_use = grads
    # Unfused, as Keras computes it: the linear term subtracts two nearby powers, so one
    # rounding of difference here shows up ~1e-5 relative there.
    new_accum = torch._foreach_mul(grads, grads)
    torch._foreach_add_(new_accum, accumulators)
    # pow with a tensor exponent (Keras' ops.power): a float 0.5 would become sqrt, 1 ulp off.
    exponent = torch.tensor(-lr_power, dtype=variables[0].dtype, device=variables[0].device)
    exponents = [exponent.expand_as(a) for a in accumulators]
    new_pow = torch._foreach_pow(new_accum, exponents)
    old_pow = torch._foreach_pow(accumulators, exponents)
    # linear += grad_to_use - (new_pow - old_pow) / lr * var
    sigma = torch._foreach_sub(new_pow, old_pow)
    torch._foreach_div_(sigma, lr)
    torch._foreach_mul_(sigma, variables)
    torch._foreach_neg_(sigma)
    torch._foreach_add_(sigma, grad_to_use)
    torch._foreach_add_(linears, sigma)
    # var = (clip(linear, -l1, l1) - linear) / (new_pow / lr + 2*l2)
    quadratic = torch._foreach_div(new_pow, lr)
    torch._foreach_add_(quadratic, 2.0 * l2)
    clipped = torch._foreach_clamp_min(linears, -l1)
    torch._foreach_clamp_max_(clipped, l1)
    torch._foreach_sub_(clipped, linears)
    torch._foreach_div_(clipped, quadratic)
    torch._foreach_copy_(variables, clipped)
    torch._foreach_copy_(accumulators, new_accum)


@torch.no_grad()
def lion_update(variables, grads, ms, lr, beta_1, beta_2):
    """Keras Lion: var -= lr*sign(b1*m + (1-b1)*g); m = b2*m + (1-b2)*g."""
    c = torch._foreach_mul(ms, beta_1)
    torch._foreach_add_(c, grads, alpha=1.0 - beta_1)
    torch._foreach_sign_(c)
    torch._foreach_add_(variables, c, alpha=-_f32(float(lr)))
    _average_(ms, grads, beta_2)


@torch.no_grad()
def lamb_update(variables, grads, ms, vs, lr, beta_1, beta_2, epsilon, step):
    """Keras LAMB: an Adam direction scaled per tensor by ||w|| / ||update|| (1 if either is 0)."""
    bc1 = _f32(1.0 - _f32_power(beta_1, step))
    bc2 = _f32(1.0 - _f32_power(beta_2, step))
    _average_(ms, grads, beta_1)
    _average_squares_(vs, grads, beta_2)
    denom = torch._foreach_div(vs, bc2)
    torch._foreach_sqrt_(denom)
    torch._foreach_add_(denom, epsilon)
    updates = torch._foreach_div(ms, bc1)
    torch._foreach_div_(updates, denom)
    w_norm = torch.stack(torch._foreach_norm(variables))
    g_norm = torch.stack(torch._foreach_norm(updates))
    ratio = torch.where((w_norm > 0) & (g_norm > 0), w_norm / g_norm, torch.ones_like(w_norm))
    ratio = ratio * _f32(float(lr))
    torch._foreach_mul_(updates, list(ratio.unbind()))
    torch._foreach_sub_(variables, updates)


@torch.no_grad()
def all_finite(tensors) -> bool:
    """True when no tensor holds an inf or a NaN (one device sync for the whole list)."""
    peaks = torch._foreach_norm(tensors, float("inf"))
    return bool(torch.stack(peaks).isfinite().all())


@torch.no_grad()
def ema_update(averages, variables, momentum) -> None:
    """``avg = momentum * avg + (1 - momentum) * var`` (Keras' EMA of model weights)."""
    _average_(averages, variables, momentum)


@torch.no_grad()
def accumulate(accumulators, grads) -> None:
    torch._foreach_add_(accumulators, grads)


@torch.no_grad()
def fill_list(tensors, value) -> None:
    torch._foreach_mul_(tensors, 0.0)
    if value:
        torch._foreach_add_(tensors, value)


@torch.no_grad()
def assign_list(targets, values):
    torch._foreach_copy_(targets, values)


def global_norm(tensors):
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(tensors)))


def compile_function(fn, **kwargs):
    """Wrap ``fn`` with torch.compile, shapes static: a fit sees one or two batch shapes (the
    full batch and the last), each compiled once into code specialised for it."""
    kwargs.setdefault("dynamic", False)
    from lamina.backend.torch.core import DEVICE

    if DEVICE.type == "cpu":
        # torch's own random kernels: the compiler's generated ones ran dropout 3x slower on
        # the CPU, and with torch's a compiled fit draws the eager fit's dropout masks.
        kwargs.setdefault("options", {"fallback_random": True})
    return torch.compile(fn, **kwargs)


def set_training_mode(module, training: bool) -> None:
    """torch's ``Module.train()`` / ``.eval()`` on a model, so torch modules inside lamina
    layers (``torch.nn.Dropout``, ``BatchNorm2d``) follow fit/evaluate/predict as in Keras."""
    module.train(bool(training))
