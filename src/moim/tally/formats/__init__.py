"""Ballot file formats: BLT here; the cast vote record CSV lives in moim.tally.cvr."""
