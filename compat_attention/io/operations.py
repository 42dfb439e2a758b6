"""What the CLI does with model files: inspect, convert, verify, load any. Library functions, no printing."""

import os
import shutil
import tempfile

import numpy as np

from .. import errors
from .._keras.flavour import describe, keras
from .._keras.saving import BIDIRECTIONAL_ARCHIVES_FIXED_IN, RELOADS_BIDIRECTIONAL_ARCHIVES, SAVE_SUFFIXES
from ..objects import all_layers, custom_objects
from .boundary import guarded, wrapped
from .configs import walk
from .loader import load_legacy_model, read_model_file
from .structure import check_structure


@guarded("inspecting the file")
def inspect_legacy_file(path):
    """Describe a legacy ``.h5`` (or ``.keras`` archive) without building or running anything from it.

    Returns:
        A dict: ``keras_version``, ``backend``, ``source`` (the producer the loader reads it as),
        ``kind`` (model or weights), ``model_class``, ``layers`` (name, class, weight shapes),
        ``rewrites`` (name, layer, legacy fact), ``lambdas``, ``has_optimizer_weights``, ``running``.
    """
    legacy = read_model_file(path)
    source = legacy.source
    layer_classes = {}
    model_class, planned, lambdas = None, [], []
    if not legacy.is_weights_only:
        check_structure(legacy.path, legacy.model_config)
        model_class = legacy.model_config["class_name"]
        config, planned = source.rewrites.plan(legacy.model_config, legacy)
        layer_classes = {l.get("name") or l["config"].get("name"): l["class_name"] for l in config["config"]["layers"]}
        lambdas = [layer.get("name", "lambda") for _, class_name, layer, _ in walk(legacy.model_config)
                   if class_name == "Lambda"]
    layers = [
        {"name": name, "class": layer_classes.get(name, "?"), "weights": [tuple(a.shape) for _, a in arrays]}
        for name, arrays in legacy.weights.items()
    ]
    return {
        "path": legacy.path,
        "keras_version": legacy.keras_version,
        "backend": legacy.backend,
        "source": source.name,
        "kind": "weights" if legacy.is_weights_only else "model",
        "model_class": model_class,
        "layers": layers,
        "rewrites": [{"rewrite": name, "layer": layer, "fact": source.rewrites.describe(name)}
                     for name, layer in planned],
        "lambdas": lambdas,
        "has_optimizer_weights": legacy.has_optimizer_weights,
        "running": describe(),
    }


@guarded("converting the file")
def convert_legacy_model(path, out, overwrite=False, allow_lambda=False):
    """Load a legacy ``.h5`` and save it in a modern format, atomically.

    Args:
        path: the legacy ``.h5``.
        out: the output path; its suffix picks the format (see ``SAVE_SUFFIXES``).
        overwrite: replace an existing ``out``.
        allow_lambda: see ``load_legacy_model``.

    Returns:
        ``out``. Nothing is written unless the whole conversion succeeded, and an
        existing ``out`` is only replaced, in one step, at the very end.

    Raises:
        LegacyFileError: (a subclass) the input cannot be loaded, ``out`` exists
            (``OutputExistsError``) or its suffix is not a format of this Keras.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> from compat_attention import convert_legacy_model
    >>> from compat_attention._keras.flavour import keras
    >>> from compat_attention._keras.saving import SAVE_SUFFIXES
    >>> out = os.path.join(tempfile.mkdtemp(), "echo" + SAVE_SUFFIXES[0])   # ".keras"
    >>> convert_legacy_model("legacy_reference/golden/echo_seq_full.h5", out) == out
    True
    >>> stored = np.load("legacy_reference/golden/echo_seq_io.npz")
    >>> model = keras.models.load_model(out)    # plain Keras: importing compat_attention registered our classes
    >>> float(np.abs(model.predict(stored["x"], verbose=0) - stored["y"]).max()) < 1e-5
    True
    """
    out = os.fspath(out)
    suffix = os.path.splitext(out)[1].lower()
    if suffix not in SAVE_SUFFIXES:
        raise errors.LegacyFileError(
            out, "cannot be written as %r on %s" % (suffix or "no suffix", describe()),
            "use one of %s" % ", ".join(SAVE_SUFFIXES))
    if os.path.isdir(out):
        raise errors.OutputExistsError(out, "is a directory", "choose a file path")
    if os.path.exists(out) and not overwrite:
        raise errors.OutputExistsError(out, "already exists", "choose another path or pass overwrite=True (CLI: --overwrite)")
    if os.path.abspath(out) == os.path.abspath(os.fspath(path)):
        raise errors.OutputExistsError(out, "is the input file", "write the conversion to another path")
    model = load_legacy_model(path, allow_lambda=allow_lambda)
    if suffix == ".keras" and not RELOADS_BIDIRECTIONAL_ARCHIVES:
        _refuse_unreloadable_bidirectional(model, out)
    folder = os.path.dirname(os.path.abspath(out))
    with wrapped(path, "saving the converted model to %s" % out,
                 fix="report it: the model loaded but this Keras could not save it"):
        _save_atomically(model, out, folder, suffix)
    return out


def _refuse_unreloadable_bidirectional(model, out):
    """Refuse to write a ``.keras`` file the running Keras could not load back (Keras 3.0-3.3.2)."""
    for layer in all_layers(model):
        if isinstance(layer, keras.layers.Bidirectional):
            raise errors.UnsupportedVersionError(
                out, "would hold the Bidirectional layer %r, and %s cannot reload a .keras file with a "
                "Bidirectional layer (a Keras bug, fixed in %s)"
                % (layer.name, describe(), BIDIRECTIONAL_ARCHIVES_FIXED_IN),
                "pip install 'keras>=%s', or keep the legacy .h5 and load it with "
                "compat_attention.load_legacy_model" % BIDIRECTIONAL_ARCHIVES_FIXED_IN)


def _save_atomically(model, out, folder, suffix):
    handle, tmp = tempfile.mkstemp(prefix=".%s.tmp-" % os.path.basename(out), suffix=suffix, dir=folder)
    os.close(handle)
    os.unlink(tmp)  # Keras wants to create the file itself
    try:
        model.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.exists(tmp):
            os.unlink(tmp)


@guarded("verifying the file")
def verify_legacy_model(path, io_path, tolerance=1e-5, allow_lambda=False):
    """Predict the stored ``x`` of an ``.npz`` and compare with its stored ``y``.

    Returns:
        A dict with ``max_abs_diff``, ``per_step`` (max abs diff per time step),
        ``tolerance`` and ``ok``. The legacy ``(B, T, T, 1)`` probability layout is
        squeezed to ours before comparing.
    """
    try:
        with np.load(os.fspath(io_path)) as data:
            x, y = data["x"], data["y"]
    except Exception as exc:  # numpy raises many types on damaged or foreign files
        raise errors.LegacyFileError(
            io_path, "is not an .npz with arrays 'x' and 'y' (%s)" % errors.first_line(exc),
            "pass the stored inputs and outputs as numpy.savez(path, x=..., y=...)")
    model = load_legacy_model(path, allow_lambda=allow_lambda)
    with wrapped(path, "predicting the stored x of %s" % io_path, error=errors.VerificationError,
                 fix="pass the .npz that belongs to this model"):
        got = np.asarray(model.predict(x, verbose=0), np.float64)
    if y.ndim == got.ndim + 1 and y.shape[-1] == 1:
        y = y[..., 0]
    if got.shape != y.shape:
        raise errors.VerificationError(
            path, "predicts shape %s but %s stores y of shape %s" % (got.shape, io_path, y.shape),
            "pass the .npz that belongs to this model")
    diff = np.abs(got - y)
    per_step = diff.reshape(diff.shape[0], diff.shape[1], -1).max(axis=(0, 2)) if diff.ndim >= 2 else diff.max(0)
    max_diff = float(diff.max())
    return {"max_abs_diff": max_diff, "per_step": [float(v) for v in np.atleast_1d(per_step)],
            "tolerance": tolerance, "ok": bool(max_diff <= tolerance)}


@guarded("loading the model file")
def load_model_file(path, allow_lambda=False):
    """Load a model saved by any supported Keras: legacy or modern ``.h5``, or ``.keras``.

    Keras 2.x ``.h5`` files go through ``load_legacy_model`` (rewrites, no code
    run); ``.keras`` and Keras 3 ``.h5`` files through ``keras.models.load_model``
    with this package's classes, after refusing Lambda layers unless
    ``allow_lambda``.

    Raises:
        LegacyFileError: one line naming the file, the problem and the fix.
    """
    import zipfile

    path = os.fspath(path)
    if path.lower().endswith(".keras"):
        if not os.path.isfile(path) or not zipfile.is_zipfile(path):
            raise errors.NotAFileError(path, "is not a .keras archive (missing, a folder, or not a zip file)",
                                       "pass a file written by model.save('model.keras')")
        with zipfile.ZipFile(path) as archive:
            try:
                config_text = archive.read("config.json").decode("utf-8")
            except (KeyError, UnicodeDecodeError) as exc:
                raise errors.NotAKerasFileError(path, "holds no readable config.json (%s)" % errors.first_line(exc),
                                                "pass a file written by model.save('model.keras')")
        _refuse_lambdas(path, config_text, allow_lambda)
        return _keras_load(path, custom_objects(), allow_lambda)
    try:
        return load_legacy_model(path, allow_lambda=allow_lambda)
    except errors.UnsupportedVersionError as exc:
        if not exc.version.startswith("3"):
            raise
    import h5py  # a Keras 3 .h5: Keras itself reads it, once its config holds no Lambda

    with h5py.File(path, "r") as handle:
        _refuse_lambdas(path, str(handle.attrs.get("model_config", "")), allow_lambda)
    return _keras_load(path, custom_objects(), allow_lambda)


def _refuse_lambdas(path, config_text, allow_lambda):
    if not allow_lambda and '"Lambda"' in config_text:
        raise errors.UnsafeLambdaError(
            path, "holds Lambda layers, whose saved code would run on loading",
            "rebuild the model in code and load its weights, or pass --allow-lambda for a file you trust")


def _keras_load(path, objects, allow_lambda):
    kwargs = {"custom_objects": objects, "compile": False}
    if allow_lambda:
        kwargs["safe_mode"] = False
    try:
        return keras.models.load_model(path, **kwargs)
    except Exception as exc:  # Keras raises many types; the user gets one line either way
        raise errors.NotAKerasFileError(path, "could not be loaded by %s (%s)" % (describe(), errors.first_line(exc)),
                                        "load it with the Keras that saved it, or re-save it there as .keras")
