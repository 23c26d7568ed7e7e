"""The real server for web tests: ``casebook serve`` (waitress) in a process of its own, on a free port,
and a small HTTP client that keeps its cookies, reads CSRF tokens from forms and never follows redirects
(tests look at them)."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

EXE = Path(sys.executable).parent / "casebook"
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def casebook(
    data_dir: Path, *args: str, input: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run one ``casebook`` command as a user would, in its own process."""
    return subprocess.run(
        [str(EXE), "--data-dir", str(data_dir), *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
    )


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Client:
    """One browser: its cookies, sent back with every request."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, raw: bytes | None = None
    ) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = raw
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Answer:
        return self.request("POST", path, form=form)

    def token(self, page: str = "/login") -> str:
        """The CSRF token of this session, read from a page's form."""
        found = TOKEN.search(self.get(page).text)
        assert found, f"no form with a CSRF token on {page}"
        return found.group(1)

    def login(self, name: str, password: str) -> Answer:
        return self.post("/login", {"csrf_token": self.token(), "username": name, "password": password})


class Server:
    """``casebook serve`` on a free port; ``with Server(data_dir) as server: server.client()``."""

    def __init__(self, data_dir: Path, log: Path, *args: str) -> None:
        self.data_dir = data_dir
        self.log = log
        self.args = args
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.port = free_port()
        out = open(self.log, "ab")  # noqa: SIM115 - handed to the child, closed when it ends
        self.process = subprocess.Popen(
            [str(EXE), "--data-dir", str(self.data_dir), "serve", "--port", str(self.port), *self.args],
            stdout=out,
            stderr=out,
            env=ENV,
            start_new_session=True,
        )
        out.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"casebook serve exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                self.client().get("/help")
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("casebook serve did not answer within 120 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()

    def client(self) -> Client:
        return Client(self.port)
