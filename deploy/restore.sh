#!/usr/bin/env bash
# Restore a backup folder written by deploy/backup.sh into the database named by
# DATABASE_URL (its content is replaced), then verify every table against the manifest.
# Stop the web and worker services first (systemctl stop cabas-web@\* cabas-worker).
#   deploy/restore.sh var/backups/cabas-postgresql-20261202T031500Z [media-….tar.gz]
set -euo pipefail
cd "$(dirname "$0")/.."
backup="${1:?usage: deploy/restore.sh BACKUP_FOLDER [MEDIA_ARCHIVE]}"
.venv/bin/python manage.py restore_database "$backup" --yes
if [[ -n "${2:-}" ]]; then
  tar -C var -xzf "$2"
fi
echo "Restored. Start the services again: systemctl start cabas-web@8001 cabas-web@8002 cabas-worker"
