"""Generate ``fake_voice/cli/data/twilio_voice_operations.json``: what ``fake-voice coverage``
compares the fake's route table against when it is given no description.

    python -m scripts.operations           # rewrite the index from .cache/openapi/
    python -m scripts.operations --check   # exit 1 if the shipped index differs

It reads every ``twilio_voice_v*.json`` that ``make openapi`` fetched into
``.cache/openapi/`` (Twilio's official descriptions, from the npm package
``@twilio/cli-core`` at the Makefile's ``CLI_CORE`` version, MIT licensed) and keeps, per
operation, only what coverage compares: operationId, method, path and success status.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from fake_voice.cli.coverage import INDEX_FILE, described_operations, read_description

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTIONS = ROOT / ".cache" / "openapi"
PACKAGE = "@twilio/cli-core"


def cli_core_version() -> str:
    """The version of @twilio/cli-core the Makefile fetches (its ``CLI_CORE``)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^CLI_CORE\s*:?=\s*(\S+)", makefile, re.MULTILINE)
    if found is None:
        raise SystemExit("the Makefile does not set CLI_CORE")
    return found.group(1)


def build(folder: Path = DESCRIPTIONS) -> dict[str, Any]:
    """The index of every description in ``folder``, in the order coverage lists them."""
    paths = sorted(folder.glob("twilio_voice_v*.json"))
    if not paths:
        raise SystemExit(f"no twilio_voice_v*.json in {folder}: run `make openapi` first")
    descriptions = []
    operations = []
    for path in paths:
        document = read_description(path)
        found = described_operations(document)
        info = document.get("info", {})
        descriptions.append(
            {"file": path.name, "info_version": info.get("version"), "operations": len(found)}
        )
        operations += [
            {
                "operation_id": op.operation_id,
                "method": op.method,
                "path": op.path,
                "status": op.status,
                "file": path.name,
            }
            for op in found
        ]
    about = {
        "source": f"npm {PACKAGE} {cli_core_version()}",
        "package": PACKAGE,
        "version": cli_core_version(),
        "licence": "MIT",
        "files": "package/src/services/twilio-api/",
        "generated_by": "python -m scripts.operations",
        "descriptions": descriptions,
    }
    return {"about": about, "operations": operations}


def render(index: dict[str, Any]) -> str:
    """The file: its provenance, then one operation a line."""
    head = json.dumps(index["about"], indent=2)
    lines = ",\n".join(f"    {json.dumps(op)}" for op in index["operations"])
    return f'{{\n"about": {head},\n"operations": [\n{lines}\n]\n}}\n'


def main(argv: list[str]) -> int:
    index = build()
    if "--check" in argv:
        if json.loads(INDEX_FILE.read_text(encoding="utf-8")) != index:
            print(f"{INDEX_FILE} differs from {DESCRIPTIONS}: run python -m scripts.operations")
            return 1
        return 0
    INDEX_FILE.write_text(render(index), encoding="utf-8")
    print(f"wrote {len(index['operations'])} operations to {INDEX_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
