"""Helpers shared by the legacy fixture generators (make_zoo.py, make_keras1_zoo.py).

Seeds from a case's name, the masked token/float batches every era uses, seeded noise for
constant-initialised weights, a few training steps, and the layer classes a saved config names.
Runs on each legacy stack (Python 3.6, Keras 1.2.2 or 2.0.8): nothing here imports a Keras module
at import time.
"""

import hashlib

import numpy as np


def rng(name):
    return np.random.RandomState(int(hashlib.md5(name.encode()).hexdigest()[:8], 16) % (2 ** 31))


# -- inputs ---------------------------------------------------------------------------------
def token_batch(r, T=8, vocab=20):
    """Integer sequences, 0 = padding: post-, pre-, mid-padded, full, one token at each end, all-pad."""
    x = np.zeros((7, T), dtype="int32")
    tok = lambda n: r.randint(1, vocab, size=n)  # noqa: E731
    x[0, :5] = tok(5)                # post-padding
    x[1, 3:] = tok(T - 3)            # pre-padding
    x[2, :] = tok(T)                 # full
    x[3, 0] = tok(1)[0]              # one token, post
    x[4, -1] = tok(1)[0]             # one token, pre
    x[5, :] = tok(T)
    x[5, [2, 5]] = 0                 # holes in the middle
    # row 6 stays all padding
    return x


def masked_float_batch(r, T=7, F=5):
    """Float sequences where some steps are all zero (masked by Masking(0.)): post, pre, middle."""
    x = r.normal(size=(6, T, F)).astype("float32")
    x[0, 4:] = 0.0
    x[1, :3] = 0.0
    x[3, 2] = 0.0
    x[4, :] = 0.0
    x[4, -1] = r.normal(size=F)
    x[5, 1:] = 0.0
    return x


def normal(r, *shape):
    return r.normal(size=shape).astype("float32")


# -- weights ----------------------------------------------------------------------------------
def perturb(model, r):
    """Make constant-initialised weights (biases, gammas, PReLU alphas, running stats) non-trivial."""
    for layer in model.layers:
        symbolic = layer.weights
        if not symbolic:
            continue
        values = layer.get_weights()
        new = []
        for w, v in zip(symbolic, values):
            name = getattr(w, "name", "") or ""
            if v.size and np.all(v == v.flat[0]):
                noise = r.normal(0, 0.3, size=v.shape).astype("float32")
                if "moving_variance" in name or "running_std" in name:
                    v = (np.abs(noise) + 0.5).astype("float32")
                elif "gamma" in name:
                    v = (1.0 + noise).astype("float32")
                else:
                    v = (v + noise).astype("float32")
            new.append(v)
        layer.set_weights(new)


def train_steps(model, xs, r, steps=3, loss="mse", optimizer="sgd"):
    model.compile(optimizer=optimizer, loss=loss)
    shapes = model.output_shape if isinstance(model.output_shape, list) else [model.output_shape]
    ys = [r.normal(size=(len(xs[0]),) + tuple(shape[1:])).astype("float32") for shape in shapes]
    for _ in range(steps):
        model.train_on_batch(xs if len(xs) > 1 else xs[0], ys if len(ys) > 1 else ys[0])


def classes_of(config):
    """Every layer class a Keras 1 model config names: wrapped layers and Merge branches too."""
    found = set()

    def visit(class_name, cfg):
        found.add(class_name)
        if isinstance(cfg, dict) and isinstance(cfg.get("layer"), dict):
            visit(cfg["layer"]["class_name"], cfg["layer"]["config"])
        if class_name == "Merge" and isinstance(cfg, dict) and cfg.get("layers"):
            for inner in cfg["layers"]:
                visit(inner["class_name"], inner["config"])
        if class_name in ("Sequential", "Model"):
            for inner in (cfg if isinstance(cfg, list) else cfg["layers"]):
                visit(inner["class_name"], inner["config"])

    layers = config["config"] if isinstance(config["config"], list) else config["config"]["layers"]
    for layer in layers:
        visit(layer["class_name"], layer["config"])
    return sorted(found)
