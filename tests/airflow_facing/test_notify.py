"""The stale-county notice by e-mail: the notifier through Airflow's SMTP provider to a real (local) SMTP server."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy
from typing import ClassVar

from roster_recon.airflow_facing.notify import StaleCountyNotifier, notice_text

COUNTIES = [
    {
        "county_code": "360983",
        "county_name": "高安市",
        "silent_since": "2026-10-17",
        "days_silent": 40,
        "never_sent": False,
    },
    {
        "county_code": "360926",
        "county_name": "铜鼓县",
        "silent_since": "2026-10-01",
        "days_silent": 56,
        "never_sent": True,
    },
]


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to take one message: no TLS, no login."""

    received: ClassVar[list[bytes]] = []

    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    body += chunk
                self.received.append(body)
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_the_notice_names_the_silent_counties_in_the_log_and_by_mail_through_the_smtp_connection(monkeypatch, caplog):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    monkeypatch.setenv(
        "AIRFLOW_CONN_ROSTER_TEST_SMTP",
        f"smtp://127.0.0.1:{port}?disable_tls=true&disable_ssl=true&from_email=roster%40example.org",
    )
    try:
        StaleCountyNotifier(COUNTIES, 35, to=["data-team@example.org"], smtp_conn_id="roster_test_smtp").notify({})
    finally:
        server.shutdown()
    assert len(_SmtpSink.received) == 1
    mail = message_from_bytes(_SmtpSink.received[0], policy=policy.default)
    assert mail["To"] == "data-team@example.org" and "2 county office(s) silent for 35+ days" in mail["Subject"]
    text = "".join(part.get_content() for part in mail.walk() if part.get_content_type() == "text/html")
    assert "360983 高安市: 40 days (last file received 2026-10-17)" in text
    assert "360926 铜鼓县: 56 days (never sent a roster)" in text
    assert "STALE COUNTIES" in caplog.text and "360983 高安市" in caplog.text


def test_without_an_smtp_connection_the_notice_is_a_warning_in_the_log_only(caplog):
    StaleCountyNotifier(COUNTIES[:1], 35).notify({})
    assert notice_text(COUNTIES[:1], 35) in caplog.text and "WARNING" in caplog.text
