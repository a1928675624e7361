# Seed 003: Dense/Dropout binary classifier, blocks verbatim; glue between `# --- glue` lines.
# --- glue: the tutorial trains on x_train/y_train and predicts x_new_data it does not define
import numpy as np

rng = np.random.default_rng(3)
w = rng.normal(size=100)
x_train = rng.normal(size=(1000, 100)).astype("float32")
y_train = (x_train @ w > 0).astype("float32")
x_test = rng.normal(size=(200, 100)).astype("float32")
y_test = (x_test @ w > 0).astype("float32")
x_new_data = rng.normal(size=(5, 100)).astype("float32")
# --- end glue
from keras.models import Sequential
from keras.layers import Dense, Dropout

model = Sequential()
model.add(Dense(32, activation='relu', input_dim=100))
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='adam',
              metrics=['accuracy'])
model.fit(x_train, y_train,
          epochs=10,
          batch_size=32)
score = model.evaluate(x_test, y_test, verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])

predictions = model.predict(x_new_data)
# --- glue: show what predict returned
print('predictions shape:', predictions.shape)
# --- end glue
