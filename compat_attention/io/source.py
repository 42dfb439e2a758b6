"""``Source``: a producer of the files the loader reads, and what differs between producers.

Each module of ``io/sources/`` exports one ``SOURCE``, a ``Source`` holding what the loader needs
to know about the producer: how its files are recognised (``loader.pick_source`` picks a file's
source from the file's own metadata), its rewrites, its checks, its custom objects. The loader runs
every source through the same read → check → rewrite → build → weights pipeline.
"""


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
        evidence: None, or ``fn(model_config) -> bool``: whether a model config (unchecked) shows
            this producer (a layer only it wrote); without it the version alone decides.
        checks: its own checks (``fn(subject)``, ``structure.check``), run after the shared
            structure and resource checks.
        custom_objects: layer classes its files name that Keras lacks or computes otherwise.
        make_layer: None, or ``fn(factory, class_name, config) -> layer`` for the layers it makes
            itself (None: ``factory.make_standard`` makes every layer).
        convert_weights: None (its files store weights as the rebuilt layers hold them), or
            ``fn(pairs, legacy) -> pairs`` over ``[(target layer, stored layer name, [(name, array)])]``:
            the stored arrays in the layout of the layers they go into (``build.assign_weights``).
        optimizer_state: None (Keras 2.0.x's layout), or ``fn(legacy, class_name, variables) ->
            (iterations or None, {role: [arrays in the order of variables]})``, the optimizer state its
            file stores (``training.restore_slots``; roles as ``_keras/optimizers.py`` names them).
        layer_settings: None, or ``fn(layer config) -> {key: value}``: what one of its layer configs states
            of ``recurrent_defaults``' keys, where its configs name them otherwise (``targets``).
    """

    def __init__(self, name, keras_versions, rewrites, weights_only_fix, recurrent_defaults, evidence=None,
                 checks=(), custom_objects=None, make_layer=None, convert_weights=None, optimizer_state=None,
                 layer_settings=None):
        self.name = name
        self.keras_versions = tuple(keras_versions)
        self.rewrites = rewrites
        self.weights_only_fix = weights_only_fix
        self.recurrent_defaults = recurrent_defaults
        self.evidence = evidence
        self.checks = tuple(checks)
        self.custom_objects = dict(custom_objects or {})
        self.make_layer = make_layer
        self.convert_weights = convert_weights
        self.optimizer_state = optimizer_state
        self.layer_settings = layer_settings

    def __repr__(self):
        return "<Source %s>" % self.name
