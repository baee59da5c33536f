"""The what-if model's editable assumptions: incident-type classes, effect sizes and current coverage.

Defaults live in committed CSVs under data/reference/ (every row cited or labelled 'assumption' with a rationale).
The page edits a copy; these functions validate whatever table they are given, so an edited copy is checked exactly
like the committed file. Coverage and effect sizes are fractions (0-1) throughout the API; only the page and the
CLI's messages speak in percent.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from govdata import settings, vocabulary

CLASSES: tuple[str, ...] = ("human-error disclosure", "phishing/social engineering", "other cyber", "other non-cyber")
LATE_REPORTING = "late reporting"  # outcome name for the share reported after 72 hours
OUTCOMES: tuple[str, ...] = CLASSES + (LATE_REPORTING,)
INTERVENTIONS: tuple[str, ...] = ("training", "dpo")
INTERVENTION_LABELS = {
    "training": "Training before system access",
    # public authorities must have a DPO (UK GDPR Art. 37, since 25 May 2018): the lever is an
    # effective, adequately resourced one (Art. 38), not the designation itself
    "dpo": "Effective, adequately resourced DPO",
}
BASES = ("published", "assumption")
# Current-coverage defaults may also be a published figure from a related population (labelled as such).
COVERAGE_BASES = ("published", "published proxy", "assumption")
ANY_CATEGORY = "any"
# A class for an incident type missing from the mapping, by its recorded category.
FALLBACK_CLASS = {"Cyber": "other cyber", "Non Cyber": "other non-cyber"}

CLASS_MAPPING_CSV = settings.REFERENCE_DIR / "incident_type_classes.csv"
EFFECTS_CSV = settings.REFERENCE_DIR / "scenario_effects.csv"
COVERAGE_CSV = settings.REFERENCE_DIR / "coverage_defaults.csv"

EFFECT_COLUMNS = ("intervention", "outcome", "low", "mode", "high", "basis", "source", "url", "rationale")
# An effect of 1 would mean a trained/DPO organisation never has the incident, which the observed baseline
# contradicts whenever current coverage is 1; effects below -1 (more than doubling) are outside the model's use.
EFFECT_MIN, EFFECT_MAX = -1.0, 0.99


class ScenarioInputError(ValueError):
    """Bad model input; str(error) is one line fit to show a user."""


# ---------------------------------------------------------------- incident-type classes


def load_class_mapping(path: Path = CLASS_MAPPING_CSV) -> pd.DataFrame:
    """The incident type -> class mapping, validated (columns incident_type, incident_category, class, rationale)."""
    frame = _read_csv(path, ("incident_type", "incident_category", "class", "rationale"))
    for i, row in frame.iterrows():
        line = i + 2
        if row["class"] not in CLASSES:
            raise ScenarioInputError(
                f"Unknown class {row['class']!r} in {path}, row {line}, column 'class'; "
                f"expected one of {list(CLASSES)}."
            )
        if row["incident_category"] not in (ANY_CATEGORY,) + vocabulary.INCIDENT_CATEGORIES:
            raise ScenarioInputError(
                f"Unknown incident_category {row['incident_category']!r} in {path}, row {line}; expected 'any', "
                f"'Cyber' or 'Non Cyber'."
            )
        if not str(row["rationale"]).strip():
            raise ScenarioInputError(f"Missing rationale in {path}, row {line}, column 'rationale'.")
    keys = frame[["incident_type", "incident_category"]].apply(tuple, axis=1)
    dup = keys[keys.duplicated()]
    if len(dup):
        raise ScenarioInputError(f"Incident type {dup.iloc[0]!r} is mapped twice in {path}, row {dup.index[0] + 2}.")
    return frame


def classify(incident_type: str, incident_category: str, mapping: pd.DataFrame | dict) -> tuple[str, bool]:
    """(class, mapped) for one incident type; unmapped types fall back to their category's 'other' class."""
    lookup = mapping if isinstance(mapping, dict) else mapping_lookup(mapping)
    for key in ((incident_type, incident_category), (incident_type, ANY_CATEGORY)):
        if key in lookup:
            return lookup[key], True
    return FALLBACK_CLASS.get(incident_category, "other non-cyber"), False


def mapping_lookup(mapping: pd.DataFrame) -> dict[tuple[str, str], str]:
    """{(incident_type, incident_category or 'any'): class} for fast classification."""
    return {(t, c): k for t, c, k in zip(mapping["incident_type"], mapping["incident_category"], mapping["class"])}


# ---------------------------------------------------------------- effect sizes


@dataclass(frozen=True)
class EffectArrays:
    """Effect sizes as arrays over OUTCOMES (classes then late reporting): shape (2 interventions, 5 outcomes)."""

    low: object
    mode: object
    high: object


def load_effects(path: Path = EFFECTS_CSV) -> pd.DataFrame:
    """The committed default effect sizes, validated (re-read when the file changes)."""
    return _by_file(path, lambda p: validate_effects(_read_csv(p, EFFECT_COLUMNS), where=str(p)))


_FILE_CACHE: dict[tuple, pd.DataFrame] = {}


def _by_file(path: Path, load) -> pd.DataFrame:
    """`load(path)`, run again only when the file changes (its mtime or size): a page run reads these reference
    tables many times. Each caller gets its own copy; errors are never cached."""
    stat = Path(path).stat() if Path(path).exists() else None
    key = (str(path), stat.st_mtime_ns if stat else None, stat.st_size if stat else None)
    if key not in _FILE_CACHE:
        for old in [k for k in _FILE_CACHE if k[0] == key[0]]:
            del _FILE_CACHE[old]
        _FILE_CACHE[key] = load(path)
    return _FILE_CACHE[key].copy()


def validate_effects(frame: pd.DataFrame, where: str = "the assumptions table") -> pd.DataFrame:
    """Check an (possibly user-edited) effects table; returns a clean copy ordered by intervention and outcome.

    Needs exactly one row per intervention x outcome; low <= mode <= high, each within [-1, 0.99].
    """
    missing = [c for c in ("intervention", "outcome", "low", "mode", "high") if c not in frame.columns]
    if missing:
        raise ScenarioInputError(f"{where} lacks column(s) {missing}.")
    frame = frame.copy().reset_index(drop=True)
    for column in EFFECT_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    for column in ("basis", "source", "url", "rationale"):
        frame[column] = frame[column].fillna("").astype(str)
    seen = set()
    numbers = {"low": [], "mode": [], "high": []}
    for i, row in enumerate(frame.to_dict(orient="records")):
        label = f"{where}, row {i + 1} ({row['intervention']} / {row['outcome']})"
        if row["intervention"] not in INTERVENTIONS:
            raise ScenarioInputError(
                f"Unknown intervention {row['intervention']!r} in {where}, row {i + 1}; "
                f"expected one of {list(INTERVENTIONS)}."
            )
        if row["outcome"] not in OUTCOMES:
            raise ScenarioInputError(
                f"Unknown outcome {row['outcome']!r} in {where}, row {i + 1}; expected one of {list(OUTCOMES)}."
            )
        values = {}
        for column in ("low", "mode", "high"):
            try:
                value = float(row[column])
            except (TypeError, ValueError):
                raise ScenarioInputError(f"{label}: '{column}' is {row[column]!r}, not a number.") from None
            if value != value:
                raise ScenarioInputError(f"{label}: '{column}' is empty.")
            if not EFFECT_MIN <= value <= EFFECT_MAX:
                raise ScenarioInputError(
                    f"{label}: '{column}' is {value:g}; an effect (relative risk reduction) "
                    f"must be between {EFFECT_MIN:g} and {EFFECT_MAX:g}."
                )
            values[column] = value
        if values["low"] > values["high"]:
            raise ScenarioInputError(f"{label}: low {values['low']:g} is greater than high {values['high']:g}.")
        if not values["low"] <= values["mode"] <= values["high"]:
            raise ScenarioInputError(
                f"{label}: most likely {values['mode']:g} is outside [{values['low']:g}, {values['high']:g}]."
            )
        key = (row["intervention"], row["outcome"])
        if key in seen:
            raise ScenarioInputError(f"{label}: a second row for the same intervention and outcome.")
        seen.add(key)
        for column, value in values.items():
            numbers[column].append(value)
    absent = [f"{a} / {o}" for a in INTERVENTIONS for o in OUTCOMES if (a, o) not in seen]
    if absent:
        raise ScenarioInputError(f"{where} has no row for: {', '.join(absent)}.")
    for column, values in numbers.items():
        frame[column] = values
    # Anything not marked 'published' is treated as an assumption.
    frame["basis"] = ["published" if b == "published" else "assumption" for b in frame["basis"]]
    order = {(a, o): n for n, (a, o) in enumerate((a, o) for a in INTERVENTIONS for o in OUTCOMES)}
    frame["_order"] = [order[(a, o)] for a, o in zip(frame["intervention"], frame["outcome"])]
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)[list(EFFECT_COLUMNS)]


def effect_arrays(effects: pd.DataFrame) -> EffectArrays:
    """Validated effects table -> low/mode/high arrays of shape (2, len(OUTCOMES)): [training, dpo] x outcome."""
    import numpy as np

    shape = (len(INTERVENTIONS), len(OUTCOMES))
    out = {c: np.asarray(effects[c].to_numpy(dtype=float)).reshape(shape) for c in ("low", "mode", "high")}
    return EffectArrays(out["low"], out["mode"], out["high"])


# ---------------------------------------------------------------- current coverage


@dataclass(frozen=True)
class CoverageDefault:
    """Current coverage for one measure of one sector, with where it comes from."""

    measure: str  # 'training' | 'dpo'
    value: float
    basis: str  # 'published' | 'published proxy' (a related population's figure) | 'assumption'
    source: str
    url: str
    rationale: str
    sector_specific: bool  # False: the '*' placeholder row applied to a sector without its own figure
    data_date: str = ""  # when the figure was measured (fieldwork), '' for an assumption

    @property
    def is_published(self) -> bool:
        return self.basis in ("published", "published proxy")

    @property
    def basis_label(self) -> str:
        return {
            "published": "published figure",
            "published proxy": "published proxy (a related population's figure, not this sector's own)",
        }.get(self.basis, "ASSUMPTION")


def load_coverage_defaults(path: Path = COVERAGE_CSV) -> pd.DataFrame:
    """The current-coverage defaults, validated (re-read when the file changes)."""
    return _by_file(path, _validated_coverage)


def _validated_coverage(path: Path) -> pd.DataFrame:
    frame = _read_csv(path, ("sector", "measure", "value", "basis", "source", "url", "data_date", "rationale"))
    for i, row in frame.iterrows():
        if row["measure"] not in INTERVENTIONS:
            raise ScenarioInputError(f"Unknown measure {row['measure']!r} in {path}, row {i + 2}, column 'measure'.")
        if row["basis"] not in COVERAGE_BASES:
            raise ScenarioInputError(
                f"Unknown basis {row['basis']!r} in {path}, row {i + 2}, column 'basis'; "
                f"expected one of {list(COVERAGE_BASES)}."
            )
        if row["basis"] != "assumption" and not (row["url"].startswith("http") and row["data_date"].strip()):
            raise ScenarioInputError(f"A published default needs a url and a data_date ({path}, row {i + 2}).")
        check_coverage(row["value"], f"{path}, row {i + 2}, column 'value'")
    keys = frame[["sector", "measure"]].apply(tuple, axis=1)
    if keys.duplicated().any():
        raise ScenarioInputError(
            f"Sector and measure {keys[keys.duplicated()].iloc[0]!r} appear twice in {path}, "
            f"row {keys[keys.duplicated()].index[0] + 2}."
        )
    return frame


def coverage_default(sector: str, measure: str, table: pd.DataFrame | None = None) -> CoverageDefault:
    """The sector's current coverage for `measure`, else the '*' placeholder (always labelled assumption)."""
    table = load_coverage_defaults() if table is None else table
    for key, specific in ((sector, True), ("*", False)):
        rows = table[(table["sector"] == key) & (table["measure"] == measure)]
        if len(rows):
            r = rows.iloc[0]
            return CoverageDefault(
                measure,
                float(r["value"]),
                r["basis"] if specific else "assumption",
                str(r["source"]),
                str(r["url"]),
                str(r["rationale"]),
                specific,
                str(r["data_date"]),
            )
    raise ScenarioInputError(f"No coverage default for {measure!r} (sector {sector!r} or '*') in {COVERAGE_CSV}.")


def check_coverage(value, what: str) -> float:
    """A coverage as a fraction in [0, 1]; anything else is a ScenarioInputError naming `what`."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScenarioInputError(f"{what} is {value!r}, not a number.") from None
    if not 0.0 <= number <= 1.0:
        raise ScenarioInputError(f"{what} is {number:g}; coverage must be a fraction between 0 and 1 (0% to 100%).")
    return number


def close_matches(value: str, choices) -> list[str]:
    """Up to three choices that look like `value` (case-insensitive), for 'did you mean' messages."""
    lowered = {c.lower(): c for c in choices}
    needle = value.strip().lower()
    hits = difflib.get_close_matches(needle, list(lowered), n=3, cutoff=0.5)
    hits += [c for c in lowered if needle and (needle in c or c in needle) and c not in hits]
    return [lowered[h] for h in hits][:3]


def _read_csv(path: Path, columns) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ScenarioInputError(f"Reference file {path} is missing.") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ScenarioInputError(f"Reference file {path} lacks column(s) {missing}.")
    return frame


# ---------------------------------------------------------------- compact encoding of edited effects (for URLs)

INTERVENTION_CODES = {"training": "t", "dpo": "d"}
OUTCOME_CODES = {
    "human-error disclosure": "he",
    "phishing/social engineering": "ph",
    "other cyber": "oc",
    "other non-cyber": "on",
    LATE_REPORTING: "lr",
}
EDITED_RATIONALE = "Edited by the user (was {low:g} / {mode:g} / {high:g})."
# 10 codes x 'the:-0.123456,-0.123456,-0.123456' fit in 400 characters; anything longer is not from the page.
MAX_EFFECTS_TEXT = 400


def encode_effects(effects: pd.DataFrame, defaults: pd.DataFrame) -> str:
    """Only the rows that differ from `defaults`, as 'the:0,0.2,0.4;dlr:0,0.3,0.5' ('' when none differ)."""
    base = defaults.set_index(["intervention", "outcome"])
    parts = []
    for row in validate_effects(effects).itertuples():
        d = base.loc[(row.intervention, row.outcome)]
        values = (row.low, row.mode, row.high)
        if any(abs(a - float(b)) > 1e-12 for a, b in zip(values, (d["low"], d["mode"], d["high"]))):
            code = INTERVENTION_CODES[row.intervention] + OUTCOME_CODES[row.outcome]
            parts.append(code + ":" + ",".join(f"{v:.6g}" for v in values))
    return ";".join(parts)


def decode_effects(text: str, defaults: pd.DataFrame) -> pd.DataFrame:
    """`defaults` with the overrides in `text` applied (edited rows relabelled as user assumptions)."""
    frame = defaults.copy().reset_index(drop=True)
    if not text:
        return frame
    by_code = {INTERVENTION_CODES[a] + OUTCOME_CODES[o]: (a, o) for a in INTERVENTIONS for o in OUTCOMES}
    if len(text) > MAX_EFFECTS_TEXT:
        raise ScenarioInputError(
            f"The edited assumptions are {len(text):,} characters long; at most {MAX_EFFECTS_TEXT} are accepted."
        )
    parts = text.split(";")
    if len(parts) > len(by_code):
        raise ScenarioInputError(f"{len(parts)} edited assumptions given; there are only {len(by_code)}.")
    lows, modes, highs = list(frame["low"]), list(frame["mode"]), list(frame["high"])
    bases, rationales = list(frame["basis"]), list(frame["rationale"])
    seen: set[str] = set()
    for part in parts:
        code, _, numbers = part.partition(":")
        if code not in by_code:
            raise ScenarioInputError(f"Unknown assumption code {code[:20]!r}; expected one of {sorted(by_code)}.")
        if code in seen:
            raise ScenarioInputError(f"Assumption {code!r} is edited twice.")
        seen.add(code)
        try:
            low, mode, high = (float(x) for x in numbers.split(","))
        except ValueError:
            raise ScenarioInputError(
                f"Assumption {code!r} needs three numbers low,mode,high; got {numbers[:60]!r}."
            ) from None
        a, o = by_code[code]
        i = frame.index[(frame["intervention"] == a) & (frame["outcome"] == o)][0]
        rationales[i] = EDITED_RATIONALE.format(low=lows[i], mode=modes[i], high=highs[i])
        lows[i], modes[i], highs[i], bases[i] = low, mode, high, "assumption"
    frame["low"], frame["mode"], frame["high"] = lows, modes, highs
    frame["basis"], frame["rationale"] = bases, rationales
    return validate_effects(frame, where="the edited assumptions")
