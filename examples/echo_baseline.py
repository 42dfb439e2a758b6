"""Echo task, encoder-decoder WITHOUT attention (the 2017 tutorial's baseline program).

The tutorial "How to Develop an Encoder-Decoder Model with Attention in Keras" first solved
its echo task (input: 5 random integers over 50 symbols, one-hot; target: the first 2 of
them, then zeros) with a plain encoder-decoder: an LSTM encodes the sequence into one vector,
``RepeatVector`` hands it to every output step, a second LSTM and a ``TimeDistributed``
softmax decode. 5000 random pairs, one ``model.fit`` call per pair; 100 fresh pairs scored
(a pair counts only when all 5 positions are right); 10 of them printed.

This program uses only stock Keras layers and needed no change at all on modern Keras.

    python examples/echo_baseline.py           # the tutorial: 5000 fit calls (several minutes)
    python examples/echo_baseline.py --pairs 1000 --eval 1000 --fast --seed 1   # reduced

With no options it does exactly what the tutorial did (unseeded, ``verbose=2``).
"""

import argparse
import random

import numpy as np
from keras.layers import LSTM, Dense, RepeatVector, TimeDistributed
from keras.models import Sequential
try:
    from keras.utils import set_random_seed
except ImportError:  # Keras 2.8 exports it only as tf.keras.utils.set_random_seed
    from tensorflow.keras.utils import set_random_seed


def generate_sequence(length, n_unique):
    """Draw a random sequence.

    Args:
        length: how many integers.
        n_unique: the number of symbols; the integers lie in ``[0, n_unique)``.

    Returns:
        A list of ``length`` Python ints.
    """
    return [random.randrange(n_unique) for _ in range(length)]


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
    """One random (input, target) pair of the echo task, each with a batch axis of 1.

    Args:
        n_in: length of the input (and of the target).
        n_out: how many leading integers the target echoes; the rest of it is 0.
        cardinality: the number of symbols.

    Returns:
        ``(X, y)``, two float32 arrays of shape ``(1, n_in, cardinality)``.
    """
    sequence_in = generate_sequence(n_in, cardinality)
    sequence_out = sequence_in[:n_out] + [0] * (n_in - n_out)
    X = one_hot_encode(sequence_in, cardinality)[np.newaxis]
    y = one_hot_encode(sequence_out, cardinality)[np.newaxis]
    return X, y


def define_model(n_timesteps_in, n_features):
    """The tutorial's baseline: encoder LSTM, RepeatVector, decoder LSTM, softmax per step.

    Args:
        n_timesteps_in: sequence length.
        n_features: number of symbols (one-hot width).

    Returns:
        The compiled ``Sequential`` model.
    """
    model = Sequential()
    model.add(LSTM(150, input_shape=(n_timesteps_in, n_features)))
    model.add(RepeatVector(n_timesteps_in))
    model.add(LSTM(150, return_sequences=True))
    model.add(TimeDistributed(Dense(n_features, activation="softmax")))
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
    n_features = 50
    n_timesteps_in = 5
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
