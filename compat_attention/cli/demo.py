"""The tutorial's attention-vs-baseline comparison, reproduced with compat_attention.

The tutorial that copied the legacy layer trains two models on an echo task: random
sequences of 5 integers over 50 symbols, one-hot encoded; the target is the first 2
integers, then zeros. Each model sees 5000 random pairs, one update per pair, and is
judged by exact-sequence accuracy on 100 fresh pairs; the mean over 10 repeats was
23.10% without attention and 95.70% with it.

``run_demo`` does the same on the installed Keras: the 5000 updates are fed as 50
epochs of 100 fresh pairs (batch size 1, every pair new), so Keras reports a loss per
epoch, which ``plot_losses`` draws.
"""

import time

import numpy as np

from .._keras.flavour import describe, keras
from ..decoder.layer import AttentionDecoder

TUTORIAL = {"baseline": 0.2310, "attention": 0.9570}


def echo_pairs(n, rng, length=5, symbols=50, echoed=2):
    """``n`` one-hot pairs: X = random symbols, y = the first ``echoed`` of them, then zeros."""
    ints = rng.randint(0, symbols, size=(n, length))
    target = np.zeros_like(ints)
    target[:, :echoed] = ints[:, :echoed]
    eye = np.eye(symbols, dtype="float32")
    return eye[ints], eye[target]


def echo_baseline_model(length=5, symbols=50, units=150):
    """The tutorial's encoder-decoder without attention."""
    layers = keras.layers
    model = keras.Sequential([
        layers.Input((length, symbols)),
        layers.LSTM(units),
        layers.RepeatVector(length),
        layers.LSTM(units, return_sequences=True),
        layers.TimeDistributed(layers.Dense(symbols, activation="softmax")),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["acc"])
    return model


def echo_attention_model(length=5, symbols=50, units=150):
    """The tutorial's encoder-decoder with the (legacy) AttentionDecoder."""
    model = keras.Sequential([
        keras.layers.Input((length, symbols)),
        keras.layers.LSTM(units, return_sequences=True),
        AttentionDecoder(units, symbols),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["acc"])
    return model


def exact_sequence_accuracy(model, x, y):
    """Share of sequences whose every position's argmax equals the target's."""
    predicted = model.predict(x, verbose=0).argmax(-1)
    return float((predicted == y.argmax(-1)).all(axis=1).mean())


def _pair_stream(rng, length, symbols):
    while True:
        yield echo_pairs(1, rng, length, symbols)


def train_and_score(make_model, rng, pairs=5000, epochs=50, eval_pairs=100, length=5, symbols=50,
                    verbose=2):
    """Train one fresh model on ``pairs`` random pairs (one update each); score it.

    Returns:
        ``(accuracy on eval_pairs fresh pairs, per-epoch losses)``.
    """
    keras.backend.clear_session()  # a fresh model each repeat; no stale graphs or traces
    model = make_model(length, symbols)
    history = model.fit(_pair_stream(rng, length, symbols), steps_per_epoch=max(1, pairs // epochs),
                        epochs=epochs, verbose=verbose, shuffle=False)
    x, y = echo_pairs(eval_pairs, rng, length, symbols)
    return exact_sequence_accuracy(model, x, y), [float(v) for v in history.history["loss"]]


def run_demo(repeats=2, pairs=5000, epochs=50, seed=0, verbose=2, report=print):
    """Train both tutorial models ``repeats`` times; report accuracies and means.

    Args:
        repeats: fresh models trained per kind.
        pairs: random training pairs per model (one update each).
        epochs: how many epochs the pairs are fed in (one loss value per epoch).
        seed: seeds NumPy's pairs and Keras' initial weights.
        verbose: Keras' ``fit`` verbosity (0: quiet; 2: one line per epoch).
        report: called with each line of the report (one per repeat, then the table).

    Returns:
        dict with ``accuracy`` (model -> list per repeat), ``mean``, ``losses``
        (model -> list per repeat of per-epoch losses), ``seconds``, ``keras``.
    """
    rng = np.random.RandomState(seed)
    keras.utils.set_random_seed(seed)
    result = {"accuracy": {"baseline": [], "attention": []}, "losses": {"baseline": [], "attention": []},
              "keras": describe(), "pairs": pairs, "repeats": repeats}
    start = time.time()
    for repeat in range(repeats):
        for name, make in (("baseline", echo_baseline_model), ("attention", echo_attention_model)):
            accuracy, losses = train_and_score(make, rng, pairs=pairs, epochs=epochs, verbose=verbose)
            result["accuracy"][name].append(accuracy)
            result["losses"][name].append(losses)
        report("repeat %d/%d (%d pairs per model): Encoder-Decoder %.2f%%, With Attention %.2f%% "
               "(whole sequences right, of 100 fresh pairs)"
               % (repeat + 1, repeats, pairs, 100 * result["accuracy"]["baseline"][-1],
                  100 * result["accuracy"]["attention"][-1]))
    result["mean"] = {k: float(np.mean(v)) for k, v in result["accuracy"].items()}
    result["seconds"] = time.time() - start
    report("")
    report("Mean accuracy over %d repeats, whole sequences right (tutorial: 10 repeats, Keras 2.0.x):" % repeats)
    report("  Encoder-Decoder                 %6.2f%%   (tutorial %.2f%%)"
           % (100 * result["mean"]["baseline"], 100 * TUTORIAL["baseline"]))
    report("  Encoder-Decoder With Attention  %6.2f%%   (tutorial %.2f%%)"
           % (100 * result["mean"]["attention"], 100 * TUTORIAL["attention"]))
    report("on %s, %.0f s" % (result["keras"], result["seconds"]))
    return result


def plot_losses(losses, path):
    """Write a PNG of the per-epoch training loss of both models (the mean over repeats, said in the title).

    Args:
        losses: dict model name -> list (per repeat) of per-epoch losses.
        path: the PNG to write.

    Raises:
        ImportError: with the install command, when matplotlib is missing.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("the loss plot needs matplotlib: pip install matplotlib "
                          "(from a clone of compat_attention: pip install '.[plot]')")
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, runs in sorted(losses.items()):
        curve = np.mean(np.asarray(runs, dtype=float), axis=0)
        epochs = np.arange(1, len(curve) + 1)
        label = "with attention" if name == "attention" else "without attention (baseline)"
        ax.plot(epochs, curve, label=label)
    ax.set_xlabel("epoch (100 fresh pairs each)")
    ax.set_ylabel("training loss (categorical cross-entropy)")
    repeats = min(len(runs) for runs in losses.values())
    ax.set_title("Echo task, with vs without attention (mean of %d repeat%s)" % (repeats, "s" * (repeats != 1)))
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
