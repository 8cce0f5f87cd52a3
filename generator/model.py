"""The content model: one pydantic model per YAML file, strict and frozen.

Every field has a description; they feed the JSON Schema and the docs. Values arrive as
strings from the strict loader (see ``load.py``) and are typed here.

Over 300 lines on purpose: the whole content format in one file, field types first, then one
model per YAML file, so an editor of the format sees all of it (docs/content-format.md and the
JSON Schema are generated from, or checked against, these descriptions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import chars, dates, languages, urls
from .errors import Refusal

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)


def is_slug(value: str) -> bool:
    """The id rule (briefing folders, every id): lowercase letters and digits in groups joined
    by single hyphens. A whole match: ``$`` alone would let a final newline through."""
    return _SLUG.fullmatch(value) is not None


def _slug(value: Any) -> Any:
    if isinstance(value, str) and not is_slug(value):
        raise ValueError(f"{value!r} is not a valid id: use lowercase letters, digits and "
                         "single hyphens (for example kim-jong-un)")
    return value


def _count(value: Any) -> Any:
    if isinstance(value, str):
        digits = value.strip()
        if re.fullmatch(r"[0-9]{13,}", digits):
            raise ValueError(f"'{value}' is too large: a count has at most 12 digits")
        if not re.fullmatch(r"[0-9]{1,12}", digits):
            raise ValueError(f"'{value}' is not a whole number; write digits only, e.g. 12000")
        return int(value)
    return value


def _fuzzy(value: Any) -> Any:
    return value if isinstance(value, dates.FuzzyDate) else dates.FuzzyDate.parse(value)


def _dated(value: dates.FuzzyDate) -> dates.FuzzyDate:
    if value.precision is dates.Precision.UNDATED:
        raise Refusal("'undated' is allowed only for a timeline event's date",
                      "give the date at the precision the sources state (2025, late 2024)")
    return value


def _day(value: dates.FuzzyDate) -> dates.FuzzyDate:
    if value.precision is not dates.Precision.DAY:
        raise ValueError(f"'{value.text}' must be a day, e.g. 2025-04-28")
    return value


def _url(value: str) -> str:
    _refuse_hidden(value, invisible=True)
    urls.check_url(value)
    return value


def _refuse_hidden(value: str, *, invisible: bool = False) -> None:
    """Refuse characters that would be shown reordered or not at all, naming the code point
    (the definition is ``chars.hidden``).

    ``invisible``: no format character at all (URLs), not even joiners.
    """
    at = chars.hidden(value, strict=invisible)
    if at is not None:
        char = value[at]
        raise ValueError(f"contains {chars.describe(char)} (character {at + 1}), "
                         f"{chars.why(char)}; remove it")


MAX_TEXT = 20_000


def _text(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("must not be blank")
        if len(value) > MAX_TEXT:  # pydantic would say "at most 20000 items" of a text
            raise ValueError(f"text is too long ({len(value):,} characters; the limit is "
                             f"{MAX_TEXT:,})")
        _refuse_hidden(value)
    return value


MAX_REFS = 100  # ids in one reference list (citations, actors, estimators, quotes)
MAX_ITEMS = 10_000  # items in one list of facts, sources or estimates

Slug = Annotated[str, BeforeValidator(_slug), WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN})]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=MAX_TEXT)]
Count = Annotated[int, BeforeValidator(_count), Field(ge=0),
                  WithJsonSchema({"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 0})]
_DATE_TEXT = {"type": "string", "pattern": dates.PATTERN, "description": (
    "2025-04-28 (day), 2025-04 (month), fall 2024 (season), 2025 (year), optionally early/mid/"
    "late (late 2024); undated for an event the sources do not date")}
_DAY_TEXT = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_DATE_SCHEMA = {"oneOf": [_DATE_TEXT, {
    "type": "object", "additionalProperties": False, "required": ["in"],
    "anyOf": [{"required": ["before"]}, {"required": ["after"]}],
    "description": "A date with an editor's bounds: it falls strictly before/after these days.",
    "properties": {"in": _DATE_TEXT, "before": _DAY_TEXT, "after": _DAY_TEXT}}]}
EventDate = Annotated[
    dates.FuzzyDate, BeforeValidator(_fuzzy), PlainSerializer(dates.FuzzyDate.raw),
    WithJsonSchema(_DATE_SCHEMA),
]
FuzzyDate = Annotated[EventDate, AfterValidator(_dated)]
Day = Annotated[FuzzyDate, AfterValidator(_day), WithJsonSchema(_DAY_TEXT)]
Url = Annotated[str, AfterValidator(_url), WithJsonSchema({
    "type": "string", "format": "uri", "maxLength": urls.MAX_URL,
    "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@\\]+([/?#][^\s\\]*)?$"})]

SITE_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@\\]+(/[^\s\\?#]*)?$"


def _site_url(value: str) -> str:
    """The site's address is a base every exported link is built on: no ?query, no #fragment."""
    for char, what in (("?", "a ?query"), ("#", "a #fragment")):
        if char in value:
            base = value.split("?")[0].split("#")[0]
            raise Refusal(f"{value!r} has {what}, which would end up in the middle of "
                          "every exported link", f"write only the address the site is published "
                                                 f"at, e.g. {base}")
    return value


SiteUrl = Annotated[str, AfterValidator(_url), AfterValidator(_site_url), WithJsonSchema({
    "type": "string", "format": "uri", "maxLength": urls.MAX_URL, "pattern": SITE_URL_PATTERN})]


def _flag(value: Any) -> Any:
    """Only ``true`` or ``false``: no ``yes``, ``1`` or ``on`` guessed into a boolean."""
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise Refusal(f"'{value}' is not true or false", "write true or false")
        return value == "true"
    return value


Flag = Annotated[bool, BeforeValidator(_flag), WithJsonSchema({"enum": [True, False, "true", "false"]})]
Language = Annotated[str, AfterValidator(languages.check_language),
                     WithJsonSchema({"type": "string", "enum": list(languages.LANGUAGES)})]
LangTag = Annotated[str, AfterValidator(languages.check_tag),
                    WithJsonSchema({"type": "string", "pattern": languages.TAG_PATTERN})]


def _needs_lang(value: str | None, info: ValidationInfo) -> str | None:
    """A translation or an original name is only given with ``lang``, the original's language
    (``lang`` is declared before them, so it is in ``info.data`` unless it was refused)."""
    if value is not None and "lang" in info.data and info.data["lang"] is None:
        raise Refusal(f"{info.field_name} needs the language of the original",
                      "add lang: with its BCP 47 tag, e.g. lang: ko")
    return value


@dataclass(frozen=True)
class Ref:
    """Marks an id field as a reference to an item of a list elsewhere in the briefing.

    ``generator/walk.py`` finds every reference from these marks and ``verify.py`` checks it
    names a known id, no file name involved. A list of references names each id once.

    Attributes:
        kind: The kind referred to: the lowercased class name of the items with that id.
        keyed: The referring item stands for its id in its own list, so the list holds one
            item per id. (Citations are not keyed: one source may be cited again with another
            excerpt, checked by ``verify.repeated_citations``.)
    """

    kind: str
    keyed: bool = False


SourceRef = Annotated[Slug, Ref("source")]
ActorRef = Annotated[Slug, Ref("actor")]
QuoteRef = Annotated[Slug, Ref("quote")]


class Model(BaseModel):
    """Base of every content model: unknown fields are errors, instances are immutable.

    Attributes:
        CITED_VERBATIM: Name of the text field whose words every citation of the item must
            contain verbatim (a quote's text), or None.
        CLAIM: Name of the field shown to readers as a reported fact, whose numbers, dates and
            actors its cited passages must state (see ``claim``), or None.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, str_strip_whitespace=False)
    CITED_VERBATIM: ClassVar[str | None] = None
    CLAIM: ClassVar[str | None] = None

    def claim(self) -> tuple[str, str] | None:
        """The field and text whose numbers, dates and actors the cited passages must state
        (``generator/support.py``), or None: not a claim, or marked as analysis."""
        if self.CLAIM is None or getattr(self, "analysis", False):
            return None
        return self.CLAIM, getattr(self, self.CLAIM)

    def claims(self) -> list[tuple[str, str]]:
        """Every (field, text) of the item the support check covers: ``claim()``, if any."""
        stated = self.claim()
        return [] if stated is None else [stated]


class Citation(Model):
    """A pointer from a fact to a stored source, with an optional verified excerpt."""

    source: SourceRef = Field(description="Id of a source in sources.yaml.")
    excerpt: Text | None = Field(
        None, description="Words copied verbatim from the source's stored text; verified at every check.")

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, data: Any) -> Any:
        return {"source": data} if isinstance(data, str) else data


Citations = Annotated[list[Citation], Field(min_length=1, max_length=MAX_REFS, description=(
    "Sources that support this fact (at least one): a source id, or a mapping with source and "
    "excerpt. A source may be cited again with another excerpt (several passages of one source); "
    "the support check takes every passage together."))]


class Status(str, Enum):
    """Publication status of a briefing."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Takeaway(Model):
    """One key takeaway shown on the overview page."""

    CLAIM: ClassVar[str | None] = "text"
    text: Text = Field(description="The takeaway, one sentence.")
    analysis: Flag = Field(False, description=(
        "true: the briefing's own synthesis, which no single cited passage states; shown labelled "
        "as analysis and exempt from the support check."))
    citations: Citations


class ChangelogEntry(Model):
    """One update to the briefing, shown on the overview page and in the Atom feed."""

    date: Day = Field(description="Day of the update (YYYY-MM-DD).")
    summary: Text = Field(description="What changed.")


class BriefingMeta(Model):
    """briefing.yaml: the briefing's metadata."""

    CLAIM: ClassVar[str | None] = "summary"  # supported by any passage the briefing cites

    title: Text = Field(description="Headline of the briefing.")
    lede: Text | None = Field(None, description=(
        "One sentence of what happened, shown in bold under the headline; without it, the "
        "summary's first sentence. Checked like the summary."))
    summary: Text = Field(description="One-paragraph summary.")
    event_date: FuzzyDate = Field(description="When the event happened.")
    last_updated: Day = Field(description="Day the briefing was last updated (YYYY-MM-DD).")
    status: Status = Field(description="draft (hidden from the published site) or published.")
    takeaways: list[Takeaway] = Field(default_factory=list, max_length=MAX_ITEMS,
                                      description="Key takeaways, in order.")
    changelog: list[ChangelogEntry] = Field(default_factory=list, max_length=MAX_ITEMS,
                                            description="Updates, newest first.")

    def claims(self) -> list[tuple[str, str]]:
        """The summary and, when set, the lede: both cite nothing and are checked alike."""
        return [("summary", self.summary)] + ([("lede", self.lede)] if self.lede else [])

    @property
    def lede_text(self) -> str:
        """The lede, or the summary's first sentence."""
        return self.lede if self.lede else first_sentence(self.summary)

    @property
    def summary_after_lede(self) -> str:
        """The summary as it reads after the lede: without its first sentence when that is
        the lede (empty when the summary is that one sentence)."""
        if self.lede:
            return self.summary
        return " ".join(self.summary.split())[len(self.lede_text):].strip()


# A sentence ends at . ! or ? (and a closing quote) before a capital or an opening quote, unless
# the word before the stop is an initial (U.S.) or a common abbreviation (Mr., Gen., Jan.).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?(?=\s+[\"'\u201c\u2018(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sgt|Gov|Sen|Rep|Prof|"
                           r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|etc))\.$")


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when no sentence ends before its end)."""
    for end in _SENTENCE_END.finditer(text):
        head = text[:end.end()]
        if not _ABBREVIATION.search(head.rstrip("\"'\u201d\u2019")):
            return " ".join(head.split())
    return " ".join(text.split())


class Source(Model):
    """A stored article. Outlet, author, date and URL only where the text states them."""

    id: Slug = Field(description="Id used by citations.")
    file: Text = Field(description="Stored text, relative to the briefing folder, inside sources/.")
    label: Text = Field(description="Short display name, e.g. 'UPI (Paul Godfrey)'.")
    title: Text | None = Field(None, description="Headline, where the text states one.")
    outlet: Text | None = Field(None, description="Publisher, only where the text states it.")
    author: Text | None = Field(None, description="Author, only where the text states it.")
    published: FuzzyDate | None = Field(None, description="Publication date, only where stated.")
    url: Url | None = Field(None, description="http(s) URL of the original, only where known.")
    notes: Text | None = Field(None, description="What the text says about its own origin.")
    language: LangTag | None = Field(None, description=(
        "Language the stored text is written in, if not the site's (BCP 47 tag, e.g. ko); "
        "exported (briefing.json, JSON-LD inLanguage)."))


class SourcesFile(Model):
    """sources.yaml."""

    sources: list[Source] = Field(min_length=1, max_length=MAX_ITEMS,
                                  description="The briefing's stored sources.")


class ActorKind(str, Enum):
    """What kind of actor."""

    PERSON = "person"
    ORGANISATION = "organisation"
    STATE = "state"


class Prominence(str, Enum):
    """How central an actor is to the story: the order of the Who page."""

    PRINCIPAL = "principal"
    SUPPORTING = "supporting"
    BACKGROUND = "background"


class Actor(Model):
    """A person, organisation or state that appears in the briefing."""

    CLAIM: ClassVar[str | None] = "role"  # who they are in this story is shown as reported fact

    id: Slug = Field(description="Id used by events, figures, quotes and reactions.")
    name: Text = Field(description="Name as readers know it.")
    aliases: list[Text] = Field(default_factory=list, max_length=MAX_REFS, description=(
        "Other names the sources use (Kim, Nato, Zelensky): claims and passages naming the actor "
        "by any of them count as naming it."))
    kind: ActorKind = Field(description="person, organisation or state.")
    role: Text = Field(description="Who they are in this story.")
    affiliation: Text | None = Field(None, description="Organisation they belong to.")
    country: Text | None = Field(None, description="Country they belong to.")
    side: Slug = Field(description="The side the actor is on, e.g. north-korea, ukraine.")
    prominence: Prominence | None = Field(None, description=(
        "principal, supporting or background: the actor's place on the Who page (principals "
        "first, news agencies and bystanders in background). When not set: supporting if an "
        "event, quote, reaction or estimate names the actor, else background."))
    lang: LangTag | None = Field(None, description=(
        "Language of name_original (BCP 47 tag, e.g. ko); required with it."))
    name_original: Text | None = Field(None, description=(
        "The name as written in its own language (e.g. 김정은), shown once on the Who page "
        "with lang set; the checks find the actor by it too, like an alias."))
    citations: Citations

    @field_validator("name_original")
    @classmethod
    def _original_name(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = _needs_lang(value, info)
        if value is not None and info.data.get("lang"):
            languages.check_script(value, info.data["lang"], "name")
        return value


class ActorsFile(Model):
    """actors.yaml."""

    actors: list[Actor] = Field(default_factory=list, max_length=MAX_ITEMS,
                                description="People, organisations, states.")


class OtherDate(Model):
    """Another date a source gives for the same event."""

    date: FuzzyDate = Field(description="The date this source gives.")
    note: Text | None = Field(None, description="How the source puts it.")
    citations: Citations


class Event(Model):
    """One dated event on the timeline."""

    CLAIM: ClassVar[str | None] = "summary"
    id: Slug = Field(description="Event id.")
    date: EventDate = Field(description=(
        "When, at the precision the sources give, with the editor's bounds if any; undated "
        "when the sources give no date."))
    summary: Text = Field(description="What happened.")
    analysis: Flag = Field(False, description=(
        "true: the briefing's own synthesis, which no single cited passage states; shown labelled "
        "as analysis and exempt from the support check."))
    actors: list[ActorRef] = Field(default_factory=list, max_length=MAX_REFS,
                               description="Ids of actors involved.")
    other_dates: list[OtherDate] = Field(default_factory=list, max_length=MAX_ITEMS,
                                         description="Other dates given by other sources.")
    citations: Citations


class TimelineFile(Model):
    """timeline.yaml."""

    events: list[Event] = Field(default_factory=list, max_length=MAX_ITEMS, description="Dated events.")


class Qualifier(str, Enum):
    """How an estimate is qualified in the source: the words before its number or range, shown
    as written ("more than 10,000", "fewer than 2,000", "at least 10,000–12,000")."""

    EXACT = "exact"
    ABOUT = "about"
    UP_TO = "up-to"
    AT_LEAST = "at-least"
    MORE_THAN = "more-than"
    FEWER_THAN = "fewer-than"
    BETWEEN = "between"


QUALIFIER_WORDS = {Qualifier.EXACT: "", Qualifier.ABOUT: "about ", Qualifier.UP_TO: "up to ",
                   Qualifier.AT_LEAST: "at least ", Qualifier.MORE_THAN: "more than ",
                   Qualifier.FEWER_THAN: "fewer than ", Qualifier.BETWEEN: ""}
# Open bounds: the number (or range) is where the estimate starts or stops, not what it is.
ABOVE = (Qualifier.AT_LEAST, Qualifier.MORE_THAN)
BELOW = (Qualifier.UP_TO, Qualifier.FEWER_THAN)


class Estimate(Model):
    """One estimator's number for a metric, as of a date."""

    CLAIM: ClassVar[str | None] = "value"
    id: Slug = Field(description="Estimate id, unique within its figure.")
    value: Count | None = Field(None, description="A single number (or give low and high).")
    low: Count | None = Field(None, description="Lower end of a range.")
    high: Count | None = Field(None, description="Upper end of a range.")
    qualifier: Qualifier = Field(description=(
        "How the source qualifies the number or range, shown as written: exact, about, up-to, "
        "at-least, more-than, fewer-than (\"fewer than\", \"less than\") or between. On a range "
        "the words go before it (\"at least 10,000–12,000\")."))
    estimators: list[ActorRef] = Field(min_length=1, max_length=MAX_REFS,
                                   description="Ids of the actors who estimated it.")
    as_of: FuzzyDate | None = Field(None, description="When the estimate was made, if stated.")
    note: Text | None = Field(None, description="Editor's note on this estimate.")
    citations: Citations

    @model_validator(mode="after")
    def _value_or_range(self) -> Estimate:
        has_range = self.low is not None or self.high is not None
        if self.value is not None and has_range:
            raise ValueError("give either value or low and high, not both")
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("give a value, or both low and high")
        if has_range and self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) is greater than high ({self.high})")
        if self.qualifier is Qualifier.BETWEEN and not has_range:
            raise ValueError("qualifier 'between' needs low and high")
        return self

    def claim(self) -> tuple[str, str] | None:
        """The numbers the cited passages must state, at the field holding the first."""
        if self.value is not None:
            return "value", f"{self.value:,}"
        return "low", f"{self.low or 0:,} and {self.high or 0:,}"

    @property
    def bounds(self) -> tuple[float, float]:
        """The interval the estimate claims, for telling agreement from disagreement."""
        lo, hi = (float(self.low or 0), float(self.high or 0)) if self.value is None else \
            (float(self.value), float(self.value))
        if self.qualifier in ABOVE:
            return lo, float("inf")
        if self.qualifier in BELOW:
            return 0.0, hi
        return lo, hi

    @property
    def upper(self) -> int:
        """The largest number stated (for chart scales)."""
        return int(self.value if self.value is not None else (self.high or 0))


class Figure(Model):
    """A metric and every estimate of it, kept side by side."""

    id: Slug = Field(description="Figure id.")
    metric: Text = Field(description="What is counted.")
    unit: Text = Field(description="Unit of the numbers, e.g. soldiers.")
    note: Text | None = Field(None, description="Editor's note on the metric.")
    key: Flag = Field(False, description=(
        "true: one of the key numbers at the top of the overview and on the home page (at most "
        "three; when no figure is marked, the first two)."))
    estimates: list[Estimate] = Field(min_length=1, max_length=MAX_ITEMS,
                                      description="Every estimate, never averaged.")

    @property
    def by_date(self) -> list[Estimate]:
        """The estimates in date order (``as_of``; estimates without one last, in file order)."""
        return sorted(self.estimates, key=_as_of_key)

    @property
    def series(self) -> list[list[Estimate]]:
        """Revision series: the dated estimates of each estimator (the same ``estimators``)
        that made more than one, in date order."""
        groups: dict[frozenset[str], list[Estimate]] = {}
        for e in self.by_date:
            if e.as_of is not None:
                groups.setdefault(frozenset(e.estimators), []).append(e)
        return [g for g in groups.values() if len(g) > 1]

    @property
    def current(self) -> list[Estimate]:
        """Every estimate no later estimate by the same estimators supersedes (file order): an
        estimate is superseded only when another of theirs is dated entirely after it."""
        dated: dict[frozenset[str], list[dates.FuzzyDate]] = {}
        for e in self.estimates:
            if e.as_of is not None:
                dated.setdefault(frozenset(e.estimators), []).append(e.as_of)
        return [e for e in self.estimates if e.as_of is None or not any(
            e.as_of.precedes(d) for d in dated[frozenset(e.estimators)])]

    @property
    def disagrees(self) -> bool:
        """True when different estimators' current estimates, or two estimates for the same
        period, claim intervals that do not overlap (a revision is not a disagreement)."""
        same_period: dict[tuple[Any, Any], list[Estimate]] = {}
        for e in self.estimates:
            if e.as_of is not None:
                same_period.setdefault(e.as_of.span, []).append(e)
        return any(_apart(g) for g in [self.current, *same_period.values()])


def _apart(estimates: list[Estimate]) -> bool:
    """True when two of the estimates claim intervals that do not overlap."""
    spans = [e.bounds for e in estimates]
    return len(spans) > 1 and max(lo for lo, _ in spans) > min(hi for _, hi in spans)


def _as_of_key(e: Estimate) -> tuple[int, int, int]:
    return (1, 0, 0) if e.as_of is None else (0, *e.as_of.sort_key)


class FiguresFile(Model):
    """figures.yaml."""

    figures: list[Figure] = Field(default_factory=list, max_length=MAX_ITEMS,
                                  description="Metrics with their estimates.")


class Quote(Model):
    """A direct quotation, verified verbatim against each cited source."""

    CITED_VERBATIM: ClassVar[str | None] = "text"
    id: Slug = Field(description="Quote id.")
    speaker: ActorRef = Field(description="Id of the actor quoted.")
    text: Text = Field(description="The exact words, without surrounding quotation marks.")
    attribution: Text | None = Field(None, description=(
        "How the cited sources attribute the words when none names the speaker beside them, "
        "as the source puts it (e.g. \"the statement said\"); shown with the quote. Without "
        "it, the speaker's name or an alias must occur near the words in a cited source."))
    context: Text = Field(description="When, where and to whom it was said.")
    date: FuzzyDate | None = Field(None, description="When it was said, if stated.")
    lang: LangTag | None = Field(None, description=(
        "Language of text when it is not the site's (BCP 47 tag, e.g. ko): set as lang on the "
        "page. text stays the original, verified word for word."))
    translation: Text | None = Field(None, description=(
        "The words translated into the site's language, shown labelled as a translation; "
        "needs lang. Never verified and never read by the support or attribution checks: "
        "the original is what the sources state."))
    citations: Citations

    @field_validator("lang")
    @classmethod
    def _lang_fits_text(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and isinstance(info.data.get("text"), str):
            languages.check_script(info.data["text"], value)
        return value

    @field_validator("translation")
    @classmethod
    def _translated(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _needs_lang(value, info)


class QuotesFile(Model):
    """quotes.yaml."""

    quotes: list[Quote] = Field(default_factory=list, max_length=MAX_ITEMS, description="Direct quotations.")


class Stance(str, Enum):
    """An actor's stance in a reaction."""

    CONDEMNS = "condemns"
    CONCERNED = "concerned"
    DENIES = "denies"
    PRAISES = "praises"
    SUPPORTS = "supports"
    NEUTRAL = "neutral"


class Reaction(Model):
    """How a country or organisation reacted."""

    CLAIM: ClassVar[str | None] = "summary"
    id: Slug = Field(description="Reaction id.")
    actor: ActorRef = Field(description="Id of the reacting actor.")
    stance: Stance = Field(description="condemns, concerned, denies, praises, supports or neutral.")
    summary: Text = Field(description="What they said or did.")
    analysis: Flag = Field(False, description=(
        "true: the briefing's own synthesis, which no single cited passage states; shown labelled "
        "as analysis and exempt from the support check."))
    date: FuzzyDate | None = Field(None, description="When, if stated.")
    quotes: list[QuoteRef] = Field(default_factory=list, max_length=MAX_REFS,
                               description="Ids of quotes in quotes.yaml.")
    citations: Citations


class ReactionsFile(Model):
    """reactions.yaml."""

    reactions: list[Reaction] = Field(default_factory=list, max_length=MAX_ITEMS, description="Reactions.")


FILES: dict[str, type[Model]] = {
    "briefing.yaml": BriefingMeta,
    "sources.yaml": SourcesFile,
    "actors.yaml": ActorsFile,
    "timeline.yaml": TimelineFile,
    "figures.yaml": FiguresFile,
    "quotes.yaml": QuotesFile,
    "reactions.yaml": ReactionsFile,
}
REQUIRED_FILES = ("briefing.yaml", "sources.yaml")
