"""Measured figures, their percentiles and the checks against targets, as BENCHMARKS.md shows them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile, e.g. `fraction=0.95` for p95."""
    if not samples:
        raise ValueError("no samples to take a percentile of")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


@dataclass(frozen=True)
class Series:
    """Samples of one quantity in seconds, shown as n, p50, p95 and max."""

    label: str
    samples: tuple[float, ...]

    @property
    def p50(self) -> float:
        return percentile(self.samples, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95)

    @property
    def max(self) -> float:
        return max(self.samples)


@dataclass(frozen=True)
class Check:
    """One figure against its target. `passed` is None for a figure without a target."""

    name: str
    measured: str
    target: str
    passed: bool | None

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "info"}[self.passed]


@dataclass
class Figure:
    """One benchmark: its method in prose, its timing series, other values and its checks."""

    title: str
    method: str
    series: list[Series] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(check.passed is False for check in self.checks)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", self.method, ""]
        if self.series:
            lines += ["| series | n | p50 | p95 | max |", "|---|---:|---:|---:|---:|"]
            for series in self.series:
                lines.append(f"| {series.label} | {len(series.samples)} | {milliseconds(series.p50)} "
                             f"| {milliseconds(series.p95)} | {milliseconds(series.max)} |")
            lines.append("")
        if self.values:
            lines += ["| value | measured |", "|---|---:|"]
            lines += [f"| {name} | {value} |" for name, value in self.values]
            lines.append("")
        if self.checks:
            lines += ["| figure | measured | target | result |", "|---|---:|---:|---|"]
            lines += [f"| {check.name} | {check.measured} | {check.target} | **{check.verdict}** |"
                      for check in self.checks]
            lines.append("")
        for note in self.notes:
            lines += [note, ""]
        return "\n".join(lines)


def error_figure(title: str, error: BaseException) -> Figure:
    """Return a failed figure for a benchmark that raised instead of finishing."""
    figure = Figure(title, "The benchmark did not finish.")
    figure.checks.append(Check("benchmark finished", f"{type(error).__name__}: {error}", "no error", False))
    return figure
