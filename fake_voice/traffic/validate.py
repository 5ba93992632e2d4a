"""Check recorded Twilio Voice traffic against the schemas that drive the fake.

Reads VCR.py cassettes (YAML or JSON, as vcrpy and pytest-recording write them), files of
the ``responses`` recorder, HAR logs and fake-voice recordings, told apart by their content.
Every exchange with voice.twilio.com (or a regional host such as voice.dublin.ie1.twilio.com,
or a host passed in ``hosts``) is routed by the fake's own route table; its parameters,
status and body are checked against ``schemas/``. Other hosts are counted and skipped.

Folders are searched recursively (see ``traffic.files``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fake_voice.traffic.check import check
from fake_voice.traffic.files import PathArg, find, why_missing
from fake_voice.traffic.read import Unreadable, read, scrub
from fake_voice.traffic.report import FileReport, ReadError, Report, Uncovered, Violation


def validate(
    paths: PathArg | Iterable[PathArg],
    *,
    hosts: Iterable[str] = (),
    strict: bool = False,
    unknown_parameters: bool = False,
) -> Report:
    """Validate every recording in ``paths`` (files, or folders searched recursively).

    ``hosts`` names more hosts (``127.0.0.1:8080``) to treat as Twilio Voice, for traffic
    recorded against a proxy or a local server. With ``strict``, exchanges whose operation
    ``schemas/`` do not describe count as violations of the run (exit status 1). With
    ``unknown_parameters``, a parameter an accepted request sent that its operation does not
    take (or a body of another content type) is a violation too (keyword ``unknown``).
    """
    extra = frozenset(host.lower() for host in hosts)
    found, ignored = find(paths)
    files: list[FileReport] = []
    for path, exists in found:
        if exists:
            files.append(_validate_file(path, extra, unknown_parameters))
        else:
            files.append(_unreadable(path, why_missing(path)))
    return Report(tuple(files), tuple(ignored), strict)


def assert_valid(
    *paths: PathArg,
    hosts: Iterable[str] = (),
    strict: bool = False,
    unknown_parameters: bool = False,
) -> Report:
    """Raise AssertionError with the readable report unless every recording is valid."""
    report = validate(paths, hosts=hosts, strict=strict, unknown_parameters=unknown_parameters)
    if not report.ok:
        raise AssertionError("recorded traffic does not match schemas/\n" + report.text())
    return report


def _unreadable(path: Path, reason: str) -> FileReport:
    return FileReport(str(path), None, errors=(ReadError(str(path), None, reason),))


def _validate_file(path: Path, extra_hosts: frozenset[str], unknown: bool) -> FileReport:
    name = str(path)
    try:
        recording = read(path)
    except Unreadable as error:
        return FileReport(name, None, errors=(ReadError(name, None, str(error)),))
    secrets = recording.secrets
    violations: list[Violation] = []
    uncovered: list[Uncovered] = []
    checked = valid = skipped = unchecked = 0
    for recorded in recording.exchanges:
        outcome = check(recorded, extra_hosts, unknown)
        method = recorded.method.upper()
        path_shown = scrub(outcome.path, secrets)
        if outcome.kind == "skipped":
            skipped += 1
            continue
        if outcome.kind == "uncovered":
            uncovered.append(
                Uncovered(name, recorded.entry, method, outcome.host, path_shown, outcome.reason)
            )
            continue
        checked += 1
        unchecked += outcome.request_unchecked
        valid += not outcome.findings
        violations += [
            Violation(
                file=name,
                entry=recorded.entry,
                method=method,
                host=outcome.host,
                path=path_shown,
                operation=outcome.operation,
                part=finding.part,
                pointer=scrub(finding.pointer, secrets),
                message=scrub(finding.message, secrets),
                keyword=finding.keyword,
                schema=finding.schema,
            )
            for finding in outcome.findings
        ]
    errors = tuple(ReadError(name, e.entry, scrub(e.message, secrets)) for e in recording.errors)
    return FileReport(
        file=name,
        format=recording.format,
        entries=len(recording.exchanges) + len(recording.errors),
        checked=checked,
        valid=valid,
        skipped=skipped,
        requests_unchecked=unchecked,
        violations=tuple(violations),
        uncovered=tuple(uncovered),
        errors=errors,
    )
