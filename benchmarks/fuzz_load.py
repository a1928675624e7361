"""The long fuzz run of the loaders (issue 11): every string and name field of the saved
configs of a zoo of models (every layer family, op layers, nested models, compile configs)
replaced in turn by every hostile dotted name (``os.system``, ``torch.os.system``,
``builtins.eval``, ...) and shell command, each file loaded under safe mode with canaries on
the shell, subprocesses, pickle, ``torch.load``/``save``, ``numpy.load`` and eval/exec/imports.

A load must be refused with a ValueError/TypeError or build plain data, and no canary may
fire. ``tests/saving/test_security_fuzz.py`` runs a fixed sample of the same cases in CI.
Run::

    .venv/bin/python benchmarks/fuzz_load.py                 # every case (several minutes)
    .venv/bin/python benchmarks/fuzz_load.py --count 500     # a random sample (--seed N)

This is a script, not a test: it prints what it found and exits non-zero on any finding.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "saving"))

from fuzz_support import cases, load_case, mutated, saved_members, write_keras, zoo  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=None, help="cases to draw (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lamina_fuzz_") as folder:
        saved = {}
        for name, model in zoo().items():
            members = saved_members(model, folder)
            saved[name] = (json.loads(members["config.json"]), members)
        canary = os.path.join(folder, "canary_fuzz_marker")
        chosen = cases({n: c for n, (c, _m) in saved.items()}, args.count, args.seed, canary)
        outcomes, findings = collections.Counter(), []
        start = time.perf_counter()
        for i, (name, path, value) in enumerate(chosen):
            config, members = saved[name]
            file = write_keras(os.path.join(folder, "case.keras"), members,
                               mutated(config, path, value))
            try:
                outcome, calls = load_case(file, canary)
            except Exception as e:  # noqa: BLE001 - a crash of another kind is a finding
                outcome, calls = f"crash {type(e).__name__}", []
                findings.append((name, path, value, traceback.format_exc(limit=3)))
            if calls or os.path.exists(canary):
                findings.append((name, path, value, f"canary: {calls}"))
                if os.path.exists(canary):
                    os.remove(canary)
            outcomes[outcome] += 1
            if (i + 1) % 500 == 0:
                print(f"{i + 1}/{len(chosen)} cases, {time.perf_counter() - start:.0f} s",
                      flush=True)
    took = time.perf_counter() - start
    print(f"{len(chosen)} hostile files loaded in {took:.1f} s: " +
          ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    for name, path, value, what in findings[:50]:
        print(f"FINDING {name} {'/'.join(map(str, path))} = {value!r}:\n{what}")
    print(f"{len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
