"""Shared helpers of the migrate tests."""

import textwrap

from compat_attention.migrate import migrate_source


def migrate(source, target="keras3", modules=None):
    """Migrate dedented ``source``; returns the MigrationResult."""
    return migrate_source(textwrap.dedent(source), target=target, path="prog.py", modules=modules)


def code(source, target="keras3", modules=None):
    """The migrated text, after checking that it has no issues and is stable when migrated again."""
    result = migrate(source, target, modules)
    assert result.issues == [], [i.format() for i in result.issues]
    again = migrate_source(result.code, target=target, path="prog.py", modules=modules)
    assert again.code == result.code, "not idempotent:\n" + again.code
    return result.code


def issues(source, target="keras3", modules=None):
    """The (rule, line) pairs reported."""
    return [(i.rule, i.line) for i in migrate(source, target, modules).issues]


def dedent(text):
    return textwrap.dedent(text)
