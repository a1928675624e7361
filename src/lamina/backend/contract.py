"""The functions every backend provides, by module, with a one-line description each.

A backend is a package ``lamina.backend.<name>`` with the modules below. ``lamina.ops``
binds these names once at import behind wrappers that convert array-likes (one
``type(x) is TENSOR_TYPE`` test per array argument, lamina/ops/_bind.py); ``lamina.ops.kernels``
holds them as they are, so a kernel call costs exactly the engine's own call.
``tests/backend/test_contract.py`` checks that the active backend has every name.
"""

CORE = {
    "is_compiling": "True while the engine's compiler traces the code (torch.compile)",
    "DEVICE": "the default device the backend places new tensors on",
    "LayerBase": "the base class of Layer (torch.nn.Module on torch, object elsewhere)",
    "Variable": "a trainable or non-trainable state tensor with .assign, .numpy, .name, .path",
    "make_variable": "make_variable(value, dtype, trainable, name) -> Variable",
    "real_tensors": "context: new tensors are real inside a shape-only (fake) run",
    "is_tensor": "True for the engine's tensor type",
    "convert_to_tensor": "convert_to_tensor(x, dtype=None) -> tensor on the default device",
    "TENSOR_TYPE": "the exact class of the engine's tensors (the public ops' fast-path test)",
    "as_tensor_arg": "as_tensor_arg(x, op, arg) -> x as a tensor (tensors, symbolic, None pass)",
    "as_tensor_pair": "as_tensor_pair(x1, x2, keep_number, op) -> a binary op's operands",
    "as_tensor_list": "as_tensor_list(xs, op, arg) -> a sequence argument's items as tensors",
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
    "gpu_count": "gpu_count() -> how many GPUs the engine can use",
    "built_with_cuda": "built_with_cuda() -> whether the engine was built with CUDA",
    "engine_info": "engine_info() -> lines describing the engine's version, threads, kernels",
    "gather_rows": "gather_rows(x, indices) -> rows of x (one batch of a shuffled data set)",
    "slice_rows": "slice_rows(x, start, stop) -> rows start:stop of x, a view where possible",
    "float_dtype_like": "True if the tensor has a floating dtype",
    "is_engine_dataset": "True for the engine's map-style dataset type (torch Dataset)",
    "engine_batches": "engine_batches(dataset, batch_size, shuffle) -> an iterable of batches",
    "autocast": "autocast(dtype) -> context in which matmuls/convs run in dtype (mixed precision)",
}

_OPS_NAMES = [
    "abs", "absolute", "add", "all", "allclose", "amax", "amin", "angle", "any", "append",
    "arange", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh",
    "argmax", "argmin", "argpartition", "argsort", "array", "array_split", "average",
    "bartlett", "bincount", "bitwise_and", "bitwise_invert", "bitwise_left_shift",
    "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "blackman",
    "broadcast_to", "cbrt", "ceil", "clip", "concatenate", "conj", "conjugate",
    "convert_to_tensor_like", "copy", "corrcoef", "correlate", "cos", "cosh",
    "count_nonzero", "cross", "cumprod", "cumsum", "deg2rad", "diag", "diagflat",
    "diagonal", "diff", "digitize", "divide", "divide_no_nan", "dot", "dsplit", "dstack",
    "einsum", "empty", "empty_like", "equal", "exp", "exp2", "expand_dims", "expm1", "eye",
    "fabs", "flip", "fliplr", "flipud", "floor", "floor_divide", "fmax", "fmin", "fmod",
    "full", "full_like", "gcd", "geomspace", "get_item", "greater", "greater_equal",
    "hamming", "hanning", "heaviside", "histogram", "hsplit", "hstack", "hypot", "i0",
    "identity", "imag", "inner", "isclose", "isfinite", "isin", "isinf", "isnan",
    "isneginf", "isposinf", "isreal", "kaiser", "kron", "lcm", "ldexp", "left_shift",
    "less", "less_equal", "linspace", "log", "log10", "log1p", "log2", "logaddexp",
    "logaddexp2", "logical_and", "logical_not", "logical_or", "logical_xor", "logspace",
    "logsumexp", "matmul", "max", "maximum", "mean", "median", "meshgrid", "min",
    "minimum", "mod", "moveaxis", "multiply", "nan_to_num", "nanargmax", "nanargmin",
    "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile",
    "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "ndim", "negative",
    "nextafter", "nonzero", "norm", "not_equal", "numpy_scalar", "ones", "ones_like",
    "outer", "pad", "percentile", "power", "prod", "ptp", "quantile", "rad2deg", "ravel",
    "rearrange", "slogdet",
    "real", "reciprocal", "repeat", "reshape", "right_shift", "roll", "rot90", "round",
    "searchsorted", "select", "shape", "sign", "signbit", "sin", "sinc", "sinh", "size",
    "sort", "split", "sqrt", "square", "squeeze", "stack", "std", "subtract", "sum",
    "swapaxes", "take", "take_along_axis", "tan", "tanh", "tensordot", "tile", "trace",
    "transpose", "trapezoid", "tri", "tril", "triu", "true_divide", "trunc", "unique",
    "unravel_index", "unstack", "vander", "var", "vdot", "vectorize", "view", "vsplit",
    "vstack", "where", "zeros", "zeros_like",
]
OPS = {name: "NumPy-like op with Keras 3 semantics (keras.ops.numpy)" for name in _OPS_NAMES}

MATH = {name: "keras.ops.math op" for name in [
    "cdist", "erf", "erfc", "erfinv", "extract_sequences", "fft", "fft2", "ifft2",
    "in_top_k", "irfft", "istft", "logdet", "logsumexp", "rfft", "rsqrt", "segment_max",
    "segment_min", "segment_prod", "segment_sum", "stft", "top_k", "view_as_complex",
    "view_as_real",
]}

LINALG = {name: "keras.ops.linalg op" for name in [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq",
    "lu_factor", "matrix_rank", "norm", "pinv", "qr", "solve",
    "solve_triangular", "svd",
]}

IMAGE = {name: "keras.ops.image op" for name in [
    "affine_transform", "crop_images", "extract_patches", "gaussian_blur", "hsv_to_rgb",
    "map_coordinates", "pad_images", "resize", "rgb_to_grayscale", "rgb_to_hsv",
]}

IMAGE_WARPS = {name: "keras.ops.image op: resampling through a coordinate map" for name in [
    "elastic_transform", "perspective_transform", "scale_and_translate",
]}

IMAGE_FILTERS = {name: "keras.ops.image op built from small fixed filters" for name in [
    "extract_patches_3d", "sobel_edges", "ssim",
]}

CONTROL_FLOW = {name: "keras.ops.core op: control flow, scatter/slice updates, gradients" for name in [
    "cast", "convert_to_tensor",
    "associative_scan", "cond", "custom_gradient", "fori_loop", "map", "saturate_cast",
    "scan", "scatter", "scatter_update", "slice", "slice_update", "stop_gradient",
    "switch", "unstack", "vectorized_map", "while_loop",
]}

NN_OPS = {name: "keras.ops.nn op beyond activations: one-hot, CTC, attention, resampling" for name in [
    "adaptive_average_pool", "adaptive_max_pool", "ctc_decode", "ctc_loss",
    "depth_to_space", "dot_product_attention", "fold", "multi_hot", "normalize", "one_hot",
    "polar", "psnr", "space_to_depth", "unfold",
]}

DISTRIBUTIONS = {
    "categorical": "categorical(logits, num_samples, dtype, seed) -> class indices",
    "dropout": "dropout(inputs, rate, noise_shape, seed) with 1/(1-rate) scaling",
    "shuffle": "shuffle(x, axis, seed) -> x in a random order along axis",
    "gamma": "gamma(shape, alpha, dtype, seed)",
    "binomial": "binomial(shape, counts, probabilities, dtype, seed)",
    "beta": "beta(shape, alpha, beta, dtype, seed)",
}

SYMBOLIC = {
    "torch_function": "the engine hook symbolic tensors delegate to (records op nodes)",
    "tensor_attribute": "x.<name> on a symbolic tensor: a recording method or property",
    "apply_method": "x.<dunder>(*args) on a symbolic tensor (+, -, [], ...)",
    "output_specs": "run a function shape-only: (first result, [(shape, dtype)])",
    "set_recorder": "register the recorder that turns op calls into graph nodes",
    "set_symbolic_class": "register the symbolic tensor class",
    "function_name": "a saved op layer's name for an engine function",
    "function_from_name": "the engine function a saved op layer names, from a closed table "
                          "of tensor ops (None for any other name)",
    "string_arguments": "where a tabled function takes a string: ((position, keyword), ...)",
    "encode_constant": "JSON stand-in for an engine object (dtype, device) in a recorded call",
    "decode_constant": "the engine object back from its stand-in",
    "short_name": "a layer name for an op node",
    "keras_form": "Keras' own op form of a recorded call: (class_name, config, args, kwargs)",
    "is_tensor": "True for the engine's tensor type",
    "tensor_config": "a constant tensor as config data",
    "tensor_from_config": "the constant tensor back from config data",
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
    "batch_normalization": "normalize with given mean/variance, offset and scale",
    "layer_normalization": "normalize over the last axes (LayerNormalization)",
    "group_normalization": "normalize within channel groups (GroupNormalization)",
    "rms_normalization": "scale by the root mean square (RMSNormalization)",
    "embedding_lookup": "rows of an embedding matrix for integer ids",
}

RANDOM = {
    "make_generator": "make_generator(seed) -> engine generator state",
    "normal": "normal(shape, mean, stddev, dtype, seed)",
    "uniform": "uniform(shape, minval, maxval, dtype, seed)",
    "truncated_normal": "normal draws, redrawn outside two standard deviations",
    "randint": "integers in [minval, maxval)",
    "permutation": "permutation(n, seed) -> int64 indices",
    "set_global_seed": "seed the engine's global generators",
    "get_global_state": "the global generators' states (Python, NumPy, engine) as plain data",
    "set_global_state": "restore what get_global_state returned",
}

TRAIN = {
    "gradients": "gradients(loss, variables) -> list of gradients (None -> zeros)",
    "adam_update": "fused Keras Adam update over lists of tensors",
    "sgd_update": "fused Keras SGD (momentum, nesterov) update",
    "rmsprop_update": "fused Keras RMSprop update",
    "adagrad_update": "fused Keras Adagrad update",
    "clip_by_global_norm_list": "scale gradients so their joint norm is at most clipnorm",
    "compile_function": "wrap a step function in the engine's compiler",
    "set_training_mode": "set_training_mode(model, training): torch's train()/eval() on a model",
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
    "adadelta_update": "fused Keras Adadelta update",
    "adamax_update": "fused Keras Adamax update",
    "nadam_update": "fused Keras Nadam update",
    "ftrl_update": "fused Keras Ftrl update",
    "lion_update": "fused Keras Lion update",
    "lamb_update": "fused Keras Lamb update",
    "all_finite": "all_finite(tensors) -> True if no inf/nan (one device sync)",
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
RNN = {  # recurrent kernels: fused where the engine has them, and the general loop
    "rnn": "rnn(step, inputs, states, go_backwards, mask, zero_output_for_mask, return_all_outputs) -> (last, outputs, states), Keras' masking rule",
    "right_padded_lengths": "right_padded_lengths(mask) -> lengths if the mask is right padding with no empty row, else None",
    "lstm": "lstm(x, h0, c0, kernel, recurrent_kernel, bias, go_backwards, lengths, cache, zero_output_for_mask) -> (outputs, h, c), Keras layout",
    "gru": "gru(x, h0, kernel, recurrent_kernel, bias, go_backwards, lengths, cache, zero_output_for_mask) -> (outputs, h), reset_after=True",
    "simple_rnn": "simple_rnn(x, h0, kernel, recurrent_kernel, bias, activation, ...) -> (outputs, h), tanh or relu",
    "input_dropout_mask": "input_dropout_mask(like, rate) -> 0 or 1/(1-rate) entries shaped like `like`",
}

TAPE = {
    "GradientTape": "TensorFlow's GradientTape on the engine's autograd (watch, gradient)",
    "gradient": "gradient(target, source) -> d(sum target)/d(source) inside a forward pass",
    "requiring_grad": "requiring_grad(x) -> a leaf copy of x that records for differentiation",
}

MODULES = {"core": CORE, "tape": TAPE, "ops": OPS, "nn": NN, "random": RANDOM, "train_step": TRAIN,
           "conv": CONV, "rnn": RNN, "math": MATH, "linalg": LINALG, "image": IMAGE,
           "image_warps": IMAGE_WARPS, "image_filters": IMAGE_FILTERS,
           "control_flow": CONTROL_FLOW, "nn_ops": NN_OPS, "symbolic": SYMBOLIC,
           "distributions": DISTRIBUTIONS}
