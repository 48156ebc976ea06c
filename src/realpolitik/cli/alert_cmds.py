"""``realpolitik alerts``: list stored alerts; ``realpolitik alerts check RULES.yaml`` runs the
rules once on a store (what the watcher does after each poll)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from realpolitik.cli.app import app, plain, run_safely, warn
from realpolitik.errors import CLIError, Errors

logger = logging.getLogger(__name__)
console = Console()

alerts_app = typer.Typer(
    help="Alerts on alignment shifts: list the stored ones, or check the rules once.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(alerts_app, name="alerts")

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="SQLite file or postgresql:// URL [default: settings.db]."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _day(value: str | None) -> str | None:
    """Return ``value`` checked as YYYY-MM-DD (None stays None).

    Raises: CLIError E303.
    """
    from realpolitik.sources.dates import iso_day

    if value is None:
        return None
    day = iso_day(value)
    if day is None:
        raise CLIError(Errors.E303.format(value=value))
    return day


def _rule(value: str | None) -> str | None:
    """Return ``value`` when it names a rule.

    Raises: AlertError E742.
    """
    from realpolitik.alerts import RULES
    from realpolitik.errors import AlertError

    if value is not None and value not in RULES:
        raise AlertError(Errors.E742.format(rule=value, known=", ".join(RULES)))
    return value


@alerts_app.callback()
def alerts_cmd(
    ctx: typer.Context,
    db: DbOpt = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Alerts about periods from this day (YYYY-MM-DD).")
    ] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this rule's alerts.")] = None,
    subject: Annotated[
        str | None, typer.Option("--subject", help="Only alerts about this actor or SRC>TGT dyad.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most alerts listed.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List stored alerts, newest first, with their figures and triggering events."""
    if ctx.invoked_subcommand is not None:
        return

    def run() -> None:
        from realpolitik.store import open_store
        from realpolitik.store.alerts import list_alerts

        first, name = _day(since), _rule(rule)
        with open_store(db, readonly=True) as store:
            found = list_alerts(store, since=first, rule=name, subject=subject, limit=limit)
        if as_json:
            sys.stdout.write(
                json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=2) + "\n"
            )
        else:
            _print_alerts(found)

    run_safely(run)


@alerts_app.command("check")
def check_cmd(
    rules: Annotated[
        Path, typer.Argument(help="A feeds file with an `alerts:` mapping, or a rules file.")
    ],
    db: DbOpt = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Last day evaluated (default: today, UTC).")
    ] = None,
    no_deliver: Annotated[
        bool, typer.Option("--no-deliver", help="Store alerts without calling the webhook.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run the alert rules once on the store: evaluate what changed since the last check, store
    new alerts and deliver them to the webhook."""

    def run() -> None:
        from datetime import date

        from realpolitik.alerts import AlertConfig, check_alerts
        from realpolitik.store import open_store

        cfg = AlertConfig.from_file(rules)
        last = _day(today)
        with open_store(db) as store:
            new = check_alerts(
                store,
                cfg,
                today=date.fromisoformat(last) if last else None,
                warn=warn,
                deliver=not no_deliver,
            )
        if as_json:
            sys.stdout.write(
                json.dumps([a.to_dict() for a in new], ensure_ascii=False, indent=2) + "\n"
            )
        else:
            console.print(f"{len(new)} new alert(s)", highlight=False)
            _print_alerts(new)

    run_safely(run)


def _print_alerts(alerts: list[Any]) -> None:
    """Print alerts as a table, each followed by its triggering events."""
    if not alerts:
        console.print("no alerts", highlight=False)
        return
    table = Table(title="Alerts (newest first)", show_lines=True)
    for column in ("seq", "rule", "subject", "period", "figures", "message", "delivery"):
        table.add_column(column)
    for alert in alerts:
        table.add_row(
            str(alert.seq),
            alert.rule,
            plain(alert.subject),
            alert.period,
            plain(_figures(alert.figures)),
            plain(alert.message),
            alert.delivery,
        )
    console.print(table)
    for alert in alerts:
        console.print(f"[bold]{plain(alert.alert_id)}[/bold] {plain(alert.message)}")
        for event in alert.events:
            console.print(
                f"  {event['day']} {plain(event['source'])}>{plain(event['target'])} "
                f"CAMEO {event['cameo']} Goldstein {event['goldstein']} "
                f"x{event['num_mentions']}: {plain(event['sentence'] or '')} "
                f"({plain(event['url'] or event['article_id'] or '')})",
                highlight=False,
                soft_wrap=True,
            )


def _figures(figures: dict[str, Any]) -> str:
    """Return the headline figures of an alert as one short line."""
    keys = ("metric", "value", "baseline", "spread", "z", "n_events", "threshold")
    return ", ".join(f"{k}={figures[k]}" for k in keys if k in figures)
