"""Transfer learning and fine-tuning with a pretrained MobileNetV2, the keras.io recipe.

1. Make a small image folder (two classes: circles and squares, drawn with Pillow) and read it
   with ``image_dataset_from_directory``.
2. Freeze the ImageNet base, put data augmentation and ``preprocess_input`` in front of it and
   a new classifier on top, and train the classifier only. The base is called with
   ``training=False``, so its BatchNormalization layers stay in inference mode (and keep their
   ImageNet statistics) even after it is unfrozen.
3. Unfreeze the top blocks of the base and fine-tune with a low learning rate.

Run ``python examples/transfer_learning.py`` (or ``lamina run`` on the same code written with
``import keras``). It uses Keras' ImageNet weights when they are in ``~/.keras/models`` (or
``$KERAS_HOME/models``) and a randomly initialised base otherwise, so it runs offline; set
``LAMINA_TL_DOWNLOAD=1`` to download them (a few MB for alpha 0.35).
``LAMINA_TL_IMAGES`` (per class, default 60) and ``LAMINA_TL_EPOCHS`` (default 3) size the
run; see docs/transfer_learning.md.
"""

import os
import tempfile
import time

import numpy as np
from PIL import Image, ImageDraw

import lamina
from lamina import applications, layers
from lamina.applications import mobilenet_v2
from lamina.utils import file_utils

IMAGE_SIZE = (96, 96)
ALPHA = 0.35
WEIGHTS_FILE = ("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_"
                f"{ALPHA}_{IMAGE_SIZE[0]}_no_top.h5")


def make_image_folder(root, per_class, seed=0):
    """root/circles/*.png and root/squares/*.png: one shape on a noisy background each."""
    rng = np.random.default_rng(seed)
    for label in ("circles", "squares"):
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(per_class):
            pixels = rng.integers(0, 90, (*IMAGE_SIZE, 3), dtype=np.uint8)
            image = Image.fromarray(pixels)
            draw = ImageDraw.Draw(image)
            size = int(rng.integers(24, 48))
            x0, y0 = (int(v) for v in rng.integers(4, IMAGE_SIZE[0] - size - 4, 2))
            color = tuple(int(c) for c in rng.integers(150, 256, 3))
            box = (x0, y0, x0 + size, y0 + size)
            if label == "circles":
                draw.ellipse(box, fill=color)
            else:
                draw.rectangle(box, fill=color)
            image.save(os.path.join(root, label, f"{i:03d}.png"))
    return root


def pretrained_weights():
    """"imagenet" when Keras' file is cached (or LAMINA_TL_DOWNLOAD=1), else None."""
    cached = os.path.join(file_utils.keras_home(), "models", WEIGHTS_FILE)
    if os.path.exists(cached) or os.environ.get("LAMINA_TL_DOWNLOAD") == "1":
        return "imagenet"
    return None


def build_model(weights):
    base = applications.MobileNetV2(input_shape=IMAGE_SIZE + (3,), alpha=ALPHA,
                                    include_top=False, weights=weights)
    base.trainable = False  # stage 1: only the new head learns

    augmentation = lamina.Sequential([
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
    ], name="augmentation")

    inputs = lamina.Input(shape=IMAGE_SIZE + (3,))
    x = augmentation(inputs)
    x = mobilenet_v2.preprocess_input(x)  # [0, 255] -> [-1, 1], as the weights expect
    x = base(x, training=False)  # BatchNormalization stays in inference mode
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(1)(x)  # a logit: circle (0) or square (1)
    return lamina.Model(inputs, outputs, name="shapes_classifier"), base


def compile_model(model, learning_rate):
    model.compile(optimizer=lamina.optimizers.Adam(learning_rate),
                  loss=lamina.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[lamina.metrics.BinaryAccuracy(name="accuracy", threshold=0.0)])


def main(per_class=None, epochs=None, fine_tune_layers=30, seed=1):
    per_class = per_class or int(os.environ.get("LAMINA_TL_IMAGES", "60"))
    epochs = epochs or int(os.environ.get("LAMINA_TL_EPOCHS", "3"))
    lamina.utils.set_random_seed(seed)
    folder = make_image_folder(tempfile.mkdtemp(prefix="shapes_"), per_class)
    batch_size = min(16, per_class)
    train_ds, val_ds = lamina.utils.image_dataset_from_directory(
        folder, validation_split=0.25, subset="both", seed=seed, image_size=IMAGE_SIZE,
        batch_size=batch_size)
    print("classes:", train_ds.class_names)

    weights = pretrained_weights()
    print("base weights:", weights or "random (Keras' ImageNet file is not cached)")
    model, base = build_model(weights)
    print(f"trainable weights: {len(model.trainable_weights)} (the head), frozen in the base: "
          f"{len(base.non_trainable_weights)}")

    print("stage 1: training the new head on the frozen base")
    compile_model(model, 1e-3)
    start = time.time()
    model.fit(train_ds, epochs=epochs, validation_data=val_ds, verbose=2)

    print(f"stage 2: fine-tuning the top {fine_tune_layers} layers of the base")
    base.trainable = True
    for layer in base.layers[:-fine_tune_layers]:
        layer.trainable = False
    compile_model(model, 1e-5)  # recompile so the new trainable set takes effect
    print(f"trainable weights now: {len(model.trainable_weights)}")
    model.fit(train_ds, epochs=epochs, validation_data=val_ds, verbose=2)
    seconds = time.time() - start

    loss, accuracy = model.evaluate(val_ds, verbose=0)
    images = 2 * epochs * len(train_ds.file_paths)
    print(f"trained on {images} images in {seconds:.1f} s ({images / seconds:.1f} images/s)")
    print(f"validation accuracy: {accuracy:.3f}")
    return accuracy


if __name__ == "__main__":
    main()
