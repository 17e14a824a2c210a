"""kleroterion: fair, publicly verifiable citizens' assembly lotteries.

A thin typed layer over the Rust crates: the protocol core (commit, seed, draw, verify),
the fair crate (LEXIMIN) and the files crate (the organisers' CSV formats, the commit
workflow). Python converts, glues pandas and displays; it computes nothing of its own.

A whole draw, with a value read aloud as its randomness (a real draw commits to a public
lottery or a drand round, see :mod:`kleroterion.randomness`):

>>> import pandas as pd, kleroterion as kl
>>> from kleroterion import randomness as rnd
>>> pool = kl.Pool.from_dataframe(pd.DataFrame({"id": range(101, 111), "gender": ["f", "m"] * 5}))
>>> quotas = kl.Quotas.from_dataframe(pd.DataFrame(
...     {"feature": ["gender", "gender"], "value": ["f", "m"], "min": [2, 2], "max": [2, 2]}))
>>> bool(kl.feasibility(pool, quotas, 4))
True
>>> manifest = kl.commit(pool, quotas, 4, method="lottery", progress=False,
...                      randomness=rnd.recipe(rnd.hex_source("read aloud at the meeting")))
>>> manifest.cells  # five people share each published value: the default floor of 5 is met
{'smallest': 5, 'alone': 0, 'cells': 2}
>>> len(manifest.commitment)  # publish it before the randomness exists
64
>>> bundle = kl.draw(manifest, rnd.reveal(rnd.hex_value("c0ffee")))
>>> bundle.selected["gender"].value_counts().sort_index().to_dict()
{'f': 2, 'm': 2}
>>> report = kl.verify(bundle, commitment=manifest.commitment)
>>> report.verdict
'valid_if'
>>> manifest.receipts[101].check(bundle).outcome in ("selected", "alternate", "not_selected")
True
"""

from pathlib import Path as _Path

from . import chain, fair, lowlevel, randomness
from ._native import (
    SPEC_VERSION,
    DrawFailed,
    InfeasibleQuotas,
    Interrupted,
    InvalidInput,
    InvalidRandomness,
    KleroterionError,
    OutputExists,
    SolverError,
    VerificationFailed,
)
from ._native import __version__ as __version__
from .chain import ChainReport, PathCheck, Place, check_path, verify_chain
from .fair import Distribution, Feasibility, Portfolio, feasibility
from .pool import Pool, Quota, Quotas
from .protocol import (
    Bundle,
    ByHand,
    CommitPaths,
    Manifest,
    Method,
    Parent,
    Purpose,
    Receipt,
    ReceiptCheck,
    Replacement,
    Report,
    Rfc3797Result,
    RoundingLoss,
    RoundingWarning,
    Step,
    Verdict,
    commit,
    draw,
    replace,
    rfc3797,
    verify,
)

SPEC_PATH = _Path(__file__).with_name("SPEC.md")
"""The protocol's specification, shipped with the package: the messages cite its sections."""

__all__ = [
    "SPEC_PATH",
    "SPEC_VERSION",
    "Bundle",
    "ByHand",
    "ChainReport",
    "CommitPaths",
    "Distribution",
    "DrawFailed",
    "Feasibility",
    "InfeasibleQuotas",
    "Interrupted",
    "InvalidInput",
    "InvalidRandomness",
    "KleroterionError",
    "Manifest",
    "Method",
    "OutputExists",
    "Parent",
    "PathCheck",
    "Place",
    "Pool",
    "Portfolio",
    "Purpose",
    "Quota",
    "Quotas",
    "Receipt",
    "ReceiptCheck",
    "Replacement",
    "Report",
    "Rfc3797Result",
    "RoundingLoss",
    "RoundingWarning",
    "SolverError",
    "Step",
    "Verdict",
    "VerificationFailed",
    "chain",
    "check_path",
    "commit",
    "draw",
    "fair",
    "feasibility",
    "lowlevel",
    "randomness",
    "replace",
    "rfc3797",
    "verify",
    "verify_chain",
]
