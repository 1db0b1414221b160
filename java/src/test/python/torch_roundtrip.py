#!/usr/bin/env python3
"""The PyTorch side of TorchRoundTripTest (torch and numpy only, with python/hhnn_torch.py on PYTHONPATH).

torch_roundtrip.py CHECKPOINT BATCH OUT_DIR TARGET RESULTS
  rebuilds the checkpoint's model in PyTorch, runs BATCH's tensor "x" through it ("logits"), then adds 1e4 to the
  last layer's bias for class TARGET (a language model's decoder bias for word TARGET), runs the batch again
  ("logits_edited") and saves that model as a checkpoint in
  OUT_DIR in float64 (hhnn reads F64); RESULTS (safetensors) receives both logits as float32.
"""
import sys

import torch
from torch import nn

import hhnn_torch


def main(ckpt, batch, out_dir, target, results):
    model, config = hhnn_torch.load(ckpt)
    x = hhnn_torch.read_safetensors(batch)["x"].float()
    with torch.no_grad():
        logits = model(x)
        last = (model.fc if hasattr(model, "fc") else model.decoder if hasattr(model, "decoder")   # a language model's word
                else [m for m in model.modules() if isinstance(m, nn.Linear)][-1])
        last.bias[target] += 1e4
        edited = model(x)
    hhnn_torch.save(model, config, out_dir, dtype=torch.float64)
    hhnn_torch.write_safetensors(results, {"logits": logits.float(), "logits_edited": edited.float()})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
