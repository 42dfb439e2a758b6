"""Save formats of the running Keras, and the SavedModel export."""

from packaging.version import Version

from .flavour import BACKEND, FLAVOUR, KERAS_3, KERAS_VERSION, tf


def _save_suffixes():
    if KERAS_3:
        return (".keras",)  # Keras 3 writes legacy .h5 too, but not files tf.keras 2 can read back
    if FLAVOUR == "tf_keras" or Version(KERAS_VERSION) >= Version("2.13"):
        return (".keras", ".h5")
    return (".h5",)  # before 2.13, model.save("x.keras") wrote a SavedModel folder


#: File suffixes ``model.save`` writes as a single reloadable file on the running Keras.
SAVE_SUFFIXES = _save_suffixes()

#: Whether the running Keras reads the Keras saving-v3 formats: ``.keras`` archives
#: (``config.json`` + ``model.weights.h5`` in a zip) and ``.weights.h5`` files (weights by
#: attribute path). Same fact as ``SAVE_SUFFIXES``: the formats came with tf.keras 2.13 (also
#: tf_keras and Keras 3); before that ``load_model`` takes no archive and ``load_weights`` reads
#: every ``.h5`` as the legacy layout (layer names, weights by position).
READS_KERAS_V3_FILES = ".keras" in SAVE_SUFFIXES

#: Whether Keras' own reader (``load_weights``, ``load_model``) finds the weights of a ``.keras``
#: or ``.weights.h5`` file written by tf.keras 2.13 or 2.14. Those stored a model's layers under
#: ``_layer_checkpoint_dependencies`` (not ``layers``); Keras 2.15 on (tf.keras 2.15, tf_keras)
#: writes ``layers`` and looks only there, Keras 3 falls back to the old name.
READS_TF_KERAS_2_13_LAYOUT = READS_KERAS_V3_FILES and (KERAS_3 or Version(KERAS_VERSION) < Version("2.15"))

#: Whether ``load_model`` reloads a ``.keras`` file holding a ``Bidirectional`` layer that this
#: Keras wrote. Keras 3.0-3.3.2 cannot (its own bug, plain Keras: "Layer 'lstm_cell' expected 3
#: variables, but received 0"; their legacy ``.h5`` writer fails on it too, while
#: ``save_weights``/``load_weights`` of ``.weights.h5`` work); fixed in Keras 3.3.3.
BIDIRECTIONAL_ARCHIVES_FIXED_IN = "3.3.3"
RELOADS_BIDIRECTIONAL_ARCHIVES = not KERAS_3 or Version(KERAS_VERSION) >= Version(BIDIRECTIONAL_ARCHIVES_FIXED_IN)


def write_saved_model(model, path):
    """Write ``model`` as a TensorFlow SavedModel whose ``serve`` endpoint runs it (see ``export.py``).

    Raises:
        RuntimeError: the backend is not TensorFlow.
    """
    if tf is None:
        raise RuntimeError(
            "export_for_serving writes a TensorFlow SavedModel, but Keras runs on %s without TensorFlow; "
            "save with model.save('model.keras') instead, or run on the TensorFlow backend." % BACKEND)
    if KERAS_3:
        model.export(path)
        return path
    # Keras 2 has no model.export before 2.13: save a tf.Module with the same endpoint.
    specs = [tf.TensorSpec(t.shape, t.dtype, name=t.name.split(":")[0]) for t in model.inputs]
    module = tf.Module()
    module.model = model
    module.serve = tf.function(
        lambda *xs: model(list(xs) if len(xs) > 1 else xs[0], training=False), input_signature=specs)
    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})
    return path
