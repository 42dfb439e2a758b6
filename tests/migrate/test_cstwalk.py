"""cstwalk's walks are LibCST's own, less the punctuation, and rebuild only what changed.

Held to LibCST on the migrate corpus, the migrate package's own source and a program written to
use every kind of statement and expression whose fields LibCST lists out of source order
(decorators, class bases, keyword arguments, conditional expressions, ``except``, ``match``,
positional-only parameters, type aliases where the running Python has them).
"""

import sys
from pathlib import Path

import libcst as cst
import pytest

from compat_attention.migrate import cstwalk

ROOT = Path(__file__).resolve().parents[2]
SYNTAX = '''\
"""doc"""
from . import sibling
from .pkg import (a as b,
                  c)  # comment
import os.path as osp, sys


@decorator(arg, key=value)
@other.decorator
def f(p, /, q: int = 1, *args, r, s=f"{x!r:>{width}}", **kwargs) -> "ret":
    global G
    y = a if b(c) else d(e)
    z = [i * j for i in range(3) if i for j in (lambda k=1, *, m: k + m)(i)]
    w = {k: v for k, v in pairs}
    try:
        pass
    except (ValueError, TypeError) as error:
        raise RuntimeError(error) from error
    else:
        del y[0], z[1:2:3]
    finally:
        return (yield from gen())


class C(Base, metaclass=Meta, **extra):
    attr: int = 1
    async def g(self, *, n=(walrus := 3)):
        async with ctx() as (u, v):
            async for item in aiter():
                await item
    match command.split():
        case [action, *rest] if action == "go":
            pass
        case {"key": value, **others}:
            pass
        case Point(x=0, y=yy) | None:
            pass
        case _:
            assert False, "message"
x = a @ b; x += not c or -d ** e
print(*args, sep="", **{"end": ""})
'''
SYNTAX_312 = "type Alias[T: int] = list[T]\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n"
#: What the walks leave out: whitespace, punctuation and operators (no rule reads them).
PUNCTUATION = tuple(getattr(cst, n) for n in (
    "BaseParenthesizableWhitespace", "TrailingWhitespace", "EmptyLine", "Comment", "Newline", "Comma", "Colon",
    "Semicolon", "AssignEqual", "Dot", "LeftParen", "RightParen", "LeftSquareBracket", "RightSquareBracket",
    "LeftCurlyBrace", "RightCurlyBrace", "BaseBinaryOp", "BaseBooleanOp", "BaseCompOp", "BaseUnaryOp",
    "BaseAugOp", "ImportStar", "Asynchronous", "ParamSlash", "ParamStar", "AnnAssign") if hasattr(cst, n))


def _programs():
    texts = [("syntax", SYNTAX)]
    if sys.version_info >= (3, 12):
        texts.append(("syntax_312", SYNTAX_312))
    for path in sorted((ROOT / "tests" / "migrate_corpus").rglob("*.py")) + sorted(
            (ROOT / "compat_attention" / "migrate").rglob("*.py")):
        texts.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return texts


PROGRAMS = _programs()


class _Order(cst.CSTVisitor):
    def __init__(self):
        self.order = []

    def on_visit(self, node):
        self.order.append(node)
        return True


@pytest.mark.parametrize("name,text", PROGRAMS, ids=[n for n, _ in PROGRAMS])
def test_the_walk_visits_what_libcst_visits_in_its_order_but_punctuation(name, text):
    module = cst.parse_module(text)
    ours, libcsts = _Order(), _Order()
    cstwalk.visit(module, ours)
    module.visit(libcsts)
    walked = {id(node) for node in ours.order}
    assert len(walked) == len(ours.order)  # each node once
    assert ours.order == [node for node in libcsts.order if id(node) in walked]
    left_out = {type(node).__name__ for node in libcsts.order if id(node) not in walked}
    assert all(issubclass(getattr(cst, n), PUNCTUATION) for n in left_out), left_out
    if name == "syntax":
        assert {"Name", "Arg", "Decorator", "Param", "MatchCase", "IfExp", "ExceptHandler"} <= {
            type(node).__name__ for node in ours.order}


class _Renamer(cst.CSTTransformer):
    """Renames every name ``a``/``x``, drops every ``pass`` and each aliased name of a longer import, splits ``del``."""

    def leave_Name(self, original, updated):
        return updated.with_changes(value="renamed") if updated.value in ("a", "x") else updated

    def leave_Pass(self, original, updated):
        return cst.RemoveFromParent()

    def leave_Import(self, original, updated):
        kept = [alias for alias in updated.names if alias.asname is None]
        return updated.with_changes(names=kept) if kept else updated

    def leave_Del(self, original, updated):
        return cst.FlattenSentinel([updated, cst.Expr(cst.Name("after_del"))])


@pytest.mark.parametrize("name,text", PROGRAMS[:4], ids=[n for n, _ in PROGRAMS[:4]])
def test_transform_writes_what_libcsts_visit_writes_and_keeps_unchanged_nodes(name, text):
    module = cst.parse_module(text)
    ours = cstwalk.transform(module, _Renamer())
    assert cstwalk.code(ours) == module.visit(_Renamer()).code
    assert cstwalk.code(module) == module.code == text
    if "pass" in text or " x" in text:
        assert ours is not module
    untouched = [s for s in module.body if not _touched(s)]
    kept = {id(s) for s in ours.body}
    assert untouched and all(id(s) in kept for s in untouched)  # shared, not rebuilt


def _touched(statement):
    found = []

    class Touched(cst.CSTVisitor):
        def on_visit(self, node):
            if isinstance(node, (cst.Pass, cst.Del, cst.Import)) or (
                    isinstance(node, cst.Name) and node.value in ("a", "x")):
                found.append(node)
            return True

    statement.visit(Touched())
    return bool(found)


def test_nothing_changed_returns_the_same_tree():
    module = cst.parse_module(SYNTAX)
    assert cstwalk.transform(module, cst.CSTTransformer()) is module


def test_a_required_child_cannot_be_removed():
    class DropCallee(cst.CSTTransformer):
        def leave_Name(self, original, updated):
            return cst.RemoveFromParent() if original.value == "f" else updated

    with pytest.raises(TypeError, match="Call.func cannot be removed"):
        cstwalk.transform(cst.parse_module("f(1)\n"), DropCallee())
