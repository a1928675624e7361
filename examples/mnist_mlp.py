"""The seeds' MNIST MLP: Dense(512, relu) -> Dense(10, softmax), Adam, 5 epochs.

Run with ``make demo`` (or ``python examples/mnist_mlp.py``). It uses the full MNIST set when it
is cached or can be downloaded, and the bundled 2,500-digit sample otherwise.
"""

import lamina
from lamina import layers
from lamina.datasets import mnist
from lamina.utils import to_categorical


def main(epochs: int = 5, seed: int = 3) -> float:
    lamina.utils.set_random_seed(seed)  # the same run every time, on the CPU
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255
    y_train = to_categorical(y_train, 10)
    y_test = to_categorical(y_test, 10)
    print(f"train: {x_train.shape[0]} digits, test: {x_test.shape[0]} digits")

    model = lamina.Sequential([
        layers.Input(shape=(784,)),
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=32)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss: {loss:.4f}")
    print(f"Test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
