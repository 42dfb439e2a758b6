"""The one loader: every source of legacy files goes through read → plan → build → assign.

1. ``h5file.read_legacy_file``: the file read once, read-only, bad files refused (each stored
   weight's size checked against the parameter cap before it is read);
2. ``validate``: the model config checked against what Keras 2.x wrote (``STRUCTURE``), the layer
   classes and the parameters the sizes need against the stored weights and the cap (``RESOURCES``);
3. ``source.plan``: the source's named config rewrites, one per legacy fact;
4. ``build.build_model``: layers from the rewritten configs (``Lambda`` refused unless the
   caller opted in), wired as the file says;
5. ``build.assign_weights``: the stored arrays, layer by layer, count and shapes checked first.

Whatever escapes Keras on the way leaves as a ``LegacyFileError`` (``boundary.wrapped``).
"""

from .. import errors
from . import validate
from .attention_package import ATTENTION_PACKAGE_FILES, keras_format, load_keras_archive, weights_file_refused
from .boundary import wrapped
from .legacy_defaults import check_targets
from .build import LayerFactory, assign_weights, build_model, compile_from_training_config
from .h5file import read_legacy_file
from .keras2_0 import KERAS_2_0_FILES


def load(path, source, compile=False, custom_objects=None, allow_lambda=False, max_parameters=None):
    """Load the model in ``path``, a file written by ``source``, on the running Keras.

    Args:
        path: the ``.h5`` file.
        source: the ``Source`` that wrote it.
        compile: compile with the loss, metrics and optimizer the file records (``optimizer_state``).
        custom_objects: dict of further layer classes, and custom losses and metrics, the file names.
        allow_lambda: build ``Lambda`` layers (runs marshaled bytecode from the file).
        max_parameters: the most parameters the file may store or declare (default
            ``validate.MAX_PARAMETERS``, or ``$COMPAT_ATTENTION_MAX_PARAMETERS``).

    Returns:
        A ``keras.Model``.

    Raises:
        LegacyFileError: (a subclass) with one line naming the file, the problem and the fix.
    """
    limit = validate.parameter_limit(max_parameters)
    with wrapped(path, "reading the file"):
        legacy = read_legacy_file(path, max_parameters=limit)
    if legacy.is_weights_only:
        raise errors.NotAKerasFileError(
            legacy.path, "holds weights only (model.save_weights), no model", source.weights_only_fix)
    with wrapped(legacy.path, "loading the model"):
        factory = LayerFactory(legacy.path, source, custom_objects, allow_lambda)
        validate.check_structure(legacy.path, legacy.model_config)
        validate.check_resources(legacy.path, legacy.model_config, legacy.weights, limit, factory.known_class)
        config, _ = source.plan(legacy)
        model = build_model(config, factory)
        assign_weights(model, legacy, by_name=True)
        if compile and legacy.training_config is not None:
            if not isinstance(legacy.training_config, dict):
                raise errors.MalformedFileError(
                    legacy.path, "training_config is a %s, not an object" % type(legacy.training_config).__name__,
                    "load without compile=True, or use another copy of the file")
            from .optimizer_state import resolve_training_objects  # as build does: its import builds an SGD

            training_config = resolve_training_objects(
                source.training_config(legacy.training_config), legacy.path, custom_objects)
            compile_from_training_config(model, training_config, legacy.path)
    return model


def load_legacy_model(path, compile=False, custom_objects=None, allow_lambda=False, max_parameters=None):
    """Load a Keras 2.0.x ``.h5`` model on the running Keras, computing what it computed then.

    The legacy ``AttentionDecoder`` becomes ``compat_attention.AttentionDecoder``;
    every other legacy layer is rewritten by the named steps of
    ``compat_attention.io.keras2_0`` (legacy ``hard_sigmoid``, GRU without
    ``reset_after``, Sequential bare-list configs, ...).

    Args:
        path: the ``.h5`` file (``model.save``, with or without optimizer state).
        compile: compile the model with the loss, metrics and optimizer the file
            records: every optimizer hyperparameter, and for Adam, RMSprop, Adagrad and
            SGD the stored slots and iteration count, so that training resumes where
            Keras 2.0.8 left off (``compat_attention.io.optimizer_state``). A custom loss
            or metric the file names (2.0.8 saved a function by its name) must be in
            ``custom_objects``: otherwise ``UnknownTrainingObjectError``, as Keras itself
            refuses an unknown metric.
        custom_objects: dict of further layer classes the file names, and of the custom
            loss and metric functions it names (``{'top2': top2}``; with ``compile=True``).
        allow_lambda: build ``Lambda`` layers, which runs marshaled bytecode from
            the file. Off by default; only for files you trust.
        max_parameters: refuse files that store, or whose layer sizes need, more
            parameters than this (default 100 million, or the environment variable
            ``COMPAT_ATTENTION_MAX_PARAMETERS``); checked before anything is allocated.

    Returns:
        A ``keras.Model``.

    Raises:
        LegacyFileError: (a subclass) with a one-line message naming the file,
            the problem and the fix; ``UnknownTrainingObjectError`` for a loss or metric
            of the training config that neither Keras nor ``custom_objects`` provides.

    Example:

    >>> import numpy as np
    >>> from compat_attention import load_legacy_model
    >>> model = load_legacy_model("legacy_reference/golden/echo_seq_full.h5")  # Keras 2.0.8, 2017
    >>> stored = np.load("legacy_reference/golden/echo_seq_io.npz")
    >>> float(np.abs(model.predict(stored["x"], verbose=0) - stored["y"]).max()) < 1e-5
    True
    """
    return load(path, KERAS_2_0_FILES, compile=compile, custom_objects=custom_objects, allow_lambda=allow_lambda,
                max_parameters=max_parameters)


def load_attention_package_model(path, compile=False, custom_objects=None, max_parameters=None):
    """Load an ``.h5`` model saved with the ``attention`` package (5.0.0) on the running Keras.

    Every ``Attention`` layer of the package becomes ``compat_attention.Attention``
    (rebuilt from its ``units`` and ``score``; the package's internal ``Lambda`` is not in
    the file and nothing from the file is executed); the other layers are rebuilt by the
    running Keras after a few named config rewrites (``io/attention_package.py``), and
    every weight is set from the file, counts and shapes checked first.

    Args:
        path: the ``.h5`` file written by ``model.save()`` on tf.keras 2, or its ``.keras``
            archive (tf.keras >= 2.13, ``model.save('m.keras')``; a ``.weights.h5`` is refused in
            one line: build the model in code and call ``model.load_weights``). A Keras that
            reads neither format (tf.keras < 2.13) refuses both in one line, reading nothing.
        compile: compile the model with the loss, metrics and optimizer class the file
            records (optimizer state is not restored).
        custom_objects: dict of further layer classes the file names.
        max_parameters: see ``load_legacy_model``.

    Returns:
        A ``keras.Model`` predicting what the package's model predicted.

    Raises:
        LegacyFileError: (a subclass) with a one-line message naming the file, the problem
            and the fix: a missing, broken or non-Keras file, a weights-only file, a file
            without the package's layer, a layer that cannot be rebuilt, weights that do
            not fit. ``UnsupportedVersionError`` for a ``.keras`` archive on tf.keras < 2.13.
    """
    kind = keras_format(path)  # the formats of tf.keras >= 2.13: io/attention_package.py
    if kind == "archive":
        return load_keras_archive(path, compile=compile, custom_objects=custom_objects)
    if kind == "weights":
        raise weights_file_refused(path)
    return load(path, ATTENTION_PACKAGE_FILES, compile=compile, custom_objects=custom_objects,
                max_parameters=max_parameters)


def load_legacy_weights(model, path, by_name=False, check_defaults=True):
    """Load a Keras 2.0.x weights file (``save_weights`` or a full model) into ``model``.

    The file's recurrent layers computed with the defaults of the Keras that wrote it
    (Keras 2.0.x: ``recurrent_activation='hard_sigmoid'`` of slope 0.2, GRU without
    ``reset_after``); a target LSTM/GRU built with today's defaults would give other
    numbers, so it is refused with one line naming the layer and the argument to pass
    (``recurrent_activation=compat_attention.LEGACY_HARD_SIGMOID``).

    Args:
        model: a model built with compat_attention (and any Keras layers).
        path: the ``.h5`` file.
        by_name: match layers by name instead of by position.
        check_defaults: refuse recurrent target layers whose activations or
            ``reset_after`` differ from what the file's layers computed. Pass False
            to load the weights into them anyway.

    Returns:
        ``model``, for chaining.

    Raises:
        LegacyFileError: (a subclass) the file is unusable, or its weights do not fit.
    """
    with wrapped(path, "reading the file"):
        legacy = read_legacy_file(path)
    if not model.built:
        raise errors.WeightMismatchError(
            legacy.path, "cannot be loaded into an unbuilt model", "build the model (give it an Input) first")
    with wrapped(legacy.path, "loading the weights", error=errors.WeightMismatchError):
        assign_weights(model, legacy, by_name=by_name, check=check_targets if check_defaults else None)
    return model
