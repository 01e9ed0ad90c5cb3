#!/usr/bin/env python3
"""The benchmark data set, and the SQL that bulk-loads it into a migrated modelwarden database.

Used by scripts/bench (imported as a module), and runnable alone:

    scripts/bench.d/seed.py --dialect sqlite|mysql [--dataset-key KEY]
                            [--models 10000] [--versions 10] > seed.sql

The data set is deterministic (fixed random seed, fixed timestamps), so a cached SQLite file
stays valid until this file or the schema changes (scripts/bench keys the cache on both). Its
size is a number of models (a multiple of 100) and an average number of versions per model; the
default, 10,000 models and 10 versions each, is the data set every earlier figure was measured
on, row for row:

* registered models `proj-<k>.model-<i>` (100 projects per 10,000 models, i = 0..99 per
  project); models with i % 10 < 3 (30%) are prompts: model tag `mlflow.prompt.is_prompt` =
  'true' and the prompt tags on each of their versions, as MlflowClient.register_prompt writes
  them.
* model versions, 1..(2 x average - 1) per model, exactly models x average in all, numbered from
  1 per model; current_stage 'None', status 'READY', times in milliseconds, storage_location =
  source, as modelwarden itself stores a version created over HTTP.
* a few tags per model (team, framework, owner) and per version (framework, validation_status,
  dataset); aliases `champion` (every other model), `challenger`, `production` (prompts).
* 1,000 empty models `bench-write.model-<i>` that the create-version scenario adds versions to,
  so writes never change the data the read scenarios see. `bench-write.model-0` carries the tag
  `bench.dataset` = the dataset key: the sign that a database holds this data set.

Column names and values follow registry/sql/schema.cc (migration 1). The SQL is one
transaction; identifiers are backquoted, which both SQLite and MySQL accept. load_sqlite() is the
faster path for SQLite: the same rows through Python's sqlite3 module, without SQL text.
"""
import argparse
import random
import sys

MODELS_PER_PROJECT = 100
DEFAULT_MODELS = 10_000
DEFAULT_VERSIONS = 10  # per model, on average
WRITE_MODELS = 1_000
PROMPT_SHARE_OF_10 = 3  # models with i % 10 < 3 are prompts: 30%
DATASET_TAG = "bench.dataset"
SENTINEL_MODEL = "bench-write.model-0"
IS_PROMPT = "mlflow.prompt.is_prompt"

FRAMEWORKS = ["sklearn", "xgboost", "pytorch", "tensorflow", "lightgbm"]
TEAMS = ["risk", "growth", "search", "ads", "payments", "support", "platform", "vision"]
BASE_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
HOUR_MS = 3_600_000


def model_name(project, index):
    return f"proj-{project}.model-{index}"


def write_model_name(index):
    return f"bench-write.model-{index}"


def is_prompt(index):
    return index % 10 < PROMPT_SHARE_OF_10


class Model:
    __slots__ = ("project", "index", "name", "prompt", "framework", "team", "versions", "created")

    def __init__(self, project, index, framework, team, versions, created):
        self.project = project
        self.index = index
        self.name = model_name(project, index)
        self.prompt = is_prompt(index)
        self.framework = None if self.prompt else framework
        self.team = team
        self.versions = versions
        self.created = created

    def version_time(self, number):
        return self.created + number * 5 * HOUR_MS

    @property
    def last_updated(self):
        return self.version_time(self.versions)


def projects(count=DEFAULT_MODELS):
    return count // MODELS_PER_PROJECT


def check_size(count, versions):
    if count < MODELS_PER_PROJECT or count % MODELS_PER_PROJECT:
        raise ValueError(f"the number of models must be a positive multiple of "
                         f"{MODELS_PER_PROJECT}, got {count}")
    if versions < 1:
        raise ValueError(f"the average number of versions must be at least 1, got {versions}")


def models(count=DEFAULT_MODELS, versions_per_model=DEFAULT_VERSIONS):
    """The registered models of the read data set, in a fixed order."""
    check_size(count, versions_per_model)
    rng = random.Random(20250101)
    most = 2 * versions_per_model - 1
    total = count * versions_per_model
    versions = [1 + rng.randrange(most) for _ in range(count)]
    # Bring the total to exactly `total`, keeping every count within 1..most.
    diff = total - sum(versions)
    while diff != 0:
        j = rng.randrange(count)
        if diff > 0 and versions[j] < most:
            versions[j] += 1
            diff -= 1
        elif diff < 0 and versions[j] > 1:
            versions[j] -= 1
            diff += 1
    out = []
    for j in range(count):
        project, index = divmod(j, MODELS_PER_PROJECT)
        out.append(Model(project, index, FRAMEWORKS[rng.randrange(len(FRAMEWORKS))],
                         TEAMS[rng.randrange(len(TEAMS))], versions[j],
                         BASE_MS + rng.randrange(200) * 24 * HOUR_MS + rng.randrange(HOUR_MS)))
    return out


def _quote(value):
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    if "\\" in value:
        raise ValueError("backslashes would need dialect-specific escaping")
    return "'" + value.replace("'", "''") + "'"


class _Inserter:
    """Multi-row INSERT statements of at most `batch` rows."""

    def __init__(self, out, table, columns, batch=500):
        self.out = out
        self.head = f"INSERT INTO `{table}` ({', '.join('`' + c + '`' for c in columns)}) VALUES\n"
        self.batch = batch
        self.rows = []

    def add(self, *values):
        self.rows.append("(" + ",".join(_quote(v) for v in values) + ")")
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self):
        if self.rows:
            self.out.write(self.head + ",\n".join(self.rows) + ";\n")
            self.rows = []


COLUMNS = {
    "registered_models": ["name", "creation_time", "last_updated_time", "description"],
    "registered_model_tags": ["name", "key", "value"],
    "model_versions": ["name", "version", "creation_time", "last_updated_time", "description",
                       "user_id", "current_stage", "source", "storage_location", "run_id",
                       "run_link", "status", "status_message"],
    "model_version_tags": ["name", "version", "key", "value"],
    "registered_model_aliases": ["name", "alias", "version"],
}


def rows(dataset_key, count=DEFAULT_MODELS, versions_per_model=DEFAULT_VERSIONS):
    """Every row of the data set as (table, values), in the order they are inserted."""
    rng = random.Random(7)
    for m in models(count, versions_per_model):
        if m.prompt:
            yield "registered_models", (m.name, m.created, m.last_updated,
                                        f"Prompt {m.index} of project {m.project}")
            yield "registered_model_tags", (m.name, IS_PROMPT, "true")
            yield "registered_model_tags", (m.name, "team", m.team)
        else:
            yield "registered_models", (m.name, m.created, m.last_updated,
                                        f"Model {m.index} of project {m.project}")
            yield "registered_model_tags", (m.name, "team", m.team)
            yield "registered_model_tags", (m.name, "framework", m.framework)
            yield "registered_model_tags", (m.name, "owner", f"user-{rng.randrange(500)}")
        for n in range(1, m.versions + 1):
            t = m.version_time(n)
            if m.prompt:
                yield "model_versions", (m.name, n, t, t, f"commit {n}", None, "None",
                                         "dummy-source", "dummy-source", "", "", "READY", None)
                yield "model_version_tags", (m.name, n, IS_PROMPT, "true")
                yield "model_version_tags", (
                    m.name, n, "mlflow.prompt.text",
                    f"Summarize the following text in {n} sentences: {{{{text}}}}")
                yield "model_version_tags", (m.name, n, "_mlflow_prompt_type", "text")
            else:
                source = f"s3://mw-bench-artifacts/proj-{m.project}/model-{m.index}/v{n}"
                yield "model_versions", (m.name, n, t, t, "", None, "None", source, source,
                                         "%032x" % rng.getrandbits(128), "", "READY", None)
                yield "model_version_tags", (m.name, n, "framework", m.framework)
                yield "model_version_tags", (
                    m.name, n, "validation_status",
                    ["approved", "pending", "rejected"][rng.randrange(3)])
                yield "model_version_tags", (m.name, n, "dataset", f"ds-{rng.randrange(1000)}")
        if m.prompt:
            yield "registered_model_aliases", (m.name, "production", m.versions)
        elif m.index % 2 == 0:
            yield "registered_model_aliases", (m.name, "champion", m.versions)
            if m.versions > 1:
                yield "registered_model_aliases", (m.name, "challenger", m.versions - 1)
    for i in range(WRITE_MODELS):
        name = write_model_name(i)
        yield "registered_models", (name, BASE_MS, BASE_MS,
                                    "Target of the create-version benchmark")
        yield "registered_model_tags", (name, "purpose", "bench-write")
        if name == SENTINEL_MODEL:
            yield "registered_model_tags", (name, DATASET_TAG, dataset_key)


def write_sql(out, dialect, dataset_key, count=DEFAULT_MODELS,
              versions_per_model=DEFAULT_VERSIONS):
    """Writes the whole data set as one transaction of multi-row INSERTs to `out`."""
    if dialect == "mysql":
        out.write("SET unique_checks = 0;\nSET foreign_key_checks = 0;\nSET autocommit = 0;\n"
                  "START TRANSACTION;\n")
    else:
        out.write("PRAGMA synchronous = OFF;\nBEGIN;\n")
    inserters = {table: _Inserter(out, table, columns) for table, columns in COLUMNS.items()}
    for table, values in rows(dataset_key, count, versions_per_model):
        inserters[table].add(*values)
    for inserter in inserters.values():
        inserter.flush()
    out.write("COMMIT;\n")


def load_sqlite(path, dataset_key, count=DEFAULT_MODELS, versions_per_model=DEFAULT_VERSIONS):
    """Loads the data set into the migrated SQLite database at `path` in one transaction,
    through Python's sqlite3 module: the same rows as write_sql, several times faster."""
    import sqlite3

    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -262144")  # 256 MiB: the indexes stay in memory
        db.execute("BEGIN")
        statements = {table: f"INSERT INTO `{table}` ({', '.join('`' + c + '`' for c in columns)})"
                             f" VALUES ({', '.join('?' * len(columns))})"
                      for table, columns in COLUMNS.items()}
        pending = {table: [] for table in COLUMNS}
        for table, values in rows(dataset_key, count, versions_per_model):
            batch = pending[table]
            batch.append(values)
            if len(batch) >= 10_000:
                db.executemany(statements[table], batch)
                batch.clear()
        for table, batch in pending.items():
            if batch:
                db.executemany(statements[table], batch)
        db.execute("COMMIT")
    finally:
        db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dialect", choices=["sqlite", "mysql"], required=True)
    parser.add_argument("--dataset-key", default="manual")
    parser.add_argument("--models", type=int, default=DEFAULT_MODELS)
    parser.add_argument("--versions", type=int, default=DEFAULT_VERSIONS,
                        help="per model, on average")
    args = parser.parse_args()
    write_sql(sys.stdout, args.dialect, args.dataset_key, args.models, args.versions)


if __name__ == "__main__":
    main()
