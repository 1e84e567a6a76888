"""Reflective supervision/consultation received: hours from eligible providers within one window.

The window rule ("24 hours within a 12-24-month window"): some window of at most `window_max_months`
(in days, see `spans`) must hold entries totalling the minimum hours, and the RSC in it must extend over at
least `window_min_months` (from the first entry's start to the last entry's end, both days included).
An entry counts only as a whole, so an entry longer than the window never counts: split it by period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ..entries import RscEntry
from ..rules import ProviderRule, RscRule
from ..spans import span_days
from .report import Progress, Reason, RequirementResult


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    hours: Decimal
    about_providing: Decimal

    @property
    def days(self) -> int:
        return span_days(self.start, self.end)


def check_rsc(rule: RscRule | None, entries: Sequence[RscEntry], on: date) -> list[RequirementResult]:
    if rule is None:
        return []
    usable, excluded = _usable(rule, entries, on)
    window = _best_window(rule, usable)
    hours = window.hours if window else Decimal(0)
    about = window.about_providing if window else Decimal(0)
    when = f" ({window.start.isoformat()} to {window.end.isoformat()})" if window else ""
    progress = Progress(hours, rule.min_hours, "hours")
    reasons: list[Reason] = []
    if hours < rule.min_hours:
        reasons.append(Reason("RSC_HOURS_SHORT", f"{progress} of RSC from eligible providers within one "
                              f"{rule.window_max_months}-month window",
                              {"have": float(hours), "need": float(rule.min_hours),
                               "window_months": rule.window_max_months}))
    if window is not None and window.days < rule.window_min_days:
        reasons.append(Reason("RSC_WINDOW_TOO_SHORT", f"the RSC spans {window.days} days{when}; it must extend "
                              f"over at least {rule.window_min_months} months ({rule.window_min_days} days)",
                              {"have_days": window.days, "need_days": rule.window_min_days,
                               "need_months": rule.window_min_months, "start": window.start.isoformat(),
                               "end": window.end.isoformat()}))
    if reasons:
        reasons.extend(excluded)
    detail = f"{progress} of RSC within a {rule.window_max_months}-month window{when}"
    results = [RequirementResult("RSC_HOURS", "rsc", not reasons, detail, progress, tuple(reasons))]
    if rule.min_hours_about_providing_rsc > 0:
        need = rule.min_hours_about_providing_rsc
        about_progress = Progress(about, need, "hours")
        short = () if about >= need else (Reason("RSC_ABOUT_PROVIDING_SHORT", f"{about_progress} of the RSC were "
                                                 "about the RSC the applicant provides",
                                                 {"have": float(about), "need": float(need)}),)
        results.append(RequirementResult("RSC_ABOUT_PROVIDING_HOURS", "rsc", not short,
                                         f"{about_progress} about the RSC the applicant provides, in the same "
                                         "window", about_progress, short))
    return results


def eligible(rule: RscRule, entry: RscEntry) -> ProviderRule | None:
    for provider in rule.eligible_providers:
        if provider.category != entry.provider_category:
            continue
        if provider.requires_addon is not None and provider.requires_addon not in entry.provider_addons:
            continue
        if entry.provider_emerging and not provider.emerging_accepted:
            continue
        return provider
    return None


def _usable(rule: RscRule, entries: Sequence[RscEntry], on: date) -> tuple[list[RscEntry], list[Reason]]:
    usable: list[RscEntry] = []
    excluded: list[Reason] = []
    for entry in entries:
        label = f"RSC from {entry.provider_name} ({entry.start.isoformat()} to {entry.end.isoformat()})"
        about = entry_params(entry)
        if entry.end > on:
            excluded.append(Reason("RSC_ENTRY_AFTER_DATE", f"{label} ends after {on.isoformat()}",
                                   {**about, "on": on.isoformat()}))
        elif eligible(rule, entry) is None:
            excluded.append(Reason("RSC_PROVIDER_NOT_ELIGIBLE", f"{label}: a provider endorsed as "
                                   f"{about['provider_category']} is not eligible; eligible: {eligible_list(rule)}",
                                   {**about, "eligible": eligible_list(rule)}))
        elif entry.format not in rule.formats:
            excluded.append(Reason("RSC_FORMAT_NOT_ALLOWED", f"{label}: {entry.format.value} RSC does not count",
                                   about))
        elif span_days(entry.start, entry.end) > rule.window_max_days:
            excluded.append(Reason("RSC_ENTRY_LONGER_THAN_WINDOW", f"{label} spans more than "
                                   f"{rule.window_max_days} days; enter it as shorter periods",
                                   {**about, "max_days": rule.window_max_days}))
        else:
            usable.append(entry)
    return usable, excluded


def _best_window(rule: RscRule, entries: list[RscEntry]) -> Window | None:
    """The window anchored at some entry's start that best meets the rule (O(n²); n is small)."""
    best: Window | None = None
    best_score: tuple[bool, Decimal, bool, Decimal] | None = None
    for anchor in sorted({e.start for e in entries}):
        last_day = anchor + timedelta(days=rule.window_max_days - 1)
        inside = [e for e in entries if anchor <= e.start and e.end <= last_day]
        if not inside:
            continue
        window = Window(anchor, max(e.end for e in inside), sum((e.hours for e in inside), Decimal(0)),
                        sum((e.hours_about_providing_rsc for e in inside), Decimal(0)))
        long_enough = window.days >= rule.window_min_days
        need_about = rule.min_hours_about_providing_rsc
        enough = window.hours >= rule.min_hours and window.about_providing >= need_about
        score = (enough and long_enough, min(window.hours, rule.min_hours) + min(window.about_providing, need_about),
                 long_enough, window.hours)
        if best_score is None or score > best_score:
            best, best_score = window, score
    return best


def _provider(entry: RscEntry) -> str:
    addons = "".join(f" + {a}" for a in entry.provider_addons)
    return entry.provider_category + addons + (" (Emerging)" if entry.provider_emerging else "")


def entry_params(entry: RscEntry) -> dict[str, str | int | float]:
    """What a reason about one RSC entry names: `provider` (the person), `start`, `end`, `format` and
    `provider_category` (the provider's endorsement, with add-ons and "(Emerging)", as `_provider` writes it)."""
    return {"provider": entry.provider_name or "", "start": entry.start.isoformat(), "end": entry.end.isoformat(),
            "format": entry.format.value, "provider_category": _provider(entry)}


def eligible_list(rule: RscRule) -> str:
    """The eligible providers' endorsements, comma-separated (`IMHM-C, IFS + RFC`)."""
    return ", ".join(p.category + (f" + {p.requires_addon}" if p.requires_addon else "")
                     for p in rule.eligible_providers)
