"""The counting methods, one module per family: yes/no/abstain (`yna`), plurality, block and
approval (`choice`), IRV with RCTab's rules (`irv`, `rctab`), STV (`stv_scottish`, `stv_meek`,
`stv_wigm`, sharing `stv_common`), Schulze (`schulze`), and the juries' scoring (`scoring`).

Each takes the core's ballots (`moim.tally.ballots`, `moim.tally.matrix`) and returns a
`moim.tally.result.Result`; none reads a ballot file (`moim.tally.formats`) or knows the other
methods' names (`moim.tally.registry`). This package imports nothing on its own.
"""
