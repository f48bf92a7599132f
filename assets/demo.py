"""Demo data of the asset register, added by `manage.py seed_demo`."""

from __future__ import annotations

import datetime as dt

from assets.actions.register import do_create_asset


def seed(command, admin, organisations, options) -> None:
    """A few assets per organisation, created through the register's action."""
    today = dt.date.today()
    # seed_demo passes {slug: Organisation}.
    values = organisations.values() if isinstance(organisations, dict) else organisations
    for organisation in values:
        for number, (category, model) in enumerate(
            [("laptop", "Latitude 5440"), ("printer", "MP C3004"), ("switch", "Catalyst 2960")],
            start=1,
        ):
            tag = f"{organisation.slug.upper()}-{number:04d}"
            if organisation.assets.filter(asset_tag=tag).exists():
                continue
            do_create_asset(
                actor=admin,
                organisation=organisation,
                values={
                    "asset_tag": tag,
                    "category": category,
                    "model_name": model,
                    "warranty_end": today + dt.timedelta(days=30 * number),
                },
            )
