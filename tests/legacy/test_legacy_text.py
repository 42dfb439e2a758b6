"""Tokenizer and friends on hand-made texts; expected indexes worked out by hand in comments."""

import hashlib

import numpy as np
import pytest

from compat_attention._keras.flavour import KERAS_3, keras
from compat_attention.legacy.text import (DEFAULT_FILTERS, Tokenizer, hashing_trick, one_hot,
                                          text_to_word_sequence, tokenizer_from_json)

TEXTS = [
    "The cat sat on the mat.",   # the x2, cat, sat, on, mat
    "The dog ate the cat!",      # the x2, dog, ate, cat
    "A dog, a cat; a MAT?",      # a x3, dog, cat, mat
]
# Counts: the 4, cat 3, a 3, mat 2, dog 2, sat 1, on 1, ate 1.
# By count, ties in first-seen order (the, cat, sat, on, mat, dog, ate, a):
#   the=1, cat=2, a=3, mat=4, dog=5, sat=6, on=7, ate=8.
EXPECTED_INDEX = {"the": 1, "cat": 2, "a": 3, "mat": 4, "dog": 5, "sat": 6, "on": 7, "ate": 8}


def fitted(**kwargs):
    tokenizer = Tokenizer(**kwargs)
    tokenizer.fit_on_texts(TEXTS)
    return tokenizer


def test_text_to_word_sequence():
    assert DEFAULT_FILTERS == '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
    assert text_to_word_sequence("Hello, World!\tIt's  me.") == ["hello", "world", "it's", "me"]
    assert text_to_word_sequence("Hello, World!", lower=False) == ["Hello", "World"]
    assert text_to_word_sequence("a-b,c", filters="-", split=",") == ["a", "b", "c"]


def test_word_index_counts_and_docs():
    tokenizer = fitted()
    assert tokenizer.word_index == EXPECTED_INDEX
    assert tokenizer.index_word == {v: k for k, v in EXPECTED_INDEX.items()}
    assert list(tokenizer.word_counts.items()) == [("the", 4), ("cat", 3), ("sat", 1), ("on", 1), ("mat", 2),
                                                   ("dog", 2), ("ate", 1), ("a", 3)]
    assert tokenizer.word_docs == {"the": 2, "cat": 3, "sat": 1, "on": 1, "mat": 2, "dog": 2, "ate": 1, "a": 1}
    assert tokenizer.index_docs[2] == 3 and tokenizer.index_docs[3] == 1
    assert tokenizer.document_count == 3


def test_texts_to_sequences_and_num_words():
    tokenizer = fitted()
    assert tokenizer.texts_to_sequences(["the cat ate a fish"]) == [[1, 2, 8, 3]]  # fish unknown: dropped
    # num_words=4 keeps indexes below 4: the, cat, a.
    limited = fitted(num_words=4)
    assert limited.texts_to_sequences(TEXTS) == [[1, 2, 1], [1, 1, 2], [3, 3, 2, 3]]
    assert list(limited.texts_to_sequences_generator(["mat a"])) == [[3]]
    assert limited.sequences_to_texts([[1, 2, 6, 3]]) == ["the cat a"]
    assert tokenizer.sequences_to_texts([[1, 2, 6, 3, 99]]) == ["the cat sat a"]


def test_oov_token_takes_index_one():
    tokenizer = fitted(oov_token="<unk>", num_words=4)
    assert tokenizer.word_index["<unk>"] == 1
    assert tokenizer.word_index["the"] == 2 and tokenizer.word_index["cat"] == 3 and tokenizer.word_index["a"] == 4
    # "fish" unknown, "a" (4) not below num_words: both become <unk>.
    assert tokenizer.texts_to_sequences(["the fish a cat"]) == [[2, 1, 1, 3]]
    assert tokenizer.sequences_to_texts([[2, 1, 7]]) == ["the <unk> <unk>"]


def test_char_level():
    tokenizer = Tokenizer(char_level=True)
    tokenizer.fit_on_texts(["abca", "Bb"])
    # a 2, b 2, c 1, B 1 (Keras 2.0.8 did not lower-case characters): a=1, b=2, c=3, B=4.
    assert tokenizer.word_index == {"a": 1, "b": 2, "c": 3, "B": 4}
    assert tokenizer.texts_to_sequences(["cab!"]) == [[3, 1, 2]]


def test_texts_to_matrix_modes():
    tokenizer = fitted()
    text = ["the cat the dog zebra"]  # the=1 x2, cat=2, dog=5; zebra unknown
    width = len(EXPECTED_INDEX) + 1
    binary = tokenizer.texts_to_matrix(text, mode="binary")
    assert binary.shape == (1, width) and binary.dtype == np.float64
    assert binary[0].tolist() == [0, 1, 1, 0, 0, 1, 0, 0, 0]
    assert tokenizer.texts_to_matrix(text, mode="count")[0].tolist() == [0, 2, 1, 0, 0, 1, 0, 0, 0]
    freq = tokenizer.texts_to_matrix(text, mode="freq")[0]  # divided by the 4 known words
    np.testing.assert_allclose(freq, [0, 0.5, 0.25, 0, 0, 0.25, 0, 0, 0])
    tfidf = tokenizer.texts_to_matrix(text, mode="tfidf")[0]
    # the: in 2 of 3 docs, count 2; cat: 3 docs, count 1; dog: 2 docs, count 1.
    expected = np.zeros(width)
    expected[1] = (1 + np.log(2)) * np.log(1 + 3 / 3)
    expected[2] = 1 * np.log(1 + 3 / 4)
    expected[5] = 1 * np.log(1 + 3 / 3)
    np.testing.assert_allclose(tfidf, expected, rtol=1e-12)
    limited = fitted(num_words=3).sequences_to_matrix([[1, 2, 5, 5]], mode="count")
    assert limited.tolist() == [[0, 1, 1]]
    with pytest.raises(ValueError, match="mode"):
        tokenizer.texts_to_matrix(text, mode="bogus")
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().sequences_to_matrix([[1]])


def test_json_round_trip():
    tokenizer = fitted(num_words=5, oov_token="<unk>")
    restored = tokenizer_from_json(tokenizer.to_json())
    assert restored.word_index == tokenizer.word_index
    assert list(restored.word_counts.items()) == list(tokenizer.word_counts.items())
    assert restored.index_docs == tokenizer.index_docs and restored.document_count == 3
    assert restored.num_words == 5 and restored.oov_token == "<unk>"
    assert restored.texts_to_sequences(TEXTS) == tokenizer.texts_to_sequences(TEXTS)
    np.testing.assert_array_equal(restored.texts_to_matrix(TEXTS, "tfidf"), tokenizer.texts_to_matrix(TEXTS, "tfidf"))


def test_hashing():
    words = text_to_word_sequence("The cat, the dog")
    expected = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 9 + 1 for w in words]
    assert hashing_trick("The cat, the dog", 10, hash_function="md5") == expected
    hashed = one_hot("The cat, the dog", 10)
    assert len(hashed) == 4 and all(1 <= i <= 9 for i in hashed) and hashed[0] == hashed[2]
    assert hashed == [hash(w) % 9 + 1 for w in words]


@pytest.mark.skipif(KERAS_3, reason="Keras 3 has no Tokenizer to compare with")
def test_same_as_tf_keras_tokenizer():
    theirs = keras.preprocessing.text.Tokenizer(num_words=6)
    theirs.fit_on_texts(TEXTS)
    ours = fitted(num_words=6)
    assert ours.word_index == theirs.word_index
    assert ours.texts_to_sequences(TEXTS + ["zebra the"]) == theirs.texts_to_sequences(TEXTS + ["zebra the"])
    for mode in ("binary", "count", "freq", "tfidf"):
        np.testing.assert_allclose(ours.texts_to_matrix(TEXTS, mode), theirs.texts_to_matrix(TEXTS, mode))
