# Seed 001: a binary classifier on 100 features, block verbatim; glue between `# --- glue` lines.
# --- glue: the tutorial says "assume X_train, y_train are the training data"; make such data
import numpy as np

rng = np.random.default_rng(1)
w = rng.normal(size=100)
X_train = rng.normal(size=(1000, 100)).astype("float32")
y_train = (X_train @ w > 0).astype("float32")
X_test = rng.normal(size=(200, 100)).astype("float32")
y_test = (X_test @ w > 0).astype("float32")
# --- end glue
from keras.models import Sequential
from keras.layers import Dense

model = Sequential()
model.add(Dense(units=64, activation='relu', input_dim=100))
model.add(Dense(units=1, activation='sigmoid'))

model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

# 假设 X_train, y_train 是训练数据集
model.fit(X_train, y_train, epochs=10, batch_size=32)

# 评估模型
scores = model.evaluate(X_test, y_test)
print('Test loss:', scores[0])
print('Test accuracy:', scores[1])
