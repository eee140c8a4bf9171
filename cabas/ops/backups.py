"""Database backups and restores, for SQLite and PostgreSQL, checked by a manifest.

A backup is a folder ``cabas-<engine>-<UTC timestamp>/`` holding the dump
(``database.sqlite3`` taken with SQLite's online backup API, consistent under WAL
and concurrent writers; or ``database.pgdump`` from ``pg_dump --format=custom``)
and ``manifest.json``: the engine, the migration state and, for every table, its
row count and a digest of its rows. A restore loads the dump into the target
database, recomputes the manifest there and refuses to report success unless it
matches — a backup that cannot be restored is found the day it is taken, not the
day it is needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections

from cabas.ops.statistics import tables_analyze

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]


def _engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"unsupported database engine: {vendor}")
    return vendor


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_digests(alias: str = "default") -> dict[str, dict[str, Any]]:
    """Row count and a digest of every row of every table (ordered by all columns)."""
    connection = connections[alias]
    result: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        tables = sorted(
            name
            for name in connection.introspection.table_names(cursor)
            if not name.startswith("sqlite_")
        )
        for table in tables:
            columns = [
                col.name for col in connection.introspection.get_table_description(cursor, table)
            ]
            order = ", ".join(str(i + 1) for i in range(len(columns)))
            cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(_stable(value) for value in row)).encode())
                count += 1
            result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _stable(value: Any) -> Any:
    """The same value reads back identically from a dump (memoryview, aware datetimes)."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()
    return value


def _migrations(alias: str) -> list[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _pg_args(settings_dict: dict[str, Any]) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return args


def backup_create(
    directory: Path, alias: str = "default", now: dt.datetime | None = None
) -> Backup:
    """Write a dump and its manifest under ``directory``; returns the backup folder."""
    engine = _engine(alias)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = Path(directory) / f"cabas-{engine}-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    connection = connections[alias]
    settings_dict = connection.settings_dict
    try:
        if engine == "sqlite":
            connection.ensure_connection()
            destination = sqlite3.connect(target / "database.sqlite3")
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        else:
            subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
                [
                    _program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(target / "database.pgdump"),
                    *_pg_args(settings_dict),
                    str(settings_dict["NAME"]),
                ],
                check=True,
                env=_pg_env(settings_dict),
                capture_output=True,
            )
        manifest = {
            "engine": engine,
            "created_at": stamp,
            "migrations": _migrations(alias),
            "tables": table_digests(alias),
        }
    except (subprocess.CalledProcessError, OSError, sqlite3.Error) as error:
        shutil.rmtree(target, ignore_errors=True)
        detail = getattr(error, "stderr", b"") or b""
        raise BackupError(f"backup failed: {error} {detail.decode(errors='replace')}") from error
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return Backup(target, manifest)


def backup_read(path: Path) -> Backup:
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{path}: no readable {MANIFEST}") from error
    if manifest.get("engine") not in {"sqlite", "postgresql"}:
        raise BackupError(f"{path}: unknown engine in {MANIFEST}")
    return Backup(path, manifest)


def backup_restore(path: Path, alias: str = "default") -> dict[str, Any]:
    """Load the backup into the database of ``alias`` (replacing its content) and verify it.

    Returns the differences (empty when the restored database matches the manifest).
    """
    backup = backup_read(path)
    engine = _engine(alias)
    if backup.manifest["engine"] != engine:
        raise BackupError(
            f"this backup is a {backup.manifest['engine']} dump; the target is {engine}"
        )
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if engine == "sqlite":
        connection.close()
        source = sqlite3.connect(backup.path / "database.sqlite3")
        destination = sqlite3.connect(str(settings_dict["NAME"]))
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
    else:
        connection.close()
        completed = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
            [
                _program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *_pg_args(settings_dict),
                "--dbname",
                str(settings_dict["NAME"]),
                str(backup.path / "database.pgdump"),
            ],
            env=_pg_env(settings_dict),
            capture_output=True,
        )
        if completed.returncode != 0:
            raise BackupError("pg_restore failed: " + completed.stderr.decode(errors="replace"))
        # A dump carries no planner statistics: without them the restored site would
        # plan every query as if its tables were empty.
        tables_analyze(using=alias)
    return manifest_diff(backup.manifest, alias)


def manifest_diff(manifest: dict[str, Any], alias: str = "default") -> dict[str, Any]:
    """What differs between a manifest and the database of ``alias`` right now."""
    current = table_digests(alias)
    expected = manifest["tables"]
    diff: dict[str, Any] = {}
    for table in sorted(set(expected) | set(current)):
        if expected.get(table) != current.get(table):
            diff[table] = {"expected": expected.get(table), "found": current.get(table)}
    if _migrations(alias) != manifest["migrations"]:
        diff["django_migrations (state)"] = "differs"
    return diff
