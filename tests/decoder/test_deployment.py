"""Scale and deployment: tf.distribute, SavedModel export, .keras round trips of the new options."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from compat_attention import AttentionDecoder, export_for_serving
from compat_attention._keras.flavour import BACKEND, keras
from support import SUPPORT
from support.harness import round_trip

ON_TENSORFLOW = BACKEND == "tensorflow"


def _model():
    encoder_in = keras.Input((5, 7))
    sequence = keras.layers.LSTM(8, return_sequences=True)(encoder_in)
    outputs, attention = AttentionDecoder(8, 4, output_length=3, return_attention=True,
                                          output_activation="sigmoid", name="decoder")(sequence)
    return keras.Model(encoder_in, [outputs, attention])


def _x():
    return np.random.RandomState(0).normal(size=(3, 5, 7)).astype("float32")


def test_model_with_every_new_option_round_trips_through_the_save_format(tmp_path):
    # Every format of SAVE_SUFFIXES; the harness compares each reloaded model's predictions (atol 1e-6).
    _, reloaded = round_trip(_model(), _x(), tmp_path)
    for model in reloaded.values():
        decoder = model.get_layer("decoder")
        assert (decoder.output_length, decoder.return_attention) == (3, True)


def test_export_for_serving_reloads_without_keras_and_predicts_the_same(tmp_path):
    model = _model()
    path = str(tmp_path / "served")
    if not ON_TENSORFLOW:
        with pytest.raises(RuntimeError, match="without TensorFlow"):
            export_for_serving(model, path)
        assert not os.path.exists(path)
        return
    import tensorflow as tf

    want = model.predict(_x(), verbose=0)
    export_for_serving(model, path)
    reloaded = tf.saved_model.load(path)  # keep a reference: its variables live as long as it does
    served = reloaded.serve(tf.constant(_x()))
    for got, expected in zip(served, want):
        np.testing.assert_allclose(np.asarray(got), expected, atol=1e-6)


@pytest.mark.skipif(not ON_TENSORFLOW, reason="tf.distribute.MirroredStrategy exists on the TensorFlow backend only")
def test_mirrored_strategy_on_two_devices_trains_like_one_device():
    run = subprocess.run([sys.executable, os.path.join(SUPPORT, "distributed_run.py")],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    assert result["moved"] > 1e-2  # training really changed the weights
    # The same global batches, split in two and all-reduced: only the order of float32 sums
    # differs (relative rounding ~1e-7 per sum, compounded over 12 steps of SGD).
    np.testing.assert_allclose(result["mirrored"], result["single"], rtol=1e-5)
    assert result["max_weight_diff"] < 1e-5


@pytest.mark.parametrize("steps", [5, 40])  # the unrolled loop and the RNN's symbolic loop
@pytest.mark.parametrize("batch", [8, None])  # None: traced for any batch size, run on 17 rows (cut in two)
def test_forward_and_gradient_compile_with_xla_to_the_same_numbers(steps, batch):
    if not ON_TENSORFLOW:
        pytest.skip("jit_compile is TensorFlow's XLA switch")
    import tensorflow as tf

    x = tf.constant(np.random.RandomState(0).normal(size=(batch or 17, steps, 12)).astype("float32"))
    layer = AttentionDecoder(16, 10)
    layer(x)

    def loss_and_grads(inputs):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(inputs) ** 2)
        return loss, tape.gradient(loss, layer.trainable_weights)

    spec = [tf.TensorSpec((batch, steps, 12))]
    plain = tf.function(loss_and_grads, input_signature=spec)(x)
    xla = tf.function(loss_and_grads, jit_compile=True, input_signature=spec)(x)
    np.testing.assert_allclose(xla[0].numpy(), plain[0].numpy(), rtol=1e-5)
    for got, want in zip(xla[1], plain[1]):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-4, atol=1e-6)
