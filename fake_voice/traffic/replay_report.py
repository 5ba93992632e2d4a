"""The report of ``fake-voice replay``: each exchange and field where the fake answered
otherwise than the recording shows, recorded value against the fake's.

Its values were scrubbed of the credentials their recording carried before they got here;
it never holds a header, a query string or a URL's credentials.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fake_voice.traffic.read import FORMAT_NAMES
from fake_voice.traffic.report import Shown, counted

_PARTS = {"status": "status", "code": "error code", "body": "body"}


@dataclass(frozen=True)
class Differing:
    """One difference: in exchange ``entry`` (1-based), ``part`` at ``pointer``."""

    entry: int
    method: str
    host: str
    path: str
    """The recorded path (Twilio's SIDs), without its query string."""
    operation: str
    part: str
    """``status``, ``code`` (Twilio's error code) or ``body`` (a field of it)."""
    pointer: str
    recorded: str
    fake: str
    """Both as JSON text; ``missing`` for a field one side does not have."""

    def line(self) -> str:
        where = _PARTS[self.part] + (f" {self.pointer}" if self.part == "body" else "")
        return f"    {where}: recorded {self.recorded}, fake {self.fake}"


@dataclass(frozen=True)
class Unreplayed:
    """An exchange with a Twilio Voice host whose path no operation of the fake routes."""

    entry: int
    method: str
    host: str
    path: str


@dataclass(frozen=True)
class ReplayedFile:
    file: str
    format: str | None
    entries: int = 0
    replayed: int = 0
    matched: int = 0
    skipped: int = 0
    """Exchanges with other hosts: counted, not replayed."""
    differences: tuple[Differing, ...] = ()
    unreplayed: tuple[Unreplayed, ...] = ()
    errors: tuple[tuple[int | None, str], ...] = ()
    """``(entry, message)``; entry None: the whole file could not be replayed."""

    @classmethod
    def unreadable(cls, path: Path, message: str, format: str | None = None) -> ReplayedFile:
        return cls(str(path), format, errors=((None, message),))

    @property
    def status(self) -> str:
        if any(entry is None for entry, _ in self.errors):
            return "unreadable"
        if self.differences:
            return "differs"
        return "incomplete" if self.errors else "matches"


@dataclass(frozen=True)
class ReplayReport(Shown):
    """What ``fake_voice.traffic.replay()`` found; ``ok`` when every answer matched."""

    files: tuple[ReplayedFile, ...]
    ignored: tuple[str, ...] = ()

    @property
    def differences(self) -> list[Differing]:
        return [d for f in self.files for d in f.differences]

    @property
    def exit_status(self) -> int:
        """0 when every answer matched, 1 with differences, 2 when some input was unreadable."""
        if any(f.errors for f in self.files):
            return 2
        return 1 if self.differences else 0

    def counts(self) -> dict[str, int]:
        files = self.files
        return {
            "files": len(files),
            "files_matching": sum(f.status == "matches" for f in files),
            "files_differing": sum(f.status == "differs" for f in files),
            "files_unreadable": sum(f.status in ("unreadable", "incomplete") for f in files),
            "replayed": sum(f.replayed for f in files),
            "matched": sum(f.matched for f in files),
            "differing": sum(f.replayed - f.matched for f in files),
            "not_covered": sum(len(f.unreplayed) for f in files),
            "skipped_other_hosts": sum(f.skipped for f in files),
            "differences": len(self.differences),
        }

    def summary(self) -> str:
        c = self.counts()
        return (
            f"{counted(c['files'], 'file')}: {c['files_matching']} matching, "
            f"{c['files_differing']} differing, {c['files_unreadable']} unreadable; "
            f"{counted(c['replayed'], 'exchange')} replayed: {c['matched']} matched, "
            f"{c['differing']} differing; {c['not_covered']} not covered; "
            f"{c['skipped_other_hosts']} with other hosts skipped; "
            f"{counted(c['differences'], 'difference')}"
        )

    def file_lines(self, file: ReplayedFile) -> list[str]:
        return _file_lines(file)

    def file_json(self, file: ReplayedFile) -> dict[str, Any]:
        return {
            "file": file.file,
            "format": file.format,
            "status": file.status,
            "entries": file.entries,
            "replayed": file.replayed,
            "matched": file.matched,
            "skipped_other_hosts": file.skipped,
            "differences": [asdict(d) for d in file.differences],
            "not_covered": [asdict(u) for u in file.unreplayed],
            "errors": [{"entry": e, "message": m} for e, m in file.errors],
        }


def _file_lines(report: ReplayedFile) -> list[str]:
    if report.status == "unreadable":
        return [f"{report.file} {message} (unreadable)" for _, message in report.errors]
    name = FORMAT_NAMES.get(report.format or "", "unreadable")
    lines = [
        f"{report.file}: {name}, {counted(report.entries, 'entry', 'entries')}, {report.status}"
    ]
    items: list[tuple[int, list[str]]] = []
    for entry, message in report.errors:
        items.append((entry or 0, [f"  #{entry} unreadable: {message}"]))
    for gap in report.unreplayed:
        where = f"{gap.method} {gap.host}{gap.path}"
        items.append((gap.entry, [f"  #{gap.entry} {where}: not covered (the fake has no route)"]))
    by_entry: dict[int, list[Differing]] = {}
    for difference in report.differences:
        by_entry.setdefault(difference.entry, []).append(difference)
    for entry, found in by_entry.items():
        first = found[0]
        block = [f"  #{entry} {first.method} {first.host}{first.path} ({first.operation})"]
        items.append((entry, block + [d.line() for d in found]))
    for _, block in sorted(items, key=lambda item: item[0]):
        lines += block
    return lines
