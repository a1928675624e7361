"""keras.io example programs, as written there (data made small and local), run under
``lamina run``: the variational autoencoder (a subclassed Model whose train_step gets the
images of ``fit(x)``), text classification from scratch (a ``tf.strings`` standardize inside
TextVectorization, then an end-to-end model on raw strings) and structured data with
FeatureSpace (inference on a dict of ``tf.convert_to_tensor`` values, a string among them)."""

import os
import subprocess
import sys

VAE = r'''
import numpy as np
import tensorflow as tf
import keras
from keras import ops
from keras import layers

class Sampling(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

latent_dim = 2
encoder_inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
x = layers.Flatten()(x)
x = layers.Dense(16, activation="relu")(x)
z_mean = layers.Dense(latent_dim, name="z_mean")(x)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
z = Sampling()([z_mean, z_log_var])
encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")
latent_inputs = keras.Input(shape=(latent_dim,))
x = layers.Dense(14 * 14 * 8, activation="relu")(latent_inputs)
x = layers.Reshape((14, 14, 8))(x)
decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", strides=2,
                                         padding="same")(x)
decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")

class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker,
                self.kl_loss_tracker]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = ops.mean(ops.sum(
                keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)))
            kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
            kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {"loss": self.total_loss_tracker.result(),
                "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "kl_loss": self.kl_loss_tracker.result()}

digits = np.random.default_rng(0).integers(0, 256, (64, 28, 28)).astype("uint8")
mnist_digits = np.expand_dims(digits, -1).astype("float32") / 255
vae = VAE(encoder, decoder)
vae.compile(optimizer=keras.optimizers.Adam())
history = vae.fit(mnist_digits, epochs=2, batch_size=32, verbose=0)
print("history keys:", sorted(history.history))
print("loss went down:", history.history["loss"][-1] < history.history["loss"][0])
x_decoded = vae.decoder.predict(np.array([[0.5, -0.5]]), verbose=0)
print("decoded:", x_decoded[0].reshape(28, 28).shape)
z_mean, _, _ = vae.encoder.predict(mnist_digits, verbose=0)
print("z_mean:", z_mean.shape)
'''

TEXT = r'''
import os, re, string
import numpy as np
import tensorflow as tf
import keras
from keras import layers

rng = np.random.default_rng(0)
words = ["Good", "bad", "movie!", "great", "awful", "film.", "<br />"]
for label in ("pos", "neg"):
    os.makedirs(f"aclImdb/train/{label}")
    for i in range(12):
        with open(f"aclImdb/train/{label}/{i}.txt", "w") as f:
            f.write(" ".join(rng.choice(words, 12)))

batch_size = 8
raw_train_ds = keras.utils.text_dataset_from_directory(
    "aclImdb/train", batch_size=batch_size, validation_split=0.25, subset="training",
    seed=1337)
raw_val_ds = keras.utils.text_dataset_from_directory(
    "aclImdb/train", batch_size=batch_size, validation_split=0.25, subset="validation",
    seed=1337)

def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")

max_features = 100
sequence_length = 20
vectorize_layer = keras.layers.TextVectorization(
    standardize=custom_standardization, max_tokens=max_features, output_mode="int",
    output_sequence_length=sequence_length)
text_ds = raw_train_ds.map(lambda x, y: x)
vectorize_layer.adapt(text_ds)
print("vocabulary:", sorted(vectorize_layer.get_vocabulary()[2:]))

def vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return vectorize_layer(text), label

train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(buffer_size=10)
val_ds = raw_val_ds.map(vectorize_text).cache().prefetch(buffer_size=10)
inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(max_features, 16)(inputs)
x = layers.Conv1D(16, 7, padding="valid", activation="relu", strides=3)(x)
x = layers.GlobalMaxPooling1D()(x)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
model = keras.Model(inputs, predictions)
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=1, verbose=0)

inputs = keras.Input(shape=(1,), dtype="string")
indices = vectorize_layer(inputs)
outputs = model(indices)
end_to_end_model = keras.Model(inputs, outputs)
end_to_end_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
loss, accuracy = end_to_end_model.evaluate(raw_val_ds, verbose=0)
print("end to end accuracy in [0, 1]:", 0.0 <= accuracy <= 1.0)
'''

FEATURE_SPACE = r'''
import numpy as np
import pandas as pd
import tensorflow as tf
import keras
from keras.utils import FeatureSpace

rng = np.random.default_rng(0)
n = 60
pd.DataFrame({
    "age": rng.integers(29, 77, n), "sex": rng.integers(0, 2, n),
    "chol": rng.integers(126, 564, n), "oldpeak": rng.uniform(0, 6, n).round(1),
    "thal": rng.choice(["fixed", "normal", "reversible"], n), "target": rng.integers(0, 2, n),
}).to_csv("heart.csv", index=False)
dataframe = pd.read_csv("heart.csv")
val_dataframe = dataframe.sample(frac=0.2, random_state=1337)
train_dataframe = dataframe.drop(val_dataframe.index)

def dataframe_to_dataset(dataframe):
    dataframe = dataframe.copy()
    labels = dataframe.pop("target")
    ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
    return ds.shuffle(buffer_size=len(dataframe))

train_ds = dataframe_to_dataset(train_dataframe).batch(16)
val_ds = dataframe_to_dataset(val_dataframe).batch(16)
feature_space = FeatureSpace(
    features={
        "sex": FeatureSpace.integer_categorical(num_oov_indices=0),
        "thal": FeatureSpace.string_categorical(num_oov_indices=0),
        "age": FeatureSpace.float_discretized(num_bins=5),
        "chol": FeatureSpace.float_normalized(),
        "oldpeak": FeatureSpace.float_normalized(),
    },
    crosses=[FeatureSpace.cross(feature_names=("sex", "age"), crossing_dim=8)],
    output_mode="concat",
)
feature_space.adapt(train_ds.map(lambda x, _: x))
preprocessed_train_ds = train_ds.map(lambda x, y: (feature_space(x), y),
                                     num_parallel_calls=tf.data.AUTOTUNE)
preprocessed_val_ds = val_ds.map(lambda x, y: (feature_space(x), y))
dict_inputs = feature_space.get_inputs()
encoded_features = feature_space.get_encoded_features()
x = keras.layers.Dense(8, activation="relu")(encoded_features)
predictions = keras.layers.Dense(1, activation="sigmoid")(x)
training_model = keras.Model(inputs=encoded_features, outputs=predictions)
training_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
inference_model = keras.Model(inputs=dict_inputs, outputs=predictions)
training_model.fit(preprocessed_train_ds, epochs=1, validation_data=preprocessed_val_ds,
                   verbose=0)
sample = {"age": 60, "sex": 1, "chol": 233, "oldpeak": 2.3, "thal": "fixed"}
input_dict = {name: tf.convert_to_tensor([value]) for name, value in sample.items()}
predictions = inference_model.predict(input_dict, verbose=0)
print("probability shape:", predictions.shape)
print("probability in [0, 1]:", 0.0 <= float(predictions[0][0]) <= 1.0)
'''


def _run(tmp_path, source):
    path = tmp_path / "example.py"
    path.write_text(source)
    env = dict(os.environ, KERAS_HOME=str(tmp_path / "keras"), MPLBACKEND="Agg")
    result = subprocess.run([sys.executable, "-m", "lamina", "run", str(path)], cwd=tmp_path,
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_variational_autoencoder_trains_on_x_alone(tmp_path):
    out = _run(tmp_path, VAE)
    assert "history keys: ['kl_loss', 'loss', 'reconstruction_loss']" in out
    assert "loss went down: True" in out
    assert "decoded: (28, 28)" in out
    assert "z_mean: (64, 2)" in out


def test_text_classification_with_a_tf_strings_standardize(tmp_path):
    out = _run(tmp_path, TEXT)
    # lowercased, HTML and punctuation stripped by the custom standardize
    assert "vocabulary: ['awful', 'bad', 'film', 'good', 'great', 'movie']" in out
    assert "end to end accuracy in [0, 1]: True" in out


def test_feature_space_inference_on_a_dict_with_a_string(tmp_path):
    out = _run(tmp_path, FEATURE_SPACE)
    assert "probability shape: (1, 1)" in out
    assert "probability in [0, 1]: True" in out
