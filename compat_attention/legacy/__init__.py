"""Keras 2.0.x functions that Keras 3 removed, for programs migrated by ``compat-attention migrate``.

* ``backend``: the ``keras.backend`` functions (``from compat_attention.legacy import backend as K``);
* ``text``: ``Tokenizer``, ``text_to_word_sequence``, ``one_hot``, ``hashing_trick``;
* ``sequence``: ``pad_sequences``;
* ``utils``: ``to_categorical`` (Keras 2.0.8's), ``normalize``;
* ``models``: ``predict_classes``, ``predict_proba``;
* ``optimizers``: Keras 2.0.8's ``SGD``, ``RMSprop``, ``Adagrad``, ``Adadelta``, ``Adam``, ``Adamax``,
  ``Nadam`` (its defaults and update formulas), and ``legacy_decay`` (``decay`` as a schedule).

Modules of this package import each other by their full module names, never from here.
"""

from compat_attention.legacy.models import predict_classes, predict_proba
from compat_attention.legacy.optimizers import legacy_decay
from compat_attention.legacy.sequence import pad_sequences
from compat_attention.legacy.text import Tokenizer, hashing_trick, one_hot, text_to_word_sequence, tokenizer_from_json
from compat_attention.legacy.utils import normalize, to_categorical

__all__ = [
    "Tokenizer",
    "hashing_trick",
    "legacy_decay",
    "normalize",
    "one_hot",
    "pad_sequences",
    "predict_classes",
    "predict_proba",
    "text_to_word_sequence",
    "to_categorical",
    "tokenizer_from_json",
]
