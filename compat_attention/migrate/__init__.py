"""``compat-attention migrate``: rewrite whole Keras 2.0.x programs for modern Keras.

A pipeline of small named rules (``compat_attention.migrate.rules.RULES``), each fixing one
legacy fact, runs over the program's LibCST tree, so comments and formatting survive.
What a rule cannot migrate safely is reported as an :class:`Issue` (file, line, what, why,
what to do), never guessed. Only ``libcst`` is imported here: no Keras, no TensorFlow.
"""

from .api import migrate_file, migrate_source, resolve_target, sibling_resolver
from .engine import TARGETS, migrate_module_text
from .report import Issue, MigrationResult
from .rules.pipeline import RULES, Rule

__all__ = ["Issue", "MigrationResult", "RULES", "Rule", "TARGETS", "migrate_source", "migrate_file",
           "resolve_target", "sibling_resolver", "migrate_module_text"]
