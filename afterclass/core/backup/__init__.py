"""Backing up a running site and restoring it into an empty one: a consistent snapshot of the
database, the uploaded files, the embedded secret key, and a manifest with every file's sha256.

A backup folder holds `manifest.json`, written last (a folder without it is not a backup), the
database (`database.sqlite3`, a copy made with SQLite's online backup API, or `database.pgdump`,
pg_dump's custom format), `media/` (the media folder, or the objects of the S3 bucket) and
`secret_key` when the embedded key is in use. `create.backup` writes one, `restore.restore`
reads one back; the commands `afterclass backup` and `afterclass restore` call them.
"""
