"""Measure how the loader and plain Keras load the genuine files of era folders.

A report for the loader's authors, not a test: per case of each era folder (a folder with a
``manifest.json`` in the era schema of ``legacy_reference/eras/``; give the folders, or their
parent), on the running Keras:

- ``compat``: ``compat_attention.load_legacy_model(file)``, predict the stored inputs, the max abs
  difference from the stored outputs (or the first line of the error, with its class);
- ``plain``: the same with ``keras.models.load_model(file, compile=False)``;
- compiled cases (``compat_compile``): ``load_legacy_model(file, compile=True)``, one
  ``train_on_batch`` on the stored batch, the max abs difference from ``after_step_w*``;
- weights cases (``kind: weights``): ``compat`` builds ``modern_keras_code`` (or, without it, the
  model ``load_legacy_model`` gives for ``file``) and calls ``compat_attention.load_legacy_weights``
  on ``weights_file``; ``plain`` builds it the same way and calls ``model.load_weights``;
- where an era stored ``reloaded_y*`` (its own ``load_model`` computed otherwise than the saved
  model), the difference from those too.

Run from a checkout root, with the package on the path, e.g.::

    PYTHONPATH=$PWD python legacy_reference/generate/measure_eras.py legacy_reference/eras \\
        [--json out.json] [--cases NAME ...]

A case counts as within tolerance when the difference is at most ``max(1e-5, tolerance)``.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402

ATOL = 1e-5


def _keras():
    try:
        import keras
        keras.Model  # noqa: B018 (tf.keras 2.x installs `keras` too; Keras 3 is `keras`)
        return keras
    except ImportError:
        import tensorflow as tf
        return tf.keras


keras = _keras()
_ops = getattr(keras, "ops", None) or keras.backend


def brier(y_true, y_pred):
    """The zoo's custom loss, by name: the squared error summed over the classes."""
    return _ops.sum(_ops.square(y_pred - y_true), axis=-1)


def true_class_prob(y_true, y_pred):
    """The zoo's custom metric, by name: the probability given to the true class."""
    return _ops.sum(y_true * y_pred, axis=-1)


def top2(y_true, y_pred):
    """The zoo's custom metric, by name: top-2 categorical accuracy."""
    return keras.metrics.top_k_categorical_accuracy(y_true, y_pred, k=2)


CUSTOM = {"brier": brier, "true_class_prob": true_class_prob, "top2": top2}


def era_folders(paths):
    found = []
    for path in paths:
        if os.path.exists(os.path.join(path, "manifest.json")):
            found.append(path)
        else:
            found.extend(os.path.join(path, d) for d in sorted(os.listdir(path))
                         if os.path.exists(os.path.join(path, d, "manifest.json")))
    return found


def first_line(exc):
    text = str(exc).strip().splitlines()
    return "%s: %s" % (type(exc).__name__, (text[0] if text else "")[:300])


def predict(model, npz, case):
    xs = [npz[name] for name in case["inputs"]]
    ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    return ys if isinstance(ys, (list, tuple)) else [ys]


def maxdiff(got, npz, case, prefix=""):
    want = [npz[prefix + name] for name in case["outputs"]]
    if isinstance(got, dict):
        got = list(got.values())
    if len(got) != len(want):
        return "outputs: %d, stored %d" % (len(got), len(want))
    worst = 0.0
    for g, w in zip(got, want):
        g = np.asarray(g, dtype="float64")
        if g.shape != w.shape:
            return "output shape %s, stored %s" % (g.shape, w.shape)
        worst = max(worst, float(np.abs(g - w).max()) if w.size else 0.0)
    return worst


def build_modern(case, folder):
    code = case.get("modern_keras_code")
    if code is None:
        import compat_attention
        return compat_attention.load_legacy_model(os.path.join(folder, case["file"]))
    scope = {"keras": keras}
    exec(compile(code, "<%s modern_keras_code>" % case["name"], "exec"), scope)  # our own manifest's text
    return scope["model"]


def run(fn, npz, case):
    """``fn()``'s outputs against the stored ones (and against ``reloaded_y*`` where the era stored them)."""
    try:
        got = fn()
    except Exception as exc:  # a report: every failure is a result
        return first_line(exc), None
    again = maxdiff(got, npz, case, "reloaded_") if "reloaded_" + case["outputs"][0] in npz.files else None
    return maxdiff(got, npz, case), again


def measure_case(folder, case):
    import compat_attention
    path = os.path.join(folder, case["file"])
    npz = np.load(os.path.join(folder, case["io"]))
    row = {}
    if case.get("kind") == "weights":
        weights = os.path.join(folder, case["weights_file"])

        def compat():
            model = build_modern(case, folder)
            compat_attention.load_legacy_weights(model, weights)
            return predict(model, npz, case)

        def plain():
            model = build_modern(case, folder)
            model.load_weights(weights)
            return predict(model, npz, case)
    else:
        def compat():
            return predict(compat_attention.load_legacy_model(path), npz, case)

        def plain():
            return predict(keras.models.load_model(path, compile=False), npz, case)
    for column, fn in (("compat", compat), ("plain", plain)):
        row[column], again = run(fn, npz, case)
        if again is not None:
            row[column + "_vs_reloaded"] = again
        clear()
    if "compiled" in case and case.get("kind", "model") == "model":
        def compat_compile():
            model = compat_attention.load_legacy_model(path, compile=True, custom_objects=CUSTOM)
            xs = [npz[k] for k in sorted(npz.files) if k.startswith("train_x")]
            ys = [npz[k] for k in sorted(npz.files) if k.startswith("train_y")]
            model.train_on_batch(xs if len(xs) > 1 else xs[0], ys if len(ys) > 1 else ys[0])
            after = [npz["after_step_w%d" % i] for i in range(len(model.get_weights()))]
            return float(max(np.abs(np.asarray(a) - b).max() for a, b in zip(model.get_weights(), after)))
        try:
            row["compat_compile"] = compat_compile()
        except Exception as exc:  # a report: every failure is a result
            row["compat_compile"] = first_line(exc)
        clear()
    return row


def clear():
    try:
        keras.backend.clear_session()
    except Exception:
        pass


def ok(value, case):
    return isinstance(value, float) and value <= max(ATOL, case.get("tolerance", 0.0))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="era folders, or a folder holding them")
    parser.add_argument("--json", help="also write every result here")
    parser.add_argument("--cases", nargs="*", help="only these case names")
    args = parser.parse_args(argv)
    import compat_attention
    label = "keras %s" % keras.__version__ if hasattr(keras, "__version__") else "tf.keras"
    print("# %s, compat_attention %s, python %s" % (label, getattr(compat_attention, "__version__", "?"),
                                                     sys.version.split()[0]))
    results = {}
    for folder in era_folders(args.folders):
        with open(os.path.join(folder, "manifest.json")) as f:
            manifest = json.load(f)
        era = os.path.basename(os.path.normpath(folder))
        print("\n## %s (%s)\n" % (era, manifest.get("versions", {}).get("keras")))
        print("| case | expect | compat | plain | compat compile=True (after-step weights) |")
        print("|---|---|---|---|---|")
        counts = {"compat": 0, "plain": 0, "compat_compile": 0, "n": 0, "n_compiled": 0}
        start = time.time()
        for case in manifest["cases"]:
            if args.cases and case["name"] not in args.cases:
                continue
            row = measure_case(folder, case)
            results.setdefault(era, {})[case["name"]] = dict(row, expect=case["expect"],
                                                             error=case.get("error"), kind=case.get("kind"))
            show = {k: ("%.2g" % v if isinstance(v, float) else v) for k, v in row.items()}
            for column in ("compat", "plain"):
                if column + "_vs_reloaded" in show:  # the era's own load_model computed otherwise
                    show[column] += " (vs reloaded_y: %s)" % show[column + "_vs_reloaded"]
            print("| %s | %s | %s | %s | %s |" % (case["name"], case["expect"] + (
                " " + case["error"] if case.get("error") else ""), show["compat"], show["plain"],
                show.get("compat_compile", "")))
            sys.stdout.flush()
            if case["expect"] == "match":
                counts["n"] += 1
                counts["compat"] += ok(row["compat"], case)
                counts["plain"] += ok(row["plain"], case)
                if "compat_compile" in row:
                    counts["n_compiled"] += 1
                    counts["compat_compile"] += ok(row["compat_compile"], case)
        print("\n%s: match cases within tolerance: compat %d/%d, plain %d/%d, compat compile=True %d/%d (%.0f s)"
              % (era, counts["compat"], counts["n"], counts["plain"], counts["n"], counts["compat_compile"],
                 counts["n_compiled"], time.time() - start))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
