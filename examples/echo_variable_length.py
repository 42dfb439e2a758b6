"""Variable-length echo with attention (the variant from the tutorial's comments).

A reader of "How to Develop an Encoder-Decoder Model with Attention in Keras" changed the
echo task to variable-length input and reported 100% accuracy with the attention model:
sequences of 2 to 10 symbols drawn from 1..7, padded with 0 (after the sequence) to length
10, one-hot over 8 classes (class 0 is the padding); the target is the LAST non-zero symbol,
then the FIRST one, then zeros. The last symbol sits at a different step in every pair, so
the decoder has to find it by content, which is what attention is for.

The model and the training are the tutorial's (LSTM(150) + AttentionDecoder(150, 8), 5000
pairs, one ``model.fit`` call each, 100 fresh pairs scored, 10 printed); the only line
changed from the tutorial is the import of the layer.

    python examples/echo_variable_length.py    # 5000 fit calls (several minutes)
    python examples/echo_variable_length.py --pairs 750 --eval 1000 --fast --seed 1   # reduced

With no options it does what the tutorial's programs did (unseeded, ``verbose=2``).
"""

import argparse
import random

import numpy as np
from keras.layers import LSTM
from keras.models import Sequential
try:
    from keras.utils import set_random_seed
except ImportError:  # Keras 2.8 exports it only as tf.keras.utils.set_random_seed
    from tensorflow.keras.utils import set_random_seed

from compat_attention import AttentionDecoder  # was: from attention_decoder import AttentionDecoder


def generate_sequence(length, n_unique):
    """Draw a random sequence of real symbols (0 is kept for padding).

    Args:
        length: how many integers.
        n_unique: the number of classes, padding included; the integers lie in ``[1, n_unique)``.

    Returns:
        A list of ``length`` Python ints.
    """
    return [random.randrange(1, n_unique) for _ in range(length)]


def one_hot_encode(sequence, n_unique):
    """One-hot encode a sequence of integers.

    Args:
        sequence: integers in ``[0, n_unique)``.
        n_unique: the number of symbols (the width of each row).

    Returns:
        A float32 array of shape ``(len(sequence), n_unique)``.
    """
    return np.eye(n_unique, dtype="float32")[np.asarray(sequence, dtype=int)]


def one_hot_decode(encoded_seq):
    """Turn one-hot rows (or predicted probabilities) back into integers.

    Args:
        encoded_seq: an array of shape ``(steps, n_unique)``.

    Returns:
        A list of ``steps`` Python ints, the argmax of each row.
    """
    return [int(index) for index in np.argmax(encoded_seq, axis=-1)]


def get_pair(n_in, n_out, cardinality):
    """One random (input, target) pair of the variable-length task, batch axis of 1.

    Args:
        n_in: the padded length of the input (and of the target).
        n_out: the number of meaningful target steps (2: the last symbol, then the first);
            the rest of the target is 0.
        cardinality: the number of classes, padding (0) included.

    Returns:
        ``(X, y)``, two float32 arrays of shape ``(1, n_in, cardinality)``.
    """
    sequence = generate_sequence(random.randint(2, n_in), cardinality)
    sequence_in = sequence + [0] * (n_in - len(sequence))
    echoed = [sequence[-1], sequence[0]][:n_out]
    sequence_out = echoed + [0] * (n_in - len(echoed))
    X = one_hot_encode(sequence_in, cardinality)[np.newaxis]
    y = one_hot_encode(sequence_out, cardinality)[np.newaxis]
    return X, y


def define_model(n_timesteps_in, n_features):
    """The tutorial's model: an LSTM encoder, then the attention decoder.

    Args:
        n_timesteps_in: sequence length.
        n_features: number of symbols (one-hot width).

    Returns:
        The compiled ``Sequential`` model.
    """
    model = Sequential()
    model.add(LSTM(150, input_shape=(n_timesteps_in, n_features), return_sequences=True))
    model.add(AttentionDecoder(150, n_features))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["acc"])
    return model


def train_model(model, n_pairs, n_timesteps_in, n_timesteps_out, n_features, verbose=2, fast=False):
    """Train on ``n_pairs`` fresh random pairs, one update per pair.

    Args:
        model: the compiled model.
        n_pairs: how many pairs (the tutorial: 5000).
        n_timesteps_in, n_timesteps_out, n_features: the problem (see ``get_pair``).
        verbose: Keras' ``fit`` verbosity (the tutorial: 2, one line per pair).
        fast: make the same updates (batch size 1, same pairs in the same order) in a
            single ``fit`` call. Keras 3 spends ~70 ms setting up each ``fit`` call, against
            ~7 ms for the update itself, so the tutorial's loop is ~10x slower there.
    """
    if fast:
        pairs = [get_pair(n_timesteps_in, n_timesteps_out, n_features) for _ in range(n_pairs)]
        X = np.concatenate([x for x, _ in pairs])
        y = np.concatenate([t for _, t in pairs])
        model.fit(X, y, batch_size=1, epochs=1, shuffle=False, verbose=verbose)
        return
    for _ in range(n_pairs):
        X, y = get_pair(n_timesteps_in, n_timesteps_out, n_features)
        model.fit(X, y, epochs=1, verbose=verbose)


def predict_pairs(model, n_pairs, n_timesteps_in, n_timesteps_out, n_features, fast=False):
    """Predict ``n_pairs`` fresh random pairs.

    Args:
        model: the trained model.
        n_pairs: how many pairs.
        n_timesteps_in, n_timesteps_out, n_features: the problem (see ``get_pair``).
        fast: one ``predict`` call for all pairs instead of one call per pair (same numbers).

    Returns:
        A list of ``(expected, predicted)`` pairs of integer lists.
    """
    pairs = [get_pair(n_timesteps_in, n_timesteps_out, n_features) for _ in range(n_pairs)]
    if fast:
        yhats = model.predict(np.concatenate([x for x, _ in pairs]), verbose=0)
    else:
        yhats = [model.predict(x, verbose=0)[0] for x, _ in pairs]
    return [(one_hot_decode(y[0]), one_hot_decode(yhat)) for (_, y), yhat in zip(pairs, yhats)]


def evaluate_model(model, total, n_timesteps_in, n_timesteps_out, n_features, fast=False):
    """Exact-sequence accuracy on ``total`` fresh pairs (every position must be right).

    Returns:
        The share of pairs predicted exactly, a float in [0, 1].
    """
    results = predict_pairs(model, total, n_timesteps_in, n_timesteps_out, n_features, fast)
    return sum(expected == predicted for expected, predicted in results) / float(total)


def parse_args(argv=None):
    """The command line: no options runs the tutorial as written; the rest shrink it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=5000, help="training pairs (tutorial: 5000)")
    parser.add_argument("--eval", type=int, default=100, help="fresh pairs to score (tutorial: 100)")
    parser.add_argument("--verbose", type=int, default=2, help="fit verbosity (tutorial: 2)")
    parser.add_argument("--seed", type=int, default=None, help="seed Python, NumPy and Keras (tutorial: unseeded)")
    parser.add_argument("--fast", action="store_true",
                        help="the same single-pair updates in one fit call, one predict call to score")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the program.

    Args:
        argv: command-line arguments (default ``sys.argv[1:]``).

    Returns:
        ``(model, accuracy)``: the trained model and its exact-sequence accuracy.
    """
    args = parse_args(argv)
    if args.seed is not None:
        set_random_seed(args.seed)
    # configure problem
    n_features = 8
    n_timesteps_in = 10
    n_timesteps_out = 2
    model = define_model(n_timesteps_in, n_features)
    train_model(model, args.pairs, n_timesteps_in, n_timesteps_out, n_features, args.verbose, args.fast)
    accuracy = evaluate_model(model, args.eval, n_timesteps_in, n_timesteps_out, n_features, args.fast)
    print("Accuracy: %.2f%%" % (accuracy * 100.0))
    # spot check some examples
    for expected, predicted in predict_pairs(model, 10, n_timesteps_in, n_timesteps_out, n_features, args.fast):
        print("Expected:", expected, "Predicted", predicted)
    return model, accuracy


if __name__ == "__main__":
    main()
