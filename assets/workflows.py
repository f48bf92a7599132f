"""The asset life cycle, in one place.

    on_order ──receive──▶ in_stock ──deploy──▶ deployed ──send_for_repair──▶ in_repair
                             ▲  ▲                 │  ▲                          │
                             │  └────recall───────┘  └────return_from_repair────┘
                             │                    │                             │
                             └──return_to_stock───┼─────────────────────────────┘
    in_stock / deployed / in_repair ──retire──▶ retired ──dispose──▶ disposed

Transition bodies only set fields; `assets.actions.lifecycle.do_move_asset` saves and audits.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition


class AssetStatus(models.TextChoices):
    """Life-cycle states of a hardware asset."""

    ON_ORDER = "on_order", "On order"
    IN_STOCK = "in_stock", "In stock"
    DEPLOYED = "deployed", "Deployed"
    IN_REPAIR = "in_repair", "In repair"
    RETIRED = "retired", "Retired"
    DISPOSED = "disposed", "Disposed"

    @classmethod
    def colour(cls, value: str) -> str:
        """Bootstrap badge colour of a state."""
        return {
            cls.ON_ORDER: "info",
            cls.IN_STOCK: "secondary",
            cls.DEPLOYED: "success",
            cls.IN_REPAIR: "warning",
            cls.RETIRED: "dark",
            cls.DISPOSED: "light",
        }.get(value, "secondary")


# full_clean would assign the protected FSM field; it is validated by the graph instead.
FSM_FIELDS = ("status",)
LIFECYCLE_PERMISSION = "assets.change_asset"
ACTIVE = [AssetStatus.IN_STOCK, AssetStatus.DEPLOYED, AssetStatus.IN_REPAIR]


def has_no_owner_when_disposed(asset) -> bool:
    """A disposed asset must not still be assigned to someone."""
    return asset.owner_id is None


class AssetLifecycle(models.Model):
    """The state field and the edges of the asset life cycle (mixed into Asset)."""

    status = FSMField(
        default=AssetStatus.IN_STOCK, choices=AssetStatus.choices, protected=True, db_index=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def status_colour(self) -> str:
        """Badge colour of the current state."""
        return AssetStatus.colour(self.status)

    def _stamp(self) -> None:
        self.status_changed_at = timezone.now()

    @transition(
        field=status,
        source=AssetStatus.ON_ORDER,
        target=AssetStatus.IN_STOCK,
        permission=LIFECYCLE_PERMISSION,
        custom={"label": "receive"},
    )
    def receive(self):
        """The ordered asset has arrived."""
        self._stamp()

    @transition(
        field=status,
        source=[AssetStatus.IN_STOCK, AssetStatus.IN_REPAIR],
        target=AssetStatus.DEPLOYED,
        permission=LIFECYCLE_PERMISSION,
        custom={"label": "deploy"},
    )
    def deploy(self):
        """The asset is put into service."""
        self._stamp()

    @transition(
        field=status,
        source=AssetStatus.DEPLOYED,
        target=AssetStatus.IN_REPAIR,
        permission=LIFECYCLE_PERMISSION,
        custom={"label": "send for repair"},
    )
    def send_for_repair(self):
        """The asset has gone for repair."""
        self._stamp()

    @transition(
        field=status,
        source=[AssetStatus.DEPLOYED, AssetStatus.IN_REPAIR],
        target=AssetStatus.IN_STOCK,
        permission=LIFECYCLE_PERMISSION,
        custom={"label": "return to stock"},
    )
    def return_to_stock(self):
        """The asset is back in the store."""
        self._stamp()

    @transition(
        field=status,
        source=ACTIVE,
        target=AssetStatus.RETIRED,
        permission=LIFECYCLE_PERMISSION,
        custom={"label": "retire"},
    )
    def retire(self):
        """The asset is withdrawn from service."""
        self._stamp()

    @transition(
        field=status,
        source=AssetStatus.RETIRED,
        target=AssetStatus.DISPOSED,
        conditions=[has_no_owner_when_disposed],
        permission="assets.delete_asset",
        custom={"label": "dispose"},
    )
    def dispose(self):
        """The asset has left the organisation (sold, recycled, destroyed)."""
        self._stamp()
