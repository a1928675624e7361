"""The closed table of torch functions a saved ``OpLayer`` may name.

An op called between layers that Keras has no op class for is saved as an ``OpLayer`` naming
the torch function (``"torch.cumsum"``). Loading looks that name up here, in a dictionary
built from the literal lists below: pure tensor functions, the ones lamina's ops dispatch to
and that tensor operators and methods reach. Nothing is imported and no attribute is walked
for a name from a file, so ``torch.os.system``, ``torch.save`` or ``torch.load`` cannot be
reached: they are not in the lists. In-place methods, functions that take a callable
(``vmap``, ``Tensor.apply_``), that touch files, devices or global state (``save``,
``from_file``, ``manual_seed``, ``compile``) are left out on purpose.

``STRING_ARGUMENTS`` says where a function takes a string (``torch.einsum``'s equation,
``F.pad``'s mode): a saved call may hold a string only there.

>>> TABLE["torch.cumsum"] is torch.cumsum
True
>>> "torch.os.system" in TABLE
False
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina.backend.torch import image_filters, image_warps

# torch.<name>
_TORCH = """
abs absolute acos acosh add addmm all allclose amax amin aminmax angle any arccos arccosh arcsin
arcsinh arctan arctan2 arctanh argmax argmin argsort argwhere asin asinh atan atan2
atanh atleast_1d atleast_2d atleast_3d baddbmm bincount binomial bitwise_and bitwise_left_shift
bitwise_not bitwise_or bitwise_right_shift bitwise_xor block_diag bmm broadcast_tensors
broadcast_to bucketize cartesian_prod cat cdist ceil chain_matmul cholesky cholesky_inverse
chunk clamp clamp_max clamp_min clip clone column_stack complex concat concatenate conj
conj_physical copysign corrcoef cos cosh count_nonzero cov cross cummax cummin cumprod cumsum
cumulative_trapezoid deg2rad det diag diag_embed diagflat diagonal diff digamma dist div divide
dot dsplit dstack einsum empty_like eq equal erf erfc erfinv exp exp2 expm1 fix flatten flip
fliplr flipud float_power floor floor_divide fmax fmin fmod frac full_like gather gcd ge ger
greater greater_equal gt heaviside histc hsplit hstack hypot i0 igamma igammac imag index_put index_select
inner inverse isclose isfinite isin isinf isnan isneginf isposinf isreal istft kron kthvalue lcm
ldexp le lerp less less_equal lgamma log log10 log1p log2 log_softmax logaddexp logaddexp2
logcumsumexp logdet logical_and logical_not logical_or logical_xor logit logsumexp lt
masked_fill masked_select matmul max maximum mean median meshgrid min minimum mm moveaxis
movedim msort mul multinomial multiply mv nan_to_num nanmean nanmedian nanquantile nansum
narrow narrow_copy ne neg negative nextafter nonzero norm not_equal numel ones_like outer
permute pinverse polar polygamma positive pow prod quantile rad2deg ravel real reciprocal relu
remainder renorm repeat_interleave reshape resolve_conj resolve_neg roll rot90 round rsqrt
scatter scatter_add scatter_reduce searchsorted select select_scatter sgn sigmoid sign signbit
sin sinc sinh slice_scatter slogdet softmax sort split sqrt square squeeze stack std std_mean
stft sub subtract sum svd swapaxes swapdims t take take_along_dim tan tanh tensor_split
tensordot tile topk trace transpose trapezoid trapz tril triu true_divide trunc unbind
unflatten unfold_copy unique unique_consecutive unravel_index unsqueeze vander var var_mean vdot
view_as_complex view_as_real vsplit vstack where xlogy zeros_like
"""

# torch.nn.functional.<name>
_FUNCTIONAL = """
adaptive_avg_pool1d adaptive_avg_pool2d adaptive_avg_pool3d adaptive_max_pool1d
adaptive_max_pool2d adaptive_max_pool3d avg_pool1d avg_pool2d avg_pool3d batch_norm
binary_cross_entropy binary_cross_entropy_with_logits celu conv1d conv2d conv3d
conv_transpose1d conv_transpose2d conv_transpose3d cosine_similarity cross_entropy ctc_loss
dropout elu embedding fold gelu glu group_norm hardshrink hardsigmoid hardswish hardtanh
huber_loss instance_norm interpolate kl_div l1_loss layer_norm leaky_relu linear log_softmax
logsigmoid max_pool1d max_pool2d max_pool3d mish mse_loss nll_loss normalize one_hot pad
pairwise_distance pixel_shuffle pixel_unshuffle relu relu6 rms_norm scaled_dot_product_attention
selu sigmoid silu smooth_l1_loss softmax softmin softplus softshrink softsign tanh tanhshrink
threshold unfold
"""

_LINALG = """
cholesky cholesky_ex cond cross det diagonal eig eigh eigvals eigvalsh inv inv_ex lstsq lu
lu_factor matmul matrix_exp matrix_norm matrix_power matrix_rank multi_dot norm pinv qr slogdet
solve solve_triangular svd svdvals vecdot vector_norm
"""

_FFT = """
fft fft2 fftn fftshift hfft ifft ifft2 ifftn ifftshift ihfft irfft irfft2 irfftn rfft rfft2 rfftn
"""

_SPECIAL = """
bessel_j0 bessel_j1 digamma entr erf erfc erfcx erfinv exp2 expit expm1 gammainc gammaincc
gammaln i0 i0e i1 i1e log1p log_ndtr log_softmax logit logsumexp multigammaln ndtr ndtri
polygamma psi round sinc softmax xlog1py xlogy zeta
"""

# torch.Tensor.<name>: operators and the out-of-place methods (no trailing "_")
_TENSOR = """
__abs__ __add__ __and__ __eq__ __floordiv__ __ge__ __getitem__ __gt__ __invert__ __le__
__lshift__ __lt__ __matmul__ __mod__ __mul__ __ne__ __neg__ __or__ __pos__ __pow__ __radd__
__rand__ __rfloordiv__ __rlshift__ __rmatmul__ __rmod__ __rmul__ __ror__ __rpow__ __rrshift__
__rshift__ __rsub__ __rtruediv__ __rxor__ __sub__ __truediv__ __xor__
abs absolute add addmm all amax amin aminmax angle any arccos arccosh arcsin arcsinh arctan
arctan2 arctanh argmax argmin argsort argwhere bincount bitwise_and bitwise_not bitwise_or
bitwise_xor bmm bool broadcast_to byte ceil char chunk clamp clamp_max clamp_min clip clone
conj contiguous cos cosh count_nonzero cross cummax cummin cumprod cumsum deg2rad det detach
diag diag_embed diagonal diff digamma div divide dot double eq equal erf erfc erfinv exp exp2
expand expand_as expm1 flatten flip fliplr flipud float float_power floor floor_divide fmax fmin
fmod frac gather ge greater greater_equal gt half heaviside histc hypot index_put index_select inner int
inverse isclose isfinite isinf isnan isneginf isposinf isreal kron kthvalue le lerp less
less_equal lgamma log log10 log1p log2 log_softmax logaddexp logaddexp2 logcumsumexp logdet
logical_and logical_not logical_or logical_xor logit logsumexp long lt masked_fill
masked_select matmul max maximum mean median min minimum mm moveaxis movedim msort mul
multinomial multiply mv nan_to_num nanmean nanmedian nanquantile nansum narrow ne neg negative
new_empty new_full new_ones new_zeros nextafter nonzero norm not_equal outer permute pow prod
quantile rad2deg ravel reciprocal relu remainder renorm repeat repeat_interleave reshape
reshape_as roll rot90 round rsqrt scatter scatter_add scatter_reduce select sgn short sigmoid
sign signbit sin sinc sinh slogdet softmax sort split sqrt square squeeze std stft sub subtract
sum sum_to_size svd swapaxes swapdims t take take_along_dim tan tanh tensor_split tile to topk
trace transpose tril triu true_divide trunc type_as unbind unflatten unfold unique
unique_consecutive unsqueeze var vdot view view_as where xlogy
"""

# torch.Tensor properties recorded as ``x.T``
PROPERTIES = ("T", "mT", "H", "mH", "real", "imag")

_NAMESPACES = (
    ("torch", torch, _TORCH),
    ("torch.nn.functional", F, _FUNCTIONAL),
    ("torch.linalg", torch.linalg, _LINALG),
    ("torch.fft", torch.fft, _FFT),
    ("torch.special", torch.special, _SPECIAL),
    ("torch.Tensor", torch.Tensor, _TENSOR),
)


# lamina's image kernels that run as one recorded call (Keras has their op classes, used when
# every tensor argument is symbolic; this form is for calls with constant tensors, such as
# ``scale_and_translate``'s ``scale``)
_ENGINE = {
    "lamina.image.perspective_transform": image_warps.perspective_transform,
    "lamina.image.elastic_transform": image_warps.elastic_transform,
    "lamina.image.scale_and_translate": image_warps.scale_and_translate,
    "lamina.image.sobel_edges": image_filters.sobel_edges,
    "lamina.image.ssim": image_filters.ssim,
    "lamina.image.extract_patches_3d": image_filters.extract_patches_3d,
}


def _build():
    table = {}
    for prefix, namespace, names in _NAMESPACES:
        for name in names.split():  # the literal lists above, never a file's text
            value = getattr(namespace, name, None)  # None: not in this torch version
            if callable(value):
                table[f"{prefix}.{name}"] = value
    table.update(_ENGINE)
    return table


TABLE: dict[str, object] = _build()

# Where a function takes a string: (position, keyword) pairs; position None = keyword-only.
STRING_ARGUMENTS: dict[str, tuple] = {
    "torch.einsum": ((0, "equation"),),
    "torch.div": ((None, "rounding_mode"),),
    "torch.divide": ((None, "rounding_mode"),),
    "torch.Tensor.div": ((None, "rounding_mode"),),
    "torch.Tensor.divide": ((None, "rounding_mode"),),
    "torch.norm": ((1, "p"),),
    "torch.Tensor.norm": ((1, "p"),),
    "torch.linalg.norm": ((1, "ord"),),
    "torch.linalg.matrix_norm": ((1, "ord"),),
    "torch.linalg.cond": ((1, "p"),),
    "torch.linalg.qr": ((1, "mode"),),
    "torch.linalg.eigh": ((1, "UPLO"),),
    "torch.linalg.eigvalsh": ((1, "UPLO"),),
    "torch.linalg.svd": ((None, "driver"),),
    "torch.linalg.svdvals": ((None, "driver"),),
    "torch.linalg.lstsq": ((None, "driver"),),
    "torch.searchsorted": ((None, "side"),),
    "torch.quantile": ((None, "interpolation"),),
    "torch.nanquantile": ((None, "interpolation"),),
    "torch.Tensor.quantile": ((None, "interpolation"),),
    "torch.Tensor.nanquantile": ((None, "interpolation"),),
    "torch.cdist": ((3, "compute_mode"),),
    "torch.stft": ((6, "pad_mode"),),
    "torch.Tensor.stft": ((6, "pad_mode"),),
    "torch.scatter_reduce": ((4, "reduce"),),
    "torch.Tensor.scatter_reduce": ((4, "reduce"),),  # position 0 is the tensor itself
    "torch.meshgrid": ((None, "indexing"),),
    "torch.scatter": ((None, "reduce"),),
    "torch.Tensor.scatter": ((None, "reduce"),),
    "torch.nn.functional.pad": ((2, "mode"),),
    "torch.nn.functional.interpolate": ((3, "mode"),),
    "torch.nn.functional.gelu": ((None, "approximate"),),
    "torch.nn.functional.ctc_loss": ((6, "reduction"),),
    "torch.nn.functional.binary_cross_entropy": ((5, "reduction"),),
    "torch.nn.functional.binary_cross_entropy_with_logits": ((5, "reduction"),),
    "torch.nn.functional.cross_entropy": ((5, "reduction"),),
    "torch.nn.functional.nll_loss": ((5, "reduction"),),
    "torch.nn.functional.kl_div": ((4, "reduction"),),
    "torch.nn.functional.l1_loss": ((4, "reduction"),),
    "torch.nn.functional.mse_loss": ((4, "reduction"),),
    "torch.nn.functional.huber_loss": ((2, "reduction"),),
    "torch.nn.functional.smooth_l1_loss": ((4, "reduction"),),
    "lamina.image.perspective_transform": ((3, "interpolation"), (5, "data_format")),
    "lamina.image.elastic_transform": ((3, "interpolation"), (4, "fill_mode"),
                                       (7, "data_format")),
    "lamina.image.scale_and_translate": ((5, "method"),),
    "lamina.image.sobel_edges": ((1, "data_format"),),
    "lamina.image.ssim": ((7, "data_format"),),
    "lamina.image.extract_patches_3d": ((4, "padding"), (5, "data_format")),
    **{name: ((3, "norm"),) for name in TABLE if name.startswith("torch.fft.")
       and not name.endswith("shift")},
}
