"""A picture of the attention: which encoder steps each decoded step looked at."""

import numpy as np

from . import errors
from ._keras.flavour import keras
from ._keras.internals import node_call_arguments
from ._keras.ops import ops
from .decoder.layer import AttentionDecoder
from .objects import all_layers


def attention_model(model, layer=None):
    """A model that maps ``model``'s inputs to the attention of one of its decoders.

    A decoder that already has ``return_attention=True`` is read as it is;
    otherwise a copy of it with ``return_attention=True`` and the same weights
    is called on the same inputs (encoder sequence, mask, ``initial_state``).

    Args:
        model: a built Keras model holding an ``AttentionDecoder``.
        layer: the decoder's name, or the layer itself; default the only one.

    Returns:
        A ``keras.Model`` giving the attention, (B, N, T).

    Raises:
        UsageError: (a ``ValueError``) no decoder, several decoders and no
            ``layer``, or a decoder whose inputs cannot be reused.
    """
    decoder = _find_decoder(model, layer)
    if decoder.return_attention:
        return keras.Model(model.inputs, decoder.output[1])
    args, kwargs = node_call_arguments(decoder)
    if "targets" in kwargs:
        raise errors.UsageError(
            "AttentionDecoder %r reads teacher-forcing targets; build it with return_attention=True "
            "to read its attention." % decoder.name)
    kwargs = {k: v for k, v in kwargs.items() if k in ("initial_state", "mask") and v is not None}
    config = dict(decoder.get_config(), return_attention=True, return_probabilities=False,
                  name=decoder.name + "_attention")
    probe = AttentionDecoder.from_config(config)
    _, attention = probe(args[0], **kwargs)
    probe.set_weights(decoder.get_weights())
    return keras.Model(model.inputs, attention)


def _find_decoder(model, layer):
    if isinstance(layer, AttentionDecoder):
        return layer
    decoders = [l for l in all_layers(model) if isinstance(l, AttentionDecoder)]
    if layer is not None:
        decoders = [l for l in decoders if l.name == layer]
    if len(decoders) != 1:
        names = [l.name for l in all_layers(model) if isinstance(l, AttentionDecoder)]
        raise errors.UsageError(
            "expected one AttentionDecoder%s in the model, found %s; pass layer=<name>."
            % (" named %r" % layer if layer else "", names or "none"))
    return decoders[0]


def plot_attention(attention, input_labels=None, output_labels=None, path=None, title=None):
    """Draw an attention matrix as a heatmap, one row per decoded step.

    Args:
        attention: (N, T) weights for one example (or (1, N, T)); rows are
            decoded steps, columns encoder steps.
        input_labels: optional T labels for the encoder steps (x axis).
        output_labels: optional N labels for the decoded steps (y axis).
        path: if given, write the figure there (PNG by suffix).
        title: optional title.

    Returns:
        The matplotlib ``Figure``.

    Raises:
        ImportError: matplotlib is not installed (with the install command).
        UsageError: (a ``ValueError``) the matrix or the labels have the wrong shape.

    Example:

    >>> import numpy as np
    >>> from compat_attention import plot_attention
    >>> weights = np.full((3, 6), 1 / 6)           # 3 decoded steps, each over 6 encoder steps
    >>> figure = plot_attention(weights, input_labels=list("abcdef"), output_labels=list("cba"))
    >>> figure.axes[0].get_xlabel()
    'encoder step (input)'
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plot_attention needs matplotlib: pip install matplotlib "
                          "(from a clone of compat_attention: pip install '.[plot]')")
    weights = np.asarray(ops.convert_to_numpy(attention) if not isinstance(attention, np.ndarray) else attention,
                         dtype=float)
    if weights.ndim == 3 and weights.shape[0] == 1:
        weights = weights[0]
    if weights.ndim != 2:
        raise errors.UsageError("plot_attention takes one example's (N, T) attention; got shape %s." % (weights.shape,))
    rows, cols = weights.shape
    for labels, size, what in ((input_labels, cols, "input_labels (encoder steps)"),
                               (output_labels, rows, "output_labels (decoded steps)")):
        if labels is not None and len(labels) != size:
            raise errors.UsageError("%s: %d labels for %d steps." % (what, len(labels), size))
    fig = Figure(figsize=(1.2 + 0.45 * max(cols, 4), 1.0 + 0.4 * max(rows, 4)))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(weights, cmap="viridis", vmin=0.0, vmax=max(float(weights.max()), 1e-12), aspect="auto")
    fig.colorbar(image, ax=ax, label="attention weight")
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.set_xticklabels([str(l) for l in input_labels] if input_labels is not None else range(cols),
                       rotation=90 if input_labels is not None else 0)
    ax.set_yticklabels([str(l) for l in output_labels] if output_labels is not None else range(rows))
    ax.set_xlabel("encoder step (input)")
    ax.set_ylabel("decoded step (output)")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def read_inputs(path, key=None):
    """Load model inputs from ``.npy`` or ``.npz`` (array ``key``, default ``x`` or the only one).

    Raises:
        LegacyFileError: one line naming the file, the problem and the fix.
    """
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise errors.LegacyFileError(path, "is not a NumPy .npy/.npz file (%s)" % errors.first_line(exc),
                                     "save the inputs with numpy.save or numpy.savez")
    if isinstance(data, np.ndarray):
        return data
    with data:
        names = list(data.files)
        name = key or ("x" if "x" in names else (names[0] if len(names) == 1 else None))
        if name not in names:
            raise errors.LegacyFileError(path, "holds arrays %s and none was chosen" % names,
                                         "pass --key NAME")
        return data[name]
