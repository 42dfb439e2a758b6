"""``Source``: a producer of the files the loader reads, and what differs between producers.

Each module of ``io/sources/`` exports one ``SOURCE``, a ``Source`` holding what the loader needs
to know about the producer: how its files are recognised (``loader.pick_source`` picks a file's
source from the file's own metadata), its rewrites, its checks, its custom objects. The loader runs
every source through the same read → check → rewrite → build → weights pipeline.
"""

import re
import warnings

from .. import errors


class Source(object):
    """A producer of Keras model files: how its files are recognised, and how its models are rebuilt.

    Args:
        name: the producer, for messages (``"Keras 2.0.x"``).
        keras_versions: the beginnings of the ``keras_version`` its files carry (``("2.",)``: any Keras 2).
        rewrites: its ``rewrites.RewriteSet``: its legacy facts, in the order they are rewritten.
        weights_only_fix: the fix a one-line error gives for a weights-only file.
        recurrent_defaults: ``fn(keras_version) -> {'activation', 'recurrent_activation',
            'reset_after'}``, what a recurrent layer of its files computed where the config does not
            say (a weights-only file says nothing): read by ``load_legacy_weights``' target check.
        evidence: None, or ``fn(legacy) -> bool``: whether a file (a ``LegacyFile``: its
            ``keras_version``, ``backend``, unchecked model config, weight names) shows this producer
            (a layer only it wrote, a version suffix); without it the version prefix alone decides.
        checks: its own checks (``fn(subject)``, ``structure.check``), run after the shared
            structure and resource checks.
        custom_objects: layer classes its files name that Keras lacks or computes otherwise.
        make_layer: None, or ``fn(factory, class_name, config) -> layer`` for the layers it makes
            itself (None: ``factory.make_standard`` makes every layer).
        optimizer_state: None, or ``fn(legacy, class_name, variables)``: the layout of its stored
            optimizer state (see ``Source.optimizer_state``); None: its state is not read.
    """

    def __init__(self, name, keras_versions, rewrites, weights_only_fix, recurrent_defaults, evidence=None,
                 checks=(), custom_objects=None, make_layer=None, optimizer_state=None):
        self.name = name
        self.keras_versions = tuple(keras_versions)
        self.rewrites = rewrites
        self.weights_only_fix = weights_only_fix
        self.recurrent_defaults = recurrent_defaults
        self.evidence = evidence
        self.checks = tuple(checks)
        self.custom_objects = dict(custom_objects or {})
        self.make_layer = make_layer
        self._optimizer_state = optimizer_state

    def optimizer_state(self, legacy, class_name, variables):
        """The file's stored optimizer state, by role, for the running optimizer (``training.py``'s one hook).

        Args:
            legacy: the ``LegacyFile`` (its ``optimizer_weights`` read, not empty).
            class_name: the optimizer class the training config names (``'Adam'``).
            variables: the model's trainable variables, in the order the slots are for.

        Returns:
            ``(iterations or None, {role: [array per variable, in the order of variables]})`` with the
            roles ``_keras.optimizers`` names (``m``, ``v``, ``a``, ``moment``, ...); ``{}`` when the
            state is not restored (a ``UserWarning`` says why: training starts with fresh slots).

        Raises:
            WeightMismatchError: the stored state does not fit ``variables`` (one true line).
        """
        if self._optimizer_state is None:
            warnings.warn("%s: the optimizer state of %s files is not restored; training starts with fresh "
                          "slots" % (legacy.path, self.name))
            return None, {}
        return self._optimizer_state(legacy, class_name, variables)

    def __repr__(self):
        return "<Source %s>" % self.name


#: A standalone Keras's ``keras_version``: digits only (tf.keras wrote ``2.2.4-tf``).
_STANDALONE_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def standalone_keras_file(legacy, prefixes, producer):
    """Whether ``legacy`` was written by a standalone Keras of ``prefixes`` (``("2.1.",)``) on TensorFlow.

    A file of such a version saved on another backend (Theano, CNTK) is refused here, where it is
    recognised: Theano convolved with flipped kernels, and nothing else of those backends was checked.

    Args:
        legacy: the ``LegacyFile`` (its ``keras_version`` and ``backend``).
        prefixes: the version beginnings of the producer.
        producer: its name, for the message.

    Returns:
        True for a standalone version of ``prefixes`` (no ``-tf`` suffix) with backend ``tensorflow``;
        False for any other version.

    Raises:
        UnsupportedVersionError: the version is the producer's but the backend is not TensorFlow.
    """
    version = legacy.keras_version
    if not version.startswith(tuple(prefixes)) or not _STANDALONE_VERSION.match(version):
        return False
    if legacy.backend != "tensorflow":
        raise errors.UnsupportedVersionError(
            legacy.path, "was saved by Keras %s on the %r backend; this loader reads %s files of the TensorFlow "
            "backend only (Theano convolved with flipped kernels)" % (version, legacy.backend, producer),
            "load it with Keras %s on TensorFlow (keras.models.load_model converts the convolution kernels) and "
            "save it again" % version, version=version)
    return True
