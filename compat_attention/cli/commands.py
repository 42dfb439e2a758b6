"""The commands of ``compat-attention``: each parses nothing, prints a little, returns an exit code.

Each imports what it needs when it runs, so ``--help`` stays cheap.
"""

import os

from ..errors import UsageError


def cmd_info(args):
    from .._keras.flavour import describe
    from .._version import __version__

    print("compat_attention %s on %s" % (__version__, describe()))
    return 0


def cmd_inspect(args):
    from ..io.operations import inspect_legacy_file

    report = inspect_legacy_file(args.file)
    print("%s: Keras %s file (%s backend), %s%s" % (
        report["path"], report["keras_version"], report["backend"], report["kind"],
        " " + report["model_class"] if report["model_class"] else ""))
    print("read as: %s" % report["source"])
    print("optimizer state: %s" % ("yes" if report["has_optimizer_weights"] else "no"))
    print("\n%-28s %-18s %s" % ("layer", "class", "weights"))
    for layer in report["layers"]:
        shapes = ", ".join("x".join(str(d) for d in s) or "scalar" for s in layer["weights"]) or "-"
        print("%-28s %-18s %s" % (layer["name"], layer["class"], shapes))
    print("\nrewrites for %s:" % report["running"])
    if report["kind"] == "weights":
        print("  none: a weights-only file has no config to rewrite")
    elif not report["rewrites"]:
        print("  none needed")
    for item in report["rewrites"]:
        where = " (%s)" % item["layer"] if item["layer"] else ""
        print("  - %s%s: %s" % (item["rewrite"], where, item["fact"]))
    if report["lambdas"]:
        print("\nLambda layers %s hold marshaled bytecode; loading runs it. Use --allow-lambda only for "
              "files you trust, or rebuild them in code and load the weights." % report["lambdas"])
    return 0


def cmd_convert(args):
    from ..errors import OutputExistsError
    from ..io.operations import convert_legacy_model

    if os.path.exists(args.out) and not os.path.isdir(args.out) and not args.overwrite:
        raise OutputExistsError(args.out, "already exists", "choose another path or pass --overwrite")
    out = convert_legacy_model(args.file, args.out, overwrite=args.overwrite, allow_lambda=args.allow_lambda)
    print("wrote %s" % out)
    return 0


def cmd_verify(args):
    from ..io.operations import verify_legacy_model

    result = verify_legacy_model(args.file, args.io, tolerance=args.tolerance, allow_lambda=args.allow_lambda)
    steps = " ".join("%.2g" % v for v in result["per_step"])
    print("max abs diff per time step: %s" % steps)
    print("%s: max abs diff %.3g against %s (tolerance %g): %s" % (
        args.file, result["max_abs_diff"], args.io, args.tolerance, "OK" if result["ok"] else "FAILED"))
    return 0 if result["ok"] else 1


def cmd_demo(args):
    import json

    from .demo import plot_losses, run_demo

    if args.progress:
        print("Keras' progress bars show `acc`, the share of single steps right; the table below counts "
              "whole sequences (all 5 steps right), as the tutorial did.")
    result = run_demo(repeats=args.repeats, pairs=args.pairs, seed=args.seed, verbose=2 if args.progress else 0)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    try:
        print("loss plot: %s" % plot_losses(result["losses"], args.png))
    except ImportError as exc:
        print("no loss plot: %s" % exc)
    return 0


def cmd_plot(args):
    from ..io.operations import load_model_file
    from ..plot import attention_model, plot_attention, read_inputs

    inputs = read_inputs(args.input, args.key)
    if not 0 <= args.index < len(inputs):
        raise UsageError("%s: --index %d but the file holds %d examples; pass 0..%d"
                       % (args.input, args.index, len(inputs), len(inputs) - 1))
    model = load_model_file(args.model, allow_lambda=args.allow_lambda)
    try:
        probe = attention_model(model, args.layer)
    except UsageError as exc:
        raise UsageError("%s: %s" % (args.model, exc))
    attention = probe.predict(inputs[args.index:args.index + 1], verbose=0)
    labels = lambda text: text.split() if text else None  # noqa: E731
    try:
        plot_attention(attention[0], labels(args.input_labels), labels(args.output_labels), path=args.out,
                       title="%s, example %d" % (os.path.basename(args.model), args.index))
    except ImportError as exc:
        raise UsageError(str(exc))
    print("wrote %s (%d decoded steps x %d encoder steps)" % (args.out, attention.shape[1], attention.shape[2]))
    return 0
