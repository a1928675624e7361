# Seed 002: LSTM text generation (the tutorial's second block), verbatim; glue between `# --- glue` lines.
# --- glue: the tutorial assumes a corpus already cut into one-hot windows (text, chars,
# char_indices, maxlen, x, y) and a sample() helper; build them from a small built-in text
import random

import numpy as np

text = " ".join([
    "the quick brown fox jumps over the lazy dog while the cat sleeps by the warm fire.",
    "a recurrent network reads a sequence one character at a time and keeps a memory of",
    "what it has seen so far. the long short term memory cell decides what to forget,",
    "what to store and what to show, so that it can carry information across many steps.",
    "given enough text it learns which letters follow which, and then it can write text",
    "of its own, one letter after another, sampling each next letter from its guesses.",
] * 3)
chars = sorted(set(text))
char_indices = {c: i for i, c in enumerate(chars)}
maxlen = 40
step = 3
sentences = [text[i: i + maxlen] for i in range(0, len(text) - maxlen, step)]
next_chars = [text[i + maxlen] for i in range(0, len(text) - maxlen, step)]
x = np.zeros((len(sentences), maxlen, len(chars)), dtype="float32")
y = np.zeros((len(sentences), len(chars)), dtype="float32")
for i, sentence in enumerate(sentences):
    for t, char in enumerate(sentence):
        x[i, t, char_indices[char]] = 1.0
    y[i, char_indices[next_chars[i]]] = 1.0
random.seed(2)
np.random.seed(2)


def sample(preds, diversity=1.0):
    """Draw an index from the softmax output, reweighted by a temperature (``diversity``)."""
    preds = np.asarray(preds).astype("float64")
    preds = np.log(np.maximum(preds, 1e-12)) / diversity
    probs = np.exp(preds - preds.max())
    probs /= probs.sum()
    return int(np.argmax(np.random.multinomial(1, probs, 1)))
# --- end glue
from keras.models import Sequential
from keras.layers import LSTM, Dense

# 创建模型
model = Sequential()

# 添加 LSTM 层
model.add(LSTM(128, return_sequences=True, input_shape=(maxlen, len(chars))))
model.add(LSTM(128))

# 添加全连接层
model.add(Dense(len(chars), activation='softmax'))

# 编译模型
model.compile(loss='categorical_crossentropy', optimizer='adam')

# 训练模型
model.fit(x, y, epochs=50)

# 生成文本
start_index = random.randint(0, len(text) - maxlen - 1)
generated_text = text[start_index: start_index + maxlen]

for i in range(400):
    sampled = np.zeros((1, maxlen, len(chars)))
    for t, char in enumerate(generated_text):
        sampled[0, t, char_indices[char]] = 1.
    
    preds = model.predict(sampled, verbose=0)[0]
    next_index = sample(preds, diversity=1.0)
    next_char = chars[next_index]
    
    generated_text += next_char
    generated_text = generated_text[1:]
    
    print(next_char, end='')
