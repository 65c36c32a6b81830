"""How fast this machine is right now: the median CPU seconds of a fixed Python loop (five runs).

Timings of the test suite are only comparable at the same speed; on a shared virtual machine the
same loop took 0.34 s in one minute and 0.61 s in the next (2026-12-03). Run it before and after a
timing: `python3 scripts/machine_speed.py`."""

import statistics
import time


def loop_seconds() -> float:
    start = time.process_time()
    total = 0
    for number in range(5_000_000):
        total += number * number
    return time.process_time() - start


if __name__ == "__main__":
    print(f"{statistics.median(loop_seconds() for _ in range(5)):.3f}")
