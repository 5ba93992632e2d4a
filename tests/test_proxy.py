"""``serve --proxy`` at the HTTP level: tunnels, the hosts it serves and refuses, its CA."""

from __future__ import annotations

import json
import logging
import os
import signal
import ssl
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from fake_voice.core.wire import basic_auth
from fake_voice.server.certificates import CA_CERT, CA_KEY, CertificateAuthority
from tests.conftest import ACCOUNT_SID
from tests.proxied import connect, proxy, tls
from tests.test_server_cli import URL, curl, fails, running

AUTH = (ACCOUNT_SID, "token")


def via(server: object) -> dict[str, str]:
    url = server.url  # type: ignore[attr-defined]
    return {"http": url, "https": url}


def test_a_tunnelled_request_is_served_on_https_and_the_host_the_client_asked_for(
    tmp_path: Path,
) -> None:
    with proxy(tmp_path / "ca", seed=1) as server:
        session = requests.Session()
        session.trust_env = False  # else REQUESTS_CA_BUNDLE, if set, wins over verify
        session.auth, session.proxies, session.verify = AUTH, via(server), str(server.ca_cert)
        for name in ("One", "Two"):
            created = session.post(
                "https://voice.twilio.com/v1/ConnectionPolicies", data={"FriendlyName": name}
            )
            assert created.status_code == 201
        sid = created.json()["sid"]
        assert created.json()["url"] == f"https://voice.twilio.com/v1/ConnectionPolicies/{sid}"
        page = session.get("https://voice.twilio.com/v1/ConnectionPolicies?PageSize=1").json()
        next_page = page["meta"]["next_page_url"]
        assert next_page.startswith("https://voice.twilio.com/v1/ConnectionPolicies?PageSize=1&")
        second = session.get(next_page).json()["connection_policies"]
        assert [p["friendly_name"] for p in second] == ["Two"]
        # Another edge of US1 is served from the same state, its URLs on that host...
        edge = session.get(f"https://voice.ashburn.us1.twilio.com/v1/ConnectionPolicies/{sid}")
        assert edge.json()["links"]["targets"] == (
            f"https://voice.ashburn.us1.twilio.com/v1/ConnectionPolicies/{sid}/Targets"
        )
        # ...and another region holds none of it, as the region rules say.
        irish = session.get(f"https://voice.dublin.ie1.twilio.com/v1/ConnectionPolicies/{sid}")
        assert irish.status_code == 404
        urls = [exchange.url for exchange in server.voice.requests]
    assert urls[0] == "https://voice.twilio.com/v1/ConnectionPolicies"
    assert urls[-1] == f"https://voice.dublin.ie1.twilio.com/v1/ConnectionPolicies/{sid}"
    assert server.voice.requests[-1].region == "ie1"


def test_a_plain_http_proxy_request_is_served_on_http(tmp_path: Path) -> None:
    with proxy(tmp_path / "ca") as server:
        created = requests.post(
            "http://voice.us1.twilio.com/v1/ConnectionPolicies",
            data={"FriendlyName": "Plain"},
            auth=AUTH,
            proxies=via(server),
        )
        assert created.status_code == 201
        assert created.json()["url"].startswith(
            "http://voice.us1.twilio.com/v1/ConnectionPolicies/"
        )
        # Ordinary requests (the control API here) are answered as by the plain server.
        exported = requests.get(f"{server.url}/__fake_voice__/export").json()
    policies = exported[ACCOUNT_SID]["collections"]["connection_policies"]
    assert [policy["friendly_name"] for policy in policies] == ["Plain"]


@pytest.mark.parametrize(
    "target",
    [
        "api.twilio.com:443",  # Twilio's, but not Voice
        "example.com:443",
        "voice.twilio.com.example.com:443",
        "voice.twilio.com",  # no port
        "voice.twilio.com:0",
        "127.0.0.1:443",
    ],
)
def test_connect_to_any_other_host_is_refused_with_the_reason(tmp_path: Path, target: str) -> None:
    with proxy(tmp_path / "ca") as server:
        sock, answer = connect(server, target)
        sock.close()
        exchanges = list(server.voice.requests)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert json.loads(body) == {
        "message": f"fake_voice's proxy refused CONNECT {target}: it serves only "
        "voice.twilio.com and its regional hosts (voice.{region}.twilio.com, "
        "voice.{edge}.{region}.twilio.com) and forwards no request anywhere.",
        "status": 403,
    }
    assert exchanges == []


@pytest.mark.parametrize(
    "url", ["http://example.com/", "http://api.twilio.com/2010-04-01/Accounts"]
)
def test_a_plain_http_proxy_request_for_another_host_is_refused(tmp_path: Path, url: str) -> None:
    with proxy(tmp_path / "ca") as server:
        refused = requests.get(url, proxies=via(server), auth=AUTH)
        assert server.voice.requests == ()
    assert refused.status_code == 403
    host = url.split("/")[2]
    assert refused.json()["message"].startswith(
        f"fake_voice's proxy refused GET http://{host}: it serves only voice.twilio.com"
    )


def test_https_to_another_host_fails_in_the_client_as_a_refused_tunnel(tmp_path: Path) -> None:
    refused = pytest.raises(requests.exceptions.ProxyError, match="403 Forbidden")
    with proxy(tmp_path / "ca") as server, refused:
        requests.get("https://api.twilio.com/", proxies=via(server), verify=str(server.ca_cert))


def test_the_certificate_names_exactly_the_host_connected_to(tmp_path: Path) -> None:
    with proxy(tmp_path / "ca") as server:
        with tls(server, "voice.dublin.ie1.twilio.com:443", "voice.dublin.ie1.twilio.com") as s:
            cert = s.getpeercert()
        assert cert["subjectAltName"] == (("DNS", "voice.dublin.ie1.twilio.com"),)
        issuer = dict(pair[0] for pair in cert["issuer"])
        assert issuer == {"commonName": "fake_voice proxy CA (for tests only)"}
        with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
            tls(server, "voice.twilio.com:443", "voice.us1.twilio.com")


def test_a_client_that_does_not_trust_the_ca_fails_and_the_proxy_keeps_serving(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "fake_voice.server")
    with proxy(tmp_path / "ca") as server:
        with pytest.raises(requests.exceptions.SSLError):
            requests.get("https://voice.twilio.com/v1/ConnectionPolicies", proxies=via(server))
        fine = requests.get(
            "https://voice.twilio.com/v1/ConnectionPolicies",
            proxies=via(server),
            verify=str(server.ca_cert),
            auth=AUTH,
        )
    assert fine.status_code == 200
    assert any(
        "no TLS with the client for voice.twilio.com" in r.message
        and f"does it trust {server.ca_cert}?" in r.message
        for r in caplog.records
    )


def test_the_ca_is_made_once_and_reused(tmp_path: Path) -> None:
    ca_dir = tmp_path / "nested" / "ca"
    with proxy(ca_dir) as first:
        pem = (ca_dir / CA_CERT).read_bytes()
        key = (ca_dir / CA_KEY).read_bytes()
        assert first.ca_cert == ca_dir / CA_CERT
    with proxy(ca_dir) as second:
        assert (ca_dir / CA_CERT).read_bytes() == pem
        assert (ca_dir / CA_KEY).read_bytes() == key
        # The second server's certificates are signed by the same CA.
        with tls(second, "voice.twilio.com:443", "voice.twilio.com"):
            pass
    assert stat.S_IMODE(os.stat(ca_dir / CA_KEY).st_mode) == 0o600
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----") and b"PRIVATE" not in pem
    assert sorted(p.name for p in ca_dir.iterdir()) == sorted([CA_CERT, CA_KEY])


def test_processes_starting_together_on_one_directory_share_one_ca(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from fake_voice.server.certificates import CertificateAuthority\n"
        "print(CertificateAuthority(sys.argv[1]).cert_path.read_text())\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    printed = {run.communicate(timeout=60)[0] for run in runs}
    assert printed == {(tmp_path / CA_CERT).read_text() + "\n"}
    assert CertificateAuthority(tmp_path).cert_path.read_text() + "\n" in printed


def test_without_cryptography_the_proxy_says_which_extra_to_install(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "sys.modules['cryptography'] = None\n"
        "from fake_voice.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "serve", "--proxy", "--ca-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "fake-voice serve: --proxy: the proxy needs the cryptography package for its "
        "certificates: pip install 'fake_voice[proxy]'\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_serve_proxy_prints_the_url_then_the_ca_and_curl_goes_through_it(tmp_path: Path) -> None:
    ca_dir, port_file = tmp_path / "ca", tmp_path / "url.txt"
    with running(
        "--proxy", "--ca-dir", str(ca_dir), "--port-file", str(port_file), "--seed", "1"
    ) as server:
        assert server.process.stdout is not None
        ca = server.process.stdout.readline()
        assert ca == f"{ca_dir / CA_CERT}\n"
        assert port_file.read_text() == f"{server.url}\n"
        body = curl(
            "--proxy",
            server.url,
            "--cacert",
            ca.strip(),
            "-u",
            f"{ACCOUNT_SID}:token",
            "--data-urlencode",
            "FriendlyName=From curl",
            "https://voice.twilio.com/v1/ConnectionPolicies",
        )
        listed = curl(
            "--proxy",
            server.url,
            "--cacert",
            ca.strip(),
            "-u",
            f"{ACCOUNT_SID}:token",
            "https://voice.twilio.com/v1/ConnectionPolicies",
        )
        status, rest, log = server.stop(signal.SIGTERM)
    policy = json.loads(body)
    assert policy["url"] == f"https://voice.twilio.com/v1/ConnectionPolicies/{policy['sid']}"
    assert [p["sid"] for p in json.loads(listed)["connection_policies"]] == [policy["sid"]]
    assert (status, rest) == (0, "")
    assert "CONNECT voice.twilio.com:443 200" in log
    assert "POST https://voice.twilio.com/v1/ConnectionPolicies 201" in log
    assert not port_file.exists()  # removed when the server stopped


def test_serve_without_proxy_prints_only_the_url_and_writes_the_port_file(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    with running("--port-file", str(port_file)) as server:
        assert port_file.read_text() == f"{server.url}\n"
        _, rest, _ = server.stop()
    assert rest == ""
    assert URL.fullmatch(f"{server.url}\n")


def test_a_port_file_that_cannot_be_written_is_one_line_and_status_2(tmp_path: Path) -> None:
    status, out, err = fails("--port-file", str(tmp_path / "missing" / "url"))
    assert (status, out) == (2, "")
    assert err.splitlines()[-1] == (
        "fake-voice serve: cannot write --port-file: No such file or directory"
    )


def test_a_ca_dir_that_cannot_be_made_is_one_line_and_status_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    status, out, err = fails("--proxy", "--ca-dir", str(tmp_path / "file" / "ca"))
    assert (status, out) == (2, "")
    assert err.startswith(f"fake-voice serve: cannot keep the proxy's CA in {tmp_path}/file/ca: ")
    assert len(err.splitlines()) == 1


def read_answer(sock: ssl.SSLSocket) -> bytes:
    """One answer, read to the end of its Content-Length (the tunnel stays open after it)."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(65536)
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def test_a_tunnel_serves_the_host_its_connect_named_whatever_the_host_header_says(
    tmp_path: Path,
) -> None:
    auth = basic_auth(ACCOUNT_SID, "token")
    with (
        proxy(tmp_path / "ca") as server,
        tls(server, "voice.twilio.com:443", "voice.twilio.com") as s,
    ):
        s.sendall(
            b"GET /v1/ConnectionPolicies HTTP/1.1\r\nHost: elsewhere.example.com\r\n"
            + f"Authorization: {auth}\r\n\r\n".encode()
        )
        head, _, body = read_answer(s).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert json.loads(body)["meta"]["url"] == (
        "https://voice.twilio.com/v1/ConnectionPolicies?PageSize=50&Page=0"
    )


def test_a_connect_inside_a_tunnel_is_refused(tmp_path: Path) -> None:
    with (
        proxy(tmp_path / "ca") as server,
        tls(server, "voice.twilio.com:443", "voice.twilio.com") as s,
    ):
        s.sendall(b"CONNECT voice.twilio.com:443 HTTP/1.1\r\nHost: voice.twilio.com:443\r\n\r\n")
        head, _, body = read_answer(s).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert json.loads(body)["message"] == (
        "fake_voice's proxy refused CONNECT voice.twilio.com:443 inside the tunnel to "
        "voice.twilio.com: a tunnel serves only the host it was opened for."
    )
