from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cabas.ops.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database into the configured database, replacing its "
        "content, then check every table against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a folder written by backup_database")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args, **options):
        if not options["yes"]:
            answer = input("This replaces every row of the database. Type 'restore': ")
            if answer.strip() != "restore":
                raise CommandError("nothing restored")
        try:
            diff = backup_restore(Path(options["backup"]), alias=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        if diff:
            for table, detail in diff.items():
                self.stderr.write(f"{table}: {detail}")
            raise CommandError(f"restored, but {len(diff)} tables differ from the manifest")
        self.stdout.write("restored and verified: every table matches the manifest")
