"""Every public name of Keras 3 is served by lamina under ``lamina run``'s ``keras`` alias.

Keras' names are read from real Keras (``KERAS_BACKEND=torch``): ``dir()`` of ``keras`` and
of each public submodule, recursively (``keras.layers``, ``keras.ops.nn``,
``keras.applications.resnet``...). Each is looked up on the module ``import keras`` gives under
the alias. Both sides run in subprocesses, so neither the alias nor real Keras leaks into this
process.

``MISSING`` lists what lamina does not have yet, with why. The test fails when a name outside
it is missing, and also when a name in it has arrived (delete the entry then), so the list
stays true.
"""

import json
import subprocess
import sys
import tempfile

import pytest

# module -> {name: why it is missing}; the name "*" means the whole module is absent.
_QUANTIZATION = "quantization is another engineer's issue; these parts have not landed yet"
_DISTRIBUTED = "multi-device layouts (device meshes, sharding) are their own issue"
_APPS = "keras.applications is being built by another engineer (issue: applications)"
# the application modules (keras.applications.<family>) not built yet, and the names (families
# and models) keras.applications has that lamina's does not yet
_PENDING_APP_MODULES = ()
_PENDING_APP_NAMES = ()
MISSING = {
    "keras": {
        "Operation": "the base class of Keras' ops; lamina's ops are functions on engine "
                     "tensors, recorded between layers as KerasOperation layers",
        "Quantizer": _QUANTIZATION,
        "RematScope": "remat of whole layers by name/size needs a hook in Layer.__call__; "
                      "keras.remat(f) works",
        "StatelessScope": "running layers with substituted variable values is the JAX "
                          "backend's issue (stateless_call)",
        "SymbolicScope": "lamina has no global symbolic-tracing mode to scope (symbolic tensors "
                         "are their own class)",
        "distillation": "keras.distillation (Distiller, distillation losses) is new in Keras "
                        "3.12 and not built yet",
    },
    "keras.applications": {name: _APPS for name in _PENDING_APP_NAMES},
    **{f"keras.applications.{family}": {"*": _APPS} for family in _PENDING_APP_MODULES},
    "keras.callbacks": {"OrbaxCheckpoint": "checkpoints through Orbax (a JAX library)"},
    "keras.distillation": {"*": "see keras.distillation above"},
    "keras.distribution": {name: _DISTRIBUTED for name in (
        "DataParallel", "DeviceMesh", "LayoutMap", "ModelParallel", "TensorLayout",
        "distribute_tensor", "distribution", "initialize", "set_distribution")},
    "keras.dtype_policies": {name: _QUANTIZATION for name in (
        "AWQDTypePolicy", "DTypePolicyMap", "GPTQDTypePolicy", "Int4DTypePolicy",
        "QuantizedFloat8DTypePolicy")},
    "keras.layers": {
    },
    "keras.quantizers": {name: _QUANTIZATION for name in (
        "AWQConfig", "Float8QuantizationConfig", "GPTQConfig", "Int4QuantizationConfig",
        "abs_max_quantize_grouped_with_zero_point", "fake_quant_with_min_max_vars")},
    "keras.visualization": {name: "drawing boxes, masks and galleries (matplotlib) not built yet"
                            for name in ("draw_bounding_boxes", "draw_segmentation_masks",
                                         "plot_bounding_box_gallery", "plot_image_gallery",
                                         "plot_segmentation_mask_gallery")},
}

# Reads every public name of real Keras: {module path: [names]}.
_KERAS_NAMES = r"""
import json, sys, types
import keras

names = {}

def walk(module, path):
    if path in names:
        return
    names[path] = []
    for name in sorted(n for n in dir(module) if not n.startswith("_")):
        if name == "src":  # Keras' implementation package, not its API
            continue
        value = getattr(module, name)
        names[path].append(name)
        if isinstance(value, types.ModuleType) and value.__name__.startswith("keras.") \
                and not value.__name__.startswith("keras.src"):
            walk(value, f"{path}.{name}")

walk(keras, "keras")
json.dump(names, sys.stdout)
"""

# Looks each name up under lamina's keras alias: {module path: [missing names] or ["*"]}.
_LAMINA_LOOKUP = r"""
import importlib, json, sys
from lamina.compat import keras_alias

names = json.load(sys.stdin)
missing = {}
keras_alias.install()
try:
    for path, wanted in names.items():
        try:
            module = importlib.import_module(path)
        except ImportError:
            missing[path] = ["*"]
            continue
        absent = [n for n in wanted if not hasattr(module, n)]
        if absent:
            missing[path] = absent
finally:
    keras_alias.uninstall()
json.dump(missing, sys.stdout)
"""


@pytest.fixture(scope="module")
def keras_names():
    import importlib.util
    import os

    if importlib.util.find_spec("keras") is None:  # only lamina here: nothing to compare with
        pytest.skip("real Keras 3 is not installed")
    env = {"KERAS_BACKEND": "torch", "KERAS_HOME": tempfile.mkdtemp(prefix="keras_home_")}
    out = subprocess.run([sys.executable, "-c", _KERAS_NAMES], capture_output=True, text=True,
                         check=True, env={**os.environ, **env}).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def lamina_missing(keras_names):
    out = subprocess.run([sys.executable, "-c", _LAMINA_LOOKUP], input=json.dumps(keras_names),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _coverage(keras_names, missing):
    total = sum(len(v) for v in keras_names.values())
    absent = sum(len(keras_names[p]) if m == ["*"] else len(m) for p, m in missing.items())
    return total - absent, total


def test_every_keras_name_is_served_or_listed_as_missing(keras_names, lamina_missing):
    have, total = _coverage(keras_names, lamina_missing)
    print(f"\nkeras names served by lamina: {have:,} of {total:,}")
    unexplained = {}
    for path, absent in lamina_missing.items():
        listed = MISSING.get(path, {})
        if absent == ["*"]:
            if "*" not in listed:
                unexplained[path] = "the whole module"
            continue
        names = [n for n in absent if n not in listed]
        if names:
            unexplained[path] = names
    assert not unexplained, (
        f"Keras names lamina does not serve (build them, or add them to MISSING with why): "
        f"{unexplained}"
    )


def test_names_listed_as_missing_are_really_missing(keras_names, lamina_missing):
    arrived = {}
    for path, listed in MISSING.items():
        absent = lamina_missing.get(path, [])
        if "*" in listed:
            if absent != ["*"]:
                arrived[path] = "the module now exists"
            continue
        if absent == ["*"]:
            continue  # the module is missing: its names are too (listed under its parent)
        names = [n for n in listed if n not in absent]
        if names:
            arrived[path] = names
    assert not arrived, f"These names exist now; delete them from MISSING: {arrived}"


def test_listed_names_are_keras_names(keras_names):
    # an entry for a name Keras does not have (a typo, or a name Keras dropped) is dead weight
    stale = {path: [n for n in listed if n != "*" and n not in keras_names.get(path, [])]
             for path, listed in MISSING.items()}
    stale = {p: v for p, v in stale.items() if v or p not in keras_names}
    assert not stale, f"MISSING holds names Keras does not have: {stale}"
