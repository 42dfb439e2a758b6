"""Micro-benchmarks behind two op choices in ``compat_attention/_keras/ops.py`` (TensorFlow only).

1. Softmax: ``tf.nn.softmax`` (which TensorFlow with oneDNN runs as a oneDNN primitive)
   against the exp / sum form that ``ops.softmax`` uses, on the decoder's
   small (B, T) and (B, O) tensors, in a chain of 100 inside a ``tf.function``.
2. A (B, T, D) . (D, U) product with its gradients: ``tf.matmul`` broadcasting a
   batched product against ``ops.dot`` (one 2D product over B * T rows).

Run: ``python benchmarks/ops_micro.py`` (prints microseconds per call, best of 20).
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tensorflow as tf  # noqa: E402

from compat_attention._keras.flavour import describe
from compat_attention._keras.ops import ops  # noqa: E402


def best_us(fn, arg, calls):
    fn(arg)  # trace
    times = []
    for _ in range(20):
        start = time.perf_counter()
        tf.nest.map_structure(lambda t: t.numpy(), fn(arg))
        times.append(time.perf_counter() - start)
    return min(times) / calls * 1e6


def softmax_chain(softmax):
    @tf.function
    def chain(x):
        for _ in range(100):
            x = softmax(x) + x
        return x

    return chain


def product_and_gradients(dot, w):
    @tf.function
    def run(x):
        with tf.GradientTape() as tape:
            tape.watch([x, w])
            y = tf.reduce_sum(tf.tanh(dot(x, w)))
        return tape.gradient(y, [x, w])

    return run


def main():
    print("ops micro-benchmarks on", describe())
    print("softmax + add, us per call       tf.nn.softmax   exp/sum (ours)")
    for shape in ((64, 5), (64, 50), (256, 5)):
        x = tf.random.normal(shape, seed=0)
        plain = best_us(softmax_chain(lambda v: tf.nn.softmax(v, axis=-1)), x, 100)
        ours = best_us(softmax_chain(ops.softmax), x, 100)
        print("  %-30s %13.1f %16.1f" % (shape, plain, ours))
    print("(B,T,D).(D,U) + gradients, us    tf.matmul       2D product (ours)")
    for b, t, d, u in ((64, 5, 150, 150), (256, 5, 150, 150), (64, 100, 128, 128)):
        x = tf.random.normal((b, t, d), seed=1)
        w = tf.random.normal((d, u), seed=2)
        plain = best_us(product_and_gradients(tf.matmul, w), x, 1)
        ours = best_us(product_and_gradients(ops.dot, w), x, 1)
        print("  %-30s %13.1f %16.1f" % ((b, t, d, u), plain, ours))


if __name__ == "__main__":
    main()
