from lamina.layers.core.activation import Activation
from lamina.layers.core.dense import Dense
from lamina.layers.core.identity import Identity
from lamina.layers.core.lambda_layer import Lambda

__all__ = ["Activation", "Dense", "Identity", "Lambda"]

from lamina.layers.core.embedding import Embedding  # noqa: E402
from lamina.layers.core.masking import Masking  # noqa: E402
from lamina.layers.core.op_layer import OpLayer  # noqa: E402

__all__ += ["Embedding", "Masking", "OpLayer"]

from lamina.layers.core.einsum_dense import EinsumDense  # noqa: E402

__all__ += ["EinsumDense"]

from lamina.layers.core.reversible_embedding import ReversibleEmbedding  # noqa: E402

__all__ += ["ReversibleEmbedding"]

from lamina.layers.core.wrapper import Wrapper  # noqa: E402

__all__ += ["Wrapper"]

from lamina.layers.core.torch_module_wrapper import TorchModuleWrapper  # noqa: E402

__all__ += ["TorchModuleWrapper"]

from lamina.layers.core.engine_only import FlaxLayer, JaxLayer, TFSMLayer  # noqa: E402

__all__ += ["FlaxLayer", "JaxLayer", "TFSMLayer"]
