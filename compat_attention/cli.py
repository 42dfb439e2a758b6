"""The ``compat-attention`` command line: a thin shell over ``compat_attention.files``."""

import argparse
import os
import sys

from .errors import LegacyFileError


def _cmd_info(args):
    import compat_attention

    print("compat_attention %s on %s" % (compat_attention.__version__, compat_attention.keras_description()))
    return 0


def _cmd_inspect(args):
    from .files import inspect_legacy_file

    report = inspect_legacy_file(args.file)
    print("%s: Keras %s file (%s backend), %s%s" % (
        report["path"], report["keras_version"], report["backend"], report["kind"],
        " " + report["model_class"] if report["model_class"] else ""))
    print("optimizer state: %s" % ("yes" if report["has_optimizer_weights"] else "no"))
    print("\n%-28s %-18s %s" % ("layer", "class", "weights"))
    for layer in report["layers"]:
        shapes = ", ".join("x".join(str(d) for d in s) or "scalar" for s in layer["weights"]) or "-"
        print("%-28s %-18s %s" % (layer["name"], layer["class"], shapes))
    print("\nrewrites for %s:" % report["running"])
    for item in report["rewrites"] or [{"rewrite": "none needed", "layer": None, "fact": ""}]:
        where = " (%s)" % item["layer"] if item["layer"] else ""
        print("  - %s%s: %s" % (item["rewrite"], where, item["fact"]))
    if report["lambdas"]:
        print("\nLambda layers %s hold marshaled bytecode; loading runs it. Use --allow-lambda only for "
              "files you trust, or rebuild them in code and load the weights." % report["lambdas"])
    return 0


def _cmd_convert(args):
    from .files import convert_legacy_model

    out = convert_legacy_model(args.file, args.out, overwrite=args.overwrite, allow_lambda=args.allow_lambda)
    print("wrote %s" % out)
    return 0


def _cmd_verify(args):
    from .files import verify_legacy_model

    result = verify_legacy_model(args.file, args.io, tolerance=args.tolerance, allow_lambda=args.allow_lambda)
    steps = " ".join("%.2g" % v for v in result["per_step"])
    print("max abs diff per time step: %s" % steps)
    print("%s: max abs diff %.3g against %s (tolerance %g): %s" % (
        args.file, result["max_abs_diff"], args.io, args.tolerance, "OK" if result["ok"] else "FAILED"))
    return 0 if result["ok"] else 1


def _cmd_demo(args):
    import json

    from .demo import plot_losses, run_demo

    result = run_demo(repeats=args.repeats, pairs=args.pairs, seed=args.seed, verbose=0 if args.quiet else 2)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    try:
        print("loss plot: %s" % plot_losses(result["losses"], args.png))
    except ImportError as exc:
        print("no loss plot: %s" % exc)
    return 0


class _Refused(Exception):
    """A request the CLI refuses; ``main`` prints its one-line message and exits 1."""


def _cmd_plot(args):
    from .files import load_model_file
    from .plot import attention_model, plot_attention, read_inputs

    inputs = read_inputs(args.input, args.key)
    if not 0 <= args.index < len(inputs):
        raise _Refused("%s: --index %d but the file holds %d examples; pass 0..%d"
                       % (args.input, args.index, len(inputs), len(inputs) - 1))
    model = load_model_file(args.model, allow_lambda=args.allow_lambda)
    try:
        probe = attention_model(model, args.layer)
    except ValueError as exc:
        raise _Refused("%s: %s" % (args.model, exc))
    attention = probe.predict(inputs[args.index:args.index + 1], verbose=0)
    labels = lambda text: text.split() if text else None  # noqa: E731
    try:
        plot_attention(attention[0], labels(args.input_labels), labels(args.output_labels), path=args.out,
                       title="%s, example %d" % (os.path.basename(args.model), args.index))
    except (ImportError, ValueError) as exc:
        raise _Refused(str(exc))
    print("wrote %s (%d decoded steps x %d encoder steps)" % (args.out, attention.shape[1], attention.shape[2]))
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="compat-attention",
        description="The legacy Keras AttentionDecoder on modern Keras: inspect, convert and verify old .h5 files.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    demo = sub.add_parser("demo", help="reproduce the tutorial's attention-vs-baseline table on this Keras")
    demo.add_argument("--repeats", type=int, default=2, help="training repeats per model (tutorial: 10; default 2)")
    demo.add_argument("--pairs", type=int, default=5000, help="random training pairs per model (tutorial: 5000)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--png", default="attention_vs_baseline_loss.png", help="where to write the loss plot")
    demo.add_argument("--json", default=None, help="also write the accuracies and losses here")
    demo.add_argument("--quiet", action="store_true", help="no Keras progress output")
    demo.set_defaults(func=_cmd_demo)

    info = sub.add_parser("info", help="print the versions of compat_attention and of the Keras it runs on")
    info.set_defaults(func=_cmd_info)

    inspect = sub.add_parser("inspect", help="describe a legacy .h5: versions, layers, rewrites (runs nothing)")
    inspect.add_argument("file")
    inspect.set_defaults(func=_cmd_inspect)

    convert = sub.add_parser("convert", help="load a legacy .h5 and save it for the running Keras (atomic)")
    convert.add_argument("file")
    convert.add_argument("out", help="output path; .keras (Keras 3) or .h5/.keras (tf.keras)")
    convert.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    convert.add_argument("--allow-lambda", action="store_true", help="run Lambda bytecode from a trusted file")
    convert.set_defaults(func=_cmd_convert)

    verify = sub.add_parser("verify", help="predict the stored x of an .npz and compare with its y")
    verify.add_argument("file")
    verify.add_argument("--io", required=True, help=".npz with arrays x and y")
    verify.add_argument("--tolerance", type=float, default=1e-5, help="largest accepted max abs diff (1e-5)")
    verify.add_argument("--allow-lambda", action="store_true", help="run Lambda bytecode from a trusted file")
    verify.set_defaults(func=_cmd_verify)

    plot = sub.add_parser("plot", help="heatmap PNG of an AttentionDecoder's attention for one input")
    plot.add_argument("model", help="a model file (.h5 of any Keras 2.x, or .keras)")
    plot.add_argument("--input", required=True, help=".npy, or .npz (array x, or --key), of model inputs")
    plot.add_argument("--key", default=None, help="the array to read from an .npz")
    plot.add_argument("--index", type=int, default=0, help="which example to plot (default 0)")
    plot.add_argument("--layer", default=None, help="the decoder's name, if the model has several")
    plot.add_argument("--input-labels", default=None, help="space-separated labels of the encoder steps")
    plot.add_argument("--output-labels", default=None, help="space-separated labels of the decoded steps")
    plot.add_argument("--out", default="attention.png", help="the PNG to write (default attention.png)")
    plot.add_argument("--allow-lambda", action="store_true", help="run Lambda code from a trusted file")
    plot.set_defaults(func=_cmd_plot)
    return parser


def main(argv=None):
    """Run the CLI; returns the exit code (0 ok, 1 a check failed or a file was refused)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (LegacyFileError, _Refused) as exc:
        print("compat-attention %s: error: %s" % (args.command, exc), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
