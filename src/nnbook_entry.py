"""The ``nnbook`` console command's entry point, a module outside the ``nnbook`` package.

Importing ``nnbook`` imports NumPy (about 50 ms). A Ctrl-C in that time would end in a Python
traceback if the command's entry were inside the package, because the package is imported before any
of its code runs. This module is imported first, with nothing else: it sets the SIGINT handler, and
only then imports the command line (``nnbook.__main__._run``, which handles closed or full output).
"""

import os
import signal
import sys


def _interrupted_while_starting(signum, frame):
    os.write(2, b"\nnnbook: interrupted\n")
    os._exit(130)


def main() -> int:
    signal.signal(signal.SIGINT, _interrupted_while_starting)  # until the command line has been imported
    from nnbook.__main__ import _run

    return _run()


if __name__ == "__main__":
    sys.exit(main())
