"""``tf.experimental`` / ``tf.autograph``: nothing to switch on here."""

from lamina.compat.tensorflow._tensors import _unsupported


def set_verbosity(level, alsologtostdout=False):
    """Accepted (autograph's logging: lamina does not transform code)."""


def __getattr__(name):
    raise _unsupported(name, "tf.experimental")
