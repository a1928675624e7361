"""Embedding and Masking: lookups, argument checks, and masks reaching the next layers."""

import numpy as np
import pytest

import lamina
from lamina import ops


class MaskEcho(lamina.layers.Layer):
    """Returns how many unmasked steps each sample has (0 padding steps ignored)."""

    def call(self, inputs, mask=None):
        self.seen_mask = mask
        if mask is None:
            return ops.sum(ops.ones_like(inputs), axis=(1, 2))
        return ops.sum(ops.cast(mask, "float32"), axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],)


IDS = np.array([[3, 1, 0, 0], [2, 0, 0, 0]], dtype="int32")


def test_embedding_shapes_and_weight_name():
    emb = lamina.layers.Embedding(10, 4)
    out = emb(IDS)
    assert tuple(out.shape) == (2, 4, 4)
    assert [w.name for w in emb.weights] == ["embeddings"]
    np.testing.assert_allclose(ops.convert_to_numpy(out[0, 0]), emb.get_weights()[0][3])
    assert getattr(out, "_keras_mask", None) is None


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_embedding_refuses_bad_dims(bad):
    with pytest.raises(ValueError, match="input_dim"):
        lamina.layers.Embedding(bad, 3)
    with pytest.raises(ValueError, match="output_dim"):
        lamina.layers.Embedding(3, bad)


def test_embedding_mask_reaches_a_layer_that_takes_mask():
    emb = lamina.layers.Embedding(10, 4, mask_zero=True)
    echo = MaskEcho()
    out = echo(emb(IDS))
    np.testing.assert_array_equal(ops.convert_to_numpy(echo.seen_mask), IDS != 0)
    np.testing.assert_allclose(ops.convert_to_numpy(out), [2.0, 1.0])


def test_embedding_mask_flows_in_functional_and_sequential_models():
    inp = lamina.Input((4,), dtype="int32")
    out = MaskEcho()(lamina.layers.Embedding(10, 4, mask_zero=True)(inp))
    model = lamina.Model(inp, out)
    np.testing.assert_allclose(model.predict(IDS, verbose=0), [2.0, 1.0])
    seq = lamina.Sequential([lamina.layers.Embedding(10, 4, mask_zero=True), MaskEcho()])
    np.testing.assert_allclose(ops.convert_to_numpy(seq(IDS)), [2.0, 1.0])


def test_mask_passes_through_masking_aware_layers_to_merge():
    emb = lamina.layers.Embedding(10, 4, mask_zero=True)
    x = emb(IDS)
    y = lamina.layers.LayerNormalization()(lamina.layers.Dropout(0.5)(x))
    z = lamina.layers.Add()([x, y])
    np.testing.assert_array_equal(ops.convert_to_numpy(z._keras_mask), IDS != 0)


def test_masking_zeroes_and_masks_steps():
    x = np.ones((2, 3, 2), dtype="float32")
    x[0, 1] = 0.0
    x[1, 2] = [0.0, 5.0]
    layer = lamina.layers.Masking()
    out = layer(x)
    np.testing.assert_array_equal(ops.convert_to_numpy(out._keras_mask),
                                  [[True, False, True], [True, True, True]])
    np.testing.assert_allclose(ops.convert_to_numpy(out), x)
    echo = MaskEcho()
    echo(out)
    np.testing.assert_array_equal(ops.convert_to_numpy(echo.seen_mask),
                                  ops.convert_to_numpy(out._keras_mask))


def test_masking_custom_value():
    x = np.full((1, 2, 2), 7.0, dtype="float32")
    x[0, 1] = 1.0
    out = lamina.layers.Masking(mask_value=7.0)(x)
    np.testing.assert_allclose(ops.convert_to_numpy(out), [[[0.0, 0.0], [1.0, 1.0]]])
    assert lamina.layers.Masking(mask_value=7.0).get_config()["mask_value"] == 7.0
