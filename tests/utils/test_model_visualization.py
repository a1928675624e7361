"""plot_model / model_to_dot: the dot source names every layer, its shapes and the edges
between them (pydot only); the pictures are PNG/SVG/PDF by extension (graphviz's `dot`)."""

import importlib.util
import shutil
import subprocess
import sys

import pytest

pydot = pytest.importorskip("pydot")

import lamina
from lamina import Input, Model, layers
from lamina.utils import model_to_dot, plot_model
from lamina.utils.model_visualization import check_graphviz

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None or not check_graphviz(),
    reason="graphviz's `dot` program is not installed (apt-get install graphviz)")


def two_branch_model():
    image, extra = Input((8,), name="features"), Input((2,), name="extra")
    inner = lamina.Sequential([Input((8,)), layers.Dense(4, activation="relu", name="hidden"),
                               layers.Dense(3, name="code")], name="encoder")
    joined = layers.Concatenate(name="join")([inner(image), extra])
    out = layers.Dense(1, activation="sigmoid", name="score")(joined)
    return Model([image, extra], out, name="scorer")


def names_of(dot, model):
    ids = {}
    for m in [model, *[layer for layer in model.layers if hasattr(layer, "layers")]]:
        ids.update({str(id(layer)): layer.name for layer in m.layers})
    return ids


def edges(dot, ids):
    graphs = [dot, *dot.get_subgraphs()]
    return {(ids[e.get_source()], ids[e.get_destination()]) for g in graphs for e in g.get_edges()}


def label(dot, layer):
    (node,) = [n for g in [dot, *dot.get_subgraphs()] for n in g.get_node(str(id(layer)))]
    return node.get("label")


def test_every_layer_is_a_box_and_every_tensor_an_edge():
    model = two_branch_model()
    dot = model_to_dot(model)
    ids = names_of(dot, model)
    boxes = {ids[n.get_name()] for n in dot.get_nodes() if n.get_name() in ids}
    assert boxes == {"features", "extra", "encoder", "join", "score"}
    assert edges(dot, ids) == {("features", "encoder"), ("encoder", "join"), ("extra", "join"),
                               ("join", "score")}
    assert "<b>join</b> (Concatenate)" in label(dot, model.get_layer("join"))
    assert dot.get("rankdir") == "TB" and dot.get("dpi") == 200


def test_shapes_dtypes_activations_and_trainable_in_the_labels():
    model = two_branch_model()
    model.get_layer("score").trainable = False
    dot = model_to_dot(model, show_shapes=True, show_dtype=True, show_layer_activations=True,
                       show_trainable=True, show_layer_names=False, rankdir="LR", dpi=72)
    join = label(dot, model.get_layer("join"))
    assert "Input shape: <b>[(None, 3), (None, 2)]</b>" in join
    assert "Output shape: <b>(None, 5)</b>" in join and "Output dtype: <b>float32</b>" in join
    assert "<b>Concatenate</b>" in join and "join" not in join  # no names asked for
    score = label(dot, model.get_layer("score"))
    assert "Activation: <b>sigmoid</b>" in score and "Non-trainable" in score
    assert "Trainable" in label(dot, model.get_layer("encoder"))
    features = label(dot, model.get_layer("features"))
    assert "Input shape" not in features and "Output shape: <b>(None, 8)</b>" in features
    assert dot.get("rankdir") == "LR" and dot.get("dpi") == 72


def test_expand_nested_draws_the_inner_model_as_a_cluster():
    model = two_branch_model()
    dot = model_to_dot(model, expand_nested=True, show_shapes=True)
    (cluster,) = dot.get_subgraphs()
    assert cluster.get_name() == "cluster_encoder" and cluster.get("style") == "dashed"
    ids = names_of(dot, model)
    assert {ids[n.get_name()] for n in cluster.get_nodes() if n.get_name() in ids} == \
        {"hidden", "code"}
    # edges go into the cluster's first layer and out of its last
    assert edges(dot, ids) == {("features", "hidden"), ("hidden", "code"), ("code", "join"),
                               ("extra", "join"), ("join", "score")}


def test_sequential_models_are_a_chain_and_layer_range_cuts_it():
    model = lamina.Sequential([Input((4,)), layers.Dense(8, name="a"), layers.Dense(8, name="b"),
                               layers.Dense(8, name="c"), layers.Dense(1, name="d")])
    dot = model_to_dot(model)
    ids = names_of(dot, model)
    assert edges(dot, ids) == {("a", "b"), ("b", "c"), ("c", "d")}
    cut = model_to_dot(model, layer_range=["b", "c"])
    assert {ids[n.get_name()] for n in cut.get_nodes() if n.get_name() in ids} == {"b", "c"}
    assert edges(cut, ids) == {("b", "c")}
    assert edges(model_to_dot(model, layer_range=["^[bc]$", "d"]), ids) == {("b", "c"), ("c", "d")}
    with pytest.raises(ValueError, match="no layer of the model matches 'zzz'"):
        model_to_dot(model, layer_range=["a", "zzz"])
    with pytest.raises(ValueError, match="two layer names"):
        model_to_dot(model, layer_range="a")


def test_a_subclassed_model_is_one_box_and_bad_calls_are_refused():
    class Net(lamina.Model):
        def __init__(self):
            super().__init__(name="net")
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    net = Net()
    with pytest.raises(ValueError, match="not yet been built"):
        model_to_dot(net)
    net(lamina.ops.ones((1, 3)))
    dot = model_to_dot(net)
    assert len(dot.get_nodes()) == 2  # the node defaults and the one box
    assert "<b>net</b> (Net)" in dot.get_node(str(id(net)))[0].get("label")
    with pytest.raises(ValueError, match="unrecognized keyword arguments: \\['show_shape'\\]"):
        model_to_dot(two_branch_model(), show_shape=True)


@needs_dot
@pytest.mark.parametrize("extension, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"),
                                               ("pdf", b"%PDF"), ("", b"\x89PNG")])
def test_plot_model_writes_the_format_of_the_extension(tmp_path, extension, magic):
    path = tmp_path / (f"model.{extension}" if extension else "model")
    shown = plot_model(two_branch_model(), to_file=path, show_shapes=True, show_layer_names=True)
    if importlib.util.find_spec("IPython") is None:
        assert shown is None  # an IPython Image only where IPython can show it
    data = path.read_bytes()
    assert data.startswith(magic)
    if extension == "svg":
        text = data.decode()
        for name in ("features", "extra", "encoder", "join", "score", "(None, 5)"):
            assert name in text


@needs_dot
def test_dpi_sets_the_png_size(tmp_path):
    import struct

    sizes = []
    for dpi in (50, 100):
        path = tmp_path / f"m{dpi}.png"
        plot_model(two_branch_model(), to_file=str(path), dpi=dpi)
        width, height = struct.unpack(">II", path.read_bytes()[16:24])
        sizes.append((width, height))
    assert sizes[1][0] == pytest.approx(2 * sizes[0][0], rel=0.05)


def test_missing_pydot_or_graphviz_says_what_to_install(monkeypatch, tmp_path):
    code = ("import sys; sys.modules['pydot'] = None\n"
            "import lamina\nm = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])\n"
            "for f in (lamina.utils.plot_model, lamina.utils.model_to_dot):\n"
            "    try:\n        f(m)\n    except ImportError as e:\n        print(e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert "pip install pydot" in done.stdout and "`plot_model`" in done.stdout, done.stderr
    assert "`model_to_dot`" in done.stdout

    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` program on the path
    model = lamina.Sequential([Input((2,)), layers.Dense(1)])
    with pytest.raises(ImportError, match="install graphviz"):
        plot_model(model, to_file=str(tmp_path / "m.png"))
    assert model_to_dot(model) is not None  # the dot source needs only pydot
