"""Nested structures (``keras.tree``): one implementation for the whole package.

Lists, tuples, namedtuples, dicts (and OrderedDict/defaultdict) are containers; everything
else, ``None`` included, is a leaf. Dicts are flattened in sorted-key order, except
``OrderedDict``, which keeps its own order, as in Keras. Built on optree, as Keras 3 is.

This module imports nothing from lamina (only optree), so every floor, ``backend/``
included, may use it.

>>> flatten({"b": 1, "a": [2, None]})
[2, None, 1]
>>> pack_sequence_as({"b": 0, "a": (0, 0)}, [1, 2, 3])
{'b': 3, 'a': (1, 2)}
>>> map_structure(lambda x: x * 10, [1, (2, 3)])
[10, (20, 30)]
"""

from __future__ import annotations

import warnings

import optree

# A namespace of our own, so registering a container type here does not change how other
# optree users (torch, jax) see that type.
_NS = "lamina"


class MAP_TO_NONE:  # noqa: N801 - Keras' name
    """Return this (the class) from a :func:`traverse` function to put None at that spot."""


def register_tree_node_class(cls):
    """Class decorator: ``cls`` (with ``tree_flatten`` / ``tree_unflatten``) is a container."""
    return optree.register_pytree_node_class(cls, namespace=_NS)


def _is_leaf(x, none_is_leaf: bool = True) -> bool:
    return optree.tree_is_leaf(x, none_is_leaf=none_is_leaf, namespace=_NS)


def is_nested(structure) -> bool:
    """True for a container (list, tuple, dict, namedtuple...), also an empty one.

    >>> is_nested([]), is_nested(None), is_nested(3)
    (True, False, False)
    """
    return not _is_leaf(structure)


def flatten(structure) -> list:
    """The leaves in order (dict values by sorted key). A leaf gives ``[leaf]``.

    >>> flatten([1, (2, {"z": 3, "y": 4})])
    [1, 2, 4, 3]
    """
    return optree.tree_leaves(structure, none_is_leaf=True, namespace=_NS)


def flatten_with_path(structure) -> list:
    """``[(path, leaf), ...]``, a path being the tuple of indices and keys to the leaf.

    >>> flatten_with_path({"b": [5], "a": 6})
    [(('a',), 6), (('b', 0), 5)]
    """
    paths, leaves, _ = optree.tree_flatten_with_path(structure, none_is_leaf=True,
                                                     namespace=_NS)
    return list(zip(paths, leaves))


def map_structure(func, *structures, none_is_leaf: bool = True):
    """``func`` applied to the leaves (of several structures of the same shape, together).

    With ``none_is_leaf=False``, None is left as None rather than passed to ``func``.

    >>> map_structure(lambda a, b: a + b, {"x": 1, "y": [2]}, {"x": 10, "y": [20]})
    {'x': 11, 'y': [22]}
    """
    if not structures:
        raise ValueError("map_structure: must provide at least one structure")
    if len(structures) == 1 and _is_leaf(structures[0]):
        if structures[0] is None and not none_is_leaf:
            return None
        return func(structures[0])

    def checked(*leaves):
        if not all(_is_leaf(s, none_is_leaf) for s in leaves):
            raise ValueError("Structures don't have the same nested structure.")
        return func(*leaves)

    return optree.tree_map(checked if len(structures) > 1 else func, *structures,
                           none_is_leaf=none_is_leaf, namespace=_NS)


def map_structure_up_to(shallow_structure, func, *structures):
    """Like :func:`map_structure`, but only as deep as ``shallow_structure`` goes: what lies
    below one of its leaves is handed to ``func`` whole.

    >>> map_structure_up_to([0, 0], lambda a: len(a), [[1, 2], (3,)])
    [2, 1]
    """
    if not structures:
        raise ValueError("map_structure_up_to: must provide at least one structure")

    def apply(shallow, *values):
        if not _is_leaf(shallow):
            raise ValueError("Structures don't have the same nested structure.")
        return func(*values)

    return optree.tree_map(apply, shallow_structure, *structures, none_is_leaf=True,
                           namespace=_NS)


def assert_same_structure(a, b, check_types=None) -> None:
    """Raise ValueError unless ``a`` and ``b`` nest the same way (same container types and
    lengths, same dict keys; a list and a tuple differ).

    ``check_types`` is accepted for old code and has no effect (as in Keras 3).
    """
    if check_types is not None:
        warnings.warn(
            "assert_same_structure: `check_types` no longer has any effect; for a looser check "
            "use assert_same_paths().", DeprecationWarning, stacklevel=2)

    def check(x, y):
        if not _is_leaf(x) or not _is_leaf(y):
            raise ValueError("Structures don't have the same nested structure.")

    try:
        optree.tree_map(check, a, b, none_is_leaf=True, namespace=_NS)
    except (ValueError, TypeError) as e:
        raise ValueError(f"The two structures don't have the same nested structure.\n{e}") \
            from None


def assert_same_paths(a, b) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same leaf paths (container types may
    differ: a list matches a tuple)."""
    a_paths = set(optree.tree_paths(a, none_is_leaf=True, namespace=_NS))
    b_paths = set(optree.tree_paths(b, none_is_leaf=True, namespace=_NS))
    if a_paths != b_paths:
        message = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            message += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            message += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(message)


def pack_sequence_as(structure, flat_sequence):
    """``structure`` rebuilt with its leaves taken, in :func:`flatten`'s order, from
    ``flat_sequence``.

    >>> pack_sequence_as([0, (0, 0)], "abc")
    ['a', ('b', 'c')]
    """
    spec = optree.tree_structure(structure, none_is_leaf=True, namespace=_NS)
    flat = list(flat_sequence)
    if len(flat) != spec.num_leaves:
        raise ValueError(
            f"pack_sequence_as: the structure has {spec.num_leaves} leaves but flat_sequence "
            f"has {len(flat)} elements."
        )
    return optree.tree_unflatten(spec, flat)


def traverse(func, structure, top_down: bool = True):
    """Call ``func`` on every node, containers included, and rebuild from what it returns.

    Top-down: a node for which ``func`` returns None is kept and its children visited;
    another value replaces the node (children not visited). Bottom-up: children first, then
    ``func`` on the rebuilt node. Returning :class:`MAP_TO_NONE` puts None there.

    >>> traverse(lambda x: "seen" if x == 2 else None, [1, [2, 3]])
    [1, ['seen', 3]]
    """

    def children_done():
        children, spec = optree.tree_flatten(structure, is_leaf=lambda x: x is not structure,
                                             none_is_leaf=True, namespace=_NS)
        if spec.num_nodes == 1 and spec.num_leaves == 1:
            return structure  # a leaf
        return optree.tree_unflatten(spec, [traverse(func, c, top_down) for c in children])

    if top_down:
        result = func(structure)
        if result is None:
            return children_done()
    else:
        rebuilt = children_done()
        result = func(rebuilt)
        if result is None:
            return rebuilt
    return None if result is MAP_TO_NONE else result


def lists_to_tuples(structure):
    """Every list, however deep, turned into a tuple.

    >>> lists_to_tuples([1, [2, {"a": [3]}]])
    (1, (2, {'a': (3,)}))
    """
    return traverse(lambda x: tuple(x) if isinstance(x, list) else None, structure,
                    top_down=False)


def map_shape_structure(func, structure):
    """Like :func:`map_structure`, but a list or tuple of ints/None (a shape) is a leaf.

    >>> map_shape_structure(lambda s: s[-1], {"x": (None, 3), "y": [(2, 4)]})
    {'x': 3, 'y': [4]}
    """

    def is_shape(x):
        return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)

    return optree.tree_map(func, structure, is_leaf=is_shape, none_is_leaf=True, namespace=_NS)


__all__ = [
    "MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten", "flatten_with_path",
    "is_nested", "lists_to_tuples", "map_shape_structure", "map_structure",
    "map_structure_up_to", "pack_sequence_as", "register_tree_node_class", "traverse",
]
