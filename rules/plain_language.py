"""The published rules in plain words: what each rule looks for, and what each parameter means.

For the catalog page and the alert page, so that a resident or a caseworker can read why the
system asks about them. The wording follows RULES.md; every rule of the catalog and every
parameter name has an entry (a test checks it).
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
