"""``Source``: what differs between the producers of the files the loader reads.

Each source (``keras2_0.KERAS_2_0_FILES``, ``attention_package.ATTENTION_PACKAGE_FILES``) is
a set of named rewrites plus a few hooks; ``loader.load`` runs every source through the same
read → plan → build → assign pipeline.
"""

import copy

from .. import errors


class Source(object):
    """A producer of Keras 2 HDF5 files, and how to rebuild its models on the running Keras.

    Args:
        name: the producer, for messages (``"Keras 2.0.x"``).
        rewrites: its ``RewriteSet``.
        custom_objects: layer classes its files name that Keras lacks (``{'AttentionDecoder': ...}``).
        weights_only_fix: the fix a one-line error gives for a weights-only file.
    """

    def __init__(self, name, rewrites, custom_objects, weights_only_fix):
        self.name = name
        self.rewrites = rewrites
        self.custom_objects = dict(custom_objects)
        self.weights_only_fix = weights_only_fix

    def plan(self, legacy):
        """Rewrite ``legacy``'s model config for the running Keras; ``(config, applied)``."""
        return self.rewrites.plan(legacy.model_config)

    def make_layer(self, factory, class_name, config):
        """One layer from its rewritten config (hook: the default is ``factory.make_standard``)."""
        return factory.make_standard(class_name, config)

    def training_config(self, training_config):
        """The file's training config, as ``build.compile_from_training_config`` reads it."""
        return copy.deepcopy(training_config)

    def refuse(self, legacy, problem, fix, error=errors.UnknownLayerError):
        """Raise ``error`` for ``legacy``'s file with a one-line problem and fix."""
        raise error(legacy.path, problem, fix)
