"""Ballot files: BLT (`blt`, read as a block by `blt_fast`) and cast vote records as CSV (`cvr`,
read as a block by `cvr_fast`). The readers give the core's ballots (`moim.tally.ballots`,
`moim.tally.matrix`) and know no counting method.
"""
