"""How much one observation may hold: bounds a caseworker would find reasonable, in one place.

Why: intake used to accept anything well-formed, so one valid-looking household of 200 members
with long names became an event over a megabyte that the broker refused, and the record stopped
the pipeline. Each bound below is far above what a real household, form or note needs and far
below what would hurt storage, the broker (1 MB per message) or a caseworker's screen; a value
over a bound is refused at intake (422, naming the field), never truncated.

With every bound at its maximum, the largest envelope (a registration of `MAX_MEMBERS` members,
every identifier and text field full) is about 17 KB of JSON: a household's events stay small.

`domain.households.observations` reads these; the synthetic district (`api.cli.demo.synthetic`) stays well inside them.
"""

from __future__ import annotations

# --- people per household ---------------------------------------------------------------------

# Members listed in one `household.registered`. A Chinese household register (户口簿) rarely
# lists more than 10 people and almost never more than 20 (four generations with siblings'
# families); 30 leaves room for the largest family households. Collective registers (集体户: a
# dormitory, a care home) are not assistance households and are not registered here.
MAX_MEMBERS = 30
# Residents listed in one visit's `residents_seen`: one can only see the household's members.
MAX_RESIDENTS_SEEN = MAX_MEMBERS

# --- identifiers --------------------------------------------------------------------------------

# `observation_id`, `informant`, `household`, `resident` (envelope, member, `data.resident`,
# `residents_seen` items), `application`: a UUID is 36 characters, our ids ("H-500103-000046-2",
# "caseworker-500103004") about 20; a gateway's own prefixed ids fit in 64.
MAX_ID = 64
# `grid`: a grid code ("500103001001-02") or a short grid name ("解放碑街道第1社区第3网格").
MAX_GRID = 64
# `id_number` as typed, before spaces and hyphens are removed: 18 characters plus separators
# ("420503 19580412 1211", "420503-1958-0412-1211"). Longer input is not an ID number.
MAX_ID_NUMBER_INPUT = 32

# --- text -------------------------------------------------------------------------------------------

# A person's `name`: Han names are 2–4 characters; the longest real ones are transliterated
# minority or foreign names with the middle dot (e.g. "阿不都热合曼·买买提依明", ~12), and
# compound names of 20–30 characters exist; 50 holds them all.
MAX_NAME = 50
# `address`: province, city, district, street, community, building, unit and room, in full, is
# under 60 characters; rural addresses with group and landmark descriptions under 100.
MAX_ADDRESS = 200
# `condition` of an illness report: a diagnosis ("恶性肿瘤", "脑卒中后遗症") or a short
# description; it is also the key under which a later report of the same condition supersedes
# an earlier one, so it is a name, not a case history.
MAX_CONDITION = 200
# Free text a caseworker writes: visit and hardship `note`, suspension and decision `reason`.
# 2000 characters is a full page of Chinese: enough for any note; a case file belongs elsewhere.
MAX_NOTE = 2000

# --- numbers ----------------------------------------------------------------------------------------

# Every money field (income, assets, expenses, losses, monthly amounts, payments), in yuan.
# 100 million yuan (1 亿元) is absurd for any household that assistance concerns (it is some
# 10,000 years of a dibao standard), so anything above it is a typing error (extra zeros, an
# amount in fen); it also keeps every amount exact to the fen as a float.
MAX_MONEY = 100_000_000.0
# `motor_vehicles` and `extra_properties` (dwellings beyond the one lived in): a household owning
# more than a few is far from any assistance line; 100 can only be a typing error.
MAX_COUNT = 100

# --- requests --------------------------------------------------------------------------------------

# Observations in one batch (`{"observations": [...]}`). The HTTP endpoint enforces this
# (api/http/routes/observations.py reads it from here); gateways send a few hundred at a time.
MAX_BATCH = 5000
