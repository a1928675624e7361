"""Files an object keeps beside its weights in a ``.keras`` zip: ``assets/<path>/...``.

As Keras 3's saver does, every object of the model that has ``save_assets(dir_path)`` writes
its files (e.g. a lookup layer's ``vocabulary.txt``) into a folder, stored in the zip under
``assets/<the object's path>/`` (the same path as its weights); ``load_assets(dir_path)``
reads them back. Paths from a zip are data: each one is checked (no absolute paths, no
``..``, no backslashes or drive letters) before anything is written to the temporary folder
the layer reads from, and the files are only ever read as data.

>>> [name for name, _ in collect(model)]             # doctest: +SKIP
['assets/layers/string_lookup/vocabulary.txt']
"""

from __future__ import annotations

import os
import tempfile

from lamina.saving.object_graph import walk

ASSETS_DIRNAME = "assets"
MAX_ASSET_BYTES = 1 << 30  # declared size of all asset files together (zip-bomb guard)


def _has(obj, method):
    return callable(getattr(obj, method, None))


def collect(model) -> list:
    """``(zip member name, bytes)`` for every asset file the model's objects write."""
    out = []
    for path, obj in walk(model):
        if not _has(obj, "save_assets"):
            continue
        with tempfile.TemporaryDirectory(prefix="lamina_assets_") as tmp:
            obj.save_assets(tmp)
            for root, _dirs, names in os.walk(tmp):
                for name in sorted(names):
                    full = os.path.join(root, name)
                    rel = os.path.relpath(full, tmp).replace(os.sep, "/")
                    member = "/".join(p for p in (ASSETS_DIRNAME, path, rel) if p)
                    with open(full, "rb") as f:
                        out.append((member, f.read()))
    return out


def _checked(rel: str, source: str) -> str:
    parts = rel.split("/")
    if (not rel or rel.startswith("/") or "\\" in rel or ":" in parts[0]
            or any(p in ("", ".", "..") for p in parts) or "\x00" in rel):
        raise ValueError(f"{source} holds an asset with an unsafe path {rel!r}; refusing to load.")
    return rel


def read_members(zf, source: str) -> dict:
    """The asset files of an open ``.keras`` zip, ``{path under assets/: bytes}``, checked."""
    members, total = {}, 0
    prefix = ASSETS_DIRNAME + "/"
    for info in zf.infolist():
        if not info.filename.startswith(prefix) or info.is_dir():
            continue
        rel = _checked(info.filename[len(prefix):], source)
        total += info.file_size
        if total > MAX_ASSET_BYTES:
            raise ValueError(f"{source}: its assets declare more than {MAX_ASSET_BYTES} bytes; "
                             "refusing to load.")
        members[rel] = zf.read(info)
    return members


def restore(model, members: dict) -> None:
    """Give each object with ``load_assets`` the files stored under its path."""
    if not members:
        return
    for path, obj in walk(model):
        if not _has(obj, "load_assets"):
            continue
        prefix = f"{path}/" if path else ""
        mine = {rel[len(prefix):]: data for rel, data in members.items()
                if rel.startswith(prefix)}
        if not mine:
            continue
        with tempfile.TemporaryDirectory(prefix="lamina_assets_") as tmp:
            root = os.path.realpath(tmp)
            for rel, data in mine.items():
                target = os.path.realpath(os.path.join(root, *rel.split("/")))
                if os.path.commonpath([root, target]) != root:  # belt and braces
                    raise ValueError(f"Unsafe asset path {rel!r}")
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(data)
            obj.load_assets(tmp)


def _save_feature_space(feature_space, filepath):
    from lamina.saving.keras_format import save_model  # same floor; keras_format imports us

    save_model(feature_space, filepath)


def _register_feature_space():
    """FeatureSpace lives a floor down (layers/); its ``save`` and the loader's class table are
    filled from here (DESIGN rule 11: lower floors never import upward)."""
    from lamina.layers.preprocessing import feature_space
    from lamina.models import serialization

    feature_space.register_saver(_save_feature_space)
    serialization.EXTRA_CLASSES.setdefault("FeatureSpace", feature_space.FeatureSpace)


_register_feature_space()
