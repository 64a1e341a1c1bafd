"""The published rules in plain words: what each rule looks for, the choices made where the policy was
silent, and what each parameter means.

For the catalog page and the alert page, so that a resident or a caseworker can read why the
system asks about them. The wording follows RULES.md; every rule of the catalog and every
parameter name has an entry (a test checks it). The choices (`Rule.choices`, written in English beside
the code) are keyed by the English text itself, so a changed choice shows its English until it is
translated again (a test lists every untranslated one). The Chinese sentences name rules by their titles
and parameters by their names, never by id or key: the catalog cites those beside them, in a `<code>`.
Rule titles are on each rule; the vocabulary's words are in `domain.labels`.
"""

from __future__ import annotations

from domain.policy.declarations import LABELS

LOOKS_FOR: dict[str, tuple[str, str]] = {
    "NEED.URGENT_HARDSHIP": ("家庭报告了需要立即解决的生活困难，但在报告之后还没有临时救助的纳入或申请。",
                             "An immediate hardship was reported and no temporary assistance was enrolled or applied "
                             "for since."),
    "NEED.EMERGENCY": ("近期发生突发事件，家庭人均收入低于低保标准（或事件是主要劳动力丧失、突发重病），事件后还没有临时救助。",
                       "A recent emergency, with per-capita income under the dibao standard (or a lost breadwinner or "
                       "sudden illness), and no temporary assistance since."),
    "NEED.CHILD_WITHOUT_CARER": ("未成年人所在家庭没有任何 18 周岁以上的共同生活成员。",
                                 "A child whose household has no living member aged 18 or over."),
    "NEED.SCHOOL_DROPOUT": ("义务教育年龄的孩子辍学或未入学。", "A child of compulsory-school age who dropped out or "
                            "is not enrolled."),
    "NEED.ELDERLY_NOT_ON_ROSTER": ("老年人独居、空巢、留守、计生特殊家庭、失能或重度残疾，却未纳入探访关爱。",
                                   "An older person living alone, empty-nest, left behind, in a special family, dependent "
                                   "or severely disabled, who is not on the visiting roster."),
    "MISSED.DIBAO": ("家庭人均月收入低于低保标准、财产符合条件，却没有纳入低保。",
                     "Per-capita income under the dibao standard, assets within limits, and no dibao."),
    "MISSED.DIBAO_SINGLE_MEMBER": ("家庭收入在低保标准与低保边缘线之间，成员重度残疾或患重病，却未单独纳入低保。",
                                   "Income between the standard and the edge line, a member severely disabled or "
                                   "seriously ill, and no dibao for them."),
    "MISSED.TEKUN": ("无劳动能力、无收入来源、无法定赡养抚养扶养能力人的居民，未纳入特困供养。",
                     "A resident unable to work, without income or a capable supporter, not on extreme-poverty support."),
    "MISSED.LOW_INCOME_EDGE": ("家庭人均收入在低保标准与低保边缘线之间，未认定为低保边缘家庭。",
                               "Income between the dibao standard and the edge line, not recognised as low-income edge."),
    "MISSED.RIGID_EXPENDITURE": ("近 12 个月医疗、教育、康复支出超过家庭收入的规定比例，未认定为刚性支出困难家庭。",
                                 "Medical, education and rehabilitation costs over the last 12 months above the set share "
                                 "of income, not recognised as a rigid-expenditure household."),
    "MISSED.DISABILITY_LIVING_SUBSIDY": ("持证残疾人所在家庭享受低保（或低保边缘），本人未领困难残疾人生活补贴。",
                                         "A certified disabled person in a dibao (or edge) household without the living "
                                         "subsidy."),
    "MISSED.DISABILITY_CARE_SUBSIDY": ("持证一、二级残疾人（或本地规定的智力、精神残疾等级）未领重度残疾人护理补贴。",
                                       "A certified grade 1-2 disabled person (or a listed intellectual or mental grade) "
                                       "without the care subsidy."),
    "MISSED.ELDERLY_ALLOWANCE": ("达到高龄津贴年龄的本地户籍老人未领高龄津贴。",
                                 "A local resident old enough for the old-age allowance who does not receive it."),
    "MISSED.ORPHAN": ("父母双方均死亡或失踪的未成年人，未领孤儿基本生活费。",
                      "A child whose parents are both dead or missing, without the orphan allowance."),
    "MISSED.DEFACTO_CHILD": ("父母重残、重病、服刑或失踪等，事实上无人抚养的儿童未领基本生活补贴。",
                             "A child whose parents cannot care for them (severe disability, illness, prison, missing) "
                             "without the de-facto child allowance."),
    "MISSED.POVERTY_MONITORING": ("农村家庭收入低于监测标准并有返贫风险，或近期遭遇突发事件，未纳入防止返贫监测。",
                                  "A rural household under the monitoring line with a risk reported, or a recent "
                                  "emergency, not under monitoring."),
    "LAPSED.REVIEW_OVERDUE": ("在享救助超过复核周期没有复核。", "A coverage not reviewed within its interval."),
    "LAPSED.PAYMENT_GAP": ("在享救助连续数月没有发放记录。", "A coverage with no payment for the last months."),
    "LAPSED.EXIT_NEED_PERSISTS": ("低保或特困停保后困难仍在，且没有其他救助接续。",
                                  "Dibao or tekun ended while the need persists, with nothing in its place."),
    "LAPSED.AGE_OUT": ("未成年时纳入的保障即将或已经因满 18 周岁到期，需要衔接并重新评估。",
                       "Coverage entered as a minor reaching the 18th birthday: transition and screen again."),
    "LAPSED.STATUS_EXPIRED": ("刚性支出困难认定已超过有效期，而支出条件仍然成立。",
                              "The rigid-expenditure status expired while the expense condition still holds."),
    "LAPSED.DECEASED_STILL_COVERED": ("居民去世一个多月后仍在享受救助。",
                                      "A resident who died more than a month ago is still covered."),
    "LATE.APPLICATION": ("救助申请超过办理时限仍未作出决定。", "An application undecided past its time limit."),
    "LATE.ELDERLY_VISIT": ("需要探访的老人超过探访周期没有被走访。",
                           "An older person due for visits who was not visited within the interval."),
    "LATE.ALERT_UNHANDLED": ("预警超过签收时限仍无人签收，上报主管。",
                             "An alert not acknowledged in time is escalated to the supervisor."),
}

PARAMETER_LABELS: dict[str, tuple[str, str]] = LABELS  # declared with each parameter


def looks_for(rule_id: str) -> tuple[str, str]:
    return LOOKS_FOR.get(rule_id, (rule_id, rule_id))


def parameter_label(name: str) -> tuple[str, str]:
    return PARAMETER_LABELS.get(name, (name, name))


CHOICES_ZH: dict[str, str] = {
    'A temporary-assistance enrolment (by its start) or application (by its date) on or after the day the hardship was reported meets it; help dated before the report does not.':
        '报告困难当天或之后开始的临时救助（按起始日期）或提出的申请（按申请日期）视为已获救助；报告之前的救助不算。',
    'There is no time window: an immediate hardship stays unmet until help is recorded.':
        '不设时间窗口：紧急困难在记录到救助之前一直视为未获救助。',
    "'Within the last emergency.window_days' is inclusive: an emergency exactly that many days ago counts.":
        '“在突发事件追溯天数内”包含边界：恰好在该天数之前发生的事件也计入。',
    'Each emergency is judged on its own: help dated before a later emergency does not meet it.':
        '每次突发事件单独判断：较早的救助不能抵充之后发生的事件。',
    'Local hukou is not required (temporary assistance is given where the emergency happens).':
        '不要求本地户籍（临时救助由事发地给予）。',
    'With no income report only breadwinner_lost / sudden_illness emergencies hold (unknown is not false).':
        '没有收入报告时，只有“主要劳动力丧失”“突发重病”两类事件成立（未知不等于否）。',
    'Only living current members count as carers: an adult who died or moved out does not.':
        '只有在世且仍共同生活的成员才算照料人：已去世或已迁出的成年人不算。',
    'Compulsory ages are inclusive at both ends: 6–15 is from the 6th birthday to the day before the 16th.':
        '义务教育年龄两端都包含：6–15 岁指从 6 周岁生日起到 16 周岁生日前一天。',
    'A disability of grade 1–2 counts whatever its category and whether or not it is certified.':
        '一、二级残疾不论类别、不论是否持证都计入。',
    'Only a household dibao coverage meets it: a member on dibao alone (单人保) does not cover the others.':
        '只有全户享受低保才算已纳入：单人保不覆盖其他成员。',
    "'Between std and edge_line' is std ≤ pc_income < edge_line, as for MISSED.LOW_INCOME_EDGE.":
        '“在低保标准与边缘线之间”指 低保标准 ≤ 人均收入 < 边缘线，与“符合低保边缘家庭条件未认定”规则相同。',
    'Being on dibao does not meet it: tekun is a separate, fuller programme.':
        '享受低保不等于已纳入特困：特困供养是另一项、保障更全面的制度。',
    'A member on dibao alone (单人保) does not make the household enrolled in dibao: such a household is itself an edge case to recognise.':
        '成员单人保不等于全户已纳入低保：这样的家庭本身就应认定为低保边缘家庭。',
    "'Enrolled in tekun' for this household rule means every living member is on tekun.":
        '对这条家庭规则而言，“已纳入特困”指所有在世成员都享受特困供养。',
    'A member on dibao alone (单人保) qualifies like a member of a dibao household.':
        '单人保的成员与低保家庭成员同样符合条件。',
    'Any certified grade qualifies (RULES.md sets no grade for the living subsidy).':
        '持证的任何残疾等级都符合（生活补贴不设等级要求）。',
    'The certificate is required for the extra intellectual/mental grades too.':
        '本地扩展的智力、精神残疾等级同样要求持证。',
    'The age threshold is reached on the birthday itself.':
        '生日当天即视为达到年龄。',
    "A parent whose status is 'unknown' or was never reported is not absent.":
        '父母情况为“不详”或从未报告的，不视为死亡或失踪。',
    'A parent missing for less than child.missing_months is neither absent nor severe (so the child is not yet de-facto unsupported).':
        '父母失联未满父母失联认定月数的，既不算失踪也不算重残重病等（儿童尚不属于事实无人抚养）。',
    'An emergency within the window counts even if temporary assistance was given (monitoring is a separate need).':
        '窗口期内的突发事件即使已获临时救助也计入（返贫监测是另一项需要）。',
    "A rural risk 'in the last 12 months' is one dated in the 12 months up to the date judged.":
        '“近 12 个月内”的返贫风险指判断日之前 12 个月内发生的。',
    "Overdue from the day after the last review (or start) plus the interval; a dibao coverage with no income report uses the 'stable' interval.":
        '自最近一次复核（或起始）日加上复核周期的次日起算逾期；没有收入报告的低保按“收入稳定”的周期计。',
    'A suspended coverage is still judged; the coverage of a resident who died or left is not (LAPSED.DECEASED_STILL_COVERED speaks for it).':
        '暂停中的保障仍然判断；已去世或已迁出居民的保障不判断（由“已故人员仍在享受保障”规则处理）。',
    'Only calendar months the coverage covered entirely count, both for its age and for the months checked: a coverage started mid-month is first judged on its first full month.':
        '只计保障完整覆盖的自然月（计算时长和检查月份都如此）：月中开始的保障从第一个完整月起判断。',
    'A suspended coverage is not judged (the suspension is itself a decision); a monthly_amount of 0 expects no payment.':
        '暂停中的保障不判断（暂停本身就是一项决定）；月金额为 0 的不要求发放。',
    "Terminations for 'died' or 'moved_away' are not judged, nor is the coverage of a resident who is no longer a member.":
        '因“死亡”或“迁出”停保的不判断，已不是家庭成员的居民的保障也不判断。',
    'The need is judged on the facts as of the date judged, not as of the termination.':
        '困难是否仍在，按判断日的情况认定，而不是停保当日。',
    "Any enrolment in dibao, tekun, low_income_edge or temporary_assistance started since the termination, or still active, meets it (after a personal tekun coverage: the household's or that person's).":
        '停保后开始或仍在享受的低保、特困、低保边缘或临时救助均视为已接续（个人特困停保后：全户或本人的均可）。',
    "'Within notice_days before' means the 18th birthday is at most age_out.notice_days after the date judged.":
        '“在提前提示天数内”指 18 周岁生日距判断日不超过满 18 周岁提前提示天数。',
    'A coverage terminated with a grace period is not judged: the transition has been made.':
        '已带渐退期停保的保障不判断：衔接已经完成。',
    'With no school report the young adult is taken as not in full-time school (errs towards looking).':
        '没有就学报告的，视为不在全日制学校就读（宁可多看一眼）。',
    'Validity runs from the start or, when the status was re-confirmed by a coverage.reviewed, from the last review; it has expired when the date judged is after that date plus rigid.valid_months.':
        '有效期自起始日计算，经复核重新确认的自最近一次复核日计算；判断日晚于该日加上刚性支出认定有效期（月数）即为过期。',
    'A terminated status (even in its grace period) is not judged.':
        '已停止的认定（即使在渐退期内）不判断。',
    "'More than one calendar month ago': the death date plus one calendar month is before the date judged.":
        '“一个多月前”指死亡日期加一个自然月早于判断日。',
    'Programmes without a configured limit (elderly_visiting, rigid_expenditure) are not judged.':
        '未配置办理时限的项目（探访关爱、刚性支出困难家庭）不判断。',
    'For years chinese_calendar does not know yet, Monday to Friday are counted as working days.':
        '节假日安排尚未公布的年份，按周一至周五计工作日。',
    'A decision dated after the date judged leaves the application undecided on that date.':
        '决定日期晚于判断日的，在判断日仍视为未作决定。',
    'Any household.visited counts, whatever its purpose, unless it lists residents_seen without this resident.':
        '任何走访记录都计入，不论目的；但列明了见到的居民而其中没有此人的除外。',
    "With no visit, time runs from the household's registration (made on a visit) or, for a member who joined later, from the joining.":
        '从未走访的，自家庭登记（登记即一次走访）起算；后来加入的成员自加入之日起算。',
    "A disability counts whether or not it is certified; a resident is seriously ill when the latest report of any condition says serious = true (a later report of one condition supersedes only that condition's earlier ones).":
        '残疾不论是否持证都计入；任一病种的最新报告为重病即视为重病（同一病种的新报告只取代该病种的旧报告）。',
    'A coverage in its grace period counts (RULES.md: it is active; a grace period is no reason to keep paying someone who has died); a suspended one counts too.':
        '处于渐退期的保障也计入（规则把渐退期内的保障视为有效；渐退期不是继续向已故者发放的理由）；暂停中的保障同样计入。',
    'A resumed coverage is judged again from its coverage.resumed date, counted as from a start: only complete calendar months after the resumption count, both for its age and for the months checked.':
        '恢复发放的保障从恢复发放之日起重新判断，视同重新开始：只有恢复后的完整自然月才计入，既用于计算保障时长，也用于检查的月份。',
    'rigid.expense_ratio × income is compared unrounded (0.6 × 29,487.96 = 17,692.776, which 17,692.78 exceeds).':
        '刚性支出占收入比例 × 收入按未取整的值比较（0.6 × 29,487.96 = 17,692.776，17,692.78 超过该值）。',
    "Expenses are those dated in (date judged − 12 months, date judged]; income is summed over the 12 calendar months ending with the month judged, each month taking the latest report for the latest period not after it (months before the first reported period take that period's latest report).":
        '支出取日期在（判断日 − 12 个月，判断日] 内的记录；收入为截至判断月的 12 个自然月之和，每月取不晚于该月的最近所属期的最新报告（首个所属期之前的月份取该所属期的最新报告）。',
    "An application of a resident who has died (on or before the date judged) is not judged; a household's application is judged while the household exists.":
        '申请人已去世（在判断日或之前）的申请不再判断；以家庭名义的申请在家庭存在期间照常判断。',
    'Still counted in a household coverage: one active since before the death and not reviewed on or after the death date.':
        '仍计入家庭保障：指去世前已生效、且去世当天及之后未复核的家庭保障。',
}


def choice_text(english: str, lang: str) -> str:
    """A choice in the page's language (its English when no translation is known)."""
    return CHOICES_ZH.get(english, english) if lang == "zh" else english
