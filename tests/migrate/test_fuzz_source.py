"""A seeded fuzzer of the rewriter (issue 26): mutated corpus programs and generated ones with unusual but valid
syntax (walrus, match, f-strings, decorators, star-args, unicode identifiers, very long lines, deep nesting).

Properties, for every case: no exception escapes (a problem is a one-line report), the output parses when the
input did, migrating the output again changes nothing, and the parts of a program with no Keras in them come
out byte-identical.
"""

import random
from pathlib import Path

import libcst as cst
import pytest

from compat_attention.migrate import migrate_source
from compat_attention.migrate.report import Issue

CORPUS = sorted((Path(__file__).resolve().parent.parent / "migrate_corpus").glob("*.py"))
CASES = 120

KERAS_SNIPPETS = [
    "from keras.layers.core import Dense\nlayer = Dense(output_dim=3, init='uniform')\n",
    "from keras import backend as K\ndef loss(y, p):\n    return K.mean(K.square(y - p), axis=-1)\n",
    "from keras.models import Model\nfrom keras.layers import Input, merge\na = Input((3,))\n"
    "m = Model(input=a, output=merge([a, a], mode='sum'))\n",
    "from keras.optimizers import SGD\nopt = SGD(lr=0.1, decay=1e-4, momentum=0.9)\n",
    "import keras\nmodel.fit_generator(gen, 100, nb_epoch=5, nb_worker=2)\n",
    "from keras.layers import *\nx = LSTM(32, return_sequences=True, consume_less='gpu')(inp)\n",
    "from keras.callbacks import ModelCheckpoint\ncb = ModelCheckpoint('w.h5', save_weights_only=True)\n",
]

#: Code with no Keras: each must come out exactly as it went in.
FILLERS = [
    "if (n := len(items)) > 3:\n    print(f\"{n!r:>{width}} items, {items[0]['k']=}\")\n",
    "match command.split():\n    case [\"go\", direction] if direction in DIRS:\n        move(direction)\n"
    "    case {\"x\": x, **rest}:\n        pass\n    case _:\n        pass\n",
    "@decorator(arg, *extra, key=lambda v: v ** 2)\n@other\nasync def handler(a, /, b=1, *args, c, **kw):\n"
    "    async with lock:\n        return [await f(x) async for x in gen() if x]\n",
    "données = {'π': 3.14159, 'naïve': True}\nλ = lambda *a, **k: (a, k)\nprint(*données, sep='\\u00e9')\n",
    "VALUES = [" + ", ".join(str(i * 7 % 1000) for i in range(400)) + "]  # a very long line\n",
    "nested = " + "(" * 40 + "1" + ")" * 40 + " + " + "[" * 30 + "]" * 30 + "\n",
    "class Meta(type):\n    def __new__(mcs, name, bases, ns, **kw):\n        return super().__new__(mcs, name, bases, ns)\n"
    "\n\nclass Thing(metaclass=Meta):\n    x: int = 0\n    y: 'list[str]'\n",
    "try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle\nglobal_value = 1\n"
    "def f():\n    global global_value\n    global_value += 1\n    del global_value\n",
    "s = b'\\x00bytes' rb'\\raw'\nu = '''tri\nple''' \"implicit\" 'concat'\nt = 1_000_000 + 0x_ff + 1e-3j\n",
    "with open(a) as f, open(b) as g:\n    for i, (x, *rest) in enumerate(zip(f, g)):\n        yield from rest\n",
]


def _token_edit(rng, text):
    """One random line-level edit of a program: drop, duplicate, swap or indent-shift a line."""
    lines = text.splitlines(True)
    if len(lines) < 3:
        return text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    edit = rng.choice(("drop", "duplicate", "swap", "words"))
    if edit == "drop":
        del lines[i]
    elif edit == "duplicate":
        lines.insert(i, lines[i])
    elif edit == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    else:  # swap two words of a line
        words = lines[i].split(" ")
        if len(words) > 2:
            a, b = rng.randrange(len(words)), rng.randrange(len(words))
            words[a], words[b] = words[b], words[a]
            lines[i] = " ".join(words)
    return "".join(lines)


def make_case(seed):
    """``(source, filler or None)``: a mutated corpus program, or Keras snippets around a Keras-free filler."""
    rng = random.Random(seed)
    if seed % 3 == 0:
        text = CORPUS[rng.randrange(len(CORPUS))].read_text(encoding="utf-8")
        for _ in range(rng.randint(1, 4)):
            text = _token_edit(rng, text)
        return text, None
    snippets = rng.sample(KERAS_SNIPPETS, rng.randint(1, 3))
    filler = rng.choice(FILLERS)
    marker = "# --- untouched part %d ---\n" % seed
    head = "".join(snippets[:1])
    tail = "".join(snippets[1:])
    return head + "\n" + marker + filler + marker + "\n" + tail, marker + filler + marker


def _parses(text):
    try:
        cst.parse_module(text)
    except Exception:  # noqa: BLE001 - any refusal counts as not parsing
        return False
    return True


@pytest.mark.parametrize("target", ["keras3", "keras2"])
def test_fuzzed_programs_keep_every_property(target):
    stats = {"parsed": 0, "changed": 0, "filler": 0}
    for seed in range(CASES):
        source, filler = make_case(seed + (0 if target == "keras3" else 10000))
        result = migrate_source(source, target=target, path="case%d.py" % seed)  # never raises
        assert all(isinstance(i, Issue) and "\n" not in i.format() for i in result.issues), seed
        if not _parses(source):
            assert result.code == source, seed
            continue
        stats["parsed"] += 1
        stats["changed"] += result.changed
        assert _parses(result.code), (seed, result.code)
        again = migrate_source(result.code, target=target, path="case%d.py" % seed)
        assert again.code == result.code, (seed, result.code)
        if filler is not None:
            stats["filler"] += 1
            assert filler in result.code, (seed, result.code)
    # the fuzzer reaches what it is for: most cases parse, most of those get rewritten
    assert stats["parsed"] > CASES * 0.7 and stats["changed"] > stats["parsed"] * 0.6 and stats["filler"] == 80


def test_what_libcst_refuses_after_parsing_is_a_parse_report():
    """Found by this fuzzer: LibCST raised CSTValidationError (not a syntax error) out of the rewriter."""
    result = migrate_source("import keras\ns = b'bytes' 'text'\n", target="keras3", path="mixed.py")
    assert not result.changed and [(i.line, i.rule) for i in result.issues] == [(2, "parse")]
    assert "does not parse as Python 3 (cannot mix bytes and nonbytes literals)" in result.issues[0].what
