#!/usr/bin/env bash
# Back up the database named by DATABASE_URL (SQLite or PostgreSQL) into DIR, then keep
# the KEEP newest backups. Each backup carries a manifest (row counts and digests of every
# table) that `manage.py restore_database` checks after restoring.
#   deploy/backup.sh [DIR=var/backups] [KEEP=14]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-var/backups}"
keep="${2:-14}"
mkdir -p "$dir"
.venv/bin/python manage.py backup_database --output "$dir"
# Media files (photos, logos) next to the database dump.
if [[ -d var/media ]]; then
  tar -C var -czf "$dir/media-$(date -u +%Y%m%dT%H%M%SZ).tar.gz" media
fi
ls -1dt "$dir"/cabas-* 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -rf
ls -1t "$dir"/media-*.tar.gz 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -f
