#!/bin/sh
# Newsroom backup: the PostgreSQL database (pg_dump, custom format) and, when
# media is on this machine's disk, MEDIA_ROOT without its renditions (they are
# remade on request). Run daily by deploy/newsroom-backup.timer, or `make backup`.
# Restore: docs/deployment.md, "Restore"; the drill is tests/ops/test_backup_restore.py.
#
#   DATABASE_URL      postgres://user:password@host:5432/name (required; the primary)
#   MEDIA_ROOT        uploaded files (optional; skipped when unset or on S3),
#                     with PRIVATE_MEDIA_ROOT (default MEDIA_ROOT-private: the
#                     originals of photos whose rights ended) when it exists
#   BACKUP_DIR        where the files go (default /var/backups/newsroom)
#   BACKUP_KEEP_DAYS  older backups are deleted (default 14)
set -eu

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL primary}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a postgres:// URL" >&2; exit 2 ;;
esac
BACKUP_DIR=${BACKUP_DIR:-/var/backups/newsroom}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
mkdir -p "$BACKUP_DIR"
trap 'rm -f "$BACKUP_DIR/newsroom-$stamp.dump.partial" "$BACKUP_DIR/media-$stamp.tar.gz.partial"' EXIT

# A consistent snapshot without blocking readers or writers; written under a
# temporary name so a failed run never leaves a file that looks complete.
pg_dump --format=custom --compress=6 --no-owner \
  --file "$BACKUP_DIR/newsroom-$stamp.dump.partial" "$DATABASE_URL"
mv "$BACKUP_DIR/newsroom-$stamp.dump.partial" "$BACKUP_DIR/newsroom-$stamp.dump"
echo "$BACKUP_DIR/newsroom-$stamp.dump"

if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  parent=$(dirname "$MEDIA_ROOT")
  name=$(basename "$MEDIA_ROOT")
  # Withheld originals come back when an editor extends the rights: keep them.
  private=${PRIVATE_MEDIA_ROOT:-$MEDIA_ROOT-private}
  set -- "$name"
  if [ -d "$private" ] && [ "$(dirname "$private")" = "$parent" ]; then
    set -- "$name" "$(basename "$private")"
  fi
  tar --create --gzip --file "$BACKUP_DIR/media-$stamp.tar.gz.partial" \
    --exclude="$name/renditions" -C "$parent" "$@"
  mv "$BACKUP_DIR/media-$stamp.tar.gz.partial" "$BACKUP_DIR/media-$stamp.tar.gz"
  echo "$BACKUP_DIR/media-$stamp.tar.gz"
fi

find "$BACKUP_DIR" -maxdepth 1 \( -name 'newsroom-*.dump' -o -name 'media-*.tar.gz' \) \
  -mtime +"$KEEP_DAYS" -delete
