"""``tf.errors``: the exception classes scripts catch, as Python's own."""

InvalidArgumentError = ValueError
ResourceExhaustedError = MemoryError
NotFoundError = FileNotFoundError
OutOfRangeError = StopIteration
UnimplementedError = NotImplementedError
OpError = RuntimeError
