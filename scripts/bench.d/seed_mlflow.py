#!/usr/bin/env python3
"""An MLflow 3.x tracking database holding the benchmark registry, for `import --from-db`.

    scripts/bench.d/seed_mlflow.py --out mlflow-bench.db           # SQLite file
    scripts/bench.d/seed_mlflow.py --dialect mysql > seed.sql      # for `mysql db < seed.sql`

The schema is MLflow's own, as its alembic migrations leave it at revision bf29a5ff90ea (MLflow
3.5/3.6), taken from the fixture tests/fixtures/mlflow/<dialect>-bf29a5ff90ea.sql (generated
by the real MLflow, see tests/fixtures/mlflow/generate.py). The rows are seed.py's data set
(10,000 registered models, 100,000 versions, 30% prompts) written as MLflow writes them, with
what a long-lived registry accumulates: every 7th version deleted (stage Deleted_Internal,
location fields redacted, as MLflow's soft delete leaves it), stages Archived/Staging/
Production on older versions, a user on some versions, aliases.
"""
import argparse
import os
import sqlite3
import sys

import seed

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REVISION = "bf29a5ff90ea"


def schema(dialect):
    """The fixture's statements that make the schema (no rows but alembic_version's)."""
    path = os.path.join(ROOT, "tests", "fixtures", "mlflow", f"{dialect}-{REVISION}.sql")
    statements, current = [], []
    with open(path) as f:
        for line in f:
            if not current and line.startswith("--"):
                continue
            current.append(line)
            if line.rstrip().endswith(";"):
                statement = "".join(current).strip()
                current = []
                if statement.upper().startswith("INSERT") and "alembic_version" not in statement:
                    continue
                statements.append(statement)
    return statements


def rows():
    """(table, row) in insertion order."""
    for m in seed.models():
        yield "registered_models", (m.name, m.created, m.last_updated,
                                    f"Model {m.index} of project {m.project}")
        if m.prompt:
            yield "registered_model_tags", (seed.IS_PROMPT, "true", m.name)
        yield "registered_model_tags", ("team", m.team, m.name)
        live = []
        for n in range(1, m.versions + 1):
            t = m.version_time(n)
            deleted = n % 7 == 0
            if deleted:
                yield "model_versions", (m.name, n, t, t + 60_000, None, None, "Deleted_Internal",
                                         "REDACTED-SOURCE-PATH", "REDACTED-SOURCE-PATH",
                                         "REDACTED-RUN-ID", "REDACTED-RUN-LINK", "READY", None)
                continue
            live.append(n)
            if m.prompt:
                source, run_id = "dummy-source", None
            else:
                source, run_id = f"s3://mw-bench-artifacts/{m.name}/v{n}", "%032x" % (n * 7919)
            stage = "None" if n > m.versions - 2 else ["Archived", "Staging", "Production"][n % 3]
            user = f"user-{n % 50}" if n % 4 == 0 else None
            yield "model_versions", (m.name, n, t, t + 1000, f"version {n}", user, stage, source,
                                     source, run_id, None, "READY", None)
            if m.prompt:
                yield "model_version_tags", (seed.IS_PROMPT, "true", m.name, n)
                yield "model_version_tags", ("mlflow.prompt.text", f"Summarize in {n}: {{{{t}}}}",
                                             m.name, n)
            else:
                yield "model_version_tags", ("framework", m.framework, m.name, n)
                yield "model_version_tags", ("dataset", f"ds-{n}", m.name, n)
        if live:
            yield "registered_model_aliases", ("champion", live[-1], m.name)


COLUMNS = {
    "registered_models": ["name", "creation_time", "last_updated_time", "description"],
    "registered_model_tags": ["key", "value", "name"],
    "model_versions": ["name", "version", "creation_time", "last_updated_time", "description",
                       "user_id", "current_stage", "source", "storage_location", "run_id",
                       "run_link", "status", "status_message"],
    "model_version_tags": ["key", "value", "name", "version"],
    "registered_model_aliases": ["alias", "version", "name"],
}


def insert_sql(table):
    cols = ", ".join(f"`{c}`" for c in COLUMNS[table])
    return f"INSERT INTO `{table}` ({cols}) VALUES ({', '.join('?' * len(COLUMNS[table]))})"


def write_sqlite(path):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    for statement in schema("sqlite"):
        db.execute(statement)
    counts = {}
    with db:
        for table, row in rows():
            db.execute(insert_sql(table), row)
            counts[table] = counts.get(table, 0) + 1
    db.close()
    return counts


def write_mysql(out):
    for statement in schema("mysql"):
        out.write(statement + "\n")
    out.write("SET autocommit = 0;\nSTART TRANSACTION;\n")
    for table, row in rows():
        values = ", ".join("NULL" if v is None else str(v) if isinstance(v, int)
                           else "'" + v.replace("'", "''") + "'" for v in row)
        cols = ", ".join(f"`{c}`" for c in COLUMNS[table])
        out.write(f"INSERT INTO `{table}` ({cols}) VALUES ({values});\n")
    out.write("COMMIT;\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dialect", choices=["sqlite", "mysql"], default="sqlite")
    parser.add_argument("--out", help="the SQLite file to write (sqlite only)")
    args = parser.parse_args()
    if args.dialect == "mysql":
        write_mysql(sys.stdout)
        return 0
    if not args.out:
        parser.error("--out FILE is needed for sqlite")
    counts = write_sqlite(args.out)
    print(", ".join(f"{n} {table}" for table, n in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
