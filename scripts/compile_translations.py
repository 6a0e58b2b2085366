"""Compile every catalogue in translations/ (.po to .mo); installing the project does the same."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from setup import compile_catalogues  # noqa: E402

if __name__ == "__main__":
    compile_catalogues()
