"""Intake validation: an envelope becomes a normalised `Observation`, or every problem is named.

Why it is built this way: informants type on phones in the field and gateways send whatever
their forms produce, so a rejection must say *which* field is wrong and *why*, in English and
Chinese, and must list every problem at once (one round trip to fix a form, not ten). Each kind's
`data` is therefore described by a table of field specs (`DATA_FIELDS`, following RULES.md
§ Vocabulary) checked by small reusable checks, rather than by a chain of ifs per kind.

What consumers may rely on in `Observation.data`:

- Only the fields of the kind's vocabulary are kept. Unknown extra keys in `data` (and in the
  envelope) are ignored silently: forward compatibility, so an older server accepts messages
  from a newer client that sends more.
- An optional field that is absent, `null`, or (for a string) blank is OMITTED from `data`,
  never present as `None`: read optional fields with `data.get(name)`. The one default filled
  in is `local_hukou = true` for `household.registered`.
- Dates are `YYYY-MM-DD` strings, periods `YYYY-MM`; money is a float rounded to 2 places (fen);
  counts, grades and intervals are ints (an integral float such as `2.0` is accepted as `2`);
  flags are bools; free text is stripped of surrounding whitespace.
- `id_number` is compacted and upper-case (`x` -> `X`; spaces and hyphens removed).
- `residents_seen` keeps the first occurrence of each id, in the order given.
- Identifiers (`observation_id`, `informant`, `household`, `resident`, member `resident` ids,
  `application`) are kept verbatim; they must be non-empty strings without surrounding spaces.

Dates are judged against the calendar date of `observed_at` in China Standard Time, whatever offset
the sender used (RULES.md § Vocabulary; `2026-02-28T20:00:00Z` was observed on 2026-03-01): an event
date (birth, death, emergency, expense, review, decision, clock tick …) may be at most one day after
it (slack for a phone whose clock or offset is wrong); a departure (`resident.left`) or an illness
must not be after it at all, since what is reported as having happened cannot lie in the future; a
scheduled date (coverage `start`, `grace_until`) at most 366 days after it; a period not after its
month; nothing before 1900-01-01. A `clock.tick` date is an event date: ticking the clock ahead
would fire deadlines early.

What cannot have happened is refused against what is recorded, too: an observation of a household
observed before the household's registration (422 at `observed_at`), and an `application.decided`
for an application never submitted for that household (404 at `data.application`).

Sizes are bounded (`domain.households.intake_limits`, which explains each bound): members per household,
residents seen on a visit, the length of every identifier and text, money and counts. A value over
a bound is refused (422, naming the field: `data.members`, `data.members[3].name`), never cut
short, so that no accepted observation can grow an event past what storage and the broker take.

Resident ID numbers are checked for format, check digit (GB 11643) and embedded birth date, which
must equal `birth_date`. The birth-place lookup of `stdnum.cn.ric.validate` is deliberately not
applied: it requires the region code to have existed in the birth year, which refuses real numbers
issued under today's codes (e.g. 500103 渝中区 or 420503 伍家岗区 for anyone born before the
district was created).

Status of an `InvalidObservation`: 422 when any content is malformed (fix the message first);
otherwise 404 when a household or resident it names is unknown; otherwise 409 (the household is
already registered, or a resident id is already in use).

Where each job lives: `problems` (what a refusal says and its status), `shapes` (what a check accepts,
read by the OpenAPI schemas and the forms), `checks`, `dates` and `composites` (the checks),
`kinds` (each kind's field table), `references` and `chronology` (against what is recorded) and
`envelope` (`parse_observation`, which runs them all).
"""
