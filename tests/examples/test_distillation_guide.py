"""The keras.io knowledge-distillation guide (a Distiller model overriding compute_loss, the
student from clone_model) runs unchanged under ``lamina run``."""

import subprocess
import sys

SCRIPT = r'''
import numpy as np
import keras
from keras import layers, ops

class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1, temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        teacher_pred = self.teacher(x, training=False)
        student_loss = self.student_loss_fn(y, y_pred)
        distillation_loss = self.distillation_loss_fn(
            ops.softmax(teacher_pred / self.temperature, axis=1),
            ops.softmax(y_pred / self.temperature, axis=1),
        ) * (self.temperature**2)
        loss = self.alpha * student_loss + (1 - self.alpha) * distillation_loss
        return loss

    def call(self, x):
        return self.student(x)

teacher = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same"),
    layers.LeakyReLU(negative_slope=0.2), layers.Flatten(), layers.Dense(10)], name="teacher")
student = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),
    layers.LeakyReLU(negative_slope=0.2), layers.Flatten(), layers.Dense(10)], name="student")
student_scratch = keras.models.clone_model(student)
x = np.random.default_rng(0).random((64, 28, 28, 1)).astype("float32")
y = np.random.default_rng(1).integers(0, 10, 64)
teacher.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=[keras.metrics.SparseCategoricalAccuracy()])
teacher.fit(x, y, epochs=1, verbose=0)
distiller = Distiller(student=student, teacher=teacher)
distiller.compile(optimizer=keras.optimizers.Adam(), metrics=[keras.metrics.SparseCategoricalAccuracy()],
    student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    distillation_loss_fn=keras.losses.KLDivergence(), alpha=0.1, temperature=10)
h = distiller.fit(x, y, epochs=2, verbose=0)
print(sorted(h.history), h.history["loss"])
print(distiller.evaluate(x, y, verbose=0))
student_scratch.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=[keras.metrics.SparseCategoricalAccuracy()])
student_scratch.fit(x, y, epochs=1, verbose=0)
print("ok")
'''


def test_distillation_guide_runs_under_lamina_run(tmp_path):
    path = tmp_path / "distill.py"
    path.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lamina", "run", str(path)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "['loss', 'sparse_categorical_accuracy']" in result.stdout
    assert result.stdout.strip().endswith("ok")
