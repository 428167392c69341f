# Regenerates torch_optimizers.json: a few steps of PyTorch's own optimisers (float64) on a fixed tiny problem,
# the independent truth for train.optim (OptimizersTest). Run: /usr/bin/python3 torch_optimizers.py > torch_optimizers.json
# Network: bias-free ReLU, widths 4-5-3-2, Y = W3 relu(W2 relu(W1 X)), X of 6 samples (columns);
# cost C = (1/N) * ||Y - T||_F^2 (saddlescope's mse). Full batch, constant learning rate.
import json, torch
torch.manual_seed(7)
dt = torch.float64
widths = [4, 5, 3, 2]
N = 6
X = torch.randn(widths[0], N, dtype=dt)
T = torch.randn(widths[-1], N, dtype=dt)
W0 = [torch.randn(widths[i + 1], widths[i], dtype=dt) * 0.7 for i in range(len(widths) - 1)]

def loss(Ws):
    h = X
    for i, W in enumerate(Ws):
        h = W @ h
        if i < len(Ws) - 1:
            h = torch.relu(h)
    return ((h - T) ** 2).sum() / N

cases = {
    "sgd": (lambda p: torch.optim.SGD(p, lr=0.05), 0.05),
    "momentum:mu=0.9,dampening=0.1": (lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1), 0.05),
    "momentum:mu=0.8,nesterov=true": (lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True), 0.05),
    "adam": (lambda p: torch.optim.Adam(p, lr=0.02), 0.02),
    "adam:beta1=0.5,beta2=0.9,eps=1e-3": (lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.5, 0.9), eps=1e-3), 0.02),
}
steps = 6
out = {"torch": torch.__version__, "widths": widths, "X": X.tolist(), "T": T.tolist(), "W0": [w.tolist() for w in W0],
       "steps": steps, "cases": []}
for spec, (make, lr) in cases.items():
    Ws = [w.clone().requires_grad_() for w in W0]
    opt = make(Ws)
    traj = []
    for s in range(steps):
        opt.zero_grad()
        loss(Ws).backward()
        opt.step()
        traj.append([w.detach().tolist() for w in Ws])
    out["cases"].append({"spec": spec, "lr": lr, "weights": traj})
print(json.dumps(out))
