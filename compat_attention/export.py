"""``export_for_serving``: a model as a TensorFlow SavedModel that runs without Keras."""

from ._keras.saving import write_saved_model


def export_for_serving(model, path):
    """Write ``model`` as a TensorFlow SavedModel with a ``serve`` endpoint.

    On every TensorFlow flavour the result reloads the same way, without Keras or
    this package: ``tf.saved_model.load(path).serve(x)`` (also exposed as the
    ``serving_default`` signature, for TF Serving).

    Args:
        model: a built Keras model.
        path: the folder to write.

    Returns:
        ``path``.

    Raises:
        RuntimeError: the backend is not TensorFlow (SavedModel needs it).
    """
    return write_saved_model(model, path)
