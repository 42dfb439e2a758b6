"""Load every Keras 1.2.2 era file with Keras 2.0.8 and record what it computed.

Runs on the Keras 2.0.8 stack (the zoo's: Python 3.6.15, tensorflow==1.3.0, keras==2.0.8,
h5py==2.7.1, numpy==1.13.3; see README.md beside this file)::

    KERAS_BACKEND=tensorflow python crosscheck_keras1_on_keras2_0.py eras/keras1_2 [eras/keras1_2_theano]

For each case of each era folder's manifest.json it writes ``keras2_0_8_load`` into the case entry:
``maxdiff`` (max abs difference of Keras 2.0.8's ``predict`` after ``keras.models.load_model`` from
the outputs Keras 1.2.2 recorded) or ``error`` (the exception's type and first line); weights-only
cases also ``weights_maxdiff`` (the model loaded from ``<case>.h5``, then ``load_weights`` of
``<case>_weights.h5``); compiled cases also ``after_step_maxdiff`` (one race-free optimizer step on
the stored batch, as the generator took it, every weight against ``after_step_w<j>``) and the
warnings Keras 2.0.8 raised. Where Keras 2.0.8 failed, ``after_patching_config`` says what it
computed once the config facts it missed (see ``_patch_config``) are fixed in memory
(``model_from_config`` + ``load_weights_from_hdf5_group``). This
says which of Keras 1's conversions Keras 2.0.8 got right; the files themselves are not touched.
"""

import json
import os
import sys
import warnings

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import backend as K  # noqa: E402
from _tf1_clean_step import clean_step  # noqa: E402


def first_line(exc):
    text = str(exc).strip().splitlines()
    return "%s: %s" % (type(exc).__name__, text[0] if text else "")


def as_list(v):
    return v if isinstance(v, list) else [v]


def maxdiff(got, want):
    if len(got) != len(want):
        return "output count %d != %d" % (len(got), len(want))
    worst = 0.0
    for a, b in zip(got, want):
        if a.shape != b.shape:
            return "output shape %s != %s" % (list(a.shape), list(b.shape))
        worst = max(worst, float(np.abs(a - b).max()))
    return worst


#: Keras 1.2.2 layers whose config omits dim_ordering (they took the loading user's default).
_NO_ORDERING = ("UpSampling2D", "UpSampling3D", "ZeroPadding2D", "ZeroPadding3D", "Cropping2D",
                "Cropping3D", "SpatialDropout2D", "SpatialDropout3D")


def _patch_config(node, applied, ordering):
    """Keras 1 config facts Keras 2.0.8 missed, fixed in place: a layer's own ``input_dtype`` (2.0.8
    makes it the layer's dtype, so an Embedding gets int32 weights); Keras 1 regularizer configs
    ``{'name': 'L1L2Regularizer', 'l1': .., 'l2': ..}``; ZeroPadding2D's 4-tuple padding; and the
    dim_ordering the layers in ``_NO_ORDERING`` never saved (the case's own ordering)."""
    if isinstance(node, list):
        for item in node:
            _patch_config(item, applied, ordering)
        return
    if not isinstance(node, dict):
        return
    cfg = node.get("config")
    if node.get("class_name") not in (None, "InputLayer") and isinstance(cfg, dict):
        if cfg.pop("input_dtype", None) is not None and node["class_name"] == "Embedding":
            applied.add("Embedding input_dtype dropped")
        if node["class_name"] == "ZeroPadding2D" and len(cfg.get("padding", ())) == 4:
            top, bottom, left, right = cfg["padding"]
            cfg["padding"] = [[top, bottom], [left, right]]
            applied.add("ZeroPadding2D 4-tuple -> pairs")
        if node["class_name"] in _NO_ORDERING and ordering == "th":
            cfg["dim_ordering"] = "th"
            applied.add("dim_ordering 'th' added to %s" % node["class_name"])
    for key, value in list(node.items()):
        if isinstance(value, dict) and value.get("name") == "L1L2Regularizer":
            node[key] = {"class_name": "L1L2", "config": {"l1": value["l1"], "l2": value["l2"]}}
            applied.add("L1L2Regularizer -> L1L2")
        else:
            _patch_config(value, applied, ordering)


def check_patched(era_dir, entry, feed, ys):
    """Keras 2.0.8 on the same file after ``_patch_config``: does the rest of its conversion hold?"""
    import h5py
    from keras.engine import topology
    applied = set()
    with h5py.File(os.path.join(era_dir, entry["file"]), "r") as f:
        config = json.loads(f.attrs["model_config"].decode("utf8"))
        _patch_config(config, applied, entry.get("image_dim_ordering"))
        if not applied:
            return None
        result = {"patches": sorted(applied)}
        try:
            model = keras.models.model_from_config(config)
            topology.load_weights_from_hdf5_group(f["model_weights"], model.layers)
            result["maxdiff"] = maxdiff(as_list(model.predict(feed)), ys)
        except Exception as exc:  # noqa: BLE001 - recorded
            result["error"] = first_line(exc)
    return result


def check_case(era_dir, entry):
    io = np.load(os.path.join(era_dir, entry["io"]))
    xs = [io[n] for n in entry["inputs"]]
    ys = [io[n] for n in entry["outputs"]]
    feed = xs if len(xs) > 1 else xs[0]
    result = {"keras": keras.__version__, "tensorflow": tf.__version__}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = keras.models.load_model(os.path.join(era_dir, entry["file"]))
        except Exception as exc:  # noqa: BLE001 - recorded
            result["error"] = first_line(exc)
            K.clear_session()
            patched = check_patched(era_dir, entry, feed, ys)
            if patched:
                result["after_patching_config"] = patched
            return result
        try:
            result["maxdiff"] = maxdiff(as_list(model.predict(feed)), ys)
        except Exception as exc:  # noqa: BLE001 - recorded
            result["error"] = "predict: " + first_line(exc)
            return result
        if entry.get("kind") == "weights":
            try:
                model.load_weights(os.path.join(era_dir, entry["weights_file"]))
                result["weights_maxdiff"] = maxdiff(as_list(model.predict(feed)), ys)
            except Exception as exc:  # noqa: BLE001 - recorded
                result["weights_error"] = first_line(exc)
        if "compiled" in entry:
            fx = [io[k] for k in sorted(io.files) if k.startswith("train_x")]
            fy = [io[k] for k in sorted(io.files) if k.startswith("train_y")]
            try:
                result["train_on_batch_race_maxdiff"] = clean_step(
                    model, fx if len(fx) > 1 else fx[0], fy if len(fy) > 1 else fy[0])
                after = model.get_weights()
                want = [io["after_step_w%d" % j] for j in range(len(after))]
                result["after_step_maxdiff"] = maxdiff(after, want)
            except Exception as exc:  # noqa: BLE001 - recorded
                result["after_step_error"] = first_line(exc)
    notes = sorted({str(w.message).strip().splitlines()[0][:200] for w in caught
                    if "optimizer" in str(w.message).lower() or "weight" in str(w.message).lower()})
    if notes:
        result["warnings"] = notes
    return result


def main(argv):
    for era_dir in argv[1:]:
        path = os.path.join(era_dir, "manifest.json")
        with open(path) as f:
            manifest = json.load(f)
        for entry in manifest["cases"]:
            K.set_session(tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                                           inter_op_parallelism_threads=1)))
            entry["keras2_0_8_load"] = check_case(era_dir, entry)
            K.clear_session()
            got = entry["keras2_0_8_load"]
            print("%-34s %s" % (entry["name"], {k: v for k, v in got.items()
                                                if k not in ("keras", "tensorflow")}), flush=True)
        with open(path, "w") as f:
            json.dump(manifest, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
