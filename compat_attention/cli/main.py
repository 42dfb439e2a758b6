"""The ``compat-attention`` command line (also ``python -m compat_attention``): parser and dispatch.

One refusal path: every error the package raises on purpose (``CompatAttentionError``) is
printed as one line, ``compat-attention COMMAND: error: ...``, and the exit code is 1.
"""

import argparse
import contextlib
import os
import sys

from ..errors import CompatAttentionError
from ..migrate import command as migrate_command
from . import commands


def build_parser():
    parser = argparse.ArgumentParser(
        prog="compat-attention",
        description="The legacy Keras AttentionDecoder on modern Keras: migrate old programs; "
                    "inspect, convert, verify and plot old .h5 files.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    # The commands that run Keras: TensorFlow's start-up log lines are hidden unless --verbose.
    keras_parent = argparse.ArgumentParser(add_help=False)
    keras_parent.add_argument("--verbose", action="store_true", help="show TensorFlow's and Keras' log lines")
    keras_parent.set_defaults(needs_keras=True)

    def keras_command(name, **kwargs):
        return sub.add_parser(name, parents=[keras_parent], **kwargs)

    demo = keras_command("demo", help="reproduce the tutorial's attention-vs-baseline table on this Keras")
    demo.add_argument("--repeats", type=positive_int, default=2, help="training repeats per model (tutorial: 10; default 2)")
    demo.add_argument("--pairs", type=positive_int, default=5000, help="random training pairs per model (tutorial: 5000)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--png", default="attention_vs_baseline_loss.png", help="where to write the loss plot")
    demo.add_argument("--json", default=None, help="also write the accuracies and losses here")
    demo.add_argument("--progress", action="store_true", help="show Keras' progress bars while training")
    demo.set_defaults(func=commands.cmd_demo)

    info = keras_command("info", help="print the versions of compat_attention and of the Keras it runs on")
    info.set_defaults(func=commands.cmd_info)

    inspect = keras_command("inspect", help="describe a legacy .h5: versions, layers, rewrites (runs nothing)")
    inspect.add_argument("file")
    inspect.set_defaults(func=commands.cmd_inspect)

    convert = keras_command("convert", help="load a legacy .h5 and save it for the running Keras (atomic)")
    convert.add_argument("file")
    convert.add_argument("out", help="output path; .keras (Keras 3) or .h5/.keras (tf.keras)")
    convert.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    convert.add_argument("--allow-lambda", action="store_true", help="run Lambda bytecode from a trusted file")
    convert.set_defaults(func=commands.cmd_convert)

    verify = keras_command("verify", help="predict the stored x of an .npz and compare with its y")
    verify.add_argument("file")
    verify.add_argument("--io", required=True, help=".npz with arrays x and y")
    verify.add_argument("--tolerance", type=float, default=1e-5, help="largest accepted max abs diff (1e-5)")
    verify.add_argument("--allow-lambda", action="store_true", help="run Lambda bytecode from a trusted file")
    verify.set_defaults(func=commands.cmd_verify)

    plot = keras_command("plot", help="heatmap PNG of an AttentionDecoder's attention for one input")
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

    migrate_command.add_parser(sub)
    return parser


def positive_int(text):
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("%r is not a positive integer" % text)
    return value


@contextlib.contextmanager
def native_stderr_hidden(hide=True):
    """Send what C++ libraries write to file descriptor 2 to the null device for a while.

    TensorFlow prints its start-up lines (absl, oneDNN, CPU features) from C++ when it is
    imported, before ``TF_CPP_MIN_LOG_LEVEL`` applies; Python's own ``sys.stderr`` is kept.
    """
    if not hide:
        yield
        return
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def start_keras(verbose=False):
    """Import Keras (and its backend) quietly unless ``verbose``; one-line ``UsageError`` if it cannot."""
    if not verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        with native_stderr_hidden(hide=not verbose):
            import compat_attention.objects  # noqa: F401 - Keras, the backend, and our registered classes
    except ImportError as exc:
        raise CompatAttentionError(str(exc).strip().splitlines()[0])
    if not verbose:
        from .._keras.flavour import quiet_logs

        quiet_logs()


def main(argv=None):
    """Run the CLI; returns the exit code (0 ok, 1 a check failed or a file was refused).

    Args:
        argv: the arguments (default ``sys.argv[1:]``).

    Returns:
        The exit code. Argument errors exit 2 through argparse, before Keras is imported.
    """
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "needs_keras", False):
            start_keras(verbose=args.verbose)
        return args.func(args)
    except CompatAttentionError as exc:
        print("compat-attention %s: error: %s" % (args.command, exc), file=sys.stderr)
        return 1
