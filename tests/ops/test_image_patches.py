"""ops.image.extract_patches on integer images (keras.io's ViT shows the patches of a uint8
image): Keras' values, in the input's dtype."""

import numpy as np

from lamina import ops


def test_extract_patches_of_a_uint8_image_keeps_values_and_dtype():
    image = np.arange(4 * 4 * 3, dtype="uint8").reshape(1, 4, 4, 3)
    patches = ops.image.extract_patches(ops.convert_to_tensor(image), size=2)
    assert patches.shape == (1, 2, 2, 12)
    assert ops.convert_to_numpy(patches).dtype == np.uint8
    # the first patch is rows 0-1, cols 0-1, ordered (row, col, channel) as Keras does
    expected = image[0, :2, :2, :].reshape(-1)
    np.testing.assert_array_equal(ops.convert_to_numpy(patches)[0, 0, 0], expected)
    floats = ops.image.extract_patches(image.astype("float32"), size=2)
    np.testing.assert_array_equal(ops.convert_to_numpy(floats), ops.convert_to_numpy(patches))
