# The search index (beleidsplan/search.py): on PostgreSQL the unaccent extension, a Dutch
# text search configuration that folds accents ("coördineren" = "coordineren"), and the
# GIN index of the vectors. On SQLite only the table: its search runs in Python.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

CONFIG = "dutch_unaccent"


class Unaccent(UnaccentExtension):
    """Django's operation skips other databases going forwards, not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_config(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
        if cursor.fetchone():
            return
    # Words with non-ASCII letters (word, hword, hword_part) lose their accents before the
    # Dutch stemmer; ASCII words have none to lose.
    schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.dutch)")
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem"
    )


def drop_config(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


GIN = django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="searchentry_vector")


def add_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("beleidsplan", "SearchEntry"), GIN)


def remove_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("beleidsplan", "SearchEntry"), GIN)


class Migration(migrations.Migration):

    dependencies = [
        ("beleidsplan", "0005_stempel_opgemaakte_bestanden"),
    ]

    operations = [
        Unaccent(),
        migrations.RunPython(create_config, drop_config),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(max_length=40)),
                ("key", models.CharField(blank=True, max_length=200)),
                ("kind", models.CharField(max_length=12)),
                ("object_id", models.PositiveBigIntegerField(default=0)),
                ("order", models.PositiveIntegerField(default=0)),
                ("code", models.CharField(blank=True, max_length=20)),
                ("number", models.PositiveIntegerField(default=0)),
                ("text1", models.TextField(blank=True)),
                ("text2", models.TextField(blank=True)),
                ("text3", models.TextField(blank=True)),
                ("active", models.BooleanField(default=True)),
                ("vector", django.contrib.postgres.search.SearchVectorField(blank=True, null=True)),
                ("plan", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="beleidsplan.beleidsplan")),
                ("versie", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="beleidsplan.planversie")),
            ],
            options={
                "verbose_name": "search index entry",
                "verbose_name_plural": "search index entries",
                "indexes": [models.Index(fields=["source", "order"], name="searchentry_source_order")],
                "constraints": [models.UniqueConstraint(condition=models.Q(("kind", "source")), fields=("source",), name="searchentry_one_marker_per_source")],
            },
        ),
        # The GIN index is in the model's state everywhere, in the database only on
        # PostgreSQL (SQLite cannot build it).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="searchentry", index=GIN)],
            database_operations=[migrations.RunPython(add_gin, remove_gin)],
        ),
    ]
