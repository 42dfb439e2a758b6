"""tox's inline plugin: find pyenv's interpreters so that a plain `tox` works on a fresh machine.

Only one Python (3.11) is on PATH on the project's machines; TF 2.8-2.11 need 3.10, which
pyenv holds. Before tox looks for interpreters, this appends every pyenv version's bin/ to
PATH (after the default python3, which stays first), selects those versions for pyenv's
shims, and stops uv from downloading interpreters. Nothing happens where pyenv is absent.
"""

import os

from tox.plugin import impl


def _pyenv_setup(environ):
    root = environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    versions_dir = os.path.join(root, "versions")
    if not os.path.isdir(versions_dir):
        return
    versions = sorted(v for v in os.listdir(versions_dir) if v.startswith("3."))
    bins = [os.path.join(versions_dir, v, "bin") for v in versions]
    path = environ.get("PATH", "").split(os.pathsep)
    environ["PATH"] = os.pathsep.join(path + [b for b in bins if b not in path])
    if not environ.get("PYENV_VERSION"):
        # A pyenv shim (python3.10, ...) fails unless its version is selected; keep the default first.
        default_file = os.path.join(root, "version")
        default = open(default_file).read().split()[0] if os.path.isfile(default_file) else None
        ordered = ([default] if default in versions else []) + [v for v in versions if v != default]
        environ["PYENV_VERSION"] = ":".join(ordered)


@impl
def tox_add_core_config(core_conf, state):  # noqa: ARG001 - tox's hook signature
    _pyenv_setup(os.environ)
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
