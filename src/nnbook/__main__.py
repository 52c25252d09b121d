"""``python -m nnbook`` runs the command line (see ``nnbook.cli``)."""

import sys

from nnbook.cli import main

if __name__ == "__main__":
    sys.exit(main())
