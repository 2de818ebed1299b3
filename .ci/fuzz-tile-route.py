"""Throws hostile tile and entry-bundle paths at a running `signet serve`: indexes near 2^63
and 2^64, the deepest x-groups, bad widths and levels. Every answer must be a 4xx or 200, never
a 5xx, and the server must still answer afterwards (the tile crash schemathesis did not find)."""
import random, sys, urllib.error, urllib.request

base = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rng = random.Random(2026)
edges = [0, 1, 255, 256, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**20, rng.getrandbits(64)]

def encode(index):
    digits = str(index)
    digits = "0" * ((-len(digits)) % 3) + digits
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return "/".join("x" + g for g in groups[:-1]) + ("/" if len(groups) > 1 else "") + groups[-1]

def path():
    index = rng.choice(edges) if rng.random() < 0.5 else rng.getrandbits(rng.choice([8, 32, 64, 70]))
    kind = rng.choice(["entries", str(rng.choice([0, 1, 2, 5, 63, 64, 99]))])
    tail = encode(index)
    if rng.random() < 0.3:
        tail += ".p/" + str(rng.choice([0, 1, 3, 255, 256, -1, 2**64]))
    if rng.random() < 0.1:
        tail = tail.replace("x", rng.choice(["X", "xx", "x-"]), 1)
    return f"/log/tile/{kind}/{tail}"

bad = 0
for _ in range(count):
    p = path()
    try:
        status = urllib.request.urlopen(base + p, timeout=10).status
    except urllib.error.HTTPError as e:
        status = e.code
    if status >= 500:
        bad += 1
        print("5xx:", status, p)
urllib.request.urlopen(base + "/healthz", timeout=10)
print(f"tile route: {count} hostile paths, {bad} server errors, server alive")
sys.exit(1 if bad else 0)
