"""Keras 2.0's text preprocessing (``keras.preprocessing.text``), which Keras 3 removed.

``Tokenizer``, ``text_to_word_sequence``, ``one_hot`` and ``hashing_trick`` with Keras 2.0's
documented behaviour, in plain Python and NumPy; ``tokenizer_from_json`` reads back
``Tokenizer.to_json()``.
"""

import hashlib
import json
from collections import OrderedDict

import numpy as np

__all__ = ["Tokenizer", "hashing_trick", "one_hot", "text_to_word_sequence", "tokenizer_from_json"]

#: Keras 2.0's default ``filters``: punctuation, tab and newline.
DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Split a text into words.

    Lower-cases the text (if ``lower``), replaces every character of ``filters`` by ``split``,
    splits on ``split`` and drops empty pieces.

    Returns:
        A list of words (strings).
    """
    if lower:
        text = text.lower()
    for char in filters:
        text = text.replace(char, split)
    return [word for word in text.split(split) if word]


def _md5(word):
    return int(hashlib.md5(word.encode("utf-8")).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Each word of ``text`` as an index in ``[1, n - 1]``: ``hash_function(word) % (n - 1) + 1``.

    Args:
        hash_function: None for Python's ``hash`` (randomised per process unless
            ``PYTHONHASHSEED`` is set), ``'md5'`` for a stable hash, or a function of a string.

    Returns:
        A list of ints; different words may share an index.
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5
    if n < 2:
        raise ValueError("hashing_trick needs n >= 2 (indexes 1 to n - 1), got %r." % (n,))
    words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(text, n, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """``hashing_trick(text, n)`` with Python's ``hash``: word indexes in ``[1, n - 1]``
    (not a one-hot matrix, despite the name)."""
    return hashing_trick(text, n, hash_function=hash, filters=filters, lower=lower, split=split)


class Tokenizer:
    """Turns texts into sequences of word indexes or into bag-of-words matrices.

    ``fit_on_texts`` counts the words; ``word_index`` numbers them from 1 by decreasing count,
    equal counts in the order first seen (0 is never a word: it is the padding value).
    ``num_words`` keeps, when converting, only the indexes below ``num_words`` (so the
    ``num_words - 1`` most frequent words), as in Keras 2.0.

    Args:
        num_words: None (all words) or the bound on word indexes used when converting.
        filters: characters removed from the texts (replaced by ``split``).
        lower: lower-case the texts.
        split: the word separator.
        char_level: every character is a token (taken as is: Keras 2.0.8 neither lower-cased
            nor filtered in this mode).
        oov_token: if given, a token that takes index 1 and replaces, when converting, words
            not in ``word_index`` or not kept by ``num_words`` (Keras 2.0.8 had no ``oov_token``;
            this follows the later Keras 2 releases).

    Attributes:
        word_counts: ``OrderedDict`` word -> number of occurrences, in first-seen order.
        word_docs: dict word -> number of texts containing it.
        word_index: dict word -> index; ``index_word`` the reverse.
        index_docs: dict index -> number of texts containing that word.
        document_count: the number of texts fitted on.
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None, **kwargs):
        if "nb_words" in kwargs:  # Keras 1's name
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: %s" % sorted(kwargs))
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.word_counts = OrderedDict()
        self.word_docs = {}
        self.word_index = {}
        self.index_docs = {}
        self.document_count = 0

    @property
    def index_word(self):
        """dict index -> word, the reverse of ``word_index``."""
        return {index: word for word, index in self.word_index.items()}

    def _tokens(self, text):
        if self.char_level or isinstance(text, (list, tuple)):
            return list(text)
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower, split=self.split)

    def fit_on_texts(self, texts):
        """Count the words of ``texts`` (a list of strings, or of token lists) and rebuild
        ``word_index``. Calling it again adds to the counts."""
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for word in tokens:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in set(tokens):
                self.word_docs[word] = self.word_docs.get(word, 0) + 1
        # sorted() is stable: equal counts keep their first-seen order.
        ranked = sorted(self.word_counts, key=lambda word: -self.word_counts[word])
        if self.oov_token is not None:
            ranked = [self.oov_token] + [word for word in ranked if word != self.oov_token]
        self.word_index = {word: position + 1 for position, word in enumerate(ranked)}
        self.index_docs = {self.word_index[word]: count for word, count in self.word_docs.items()}

    def fit_on_sequences(self, sequences):
        """Count, for ``sequences_to_matrix(mode='tfidf')``, the documents containing each index."""
        for seq in sequences:
            self.document_count += 1
            for index in set(seq):
                self.index_docs[index] = self.index_docs.get(index, 0) + 1

    def texts_to_sequences_generator(self, texts):
        """Yield, for each text, the list of its words' indexes (see ``texts_to_sequences``)."""
        oov_index = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for text in texts:
            sequence = []
            for word in self._tokens(text):
                index = self.word_index.get(word)
                if index is None or (self.num_words and index >= self.num_words):
                    if oov_index is not None:
                        sequence.append(oov_index)
                    continue
                sequence.append(index)
            yield sequence

    def texts_to_sequences(self, texts):
        """Each text as the list of its words' indexes; unknown words and indexes not below
        ``num_words`` are dropped (or become the ``oov_token``'s index)."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts_generator(self, sequences):
        """Yield, for each sequence of indexes, its words joined by a space."""
        index_word = self.index_word
        oov_word = self.oov_token
        for seq in sequences:
            words = []
            for index in seq:
                word = index_word.get(index)
                if word is None or (self.num_words and index >= self.num_words):
                    if oov_word is not None:
                        words.append(oov_word)
                    continue
                words.append(word)
            yield " ".join(words)

    def sequences_to_texts(self, sequences):
        """The reverse of ``texts_to_sequences``: each sequence as its words joined by a space
        (indexes that are no word, or not below ``num_words``, dropped or shown as ``oov_token``)."""
        return list(self.sequences_to_texts_generator(sequences))

    def texts_to_matrix(self, texts, mode="binary"):
        """``sequences_to_matrix(texts_to_sequences(texts), mode)``."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A (len(sequences), num_words) float64 matrix, one row per sequence, column j for index j.

        Modes: ``'binary'`` (1 if present), ``'count'`` (occurrences), ``'freq'`` (occurrences /
        length of the sequence), ``'tfidf'`` (``(1 + log(count)) * log(1 + document_count /
        (1 + documents containing j))``). Without ``num_words`` the width is
        ``len(word_index) + 1``; indexes not below the width are ignored. Column 0 stays 0.
        """
        if mode not in ("binary", "count", "freq", "tfidf"):
            raise ValueError("Unknown vectorization mode: %r (use binary, count, freq or tfidf)." % (mode,))
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (num_words argument), or fit on some text data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        matrix = np.zeros((len(sequences), width))
        for row, seq in enumerate(sequences):
            if not len(seq):
                continue
            counts = {}
            for index in seq:
                if index >= width:
                    continue
                counts[index] = counts.get(index, 0) + 1
            for index, count in counts.items():
                if mode == "count":
                    matrix[row, index] = count
                elif mode == "freq":
                    matrix[row, index] = count / len(seq)
                elif mode == "binary":
                    matrix[row, index] = 1
                else:
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(index, 0)))
                    matrix[row, index] = (1 + np.log(count)) * idf
        return matrix

    def get_config(self):
        """The settings and the fitted vocabulary, as a dict of JSON-ready values."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """The tokenizer as a JSON string (``json.dumps`` keyword arguments allowed); read it
        back with ``tokenizer_from_json``."""
        return json.dumps({"class_name": "Tokenizer", "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """A ``Tokenizer`` from ``Tokenizer.to_json()``'s string, with its fitted vocabulary."""
    data = json.loads(json_string)
    config = dict(data.get("config", data))
    word_counts = json.loads(config.pop("word_counts"), object_pairs_hook=OrderedDict)
    word_docs = json.loads(config.pop("word_docs"))
    index_docs = {int(k): v for k, v in json.loads(config.pop("index_docs")).items()}
    config.pop("index_word", None)
    word_index = json.loads(config.pop("word_index"))
    document_count = config.pop("document_count")
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = word_docs
    tokenizer.index_docs = index_docs
    tokenizer.word_index = word_index
    tokenizer.document_count = document_count
    return tokenizer
