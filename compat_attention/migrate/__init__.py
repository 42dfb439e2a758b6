"""``compat-attention migrate``: rewrite whole Keras 2.0.x programs for modern Keras.

The rules of :data:`~compat_attention.migrate.pipeline.RULES` (small named classes, each fixing
one legacy fact from the tables of :mod:`~compat_attention.migrate.spec`) run in order over the
program's LibCST tree, so comments and formatting survive. What a rule cannot migrate safely is
reported as an :class:`Issue` (file, line, what, why, what to do), never guessed. Only
``libcst`` is imported here: no Keras, no TensorFlow.
"""

from .api import migrate_file, migrate_source, resolve_target, sibling_resolver
from .engine import TARGETS, migrate_module_text
from .notebooks import NotebookResult, migrate_notebook_text
from .pipeline import RULES, Rule
from .project import scan_project
from .report import Issue, MigrationResult
from .source import SourceFile, read_source

__all__ = ["Issue", "MigrationResult", "NotebookResult", "RULES", "Rule", "SourceFile", "TARGETS", "migrate_source",
           "migrate_file", "read_source", "resolve_target", "sibling_resolver", "migrate_module_text",
           "migrate_notebook_text", "scan_project"]
