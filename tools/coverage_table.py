#!/usr/bin/env python3
"""MIGRATION.md's coverage lists: every Keras 2.0.8 layer class, and every class of each legacy era.

Reads the zoo's manifest (``legacy_reference/zoo/manifest.json``: the layer classes Keras 2.0.8
shipped, and for each case the classes it holds and what a loader must do) and pytest junit
reports of ``tests/io_zoo/test_zoo.py`` (each passing ``match`` case records a ``max_abs_diff``
property). A class is

* ``loaded``: every zoo case holding it matched Keras 2.0.8's outputs within 1e-5 in every report;
* ``refused (Error)``: the cases holding it are refused with that typed ``LegacyFileError``;
* ``gap``: a case holding it failed, or is a known gap (xfail), in some report.

Usage::

    python tools/coverage_table.py [--junit ENV=report.xml ...] [--print]

Without ``--junit`` it reads ``.tox/reports/{env}.xml`` for every env of tox.ini's envlist that
has one. Without ``--print`` it rewrites MIGRATION.md between ``<!-- coverage:start -->`` and
``<!-- coverage:end -->``. Standard library only.
"""

import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "legacy_reference", "zoo", "manifest.json")
START = "<!-- coverage:start -->"
END = "<!-- coverage:end -->"
TEST_FILE = "test_zoo"

FAMILIES = [
    ("core", "Activation ActivityRegularization Dense Dropout Flatten InputLayer Lambda Masking Permute "
             "RepeatVector Reshape SpatialDropout1D SpatialDropout2D SpatialDropout3D"),
    ("convolutional", "Conv1D Conv2D Conv2DTranspose Conv3D Conv3DTranspose Cropping1D Cropping2D Cropping3D "
                      "SeparableConv2D UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D "
                      "ZeroPadding3D"),
    ("pooling", "AveragePooling1D AveragePooling2D AveragePooling3D GlobalAveragePooling1D GlobalAveragePooling2D "
                "GlobalAveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D MaxPooling1D "
                "MaxPooling2D MaxPooling3D"),
    ("recurrent", "ConvLSTM2D GRU LSTM SimpleRNN"),
    ("embeddings", "Embedding"),
    ("merge", "Add Average Concatenate Dot Maximum Multiply Subtract"),
    ("advanced activations", "ELU LeakyReLU PReLU ThresholdedReLU"),
    ("normalization", "BatchNormalization"),
    ("noise", "AlphaDropout GaussianDropout GaussianNoise"),
    ("wrappers", "Bidirectional TimeDistributed"),
    ("local", "LocallyConnected1D LocallyConnected2D"),
    ("legacy (Keras 1, deprecated in 2.0)", "Highway MaxoutDense Merge"),
    ("models as layers", "Model Sequential"),
]


def family_of(name):
    for family, names in FAMILIES:
        if name in names.split():
            return family
    return "other"


def read_junit(path):
    """``{case name: (outcome, max_abs_diff or None)}`` for the zoo's match/refuse tests of one report."""
    results = {}
    root = ET.parse(path).getroot()
    for test in root.iter("testcase"):
        if TEST_FILE not in test.get("classname", "") or "[" not in test.get("name", ""):
            continue
        kind, case = test.get("name").split("[", 1)
        case = case.rstrip("]")
        if kind not in ("test_zoo_case_matches_keras_2_0_8", "test_zoo_case_is_refused_with_one_typed_line"):
            continue
        if test.find("skipped") is not None:
            outcome = "xfail" if "xfail" in (test.find("skipped").get("type", "") + test.find("skipped").get(
                "message", "")).lower() else "skipped"
        elif test.find("failure") is not None or test.find("error") is not None:
            outcome = "failed"
        else:
            outcome = "passed"
        diff = None
        for prop in test.iter("property"):
            if prop.get("name") == "max_abs_diff":
                diff = float(prop.get("value"))
            if prop.get("name") == "refused_with":
                REFUSED_WITH.setdefault(case, set()).add(prop.get("value"))
        results[case] = (outcome, diff)
    return results


def envlist():
    import configparser
    import re

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(ROOT, "tox.ini"))
    return [n for n in re.split(r"[,\s]+", parser.get("tox", "envlist", fallback="")) if n]


#: The classes whose zoo cases a loader must refuse (the generator's REFUSED; a nested model is
#: listed under Sequential).
REFUSED_CLASSES = ("Lambda", "Sequential")


def build(manifest, reports):
    """Markdown lines of the coverage list, from the manifest and ``{env: read_junit(...)}``."""
    cases = manifest["cases"]
    classes = list(manifest["keras_layer_classes"])
    rows = []
    counts = {"loaded": 0, "refused": 0, "gap": 0, "untested": 0}
    for name in sorted(classes, key=lambda n: ([f for f, _ in FAMILIES].index(family_of(n))
                                              if family_of(n) != "other" else 99, n)):
        # a model used as a layer is listed under its class (Sequential or Model) in the case's classes
        names = ("Model", "Sequential") if name == "Model" else (name,)
        holding = [c for c in cases if any(n in c["classes"] for n in names)]
        outcomes = [(env, c["name"]) + reports[env].get(c["name"], ("missing", None))
                    for env in sorted(reports) for c in holding]
        diffs = [d for _, _, o, d in outcomes if d is not None and o == "passed"]
        own = [c for c in holding if c["expect"] == "refuse" and any(n in REFUSED_CLASSES for n in names)]
        if not holding or not reports:
            status = "untested"
        elif own:
            bad = [o for _, n, o, _ in outcomes if n in {c["name"] for c in own} and o != "passed"]
            status = "gap" if bad else "refused (%s)" % ", ".join(
                sorted(set().union(*[REFUSED_WITH.get(c["name"], {c["error"]}) for c in own])))
        elif name not in ("Model", "Sequential") and all(
                o in ("passed", "xfail") for _, n, o, _ in outcomes if CASE_EXPECT.get(n) == "match") and any(
                o == "passed" and CASE_EXPECT.get(n) == "match" for _, n, o, _ in outcomes) and any(
                CASE_EXPECT.get(n) == "match" for _, n, _, _ in outcomes):
            status = "loaded"
        else:
            status = "gap"
        counts[status.split(" ")[0]] += 1
        match_cases = [c["name"] for c in holding if c["expect"] == "match"][:3]
        extra = len([c for c in holding if c["expect"] == "match"]) - len(match_cases)
        shown = ", ".join("`%s`" % n for n in (match_cases or [c["name"] for c in holding][:2]))
        rows.append("| %s | %s | %s | %s%s | %s |" % (
            name, family_of(name), status, shown, " +%d" % extra if extra > 0 else "",
            "%.1e" % max(diffs) if diffs else "-"))
    head = [
        "Every layer class Keras 2.0.8 shipped (`keras.layers`, %d classes), from the genuine Keras 2.0.8 "
        "files of `legacy_reference/zoo/` (%d cases) as `tests/io_zoo/test_zoo.py` last ran on %s: "
        "**%d loaded** with Keras 2.0.8's numbers (max abs diff over every case and env, tolerance 1e-5), "
        "**%d refused** with a typed one-line `LegacyFileError`, %d gap(s), %d untested. "
        "Generated by `tools/coverage_table.py`; do not edit by hand."
        % (len(classes), len(cases), ", ".join(sorted(reports)) or "no report", counts["loaded"], counts["refused"],
           counts["gap"], counts["untested"]),
        "",
        "| class | family | status | zoo cases | max abs diff |",
        "| --- | --- | --- | --- | --- |",
    ]
    return head + rows


CASE_EXPECT = {}
REFUSED_WITH = {}  # case -> the typed errors the reports recorded


def rewrite(path, lines, start=START, end=END):
    with open(path) as f:
        text = f.read()
    if start not in text or end not in text:
        raise SystemExit("%s has no %s ... %s markers" % (path, start, end))
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(before + start + "\n" + "\n".join(lines) + "\n" + end + after)


# -- the eras: one column per genuine stack (tests/io_eras/test_eras.py) -----------------------------
ERAS = os.path.join(ROOT, "legacy_reference", "eras")
ERA_START, ERA_END = "<!-- era-coverage:start -->", "<!-- era-coverage:end -->"
ERA_TESTS = {"test_era_model_file_predicts_what_its_stack_predicted": "match",
             "test_era_refusal_is_one_typed_line_naming_the_file": "refuse"}


def read_era_junit(path):
    """``{(era, case): (outcome, max_abs_diff or None)}`` for the era match/refuse tests of one report."""
    results = {}
    for test in ET.parse(path).getroot().iter("testcase"):
        kind, _, rest = test.get("name", "").partition("[")
        if "test_eras" not in test.get("classname", "") or kind not in ERA_TESTS or "/" not in rest:
            continue
        era, case = rest.rstrip("]").split("/", 1)
        skipped = test.find("skipped")
        outcome = ("xfail" if skipped is not None and "xfail" in (skipped.get("type", "") + skipped.get(
            "message", "")).lower() else "skipped" if skipped is not None else
            "failed" if test.find("failure") is not None or test.find("error") is not None else "passed")
        diffs = [float(p.get("value")) for p in test.iter("property") if p.get("name") == "max_abs_diff"]
        results[(era, case)] = (outcome, diffs[0] if diffs else None)
    return results


def era_lines(manifests, reports):
    """Markdown of the class x era table: ``loaded`` (every case holding the class matched its stack's
    outputs in every report), ``refused`` (its cases are refused, typed), ``gap`` (a case failed or
    is a known gap), ``-`` (no case of that era holds it; the manifests' ``uncovered`` say why)."""
    eras = sorted(manifests)
    classes = sorted({cls for m in manifests.values() for c in m["cases"] for cls in c["classes"]})
    cells, worst = {}, {}
    for era in eras:
        for cls in classes:
            holding = [c for c in manifests[era]["cases"] if cls in c["classes"] and c.get("kind", "model") == "model"]
            outcomes = [report[era, c["name"]] + (c["expect"],)  # a tier that did not run a case says nothing
                        for report in reports.values() for c in holding if (era, c["name"]) in report]
            if not holding:
                cells[era, cls] = "-"
            elif not outcomes:
                cells[era, cls] = "untested"
            elif any(o not in ("passed",) for o, _, _ in outcomes):
                cells[era, cls] = "gap"
            elif all(e == "refuse" for _, _, e in outcomes):
                cells[era, cls] = "refused"
            else:
                cells[era, cls] = "loaded"
            worst[era] = max([d for _, d, _ in outcomes if d is not None] + [worst.get(era, 0.0)])
    head = ["Every layer class in a genuine file of `legacy_reference/eras/` (%d classes, %d eras), as "
            "`tests/io_eras/test_eras.py` last ran on %s: `loaded` with its own stack's numbers (within 1e-5, or "
            "one float32 step where 1e-5 is below float32's resolution), `refused` in one typed line, `gap` "
            "(a known gap or a failure in some report), `-` (no file of that era holds it); the last row is the largest difference "
            "over the era's loaded cases (mixed-precision cases carry their recorded tolerance). Generated by "
            "`tools/coverage_table.py`; do not edit by hand." % (len(classes), len(eras), ", ".join(sorted(reports))
                                                                    or "no report"),
            "",
            "| class | " + " | ".join(eras) + " |",
            "| --- |" + " --- |" * len(eras)]
    rows = ["| %s | %s |" % (cls, " | ".join(cells[era, cls] for era in eras)) for cls in classes]
    foot = ["| max abs diff | %s |" % " | ".join("%.1e" % worst.get(era, 0.0) for era in eras)]
    return head + rows + foot


def era_manifests():
    found = {}
    for era in sorted(os.listdir(ERAS)):
        path = os.path.join(ERAS, era, "manifest.json")
        if os.path.isfile(path):
            with open(path) as f:
                found[era] = json.load(f)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--junit", action="append", default=[], metavar="ENV=PATH")
    parser.add_argument("--print", action="store_true", help="print the table instead of rewriting MIGRATION.md")
    args = parser.parse_args(argv)
    with open(MANIFEST) as f:
        manifest = json.load(f)
    CASE_EXPECT.update({c["name"]: c["expect"] for c in manifest["cases"]})
    reports = {}
    if args.junit:
        for item in args.junit:
            env, path = item.split("=", 1)
            found = read_junit(path)
            if found:  # an env that ran no zoo test (attention_pkg) says nothing about coverage
                reports[env] = found
    else:
        for env in envlist():
            path = os.path.join(ROOT, ".tox", "reports", env + ".xml")
            if os.path.exists(path):
                found = read_junit(path)
                if found:
                    reports[env] = found
    lines = build(manifest, reports)
    paths = [item.split("=", 1) for item in args.junit] or [
        (env, os.path.join(ROOT, ".tox", "reports", env + ".xml")) for env in envlist()]
    era_reports = {env: found for env, path in paths if os.path.exists(path) for found in [read_era_junit(path)]
                   if found}
    eras = era_lines(era_manifests(), era_reports)
    if args.print:
        print("\n".join(lines + [""] + eras))
    else:
        rewrite(os.path.join(ROOT, "MIGRATION.md"), lines)
        rewrite(os.path.join(ROOT, "MIGRATION.md"), eras, ERA_START, ERA_END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
