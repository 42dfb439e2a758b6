"""A newcomer's first hour: the command line answers fast and quietly, and says one line when refusing.

Each test runs the command as a user would (a subprocess: ``python -m compat_attention``) or
through ``main`` with the output captured, and checks the exit code, that no traceback and no
TensorFlow log line is printed, and what the one line says.
"""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

from compat_attention import AttentionDecoder
from compat_attention._keras.flavour import BACKEND, KERAS_3
from compat_attention.cli import main as cli
from legacy_reference import oracle

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(*args, env=None, code=None):
    """Run ``python -m compat_attention ARGS`` (or ``python -c CODE``) from the repository root."""
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "compat_attention"] + list(args)
    environment = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
    environment.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as a newcomer's shell: nothing set
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


def test_help_and_argument_errors_do_not_import_keras():
    script = (
        "import sys\n"
        "sys.argv = ['compat-attention', '--help']\n"  # as the console script starts
        "from compat_attention.cli.main import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    print('exit', exit.code)\n"
        "print('imported:', sorted(m for m in ('keras', 'tensorflow', 'tf_keras', 'jax', 'torch') if m in sys.modules))\n"
    )
    done = _run(code=script)
    assert done.returncode == 0, done.stderr
    assert "migrate" in done.stdout and "exit 0" in done.stdout
    assert "imported: []" in done.stdout
    by_module = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "compat_attention", "demo", "--repeats", "0"], cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, text=True, timeout=300)
    assert by_module.returncode == 2
    imported = {line.split("|")[-1].strip() for line in by_module.stderr.splitlines() if line.startswith("import time:")}
    assert "compat_attention.cli.main" in imported and not {"keras", "tensorflow"} & imported


def test_demo_refuses_zero_repeats_in_one_line_before_training():
    done = _run("demo", "--repeats", "0")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == \
        "compat-attention demo: error: argument --repeats: '0' is not a positive integer"


def test_a_keras_command_prints_no_tensorflow_log_lines_unless_verbose():
    done = _run("info")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("compat_attention ")
    assert done.stderr == ""  # no absl / oneDNN / cpu_feature_guard lines
    if BACKEND == "tensorflow" and not KERAS_3:
        return
    if BACKEND == "tensorflow":  # TF 2.16+ prints its start-up lines from C++; --verbose shows them
        assert _run("info", "--verbose").stderr != ""


def test_inspect_of_a_weights_only_file_says_what_it_has(capsys):
    assert cli.main(["inspect", oracle.golden_path("echo_seq_weights.h5")]) == 0
    out = capsys.readouterr().out
    assert "none: a weights-only file has no config to rewrite" in out
    assert "none needed: " not in out


def test_convert_onto_an_existing_file_names_the_cli_flag(tmp_path, capsys):
    out = tmp_path / "exists.keras"
    out.write_bytes(b"keep me")
    assert cli.main(["convert", oracle.golden_path("echo_seq_full.h5"), str(out)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("already exists; choose another path or pass --overwrite")
    assert "overwrite=True" not in lines[0]
    assert out.read_bytes() == b"keep me"


def _missing_backend():
    for backend, module in (("jax", "jax"), ("torch", "torch")):
        if importlib.util.find_spec(module) is None:
            return backend
    return None


@pytest.mark.skipif(not KERAS_3 or _missing_backend() is None,
                    reason="needs Keras 3 and a backend that is not installed here (jax or torch)")
def test_a_missing_backend_is_one_clear_line():
    backend = _missing_backend()
    done = _run(code="import compat_attention", env={"KERAS_BACKEND": backend})
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: compat_attention: Keras cannot start its %r backend" % backend)
    assert "pip install" in last
    cli_run = _run("info", env={"KERAS_BACKEND": backend})
    assert cli_run.returncode == 1 and "Traceback" not in cli_run.stderr
    assert cli_run.stderr.strip().splitlines() == [cli_run.stderr.strip()]


@pytest.mark.skipif(BACKEND != "tensorflow", reason="reads gradients with tf.GradientTape")
@pytest.mark.parametrize("steps", [1, 2, 3])
def test_short_outputs_give_every_weight_a_gradient(steps):
    import tensorflow as tf

    x = tf.constant(np.random.RandomState(0).normal(size=(2, 6, 5)).astype("float32"))
    layer = AttentionDecoder(4, 3, output_length=steps)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x) ** 2)
    grads = tape.gradient(loss, layer.trainable_weights)
    names = [w.name.split("/")[-1].split(":")[0] for w in layer.trainable_weights]
    missing = [n for n, g in zip(names, grads) if g is None]
    # Keras warns "Gradients do not exist for variables ..." for each of these. With one step,
    # nothing reads the new state, and U_p shapes only the new state: it has no gradient in any
    # loop (Keras' own RNN loop included). Every other weight has one.
    assert missing == (["U_p"] if steps == 1 else [])
    assert all(np.isfinite(g.numpy()).all() for g in grads if g is not None)
