#!/usr/bin/env python3
"""Write the ``.keras`` / ``.weights.h5`` fixtures of ``tests/io/test_attention_package.py``.

tf.keras >= 2.13 writes two formats besides ``.h5``: ``model.save('m.keras')`` (a zip of
``config.json`` and ``model.weights.h5``) and ``model.save_weights('m.weights.h5')``. Both store
each weight under the *attribute path* of the layer that owns it
(``.../attention/w_c/vars/0``), not under the weight's name, so a layer loading them must keep
its sub-layers under the attributes the writer used.

Two modes, each run ONCE:

``--package`` (the default), on TensorFlow 2.14 with ``attention==5.0.0`` (the ``attention_pkg``
tox env)::

    .tox/attention_pkg/bin/python tools/make_attention_pkg_keras_fixtures.py --force

  For the two cases of ``tools/make_attention_pkg_fixtures.py`` (same architecture, seeds and
  training), writes ``<case>.keras`` (``model.save``) and ``<case>.weights.h5``
  (``model.save_weights``), after checking that the model predicts exactly what ``<case>.npz``
  (written with the ``.h5`` files) stores, so the tests compare all three formats with it.

``--ours-layout``, with compat_attention *before* its ``Attention`` kept its output matrix under
the package's attribute name (``attention_vector``, commit a65ef0d), once per Keras generation::

    PYTHONPATH=. .tox/keras3/bin/python tools/make_attention_pkg_keras_fixtures.py --ours-layout --force
    PYTHONPATH=. .tox/tf214/bin/python tools/make_attention_pkg_keras_fixtures.py --ours-layout --force

  writes ``ours_<flavour>_<case>.keras`` / ``.weights.h5`` / ``.npz``: a tiny model around
  compat_attention's own ``Attention`` (Input((6, 4)) -> Attention(5, score) -> Dense(2)), the files
  a Keras 3 archive of our own layer, which the package-model loader refuses in one line. The attribute
  layout found in each file is recorded in the manifest (run with today's code it writes the
  new layout, ``w_c``, which the tests also accept but which proves nothing about old files).

Every run records versions and SHA-256 in ``keras_formats.json``, merged with what is there.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
from importlib import metadata

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from make_attention_pkg_fixtures import CASES, CLASSES, DEFAULT_OUT, FEATURES, STEPS, build  # noqa: E402

MANIFEST = "keras_formats.json"
OURS_CASES = (("luong_functional", "luong", "functional", 601), ("bahdanau_sequential", "bahdanau", "sequential", 602))


def _digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def attention_attributes(weights_h5):
    """The attribute names under which a ``.weights.h5`` file stores the Attention layer's sub-layers."""
    import h5py

    found = set()
    with h5py.File(weights_h5, "r") as f:
        def visit(name, obj):
            parts = name.split("/")
            if isinstance(obj, h5py.Dataset) and "attention" in parts:
                found.add(parts[parts.index("attention") + 1])
        f.visititems(visit)
    return sorted(found)


def package_case(tf, Attention, out, name, score, kind, seed):
    tf.keras.utils.set_random_seed(seed)
    rng = np.random.RandomState(seed)
    model = build(tf, Attention, score, kind)
    model.set_weights([rng.normal(0.0, 0.7, w.shape).astype("float32") for w in model.weights])
    model.compile(optimizer="adam", loss="mse")
    x_train = rng.normal(0.0, 1.0, (32, STEPS, FEATURES)).astype("float32")
    y_train = rng.normal(0.0, 1.0, (32, CLASSES)).astype("float32")
    model.fit(x_train, y_train, batch_size=8, epochs=2, verbose=0)
    x = rng.normal(0.0, 1.0, (16, STEPS, FEATURES)).astype("float32")
    model.save(os.path.join(out, name + ".keras"))
    model.save_weights(os.path.join(out, name + ".weights.h5"))
    # Same seeds, same training as the .h5 tool: the model must be the one <case>.npz stores.
    with np.load(os.path.join(out, name + ".npz")) as stored:
        if not (np.array_equal(stored["x"], x) and np.array_equal(stored["y"], model.predict(x, verbose=0))):
            sys.exit("%s: the model differs from the one %s.npz stores; rerun make_attention_pkg_fixtures.py "
                     "--force first" % (name, name))
    return {"case": name, "writer": "attention %s on TensorFlow %s" % (metadata.version("attention"), tf.__version__),
            "score": score,
            "model": kind, "seed": seed,
            "attributes": attention_attributes(os.path.join(out, name + ".weights.h5"))}


def ours_case(out, name, score, kind, seed):
    from compat_attention import Attention
    from compat_attention._keras.flavour import FLAVOUR, KERAS_VERSION, keras
    from compat_attention._keras.ops import ops

    keras.utils.set_random_seed(seed)
    rng = np.random.RandomState(seed)
    if kind == "functional":
        inputs = keras.Input((6, 4))
        model = keras.Model(inputs, keras.layers.Dense(2)(Attention(5, score=score, name="attention")(inputs)))
    else:
        model = keras.Sequential([keras.Input((6, 4)), Attention(5, score=score, name="attention"), keras.layers.Dense(2)])
    model.set_weights([rng.normal(0.0, 0.7, tuple(w.shape)).astype("float32") for w in model.weights])
    x = rng.normal(0.0, 1.0, (8, 6, 4)).astype("float32")
    y = ops.convert_to_numpy(model(x))
    stem = os.path.join(out, "ours_%s_%s" % (FLAVOUR.replace(".", "_"), name))
    model.save(stem + ".keras")
    model.save_weights(stem + ".weights.h5")
    np.savez(stem + ".npz", x=x, y=y, score=np.array(score), kind=np.array(kind), keras=np.array(KERAS_VERSION))
    try:
        commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {"case": os.path.basename(stem), "writer": "compat_attention at %s on %s %s" % (commit, FLAVOUR, KERAS_VERSION),
            "score": score, "model": kind, "seed": seed, "attributes": attention_attributes(stem + ".weights.h5")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="folder to write (default: %(default)s)")
    parser.add_argument("--ours-layout", action="store_true", help="write files of compat_attention's own layer")
    parser.add_argument("--force", action="store_true", help="overwrite existing fixtures")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.ours_layout:
        from compat_attention._keras.flavour import FLAVOUR

        prefix = "ours_%s_" % FLAVOUR.replace(".", "_")
        written = lambda: [ours_case(args.out, *case) for case in OURS_CASES]  # noqa: E731
    else:
        try:
            from attention import Attention  # the real package: only the tools import it
        except ImportError:
            sys.exit("--package needs the `attention` package: run it with .tox/attention_pkg/bin/python")
        import tensorflow as tf

        if metadata.version("attention") != "5.0.0" or not tf.__version__.startswith("2.14."):
            sys.exit("expected attention 5.0.0 on TensorFlow 2.14, found %s on %s"
                     % (metadata.version("attention"), tf.__version__))
        prefix = ""
        written = lambda: [package_case(tf, Attention, args.out, *case) for case in CASES]  # noqa: E731
    existing = [n for n in os.listdir(args.out) if n.startswith(prefix) and n.endswith((".keras", ".weights.h5"))
                and (prefix or not n.startswith("ours_"))]
    if existing and not args.force:
        sys.exit("%s already holds %s; pass --force to rewrite them" % (args.out, ", ".join(sorted(existing))))
    cases = written()
    path = os.path.join(args.out, MANIFEST)
    manifest = json.load(open(path)) if os.path.exists(path) else {"written_by": "tools/" + os.path.basename(__file__),
                                                                    "cases": {}, "sha256": {}}
    for case in cases:
        manifest["cases"][case.pop("case")] = case
    for n in sorted(os.listdir(args.out)):
        if n.endswith((".keras", ".weights.h5")) or (n.endswith(".npz") and n.startswith("ours_")):
            manifest["sha256"][n] = _digest(os.path.join(args.out, n))
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    for name, case in sorted(manifest["cases"].items()):
        print("%-40s %-45s attributes %s" % (name, case["writer"], case["attributes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
