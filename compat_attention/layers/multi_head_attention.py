"""tf.keras 2.4-2.9's ``MultiHeadAttention``, which computed without the Keras masks of its inputs.

tf.keras 2.4-2.9's ``MultiHeadAttention.call(query, value, key=None, attention_mask=None, ...)``
used only the ``attention_mask`` it was given: the masks an ``Embedding(mask_zero=True)`` or a
``Masking`` layer attached to its inputs were ignored, and its output carried none. tf.keras 2.10
and Keras 3 derive an attention mask from those input masks, so a file of 2.4-2.9 whose attention
reads masked inputs would compute other numbers there. ``LegacyMultiHeadAttention`` is today's
layer (same weights, same math) given its inputs without their masks. The loader
(``io/sources/tf_keras2.py``) puts it where such a file names ``MultiHeadAttention``.
"""

from .._keras.flavour import keras, register_serializable
from .._keras.internals import without_keras_mask

__all__ = ["LegacyMultiHeadAttention"]


@register_serializable(name="LegacyMultiHeadAttention")
class LegacyMultiHeadAttention(keras.layers.MultiHeadAttention):
    """``MultiHeadAttention`` as tf.keras 2.4-2.9 computed it: the inputs' Keras masks ignored, none on
    the output (an explicit ``attention_mask`` and ``use_causal_mask`` still apply)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = False

    def call(self, query, value, key=None, attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        query, value = without_keras_mask(query), without_keras_mask(value)
        key = None if key is None else without_keras_mask(key)
        causal = {"use_causal_mask": True} if use_causal_mask else {}  # tf.keras < 2.10 has no such argument
        return super().call(query, value, key=key, attention_mask=attention_mask,
                            return_attention_scores=return_attention_scores, training=training, **causal)

    def compute_mask(self, *args, **kwargs):
        return None
