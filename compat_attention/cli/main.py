"""The ``compat-attention`` command line (also ``python -m compat_attention``): parser and dispatch.

One refusal path: every error the package raises on purpose (``CompatAttentionError``) is
printed as one line, ``compat-attention COMMAND: error: ...``, and the exit code is 1.
"""

import argparse
import sys

from ..errors import CompatAttentionError
from . import commands


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
    demo.set_defaults(func=commands.cmd_demo)

    info = sub.add_parser("info", help="print the versions of compat_attention and of the Keras it runs on")
    info.set_defaults(func=commands.cmd_info)

    inspect = sub.add_parser("inspect", help="describe a legacy .h5: versions, layers, rewrites (runs nothing)")
    inspect.add_argument("file")
    inspect.set_defaults(func=commands.cmd_inspect)

    convert = sub.add_parser("convert", help="load a legacy .h5 and save it for the running Keras (atomic)")
    convert.add_argument("file")
    convert.add_argument("out", help="output path; .keras (Keras 3) or .h5/.keras (tf.keras)")
    convert.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    convert.add_argument("--allow-lambda", action="store_true", help="run Lambda bytecode from a trusted file")
    convert.set_defaults(func=commands.cmd_convert)

    verify = sub.add_parser("verify", help="predict the stored x of an .npz and compare with its y")
    verify.add_argument("file")
    verify.add_argument("--io", required=True, help=".npz with arrays x and y")
    verify.add_argument("--tolerance", type=float, default=1e-5, help="largest accepted max abs diff (1e-5)")
    verify.add_argument("--allow-lambda", action="store_true", help="run Lambda bytecode from a trusted file")
    verify.set_defaults(func=commands.cmd_verify)

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
    plot.set_defaults(func=commands.cmd_plot)
    return parser


def main(argv=None):
    """Run the CLI; returns the exit code (0 ok, 1 a check failed or a file was refused)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CompatAttentionError as exc:
        print("compat-attention %s: error: %s" % (args.command, exc), file=sys.stderr)
        return 1
