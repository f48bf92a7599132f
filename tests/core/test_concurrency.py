"""Two people acting on one record at once: one wins, the other is told; nothing is lost."""

import threading
import time

import pytest
from django.db import close_old_connections

from core import actions
from core.actions import base
from core.exceptions import StaleRecord
from core.models import Organisation


@pytest.mark.django_db(transaction=True)
def test_should_let_exactly_one_of_two_simultaneous_editors_win(world, monkeypatch):
    loaded_version = world.north.version
    real_save = base.save_audited

    def slow_save(*args, **kwargs):
        # Widen the window between reading the version and writing: without the row lock
        # both editors would read the same version here and both would "win".
        time.sleep(0.3)
        return real_save(*args, **kwargs)

    monkeypatch.setattr("core.actions.organisations.save_audited", slow_save)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(name: str) -> None:
        try:
            start.wait()
            actions.do_update_organisation(
                world.north, actor=world.admin, expected_version=loaded_version, name=name
            )
            outcomes[name] = "saved"
        except StaleRecord:
            outcomes[name] = "told"
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=edit, args=(name,)) for name in ("Alice's edit", "Bob's edit")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["saved", "told"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    fresh = Organisation.objects.get(pk=world.north.pk)
    assert fresh.name == winner
    assert fresh.version == loaded_version + 1
