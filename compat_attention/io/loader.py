"""The one loader: every file goes through read → pick → check → rewrite → build → weights.

1. ``read_model_file``: the file read once, read-only, by its format's reader (``archive`` for a
   ``.keras`` zip, ``h5file`` for the rest; a ``.weights.h5`` is refused), bad files refused, each
   stored weight's size checked against the parameter cap before it is read;
2. ``pick_source``: the ``Source`` that wrote it, from the file's own metadata (``keras_version``,
   config evidence), picked in this one place; a file of a ``keras_version`` no source reads is
   refused in one line by the reader, before its weights are read;
3. ``structure.STRUCTURE``: the model config checked against what Keras 2 wrote;
   ``resources.RESOURCES``: the layer classes, and the parameters the sizes need against the stored
   weights and the cap; then the source's own checks (``Source.checks``);
4. ``Source.rewrites`` (``RewriteSet.plan``): the source's named config rewrites, one per legacy fact;
   ``resources.COMPUTED`` on the result: no layer the running Keras computes otherwise;
5. ``build.build_model``: layers from the rewritten configs (``Lambda`` refused unless the caller
   opted in), wired as the file says;
6. the weights: ``build.assign_weights`` (an ``.h5``'s arrays, count and shapes checked first), or
   Keras' own ``load_weights`` (an archive's, ``archive.load_weights``);
7. with ``compile=True``: ``training.compile_model``.

Whatever escapes Keras on the way leaves as a ``LegacyFileError`` (``boundary.wrapped``).
"""

import os
import zipfile

from .. import errors
from . import archive
from .boundary import wrapped
from .build import LayerFactory, assign_weights, build_model
from .h5file import read_legacy_file, unsupported_version
from .resources import check_computed, check_resources
from .sources import attention_package, keras1_2, keras2_0, keras2_1, keras2_2, tf_keras1, tf_keras2
from .structure import check_structure
from .targets import check_targets
from .training import compile_model

#: The sources, most specific first: a file goes to the first that recognises it.
SOURCES = (attention_package.SOURCE, tf_keras1.SOURCE, tf_keras2.SOURCE, keras2_1.SOURCE, keras2_2.SOURCE,
           keras2_0.SOURCE, keras1_2.SOURCE)

#: The beginnings of the ``keras_version`` values some source reads: the readers refuse any other
#: before reading further.
KERAS_VERSIONS = tuple(prefix for source in SOURCES for prefix in source.keras_versions)


def pick_source(legacy, required=None):
    """The ``Source`` that wrote ``legacy``'s file, from its metadata: the one place a source is picked.

    Args:
        legacy: a ``LegacyFile`` (its ``keras_version`` and configs are what is read).
        required: None to pick among ``SOURCES`` (the first whose ``keras_versions`` and ``evidence``
            the file carries and whose ``read_as`` gives it a reading), or the one source the caller reads (``load_attention_package_model``):
            then the file need only carry a ``keras_version`` of it; its own checks refuse the rest.

    Returns:
        A ``Source``: the one that recognised the file, or the reading its ``read_as`` gave for it.

    Raises:
        UnsupportedVersionError: no source reads the file.

    Example:

    >>> from compat_attention.io.h5file import read_legacy_file
    >>> pick_source(read_legacy_file("legacy_reference/golden/echo_seq_full.h5")).name
    'Keras 2.0.x'
    """
    version = legacy.keras_version
    if required is not None:
        if version.startswith(required.keras_versions):
            return required
    else:
        for source in SOURCES:
            if version.startswith(source.keras_versions) and (source.evidence is None or
                                                              source.evidence(legacy)):
                reading = source if source.read_as is None else source.read_as(legacy)
                if reading is not None:
                    return reading
    raise unsupported_version(legacy.path, version, KERAS_VERSIONS if required is None else required.keras_versions)


def read_model_file(path, max_parameters=None, source=None, optimizer_weights=False):
    """Read a model file with its format's reader, and pick its source (``pick_source(legacy, source)``).

    Args:
        path: an ``.h5`` or a ``.keras`` archive.
        max_parameters: the cap (see ``resources.parameter_limit``).
        source: None, or the one source the caller reads.
        optimizer_weights: also read an ``.h5``'s optimizer state.

    Returns:
        A ``LegacyFile`` whose ``source`` is picked.

    Raises:
        LegacyFileError: (a subclass) the file is unusable, a ``.weights.h5``, or no source reads it
            (refused before its weights are read).
    """
    versions = KERAS_VERSIONS if source is None else source.keras_versions
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        legacy = archive.read_archive(path, max_parameters, versions)
    else:
        legacy = read_legacy_file(path, max_parameters, versions, optimizer_weights=optimizer_weights)
    legacy.source = pick_source(legacy, source)
    return legacy


def load(path, source=None, compile=False, custom_objects=None, allow_lambda=False, max_parameters=None):
    """Load the model in ``path`` on the running Keras.

    Args:
        path: the ``.h5`` file or ``.keras`` archive.
        source: None to pick the source from the file (``pick_source``), or the one ``Source`` to read.
        compile: compile with the loss, metrics and optimizer the file records (``training``).
        custom_objects: dict of further layer classes, and custom losses and metrics, the file names.
        allow_lambda: build ``Lambda`` layers (runs marshaled bytecode from the file).
        max_parameters: the most parameters the file may store or declare (default
            ``resources.MAX_PARAMETERS``, or ``$COMPAT_ATTENTION_MAX_PARAMETERS``).

    Returns:
        A ``keras.Model``.

    Raises:
        LegacyFileError: (a subclass) with one line naming the file, the problem and the fix.
    """
    with wrapped(path, "reading the file"):
        legacy = read_model_file(path, max_parameters, source, optimizer_weights=compile)
    source = legacy.source
    if legacy.is_weights_only:
        raise errors.NotAKerasFileError(legacy.path, "holds weights only (model.save_weights), no model",
                                        source.weights_only_fix)
    with wrapped(legacy.path, "loading the model"):
        subject = check_structure(legacy.path, legacy.model_config)
        subject.legacy = legacy
        check_resources(subject, legacy.stored_parameters, legacy.max_parameters,
                        {**source.custom_objects, **(custom_objects or {})})
        for check in source.checks:
            check(subject)
        config, _ = source.rewrites.plan(legacy.model_config, legacy)
        check_computed(legacy.path, config)
        model = build_model(config, LayerFactory(legacy.path, source, custom_objects, allow_lambda))
        if legacy.format == "h5":
            assign_weights(model, legacy, by_name=True)
    if legacy.format == "keras":
        with wrapped(legacy.path, "loading the weights", error=errors.WeightMismatchError,
                     fix="the archive's weights do not fit the rebuilt model; use another copy of the file"):
            archive.load_weights(model, legacy.path)
    if compile and legacy.training_config is not None:
        with wrapped(legacy.path, "loading the model"):
            compile_model(model, legacy, custom_objects)
    return model


def load_legacy_model(path, compile=False, custom_objects=None, allow_lambda=False, max_parameters=None):
    """Load a Keras 2.0.x ``.h5`` model on the running Keras, computing what it computed then.

    The legacy ``AttentionDecoder`` becomes ``compat_attention.AttentionDecoder``;
    every other legacy layer is rewritten by the named steps of the source that wrote the file,
    picked from its metadata (``compat_attention.io.sources``: for Keras 2.0.x, legacy
    ``hard_sigmoid``, GRU without ``reset_after``, Sequential bare-list configs, ...).

    Args:
        path: the ``.h5`` file (``model.save``, with or without optimizer state), or a
            ``.keras`` archive of tf.keras 2 (a ``.weights.h5`` is refused in one line).
        compile: compile the model with the loss, metrics and optimizer the file
            records: every optimizer hyperparameter, and for Adam, RMSprop, Adagrad and
            SGD the stored slots and iteration count, so that training resumes where
            Keras 2.0.8 left off (``compat_attention.io.training``). A custom loss
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
    return load(path, compile=compile, custom_objects=custom_objects, allow_lambda=allow_lambda,
                max_parameters=max_parameters)


def load_attention_package_model(path, compile=False, custom_objects=None, max_parameters=None):
    """Load an ``.h5`` model saved with the ``attention`` package (5.0.0) on the running Keras.

    Every ``Attention`` layer of the package becomes ``compat_attention.Attention``
    (rebuilt from its ``units`` and ``score``; the package's internal ``Lambda`` is not in
    the file and nothing from the file is executed); the other layers are rebuilt by the
    running Keras after a few named config rewrites (``io/sources/attention_package.py``), and
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
    return load(path, attention_package.SOURCE, compile=compile, custom_objects=custom_objects,
                max_parameters=max_parameters)


def load_legacy_weights(model, path, by_name=False, check_defaults=True):
    """Load a Keras 2.0.x weights file (``save_weights`` or a full model) into ``model``.

    The file's recurrent layers computed with the defaults of the Keras that wrote it
    (``Source.recurrent_defaults``; Keras 2.0.x: ``recurrent_activation='hard_sigmoid'`` of slope
    0.2, GRU without ``reset_after``); a target LSTM/GRU built with today's defaults would give other
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
        legacy = read_legacy_file(path, keras_versions=KERAS_VERSIONS)
        legacy.source = pick_source(legacy)
    if not model.built:
        raise errors.WeightMismatchError(
            legacy.path, "cannot be loaded into an unbuilt model", "build the model (give it an Input) first")
    with wrapped(legacy.path, "loading the weights", error=errors.WeightMismatchError):
        assign_weights(model, legacy, by_name=by_name, check=check_targets if check_defaults else None)
    return model
