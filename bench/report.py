"""How the benchmarks report latencies: percentiles in milliseconds, kept in a row and printed."""


def pct(values: list[float], p: float) -> float:
    """The `p`th percentile of `values` (seconds), in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def percentiles(seconds: list[float], *ps: int) -> dict[str, float]:
    """`{"p50_ms": …, …}` for each of `ps`, to a tenth of a millisecond."""
    return {f"p{p}_ms": round(pct(seconds, p), 1) for p in ps}


def shown(row: dict, *ps: int, width: int = 8) -> str:
    """A row's percentiles for the console: `p50     12.3 ms  p99     45.6 ms`."""
    return "  ".join(f"p{p} {row[f'p{p}_ms']:>{width}.1f} ms" for p in ps)
