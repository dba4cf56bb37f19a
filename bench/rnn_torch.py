"""PyTorch's side of `npm run bench -- rnn` (bench/rnn.ts): the same recurrent autoencoder,
trained and scored on the same windows, timed per epoch.

Architecture (as src/core/detectors/rnn/net.ts): encoder LSTM/GRU (channels -> hidden), its last
hidden state repeated window times, decoder LSTM/GRU (hidden -> hidden), Linear(hidden -> channels)
per step; Adam (lr, eps 1e-7 as Keras/tfjs), MSE, a fresh shuffle per epoch, the last batch partial.
PyTorch's GRU applies the reset gate after the recurrent product (tfjs: before), the same
arithmetic to within a few element-wise ops.

Wall and process CPU times (time.process_time: less moved by other jobs on a shared machine).
Input: --windows FILE (little-endian float32, [n, window, channels] row-major, as bench/rnn.ts
writes it). Prints one JSON object on its last line: per-epoch wall times (ms), losses, and with
--score the time to score every window (mean squared error per window, no_grad, batches of
--score-batch).

  /usr/bin/python3 bench/rnn_torch.py --windows W.f32 --n 2048 --window 50 --channels 1 \
      --cell lstm --hidden 32 --batch 64 --epochs 3 --threads 1 [--score]
"""
import argparse
import json
import time

import numpy as np
import torch


class AE(torch.nn.Module):
    def __init__(self, cell, channels, hidden, window):
        super().__init__()
        rnn = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
        self.enc = rnn(channels, hidden, batch_first=True)
        self.dec = rnn(hidden, hidden, batch_first=True)
        self.out = torch.nn.Linear(hidden, channels)
        self.window = window

    def forward(self, x):
        _, state = self.enc(x)
        h = state[0] if isinstance(state, tuple) else state  # LSTM: (h, c)
        z = h[-1].unsqueeze(1).expand(-1, self.window, -1)
        y, _ = self.dec(z)
        return self.out(y)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--windows", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--score", action="store_true")
    p.add_argument("--score-batch", type=int, default=2048)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = torch.from_numpy(np.fromfile(a.windows, dtype="<f4").reshape(a.n, a.window, a.channels).copy())
    model = AE(a.cell, a.channels, a.hidden, a.window)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=1e-7)
    loss_fn = torch.nn.MSELoss()
    epoch_ms, epoch_cpu_ms, losses = [], [], []
    for _ in range(a.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        perm = torch.randperm(a.n)
        total, batches = 0.0, 0
        for b in range(0, a.n, a.batch):
            xb = x[perm[b:b + a.batch]]
            opt.zero_grad()
            loss = loss_fn(model(xb), xb)
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
        epoch_ms.append((time.perf_counter() - t0) * 1000)
        epoch_cpu_ms.append((time.process_time() - c0) * 1000)
        losses.append(total / batches)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "epoch_ms": epoch_ms, "epoch_cpu_ms": epoch_cpu_ms, "loss": losses, "windows": a.n}
    if a.score:
        model.eval()
        times, cpu = [], []
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            with torch.no_grad():
                scores = torch.cat([((model(x[b:b + a.score_batch]) - x[b:b + a.score_batch]) ** 2).mean(dim=(1, 2)) for b in range(0, a.n, a.score_batch)])
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        out["score_ms"] = times
        out["score_cpu_ms"] = cpu
        out["score_checksum"] = float(scores.sum())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
