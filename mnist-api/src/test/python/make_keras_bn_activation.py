#!/usr/bin/env python3
"""Writes a small Keras 2 legacy .h5 model with BatchNormalization followed by an activation, and its outputs.

Keras itself is not needed (nor used): the file is written with h5py in the layout Keras 2.x's model.save("x.h5")
writes (the model_config attribute, model_weights/<layer>/<layer>/<name>:0 datasets, weight_names, layer_names),
as read from the real Keras 2.10 file in ../shared/keras. The network is the notebook pattern this fixture is for:

    Input(28, 28, 1)
    Conv2D(8, 3, padding="same", use_bias=False)   linear
    BatchNormalization()                           axis [3], as Keras 2 writes it
    Activation("relu")
    MaxPooling2D(2)
    Conv2D(8, 3)                                   linear, with bias
    BatchNormalization(epsilon=0.01, center=False)
    Activation("tanh")
    MaxPooling2D(2)
    Flatten()
    Dense(32)                                      linear
    BatchNormalization(momentum=0.9)
    ReLU()
    Dropout(0.3)
    Dense(10, activation="softmax")

Weights are random (seed 20) with batch-normalisation statistics near the real ones on the inputs, so that each
activation sees inputs on both sides of zero. The expected outputs are then computed by a forward pass written
here in numpy (float64), from the datasets as read back from the written file, for the eleven inputs of
../shared/keras/inputs-11x28x28-f32le.bin, fed as they are (pixels in [0, 1]).

Run from the repository root (needs python3-numpy and python3-h5py; only this script needs them):

    python3 mnist-api/src/test/python/make_keras_bn_activation.py

It writes bn-activation-keras2.h5 and bn-activation-expected-outputs.csv into
mnist-api/src/test/resources/io/mnist/api/contract/keras/.
"""
import json
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
INPUTS = os.path.join(os.path.dirname(ROOT), "shared", "keras", "inputs-11x28x28-f32le.bin")
# Beside the contract kit's classes, so that its test-jar carries them to the backends' tests.
OUT = os.path.join(ROOT, "mnist-api", "src", "test", "resources", "io", "mnist", "api", "contract", "keras")
MODEL = "bn-activation-keras2.h5"


def glorot(rng, shape, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def conv_same(x, k, b):
    """x [n, h, w, c], k [kh, kw, c, f]: stride 1, TensorFlow's SAME padding."""
    kh, kw = k.shape[0], k.shape[1]
    top, left = (kh - 1) // 2, (kw - 1) // 2
    x = np.pad(x, ((0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
    return conv_valid(x, k, b)


def conv_valid(x, k, b):
    n, h, w, c = x.shape
    kh, kw, _, f = k.shape
    oh, ow = h - kh + 1, w - kw + 1
    out = np.zeros((n, oh, ow, f))
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nhwc,cf->nhwf", x[:, i:i + oh, j:j + ow, :], k[i, j])
    return out + (0 if b is None else b)


def max_pool2(x):
    n, h, w, c = x.shape
    h2, w2 = h // 2, w // 2
    return x[:, :h2 * 2, :w2 * 2, :].reshape(n, h2, 2, w2, 2, c).max(axis=(2, 4))


def batch_norm(x, gamma, beta, mean, variance, epsilon):
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def statistics(rng, pre):
    """Moving statistics near the inputs' own (as after training), gamma and beta of a trained layer."""
    axes = tuple(range(pre.ndim - 1))
    mean = pre.mean(axis=axes) + rng.normal(0, 0.05, pre.shape[-1]) * pre.std(axis=axes)
    variance = pre.var(axis=axes) * rng.uniform(0.7, 1.4, pre.shape[-1])
    gamma = rng.uniform(0.6, 1.4, pre.shape[-1])
    beta = rng.uniform(-0.3, 0.3, pre.shape[-1])
    return [v.astype(np.float32) for v in (gamma, beta, mean, variance)]


def layer(class_name, name, **config):
    return {"class_name": class_name, "config": dict({"name": name, "trainable": True, "dtype": "float32"}, **config)}


def conv_config(name, padding, use_bias, **extra):
    return layer("Conv2D", name, filters=8, kernel_size=[3, 3], strides=[1, 1], padding=padding,
                 data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="linear", use_bias=use_bias,
                 kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
                 bias_initializer={"class_name": "Zeros", "config": {}}, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **extra)


def bn_config(name, axis, epsilon=0.001, momentum=0.99, center=True):
    return layer("BatchNormalization", name, axis=[axis], momentum=momentum, epsilon=epsilon, center=center,
                 scale=True, beta_initializer={"class_name": "Zeros", "config": {}},
                 gamma_initializer={"class_name": "Ones", "config": {}},
                 moving_mean_initializer={"class_name": "Zeros", "config": {}},
                 moving_variance_initializer={"class_name": "Ones", "config": {}}, beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None)


def config():
    layers = [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 28, 28, 1], "dtype": "float32",
                                                "sparse": False, "ragged": False, "name": "conv2d_input"}},
        conv_config("conv2d", "same", False, batch_input_shape=[None, 28, 28, 1]),
        bn_config("batch_normalization", 3),
        layer("Activation", "activation", activation="relu"),
        layer("MaxPooling2D", "max_pooling2d", pool_size=[2, 2], padding="valid", strides=[2, 2],
              data_format="channels_last"),
        conv_config("conv2d_1", "valid", True),
        bn_config("batch_normalization_1", 3, epsilon=0.01, center=False),
        layer("Activation", "activation_1", activation="tanh"),
        layer("MaxPooling2D", "max_pooling2d_1", pool_size=[2, 2], padding="valid", strides=[2, 2],
              data_format="channels_last"),
        layer("Flatten", "flatten", data_format="channels_last"),
        layer("Dense", "dense", units=32, activation="linear", use_bias=True,
              kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
              bias_initializer={"class_name": "Zeros", "config": {}}, kernel_regularizer=None, bias_regularizer=None,
              activity_regularizer=None, kernel_constraint=None, bias_constraint=None),
        bn_config("batch_normalization_2", 1, momentum=0.9),
        layer("ReLU", "re_lu", max_value=None, negative_slope=0.0, threshold=0.0),
        layer("Dropout", "dropout", rate=0.3, noise_shape=None, seed=None),
        layer("Dense", "dense_1", units=10, activation="softmax", use_bias=True,
              kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
              bias_initializer={"class_name": "Zeros", "config": {}}, kernel_regularizer=None, bias_regularizer=None,
              activity_regularizer=None, kernel_constraint=None, bias_constraint=None),
    ]
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


def make_weights(x):
    """Random weights, each batch normalisation's statistics taken near its input's on the fixture's inputs."""
    rng = np.random.default_rng(20)
    w = {}
    w["conv2d"] = {"kernel": glorot(rng, (3, 3, 1, 8), 9, 72)}
    pre = conv_same(x, w["conv2d"]["kernel"], None)
    gamma, beta, mean, var = statistics(rng, pre)
    w["batch_normalization"] = {"gamma": gamma, "beta": beta, "moving_mean": mean, "moving_variance": var}
    h = max_pool2(np.maximum(batch_norm(pre, gamma, beta, mean, var, 0.001), 0))
    w["conv2d_1"] = {"kernel": glorot(rng, (3, 3, 8, 8), 72, 72),
                     "bias": rng.uniform(-0.1, 0.1, 8).astype(np.float32)}
    pre = conv_valid(h, w["conv2d_1"]["kernel"], w["conv2d_1"]["bias"])
    gamma, _, mean, var = statistics(rng, pre)
    w["batch_normalization_1"] = {"gamma": gamma, "moving_mean": mean, "moving_variance": var}
    h = max_pool2(np.tanh(batch_norm(pre, gamma, 0, mean, var, 0.01))).reshape(len(x), -1)
    w["dense"] = {"kernel": glorot(rng, (288, 32), 288, 32), "bias": rng.uniform(-0.1, 0.1, 32).astype(np.float32)}
    pre = h @ w["dense"]["kernel"] + w["dense"]["bias"]
    gamma, beta, mean, var = statistics(rng, pre)
    w["batch_normalization_2"] = {"gamma": gamma, "beta": beta, "moving_mean": mean, "moving_variance": var}
    w["dense_1"] = {"kernel": glorot(rng, (32, 10), 32, 10) * 3,
                    "bias": rng.uniform(-0.1, 0.1, 10).astype(np.float32)}
    return w


def write(path, cfg, weights):
    order = [l["config"]["name"] for l in cfg["config"]["layers"][1:]]
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["model_config"] = json.dumps(cfg)
        root = f.create_group("model_weights")
        root.attrs["backend"] = "tensorflow"
        root.attrs["keras_version"] = "2.15.0"
        root.attrs["layer_names"] = np.array([n.encode() for n in order], dtype=object)
        for name in order:
            g = root.create_group(name)
            parts = weights.get(name, {})
            g.attrs["weight_names"] = np.array([f"{name}/{p}:0".encode() for p in parts], dtype=object) \
                if parts else np.array([], dtype=np.float64)
            if parts:
                inner = g.create_group(name)
                for p, v in parts.items():
                    inner.create_dataset(f"{p}:0", data=np.asarray(v, dtype=np.float32))


def read(path):
    """The weights as stored, by layer and part, read back from the file."""
    out = {}
    with h5py.File(path, "r") as f:
        root = f["model_weights"]
        for name in root.attrs["layer_names"]:
            name = name.decode() if isinstance(name, bytes) else name
            g = root[name]
            out[name] = {}
            for wn in g.attrs["weight_names"]:
                wn = wn.decode() if isinstance(wn, bytes) else wn
                out[name][wn.split("/")[-1].split(":")[0]] = g[wn][()].astype(np.float64)
    return out


def forward(w, x):
    """The network's inference, in float64, from the weights as read back."""
    h = conv_same(x, w["conv2d"]["kernel"], None)
    b = w["batch_normalization"]
    h = np.maximum(batch_norm(h, b["gamma"], b["beta"], b["moving_mean"], b["moving_variance"], 0.001), 0)
    h = max_pool2(h)
    h = conv_valid(h, w["conv2d_1"]["kernel"], w["conv2d_1"]["bias"])
    b = w["batch_normalization_1"]
    h = np.tanh(batch_norm(h, b["gamma"], 0.0, b["moving_mean"], b["moving_variance"], 0.01))
    h = max_pool2(h).reshape(len(x), -1)
    h = h @ w["dense"]["kernel"] + w["dense"]["bias"]
    b = w["batch_normalization_2"]
    h = np.maximum(batch_norm(h, b["gamma"], b["beta"], b["moving_mean"], b["moving_variance"], 0.001), 0)
    return softmax(h @ w["dense_1"]["kernel"] + w["dense_1"]["bias"])


def main():
    x = np.fromfile(INPUTS, dtype="<f4").reshape(-1, 28, 28, 1).astype(np.float64)
    with open(os.path.join(os.path.dirname(INPUTS), "expected-outputs.csv")) as f:
        names = []
        for line in f.readlines()[1:]:
            name = line.split(",")[1]
            if name not in names:
                names.append(name)
    assert len(names) == len(x), (names, x.shape)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, MODEL)
    write(path, config(), make_weights(x))
    p = forward(read(path), x)
    with open(os.path.join(OUT, "bn-activation-expected-outputs.csv"), "w") as f:
        f.write("model,input," + ",".join(f"p{i}" for i in range(10)) + "\n")
        for name, row in zip(names, p):
            f.write(MODEL + "," + name + "," + ",".join(f"{v:.9g}" for v in row) + "\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes); argmax per input {p.argmax(axis=1).tolist()},"
          f" largest probability per input {np.round(p.max(axis=1), 3).tolist()}", file=sys.stderr)


if __name__ == "__main__":
    main()
