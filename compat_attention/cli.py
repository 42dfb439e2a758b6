"""The ``compat-attention`` command line: a thin shell over the library."""

import argparse
import sys


def _cmd_info(args):
    import compat_attention

    print("compat_attention %s on %s" % (compat_attention.__version__, compat_attention.keras_description()))
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="compat-attention",
        description="The legacy Keras AttentionDecoder on modern Keras: inspect, convert and verify old .h5 files.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    info = sub.add_parser("info", help="print the versions of compat_attention and of the Keras it runs on")
    info.set_defaults(func=_cmd_info)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
