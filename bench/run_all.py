"""Run every benchmark in turn (each prints its own numbers)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in ("models_api.py", "ui.py"):
    print(f"\n=== {script} ===", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], cwd=HERE, check=True)
