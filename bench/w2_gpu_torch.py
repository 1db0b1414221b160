"""W2-gpu's PyTorch peer on a CUDA device: the shared W2 peer's HH step and Legendre readout, unchanged
(imported from ../shared/peers/w2_hh_train_torch.py, or the folder given by --peers), at W2-gpu's size:
batch 512 x 1024 HH neurons, T = 400 steps, float32, eager autograd through the whole time loop.

Run:  python3 bench/w2_gpu_torch.py [--repeats 5] [--peers DIR]
Figure: neuron-steps/s = 512*1024*400 / seconds for forward + loss.backward(), timed between
torch.cuda.synchronize() calls (median of the repeats after one warm-up). One JSON line on stdout.
Eager only: torch.compile of a 400-step unrolled loop is a different peer (compile time in minutes).
"""
import argparse
import json
import os
import statistics
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--repeats", type=int, default=5)
ap.add_argument("--peers", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers"))
args = ap.parse_args()
os.environ["PEERS_ENV_SET"] = "1"   # the peers' CPU environment (OpenMP OpenBLAS re-exec) is for CPU runs
sys.path.insert(0, args.peers)
import w2_hh_train_torch as w2  # noqa: E402
import common  # noqa: E402
import torch  # noqa: E402

dev = torch.device("cuda")
w2.B, w2.H = 512, 1024
torch.set_default_device(dev)   # forward()'s torch.full(...) state then lives on the GPU too
g = torch.Generator(device=dev).manual_seed(0)
x = torch.rand(w2.B, w2.D, generator=g, device=dev)
W = (0.0255 + 0.31 * torch.randn(w2.H, w2.D, generator=g, device=dev)).requires_grad_(True)
a = (torch.randn(w2.H, w2.K, generator=g, device=dev) * 0.5).requires_grad_(True)
rest = common.rest_state()


def step():
    W.grad = None
    a.grad = None
    loss, _ = w2.forward(x, W, a, rest)
    loss.backward()
    return loss


times = []
for r in range(args.repeats + 1):
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    loss = step()
    torch.cuda.synchronize()
    if r > 0:
        times.append(time.perf_counter() - t0)
work = w2.B * w2.H * w2.T
print(json.dumps({
    "workload": "W2-gpu", "peer": "torch_eager_autograd_cuda", "device": torch.cuda.get_device_name(0),
    "torch_version": torch.__version__, "B": w2.B, "H": w2.H, "T": w2.T,
    "unit": "neuron-steps/s", "median": work / statistics.median(times), "best": work / min(times),
    "times_s": [round(t, 6) for t in times], "loss": float(loss),
    "grad_finite": bool(torch.isfinite(W.grad).all() and torch.isfinite(a.grad).all()),
    "peak_gpu_memory_gib": torch.cuda.max_memory_allocated() / 2**30,
}))
