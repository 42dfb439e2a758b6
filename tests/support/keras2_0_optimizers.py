"""Keras 2.0.8's optimizer updates in NumPy float32, stated from ``keras/optimizers.py`` of Keras 2.0.8.

Each step takes the old values and returns the new ones, in float32 and in the order of Keras
2.0.8's TensorFlow ops (hyperparameters Keras 2.0.8 kept in float32 variables are float32 here;
Adadelta's ``rho`` was a Python float). ``reference_step`` also applies Keras 2.0.8's ``decay``
and its gradient clipping (``clipnorm`` by the global norm of all gradients, then ``clipvalue``).
Used by tests/legacy/test_legacy_optimizers.py and tests/io_zoo/test_optimizer_state.py.
"""

import numpy as np

F = np.float32

#: Keras 2.0.8's constructor defaults (keras/optimizers.py, each class's __init__).
DEFAULTS = {
    "SGD": {"lr": 0.01, "momentum": 0.0, "decay": 0.0, "nesterov": False},
    "RMSprop": {"lr": 0.001, "rho": 0.9, "epsilon": 1e-8, "decay": 0.0},
    "Adagrad": {"lr": 0.01, "epsilon": 1e-8, "decay": 0.0},
    "Adadelta": {"lr": 1.0, "rho": 0.95, "epsilon": 1e-8, "decay": 0.0},
    "Adam": {"lr": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8, "decay": 0.0},
    "Adamax": {"lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8, "decay": 0.0},
    "Nadam": {"lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8, "schedule_decay": 0.004},
}

#: The state each class keeps per variable (zeros at the start; Nadam's m_schedule: one).
SLOTS = {"SGD": ("moment",), "RMSprop": ("a",), "Adagrad": ("a",), "Adadelta": ("a", "d_a"), "Adam": ("m", "v"),
         "Adamax": ("m", "u"), "Nadam": ("m", "v", "m_schedule")}


def initial_state(name, shapes):
    """Per variable, the starting value of each slot."""
    return [{slot: (F(1.0) if slot == "m_schedule" else np.zeros(shape, F)) for slot in SLOTS[name]}
            for shape in shapes]


def clipped(gradients, clipnorm=None, clipvalue=None):
    """Keras 2.0.8's ``Optimizer.get_gradients`` clipping (TensorFlow backend)."""
    gradients = [np.asarray(g, F) for g in gradients]
    if clipnorm:
        total = F(0.0)
        for g in gradients:
            total = F(total + np.sum(np.square(g), dtype=F))
        norm = np.sqrt(total, dtype=F)
        if norm >= F(clipnorm):
            gradients = [g * (F(clipnorm) / norm) for g in gradients]
    if clipvalue:
        gradients = [np.clip(g, F(-clipvalue), F(clipvalue)) for g in gradients]
    return gradients


def _update(name, h, p, g, s, lr, t):
    """One variable's update: ``(new p, new slots)``; ``t`` counts the updates done before, float32."""
    one = F(1.0)
    if name == "SGD":
        v = F(h["momentum"]) * s["moment"] - lr * g
        return (p + F(h["momentum"]) * v - lr * g if h["nesterov"] else p + v), {"moment": v}
    if name == "RMSprop":
        a = F(h["rho"]) * s["a"] + (one - F(h["rho"])) * np.square(g)
        return p - lr * g / (np.sqrt(a) + F(h["epsilon"])), {"a": a}
    if name == "Adagrad":
        a = s["a"] + np.square(g)
        return p - lr * g / (np.sqrt(a) + F(h["epsilon"])), {"a": a}
    if name == "Adadelta":
        rho, eps = h["rho"], F(h["epsilon"])
        a = F(rho) * s["a"] + F(1.0 - rho) * np.square(g)
        update = g * np.sqrt(s["d_a"] + eps) / np.sqrt(a + eps)
        return p - lr * update, {"a": a, "d_a": F(rho) * s["d_a"] + F(1.0 - rho) * np.square(update)}
    b1, b2, eps, t = F(h["beta_1"]), F(h["beta_2"]), F(h["epsilon"]), t + one
    m = b1 * s["m"] + (one - b1) * g
    if name == "Adam":
        lr_t = lr * (np.sqrt(one - np.power(b2, t)) / (one - np.power(b1, t)))
        v = b2 * s["v"] + (one - b2) * np.square(g)
        return p - lr_t * m / (np.sqrt(v) + eps), {"m": m, "v": v}
    if name == "Adamax":
        u = np.maximum(b2 * s["u"], np.abs(g))
        return p - lr / (one - np.power(b1, t)) * m / (u + eps), {"m": m, "u": u}
    decay = F(h["schedule_decay"])  # Nadam
    mu_t = b1 * (one - F(0.5) * np.power(F(0.96), t * decay))
    mu_next = b1 * (one - F(0.5) * np.power(F(0.96), (t + one) * decay))
    schedule_new = s["m_schedule"] * mu_t
    schedule_next = s["m_schedule"] * mu_t * mu_next
    v = b2 * s["v"] + (one - b2) * np.square(g)
    m_bar = (one - mu_t) * (g / (one - schedule_new)) + mu_next * (m / (one - schedule_next))
    v_prime = v / (one - np.power(b2, t))
    return p - lr * m_bar / (np.sqrt(v_prime) + eps), {"m": m, "v": v, "m_schedule": schedule_new}


def reference_step(name, hyper, params, gradients, state, iterations):
    """One Keras 2.0.8 update of every variable.

    Args:
        name: the optimizer class (``'Adam'``, ...).
        hyper: its hyperparameters (missing ones take ``DEFAULTS``); ``clipnorm``/``clipvalue`` too.
        params, gradients: float32 arrays, one per variable.
        state: per variable, ``{slot: array}`` (``initial_state`` at the start).
        iterations: the updates done before this one.

    Returns:
        ``(new params, new state)``.
    """
    h = dict(DEFAULTS[name], **hyper)
    gradients = clipped(gradients, h.get("clipnorm"), h.get("clipvalue"))
    lr, t = F(h["lr"]), F(iterations)
    if h.get("decay", 0) > 0:
        lr = lr * (F(1.0) / (F(1.0) + F(h["decay"]) * t))
    out = [_update(name, h, np.asarray(p, F), g, s, lr, t) for p, g, s in zip(params, gradients, state)]
    return [p for p, _ in out], [s for _, s in out]


def two_dense_gradients(weights, x, y, backprop_kernel=None):
    """Exact float64 gradients of mean categorical crossentropy for Dense(tanh) -> Dense(softmax).

    ``backprop_kernel``: the second layer's kernel the first layer's gradient is taken through
    (default: the one of the forward pass, i.e. the exact gradient).
    """
    w1, b1, w2, b2 = weights
    h = np.tanh(x @ w1 + b1)
    z = h @ w2 + b2
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    dz = (p - y) / len(x)
    dh = dz @ (w2 if backprop_kernel is None else backprop_kernel).T * (1 - h ** 2)
    return [x.T @ dh, dh.sum(0), h.T @ dz, dz.sum(0)]
