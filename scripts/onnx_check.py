#!/usr/bin/python3
"""Check every kind of exported ONNX graph with onnx.checker (Debian's python3-onnx 1.12).

Not a test (tests never need Python): run by hand after changing src/core/onnx.
  /usr/bin/python3 scripts/onnx_check.py [DATA.csv with a 'label' column]
Writes each detector's graph (float32 and float64) through the CLI's --save-onnx into a temporary
folder, then runs onnx.checker.check_model(full_check=True) (type and shape inference included) on it.
"""
import json
import os
import subprocess
import sys
import tempfile

import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "public", "samples", "cardio.csv")
CASES = [
    ("iforest", []), ("zscore", []), ("knn", ["--param", "method=median", "--param", "n_neighbors=6"]), ("lof", []),
    ("ocsvm", ["--param", "kernel=rbf"]), ("ocsvm", ["--param", "kernel=poly"]), ("ocsvm", ["--param", "kernel=linear"]),
    ("ocsvm", ["--param", "kernel=sigmoid"]), ("ocsvm", ["--param", "method=nystroem", "--param", "n_components=20"]),
    ("autoencoder", ["--param", "epoch_num=2", "--param", "batch_norm=true"]),
    ("ensemble", ["--param", 'members=[{"detector":"iforest"},{"detector":"lof"}]', "--param", "normalize=rank"]),
]
NAB = os.path.join(ROOT, "public", "samples", "machine_temperature_system_failure.csv")
TINY_RNN = ["--param", "window_size=8", "--param", "hidden_size=4", "--param", "epoch_num=1", "--param", "n_layers=2", "--time", "timestamp"]
SERIES_CASES = [("lstm_ae", TINY_RNN), ("gru_ae", TINY_RNN)]

failed = 0
with tempfile.TemporaryDirectory() as tmp:
    for i, (det, extra, data) in enumerate([(d, e + ["--label", "label"], DATA) for d, e in CASES] + [(d, e, NAB) for d, e in SERIES_CASES]):
        for dtype in ("float32", "float64"):
            path = os.path.join(tmp, f"{i}-{det}-{dtype}.onnx")
            r = subprocess.run(["node", os.path.join(ROOT, "bin", "anomaly-lab.js"), "score", data, "--detector", det, *extra,
                                "--save-onnx", path, "--onnx-dtype", dtype, "--json"], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL {det} {' '.join(extra)} {dtype}: CLI: {r.stderr.strip()}")
                failed += 1
                continue
            m = onnx.load(path)
            try:
                onnx.checker.check_model(m, full_check=True)
                meta = {p.key: p.value for p in m.metadata_props}
                outs = [o.name for o in m.graph.output]
                print(f"ok   {det} {' '.join(extra)} {dtype}: opsets {[(o.domain or 'ai.onnx', o.version) for o in m.opset_import]}, "
                      f"{len(m.graph.node)} nodes, outputs {outs}, threshold {meta['threshold']}, {len(json.loads(meta['columns']))} columns")
            except Exception as e:  # noqa: BLE001 - report every graph
                print(f"FAIL {det} {' '.join(extra)} {dtype}: {e}")
                failed += 1
sys.exit(1 if failed else 0)
