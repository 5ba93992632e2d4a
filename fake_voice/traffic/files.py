"""Which files a list of paths names: files as given, folders searched recursively.

Folders are searched for ``.yaml``, ``.yml``, ``.json``, ``.har`` and ``.gz`` files (hidden
ones left out, in name order); a file named on its own is read whatever its name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

PathArg = str | os.PathLike[str]
SUFFIXES = (".yaml", ".yml", ".json", ".har", ".gz")


def find(paths: PathArg | Iterable[PathArg]) -> tuple[list[tuple[Path, bool]], list[str]]:
    """Every recording to read, in order, each with whether it can be read (a folder that
    holds none is listed as one that cannot); and the files of the folders that were left
    out because their names do not look like recordings."""
    found: list[tuple[Path, bool]] = []
    ignored: list[str] = []
    for given in [paths] if isinstance(paths, (str, os.PathLike)) else paths:
        root = Path(given)
        if root.is_dir():
            recordings = 0
            for path in _walk(root):
                if path.name.lower().endswith(SUFFIXES):
                    found.append((path, True))
                    recordings += 1
                else:
                    ignored.append(str(path))
            if not recordings:  # a wrong path must not pass a CI step silently
                found.append((root, False))
        else:
            found.append((root, root.exists()))
    return found, ignored


def why_missing(path: Path) -> str:
    """Why :func:`find` could not offer ``path`` as a recording, in a report's words."""
    if path.is_dir():
        return f"holds no recording (no {', '.join(SUFFIXES)} file)"
    return "does not exist (check the path)"


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(folder, name) for name in sorted(names) if not name.startswith(".")]
    return found
