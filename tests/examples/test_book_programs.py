"""Programs from the well-known Keras books, as the books write them, run under ``lamina run``
on tiny data the test makes: Deep Learning with Python (1st ed., Keras 2 style: a small
convnet on an image folder with ImageDataGenerator, then freezing a conv base) and
Hands-On Machine Learning (2nd ed., tf.keras: custom losses, metrics, layers and training
loops; Grad-CAM with a GradientTape)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

# DLwP 5.2/5.3: flow_from_directory + fit_generator, save .h5, load, a model as first layer
# of a Sequential, conv_base.trainable = False, a custom Keras 2 callback
DLWP = r'''
import os
import numpy as np
from keras import layers, models, optimizers, callbacks
from keras.preprocessing.image import ImageDataGenerator

model = models.Sequential()
model.add(layers.Conv2D(8, (3, 3), activation='relu', input_shape=(32, 32, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Flatten())
model.add(layers.Dense(1, activation='sigmoid'))
model.compile(loss='binary_crossentropy', optimizer=optimizers.RMSprop(lr=1e-4), metrics=['acc'])
train_datagen = ImageDataGenerator(rescale=1./255, rotation_range=40, width_shift_range=0.2,
                                   height_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
                                   horizontal_flip=True)
train_generator = train_datagen.flow_from_directory('data/train', target_size=(32, 32),
                                                    batch_size=4, class_mode='binary')

class ActivationLogger(callbacks.Callback):
    def set_model(self, model):
        self.model = model
    def on_epoch_end(self, epoch, logs=None):
        print('logger', self.model is model)

history = model.fit_generator(train_generator, steps_per_epoch=2, epochs=2,
                              callbacks=[ActivationLogger()])
print('keys', sorted(history.history))
model.save('cats_and_dogs_small_1.h5')
model = models.load_model('cats_and_dogs_small_1.h5')

conv_base = models.Sequential([layers.Conv2D(4, 3, input_shape=(32, 32, 3), name='block1_conv1'),
                               layers.Conv2D(4, 3, name='block5_conv1')])
model = models.Sequential()
model.add(conv_base)
model.add(layers.Flatten())
model.add(layers.Dense(1, activation='sigmoid'))
before = len(model.trainable_weights)
conv_base.trainable = False
after = len(model.trainable_weights)
conv_base.trainable = True
set_trainable = False
for layer in conv_base.layers:
    if layer.name == 'block5_conv1':
        set_trainable = True
    layer.trainable = set_trainable
print('trainable', before, after, len(model.trainable_weights))
'''

# Géron ch. 12: tf.Variable slices, custom loss/metric/layer through .h5 with custom_objects,
# plain-function parts, a custom training loop on float64 NumPy data, tf.summary
GERON = r'''
import numpy as np
import tensorflow as tf
from tensorflow import keras

rng = np.random.RandomState(42)
X_train = rng.randn(64, 8)              # float64, as StandardScaler gives
y_train = X_train[:, :1] * 2.0
v = tf.Variable([[1., 2., 3.], [4., 5., 6.]])
v.assign(2 * v); v[0, 1].assign(42); v[:, 2].assign([0., 1.])
print('variable', v.numpy().tolist())

def create_huber(threshold=1.0):
    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < threshold
        squared_loss = tf.square(error) / 2
        linear_loss = threshold * tf.abs(error) - threshold**2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)
    return huber_fn

class HuberMetric(keras.metrics.Metric):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.threshold = threshold
        self.huber_fn = create_huber(threshold)
        self.total = self.add_weight("total", initializer="zeros")
        self.count = self.add_weight("count", initializer="zeros")
    def update_state(self, y_true, y_pred, sample_weight=None):
        metric = self.huber_fn(y_true, y_pred)
        self.total.assign_add(tf.reduce_sum(metric))
        self.count.assign_add(tf.cast(tf.size(y_true), tf.float32))
    def result(self):
        return self.total / self.count
    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "threshold": self.threshold}

class MyDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
    def build(self, batch_input_shape):
        self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units],
                                      initializer="glorot_normal")
        self.bias = self.add_weight(name="bias", shape=[self.units], initializer="zeros")
        super().build(batch_input_shape)
    def call(self, X):
        return self.activation(X @ self.kernel + self.bias)
    def compute_output_shape(self, batch_input_shape):
        return tf.TensorShape(batch_input_shape.as_list()[:-1] + [self.units])
    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "units": self.units,
                "activation": keras.activations.serialize(self.activation)}

def my_positive_weights(weights):
    return tf.where(weights < 0., tf.zeros_like(weights), weights)

model = keras.models.Sequential([MyDense(16, activation="relu", input_shape=[8]),
                                 keras.layers.Dense(1, kernel_constraint=my_positive_weights)])
model.compile(loss=create_huber(2.0), optimizer="nadam", metrics=[HuberMetric(2.0)])
model.fit(X_train, y_train, epochs=2, verbose=0)
model.save("my_model_with_custom_parts.h5")
model = keras.models.load_model("my_model_with_custom_parts.h5", custom_objects={
    "huber_fn": create_huber(2.0), "HuberMetric": HuberMetric, "MyDense": MyDense,
    "my_positive_weights": my_positive_weights})
history = model.fit(X_train, y_train, epochs=1, verbose=0)
print('reloaded', sorted(history.history), model.metrics[-1].threshold)

optimizer = keras.optimizers.Nadam(lr=0.01)
loss_fn = keras.losses.mean_squared_error
mean_loss = keras.metrics.Mean()
first = None
for step in range(30):
    idx = rng.randint(len(X_train), size=16)
    X_batch, y_batch = X_train[idx], y_train[idx]
    with tf.GradientTape() as tape:
        y_pred = model(X_batch, training=True)
        loss = tf.add_n([tf.reduce_mean(loss_fn(y_batch, y_pred))] + model.losses)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    mean_loss(loss)
    first = float(loss) if first is None else first
mean_loss.reset_states()
print('loop', float(loss) < first)

writer = tf.summary.create_file_writer("my_logs/run_1")
with writer.as_default():
    for step in range(1, 4):
        tf.summary.scalar("my_scalar", np.sin(step / 10), step=step)
print('summary', len(__import__('os').listdir("my_logs/run_1")))
'''

# DLwP 2nd ed. ch. 9: Grad-CAM and filter visualization with a GradientTape
GRADCAM = r'''
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(16, 16, 3))
x = layers.Conv2D(4, 3, activation="relu", name="last_conv")(inputs)
x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
outputs = layers.Dense(3, activation="softmax", name="predictions")(x)
model = keras.Model(inputs, outputs)
img_array = np.random.rand(1, 16, 16, 3).astype("float32")
last_conv_layer = model.get_layer("last_conv")
last_conv_layer_model = keras.Model(model.inputs, last_conv_layer.output)
classifier_input = keras.Input(shape=last_conv_layer.output.shape[1:])
x = classifier_input
for layer_name in ["avg_pool", "predictions"]:
    x = model.get_layer(layer_name)(x)
classifier_model = keras.Model(classifier_input, x)
with tf.GradientTape() as tape:
    last_conv_layer_output = last_conv_layer_model(img_array)
    tape.watch(last_conv_layer_output)
    preds = classifier_model(last_conv_layer_output)
    top_pred_index = tf.argmax(preds[0])
    top_class_channel = preds[:, top_pred_index]
grads = tape.gradient(top_class_channel, last_conv_layer_output)
pooled_grads = tf.reduce_mean(grads, axis=(0, 1, 2)).numpy()
last_conv_layer_output = last_conv_layer_output.numpy()[0]
for i in range(pooled_grads.shape[-1]):
    last_conv_layer_output[:, :, i] *= pooled_grads[i]
heatmap = np.maximum(np.mean(last_conv_layer_output, axis=-1), 0)
print('heatmap', heatmap.shape)

feature_extractor = keras.Model(inputs=model.input, outputs=last_conv_layer.output)
@tf.function
def gradient_ascent_step(image, filter_index, learning_rate):
    with tf.GradientTape() as tape:
        tape.watch(image)
        loss = tf.reduce_mean(feature_extractor(image)[:, 2:-2, 2:-2, filter_index])
    grads = tape.gradient(loss, image)
    grads = tf.math.l2_normalize(grads)
    image += learning_rate * grads
    return image
image = tf.random.uniform(minval=0.4, maxval=0.6, shape=(1, 16, 16, 3))
for i in range(3):
    image = gradient_ascent_step(image, 0, 10.)
print('ascent', tuple(image.shape))
'''


def _images(root):
    from PIL import Image

    rng = np.random.default_rng(0)
    for c in ("cats", "dogs"):
        d = root / "data" / "train" / c
        d.mkdir(parents=True)
        for i in range(4):
            Image.fromarray(rng.integers(0, 256, (40, 36, 3), dtype=np.uint8)).save(
                d / f"{c[:-1]}.{i}.jpg")


def _run(tmp_path, source):
    script = tmp_path / "program.py"
    script.write_text(textwrap.dedent(source))
    env = dict(os.environ, LAMINA_TENSORFLOW="standin")
    done = subprocess.run([sys.executable, "-m", "lamina", "run", str(script)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)


def test_deep_learning_with_python_convnet_on_an_image_folder(tmp_path):
    pytest.importorskip("PIL")
    _images(tmp_path)
    out = _run(tmp_path, DLWP)
    assert out["logger"] == "True"
    assert out["keys"] == "['acc', 'loss']"
    assert out["trainable"] == "6 2 4"  # two convs and the head; frozen base; block5 only


def test_hands_on_ml_custom_parts_and_training_loop(tmp_path):
    pytest.importorskip("tensorboard")
    out = _run(tmp_path, GERON)
    assert out["variable"] == "[[2.0, 42.0, 0.0], [8.0, 10.0, 1.0]]"
    assert out["reloaded"] == "['huber_metric', 'loss'] 2.0"
    assert out["loop"] == "True"
    assert out["summary"] == "1"


def test_grad_cam_and_filter_ascent_with_a_gradient_tape(tmp_path):
    out = _run(tmp_path, GRADCAM)
    assert out["heatmap"] == "(14, 14)"
    assert out["ascent"] == "(1, 16, 16, 3)"
