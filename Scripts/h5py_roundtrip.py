#!/usr/bin/env python3
"""Cross-checks CalmHDF5 against h5py, in both directions.

  h5py_roundtrip.py dump FILE    read FILE (written by calm) with h5py, print every group,
                                 dataset and attribute as JSON
  h5py_roundtrip.py write FILE   write a file the way other tools do (libver earliest..v110,
                                 chunked, gzip, vlen and fixed-length strings), then print its
                                 dump: calm's reader must read exactly that

Dump format: {"groups": [...], "datasets": {path: {"dtype", "shape", "values"}},
"attributes": {path: {name: value}}}. Values are flattened; bytes items are lists of ints.
"""
import json
import sys

import h5py
import numpy as np

NUMERIC = {"float32", "float64", "int32", "int64", "uint8"}


def dtype_name(dt):
    if h5py.check_vlen_dtype(dt) == np.dtype("uint8"):
        return "bytes"
    if h5py.check_string_dtype(dt) is not None:
        return "string"
    return dt.name if dt.name in NUMERIC else "other:" + str(dt)


def dataset_values(ds, name):
    if name == "bytes":
        return [[int(b) for b in item] for item in ds[()].reshape(-1)]
    if name == "string":
        info = h5py.check_string_dtype(ds.dtype)
        if info.length is None:
            # Variable-length strings must be tagged UTF-8 for h5py to hand back str.
            assert info.encoding == "utf-8", f"{ds.name}: encoding {info.encoding}"
            return [s for s in ds.asstr()[()].reshape(-1)]
        return [b.decode("utf-8") for b in np.asarray(ds[()]).reshape(-1)]
    return np.asarray(ds[()]).reshape(-1).tolist()


def attribute_value(value):
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    if isinstance(value, str):
        return value
    array = np.asarray(value)
    if array.ndim == 0:
        return array.item()
    return array.tolist()


def dump(path):
    out = {"groups": [], "datasets": {}, "attributes": {}}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            key = "/" + name
            if isinstance(obj, h5py.Group):
                out["groups"].append(key)
            else:
                dt = dtype_name(obj.dtype)
                out["datasets"][key] = {"dtype": dt, "shape": list(obj.shape), "values": dataset_values(obj, dt)}
            if len(obj.attrs):
                out["attributes"][key] = {k: attribute_value(v) for k, v in obj.attrs.items()}

        f.visititems(visit)
        if len(f.attrs):
            out["attributes"]["/"] = {k: attribute_value(v) for k, v in f.attrs.items()}
    out["groups"].sort()
    return out


def write(path):
    with h5py.File(path, "w", libver=("earliest", "v110")) as f:
        f.attrs["schema_version"] = np.int64(3)
        f.attrs["source"] = "h5py " + h5py.__version__  # vlen UTF-8 str
        f.attrs["fixed_name"] = np.bytes_("fixed")       # fixed-length string
        f.attrs["learning_rate"] = 2.5e-4
        f.attrs["sizes"] = np.array([3, 1, 4], dtype=np.int32)
        f.attrs["betas"] = np.array([0.9, 0.999])
        f.create_dataset("scores", data=(np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3)
        weight = np.linspace(-1, 1, 24).reshape(2, 3, 4)
        f.create_dataset("model/blocks/0/weight", data=weight, chunks=(1, 3, 2), compression="gzip", compression_opts=4)
        f["model/blocks/0"].attrs["kind"] = "attention"
        f.create_dataset("labels", data=np.array([7, -2, 0, 2147483647, -2147483648], dtype=np.int32))
        f.create_dataset("step", data=np.int64(-9000000000))
        f.create_dataset("mask", data=np.array([[0, 1, 255], [128, 7, 3]], dtype=np.uint8))
        f.create_dataset("ids", data=["a.jpg", "café/ünï.png", "日本.webp"], dtype=h5py.string_dtype())
        f.create_dataset("codes", data=np.array([b"ab", b"xyz12345", b""], dtype="S8"))
        images = f.create_dataset("images", (3,), dtype=h5py.vlen_dtype(np.uint8))
        images[0] = np.array([255, 216, 255, 0], dtype=np.uint8)
        images[1] = np.array([], dtype=np.uint8)
        images[2] = np.arange(40, dtype=np.uint8)
        f.create_group("empty")
    return dump(path)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("dump", "write"):
        sys.exit(__doc__)
    result = dump(sys.argv[2]) if sys.argv[1] == "dump" else write(sys.argv[2])
    json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)
