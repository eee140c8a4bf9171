from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cabas.ops.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) with a verification manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="folder of the backups")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            backup = backup_create(Path(options["output"]), alias=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = backup.manifest["tables"]
        rows = sum(table["rows"] for table in tables.values())
        self.stdout.write(f"{backup.path} ({len(tables)} tables, {rows} rows)")
