"""Make the snapshots of the real-world corpus (by hand, never in CI).

    python -m tests.realworld.refresh [NAME...] [--no-timing]

For each project (tests/realworld/projects.py; default: all) install it in its own cached
venv, import it there (tests/realworld/in_project.py) against scratch databases of each
dialect it supports, time Alembic and ``schema-lsp check`` as whole processes, and write
``tests/realworld/snapshots/<name>.json`` (format: tests/realworld/snapshot.py).
Needs PostgreSQL and MariaDB as the tests do, and the network for a first install.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.realworld import snapshot
from tests.realworld.databases import scratches
from tests.realworld.environment import ensure_environment
from tests.realworld.projects import BY_NAME, PROJECTS, Project

IN_PROJECT = Path(__file__).parent / "in_project.py"
SCHEMA_LSP = Path(sys.executable).parent / "schema-lsp"
RUNS = 3


#: Where projects that keep a home folder (Airflow) write it, instead of ``~``.
_HOMES = tempfile.mkdtemp(prefix="sl-realworld-home-")
_ENVIRONMENT = {**os.environ, "AIRFLOW_HOME": str(Path(_HOMES) / "airflow")}
#: Timed runs keep their bytecode, as installed packages do (pip compiles them): a
#: ``PYTHONDONTWRITEBYTECODE`` here would charge schema-lsp's editable install a compile
#: per run that no user pays.
_TIMING = {k: v for k, v in _ENVIRONMENT.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(
    command: list[str],
    cwd: Path | None = None,
    timeout: float = 600,
    ok: tuple[int, ...] = (0,),
    environment: dict[str, str] | None = None,
) -> tuple[str, float]:
    started = time.perf_counter()
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env=environment or _ENVIRONMENT,
    )
    seconds = time.perf_counter() - started
    if result.returncode not in ok:
        raise RuntimeError(f"{' '.join(command[:3])}... failed:\n{result.stderr[-3000:]}")
    return result.stdout, seconds


def _timing(
    project: Project,
    python: Path,
    site: Path,
    model_files: list[str],
    url: str,
    schemas: list[str],
) -> dict[str, Any]:
    spec = json.dumps(
        {
            "modules": project.modules,
            "metadata": project.metadata,
            "fixes": project.fixes,
            "paths": project.paths,
            "url": url,
        }
    )
    alembic, ours = [], []
    differences = None
    files = [str(site / f) for f in model_files]
    ours_command = [str(SCHEMA_LSP), "check", "--format", "json", "--db", url, *files]
    for schema in schemas:  # the schemas other than the default one that tables are in
        ours_command += ["--schema", schema]
    alembic_command = [str(python), str(IN_PROJECT), "--alembic", spec]
    alembic_environment = {**_TIMING, **dict(project.environment)}
    # one untimed run each first: both sides start warm (bytecode written, files cached)
    _run(alembic_command, environment=alembic_environment)
    _run(ours_command, site, ok=(0, 1), environment=_TIMING)
    for _ in range(RUNS):
        out, seconds = _run(alembic_command, environment=alembic_environment)
        differences = json.loads(out.strip().splitlines()[-1])["differences"]
        alembic.append(seconds)
        _, seconds = _run(ours_command, site, ok=(0, 1), environment=_TIMING)  # 1: differences
        ours.append(seconds)
    return {
        "alembic": round(statistics.median(alembic), 2),
        "alembic_differences": differences,
        "schema_lsp": round(statistics.median(ours), 2),
    }


def refresh(project: Project, timing: bool = True) -> Path:
    environment = ensure_environment(
        project.name, project.version, project.extras, project.requirements
    )
    python = environment.python
    out, _ = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    site = Path(out.strip()).resolve()
    with scratches(project.dialects) as databases:
        urls = {dialect: db.url for dialect, db in databases.items()}
        spec = {
            "modules": project.modules,
            "metadata": project.metadata,
            "fixes": project.fixes,
            "setup": project.setup,
            "paths": project.paths,
            "urls": urls,
        }
        out, _ = _run(
            [str(python), str(IN_PROJECT), json.dumps(spec)],
            environment={**_ENVIRONMENT, **dict(project.environment)},
        )
        found = json.loads(out.strip().splitlines()[-1])
        times = {}
        if timing:
            for dialect, url in urls.items():
                schemas = sorted({key.rpartition(".")[0] for key in found["tables"]} - {""})
                times[dialect] = _timing(project, python, site, found["model_files"], url, schemas)
    distributions = dict(found["distributions"])
    for name in project.distributions:
        out, _ = _run(
            [str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"]
        )
        distributions[name.lower()] = out.strip()
    distributions.setdefault(project.name.lower(), project.version)
    if not timing and snapshot.path_of(project.name).exists():
        times = json.loads(snapshot.path_of(project.name).read_text()).get("timing", {})
    return snapshot.write(
        project.name,
        {
            "project": project.name,
            "version": project.version,
            "python": found["python"],
            "sqlalchemy": found["sqlalchemy"],
            "distributions": distributions,
            "model_files": found["model_files"],
            "tables": found["tables"],
            "ddl": found["ddl"],
            "timing": times,
        },
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="projects to refresh (default: all)")
    parser.add_argument("--no-timing", action="store_true", help="keep the recorded timing")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BY_NAME]
    if unknown:
        parser.error(f"unknown projects {unknown}; known: {sorted(BY_NAME)}")
    failed = 0
    for project in [BY_NAME[name] for name in args.names] or list(PROJECTS):
        started = time.perf_counter()
        try:
            target = refresh(project, timing=not args.no_timing)
        except Exception as error:  # report and go on with the next project
            failed += 1
            print(f"{project.name}: FAILED {error}", file=sys.stderr)
            continue
        tables = len(snapshot.load.__wrapped__(project.name).tables)
        print(f"{project.name}: {tables} tables -> {target} ({time.perf_counter() - started:.0f}s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
