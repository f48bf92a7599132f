"""Give the roles their problem and knowledge base permissions."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Data migration: role grants of knowledge (see KnowledgeConfig.role_permissions)."""

    dependencies = [("knowledge", "0002_search_index"), ("core", "0002_roles")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
