"""The torch side of ``layers.TorchModuleWrapper``: a ``torch.nn.Module``'s parameters made
lamina variables in place, its train/eval mode, and its ``state_dict`` as NumPy arrays."""

from __future__ import annotations

import numpy as np
import torch

from lamina.backend.torch import core


def is_module(obj) -> bool:
    return isinstance(obj, torch.nn.Module)


def is_module_class(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, torch.nn.Module)


def adopt(module: torch.nn.Module, prefix: str) -> list:
    """Replace every parameter of ``module`` by a lamina ``Variable`` on the same storage (so
    optimizers, ``weights`` and the module's own forward all see one tensor) and return them
    in ``module.parameters()`` order. A parameter shared by two submodules stays shared."""
    if isinstance(module, torch.nn.modules.lazy.LazyModuleMixin) and \
            module.has_uninitialized_params():
        raise ValueError(
            "TorchModuleWrapper: LazyModules are not supported unless they are already "
            f"initialized. Received uninitialized LazyModule: module={module}")
    module.to(core.DEVICE)
    adopted = {}
    for qualname, param in module.named_parameters():
        if isinstance(param, core.Variable):
            adopted[id(param)] = param
            continue
        var = core.Variable(param.data, trainable=param.requires_grad, name=qualname)
        var._lamina_path = f"{prefix}/{qualname}"
        adopted[id(param)] = var
    for sub in module.modules():
        for key, param in list(sub._parameters.items()):
            if param is not None and id(param) in adopted:
                sub._parameters[key] = adopted[id(param)]
    return list(adopted.values())  # named_parameters order, each shared parameter once


def set_mode(module: torch.nn.Module, training: bool) -> None:
    module.train(bool(training))


def state_arrays(module: torch.nn.Module) -> dict:
    """The module's ``state_dict`` (parameters and buffers such as BatchNorm statistics)."""
    return {k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}


def load_state_arrays(module: torch.nn.Module, arrays: dict, where: str) -> None:
    """Copy saved arrays into the module's tensors in place (the variables stay the same)."""
    state = module.state_dict()
    missing = sorted(set(state) - set(arrays))
    unexpected = sorted(set(arrays) - set(state))
    if missing or unexpected:
        raise ValueError(
            f"{where}: the saved state does not fit the torch module "
            f"{type(module).__name__}: missing {missing}, unexpected {unexpected}.")
    with torch.no_grad():
        for key, target in state.items():
            value = np.asarray(arrays[key])
            if tuple(value.shape) != tuple(target.shape):
                raise ValueError(
                    f"{where}: '{key}' has shape {tuple(target.shape)} in the module, but "
                    f"{tuple(value.shape)} in the file.")
            target.copy_(torch.as_tensor(value, dtype=target.dtype))
