"""The migration rules: small named source rewrites, one family of legacy facts per module.

Each rule is registered with :func:`registry.rule` as ``Rule(name, fact, targets, transformer)``:
``fact`` is the legacy fact it fixes, ``targets`` the Keras generations it runs for
(``'keras2'``: tf.keras 2.8-2.15; ``'keras3'``), ``transformer`` a
:class:`~compat_attention.migrate.rules.base.RuleTransformer` subclass. ``pipeline.RULES`` keeps the
pipeline order (the order ``pipeline.py`` imports the modules, then registration order).
"""
