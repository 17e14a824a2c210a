"""kleroterion: fair, publicly verifiable citizens' assembly lotteries.

A thin typed layer over the Rust crates: the protocol core (commit, seed, draw, verify),
the fair crate (LEXIMIN) and the files crate (the organisers' CSV formats, the commit
workflow). Python converts, glues pandas and displays; it computes nothing of its own.

    >>> import kleroterion as kl
    >>> pool = kl.Pool.from_csv("candidates.csv", id="nationbuilder_id",
    ...                         household=["primary_address1", "primary_zip"])
    >>> quotas = kl.Quotas.from_csv("features.csv")
    >>> dist = kl.fair.leximin(pool, quotas, 22)
    >>> manifest = kl.commit(pool, quotas, 22, method="lottery", randomness=...,
    ...                      announced_at="2026-12-07T12:00:00Z")
    >>> manifest.commitment            # publish it before the randomness exists
    >>> bundle = kl.draw(manifest, reveal)
    >>> report = kl.verify("bundle.json", commitment="commitment.txt",
    ...                    lotteries=["euromillions@2026-12-08=7,18,28,40,48+3,9"])
    >>> report.verdict, report.headline
    ('valid_if', 'VALID if the 2 items below match their public records')
"""

from . import fair, lowlevel, randomness
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
from .fair import Distribution, Feasibility, Portfolio, feasibility
from .pool import Pool, Quota, Quotas
from .protocol import (
    Bundle,
    ByHand,
    CommitPaths,
    Manifest,
    Receipt,
    ReceiptCheck,
    Replacement,
    Report,
    Rfc3797Result,
    Step,
    Verdict,
    commit,
    draw,
    replace,
    rfc3797,
    verify,
)

__all__ = [
    "SPEC_VERSION",
    "Bundle",
    "ByHand",
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
    "OutputExists",
    "Pool",
    "Portfolio",
    "Quota",
    "Quotas",
    "Receipt",
    "ReceiptCheck",
    "Replacement",
    "Report",
    "Rfc3797Result",
    "SolverError",
    "Step",
    "Verdict",
    "VerificationFailed",
    "commit",
    "draw",
    "fair",
    "feasibility",
    "lowlevel",
    "randomness",
    "replace",
    "rfc3797",
    "verify",
]
