"""Run mutated legacy files through inspect, load and convert; anything but a typed one-line error fails.

A case fails on: an exception that is not a ``LegacyFileError`` (``untyped``), a message of more
than one line or one that does not start with the file's path (``message``), an operation running
past the time limit (``hang``), the input file changed (``modified``), a Lambda's code having run
(``lambda``: the mutator's Lambdas would create a marker file), a partial or replaced output of
``convert`` (``output``).

The CI test (``test_fuzz.py``) runs a few hundred mutations; for a release, run more::

    python -m tests.io_fuzz.fuzz --n 5000 --seed 7            # from the repository root
    python -m tests.io_fuzz.fuzz --n 5000 --seed 7 --save tests/io_fuzz/corpus   # keep minimized failures

(or ``FUZZ_N=5000 FUZZ_SEED=7 pytest tests/io_fuzz``). Exit status 1 when any case failed.
"""

import argparse
import collections
import contextlib
import faulthandler
import hashlib
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
import zlib

try:
    from . import mutate
except ImportError:  # run as a plain script
    import mutate

#: Seconds one operation on one file may take before it counts as a hang.
TIME_LIMIT = float(os.environ.get("FUZZ_TIME_LIMIT", "30"))
OPS = ("inspect", "load", "load_package", "convert", "convert_existing")


class Hang(BaseException):
    """Raised by the watchdog in the operation that ran past the limit (not an Exception: nothing catches it)."""


def _on_alarm(signum, frame):
    raise Hang()


@contextlib.contextmanager
def watchdog(limit):
    """``Hang`` in the running code after ``limit`` s; the process is killed (with tracebacks) after 3x."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    faulthandler.dump_traceback_later(limit * 3, exit=True)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _operations(path, case, recipe):
    from compat_attention.io.loader import load_attention_package_model, load_legacy_model
    from compat_attention.io.operations import convert_legacy_model, inspect_legacy_file
    from compat_attention._keras.saving import SAVE_SUFFIXES

    out = os.path.join(case, "out" + SAVE_SUFFIXES[0])
    existing = os.path.join(case, "existing" + SAVE_SUFFIXES[0])
    return {
        "inspect": lambda: inspect_legacy_file(path),
        "load": lambda: load_legacy_model(path, compile=True),
        "load_package": lambda: load_attention_package_model(path, compile=True),
        "convert": lambda: convert_legacy_model(path, out),
        "convert_existing": lambda: convert_legacy_model(path, existing),
    }, out, existing


def _where(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    inner = [f for f in frames if "compat_attention" in f.filename] or frames
    last = inner[-1] if inner else None
    return "%s:%s %s" % (os.path.basename(last.filename), last.lineno, last.name) if last else "?"


def run_case(recipe, workdir, ops=OPS, time_limit=TIME_LIMIT):
    """Apply ``recipe`` in a fresh folder of ``workdir`` and run ``ops`` on it.

    Returns:
        ``(outcomes, failures)``: op -> ``'ok'`` or the error's class name; and a list of
        dicts ``{op, why, error, where, message}`` for what broke a rule.
    """
    from compat_attention import errors

    case = tempfile.mkdtemp(prefix="case-", dir=workdir)
    path = os.path.join(case, "model.h5")
    marker = os.path.join(case, "LAMBDA_RAN")
    outcomes, failures = {}, []
    try:
        mutate.apply(recipe, path, marker)
        digest = sha256(path)
        table, out, existing = _operations(path, case, recipe)
        with open(existing, "wb") as f:
            f.write(b"keep me")
        for op in ops:
            started = time.monotonic()
            try:
                with watchdog(time_limit):
                    table[op]()
                outcomes[op] = "ok"
                if op == "convert_existing":
                    failures.append(dict(op=op, why="output", error="-", where="-", message="no OutputExistsError"))
            except Hang:
                outcomes[op] = "hang"
                failures.append(dict(op=op, why="hang", error="Hang", where="-",
                                     message="over %.0f s" % (time.monotonic() - started)))
            except (KeyboardInterrupt, SystemExit):
                raise
            except errors.LegacyFileError as exc:
                outcomes[op] = type(exc).__name__
                message = str(exc)
                if "\n" in message or not (message.startswith(path + ": ") or message.startswith(case)):
                    failures.append(dict(op=op, why="message", error=type(exc).__name__, where=_where(exc),
                                         message=message[:300]))
            except BaseException as exc:  # noqa: B902 (the point: anything untyped is a finding)
                outcomes[op] = "untyped"
                failures.append(dict(op=op, why="untyped", error=type(exc).__name__, where=_where(exc),
                                     message=str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""))
            if os.path.exists(path) and sha256(path) != digest or not os.path.exists(path):
                failures.append(dict(op=op, why="modified", error="-", where="-", message="input changed"))
                digest = sha256(path) if os.path.exists(path) else None
            if os.path.exists(marker):
                failures.append(dict(op=op, why="lambda", error="-", where="-", message="Lambda code ran"))
                os.unlink(marker)
            if op == "convert" and outcomes[op] != "ok" and os.path.exists(out):
                failures.append(dict(op=op, why="output", error="-", where="-", message="output left behind"))
            if op == "convert_existing":
                with open(existing, "rb") as f:
                    if f.read() != b"keep me":
                        failures.append(dict(op=op, why="output", error="-", where="-", message="output replaced"))
            leftovers = [n for n in os.listdir(case) if ".tmp-" in n]
            if leftovers:
                failures.append(dict(op=op, why="output", error="-", where="-", message="left %s" % leftovers))
                for name in leftovers:
                    shutil.rmtree(os.path.join(case, name), ignore_errors=True)
    finally:
        shutil.rmtree(case, ignore_errors=True)
    return outcomes, failures


def _signature(failures):
    return sorted({(f["op"], f["why"], f["error"]) for f in failures})


def minimize(recipe, workdir, failures, ops=OPS):
    """A smaller recipe that fails the same way: steps dropped, byte edits thinned, while it still fails."""
    target = _signature(failures)

    def still_fails(candidate):
        return _signature(run_case(candidate, workdir, ops)[1]) == target

    current = json.loads(json.dumps(recipe))
    changed = True
    while changed:
        changed = False
        steps = current["steps"]
        for index in range(len(steps)):
            if len(steps) > 1:
                candidate = dict(current, steps=steps[:index] + steps[index + 1:])
                if still_fails(candidate):
                    current, changed = candidate, True
                    break
            step = steps[index]
            if step["kind"] == "bitflip" and len(step["offsets"]) > 1:
                half = len(step["offsets"]) // 2
                for part in (slice(None, half), slice(half, None)):
                    thinner = dict(step, offsets=step["offsets"][part], masks=step["masks"][part])
                    candidate = dict(current, steps=steps[:index] + [thinner] + steps[index + 1:])
                    if still_fails(candidate):
                        current, changed = candidate, True
                        break
                if changed:
                    break
    return current


def ops_for(recipe):
    """The attention package's loader runs on its own files (and on a quarter of the others, cheaply)."""
    if recipe["source"].startswith("tests/data/attention_pkg") or zlib.crc32(json.dumps(recipe, sort_keys=True).encode()) % 4 == 0:
        return OPS
    return tuple(op for op in OPS if op != "load_package")


def run(n, seed, workdir=None, save=None, log=None, clear_every=25):
    """Run ``n`` recipes of ``seed``; returns ``(counts, findings)``.

    counts: op -> Counter of outcomes; findings: list of ``(recipe, failures)``.
    """
    from compat_attention._keras.flavour import keras

    own = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="io-fuzz-")
    counts = collections.defaultdict(collections.Counter)
    findings = []
    saved = set()
    try:
        for index, recipe in enumerate(mutate.recipes(n, seed)):
            outcomes, failures = run_case(recipe, workdir, ops_for(recipe))
            for op, outcome in outcomes.items():
                counts[op]["ok" if outcome == "ok" else outcome if outcome in ("untyped", "hang") else "typed"] += 1
            if failures:
                findings.append((recipe, failures))
                if log:
                    print("FAIL %d %s %s" % (index, json.dumps(recipe)[:300], failures), file=log, flush=True)
                kind = frozenset((f["why"], f["error"], f["where"]) for f in failures)
                if save and kind not in saved:  # one minimized recipe per way of failing
                    saved.add(kind)
                    small = minimize(recipe, workdir, failures, ops_for(recipe))
                    name = "seed%d_case%d.json" % (seed, index)
                    with open(os.path.join(save, name), "w") as f:
                        json.dump({"recipe": small, "failures": failures}, f, indent=1)
            if clear_every and (index + 1) % clear_every == 0:
                keras.backend.clear_session()
    finally:
        if own:
            shutil.rmtree(workdir, ignore_errors=True)
    return counts, findings


def summary(counts):
    lines = []
    for op in OPS:
        if op in counts:
            c = counts[op]
            lines.append("%-16s ok %4d  typed %4d  untyped %4d  hang %d" % (op, c["ok"], c["typed"], c["untyped"], c["hang"]))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("FUZZ_N", "300")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "0")))
    parser.add_argument("--save", default=None,
                        help="folder for minimized failing recipes (JSON), one per way of failing")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    started = time.time()
    counts, findings = run(args.n, args.seed, save=args.save, log=sys.stdout)
    print(summary(counts))
    kinds = collections.Counter((f["op"], f["why"], f["error"], f["where"]) for _, fs in findings for f in fs)
    for key, count in kinds.most_common():
        print("%5d  %s" % (count, " ".join(map(str, key))))
    print("%d cases, %d failing, %.0f s" % (args.n, len(findings), time.time() - started))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
