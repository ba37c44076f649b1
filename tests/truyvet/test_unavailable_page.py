"""The page nginx shows while no app server answers: written by ``write_unavailable_page``, served
by the site's nginx configuration (``deploy/nginx/truyvet.conf``) in a real nginx, in front of an
app server that is stopped, then started."""

import http.client
import http.server
import io
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from declarations.management.commands.write_unavailable_page import DEFAULT_OUTPUT
from tests.reliability.site import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE_CONF = ROOT / "deploy" / "nginx" / "truyvet.conf"
SITE_NAME = "truyvet.example.gov.vn"
VIETNAMESE = "Hệ thống đang tạm thời gián đoạn"
ENGLISH = "The system is briefly unavailable"


def test_the_page_is_written_in_vietnamese_then_english_with_the_province(tmp_path, places):
    output = tmp_path / "errors" / "unavailable.html"
    call_command("write_unavailable_page", output=str(output), stdout=io.StringIO())
    page = output.read_text(encoding="utf-8")
    assert page.index('<section lang="vi">') < page.index('<section lang="en">')
    assert page.index(VIETNAMESE) < page.index(ENGLISH)
    assert "tờ khai sẽ không bị ghi hai lần" in page and "it will not be recorded twice" in page
    assert ">Thử lại</a>" in page and ">Try again</a>" in page
    assert "<title>Tạm thời gián đoạn · Truy Vết Tỉnh Lai Châu</title>" in page
    assert "src=" not in page and "<link" not in page  # nothing nginx would have to fetch
    assert [p.name for p in output.parent.iterdir()] == ["unavailable.html"]  # no scratch left
    assert output.stat().st_mode & 0o777 == 0o644


def test_the_page_goes_to_stdout_for_a_container_and_its_default_is_the_projects(capsys, places):
    call_command("write_unavailable_page", output="-")
    assert VIETNAMESE in capsys.readouterr().out
    assert DEFAULT_OUTPUT == ROOT / "errors" / "unavailable.html"


def test_the_page_is_written_before_the_database_is(tmp_path, monkeypatch):
    from django.db import DatabaseError

    from declarations.management.commands import write_unavailable_page

    def no_database():
        raise DatabaseError("no such table: declarations_province")

    monkeypatch.setattr(write_unavailable_page, "served_province_name", no_database)
    output = tmp_path / "unavailable.html"
    call_command("write_unavailable_page", output=str(output), stdout=io.StringIO())
    assert "<title>Tạm thời gián đoạn · Truy Vết</title>" in output.read_text(encoding="utf-8")


# -- in nginx -------------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        reason = "nginx not found (apt-get install nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must have it")
        pytest.skip(reason)
    return found


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [*request, "-subj", f"/CN={SITE_NAME}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def site_conf_here(folder: Path, *, https: int, http: int, app: int) -> str:
    """The project's nginx site, with its ports, files and app server moved into ``folder``."""
    cert, key = self_signed_certificate(folder)
    conf = SITE_CONF.read_text()
    moves = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen [::]:80;": "",
        f"/etc/letsencrypt/live/{SITE_NAME}/fullchain.pem": str(cert),
        f"/etc/letsencrypt/live/{SITE_NAME}/privkey.pem": str(key),
        "/var/log/nginx/": f"{folder}/",
        "/srv/truyvet/errors": str(folder / "errors"),
        "/srv/truyvet/staticfiles/": f"{folder}/staticfiles/",
        "server 127.0.0.1:8000 ": f"server 127.0.0.1:{app} ",
    }
    for old, new in moves.items():
        assert old in conf, old
        conf = conf.replace(old, new)
    return conf


def main_conf(folder: Path) -> str:
    temp_paths = "".join(
        f"{name}_temp_path {folder}/{name};\n" for name in ("client_body", "proxy", "fastcgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers read the test's folder
    return (
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events {}\nhttp {\n  include /etc/nginx/mime.types;\n"
        f"{temp_paths}  include {folder}/site.conf;\n}}\n"
    )


@pytest.fixture
def nginx(tmp_path):
    """The site's nginx on free ports, in front of an app port where nothing listens yet."""
    binary = nginx_binary()
    ports = {"https": free_port(), "http": free_port(), "app": free_port()}
    (tmp_path / "site.conf").write_text(site_conf_here(tmp_path, **ports))
    (tmp_path / "nginx.conf").write_text(main_conf(tmp_path))
    command = [binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        _wait_listening(ports["https"], server)
        yield {"folder": tmp_path, **ports}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_listening(port: int, server: subprocess.Popen) -> None:
    for _attempt in range(100):
        assert server.poll() is None, server.stderr.read().decode()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"nginx did not listen on {port}")


def get(port: int, path: str) -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # a self-signed test cert
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    connection.request("GET", path, headers={"Host": SITE_NAME})
    response = connection.getresponse()
    response.body = response.read().decode("utf-8", "replace")
    connection.close()
    return response


class _App(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"the app answered")

    def log_message(self, *args):
        pass


def test_nginx_shows_the_page_while_the_app_is_down_and_the_app_once_it_is_back(nginx, places):
    call_command(
        "write_unavailable_page",
        output=str(nginx["folder"] / "errors" / "unavailable.html"),
        stdout=io.StringIO(),
    )
    down = get(nginx["https"], "/khai-bao/")
    assert down.status == 502  # still an error for browsers, caches and monitoring
    assert VIETNAMESE in down.body and ENGLISH in down.body
    assert down.getheader("Cache-Control") == "no-store" and down.getheader("Retry-After") == "60"
    assert down.getheader("Content-Security-Policy").startswith("default-src 'none';")
    assert get(nginx["https"], "/unavailable.html").status == 404  # only as the error page

    app = http.server.ThreadingHTTPServer(("127.0.0.1", nginx["app"]), _App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        time.sleep(0.2)
        up = get(nginx["https"], "/khai-bao/")
    finally:
        app.shutdown()
        app.server_close()
    assert (up.status, up.body) == (200, "the app answered")


def test_without_the_page_nginx_answers_its_own_502(nginx):
    down = get(nginx["https"], "/khai-bao/")
    assert down.status == 502 and VIETNAMESE not in down.body and "nginx" in down.body
