"""The report of ``fake-voice validate``: what was read, what is wrong and where, in counts.

Every message in it was scrubbed of the credentials its recording carried before it got
here; the report itself never holds a header, a URL's credentials or a query string.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from fake_voice.traffic.read import FORMAT_NAMES

REPORT_VERSION = 1


@dataclass(frozen=True)
class Violation:
    """One thing a recorded exchange does that ``schemas/`` do not allow."""

    file: str
    entry: int
    """1-based position of the exchange in its file."""
    method: str
    host: str
    path: str
    operation: str | None
    part: str
    """``request`` (its parameters), ``status`` or ``response`` (its body)."""
    pointer: str
    """JSON pointer into the request parameters or the response body ("" = all of it)."""
    message: str
    keyword: str
    """The rule that failed: a JSON Schema keyword, or status, json, empty, repeated,
    unknown (only with ``unknown_parameters``)."""
    schema: str
    """Where the rule is written, e.g. ``common.json#/$defs/date_time/pattern``."""


@dataclass(frozen=True)
class Uncovered:
    """An exchange with a Twilio Voice host whose operation ``schemas/`` do not describe."""

    file: str
    entry: int
    method: str
    host: str
    path: str
    reason: str


@dataclass(frozen=True)
class ReadError:
    """A file, or one entry of it (``entry`` not None), that could not be read."""

    file: str
    entry: int | None
    message: str


@dataclass(frozen=True)
class FileReport:
    file: str
    format: str | None
    """fake-voice, har, responses, vcr-json or vcr-yaml; None when the file is unreadable."""
    entries: int = 0
    checked: int = 0
    """Exchanges with a Twilio Voice host whose operation was found and checked."""
    valid: int = 0
    skipped: int = 0
    """Exchanges with other hosts: counted, not checked."""
    requests_unchecked: int = 0
    """POSTs whose parameters were not checked: the format keeps no request bodies."""
    violations: tuple[Violation, ...] = ()
    uncovered: tuple[Uncovered, ...] = ()
    errors: tuple[ReadError, ...] = ()

    @property
    def format_name(self) -> str:
        """The format in words: ``VCR.py cassette (YAML)``."""
        return FORMAT_NAMES.get(self.format or "", "unreadable")

    @property
    def status(self) -> str:
        """unreadable (the whole file), violations, incomplete (some entries unreadable), valid."""
        if any(error.entry is None for error in self.errors):
            return "unreadable"
        if self.violations:
            return "violations"
        return "incomplete" if self.errors else "valid"


class Shown:
    """What the reports of ``validate`` and ``replay`` share: ``ok``, the readable text and
    the JSON around their files. Each report says how one file reads and counts."""

    files: tuple[Any, ...]
    ignored: tuple[str, ...]

    @property
    def exit_status(self) -> int:
        raise NotImplementedError

    def counts(self) -> dict[str, int]:
        raise NotImplementedError

    def summary(self) -> str:
        raise NotImplementedError

    def file_lines(self, file: Any) -> list[str]:
        raise NotImplementedError

    def file_json(self, file: Any) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def text(self) -> str:
        """The readable report: each file, what is wrong under its exchange, the summary."""
        lines = [line for file in self.files for line in self.file_lines(file)]
        return "\n".join([*lines, "", self.summary()]) + "\n"

    def __str__(self) -> str:
        return self.text()

    def as_json(self) -> dict[str, Any]:
        return {
            "report_version": REPORT_VERSION,
            "ok": self.ok,
            "exit_status": self.exit_status,
            "summary": self.counts(),
            "files": [self.file_json(file) for file in self.files],
            "ignored": list(self.ignored),
        }


@dataclass(frozen=True)
class Report(Shown):
    """What ``fake_voice.traffic.validate()`` found. ``ok`` is True when nothing is wrong."""

    files: tuple[FileReport, ...]
    ignored: tuple[str, ...] = ()
    """Files found in folders that do not look like recordings (by their name), not read."""
    strict: bool = False
    """Exchanges that ``schemas/`` do not cover count as faults."""

    @property
    def violations(self) -> list[Violation]:
        return [v for f in self.files for v in f.violations]

    @property
    def uncovered(self) -> list[Uncovered]:
        return [u for f in self.files for u in f.uncovered]

    @property
    def errors(self) -> list[ReadError]:
        return [e for f in self.files for e in f.errors]

    @property
    def exit_status(self) -> int:
        """0 when all is valid, 1 with violations, 2 when some input could not be read."""
        if self.errors:
            return 2
        if self.violations or (self.strict and self.uncovered):
            return 1
        return 0

    def counts(self) -> dict[str, int]:
        files = self.files
        exchanges_with_violations = {(v.file, v.entry) for v in self.violations}
        return {
            "files": len(files),
            "files_valid": sum(f.status == "valid" for f in files),
            "files_with_violations": sum(f.status == "violations" for f in files),
            "files_incomplete": sum(f.status == "incomplete" for f in files),
            "files_unreadable": sum(f.status == "unreadable" for f in files),
            "files_ignored": len(self.ignored),
            "exchanges": sum(f.entries for f in files),
            "checked": sum(f.checked for f in files),
            "valid": sum(f.valid for f in files),
            "with_violations": len(exchanges_with_violations),
            "not_covered": len(self.uncovered),
            "skipped_other_hosts": sum(f.skipped for f in files),
            "unreadable_entries": sum(e.entry is not None for e in self.errors),
            "requests_unchecked": sum(f.requests_unchecked for f in files),
            "violations": len(self.violations),
        }

    def summary(self) -> str:
        c = self.counts()
        text = f"{counted(c['files'], 'file')}: {c['files_valid']} valid, "
        text += f"{c['files_with_violations']} with violations, "
        if c["files_incomplete"]:
            text += f"{c['files_incomplete']} incomplete, "
        text += f"{c['files_unreadable']} unreadable"
        if c["files_ignored"]:
            text += f", {c['files_ignored']} ignored"
        text += (
            f"; {counted(c['checked'] + c['not_covered'], 'exchange')} with Twilio Voice: "
            f"{c['valid']} valid, {c['with_violations']} with violations, "
            f"{c['not_covered']} not covered; {c['skipped_other_hosts']} with other hosts "
            f"skipped; {counted(c['violations'], 'violation')}"
        )
        if c["unreadable_entries"]:
            text += (
                f"; {counted(c['unreadable_entries'], 'unreadable entry', 'unreadable entries')}"
            )
        if c["requests_unchecked"]:
            text += (
                f"; {c['requests_unchecked']} POST parameters not checked "
                "(the recording keeps no request bodies)"
            )
        return text

    def file_lines(self, file: FileReport) -> list[str]:
        return _file_lines(file)

    def file_json(self, file: FileReport) -> dict[str, Any]:
        return {
            "file": file.file,
            "format": file.format,
            "status": file.status,
            "entries": file.entries,
            "checked": file.checked,
            "valid": file.valid,
            "skipped_other_hosts": file.skipped,
            "requests_unchecked": file.requests_unchecked,
            "violations": [_without_file(asdict(v)) for v in file.violations],
            "not_covered": [_without_file(asdict(u)) for u in file.uncovered],
            "errors": [_without_file(asdict(e)) for e in file.errors],
        }


def _without_file(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "file"}


def counted(count: int, one: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``, ``3 entries``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _file_lines(report: FileReport) -> list[str]:
    whole = [e for e in report.errors if e.entry is None]
    if whole:
        return [f"{report.file} {e.message} (unreadable)" for e in whole]
    entries = counted(report.entries, "entry", "entries")
    lines = [f"{report.file}: {report.format_name}, {entries}, {report.status}"]
    items: list[tuple[int, list[str]]] = []
    for error in report.errors:
        items.append((error.entry or 0, [f"  #{error.entry} unreadable: {error.message}"]))
    for gap in report.uncovered:
        where = f"{gap.method} {gap.host}{gap.path}"
        items.append((gap.entry, [f"  #{gap.entry} {where}: not covered ({gap.reason})"]))
    by_entry: dict[int, list[Violation]] = {}
    for violation in report.violations:
        by_entry.setdefault(violation.entry, []).append(violation)
    for entry, found in by_entry.items():
        first = found[0]
        block = [f"  #{entry} {first.method} {first.host}{first.path} ({first.operation})"]
        for v in found:
            block.append(f"    {v.part}{' ' + v.pointer if v.pointer else ''}: {v.message}")
            block.append(f"      rule: {v.keyword} at {v.schema}")
        items.append((entry, block))
    for _, block in sorted(items, key=lambda item: item[0]):
        lines += block
    return lines
