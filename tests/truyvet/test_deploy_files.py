"""The deployment files run what exists: docker-compose.yml, the Dockerfile and the systemd units
call management commands the project has, with arguments they accept, start gunicorn with the
project's settings module, and set only settings the application reads. Docker does not run on
the development machines, so these checks stand in for `docker compose up`."""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
GUNICORN = ["gunicorn", "-c", "python:truyvet.gunicorn", "truyvet.wsgi"]
# What the PostgreSQL image creates on its first start.
POSTGRES_IMAGE_SETTINGS = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}


def _commands_of(shell_line: str) -> list[list[str]]:
    """The simple commands of a `sh -c` line: split at `&&` and `;`, without shell keywords."""
    commands = []
    for part in re.split(r"&&|;", shell_line):
        words = shlex.split(part)
        while words and words[0] in {"while", "do", "exec"}:  # a keyword before the command
            words = words[1:]
        if words and words[0] not in {"true", "sleep", "done"}:  # the loop's own parts
            commands.append(words)
    return commands


def _service_commands(service: dict) -> list[list[str]]:
    command = service.get("command")
    if command is None:
        return []
    if isinstance(command, list):
        return [command]
    words = shlex.split(command)
    if words[:2] == ["sh", "-c"]:
        return _commands_of(words[2])
    return [words]


def _unit_commands(unit: Path) -> list[list[str]]:
    lines = unit.read_text().splitlines()
    return [shlex.split(line.split("=", 1)[1]) for line in lines if line.startswith("ExecStart=")]


def _manage_calls(commands: list[list[str]]) -> list[list[str]]:
    """The arguments of each `python manage.py ...` among ``commands``."""
    calls = []
    for words in commands:
        names = [Path(word).name for word in words]
        if "manage.py" in names:
            calls.append(words[names.index("manage.py") + 1 :])
    return calls


def _application_reads(name: str) -> bool:
    """Whether the name is read from the environment by the application's settings or gunicorn's."""
    sources = [ROOT / "truyvet" / "settings.py", ROOT / "truyvet" / "gunicorn.py"]
    return any(f'"{name}"' in source.read_text() for source in sources)


def _all_commands() -> list[list[str]]:
    commands = [
        words for service in COMPOSE["services"].values() for words in _service_commands(service)
    ]
    return commands + [words for unit in UNITS for words in _unit_commands(unit)]


def test_every_management_command_they_run_exists_and_accepts_its_arguments():
    calls = _manage_calls(_all_commands())
    assert {call[0] for call in calls} >= {
        "migrate",
        "load_places",
        "rebuild_counts",
        "purge_expired",
    }
    known = get_commands()
    for name, *arguments in calls:
        assert name in known, f"manage.py {name}: no such command"
        parser = load_command_class(known[name], name).create_parser("manage.py", name)
        parser.parse_args(arguments)  # raises CommandError on an argument the command refuses


def test_gunicorn_starts_with_the_projects_settings_everywhere():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert cmd is not None and yaml.safe_load(cmd.group(1)) == GUNICORN
    app = _service_commands(COMPOSE["services"]["app"])
    assert app[-1] == GUNICORN
    unit = _unit_commands(ROOT / "deploy" / "systemd" / "truyvet.service")
    assert [[Path(unit[0][0]).name, *unit[0][1:]]] == [GUNICORN]


@pytest.mark.parametrize("service", ["app", "counts", "purge"])
def test_the_applications_containers_set_only_settings_it_reads(service):
    environment = COMPOSE["services"][service]["environment"]
    unknown = [name for name in environment if not _application_reads(name)]
    assert unknown == []


def test_the_database_keeps_its_data_on_a_volume_and_the_app_waits_for_it():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "app", "counts", "purge"}
    volumes = services["db"]["volumes"]
    assert [v.split(":")[0] for v in volumes] == ["pgdata"] and "pgdata" in COMPOSE["volumes"]
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"
    for service in services.values():
        assert set(service.get("depends_on", {})) <= set(services)
        assert service["restart"] == "unless-stopped"
    database = services["db"]["environment"]
    assert database.keys() >= POSTGRES_IMAGE_SETTINGS
    url = services["app"]["environment"]["DATABASE_URL"]  # the database the image creates
    assert url.startswith(f"postgres://{database['POSTGRES_USER']}:")
    assert url.endswith(f"@db:5432/{database['POSTGRES_DB']}")


def _nginx_location(name: str) -> str:
    """The text of a location block of the nginx site, up to its closing brace."""
    site = (ROOT / "deploy/nginx/truyvet.conf").read_text()
    start = site.index(f"location {name} {{")
    return site[start : site.index("\n    }", start)]


def test_nginx_asks_the_app_for_healthz_with_the_sites_name():
    """A load balancer checks by address: with its Host passed on, ALLOWED_HOSTS answers 400."""
    healthz = _nginx_location("= /healthz")
    assert "proxy_set_header Host truyvet.example.gov.vn;" in healthz
    assert "$host" not in healthz


def test_nginx_keeps_static_files_in_caches_only_when_found():
    """With "always", a 404 for a file of a release not yet here would be kept for a year; and a
    compressed copy needs Vary so that a cache does not give it to a client that cannot read it."""
    static = _nginx_location("/static/")
    cache_lines = [line for line in static.splitlines() if "Cache-Control" in line]
    assert len(cache_lines) == 2
    assert not any("always" in line for line in cache_lines)
    assert "gzip_vary on;" in static
