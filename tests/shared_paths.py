"""Where the project's shared material lives: `../shared/` beside the repository (as CI lays it out),
or KG_SHARED_DIR. One place, so no test hard-codes a machine's path."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
GOLD = SHARED / "gold"
DEV = SHARED / "corpus-dev"
CORPUS = ROOT / "corpus"
