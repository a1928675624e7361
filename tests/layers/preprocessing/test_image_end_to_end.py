"""A keras.io-style image classifier run through `lamina run`: PNGs on disk ->
image_dataset_from_directory -> augmentation inside the model -> Rescaling -> convnet -> fit."""

import subprocess
import sys

import numpy as np
from PIL import Image

SCRIPT = """
import numpy as np
import keras
from keras import layers

train = keras.utils.image_dataset_from_directory(
    "pics", image_size=(16, 16), batch_size=8, seed=1, shuffle=True)
data_augmentation = keras.Sequential([
    layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.1)])
inputs = keras.Input(shape=(16, 16, 3))
x = data_augmentation(inputs)
x = layers.Rescaling(1.0 / 255)(x)
x = layers.Conv2D(8, 3, activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(train, epochs=8, verbose=0)
losses = history.history["loss"]
print("LOSSES", losses[0], losses[-1])
images, labels = next(iter(train))
probs = model.predict(images, verbose=0)
again = model.predict(images, verbose=0)
print("PREDICT_REPEATS", bool(np.allclose(probs, again)))

# keras.io's other option: augment in the data pipeline, on the CPU, before the model
augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomContrast(0.2)])
mapped = train.map(lambda x, y: (augment(x, training=True), y))
images, labels = next(iter(mapped))
print("MAPPED_SHAPE", tuple(images.shape), float(np.max(np.asarray(images))) <= 255.0)
more = model.fit(mapped, epochs=2, verbose=0)
print("MAPPED_FINITE", bool(np.isfinite(more.history["loss"]).all()))
"""


def test_augmented_convnet_trains_under_lamina_run(tmp_path):
    rng = np.random.default_rng(0)
    for label, colour in (("dark", 40), ("bright", 215)):
        folder = tmp_path / "pics" / label
        folder.mkdir(parents=True)
        for i in range(12):
            pixels = np.clip(rng.normal(colour, 25, (16, 16, 3)), 0, 255).astype("uint8")
            Image.fromarray(pixels).save(folder / f"{i}.png")
    (tmp_path / "train.py").write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lamina", "run", "train.py"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOSSES"))
    first, last = (float(v) for v in line.split()[1:])
    assert last < first
    # predict is inference: the augmentation layers pass images through unchanged
    assert "PREDICT_REPEATS True" in result.stdout
    assert "MAPPED_SHAPE (8, 16, 16, 3) True" in result.stdout
    assert "MAPPED_FINITE True" in result.stdout
