"""The functions every backend provides, by module, with a one-line description each.

A backend is a package ``lamina.backend.<name>`` with the modules below. ``lamina.ops``
binds these names once at import, so a call costs exactly the engine's own call.
``tests/backend/test_contract.py`` checks that the active backend has every name.
"""

CORE = {
    "DEVICE": "the default device the backend places new tensors on",
    "LayerBase": "the base class of Layer (torch.nn.Module on torch, object elsewhere)",
    "Variable": "a trainable or non-trainable state tensor with .assign, .numpy, .name, .path",
    "make_variable": "make_variable(value, dtype, trainable, name) -> Variable",
    "is_tensor": "True for the engine's tensor type",
    "convert_to_tensor": "convert_to_tensor(x, dtype=None) -> tensor on the default device",
    "convert_to_numpy": "convert_to_numpy(x) -> numpy.ndarray (detached, on the host)",
    "from_numpy_shared": "tensor that shares memory with a NumPy array where the engine can",
    "cast": "cast(x, dtype) -> tensor of that dtype",
    "standardize_dtype": "standardize_dtype(d) -> canonical dtype name ('float32', 'int64', ...)",
    "to_engine_dtype": "to_engine_dtype(name) -> the engine's dtype object",
    "dtype_of": "dtype_of(x) -> canonical dtype name of a tensor",
    "shape_of": "shape_of(x) -> tuple of ints",
    "compute_output_shapes": "run a function on shape-only tensors; return the output shapes",
    "no_grad": "context manager that turns off gradient tracking",
    "device_name": "device_name() -> 'cpu', 'cuda:0', ...",
    "gather_rows": "gather_rows(x, indices) -> rows of x (one batch of a shuffled data set)",
    "slice_rows": "slice_rows(x, start, stop) -> rows start:stop of x, a view where possible",
    "float_dtype_like": "True if the tensor has a floating dtype",
    "is_engine_dataset": "True for the engine's map-style dataset type (torch Dataset)",
    "engine_batches": "engine_batches(dataset, batch_size, shuffle) -> an iterable of batches",
    "autocast": "autocast(dtype) -> context in which matmuls/convs run in dtype (mixed precision)",
}

OPS = {
    name: "NumPy-like op with Keras 3 semantics"
    for name in ["add", "subtract", "multiply", "divide", "true_divide", "negative", "power", "matmul", "dot", "tensordot", "abs", "absolute", "sign", "sqrt", "square", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin", "arccos", "arctan", "arctanh", "floor", "ceil", "round", "clip", "maximum", "minimum", "where", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "logical_and", "logical_or", "logical_not", "isnan", "isinf", "isfinite", "sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "cumsum", "cumprod", "any", "all", "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack", "split", "tile", "repeat", "broadcast_to", "zeros", "ones", "zeros_like", "ones_like", "full", "full_like", "eye", "arange", "take", "take_along_axis", "one_hot", "sort", "argsort", "flip", "roll", "pad", "reciprocal", "erf", "rsqrt", "logsumexp", "norm", "einsum", "outer", "cond", "stop_gradient", "size", "ndim", "moveaxis"]
}

NN = {
    "relu": "max(x, 0)",
    "relu6": "min(max(x, 0), 6)",
    "sigmoid": "1 / (1 + exp(-x))",
    "hard_sigmoid": "Keras 3 hard sigmoid: relu6(x + 3) / 6",
    "softplus": "log(1 + exp(x))",
    "softsign": "x / (1 + |x|)",
    "silu": "x * sigmoid(x)",
    "gelu": "gelu(x, approximate=True)",
    "elu": "elu(x, alpha=1.0)",
    "selu": "scaled elu",
    "leaky_relu": "leaky_relu(x, negative_slope=0.2)",
    "softmax": "softmax(x, axis=-1)",
    "log_softmax": "log_softmax(x, axis=-1)",
    "dropout": "dropout(x, rate, noise_shape, generator) with 1/(1-rate) scaling",
    "categorical_crossentropy": "per-sample categorical cross-entropy, Keras' clipping",
    "sparse_categorical_crossentropy": "per-sample sparse categorical cross-entropy",
    "binary_crossentropy": "elementwise binary cross-entropy, Keras' clipping",
    "moments": "mean and variance over axes",
}

RANDOM = {
    "make_generator": "make_generator(seed) -> engine generator state",
    "normal": "normal(shape, mean, stddev, dtype, seed)",
    "uniform": "uniform(shape, minval, maxval, dtype, seed)",
    "truncated_normal": "normal draws, redrawn outside two standard deviations",
    "randint": "integers in [minval, maxval)",
    "permutation": "permutation(n, seed) -> int64 indices",
    "set_global_seed": "seed the engine's global generators",
}

TRAIN = {
    "gradients": "gradients(loss, variables) -> list of gradients (None -> zeros)",
    "adam_update": "fused Keras Adam update over lists of tensors",
    "sgd_update": "fused Keras SGD (momentum, nesterov) update",
    "rmsprop_update": "fused Keras RMSprop update",
    "adagrad_update": "fused Keras Adagrad update",
    "clip_by_global_norm_list": "scale gradients so their joint norm is at most clipnorm",
    "compile_function": "wrap a step function in the engine's compiler",
    "full": "full(shape, value, dtype, like=None) -> a new tensor on like's device",
    "version_of": "version_of(t) -> a counter that changes whenever t is written in place",
    "scalar_value": "scalar_value(t) -> the Python number in a one-element tensor",
    "increment": "increment(t, amount=1) -> add in place",
    "scale_list": "scale_list(tensors, factor) -> tensors * factor",
    "clip_by_norm_list": "clip each gradient to L2 norm at most clipnorm (Keras' formula)",
    "clip_by_value_list": "clip each gradient elementwise to [-v, v]",
    "decay_weights": "decay_weights(vars, factor): var -= var * factor (decoupled weight decay)",
    "ema_update": "ema_update(averages, vars, momentum): exponential moving average in place",
    "accumulate": "accumulate(accumulators, grads): add gradients in place",
    "fill_list": "fill_list(tensors, value): set every entry in place",
}

CONV = {  # convolution and pooling kernels, Keras layouts, keras.ops signatures (+ bias=)
    "conv": "conv(inputs, kernel, strides, padding, data_format, dilation_rate, bias=None)",
    "depthwise_conv": "depthwise_conv(inputs, kernel (*k, in, mult), strides, padding, ...)",
    "separable_conv": "separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides, ...)",
    "conv_transpose": "conv_transpose(inputs, kernel (*k, out, in), strides, padding, "
                      "output_padding, data_format, dilation_rate, bias=None)",
    "max_pool": "max_pool(inputs, pool_size, strides=None, padding, data_format)",
    "average_pool": "average_pool(...); 'same' padding cells are not counted",
    "global_pool": "global_pool(inputs, 'average'|'max', data_format, keepdims)",
    "upsample": "upsample(inputs, size, interpolation, data_format): nearest repeat or resize",
    "pad_spatial": "pad_spatial(inputs, ((lo, hi), ...), data_format): zero-pad spatial axes",
    "same_padding": "same_padding(size, kernel, stride, dilation) -> TF's (left, right)",
}
RNN: dict[str, str] = {}  # fused recurrent kernels

MODULES = {"core": CORE, "ops": OPS, "nn": NN, "random": RANDOM, "train_step": TRAIN,
           "conv": CONV, "rnn": RNN}
