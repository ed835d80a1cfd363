"""`hall simulate`, `hall simulate gen` and `hall plan`: the simulator on the command line."""

from __future__ import annotations

import json
import re
import sys

import click

from queue_server.hall_config import DEFAULT_CONFIG, ConfigError, HallConfig, load_config
from simulator.arrivals import InputError, arrivals_csv, read_arrivals
from simulator.engine import SimResult
from simulator.engine import simulate as run_policy
from simulator.metrics import mean, summarise
from simulator.policies import POLICIES, policies_named

DEFAULT_PROFILE = DEFAULT_CONFIG.parent / "profiles" / "weekday.toml"
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False), default=str(DEFAULT_CONFIG),
                             show_default=True, help="Hall configuration (TOML).")


def _config(path: str) -> HallConfig:
    try:
        return load_config(path)
    except ConfigError as e:
        raise click.ClickException(f"the hall configuration is wrong: {e}") from None


def parse_duration(text: str) -> float:
    """'20m', '90s', '1h', '1200' → seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text or "")
    if not m:
        raise click.BadParameter(f"{text!r} is not a duration such as 20m, 90s or 1h")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def _fmt_min(seconds: float) -> str:
    return f"{seconds / 60:6.1f}"


def _average(summaries: list[dict]) -> dict:
    """Several seeds' summaries of one policy → one, each figure the mean over seeds."""
    if len(summaries) == 1:
        return summaries[0]
    out = dict(summaries[0])
    for key in ("tickets", "served", "no_shows", "unserved", "mean_wait_s", "p90_wait_s", "max_wait_s",
                "priority_mean_wait_s", "normal_mean_wait_s"):
        out[key] = round(mean([s[key] for s in summaries]), 1)
    for key in ("prediction", "simple_prediction", "naive_prediction"):
        out[key] = {k: round(mean([s[key][k] for s in summaries]), 3) for k in summaries[0][key]}
    zones = sorted({z for s in summaries for z in s["per_zone"]})
    out["per_zone"] = {z: {k: round(mean([s["per_zone"][z][k] for s in summaries if z in s["per_zone"]]), 1)
                           for k in ("tickets", "mean_wait_s", "p90_wait_s")} for z in zones}
    out["window_moves"] = sum(len(s["window_moves"]) for s in summaries)
    out["seeds"] = len(summaries)
    return out


def _print_table(rows: list[dict]) -> None:
    click.echo(f"{'policy':<18} {'tickets':>7} {'mean min':>8} {'p90 min':>8} {'max min':>8} "
               f"{'est mae s':>9} {'rel_mse':>7} {'simple rel_mse':>14}")
    for r in rows:
        click.echo(f"{r['policy']:<18} {r['tickets']:>7} {_fmt_min(r['mean_wait_s']):>8} "
                   f"{_fmt_min(r['p90_wait_s']):>8} {_fmt_min(r['max_wait_s']):>8} "
                   f"{r['prediction']['mae_s']:>9.0f} {r['prediction']['rel_mse']:>7.3f} "
                   f"{r['simple_prediction']['rel_mse']:>14.3f}")


@click.group("simulate", invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@config_option
@click.option("--arrivals", "arrivals_path", type=click.Path(dir_okay=False),
              help="Arrivals CSV: arrival,zone,matter,priority,service_s,no_show.")
@click.option("--from-db", "db_path", type=click.Path(dir_okay=False), help="Replay a day from a hall database.")
@click.option("--date", "day", help="The day to replay with --from-db (YYYY-MM-DD, the hall's local date).")
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False),
              help="Generate the arrivals from an hourly profile instead (with --load and --seed).")
@click.option("--load", default=0.85, show_default=True, help="Utilisation for --profile.")
@click.option("--seed", default=1, show_default=True, help="Random seed for --profile.")
@click.option("--seeds", default=1, show_default=True, help="With --profile: run this many seeds and average.")
@click.option("--schedule", "schedule_path", type=click.Path(dir_okay=False),
              help="Window schedule CSV: window,from,to,zones (default: every window open all day).")
@click.option("--policy", default="all", show_default=True,
              help=f"One of {', '.join(POLICIES)}, or all.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per policy.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Write a report PNG here.")
@click.option("--save-arrivals", type=click.Path(dir_okay=False), help="Also write the arrivals used as CSV.")
@click.pass_context
def simulate(ctx: click.Context, config_path: str, arrivals_path: str | None, db_path: str | None, day: str | None,
             profile_path: str | None, load: float, seed: int, seeds: int, schedule_path: str | None, policy: str,
             as_json: bool, report_path: str | None, save_arrivals: str | None) -> None:
    """Simulate a hall day under several dispatch policies, with the server's own dispatch and estimates."""
    if ctx.invoked_subcommand is not None:
        return
    from simulator.profile import generate, load_profile
    from simulator.replay import arrivals_from_db
    from simulator.schedule import read_schedule

    cfg = _config(config_path)
    sources = [s for s in (arrivals_path, db_path, profile_path) if s]
    if len(sources) != 1:
        raise click.UsageError("give exactly one of --arrivals FILE, --from-db PATH --date DAY, --profile FILE")
    try:
        policies = policies_named(policy)
        if arrivals_path:
            days = [read_arrivals(arrivals_path, cfg)]
        elif db_path:
            if not day:
                raise click.UsageError("--from-db needs --date YYYY-MM-DD")
            arrivals, cancelled = arrivals_from_db(db_path, day, cfg)
            click.echo(f"replaying {len(arrivals)} tickets of {day} ({cancelled} cancelled left out)", err=True)
            days = [arrivals]
        else:
            prof = load_profile(profile_path)
            days = [generate(cfg, prof, load, seed + i) for i in range(max(1, seeds))]
        shifts = read_schedule(schedule_path, cfg) if schedule_path else None
    except (InputError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if save_arrivals:
        with open(save_arrivals, "w", encoding="utf-8") as f:
            f.write(arrivals_csv(days[0]))
    rows: list[dict] = []
    first_day: list[SimResult] = []
    for p in policies:
        results = [run_policy(cfg, arrivals, p, shifts) for arrivals in days]
        first_day.append(results[0])
        rows.append(_average([summarise(r) for r in results]))
    if report_path:
        from simulator.report import write_report

        write_report(first_day, report_path)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        _print_table(rows)


@simulate.command("gen")
@config_option
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False), default=str(DEFAULT_PROFILE),
              show_default=True, help="Hourly arrival profile (TOML).")
@click.option("--load", default=0.85, show_default=True, help="Day-average utilisation of each zone's home windows.")
@click.option("--seed", default=1, show_default=True)
def gen(config_path: str, profile_path: str, load: float, seed: int) -> None:
    """Write an arrivals CSV for one day to standard output."""
    from simulator.profile import generate, load_profile

    cfg = _config(config_path)
    try:
        sys.stdout.write(arrivals_csv(generate(cfg, load_profile(profile_path), load, seed)))
    except InputError as e:
        raise click.ClickException(str(e)) from None


@click.command("plan", context_settings={"help_option_names": ["-h", "--help"]})
@config_option
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False), default=str(DEFAULT_PROFILE),
              show_default=True, help="Hourly arrival profile (TOML).")
@click.option("--load", default=0.85, show_default=True,
              help="Arrival volume, as the utilisation the configured home windows would have.")
@click.option("--target-p90", "target", help="p90 wait target for every zone, e.g. 20m (default: each zone's "
              "target_wait_s).")
@click.option("--policy", default="shipped", show_default=True, type=click.Choice(list(POLICIES)),
              help="Policy used to check the plan by simulation.")
@click.option("--seeds", default=3, show_default=True, help="Simulated days used to check the plan.")
@click.option("--rounds", default=8, show_default=True, help="At most this many simulate-and-adjust rounds.")
@click.option("--json", "as_json", is_flag=True)
def plan(config_path: str, profile_path: str, load: float, target: str | None, policy: str, seeds: int,
         rounds: int, as_json: bool) -> None:
    """Propose how many windows each zone needs per hour, checked by simulation."""
    from simulator.plan import plan_staffing
    from simulator.profile import load_profile

    cfg = _config(config_path)
    try:
        result = plan_staffing(cfg, load_profile(profile_path), load, POLICIES[policy],
                               target_p90_s=parse_duration(target) if target else None,
                               seeds=tuple(range(1, max(1, seeds) + 1)), max_rounds=max(1, rounds))
    except InputError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
        return
    hours = result.hours
    click.echo(f"{'zone':<13}" + "".join(f"{h:02d}:00".rjust(7) for h in hours) + "   p90 target")
    for z, per_hour in result.windows.items():
        click.echo(f"{z:<13}" + "".join(f"{per_hour[h]:>7}" for h in hours)
                   + f"   {result.targets_s[z] / 60:.0f} min")
        click.echo(f"{'  p90 min':<13}" + "".join(f"{result.p90_s[z][h] / 60:>7.1f}" for h in hours))
    total = {h: sum(result.windows[z][h] for z in result.windows) for h in hours}
    click.echo(f"{'total':<13}" + "".join(f"{total[h]:>7}" for h in hours))
    click.echo("all zones within target" if result.ok else
               f"some zone-hours still over target after {result.rounds} rounds", err=True)


COMMANDS = [simulate, plan]
