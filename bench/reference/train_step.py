"""
Reference timing for `npm run bench`: the same utterance-level networks, batch, optimiser and
step as src/rl/train.ts, in PyTorch on the CPU, so the TypeScript trainer's time per step can be
read as a ratio against a mature library on the same machine.

    python3 bench/reference/train_step.py --algorithm ilql --steps 200 --dimension 1024 \
        --hidden 64 --batch 128 --candidates 90 --nonzeros 40 --threads 2

Prints one JSON object: {"msPerStep": ..., "torch": "<version>", "threads": N}. Inputs are random
sparse non-negative feature rows with the same shapes and density as the hashed embeddings, since
a step's cost depends on shapes, not on values.
"""
import argparse
import json
import time

import torch
from torch import nn


def sparse_rows(rows, dimension, nonzeros, generator):
    x = torch.zeros(rows, dimension)
    columns = torch.randint(0, dimension, (rows, nonzeros), generator=generator)
    x.scatter_(1, columns, torch.rand(rows, nonzeros, generator=generator) * 2)
    return x


class Encoder(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.l1 = nn.Linear(d, h)
        self.l2 = nn.Linear(h, h)

    def forward(self, x):
        return self.l2(torch.relu(self.l1(x)))


class QHead(nn.Module):
    """relu(W_s e_s + W_a e_a + W_p (e_s * e_a) + b) . w + c + sum_d u_d x_s[d] x_a[d], as in network.ts."""

    def __init__(self, d, h):
        super().__init__()
        self.ws = nn.Linear(h, h, bias=False)
        self.wa = nn.Linear(h, h, bias=False)
        self.wp = nn.Linear(h, h)
        self.out = nn.Linear(h, 1)
        self.wide = nn.Parameter(torch.zeros(d))

    def paired(self, xs, es, xa, ea):
        hidden = self.ws(es) + self.wa(ea) + self.wp(es * ea)
        return self.out(torch.relu(hidden)).squeeze(1) + (xs * xa * self.wide).sum(1)


class Networks(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.state = Encoder(d, h)
        self.action = Encoder(d, h)
        self.q1 = QHead(d, h)
        self.q2 = QHead(d, h)
        self.v1 = nn.Linear(h, h)
        self.v = nn.Linear(h, 1)
        self.policy = nn.Linear(h, h, bias=False)
        self.policy_wide = nn.Parameter(torch.zeros(d))

    def values(self, es):
        return self.v(torch.relu(self.v1(es))).squeeze(1)

    def policy_logits(self, xs, es, xc, ec):
        return self.policy(es) @ ec.T + (xs * self.policy_wide) @ xc.T


def expectile_loss(diff, tau):
    weight = torch.where(diff > 0, tau, 1 - tau)
    return (weight * diff * diff).mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--algorithm", choices=["ilql", "bc"], default="ilql")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--dimension", type=int, default=1024)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--candidates", type=int, default=90)
    parser.add_argument("--nonzeros", type=int, default=40)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    d, h, b, a = args.dimension, args.hidden, args.batch, args.candidates
    online = Networks(d, h)
    target = [QHead(d, h), QHead(d, h)]
    for t, q in zip(target, [online.q1, online.q2]):
        t.load_state_dict(q.state_dict())
        t.requires_grad_(False)
    optimiser = torch.optim.Adam(online.parameters(), lr=1e-3)
    gamma, tau, rho, dropout = 0.99, 0.7, 0.005, 0.5

    def step():
        states = sparse_rows(b, d, args.nonzeros, generator)
        states = states * (torch.rand(b, d, generator=generator) >= dropout) / (1 - dropout)
        candidates = sparse_rows(a, d, args.nonzeros, generator)
        labels = torch.randint(0, a, (b,), generator=generator)
        es = online.state(states)
        ec = online.action(candidates)
        loss = nn.functional.cross_entropy(online.policy_logits(states, es, candidates, ec), labels)
        if args.algorithm == "ilql":
            following = sparse_rows(b, d, args.nonzeros, generator)
            reward = torch.rand(b, generator=generator)
            done = (torch.rand(b, generator=generator) < 0.3).float()
            taken = nn.functional.one_hot(labels, a).float()
            xa, ea = taken @ candidates, taken @ ec
            with torch.no_grad():
                target_value = reward + gamma * (1 - done) * online.values(online.state(following))
                es_fixed, ea_fixed = es.detach(), ea.detach()
                target_q = torch.minimum(target[0].paired(states, es_fixed, xa, ea_fixed), target[1].paired(states, es_fixed, xa, ea_fixed))
            loss = loss + expectile_loss(target_q - online.values(es), tau)
            for q in (online.q1, online.q2):
                loss = loss + ((q.paired(states, es, xa, ea) - target_value) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if args.algorithm == "ilql":
            with torch.no_grad():
                for t, q in zip(target, [online.q1, online.q2]):
                    for pt, pq in zip(t.parameters(), q.parameters()):
                        pt.mul_(1 - rho).add_(pq, alpha=rho)

    step()  # warm-up, not timed
    started = time.perf_counter()
    for _ in range(args.steps - 1):
        step()
    seconds = time.perf_counter() - started
    print(json.dumps({"msPerStep": seconds * 1000 / (args.steps - 1), "torch": torch.__version__, "threads": args.threads}))


if __name__ == "__main__":
    main()
