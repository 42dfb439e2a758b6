"""Keras 2.0's ``keras.preprocessing.sequence.pad_sequences``, in NumPy."""

import numpy as np

__all__ = ["pad_sequences"]


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (or cut) each sequence to the same length ``maxlen``.

    Args:
        sequences: a list of sequences (lists or arrays; items may be arrays of equal shape).
        maxlen: the output length; None means the longest sequence's length.
        dtype: the output dtype (``value`` and the items are converted to it, so 0.5 in an
            int32 output becomes 0).
        padding: ``'pre'`` (pad at the start, the default) or ``'post'``.
        truncating: ``'pre'`` (drop the start of a too-long sequence, the default) or ``'post'``.
        value: the padding value.

    Returns:
        A NumPy array of shape ``(len(sequences), maxlen) + item_shape``.

    Raises:
        ValueError: ``sequences`` is not a list of sequences, ``padding``/``truncating`` is not
            ``'pre'``/``'post'``, or the items of the sequences have different shapes.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("pad_sequences expects a list of sequences, got %r." % type(sequences).__name__)
    if padding not in ("pre", "post"):
        raise ValueError('Padding type "%s" not understood: use "pre" or "post".' % (padding,))
    if truncating not in ("pre", "post"):
        raise ValueError('Truncating type "%s" not understood: use "pre" or "post".' % (truncating,))
    lengths = []
    for position, seq in enumerate(sequences):
        if not hasattr(seq, "__len__"):
            raise ValueError("pad_sequences: sequence %d is not a sequence (%r)." % (position, seq))
        lengths.append(len(seq))
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    item_shape = ()
    for seq in sequences:
        if len(seq):
            item_shape = np.asarray(seq).shape[1:]
            break
    out = np.full((len(sequences), maxlen) + item_shape, value, dtype=dtype)
    if maxlen == 0:
        return out
    for row, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = np.asarray(seq[-maxlen:] if truncating == "pre" else seq[:maxlen], dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError("pad_sequences: sequence %d has items of shape %r, sequence items before it %r."
                             % (row, kept.shape[1:], item_shape))
        if padding == "pre":
            out[row, maxlen - len(kept):] = kept
        else:
            out[row, :len(kept)] = kept
    return out
