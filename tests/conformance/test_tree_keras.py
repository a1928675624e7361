"""lamina.tree against real keras.tree on a table of nested structures.

Keras has two implementations: on torch it uses torch's pytree, which sorts only the
outermost dict (nested dicts keep insertion order) and numbers namedtuple fields by sorted
name in paths; elsewhere it uses optree, which follows Keras' documented rule (every dict by
sorted key). lamina follows the documented rule, so the table is checked against Keras'
optree implementation through Keras' own tree_api, and against keras.tree on torch where the
two Keras implementations agree.
"""

import collections

import numpy as np
import pytest

from lamina import tree

Point = collections.namedtuple("Point", ["x", "y"])

STRUCTURES = [
    1, None, "text", np.ones(2), [], (), {}, [1, None], (1, [2, 3]), [[1], [[2], 3]],
    {"b": 1, "a": None}, {"z": [1, 2], "y": {"d": 3, "c": (4, 5)}},
    collections.OrderedDict([("b", 1), ("a", 2)]),
    collections.defaultdict(int, {"b": 1, "a": 2}),
    Point(1, [2, 3]), [Point(1, 2), {"k": (None, 4)}], (None,), [(), [None]],
]


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.fixture(scope="module")
def ktree(keras):
    """keras.tree's API running on Keras' optree implementation."""
    import importlib

    api = importlib.import_module("keras.src.tree.tree_api")
    optree_impl = importlib.import_module("keras.src.tree.optree_impl")
    saved = api.tree_impl
    api.tree_impl = optree_impl
    yield api
    api.tree_impl = saved


def _nested_dict(s):
    inner = s.values() if isinstance(s, dict) else s if isinstance(s, (list, tuple)) else []
    return any(isinstance(v, dict) or _nested_dict(v) for v in inner)


@pytest.mark.parametrize("s", [s for s in STRUCTURES if not _nested_dict(s)],
                         ids=lambda s: type(s).__name__)
def test_flatten_matches_keras_on_torch(keras, s):
    assert _same(tree.flatten(s), keras.tree.flatten(s))


@pytest.mark.parametrize("s", STRUCTURES, ids=lambda s: type(s).__name__)
def test_flatten_pack_and_is_nested_match_keras(ktree, s):
    keras = type("K", (), {"tree": ktree})
    assert tree.is_nested(s) == keras.tree.is_nested(s)
    assert _same(tree.flatten(s), keras.tree.flatten(s))
    ours = [str(x) for x in tree.flatten(s)]
    assert _same(tree.pack_sequence_as(s, ours), keras.tree.pack_sequence_as(s, ours))
    assert _same(tree.map_structure(str, s), keras.tree.map_structure(str, s))
    assert _same(tree.lists_to_tuples(s), keras.tree.lists_to_tuples(s))
    two = lambda x: "two" if isinstance(x, int) and x == 2 else None  # noqa: E731
    assert _same(tree.traverse(two, s), keras.tree.traverse(two, s))


@pytest.mark.parametrize("s", STRUCTURES, ids=lambda s: type(s).__name__)
def test_flatten_with_path_matches_keras(ktree, s):
    ours, theirs = tree.flatten_with_path(s), ktree.flatten_with_path(s)
    assert [p for p, _ in ours] == [p for p, _ in theirs]
    assert _same([leaf for _, leaf in ours], [leaf for _, leaf in theirs])


def test_map_structure_several_and_none_is_leaf(keras):
    a, b = {"x": [1, None], "y": 2}, {"x": [10, None], "y": 20}
    add = lambda u, v: None if u is None else u + v  # noqa: E731
    assert tree.map_structure(add, a, b) == keras.tree.map_structure(add, a, b)
    assert tree.map_structure(lambda x: x + 1, [1, None], none_is_leaf=False) == \
        keras.tree.map_structure(lambda x: x + 1, [1, None], none_is_leaf=False) == [2, None]
    with pytest.raises(ValueError):
        keras.tree.map_structure(add, [1, 2], [1, [2]])
    with pytest.raises(ValueError):
        tree.map_structure(add, [1, 2], [1, [2]])


def test_map_structure_up_to_and_shapes(keras):
    args = ([0, {"a": 0}], lambda v: repr(v), [[1, 2], {"a": (3, [4])}])
    assert tree.map_structure_up_to(*args) == keras.tree.map_structure_up_to(*args)
    shapes = {"x": (None, 3), "y": [(2, 4), [5]]}
    assert tree.map_shape_structure(len, shapes) == keras.tree.map_shape_structure(len, shapes)


@pytest.mark.parametrize("a,b,same", [
    ([1, (2, 3)], [4, (5, 6)], True), ([1, 2], (1, 2), False), ({"a": 1}, {"b": 1}, False),
    ([1, [2]], [1, 2], False), (Point(1, 2), Point(3, 4), True), ([None], [1], True),
])
def test_assert_same_structure_and_paths(keras, a, b, same):
    for lib in (tree, keras.tree):
        if same:
            lib.assert_same_structure(a, b)
        else:
            with pytest.raises(ValueError):
                lib.assert_same_structure(a, b)
    tree.assert_same_paths([1, (2, 3)], [7, [8, 9]])
    keras.tree.assert_same_paths([1, (2, 3)], [7, [8, 9]])
    for lib in (tree, keras.tree):
        with pytest.raises(ValueError, match="same paths"):
            lib.assert_same_paths({"a": 1}, {"b": 1})


def test_map_to_none(keras):
    s = [1, [2, 3]]
    for lib in (tree, keras.tree):
        assert lib.traverse(lambda x, lib=lib: lib.MAP_TO_NONE if x == 2 else None, s) == [1, [None, 3]]
        assert lib.traverse(lambda x: sum(x) if isinstance(x, list) and
                            all(isinstance(e, int) for e in x) else None,
                            s, top_down=False) == 6
