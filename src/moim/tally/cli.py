"""`moim tally FILE`: count a ballot file and print the result as a table or as JSON.

Exit status: 0 counted; 2 the file or an option is wrong, or there is nothing to count (one
line on stderr names the file, the line and what is wrong, as argparse does for a wrong option);
3 the count stopped on a tie left to the chair (the partial result is printed).

The methods, their options and their counting functions come from `moim.tally.registry`, the
one table the plenary reads too: a method registered there is offered here with its options.
The command line sits above everything else in the engine (the import contract's top layer):
it reads the file with `moim.tally.formats`, and counts through the registry, or, for IRV under
RCTab's rules (a CSV file, a ``--config`` or a rule flag), with `irv` directly.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from fractions import Fraction
from pathlib import Path
from typing import NoReturn

from moim.tally import registry
from moim.tally.ballots import Election, OvervoteRule, YesNoAbstain, YesNoAbstainBallots
from moim.tally.formats.blt import MAX_NUMBER_DIGITS, BltError, read_blt
from moim.tally.formats.cvr import read_cvr
from moim.tally.methods import irv
from moim.tally.methods.rctab import (
    RULE_FLAGS,
    TIEBREAK_MODES,
    RctabRules,
    load_config,
    rules_with_flags,
)
from moim.tally.methods.yna import Base, Majority, MotionRule, count_motion
from moim.tally.result import Result, Status
from moim.tally.ties import LOT_PREFIX, TieBreaker, TieBreakMethod

EXIT_OK, EXIT_INPUT, EXIT_TIE = 0, 2, 3
_SHARE = re.compile(r"[0-9]{1,20}(/[0-9]{1,20}|\.[0-9]{1,20})?")
"""A --quorum: a fraction or a decimal, never an exponent (1e999999999 would take hours)."""


class CliError(Exception):
    """A problem with the input, reported on stderr in one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """Option errors as one line and the same exit status as a wrong file, not usage text."""

    def error(self, message: str) -> NoReturn:
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="moim tally", description="Count a ballot file.")
    parser.add_argument("file", help="ballot file (BLT, CVR CSV, or yes/no/abstain lines)")
    parser.add_argument(
        "--method", choices=registry.NAMES, required=True,
        help="; ".join(f"{m.name}: {m.label}" for m in registry.METHODS.values()),
    )  # fmt: skip
    parser.add_argument("--seats", type=int, help="seats (BLT files give their own)")
    parser.add_argument("--format", choices=("blt", "csv", "yna"), help="default: from the name")
    parser.add_argument("--json", action="store_true", help="print the JSON record")
    parser.add_argument(
        "--tie-break", choices=[str(m) for m in TieBreakMethod], default="chair",
        help="after looking back: draw by lot, take the tie order, or stop for the chair",
    )  # fmt: skip
    parser.add_argument("--seed", help="seed of the draw by lot (recorded in the result)")
    parser.add_argument("--tie-order", help="names or 1-based numbers, comma separated")
    parser.add_argument(
        "--tie-decisions",
        help="with --tie-break chair: how the chair settled the ties, in the order they arose, "
        "comma separated: a candidate (name or 1-based number) or lot:SEED for a draw by lot",
    )
    parser.add_argument("--no-look-back", action="store_true", help="skip the look-back step")
    defaults = registry.Options()
    for option in registry.OPTIONS:
        flag = "--" + option.name.replace("_", "-")
        if option.choices:
            default = getattr(defaults, option.name)
            parser.add_argument(flag, choices=option.choices, default=default, help=option.help)
        else:
            parser.add_argument(flag, action="store_true", help=option.help)
    parser.add_argument("--config", help="RCTab configuration (IRV)")
    parser.add_argument(
        "--majority",
        default="simple",
        choices=("simple", "absolute", "two-thirds", "three-quarters"),
    )
    parser.add_argument("--base", choices=("cast", "entitled"), default="cast")
    parser.add_argument(
        "--abstentions", choices=("in", "out"), default="in", help="abstentions in the base or not"
    )
    parser.add_argument("--quorum", help="share of the entitled weight, e.g. 1/2")
    parser.add_argument("--entitled", type=int, help="entitled weight")
    parser.add_argument("--present", type=int, help="weight present or represented")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_rule_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        result = run(args)
    except CliError as error:
        print(f"moim tally: {one_line(str(error))}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(result.to_json() if args.json else result.to_text())
    return EXIT_TIE if result.status is Status.TIE_FOR_CHAIR else EXIT_OK


def run(args: argparse.Namespace) -> Result:
    """Count the file named in `args`; a `CliError` for anything wrong with it or the options."""
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    _check_options(args)
    try:
        result = _count(path, args)
    except OSError as error:  # unreadable after all (permissions, a device, a vanished file)
        raise CliError(f"{error.filename or path}: {error.strerror or error}") from None
    nothing = nothing_counted(result)
    if nothing:
        raise CliError(f"{path}: {nothing}: nothing to count")
    return result


def _count(path: Path, args: argparse.Namespace) -> Result:
    file_format = args.format or _guess_format(path, args.method)
    if file_format == "yna" or args.method == "yna":
        if file_format != "yna":
            raise CliError("--method yna reads yes/no/abstain lines (--format yna)")
        return _count_motion(path, args)
    irv_rules = args.method == "irv" and (file_format != "blt" or _rule_flags_given(args))
    if file_format == "csv" or args.config or irv_rules:
        return _count_with_rules(path, file_format, args)
    election = _read_election(path, args)
    _check_candidates(path, election, args)
    breaker = _tie_breaker(args, election)
    try:
        return _count_election(election, args, breaker)
    except ValueError as error:
        raise CliError(f"{path}: {error}") from None


def _check_candidates(path: Path, election: Election, args: argparse.Namespace) -> None:
    """Someone to elect, and no more seats than candidates standing."""
    standing = len(election.standing)
    if not standing:
        raise CliError(f"{path}: every candidate has withdrawn: nothing to count")
    single = registry.METHODS[args.method].max_seats == 1
    seats = 1 if single else (args.seats or election.seats)
    if seats > standing:
        raise CliError(f"{path}: {seats} seats but only {standing} candidate(s) standing")


def _check_options(args: argparse.Namespace) -> None:
    if args.seats is not None and args.seats < 1:
        raise CliError("--seats must be at least 1")
    for option in ("entitled", "present"):
        if getattr(args, option) is not None and getattr(args, option) < 0:
            raise CliError(f"--{option} must be 0 or more")
    if args.config and not Path(args.config).is_file():
        raise CliError(f"--config {args.config}: no such file")


def nothing_counted(result: Result) -> str | None:
    """Why `result` counted nothing (no candidate standing, no valid ballot), or None."""
    if result.method == "yna":
        return None if result.valid_weight else "no votes"
    if not result.rounds or not result.rounds[0].votes:
        return "no candidate is standing"
    if result.method == "schulze":
        # Schulze's round shows how many each one beats; its valid weight is what ranks one
        return None if result.valid_weight else "no ballot ranks a standing candidate"
    if any(result.rounds[0].votes.values()):
        return None
    return "no valid ballot names a standing candidate"


def one_line(message: str, limit: int = 300) -> str:
    """`message` on one line, shortened: a file's own text can be long or hold line breaks."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _guess_format(path: Path, method: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if method == "yna" or suffix == ".yna":
        return "yna"
    return "blt"


def _count_election(election: Election, args: argparse.Namespace, breaker: TieBreaker) -> Result:
    """Count `election` by the registered method the line names, with the options it gives."""
    options = registry.Options(**{o.name: getattr(args, o.name) for o in registry.OPTIONS})
    try:
        method = registry.get(args.method)
        return method.count(election, seats=args.seats, tie_breaker=breaker, options=options)
    except registry.MethodError as error:
        raise CliError(str(error)) from None


def _count_with_rules(path: Path, file_format: str, args: argparse.Namespace) -> Result:
    """A CVR CSV file or an RCTab configuration: IRV under the configuration's rules, each
    overridden by its RCTab-named flag (textbook IRV without either); a tiebreakMode (configured
    or given) replaces the --tie-break policy. A CSV file's ballots count by any other method
    through the registry."""
    breaker = _tie_breaker(args, None)
    flags = vars(args)
    try:
        settings = load_config(args.config) if args.config else None
        rules = rules_with_flags(settings.rules if settings else None, flags)
        if file_format == "blt" and settings is None and args.method == "irv":
            ties = _rule_ties(rules, flags, configured=False, breaker=breaker)
            return irv.count_irv(read_blt(path), rules=rules, ties=ties)
        if file_format != "csv":
            raise ValueError("RCTab configurations apply to CVR CSV files (--format csv)")
        if settings is not None and args.method != "irv":
            raise ValueError(f"an RCTab configuration counts by IRV, not {args.method}")
        ballots = read_cvr(
            path,
            candidates=settings.names if settings else None,
            write_ins=bool(args.write_ins),
            progress=False if args.no_progress else None,
            title=(settings.contest_name if settings else "") or path.stem,
            aliases=settings.codes if settings else None,
        )
        excluded = settings.excluded if settings else ()
        if args.method != "irv":
            election = ballots.election(seats=args.seats or 1, withdrawn=excluded)
            _check_candidates(path, election, args)
            return _count_election(election, args, breaker)
        if args.seats not in (None, 1):
            raise ValueError("IRV elects one candidate (--seats 1)")
        ties = _rule_ties(rules, flags, configured=settings is not None, breaker=breaker)
        return irv.count_cvr(ballots, rules=rules, ties=ties, excluded=excluded)
    except ValueError as error:  # the readers' errors name the line
        raise CliError(f"{path}: {error}") from None


def _rule_ties(
    rules: RctabRules | None, flags: dict[str, object], *, configured: bool, breaker: TieBreaker
) -> TieBreaker:
    """A tiebreakMode (configured or given as a flag) replaces the --tie-break policy."""
    if rules is not None and (flags.get("tiebreakMode") or configured):
        return rules.tie_breaker()
    return breaker


def _add_rule_options(parser: argparse.ArgumentParser) -> None:
    """RCTab's rule settings as command-line flags, under their RCTab names (IRV)."""
    group = parser.add_argument_group(
        "RCTab rules (IRV; each overrides the same setting of --config)"
    )
    group.add_argument("--overvoteRule", choices=[r.value for r in OvervoteRule])
    group.add_argument("--maxSkippedRanksAllowed", metavar="N|unlimited")
    group.add_argument("--maxRankingsAllowed", metavar="N|max")
    group.add_argument("--exhaustOnDuplicateCandidate", action="store_true", default=None)
    group.add_argument("--batchElimination", action="store_true", default=None)
    group.add_argument("--tiebreakMode", choices=list(TIEBREAK_MODES))
    group.add_argument("--randomSeed")
    group.add_argument(
        "--write-ins",
        action="store_true",
        help="names not among the configured candidates count as undeclared write-ins",
    )


def _rule_flags_given(args: argparse.Namespace) -> bool:
    """Whether any RCTab rule flag was given on the command line."""
    return any(getattr(args, key, None) is not None for key in RULE_FLAGS)


def _read_election(path: Path, args: argparse.Namespace) -> Election:
    try:
        with _progress(path, enabled=not args.no_progress) as advance:
            return read_blt(path, progress=advance)
    except BltError as error:
        raise CliError(f"{path}: line {error.line}: {error.problem}") from None
    except UnicodeDecodeError as error:
        raise CliError(f"{path}: not UTF-8 text ({error.reason})") from None


@contextmanager
def _progress(path: Path, *, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, only when it is a terminal and the file is large."""
    size = path.stat().st_size
    if not enabled or not sys.stderr.isatty() or size < 5_000_000:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"Reading {path.name}", total=size)
        pending = 0

        def advance(chars: int) -> None:
            nonlocal pending
            pending += chars
            if pending >= 1 << 20:
                bar.advance(task, pending)
                pending = 0

        yield advance


def _tie_breaker(args: argparse.Namespace, election: Election | None) -> TieBreaker:
    method = TieBreakMethod(args.tie_break)
    look_back = not args.no_look_back
    if args.tie_decisions and method is not TieBreakMethod.CHAIR:
        raise CliError("--tie-decisions go with --tie-break chair")
    if method is TieBreakMethod.LOT:
        return TieBreaker.by_lot(args.seed, look_back=look_back)
    order = election.tie_order if election is not None else None
    decisions: tuple[str, ...] = ()
    if args.tie_decisions:
        items = args.tie_decisions.split(",")
        decisions = tuple(_decision(election, item.strip()) for item in items)
    if args.tie_order:
        if election is None:
            raise CliError("--tie-order needs a BLT file here")
        order = tuple(_candidate(election, item.strip()) for item in args.tie_order.split(","))
    return TieBreaker(method, look_back, None, order, decisions)


def _decision(election: Election | None, item: str) -> str:
    """A chair's decision: lot:SEED as given, a candidate's number as its name."""
    if item.startswith(LOT_PREFIX) and len(item) > len(LOT_PREFIX):
        return item
    if election is None:
        if item.isdigit():
            raise CliError("--tie-decisions: name the candidates here, not their numbers")
        return item
    return election.names[_candidate(election, item, option="--tie-decisions")]


def _candidate(election: Election, item: str, option: str = "--tie-order") -> int:
    with suppress(ValueError):
        return election.index(item)
    if item.isdigit() and 1 <= int(item) <= len(election.names):
        return int(item) - 1
    raise CliError(f"{option}: {item!r} is not a candidate")


def _count_motion(path: Path, args: argparse.Namespace) -> Result:
    quorum = _quorum(args.quorum)
    votes: list[tuple[YesNoAbstain, int]] = []
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                vote = _motion_vote(line)
                if isinstance(vote, str):
                    raise CliError(f"{path}: line {number}: {vote}")
                if vote is not None:
                    votes.append(vote)
    except UnicodeDecodeError as error:
        raise CliError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    rule = MotionRule(Majority(args.majority), Base(args.base), args.abstentions == "in", quorum)
    try:
        return count_motion(
            YesNoAbstainBallots.from_votes(votes), rule=rule, entitled=args.entitled,
            present=args.present, title=path.stem,
        )  # fmt: skip
    except ValueError as error:
        raise CliError(f"{path}: {error}") from None


def _motion_vote(line: str) -> tuple[YesNoAbstain, int] | str | None:
    """One line's answer and weight, None for a blank line, or what is wrong with it."""
    tokens = line.split("#", 1)[0].split()
    if not tokens:
        return None
    if len(tokens) > 2:
        return "one answer and one weight per line"
    try:
        choice = YesNoAbstain(tokens[0].lower())
    except ValueError:
        return f"expected yes, no or abstain, found {tokens[0][:40]!r}"
    if len(tokens) == 1:
        return choice, 1
    weight = tokens[1]
    if not (weight.isascii() and weight.isdigit()) or int(weight[:MAX_NUMBER_DIGITS]) < 1:
        return f"the weight {weight[:40]!r} is not a whole number of at least 1"
    if len(weight) > MAX_NUMBER_DIGITS:
        return f"the weight has {len(weight)} digits; at most {MAX_NUMBER_DIGITS} are read"
    return choice, int(weight)


def _quorum(text: str | None) -> Fraction | None:
    """The --quorum share: a fraction above 0 and at most 1 (1/2, 2/3, 0.5)."""
    if not text:
        return None
    try:
        if _SHARE.fullmatch(text) is None:
            raise ValueError(text)
        quorum = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise CliError(f"--quorum {text[:40]!r} is not a fraction such as 1/2 or 0.5") from None
    if not 0 < quorum <= 1:
        raise CliError(f"--quorum {text!r} must be a share above 0 and at most 1")
    return quorum
