"""``python -m nnbook`` runs the command line (see ``nnbook.cli``).

Output that cannot be written (a closed pipe, a closed stdout, a full disk) ends with one line on
stderr and exit 1, not a Python traceback. The ``nnbook`` console command starts in ``nnbook_entry``
(outside this package), which also turns a Ctrl-C while NumPy is imported into one line; with
``python -m nnbook`` the package, and NumPy, are imported before this module can guard them.
"""

import os
import signal
import sys


def _interrupted_while_starting(signum, frame):
    os.write(2, b"\nnnbook: interrupted\n")
    os._exit(130)


def _run() -> int:
    signal.signal(signal.SIGINT, _interrupted_while_starting)  # covers only the import of nnbook.cli
    from nnbook.cli import main

    signal.signal(signal.SIGINT, signal.default_int_handler)  # from here main() reports KeyboardInterrupt
    if sys.stdout is None:  # started with stdout closed (``>&-``)
        print("nnbook: error: standard output is closed", file=sys.stderr)
        return 1
    try:
        code = main()
        sys.stdout.flush()
        return code
    except OSError as err:  # BrokenPipeError (``| head``), ENOSPC (``> /dev/full``), EBADF
        # later flushes would fail again: send what is left to the null device
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"nnbook: error: cannot write the output: {err.strerror or err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(_run())
