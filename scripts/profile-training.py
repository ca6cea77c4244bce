#!/usr/bin/python3
"""Where the seed recipe's training time goes, by operator, against the machine's matrix product peak.

Needs Debian's Python and PyTorch:  sudo apt-get install python3-torch   (PyTorch 1.13, with numpy)
Usage:
  /usr/bin/python3 scripts/profile-training.py [--batches N] [--trace-out FILE]
      profiles Debian's PyTorch training the seed network (batch 128, RMSProp lr 0.001, rho 0.9, eps 1e-7, as many
      threads as cores, N profiled batches after 10 warm-up ones; as scripts/bench-pytorch.py trains) with
      torch.profiler, and prints the summary below
  /usr/bin/python3 scripts/profile-training.py --trace FILE [--peak GFLOPS] [--batches N]
      prints the same summary of a trace libtorch wrote for djl's own training step
      (mnist-djl's TrainingProfile, see BENCHMARKS.md)

The summary: self time of each operator (time inside it, not in operators it calls) summed into kinds (convolution
forward and backward, dense layers, pooling, dropout, activations, loss, optimizer, the rest), ms per batch and
share of the step; for the kinds that are matrix products, the GFLOP/s they reach (FLOPs of the seed network:
convolutions and dense layers, forward 2 x 12.0M multiply-adds per image, backward twice that less the first
convolution's input gradient) and that as a share of the matrix product peak (torch.mm, 2048 x 2048 float32, best
of 5, or --peak). Ops are put into kinds by name; an element-wise op (mul, add, sqrt, ...) counts as the optimizer
when its first input has a parameter's shape, as forward or loss work otherwise.
"""
import json
import os
import sys
import time
from collections import defaultdict

BATCH = 128
REST = "element-wise, copies, reshapes and the rest"
# Multiply-adds per image, by layer of the seed network.
CONV1 = 26 * 26 * 32 * 9
CONV2 = 24 * 24 * 64 * 9 * 32
DENSE = 9216 * 128 + 128 * 10
FLOPS = {  # per image
    "convolution forward": 2 * (CONV1 + CONV2),
    "convolution backward": 2 * (CONV1 + 2 * CONV2),  # weight gradients of both, input gradient of the second
    "dense layers (forward and backward)": 2 * 3 * DENSE,
}
PARAMETER_SHAPES = [[32, 1, 3, 3], [32], [64, 32, 3, 3], [64], [128, 9216], [9216, 128], [128], [10, 128],
                    [128, 10], [10], [3, 3, 1, 32], [3, 3, 32, 64]]
ELEMENTWISE = ("aten::mul", "aten::add", "aten::sub", "aten::div", "aten::sqrt", "aten::square", "aten::pow",
               "aten::addcmul", "aten::addcdiv", "aten::copy_", "aten::zero_", "aten::fill_", "aten::neg",
               "aten::clone", "aten::empty", "aten::to", "aten::_to_copy", "aten::zeros_like", "aten::ones_like",
               "aten::empty_strided", "aten::resize_", "aten::lerp")


def kind(name, shapes):
    n = name.lower()
    if "optimizer" in n:
        return "optimizer"
    if "convolution_backward" in n or "convolutionbackward" in n or "conv2d_backward" in n \
            or "mkldnn_convolution_backward" in n:
        return "convolution backward"
    if "conv" in n:
        return "convolution forward"
    if any(k in n for k in ("addmm", "aten::mm", "linear", "matmul", "mmbackward", "addmmbackward", "aten::bmm")):
        return "dense layers (forward and backward)"
    if "max_pool" in n or "maxpool" in n:
        return "max pooling (forward and backward)"
    if "dropout" in n or "bernoulli" in n or "mulbackward" in n:  # the seed network multiplies only dropout masks
        return "dropout"
    if "relu" in n or "threshold" in n:
        return "ReLU (forward and backward)"
    if any(k in n for k in ("softmax", "nll_loss", "cross_entropy", "gather", "log_softmax")):
        return "loss (log-softmax, cross-entropy)"
    if n.startswith(ELEMENTWISE) and shapes and shapes[0] in PARAMETER_SHAPES:
        return "optimizer"
    return REST


def kind_within(e, around):
    """The kind of the outermost span around {e} (or of e) that has one: aten::dropout's bernoulli_, div_ and mul
    are dropout, aten::linear's addmm a dense layer, everything in an optimizer annotation the optimizer."""
    for name in around:
        k = kind(name, [])
        if k != REST:
            return k
    return kind(e["name"], shapes_of(e))


def annotation(e):
    """A span the profiled program named (record_function), not an operator; Debian's 1.13 writes no category."""
    return e.get("cat") == "user_annotation" or "optimizer" in e["name"].lower()


def self_times(events):
    """(event, self time in us, names of the spans around it, outermost first) of every operator, from the nesting
    of events on each thread."""
    by_thread = defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e and e.get("cat", "cpu_op") in (
                "cpu_op", "Operator", "operator", "user_annotation", ""):
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    result = []
    for thread_events in by_thread.values():
        thread_events.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [event, self time, annotations around it]

        def close(entry):
            if not annotation(entry[0]):
                result.append((entry[0], max(0.0, entry[1]), entry[2]))

        for e in thread_events:
            start, dur = float(e["ts"]), float(e["dur"])
            while stack and float(stack[-1][0]["ts"]) + float(stack[-1][0]["dur"]) <= start:
                close(stack.pop())
            around = stack[-1][2] + [stack[-1][0]["name"]] if stack else []
            if stack and not annotation(e):
                stack[-1][1] -= dur
            stack.append([e, dur, around])
        while stack:
            close(stack.pop())
    return result


def shapes_of(e):
    # torch.profiler writes args "Input Dims"; libtorch's legacy profiler under DJL writes "shape".
    dims = e.get("args", {}).get("Input Dims") or e.get("args", {}).get("Input dims") or e.get("shape") or []
    return [list(d) for d in dims if isinstance(d, list)]


def summarise(trace_path, batches, peak, title):
    with open(trace_path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    ops = self_times(events)
    total = sum(s for _, s, _ in ops)
    if batches is None:
        # The seed network calls aten::conv2d twice a batch, the first time on [128, 1, 28, 28].
        convs = [e for e, _, _ in ops if e["name"] == "aten::conv2d"]
        first = [e for e in convs if shapes_of(e)[:1] == [[BATCH, 1, 28, 28]]]
        batches = max(1, len(first) if first else len(convs) // 2)
    kinds = defaultdict(float)
    top = defaultdict(float)
    for e, s, around in ops:
        kinds[kind_within(e, around)] += s
        top[e["name"]] += s
    print(f"{title}: {batches} batches of {BATCH}, {total / 1e3 / batches:.1f} ms of operator time per batch"
          f" ({BATCH * batches / (total / 1e6):,.0f} images/s if nothing else ran), matrix product peak"
          f" {peak:.1f} GFLOP/s")
    print(f"  {'kind':52}{'ms/batch':>10}{'share':>8}{'GFLOP/s':>10}{'of peak':>9}")
    for k, s in sorted(kinds.items(), key=lambda kv: -kv[1]):
        ms = s / 1e3 / batches
        line = f"  {k:52}{ms:10.2f}{s / total * 100:7.1f}%"
        if k in FLOPS:
            gflops = FLOPS[k] * BATCH / (ms / 1e3) / 1e9
            line += f"{gflops:10.1f}{gflops / peak * 100:8.0f}%"
        print(line)
    flops = sum(FLOPS.values()) * BATCH * batches
    print(f"  whole step: {flops / (total / 1e6) / 1e9:.1f} GFLOP/s, {flops / (total / 1e6) / 1e9 / peak * 100:.0f}%"
          f" of the peak (72 MFLOP per image, as bench counts)")
    print("  largest operators by self time (ms per batch):")
    for name, s in sorted(top.items(), key=lambda kv: -kv[1])[:12]:
        print(f"    {name:60}{s / 1e3 / batches:8.2f}")


def bench_module():
    """scripts/bench-pytorch.py, whose network, images and matrix product peak this profile shares."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    return __import__("bench-pytorch")


def matmul_peak(size=2048, repetitions=5):
    return bench_module().matmul_gflops(size, repetitions)


def profile_pytorch(batches, trace_out):
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.profiler import ProfilerActivity, profile, record_function

    bench = bench_module()
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(42)
    warm = 10
    x_all = bench.idx("train-images-idx3-ubyte")[:(warm + batches) * BATCH]
    y_all = bench.idx("train-labels-idx1-ubyte")[:(warm + batches) * BATCH]
    x = torch.from_numpy(x_all.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(y_all.astype(np.int64))
    model = bench.seed_network()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    model.train()

    def step(b):
        with record_function("zero_grad (optimizer)"):
            optimizer.zero_grad()
        out = model(x[b * BATCH:(b + 1) * BATCH])
        loss = F.cross_entropy(out, y[b * BATCH:(b + 1) * BATCH])
        loss.backward()
        with record_function("optimizer step"):
            optimizer.step()
        loss.item()

    for b in range(warm):
        step(b)
    t = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for b in range(warm, warm + batches):
            step(b)
    rate = batches * BATCH / (time.perf_counter() - t)
    prof.export_chrome_trace(trace_out)
    print(f"PyTorch {torch.__version__} (Debian), {torch.get_num_threads()} threads: {rate:.0f} images/s while"
          f" profiling; trace: {trace_out}")
    return batches


def main():
    args = sys.argv[1:]
    opts = {args[i]: args[i + 1] for i in range(0, len(args) - 1, 2)} if len(args) % 2 == 0 else None
    if opts is None or not set(opts) <= {"--batches", "--trace", "--trace-out", "--peak"}:
        sys.exit(__doc__)
    if "--trace" in opts:
        peak = float(opts["--peak"]) if "--peak" in opts else matmul_peak()
        summarise(opts["--trace"], int(opts["--batches"]) if "--batches" in opts else None, peak,
                  "trace " + opts["--trace"])
        return
    trace_out = opts.get("--trace-out", "pytorch-trace.json")
    batches = profile_pytorch(int(opts.get("--batches", "20")), trace_out)
    summarise(trace_out, batches, float(opts["--peak"]) if "--peak" in opts else matmul_peak(),
              "PyTorch trace " + trace_out)


if __name__ == "__main__":
    main()
