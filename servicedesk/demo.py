"""Demo data of the service desk: a catalogue and a few calls (and --calls N for benchmarks)."""

from __future__ import annotations


def add_arguments(parser) -> None:
    """--calls N bulk-creates N realistic calls for benchmarks."""
    parser.add_argument("--calls", type=int, default=0, help="Bulk-create N calls (benchmarks).")


def seed(command, admin, organisations, options) -> None:
    """Create the catalogue (idempotent) and, if asked, N calls in bulk."""
    from servicedesk.seeding import bulk_seed_calls, seed_catalogue, seed_sample_calls

    seed_catalogue(admin)
    seed_sample_calls()
    if options.get("calls"):
        bulk_seed_calls(command, options["calls"])
