"""The full-text index of articles, per database: SQLite FTS5 or a PostgreSQL tsvector.

SQLite: an external-content FTS5 table over title and body (porter stemming), kept in step
by triggers on the article table, so no code path can leave the index behind.
PostgreSQL: a stored generated tsvector column (title weight A, body weight B, English
configuration) with a GIN index; the database recomputes it on every write.
Each vendor's statements run only on that vendor (knowledge.search reads them).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE knowledge_article_fts USING fts5(
        title, body, content='knowledge_knowledgearticle', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER knowledge_article_fts_insert AFTER INSERT ON knowledge_knowledgearticle BEGIN
        INSERT INTO knowledge_article_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER knowledge_article_fts_delete AFTER DELETE ON knowledge_knowledgearticle BEGIN
        INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER knowledge_article_fts_update AFTER UPDATE OF title, body
    ON knowledge_knowledgearticle BEGIN
        INSERT INTO knowledge_article_fts(knowledge_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO knowledge_article_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    # Articles written before this migration (none in a new database) join the index.
    "INSERT INTO knowledge_article_fts(knowledge_article_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_update",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_insert",
    "DROP TABLE IF EXISTS knowledge_article_fts",
]

POSTGRES_FORWARD = [
    """
    ALTER TABLE knowledge_knowledgearticle ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX knowledge_article_search ON knowledge_knowledgearticle USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_article_search",
    "ALTER TABLE knowledge_knowledgearticle DROP COLUMN IF EXISTS search_vector",
]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor ("sqlite" or "postgresql")."""

    def __init__(self, vendor: str, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        """Keep the vendor when the migration is serialised."""
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "vendor": self.vendor}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        """Run only on the chosen vendor."""
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        """Undo only on the chosen vendor."""
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    """Create the article search index of the database in use."""

    dependencies = [("knowledge", "0001_initial")]

    operations = [
        VendorRunSQL("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        VendorRunSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
