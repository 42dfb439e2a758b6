"""Speed and memory of ``compat-attention migrate`` on a generated tree of Keras 2.0-era programs.

    python benchmarks/migrate_bench.py                      # 60,000 lines, seed 0, --jobs 2
    python benchmarks/migrate_bench.py --lines 120000 --jobs 4 --json out.json
    python benchmarks/migrate_bench.py --keep /tmp/tree     # also keep the generated tree

What it does, in this order:

1. generates (seeded) a tree of projects: each project a few programs built from the
   repository's Keras 2.0 templates (``tests/migrate_corpus``, ``examples``) -- their imports,
   settings, functions and classes mixed, numbers varied, plus a copied legacy attention module
   beside the programs that import it -- at least ``--lines`` lines in all;
2. the floor: LibCST's own ``parse_module`` + ``Module.code`` of every file, in this process,
   one core (the least any LibCST rewriter must spend); and the name analysis of every parsed
   file, migrate's one walk (``bindings.Names``) against LibCST's ``ScopeProvider`` +
   ``QualifiedNameProvider`` (what it replaces, for speed);
3. ``migrate_module_text`` of every file in this process, one core (ratio to the floor);
4. the command a user runs, ``python -m compat_attention migrate --check`` over the tree, in a
   fresh interpreter, with ``--jobs 1`` and ``--jobs N``: wall time, lines/s, files/s and the
   peak resident memory of any one of its processes;
5. ``migrate --help`` and a no-change ``--check`` of a small file (wall time of the command);
6. one generated file as large as the default size limit admits (``--check``): wall time and
   peak memory.

It prints a table (and writes JSON with ``--json``). In-process steps are timed in CPU seconds
(robust to other work on a shared machine); commands in wall seconds, with the CPU seconds of
all their processes beside them. Run it on a quiet machine for wall times that mean something.
"""

import argparse
import ast
import io
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
TEMPLATE_DIRS = ("tests/migrate_corpus", "examples")
#: Copied legacy attention modules: written beside the programs, never mixed into them.
LEGACY_MODULES = ("attention_decoder", "custom_recurrents")


# -- the corpus ------------------------------------------------------------------------------
class Template:
    """A program split into top-level parts: docstring, imports, settings, definitions, main code."""

    def __init__(self, name, text):
        self.name, self.lines = name, text.splitlines(True)
        tree = ast.parse(text)
        self.docstring, self.future, self.imports = "", [], []
        self.settings, self.definitions, self.main = [], [], []
        previous_end = 0
        for index, stmt in enumerate(tree.body):
            start = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])]) - 1
            while start > previous_end and self.lines[start - 1].lstrip().startswith("#"):
                start -= 1  # the comment lines just above belong to the statement
            chunk = "".join(self.lines[start:stmt.end_lineno])
            previous_end = stmt.end_lineno
            if index == 0 and isinstance(stmt, ast.Expr) and isinstance(getattr(stmt, "value", None), ast.Constant):
                self.docstring = chunk
            elif isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                self.future.append(chunk)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)) or (
                    isinstance(stmt, ast.Try) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in stmt.body)):
                self.imports.append(chunk)
            elif isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
                self.definitions.append(chunk)
            elif isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and not self.definitions:
                self.settings.append(chunk)
            else:
                self.main.append(chunk)


def templates():
    """The repository's Keras 2.0-era programs (and the copied legacy modules, apart)."""
    programs, modules = [], {}
    for folder in TEMPLATE_DIRS:
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if not name.endswith(".py"):
                continue
            with open(os.path.join(ROOT, folder, name), encoding="utf-8") as handle:
                text = handle.read()
            if name[:-3] in LEGACY_MODULES:
                modules[name[:-3]] = text
            else:
                programs.append(Template(name[:-3], text))
    return programs, modules


def vary_numbers(text, rng):
    """``text`` with about a third of its integer literals (outside strings) changed."""
    out, tokens = [], tokenize.generate_tokens(io.StringIO(text).readline)
    edits = []
    for token in tokens:
        if token.type == tokenize.NUMBER and token.string.isdigit() and rng.random() < 0.35:
            value = int(token.string)
            edits.append((token.start, token.end, str(max(1, value + rng.randint(-value // 2, value + 3)))))
    lines = text.splitlines(True)
    for (row, col), (end_row, end_col), new in reversed(edits):
        if row == end_row:
            line = lines[row - 1]
            lines[row - 1] = line[:col] + new + line[end_col:]
    out.append("".join(lines))
    return out[0]


def _rename_definitions(chunk, suffix):
    match = re.match(r"((?:[ \t]*(?:#.*|@.*)\n)*)(def|class) (\w+)", chunk)
    if match is None:
        return chunk
    return chunk[:match.start(3)] + match.group(3) + suffix + chunk[match.end(3):]


def program(rng, pool, index):
    """One generated program's text: 2-4 templates' parts mixed."""
    chosen = rng.sample(pool, rng.randint(2, 4))
    parts = [chosen[0].docstring or '"""Generated Keras 2.0 program %d."""\n' % index]
    seen = set()
    for group in ("future", "imports"):
        for template in chosen:
            for chunk in getattr(template, group):
                if chunk not in seen:
                    seen.add(chunk)
                    parts.append(chunk)
    parts.append("\n")
    for template in chosen:
        parts.extend(getattr(template, "settings"))
    names = set()
    for round_ in range(rng.randint(1, 2)):
        for template in chosen:
            for chunk in template.definitions:
                if rng.random() < 0.8:
                    head = re.search(r"(?:def|class) (\w+)", chunk).group(1)
                    if head in names:
                        chunk = _rename_definitions(chunk, "_%d_%d" % (index, round_))
                    names.add(head)
                    parts.append("\n\n" + chunk)
    parts.append("\n\n")
    parts.extend(rng.choice(chosen).main or ["pass\n"])
    text = "".join(p if p.endswith("\n") else p + "\n" for p in parts)
    return vary_numbers(text, rng)


def generate(folder, lines=60000, seed=0):
    """Write a tree of generated projects under ``folder``.

    Args:
        folder: where (created).
        lines: the least number of lines in all.
        seed: the random seed (the same seed gives the same tree).

    Returns:
        ``(files, lines)`` written.
    """
    rng = random.Random(seed)
    pool, modules = templates()
    total, files, project = 0, 0, 0
    while total < lines:
        here = os.path.join(folder, "project%03d" % project, "src" if project % 3 == 0 else "")
        os.makedirs(here, exist_ok=True)
        for index in range(rng.randint(3, 9)):
            text = program(rng, pool, files)
            with open(os.path.join(here, "prog%02d.py" % index), "w", encoding="utf-8") as handle:
                handle.write(text)
            total, files = total + text.count("\n"), files + 1
        for name, text in modules.items():
            with open(os.path.join(here, name + ".py"), "w", encoding="utf-8") as handle:
                handle.write(text)
            total, files = total + text.count("\n"), files + 1
        project += 1
    return files, total


def big_file(path, size, seed=0):
    """One generated program of at most ``size`` bytes (the templates' definitions repeated and renamed)."""
    rng = random.Random(seed)
    pool, _ = templates()
    parts, written, n = [], 0, 0
    for template in pool:
        for chunk in template.imports:
            parts.append(chunk)
    written = sum(len(p) + 1 for p in parts)
    while True:  # as large as ``size`` admits: a chunk that would pass it ends the file
        template = rng.choice(pool)
        chunks = [_rename_definitions(chunk, "_%d" % (n + i)) for i, chunk in enumerate(template.definitions)]
        grown = sum(len(chunk) + 3 for chunk in chunks)
        if written + grown > size:
            break
        parts.extend("\n\n" + chunk for chunk in chunks)
        written += grown
        n += len(chunks)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("".join(p if p.endswith("\n") else p + "\n" for p in parts))


# -- measuring -------------------------------------------------------------------------------
def python_files(folder):
    for base, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".py"):
                yield os.path.join(base, name)


#: In-process steps are timed in CPU seconds of this process (``time.process_time``): on a machine
#: shared with other work, wall time measures the others too.
clock = time.process_time


def floor_seconds(paths):
    """LibCST's parse + print of every file, one core."""
    import libcst as cst

    texts = [open(p, encoding="utf-8").read() for p in paths]
    start = clock()
    for text in texts:
        cst.parse_module(text).code
    return clock() - start


def names_seconds(paths):
    """Name analysis of every (parsed) file: ``(bindings.Names, LibCST ScopeProvider+QualifiedNameProvider)``
    seconds, one core, parsing not counted: why migrate keeps its own one-walk analysis (tests/migrate/
    test_bindings.py holds it equal to the providers)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider

    from compat_attention.migrate.bindings import Names

    modules = [cst.parse_module(open(p, encoding="utf-8").read()) for p in paths]
    start = clock()
    for module in modules:
        Names(module).imported_roots()
    ours = clock() - start
    start = clock()
    for module in modules:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        wrapper.resolve(ScopeProvider), wrapper.resolve(QualifiedNameProvider)
    return ours, clock() - start


def api_seconds(paths, target):
    """``migrate_module_text`` of every file in this process, one core (sibling modules resolved)."""
    from compat_attention.migrate import api, engine

    texts = [(p, open(p, encoding="utf-8").read()) for p in paths]
    start = clock()
    for path, text in texts:
        engine.migrate_module_text(text, target, path, api.sibling_resolver(path))
    return clock() - start


def command(argv, env=None):
    """Run ``python -m compat_attention ARGV``; returns (seconds, exit code, peak RSS MiB of any of its processes)."""
    script = ("import resource, subprocess, sys, time\n"
              "start = time.perf_counter()\n"
              "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
              "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
              "print(time.perf_counter() - start, code, use.ru_maxrss, use.ru_utime + use.ru_stime)\n")
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    out = subprocess.run([sys.executable, "-c", script, sys.executable, "-m", "compat_attention"] + argv,
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2]) / 1024.0, float(out[3])


def has_option(option):
    out = subprocess.run([sys.executable, "-m", "compat_attention", "migrate", "--help"], capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=ROOT)).stdout
    return option in out


def best_of(repeats, fn):
    results = [fn() for _ in range(repeats)]
    return min(results, key=lambda r: r[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=60000, help="the least number of lines (default 60000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="--jobs for the parallel run (default 2)")
    parser.add_argument("--target", default="keras3")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each command; the fastest counts")
    parser.add_argument("--big-size", type=int, default=None,
                        help="bytes of the large single file (default: the tool's default size limit)")
    parser.add_argument("--skip-api", action="store_true", help="leave out the in-process run (3.)")
    parser.add_argument("--json", default=None, help="also write the numbers here")
    parser.add_argument("--keep", default=None, help="generate the tree here (kept) instead of a temporary folder")
    args = parser.parse_args(argv)

    work = args.keep or tempfile.mkdtemp(prefix="migrate_bench_")
    tree = os.path.join(work, "tree")
    if os.path.exists(tree):
        shutil.rmtree(tree)
    files, lines = generate(tree, args.lines, args.seed)
    paths = list(python_files(tree))
    rows = {"files": files, "lines": lines, "seed": args.seed, "target": args.target,
            "python": platform.python_version(), "cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}

    import libcst

    rows["libcst"] = getattr(libcst, "__version__", None) or _dist_version("libcst")
    rows["floor_s"] = min(floor_seconds(paths) for _ in range(max(1, args.repeats)))
    rows["names_s"], rows["libcst_scope_s"] = names_seconds(paths)
    if not args.skip_api:
        rows["api_s"] = min(api_seconds(paths, args.target) for _ in range(max(1, args.repeats)))
    jobs = has_option("--jobs")
    check = ["migrate", "--check", "--target", args.target, tree]
    for n in sorted({1, args.jobs}):
        argv = check + (["--jobs", str(n)] if jobs else [])
        if not jobs and n != 1:
            continue
        seconds, code, peak, cpu = best_of(args.repeats, lambda: command(argv))
        rows["cli_jobs%d" % n] = {"s": seconds, "exit": code, "peak_mib": peak, "cpu_s": cpu}
    small = os.path.join(work, "small.py")
    with open(small, "w", encoding="utf-8") as handle:
        handle.write("import numpy as np\nfrom keras.layers import Dense\n\nlayer = Dense(units=3)\n")
    help_run = best_of(args.repeats, lambda: command(["migrate", "--help"]))
    small_run = best_of(args.repeats, lambda: command(["migrate", "--check", "--target", args.target, small]))
    rows["help_s"], rows["help_cpu_s"] = help_run[0], help_run[3]
    rows["small_check_s"], rows["small_check_cpu_s"] = small_run[0], small_run[3]
    size = args.big_size or _default_size_limit()
    if size:
        big = os.path.join(work, "big.py")
        big_file(big, size, args.seed)
        seconds, code, peak, cpu = command(["migrate", "--check", "--target", args.target, big])
        with open(big, encoding="utf-8") as handle:
            rows["big"] = {"bytes": os.path.getsize(big), "lines": sum(1 for _ in handle), "s": seconds, "exit": code,
                           "peak_mib": peak, "cpu_s": cpu}
    rows["load_after"] = os.getloadavg()[0]
    print(table(rows))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _dist_version(name):
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _default_size_limit():
    try:
        from compat_attention.migrate import limits
    except ImportError:
        return None
    return limits.DEFAULT_MAX_BYTES


def table(rows):
    lines, files = rows["lines"], rows["files"]
    out = ["corpus: %d files, %d lines (seed %d), target %s; Python %s, libcst %s, %s CPUs, load %.2f -> %.2f" % (
        files, lines, rows["seed"], rows["target"], rows["python"], rows["libcst"], rows["cpus"],
        rows["load_before"], rows["load_after"]),
        "%-46s %9s %10s %9s %9s %9s %9s" % ("run", "seconds", "lines/s", "files/s", "x floor", "peak MiB",
                                            "CPU s"),
        "(in-process rows: CPU seconds of one core; command rows: wall seconds, and the CPU seconds of all "
        "its processes)"]
    floor = rows["floor_s"]

    def row(name, seconds, peak=None, cpu=None):
        out.append("%-46s %9.2f %10.0f %9.1f %9.2f %9s %9s" % (
            name, seconds, lines / seconds, files / seconds, seconds / floor, "%.0f" % peak if peak else "-",
            "%.2f" % cpu if cpu is not None else "-"))
    row("LibCST parse+print (floor, in-process, 1 core)", floor)
    if "names_s" in rows:
        row("  names: bindings.Names (one walk)", rows["names_s"])
        row("  names: LibCST Scope+QualifiedName providers", rows["libcst_scope_s"])
    if "api_s" in rows:
        row("migrate_module_text (in-process, 1 core)", rows["api_s"])
    for key in sorted(k for k in rows if k.startswith("cli_jobs")):
        row("migrate --check --jobs %s (command)" % key[len("cli_jobs"):], rows[key]["s"], rows[key]["peak_mib"],
            rows[key].get("cpu_s"))
    out.append("%-46s %9.2f %50.2f" % ("migrate --help (command)", rows["help_s"], rows["help_cpu_s"]))
    out.append("%-46s %9.2f %50.2f" % ("migrate --check small.py (command)", rows["small_check_s"],
                                       rows["small_check_cpu_s"]))
    if "big" in rows:
        big = rows["big"]
        out.append("%-46s %9.2f %10.0f %9s %9s %9.0f %9.2f   exit %d" % (
            "one file of %.0f KB, %d lines (command)" % (big["bytes"] / 1024.0, big["lines"]), big["s"],
            big["lines"] / big["s"], "-", "-", big["peak_mib"], big["cpu_s"], big["exit"]))
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
