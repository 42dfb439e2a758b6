#!/usr/bin/env python3
"""The README's compatibility table, built from the reports of the last ``tox`` run.

Two sub-commands:

``record ENV OUT.json``
    Run inside a tox env (tox.ini does it before pytest): write the versions the
    env runs on (Python, TensorFlow, Keras, Keras flavour and backend) to
    ``OUT.json``, and print the one-line description.

``table`` (the default)
    Read ``.tox/reports/{env}.xml`` (pytest's junit report; the fidelity tests
    record a ``max_abs_diff`` property per golden case) and ``.tox/reports/{env}.json``
    for every env of tox.ini's ``envlist``, build a markdown table and rewrite the
    README between ``<!-- compat-table:start -->`` and ``<!-- compat-table:end -->``
    (``--print`` prints it instead).

Standard library only, so ``table`` runs on any Python 3.8+.
"""

import argparse
import configparser
import datetime
import json
import os
import platform
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START = "<!-- compat-table:start -->"
END = "<!-- compat-table:end -->"


# -- record (inside a tox env) ---------------------------------------------------------------

def _module_version(name):
    try:
        module = __import__(name)
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return None
    return getattr(module, "__version__", None)


def record(env, out):
    from compat_attention._keras import flavour as _compat  # the installed package: it must import on this env

    backend = _compat.BACKEND
    data = {
        "env": env,
        "python": platform.python_version(),
        "tensorflow": _compat.TF_VERSION,
        "keras": _compat.KERAS_VERSION,
        "flavour": _compat.FLAVOUR,
        "backend": backend,
        # The TensorFlow backend's version is the "tensorflow" entry.
        "backend_version": None if backend == "tensorflow" else _module_version(backend),
        "numpy": _module_version("numpy"),
        "description": _compat.describe(),
    }
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    print("%s: %s on Python %s" % (env, data["description"], data["python"]))


# -- table -----------------------------------------------------------------------------------

def envlist(tox_ini):
    """The envs of tox.ini's ``envlist``, in order (plain names and commas/newlines only)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(tox_ini)
    raw = parser.get("tox", "envlist", fallback="")
    return [name.strip() for name in re.split(r"[,\s]+", raw) if name.strip()]


def read_junit(path, prop_name="max_abs_diff", exclude="io_eras"):
    """Counts and the largest ``prop_name`` property of a pytest junit report (and how many), leaving out the
    tests whose class name holds ``exclude`` (the era files, each compared with its own stack, have their own
    table in MIGRATION.md, made by ``tools/coverage_table.py``)."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        for key in counts:
            counts[key] += int(suite.get(key, 0))
    diffs = []
    for case in root.iter("testcase"):
        if exclude and exclude in case.get("classname", ""):
            continue
        for prop in case.iter("property"):
            if prop.get("name") == prop_name:
                diffs.append(float(prop.get("value")))
    counts["passed"] = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    return counts, (max(diffs) if diffs else None), len(diffs)


def _result(counts):
    parts = ["%d passed" % counts["passed"]]
    if counts["failures"]:
        parts.append("**%d failed**" % counts["failures"])
    if counts["errors"]:
        parts.append("**%d errors**" % counts["errors"])
    if counts["skipped"]:
        parts.append("%d skipped" % counts["skipped"])
    return ", ".join(parts)


def _keras_cell(info):
    flavour = {"tf.keras": "tf.keras", "tf_keras": "tf_keras", "keras3": "Keras"}.get(info.get("flavour"), "")
    return ("%s %s" % (flavour, info.get("keras") or "?")).strip()


def _backend_cell(info):
    backend = info.get("backend") or "?"
    if info.get("backend_version"):
        return "%s %s" % (backend, info["backend_version"])
    return backend


def missing_reports(reports_dir, envs):
    """The envs of ``envs`` without a junit report in ``reports_dir``."""
    return [env for env in envs if not os.path.exists(os.path.join(reports_dir, env + ".xml"))]


def build_table(reports_dir, envs, wall_time=None):
    """Markdown lines for ``envs`` (plus any other env with a report in ``reports_dir``).

    Args:
        reports_dir: where tox wrote ``{env}.xml`` and ``{env}.json``.
        envs: tox.ini's envlist, in order.
        wall_time: the whole run's wall time in seconds (``.ci/run`` prints it), or None.
    """
    found = sorted(os.path.splitext(n)[0] for n in os.listdir(reports_dir) if n.endswith(".xml")) \
        if os.path.isdir(reports_dir) else []
    order = list(envs) + [e for e in found if e not in envs]
    lines = [
        "| env | TensorFlow | Keras | backend | Python | numpy | tests | max abs diff vs golden"
        " | `Attention` vs attention 5.0.0 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    stamps = []
    for env in order:
        xml_path = os.path.join(reports_dir, env + ".xml")
        json_path = os.path.join(reports_dir, env + ".json")
        info = {}
        if os.path.exists(json_path):
            with open(json_path) as f:
                info = json.load(f)
        if not os.path.exists(xml_path):
            lines.append("| %s | %s | %s | %s | %s | %s | **no report** (env did not run, or failed to install) | – | – |"
                         % (env, info.get("tensorflow") or "–", _keras_cell(info) if info else "–",
                            _backend_cell(info) if info else "–", info.get("python", "–"), info.get("numpy", "–")))
            continue
        counts, diff, n_diffs = read_junit(xml_path)
        for suite in ET.parse(xml_path).getroot().iter("testsuite"):
            if suite.get("timestamp"):
                stamps.append(suite.get("timestamp")[:10])
        diff_cell = "%.1e (%d cases)" % (diff, n_diffs) if diff is not None else "–"
        _, package_diff, n_package = read_junit(xml_path, "attention_pkg_max_abs_diff")
        package_cell = "%.1e (%d checks)" % (package_diff, n_package) if package_diff is not None else "–"
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            env, info.get("tensorflow") or "–", _keras_cell(info), _backend_cell(info),
            info.get("python", "?"), info.get("numpy", "?"), _result(counts), diff_cell, package_cell))
    when = max(stamps) if stamps else datetime.date.today().isoformat()
    lines.append("")
    run = " The whole run (`bash .ci/run`) took %d s." % wall_time if wall_time else ""
    lines.append("Tolerance 1e-5. Generated %s from `.tox/reports/` by `python tools/compat_table.py`.%s"
                 % (when, run))
    return lines


def rewrite_readme(readme, lines):
    with open(readme) as f:
        text = f.read()
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SystemExit("%s: markers %s ... %s not found" % (readme, START, END))
    new = text[:start + len(START)] + "\n" + "\n".join(lines) + "\n" + text[end:]
    if new != text:
        with open(readme, "w") as f:
            f.write(new)
    return new != text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    rec = sub.add_parser("record", help="write the running env's versions to a JSON file")
    rec.add_argument("env")
    rec.add_argument("out")
    tab = sub.add_parser("table", help="rewrite the README table from .tox/reports (the default)")
    for p in (parser, tab):
        p.add_argument("--reports", default=os.path.join(ROOT, ".tox", "reports"))
        p.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
        p.add_argument("--tox-ini", default=os.path.join(ROOT, "tox.ini"))
        p.add_argument("--print", action="store_true", help="print the table, leave the README alone")
        p.add_argument("--wall-time", type=int, default=None, help="the run's wall time in seconds, for the note")
        p.add_argument("--partial", action="store_true",
                       help="rewrite the README even though some envs have no report (they show as 'no report')")
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.env, args.out)
        return 0
    envs = envlist(args.tox_ini)
    lines = build_table(args.reports, envs, wall_time=args.wall_time)
    missing = missing_reports(args.reports, envs)
    if args.print:
        print("\n".join(lines))
    elif missing and not args.partial:
        print("%s: table unchanged: no report for %s in %s (run the whole matrix, or pass --partial)"
              % (args.readme, ", ".join(missing), args.reports), file=sys.stderr)
        return 1
    else:
        changed = rewrite_readme(args.readme, lines)
        print("%s: table %s" % (args.readme, "rewritten" if changed else "unchanged"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
