"""The part of an application the requirement checks read (a snapshot; the checks never change it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..entries import (
    Attestation,
    AttestationKind,
    EducationEntry,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    TrainingEntry,
    WorkEntry,
)


@dataclass(frozen=True)
class Evidence:
    education: tuple[EducationEntry, ...] = ()
    work: tuple[WorkEntry, ...] = ()
    training: tuple[TrainingEntry, ...] = ()
    rsc: tuple[RscEntry, ...] = ()
    membership: Membership | None = None
    attestations: Mapping[AttestationKind, Attestation] = field(default_factory=dict)
    fees: Mapping[FeeKind, FeePayment] = field(default_factory=dict)
