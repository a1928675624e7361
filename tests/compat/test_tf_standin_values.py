"""The TensorFlow stand-in's functions follow TensorFlow's argument conventions; each value
here is worked out by hand (or with NumPy) from TensorFlow's documented definition."""

import numpy as np
import pytest

import lamina.compat.tensorflow as tf


def _np(x):
    return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x)


def test_matmul_transposes_and_reductions():
    a = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(_np(tf.matmul(a, a, transpose_b=True)), a @ a.T)
    np.testing.assert_array_equal(_np(tf.matmul(a, a, transpose_a=True)), a.T @ a)
    assert _np(tf.reduce_sum(a, axis=1, keepdims=True)).tolist() == [[3.0], [12.0]]
    assert float(tf.reduce_mean(a)) == 2.5
    assert _np(tf.reduce_max(a, axis=[0, 1])) == 5.0
    assert _np(tf.argmax(a, axis=1)).dtype == np.int64  # TF's default output_type
    assert _np(tf.argmax(a, axis=0, output_type=tf.int32)).dtype == np.int32


def test_one_hot_with_on_off_values_and_where():
    out = _np(tf.one_hot([0, 2, -1], depth=3, on_value=5.0, off_value=-1.0))
    assert out.tolist() == [[5, -1, -1], [-1, -1, 5], [-1, -1, -1]]  # -1 is all off, as in TF
    idx = _np(tf.where([[True, False], [False, True]]))
    assert idx.tolist() == [[0, 0], [1, 1]] and idx.dtype == np.int64
    assert _np(tf.where([True, False], [1, 2], [3, 4])).tolist() == [1, 4]


def test_cumsum_exclusive_reverse_split_and_gather_nd():
    x = np.array([1.0, 2.0, 3.0], "float32")
    assert _np(tf.cumsum(x, exclusive=True)).tolist() == [0, 1, 3]
    assert _np(tf.cumsum(x, reverse=True)).tolist() == [6, 5, 3]
    assert _np(tf.cumsum(x, exclusive=True, reverse=True)).tolist() == [5, 3, 0]
    parts = tf.split(np.arange(10), [2, -1, 3])
    assert [_np(p).tolist() for p in parts] == [[0, 1], [2, 3, 4, 5, 6], [7, 8, 9]]
    params = np.arange(12).reshape(3, 4)
    assert _np(tf.gather_nd(params, [[0, 1], [2, 3]])).tolist() == [1, 11]
    assert _np(tf.gather_nd(params, [[1]])).tolist() == [[4, 5, 6, 7]]
    assert _np(tf.gather(params, [2, 0], axis=1)).tolist() == [[2, 0], [6, 4], [10, 8]]


def test_masks_clipping_and_cross_entropies():
    assert _np(tf.sequence_mask([1, 3], maxlen=4)).tolist() == [
        [True, False, False, False], [True, True, True, False]]
    kept = _np(tf.boolean_mask(np.array([[1, 2], [3, 4], [5, 6]]), [True, False, True]))
    assert kept.tolist() == [[1, 2], [5, 6]]
    clipped, norm = tf.clip_by_global_norm([np.array([3.0, 4.0]), np.array([12.0])], 6.5)
    assert float(norm) == 13.0  # sqrt(9 + 16 + 144)
    np.testing.assert_allclose(_np(clipped[0]), [1.5, 2.0])
    logits, labels = np.array([-2.0, 0.5, 3.0]), np.array([0.0, 1.0, 1.0])
    want = np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))
    np.testing.assert_allclose(_np(tf.nn.sigmoid_cross_entropy_with_logits(
        labels=labels, logits=logits)), want, rtol=1e-6)
    z = np.array([[2.0, 1.0, 0.1]])
    p = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(_np(tf.nn.softmax_cross_entropy_with_logits(
        labels=[[0.0, 1.0, 0.0]], logits=z)), [-np.log(p[0, 1])], rtol=1e-6)
    np.testing.assert_allclose(_np(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=[1], logits=z)), [-np.log(p[0, 1])], rtol=1e-6)


def test_dtypes_images_and_gradient_tape():
    assert tf.float32 == "float32" and tf.constant(1.0).dtype == tf.float32
    assert tf.constant(3).dtype == tf.int32 and tf.as_dtype("int64").is_integer
    img = np.array([[[0], [255]]], "uint8")
    np.testing.assert_allclose(_np(tf.image.convert_image_dtype(img, tf.float32)),
                               [[[0.0], [1.0]]])
    flipped = _np(tf.image.flip_left_right(np.arange(4).reshape(1, 2, 2, 1)))
    assert flipped[0, :, :, 0].tolist() == [[1, 0], [3, 2]]
    w = tf.Variable([1.0, 2.0])
    x = tf.constant([3.0, 4.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.reduce_sum(w * w * x)
    assert _np(tape.gradient(y, w)).tolist() == [6.0, 16.0]  # 2 w x
    assert _np(tape.gradient(y, x)).tolist() == [1.0, 4.0]  # w^2
    with pytest.raises(RuntimeError, match="non-persistent"):
        with tf.GradientTape() as once:
            z = w * 2.0
        once.gradient(z, w)
        once.gradient(z, w)
