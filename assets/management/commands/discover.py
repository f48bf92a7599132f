"""`manage.py discover <cidr>`: sweep a network by SNMP and reconcile it into the register."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from assets.actions.discovery import do_queue_discovery_run
from assets.discovery.execute import execute_run
from assets.discovery.snmp import Credential
from core.models import Organisation


class Command(BaseCommand):
    """Run one discovery from the command line and print its summary."""

    help = "Discover SNMP devices in a network (CIDR) and reconcile them into the register."

    def add_arguments(self, parser):
        """Options mirror a discovery range's settings."""
        parser.add_argument("cidr", nargs="+", help="Networks such as 10.1.0.0/24.")
        parser.add_argument("--organisation", help="Slug of the owning organisation.")
        parser.add_argument("--community", action="append", help="v2c community (repeatable).")
        parser.add_argument("--v3-user")
        parser.add_argument("--v3-auth-key")
        parser.add_argument("--v3-auth-proto", default="SHA256")
        parser.add_argument("--v3-priv-key")
        parser.add_argument("--v3-priv-proto", default="AES")
        parser.add_argument("--port", type=int, default=161)
        parser.add_argument("--timeout", type=float, default=1.0)
        parser.add_argument("--retries", type=int, default=1)
        parser.add_argument("--concurrency", type=int, default=256)
        parser.add_argument(
            "--register", action="store_true", help="Register unknown devices instead of staging."
        )

    def handle(self, *args, **options):
        """Queue, execute and summarise one run per CIDR."""
        organisation = self._organisation(options["organisation"])
        credentials = [Credential(community=c) for c in options["community"] or []]
        if options["v3_user"]:
            credentials.append(
                Credential(
                    version="v3",
                    user=options["v3_user"],
                    auth_key=options["v3_auth_key"] or "",
                    auth_protocol=options["v3_auth_proto"].upper().replace("-", ""),
                    priv_key=options["v3_priv_key"] or "",
                    priv_protocol=options["v3_priv_proto"].upper().replace("-", ""),
                )
            )
        if not credentials:
            credentials = [Credential(community="public")]
        for cidr in options["cidr"]:
            run = do_queue_discovery_run(actor=None, organisation=organisation, cidr=cidr)
            run = execute_run(
                run,
                credentials,
                auto_register=options["register"],
                port=options["port"],
                timeout=options["timeout"],
                retries=options["retries"],
                concurrency=options["concurrency"],
            )
            self.stdout.write(
                f"{cidr}: probed {run.probed}, answered {run.answered}, new {run.new}, "
                f"changed {run.changed}, unchanged {run.unchanged}, failed {run.failed}, "
                f"malformed {run.malformed}, {run.duration:.2f} s"
            )
            for problem in run.problems[:20]:
                self.stdout.write(f"  ! {problem}")

    def _organisation(self, slug):
        if slug:
            try:
                return Organisation.objects.get(slug=slug)
            except Organisation.DoesNotExist as exc:
                raise CommandError(f"No organisation with slug {slug!r}.") from exc
        organisation = Organisation.objects.order_by("pk").first()
        if organisation is None:
            raise CommandError("Create an organisation first (manage.py seed_demo).")
        return organisation
