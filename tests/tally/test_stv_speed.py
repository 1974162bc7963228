"""Scottish STV counts a million ballots within a second (processor time of the count)."""

from __future__ import annotations

import time

import numpy as np

from moim.tally.ballots import Candidate, Election, Preferences, RawBallots
from moim.tally.stv_scottish import count_scottish_stv


def test_scottish_stv_counts_a_million_ballots_within_a_second() -> None:
    rng = np.random.default_rng(2026)
    ballots, candidates, depth = 1_000_000, 40, 10
    # each rank drawn by popularity; a repeat ends the ballot (a shorter, strict ranking)
    popularity = rng.dirichlet(np.full(candidates, 0.5))
    prefs = rng.choice(candidates, size=(ballots, depth), p=popularity).astype(np.int32)
    lengths = rng.integers(1, depth + 1, ballots)
    for j in range(1, depth):
        repeat = (prefs[:, :j] == prefs[:, j : j + 1]).any(axis=1)
        lengths = np.where(repeat & (lengths > j), j, lengths)
    prefs[np.arange(depth)[None, :] >= lengths[:, None]] = -1
    clean = Preferences(prefs, np.ones(ballots, dtype=np.int64), np.zeros(ballots, dtype=np.int8))
    names = tuple(Candidate(f"C{i}") for i in range(candidates))
    election = Election("speed", names, 17, RawBallots((), ()))

    start = time.process_time()
    result = count_scottish_stv(election, preferences=clean)
    elapsed = time.process_time() - start

    assert len(result.elected) == 17
    assert result.valid_weight == ballots
    assert elapsed < 1.0, f"{elapsed:.2f} s"
