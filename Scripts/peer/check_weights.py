"""Loads a calm weights file (HDF5, dataset paths = parameter names with "." -> "/") into the
PyTorch peer with h5py and a strict load_state_dict, and prints per-parameter [shape, sum]
as JSON, so that calm's tests can check names, shapes and values end to end.

    python3 Scripts/peer/check_weights.py CONFIG.json WEIGHTS.h5
"""
import json
import sys

import h5py
import torch

from calm_torch import CALM


def load_weights(model, path):
    """Copies every dataset of `path` into the parameter of the same name (strict)."""
    with h5py.File(path, "r") as f:
        tensors = {}
        f.visititems(lambda name, obj: tensors.__setitem__(name.replace("/", "."), torch.from_numpy(obj[()]))
                     if isinstance(obj, h5py.Dataset) else None)
    model.load_state_dict(tensors, strict=True)


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    model = CALM(config.get("config", config))
    load_weights(model, sys.argv[2])
    print(json.dumps({k: [list(v.shape), float(v.double().sum())] for k, v in model.state_dict().items()}))


if __name__ == "__main__":
    main()
