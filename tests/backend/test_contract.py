"""The active backend provides every function the contract lists."""

import pytest

from lamina import backend
from lamina.backend import contract


@pytest.mark.parametrize("module_name", sorted(contract.MODULES))
def test_backend_module_has_every_contract_name(module_name):
    module = getattr(backend, module_name)
    missing = [name for name in contract.MODULES[module_name] if not hasattr(module, name)]
    assert missing == []


def test_ops_are_the_engine_functions_themselves():
    """DESIGN rule 2: lamina.ops.kernels.matmul IS the backend's function (no wrapper); the
    public lamina.ops.matmul is that function behind its array-like conversion."""
    from lamina import ops
    from lamina.backend import ops as bops
    from lamina.ops import kernels

    assert kernels.matmul is bops.matmul and ops.matmul.__kernel__ is bops.matmul
    assert kernels.exp is bops.exp and ops.exp.__kernel__ is bops.exp


def test_no_module_outside_backend_imports_an_engine():
    import pathlib
    import re

    root = pathlib.Path(backend.__file__).resolve().parents[1]
    pattern = re.compile(r"^\s*(import|from)\s+(torch|jax|jaxlib)\b", re.MULTILINE)
    offenders = [
        str(p.relative_to(root)) for p in root.rglob("*.py")
        if "backend" not in p.relative_to(root).parts and pattern.search(p.read_text("utf-8"))
    ]
    assert offenders == []
