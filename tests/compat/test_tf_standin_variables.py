"""tf.Variable in lamina's TensorFlow stand-in: slices take assign, as in TensorFlow 2."""

import numpy as np

import lamina.compat.tensorflow as tf


def test_slices_of_a_variable_assign_in_place():
    v = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v.assign(2 * v)
    v[0, 1].assign(42)
    v[:, 2].assign([0.0, 1.0])
    v[1, 0].assign_add(1.0)
    np.testing.assert_array_equal(v.numpy(), [[2, 42, 0], [9, 10, 1]])
    assert float(v[0, 1] + 1) == 43.0  # a slice still reads as a tensor


def test_scatter_nd_update_and_gradients_still_flow():
    v = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v.scatter_nd_update(indices=[[0, 0], [1, 2]], updates=[100.0, 200.0])
    np.testing.assert_array_equal(v.numpy(), [[100, 2, 3], [4, 5, 200]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(v * v)
    np.testing.assert_allclose(np.asarray(tape.gradient(loss, v)), 2 * v.numpy())


def test_a_watched_tensor_takes_an_update_after_the_tape():
    # Filter visualization: tape.watch(image), gradient, then `image += lr * grads`
    image = tf.random.uniform(minval=0.4, maxval=0.6, shape=(1, 4, 4, 3))
    start = np.asarray(image).copy()
    for _ in range(2):
        with tf.GradientTape() as tape:
            tape.watch(image)
            loss = tf.reduce_mean(image * image)
        grads = tape.gradient(loss, image)
        image += 0.5 * grads
    want = start
    for _ in range(2):
        want = want + 0.5 * (2 * want / want.size)
    np.testing.assert_allclose(np.asarray(image), want, rtol=1e-5)


def test_summary_writer_writes_scalars_and_histograms(tmp_path):
    # Géron ch. 10: tf.summary.create_file_writer + scalar/histogram under as_default()
    import pytest

    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    writer = tf.summary.create_file_writer(str(tmp_path / "run"))
    with writer.as_default():
        for step in range(1, 4):
            assert tf.summary.scalar("my_scalar", np.sin(step / 10), step=step)
            tf.summary.histogram("my_hist", np.random.randn(100) * step, buckets=50, step=step)
    assert tf.summary.scalar("ignored", 1.0, step=1) is False  # no default writer
    events = EventAccumulator(str(tmp_path / "run"), size_guidance={"histograms": 0})
    events.Reload()
    got = [(e.step, round(e.value, 5)) for e in events.Scalars("my_scalar")]
    assert got == [(s, round(float(np.sin(s / 10)), 5)) for s in range(1, 4)]
    assert len(events.Histograms("my_hist")) == 3
