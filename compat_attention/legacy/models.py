"""Keras 2.0's ``Sequential.predict_classes`` / ``predict_proba``, as functions of a model.

Keras 2.2.x removed them from functional models and Keras 2.6 from ``Sequential``; a migrated
program writes ``predict_classes(model, x)`` for ``model.predict_classes(x)``.
"""

import warnings

import numpy as np

__all__ = ["predict_classes", "predict_proba"]


def predict_classes(model, x, batch_size=32, verbose=0):
    """Class predictions: the argmax over the last axis when the model outputs more than one
    value per sample, else ``(p > 0.5)`` as int32 (a sigmoid output), as Keras 2.0 did.

    Returns:
        A NumPy array: int64 class ids of shape ``output.shape[:-1]``, or int32 0/1 of the
        output's shape.
    """
    proba = np.asarray(model.predict(x, batch_size=batch_size, verbose=verbose))
    if proba.shape[-1] > 1:
        return proba.argmax(axis=-1)
    return (proba > 0.5).astype("int32")


def predict_proba(model, x, batch_size=32, verbose=0):
    """``model.predict(x)``, warning (as Keras 2.0 did) when a value is outside [0, 1].

    Returns:
        The NumPy array of predictions.
    """
    preds = np.asarray(model.predict(x, batch_size=batch_size, verbose=verbose))
    if preds.size and (preds.min() < 0.0 or preds.max() > 1.0):
        warnings.warn("Network returning invalid probability values. The last layer might not "
                      "normalize predictions into probabilities (like softmax or sigmoid would).")
    return preds
