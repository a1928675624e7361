# Seed 004: Keras basics, then ImageDataGenerator + a small CNN; blocks verbatim, glue between `# --- glue` lines.
import keras
model = keras.models.Sequential()
model.add(keras.layers.Dense(units=64, activation='relu', input_dim=100))
model.add(keras.layers.Dense(units=10, activation='softmax'))
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
# --- glue: the tutorial never says what x_train/y_train are; 100 features, 10 one-hot classes
import numpy as np

_rng = np.random.default_rng(0)
_centers = _rng.normal(size=(10, 100)).astype("float32")
_labels = _rng.integers(0, 10, 600)
_features = _centers[_labels] + 0.5 * _rng.normal(size=(600, 100)).astype("float32")
_onehot = keras.utils.to_categorical(_labels, 10)
x_train, y_train = _features[:500], _onehot[:500]
x_test, y_test = _features[500:], _onehot[500:]
# --- end glue
model.fit(x_train, y_train, epochs=10, batch_size=32)
loss, accuracy = model.evaluate(x_test, y_test)
# --- glue: a tiny image tree data/{train,test}/<class>/*.png (10 classes) for flow_from_directory
print('Dense model accuracy:', accuracy)
import os

from PIL import Image

for _split, _per_class in (("train", 3), ("test", 2)):
    for _c in range(10):
        _folder = os.path.join("data", _split, f"class_{_c}")
        os.makedirs(_folder, exist_ok=True)
        for _i in range(_per_class):
            _pixels = _rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)
            _pixels[..., _c % 3] = 25 * _c  # a class-dependent colour cast
            Image.fromarray(_pixels).save(os.path.join(_folder, f"{_i}.png"))
# --- end glue
from keras.preprocessing.image import ImageDataGenerator

# 创建一个ImageDataGenerator实例
datagen = ImageDataGenerator(
    rescale=1./255,
    shear_range=0.2,
    zoom_range=0.2,
    horizontal_flip=True
)

# 使用ImageDataGenerator实例来加载数据
train_generator = datagen.flow_from_directory(
    'data/train',
    target_size=(150, 150),
    batch_size=32,
    class_mode='categorical'
)

# 加载测试数据
test_generator = datagen.flow_from_directory(
    'data/test',
    target_size=(150, 150),
    batch_size=32,
    class_mode='categorical'
)
from keras.models import Sequential
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense

# 创建一个Sequential实例
model = Sequential()

# 添加卷积层
model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(150, 150, 3)))
model.add(MaxPooling2D((2, 2)))

# 添加另一个卷积层
model.add(Conv2D(64, (3, 3), activation='relu'))
model.add(MaxPooling2D((2, 2)))

# 添加一个全连接层
model.add(Flatten())
model.add(Dense(64, activation='relu'))

# 添加输出层
model.add(Dense(10, activation='softmax'))
# 编译模型
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
# 训练模型
model.fit_generator(
    train_generator,
    steps_per_epoch=100,
    epochs=10,
    validation_data=test_generator,
    validation_steps=50
)
# --- glue: show that training ran
print('CNN trained on', train_generator.samples, 'images in', train_generator.num_classes, 'classes')
# --- end glue
