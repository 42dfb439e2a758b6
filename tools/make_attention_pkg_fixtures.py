#!/usr/bin/env python3
"""Write the test fixtures of ``tests/io/test_attention_package.py`` with the real ``attention`` package.

Run ONCE, on TensorFlow 2.14 with ``attention==5.0.0`` (the ``attention_pkg`` tox env has both):

    tox -e attention_pkg --notest            # creates .tox/attention_pkg
    .tox/attention_pkg/bin/python tools/make_attention_pkg_fixtures.py --force

For each case it builds a small model around the package's layer,
``Input((10, 8)) -> LSTM(16, return_sequences=True) -> Attention(units=32, score) -> Dense(3)``,
gives every weight seeded random values (large enough that the attention weights are far
from uniform), trains two short epochs (so the file also records a training config and
optimizer state, as a user's file would), and writes to ``tests/data/attention_pkg/``:

* ``<case>.h5``: ``model.save()`` (the package's layer stores its sub-layers' kernels);
* ``<case>_weights.h5``: ``model.save_weights()``;
* ``<case>.npz``: ``x`` (inputs), ``y`` (the package's model's predictions on ``x``),
  ``attention`` (the package's layer's output on ``x``), ``weight_names`` and ``w_00``,
  ``w_01``, ... (every weight, in model order), and the versions that produced them.

The cases: ``luong_functional`` (a functional model, ``score='luong'``) and
``bahdanau_sequential`` (a ``Sequential`` model, ``score='bahdanau'``).
"""

import argparse
import hashlib
import json
import os
import sys
from importlib import metadata

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "tests", "data", "attention_pkg")
STEPS, FEATURES, LSTM_UNITS, UNITS, CLASSES = 10, 8, 16, 32, 3
CASES = (
    # name, score, model kind, seed
    ("luong_functional", "luong", "functional", 501),
    ("bahdanau_sequential", "bahdanau", "sequential", 502),
)


def build(tf, Attention, score, kind):
    keras = tf.keras
    if kind == "functional":
        inputs = keras.Input((STEPS, FEATURES), name="sequence")
        x = keras.layers.LSTM(LSTM_UNITS, return_sequences=True, name="encoder")(inputs)
        x = Attention(units=UNITS, score=score, name="attention")(x)
        outputs = keras.layers.Dense(CLASSES, name="head")(x)
        return keras.Model(inputs, outputs, name="luong_model")
    return keras.Sequential([
        keras.Input((STEPS, FEATURES)),
        keras.layers.LSTM(LSTM_UNITS, return_sequences=True),
        Attention(units=UNITS, score=score),
        keras.layers.Dense(CLASSES),
    ], name="bahdanau_model")


def make_case(tf, Attention, out, name, score, kind, seed):
    tf.keras.utils.set_random_seed(seed)
    rng = np.random.RandomState(seed)
    model = build(tf, Attention, score, kind)
    model.set_weights([rng.normal(0.0, 0.7, w.shape).astype("float32") for w in model.weights])
    model.compile(optimizer="adam", loss="mse")
    x_train = rng.normal(0.0, 1.0, (32, STEPS, FEATURES)).astype("float32")
    y_train = rng.normal(0.0, 1.0, (32, CLASSES)).astype("float32")
    model.fit(x_train, y_train, batch_size=8, epochs=2, verbose=0)

    x = rng.normal(0.0, 1.0, (16, STEPS, FEATURES)).astype("float32")
    y = model.predict(x, verbose=0)
    attention_layer = next(l for l in model.layers if isinstance(l, Attention))
    attention_out = tf.keras.Model(model.inputs, attention_layer.output).predict(x, verbose=0)

    model.save(os.path.join(out, name + ".h5"))
    model.save_weights(os.path.join(out, name + "_weights.h5"))
    arrays = {"w_%02d" % i: w.numpy() for i, w in enumerate(model.weights)}
    np.savez(
        os.path.join(out, name + ".npz"),
        x=x, y=y, attention=attention_out,
        weight_names=np.array([w.name for w in model.weights]),
        score=np.array(score), kind=np.array(kind),
        tensorflow=np.array(tf.__version__), keras=np.array(metadata.version("keras")),
        attention_version=np.array(metadata.version("attention")),
        **arrays)
    return {"case": name, "score": score, "model": kind, "seed": seed,
            "attention_layer": attention_layer.name,
            "weights": [[w.name, list(w.shape)] for w in attention_layer.weights]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="folder to write (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="overwrite existing fixtures")
    args = parser.parse_args(argv)
    try:
        from attention import Attention  # the real package: only this tool imports it
    except ImportError:
        sys.exit("this tool needs the `attention` package: run it with .tox/attention_pkg/bin/python")
    import tensorflow as tf

    versions = {"attention": metadata.version("attention"), "tensorflow": tf.__version__,
                "keras": metadata.version("keras"), "numpy": np.__version__}
    if versions["attention"] != "5.0.0" or not tf.__version__.startswith("2.14."):
        sys.exit("expected attention 5.0.0 on TensorFlow 2.14, found %s" % versions)
    os.makedirs(args.out, exist_ok=True)
    existing = [n for n in os.listdir(args.out) if n.endswith((".h5", ".npz"))]
    if existing and not args.force:
        sys.exit("%s already holds fixtures (%s); pass --force to rewrite them" % (args.out, ", ".join(sorted(existing))))
    cases = [make_case(tf, Attention, args.out, *case) for case in CASES]
    files = sorted(n for n in os.listdir(args.out) if n.endswith((".h5", ".npz")))
    manifest = {
        "written_by": "tools/make_attention_pkg_fixtures.py",
        "versions": versions,
        "cases": cases,
        "sha256": {n: hashlib.sha256(open(os.path.join(args.out, n), "rb").read()).hexdigest() for n in files},
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    for n in files:
        print("%8d  %s" % (os.path.getsize(os.path.join(args.out, n)), os.path.join(args.out, n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
