"""The migration rules: small named source rewrites, one family of legacy facts per module.

Each rule is a :class:`~compat_attention.migrate.rules.base.Rule` subclass (a LibCST transformer)
carrying its ``name``, ``fact``, ``targets`` and ``triggers``; the tables it applies live in
:mod:`compat_attention.migrate.spec`, and the order rules run in is the list
:data:`compat_attention.migrate.pipeline.RULES`. Importing a rule module registers nothing.
"""
