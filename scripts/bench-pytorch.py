#!/usr/bin/python3
"""The reference for `./mnist bench`: the same measurements on PyTorch, the way a Python user of this machine runs it.

Needs Debian's Python and PyTorch:  sudo apt-get install python3-torch libopenblas0-pthread   (PyTorch 1.13, with
numpy; without OpenBLAS, Debian's alternatives give PyTorch the reference BLAS, and its dense layers and matrix
products run many times slower: the engine field of the JSON names the BLAS)
Usage: /usr/bin/python3 scripts/bench-pytorch.py [--quick]      the last line printed is JSON

Measured as `mnist bench` measures: the seed network (conv 3x3x32, conv 3x3x64, max-pool, dropout 0.25, dense 128,
dropout 0.5, dense 10), batch 128, RMSProp lr 0.001 with Keras' rho 0.9 and epsilon 1e-7, as many threads as cores;
training images/s over timed batches after warm-up; batch inference in batches of 256 (best of 3 passes); the
matrix product peak (torch.mm, 2048 x 2048 float32, best of 5 before and after); single-image latency on
112x112 dark-on-light pictures including preprocessing (invert, crop to the ink, scale into 20x20, centre by centre
of mass in 28x28: the MNIST recipe, with less care for real photos than the library's own preprocessing); cold
start of a fresh interpreter to its first prediction with a saved model; peak resident memory of that predicting
process. MNIST is read from MNIST_DATA_DIR or the cache `mnist data` fills (~/.cache/mnist).
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MACS_PER_IMAGE = 26 * 26 * 32 * 9 + 24 * 24 * 64 * 9 * 32 + 9216 * 128 + 128 * 10
READY = "first-prediction"


def data_dir():
    for d in (os.environ.get("MNIST_DATA_DIR"), os.path.expanduser("~/.cache/mnist")):
        if d and os.path.isdir(d):
            return d
    sys.exit("bench-pytorch: no MNIST files; run './mnist data' first or set MNIST_DATA_DIR")


def idx(name):
    d = data_dir()
    for candidate in (os.path.join(d, name), os.path.join(d, name + ".gz")):
        if os.path.exists(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rb") as f:
                raw = f.read()
            dims = raw[3]
            shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"bench-pytorch: {name} not found in {d}")


def seed_network():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))


def scan(digit):
    """A 112x112 dark-on-light picture of a 28x28 digit, as the Java benchmark draws it."""
    return 255 - np.kron(digit, np.ones((4, 4), dtype=np.uint8))


def preprocess(picture):
    ink = 255.0 - picture.astype(np.float32)
    ys, xs = np.nonzero(ink > 127)
    if len(xs) == 0:
        raise ValueError("no ink")
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    scale = 20.0 / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = F.interpolate(torch.from_numpy(crop)[None, None], size=(nh, nw), mode="bilinear",
                          align_corners=False)[0, 0].numpy()
    total = small.sum()
    cy = (small.sum(axis=1) * np.arange(nh)).sum() / total
    cx = (small.sum(axis=0) * np.arange(nw)).sum() / total
    out = np.zeros((28, 28), dtype=np.float32)
    top = int(round(14 - cy))
    left = int(round(14 - cx))
    top, left = min(max(top, 0), 28 - nh), min(max(left, 0), 28 - nw)
    out[top:top + nh, left:left + nw] = small
    return torch.from_numpy(out / 255.0).reshape(1, 1, 28, 28)


def matmul_gflops(size, repetitions):
    """The best rate of torch.mm on two size x size float32 matrices, after one untimed product: as ./mnist bench."""
    a = torch.rand(size, size) * 2 - 1
    b = torch.rand(size, size) * 2 - 1
    torch.mm(a, b)
    best = float("inf")
    for _ in range(repetitions):
        t = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t)
    return 2 * size ** 3 / best / 1e9


def blas():
    """Which BLAS Debian's alternatives gave this process (PyTorch's dense layers and torch.mm run on it): the
    reference BLAS of libblas3 is about 15x slower on a matrix product than libopenblas0's here."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    with open("/proc/self/maps") as f:
        # The file mapped as libblas.so.3 answers sgemm, whatever else (LAPACK's OpenBLAS) is loaded beside it.
        real = {os.path.realpath(line.split()[-1]) for line in f if "/libblas.so" in line}
    if not real:
        return "BLAS unknown"
    folder = os.path.basename(os.path.dirname(sorted(real)[0]))
    return "OpenBLAS (" + folder + ")" if "openblas" in folder else "reference BLAS" if folder == "blas" else folder


def peak_rss_mb():
    """VmHWM, as the Java side reads it: getrusage's maxrss would carry the parent's peak across exec."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return -1


def cold_start(model_path):
    model = seed_network()
    model.load_state_dict(torch.load(model_path))
    model.eval()
    with torch.no_grad():
        picture = np.full((112, 112), 255, dtype=np.uint8)
        picture[20:92, 50:60] = 0
        model(preprocess(picture)).softmax(1)
    print(READY, flush=True)
    images = idx("t10k-images-idx3-ubyte")
    with torch.no_grad():
        for i in range(1000):
            model(preprocess(scan(images[i]))).softmax(1)
        x = torch.from_numpy(images[:2560].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
        for start in range(0, len(x), 256):
            model(x[start:start + 256]).softmax(1)
    print(json.dumps({"rss_mb": peak_rss_mb()}))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--cold-start":
        torch.set_num_threads(os.cpu_count())
        cold_start(sys.argv[2])
        return
    quick = "--quick" in sys.argv[1:]
    warm_batches, timed_batches = (3, 10) if quick else (10, 50)
    inference_images = 2560 if quick else 10000
    inference_rounds = 2 if quick else 3
    peak_size, peak_repetitions = (1024, 3) if quick else (2048, 5)
    latency_runs = 200 if quick else 2000
    latency_warm_up = 100 if quick else 1000  # as ./mnist bench, which lets the JIT compile preprocessing first
    cold_starts = 1 if quick else 3
    threads = os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(42)

    train_x = idx("train-images-idx3-ubyte")
    train_y = idx("train-labels-idx1-ubyte")
    test_x = idx("t10k-images-idx3-ubyte")
    blas_name = blas()
    if blas_name == "reference BLAS":
        print("bench-pytorch: PyTorch runs on the reference BLAS (libblas3), which makes its dense layers and matrix"
              " products many times slower; for the usual set-up: sudo apt-get install libopenblas0-pthread",
              file=sys.stderr)
    m = {"backend": "pytorch", "engine": "PyTorch " + torch.__version__ + " (Debian, " + blas_name + ")",
         "threads": threads,
         "network": "seed", "quick": quick}

    peak_before = matmul_gflops(peak_size, peak_repetitions)
    model = seed_network()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    model.train()
    n = (warm_batches + timed_batches) * 128
    x = torch.from_numpy(train_x[:n].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(train_y[:n].astype(np.int64))
    ends = []
    for b in range(warm_batches + timed_batches):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x[b * 128:(b + 1) * 128]), y[b * 128:(b + 1) * 128])
        loss.backward()
        optimizer.step()
        loss.item()
        ends.append(time.perf_counter())
    train_rate = timed_batches * 128 / (ends[-1] - ends[warm_batches - 1])
    m["train_images_per_second"] = round(train_rate, 2)
    m["train_gflops"] = round(3 * 2 * MACS_PER_IMAGE * train_rate / 1e9, 2)

    model.eval()
    images = np.resize(test_x, (inference_images, 28, 28))
    xs = torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    with torch.no_grad():
        for start in range(0, 1024, 256):
            model(xs[start:start + 256]).softmax(1).numpy()
        predict_rate = 0
        for _ in range(inference_rounds):  # best of, as ./mnist bench
            t = time.perf_counter()
            for start in range(0, len(xs), 256):
                model(xs[start:start + 256]).softmax(1).numpy()
            predict_rate = max(predict_rate, len(xs) / (time.perf_counter() - t))
    m["predict_images_per_second"] = round(predict_rate, 2)
    m["predict_gflops"] = round(2 * MACS_PER_IMAGE * predict_rate / 1e9, 2)

    scans = [scan(test_x[i]) for i in range(100)]
    with torch.no_grad():
        for i in range(latency_warm_up):
            model(preprocess(scans[i % len(scans)])).softmax(1).numpy()
        ms = []
        for i in range(latency_runs):
            t = time.perf_counter()
            model(preprocess(scans[i % len(scans)])).softmax(1).numpy()
            ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    m["latency_ms_p50"] = round(ms[int(0.5 * (latency_runs - 1))], 2)
    m["latency_ms_p99"] = round(ms[-(-99 * (latency_runs - 1) // 100)], 2)
    m["bench_rss_mb"] = peak_rss_mb()
    peak = max(peak_before, matmul_gflops(peak_size, peak_repetitions))
    m["matmul_peak_gflops"] = round(peak, 2)
    m["matmul_size"] = peak_size
    m["train_share_of_peak"] = round(m["train_gflops"] / peak, 2)
    m["predict_share_of_peak"] = round(m["predict_gflops"] / peak, 2)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "seed.pt")
        torch.save(model.state_dict(), path)
        starts = []
        for _ in range(cold_starts):
            t = time.perf_counter()
            p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--cold-start", path],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            first = None
            last = None
            for line in p.stdout:
                if line.startswith(READY) and first is None:
                    first = (time.perf_counter() - t) * 1000
                last = line
            if p.wait() != 0 or first is None:
                sys.exit("bench-pytorch: the cold-start run failed")
            starts.append((first, json.loads(last)["rss_mb"]))
        starts.sort()
        first, rss = starts[len(starts) // 2]
    m["cold_start_ms"] = round(first, 2)
    m["pretrained_load_ms"] = None
    m["rss_mb"] = rss
    print(f"pytorch {torch.__version__}, {threads} threads: training {train_rate:.0f} images/s,"
          f" inference {predict_rate:.0f} images/s, latency p50 {m['latency_ms_p50']} ms"
          f" p99 {m['latency_ms_p99']} ms, cold start {m['cold_start_ms']:.0f} ms, {rss} MB,"
          f" matrix product peak {peak:.0f} GFLOP/s", file=sys.stderr)
    print(json.dumps(m))


if __name__ == "__main__":
    main()
