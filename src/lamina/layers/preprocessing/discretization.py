"""Discretization: bucket continuous values by boundaries, given or learned as quantiles."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import categorical
from lamina.layers.preprocessing.adapt_data import is_single_array, iter_batches, to_numpy

_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(Layer):
    """Map each value to the index of its bin: ``i`` such that ``b[i-1] <= x < b[i]``.

    Give ``bin_boundaries``, or ``num_bins`` and ``adapt(data)``: the boundaries are then
    approximate quantiles, computed as Keras computes them (a weighted summary of the sorted
    values, compressed to ``1/epsilon`` points, then interpolated at ``1/num_bins`` steps).

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> lamina.ops.convert_to_numpy(layer(np.array([[-1.5, 1.0, 3.4, 0.5]]))).tolist()
    [[0, 2, 3, 1]]
    """

    def __init__(self, bin_boundaries=None, num_bins: int | None = None, epsilon: float = 0.01,
                 output_mode: str = "int", sparse: bool = False, dtype=None,
                 name: str | None = None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse:
            raise ValueError("Discretization: `sparse=True` is not supported (dense outputs "
                             "only); use sparse=False.")
        self.output_mode = categorical.check_mode(output_mode, "Discretization", _MODES)
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Discretization: `num_bins` must be >= 0. Received: "
                             f"num_bins={num_bins}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Discretization: set `num_bins` or `bin_boundaries`, not both. "
                             f"Received num_bins={num_bins} and bin_boundaries={bin_boundaries}")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("Discretization: you need to set either `num_bins` or "
                             "`bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.sparse = False
        self.summary = None if self.bin_boundaries else _empty_summary()

    @property
    def output_dtype(self) -> str:
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def adapt(self, data, steps: int | None = None) -> None:
        """Learn ``num_bins`` bins of about equal counts from ``data`` (array or batches)."""
        if self.num_bins is None:
            raise ValueError("Discretization: cannot adapt a layer initialized with "
                             "`bin_boundaries`; use `num_bins` instead.")
        self.reset_state()
        if isinstance(data, np.ndarray) or (is_single_array(data) and not isinstance(data, list)):
            self.update_state(to_numpy(data))
        else:
            for batch in iter_batches(data, steps, "Discretization"):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data) -> None:
        values = np.asarray(to_numpy(data), dtype="float32")
        self.summary = _merge(_summarize(values, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self) -> None:
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        if self.num_bins is not None:
            self.summary = _empty_summary()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("Discretization: pass `bin_boundaries` or call `adapt(data)` "
                             "before using the layer.")
        x = ops.convert_to_tensor(inputs)
        bins = ops.convert_to_tensor(np.asarray(self.bin_boundaries, dtype=np.float32))
        if not ops.dtype(x).startswith("float"):
            x = ops.cast(x, "float32")
        indices = ops.digitize(x, bins)
        return categorical.encode_tensor(indices, self.output_mode, len(self.bin_boundaries) + 1,
                                         self.output_dtype)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None \
            else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def _output_spec(self, args, kwargs):
        out = super()._output_spec(args, kwargs)
        out.dtype = self.output_dtype
        return out

    def get_config(self):
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": False,
            "name": self.name,
            "dtype": self.dtype_policy,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")  # an adapted layer: keep what it learned
            layer = cls(**config)
            layer.bin_boundaries = list(boundaries)
            return layer
        return cls(**config)

    def load_own_variables(self, store):
        if len(store) == 1:  # Keras files may hold the adapt summary
            self.summary = store["0"]


def _empty_summary():
    return np.zeros((2, 0), dtype="float32")


def _summarize(values, epsilon):
    """Every ``step``-th sorted value (about ``1/epsilon`` of them), each weighing ``step``."""
    ordered = np.sort(values.reshape(-1))
    step = max(ordered.size / (1.0 / epsilon), 1)  # Keras' expression: same rounding
    picks = ordered[int(step - 1)::int(step)]
    return np.stack([picks, np.full_like(picks, step)])


def _merge(a, b, epsilon):
    both = np.concatenate((a, b), axis=1)
    both = both[:, np.argsort(both[0])]
    return _compress(both, epsilon)


def _compress(summary, epsilon):
    """Resample a (value, weight) summary at cumulative-weight fractions epsilon, 2*epsilon..."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    cum_fraction = cum / cum[-1]
    values = np.interp(fractions, cum_fraction, summary[0])
    new_cum = np.interp(fractions, cum_fraction, cum)
    weights = new_cum - np.concatenate(([0.0], new_cum[:-1]))
    return np.stack((values, weights)).astype("float32")
