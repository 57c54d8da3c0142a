"""Names: the certificate holder and every required additional insured."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import EvaluationContext, LineRef
from coisync.compliance.normalize import name_appears_in, name_match
from coisync.compliance.results import result, title_of
from coisync.compliance.wording import AI_COMPLETED_FORMS, AI_ONGOING_FORMS
from coisync.model import AdditionalInsuredRequirement, Certificate, Finding, Outcome


def _operations(ongoing: bool, completed: bool) -> str:
    return _OPERATIONS[bool(ongoing), bool(completed)]


_OPERATIONS: dict[tuple[bool, bool], str] = {
    (True, True): "ongoing and completed operations",
    (True, False): "ongoing operations",
    (False, True): "completed operations",
    (False, False): "any operations",
}


class NamesRule:
    """``holder_mismatch`` per relevant certificate and ``additional_insured_missing`` per name and coverage."""

    name = "names"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        """Results of the name checks."""
        if context.nothing_received:
            return
        yield from self._holder(context)
        yield from self._additional_insureds(context)
        yield from self._flags(context)

    @staticmethod
    def _holder(context: EvaluationContext) -> Iterator[Finding]:
        holder = context.requirements.certificate_holder
        if holder is None or not holder.name:
            return
        name = holder.name
        clause = holder.clause
        for certificate in context.relevant_certificates:
            shown = certificate.holder
            if shown is None:
                yield result(
                    FindingCode.HOLDER_MISMATCH,
                    Outcome.UNVERIFIED,
                    f"Certificate {certificate.id} does not show a certificate holder; request one naming "
                    f"{name}.",
                    certificate_id=certificate.id,
                    required=name,
                    clause=clause,
                    found="not shown",
                    evidence=f"certificate {certificate.id}",
                )
                continue
            match = name_match(name, shown.name)
            if match.matched:
                yield result(
                    FindingCode.HOLDER_MISMATCH,
                    Outcome.PASS,
                    f"The certificate holder {shown.name} matches {name} (score {match.score:g}).",
                    certificate_id=certificate.id,
                    required=name,
                    clause=clause,
                    found=shown.name,
                    evidence=f"certificate {certificate.id} holder",
                    score=match.score,
                )
            else:
                yield result(
                    FindingCode.HOLDER_MISMATCH,
                    Outcome.FAIL,
                    f"The certificate holder is {shown.name}, not {name} (score {match.score:g}); "
                    f"request a certificate naming {name} as holder.",
                    certificate_id=certificate.id,
                    required=name,
                    clause=clause,
                    found=shown.name,
                    evidence=f"certificate {certificate.id} holder",
                    score=match.score,
                )

    def _additional_insureds(self, context: EvaluationContext) -> Iterator[Finding]:
        for requirement in context.requirements.additional_insureds:
            if not requirement.name:
                continue
            for coverage_type in requirement.coverage_types:
                coverage = context.requirements.coverage(coverage_type)
                ref = context.best_line(coverage) if coverage is not None else None
                if ref is None:
                    in_force = context.in_force(coverage_type)
                    ref = in_force[0] if in_force else None
                if ref is None or ref.certificate is None:
                    continue  # the coverage itself is reported missing, expired or not yet effective
                yield self._one_name(
                    context, requirement, requirement.name, coverage_type, ref, ref.certificate
                )

    @staticmethod
    def _one_name(
        context: EvaluationContext,
        requirement: AdditionalInsuredRequirement,
        name: str,
        coverage_type: str,
        ref: LineRef,
        certificate: Certificate,
    ) -> Finding:
        title = title_of(coverage_type)
        wanted = _operations(requirement.ongoing_operations, requirement.completed_operations)
        make = partial(
            result,
            ref=ref,
            coverage_type=coverage_type,
            required=f"{name} additional insured on {title}, {wanted}",
            clause=requirement.clause,
        )
        listed = [
            entry
            for entry in certificate.additional_insureds
            if coverage_type in entry.coverage_types and name_match(name, entry.name).matched
        ]
        for entry in listed:
            if (entry.ongoing_operations or not requirement.ongoing_operations) and (
                entry.completed_operations or not requirement.completed_operations
            ):
                return make(
                    FindingCode.ADDITIONAL_INSURED_MISSING,
                    Outcome.PASS,
                    f"{name} is named additional insured on {title} for {wanted}.",
                    found=f"{entry.name}, {_operations(entry.ongoing_operations, entry.completed_operations)}",
                    evidence=f"certificate {certificate.id} additional insureds",
                )
        wording = context.wording(certificate)
        forms = context.forms(certificate)
        text = certificate.description_of_operations or ""
        if wording.additional_insured and name_appears_in(name, text):
            completed_ok = wording.completed_operations or bool(forms & AI_COMPLETED_FORMS)
            if completed_ok or not requirement.completed_operations:
                return make(
                    FindingCode.ADDITIONAL_INSURED_MISSING,
                    Outcome.PASS,
                    f"{name} is named additional insured in the description of operations ({wanted}).",
                    found="named in the description of operations",
                    evidence=f"certificate {certificate.id} description of operations",
                )
            return make(
                FindingCode.ADDITIONAL_INSURED_MISSING,
                Outcome.FAIL,
                f"{name} is additional insured on {title}, but completed operations are not shown; "
                f"request CG 20 37 (or equivalent) for completed operations.",
                found="named, completed operations not shown",
                evidence=f"certificate {certificate.id} description of operations",
            )
        holder = certificate.holder
        if (
            wording.holder_is_additional_insured
            and holder is not None
            and name_match(name, holder.name).matched
        ):
            completed_ok = wording.completed_operations or bool(forms & AI_COMPLETED_FORMS)
            if completed_ok or not requirement.completed_operations:
                return make(
                    FindingCode.ADDITIONAL_INSURED_MISSING,
                    Outcome.PASS,
                    f"{name} is additional insured as the certificate holder ({wanted}).",
                    found=f"certificate holder {holder.name} named additional insured in the description",
                    evidence=f"certificate {certificate.id} description of operations and holder",
                )
        if listed:
            entry = listed[0]
            return make(
                FindingCode.ADDITIONAL_INSURED_MISSING,
                Outcome.FAIL,
                f"{name} is additional insured on {title} only for "
                f"{_operations(entry.ongoing_operations, entry.completed_operations)}; request an "
                f"endorsement covering {wanted}.",
                found=f"{entry.name}, {_operations(entry.ongoing_operations, entry.completed_operations)}",
                evidence=f"certificate {certificate.id} additional insureds",
            )
        names_shown = bool(certificate.additional_insureds) or wording.additional_insured
        if ref.line.additional_insured and not names_shown:
            return make(
                FindingCode.ADDITIONAL_INSURED_MISSING,
                Outcome.UNVERIFIED,
                f"The {title} line is marked ADDL INSD but names no one; request the endorsement or "
                f"wording naming {name}.",
                found="ADDL INSD flag only, no names",
            )
        found = ", ".join(e.name for e in certificate.additional_insureds) or "not named"
        return make(
            FindingCode.ADDITIONAL_INSURED_MISSING,
            Outcome.FAIL,
            f"{name} is not named additional insured on {title}; request an additional insured "
            f"endorsement (e.g. CG 20 10 / CG 20 26) naming {name}.",
            found=found,
        )

    @staticmethod
    def _flags(context: EvaluationContext) -> Iterator[Finding]:
        """``additional_insured = true`` on a coverage with no named AI requirement: the ADDL INSD flag."""
        named = {
            coverage_type
            for requirement in context.requirements.additional_insureds
            if requirement.name
            for coverage_type in requirement.coverage_types
        }
        for requirement, ref in context.best_pairs:
            if not requirement.additional_insured or requirement.coverage_type in named:
                continue
            title = title_of(requirement.coverage_type)
            flag = ref.line.additional_insured
            forms = context.forms(ref.certificate) if ref.certificate is not None else frozenset()
            wording = context.wording(ref.certificate) if ref.certificate is not None else None
            has_names = ref.certificate is not None and any(
                requirement.coverage_type in e.coverage_types for e in ref.certificate.additional_insureds
            )
            shown = flag or has_names or bool(forms & (AI_ONGOING_FORMS | AI_COMPLETED_FORMS))
            shown = shown or bool(wording and wording.additional_insured)
            outcome = Outcome.PASS if shown else Outcome.UNVERIFIED if flag is None else Outcome.FAIL
            message = (
                f"{title} shows additional insured status."
                if shown
                else f"{title} does not show additional insured status; request the additional insured "
                f"endorsement."
            )
            yield result(
                FindingCode.ADDITIONAL_INSURED_MISSING,
                outcome,
                message,
                ref=ref,
                required="additional insured status (ADDL INSD)",
                found="shown" if shown else "not shown" if flag is None else "ADDL INSD not marked",
                clause=requirement.clause_for("additional_insured"),
            )
