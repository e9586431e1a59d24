#!/usr/bin/env python3
"""What one message exchange between two processes costs this machine's kernel.

Every gRPC call from Terraform and every AWS call to the emulator is such an exchange:
one process writes, the other wakes, reads and answers. This measures a 1 kB request and
a 4 kB answer over a Unix socket pair, with the two processes on one CPU and then free
to run on different CPUs, and reports the CPU time (user and system) the asking side is
charged per exchange. On a virtual machine, waking a process on an idle virtual CPU can
cost far more than the exchange itself; docs/performance.md uses this to read the
provider's CPU numbers.

    python3 provider/benches/wake_cost.py [EXCHANGES]
"""
import os
import resource
import socket
import sys
import time


def exchange_cost(exchanges, cpus):
    """(user µs, system µs, wall µs) per exchange, both processes on `cpus`."""
    ask, answer = socket.socketpair()
    child = os.fork()
    if child == 0:
        ask.close()
        os.sched_setaffinity(0, cpus)
        while True:
            request = answer.recv(65536)
            if not request:
                os._exit(0)
            answer.sendall(request * 4)
    answer.close()
    os.sched_setaffinity(0, cpus)
    request = b"x" * 1000

    def one():
        ask.sendall(request)
        received = 0
        while received < 4 * len(request):
            received += len(ask.recv(65536))

    for _ in range(100):
        one()
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.monotonic()
    for _ in range(exchanges):
        one()
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    ask.close()
    os.waitpid(child, 0)
    return tuple(
        seconds / exchanges * 1e6
        for seconds in (after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, wall)
    )


def main():
    exchanges = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    everywhere = os.sched_getaffinity(0)
    first = {min(everywhere)}
    for label, cpus in (("one CPU", first), (f"{len(everywhere)} CPUs", everywhere)):
        user, system, wall = exchange_cost(exchanges, cpus)
        print(
            f"{label}: {user:.1f} µs user + {system:.1f} µs system CPU per exchange, "
            f"{wall:.1f} µs wall ({exchanges} exchanges)"
        )
        os.sched_setaffinity(0, everywhere)


if __name__ == "__main__":
    main()
