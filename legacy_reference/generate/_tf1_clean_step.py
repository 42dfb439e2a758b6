"""One training step on a TensorFlow 1.x Keras model without the read/write race of ``train_on_batch``.

On TF 1.x (Keras 1.2.2 and 2.0.8 alike) ``train_on_batch`` runs every variable update in one
``session.run`` with no ordering between them: a gradient or a slot update may read a variable
that another update op has already assigned (measured: two reloads of the same Keras 1.2.2 Adam
file, one step on the same batch, differ by 1.1e-3). :func:`clean_step` first evaluates every
update's new value from the pre-step variables (one run, no assignment), then assigns them: the
step a correct optimizer computes. It returns the largest difference between that and what a plain
``train_on_batch`` computed on the same state, for the record.
"""

import numpy as np
import tensorflow as tf
from keras import backend as K


def _feed_values(inner, fx, fy, n_inputs):
    x, y, sample_weights = inner._standardize_user_data(fx, fy, check_batch_axis=True)
    values = list(x) + list(y) + list(sample_weights)
    if len(values) < n_inputs:      # the learning phase, 1 = training
        values.append(1.0)
    return values


def _assignments(function):
    """(variable op, kind, value tensor) of every Assign/AssignAdd/AssignSub the train function runs."""
    found, pending, seen = [], list(function.updates_op.control_inputs), set()
    while pending:
        op = pending.pop(0)
        if op in seen:
            continue
        seen.add(op)
        if op.type in ("Assign", "AssignAdd", "AssignSub"):
            found.append((op.inputs[0].op, op.type, op.inputs[1]))
        elif op.type == "NoOp":     # a nested tf.group
            pending.extend(op.control_inputs)
    return found


def clean_step(model, fx, fy):
    """Apply one race-free optimizer step to ``model`` on batch (fx, fy); return the racy step's maxdiff."""
    inner = getattr(model, "model", model)
    inner._make_train_function()
    function = inner.train_function
    feed = dict(zip(function.inputs, _feed_values(inner, fx, fy, len(function.inputs))))
    assigns = _assignments(function)
    if len(assigns) < len(inner.trainable_weights):
        raise RuntimeError("found %d update ops for %d trainable weights"
                           % (len(assigns), len(inner.trainable_weights)))
    by_op = {v.op: v for v in tf.global_variables()}
    session = K.get_session()
    values = session.run([a[2] for a in assigns] + [by_op[a[0]].value() for a in assigns],
                         feed_dict=feed)
    new_values, old_values = values[:len(assigns)], values[len(assigns):]
    targets = []
    for (variable, kind, _), value, old in zip(assigns, new_values, old_values):
        if kind == "AssignAdd":
            value = old + value
        elif kind == "AssignSub":
            value = old - value
        targets.append((by_op[variable], np.asarray(value)))
    inner.train_on_batch(fx, fy)    # the racy step, only to measure how far it strays
    racy = session.run([t[0].value() for t in targets])
    worst = max(float(np.abs(np.asarray(a) - t[1]).max()) for a, t in zip(racy, targets))
    for variable, value in targets:
        variable.load(value, session)
    return worst
