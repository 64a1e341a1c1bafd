"""The one vocabulary table: every value a user reads, in Chinese and English, one table per meaning.

A value is labelled by what it means, not by how it is spelt: `partial` is 部分丧失劳动能力 as a labour
capacity and 部分失能 as a care level, `enrolled` is 在校就读 as a school status and 已纳入救助 as an
alert's outcome. So each enumeration of RULES.md § Vocabulary (`domain.vocabulary`), each workflow word
(states, steps, outcomes, roles) and each report word (logs, stages, groupings, the access log's values)
has its own table in `MEANINGS`; the fields of the observations say which table their values take
(`FIELD_MEANINGS`), and so do the rules' facts (`FACT_MEANINGS`). Field names (`FIELD_NAMES`, with the few
that a kind names its own way in `KIND_FIELD_NAMES`), observation kinds (`OBSERVATION_KINDS`), the events
of `domain.event_kinds` and the facts (`FACT_LABELS`) complete it. Rule titles stay with each rule
(`rules.rule.Rule.title_zh`), parameter names with each parameter (`domain.policy.declarations`).

The pages (`api/pages/i18n.py`), the explanations (`rules/explanation.py`) and the validator's messages
read these tables; words that belong to one page stay with the pages.
"""

from __future__ import annotations

from typing import Any

from domain import vocabulary as v
from domain.event_kinds import EVENT_NAMES

Pair = tuple[str, str]  # (Chinese, English)

# Programme id -> (Chinese name, English name), in the order of RULES.md § Programmes.
PROGRAMME_NAMES: dict[str, Pair] = {
    "dibao": ("最低生活保障", "minimum living guarantee"),
    "tekun": ("特困人员救助供养", "extreme-poverty support"),
    "low_income_edge": ("低保边缘家庭", "low-income edge household"),
    "rigid_expenditure": ("刚性支出困难家庭", "rigid-expenditure hardship household"),
    "temporary_assistance": ("临时救助", "temporary assistance"),
    "disability_living_subsidy": ("困难残疾人生活补贴", "living subsidy for disabled people in hardship"),
    "disability_care_subsidy": ("重度残疾人护理补贴", "care subsidy for severely disabled people"),
    "elderly_allowance": ("高龄津贴", "old-age allowance"),
    "orphan_allowance": ("孤儿基本生活费", "orphan allowance"),
    "defacto_child_allowance": ("事实无人抚养儿童基本生活补贴", "allowance for de-facto unsupported children"),
    "elderly_visiting": ("特殊困难老年人探访关爱", "visiting care for elderly people in difficulty"),
    "poverty_monitoring": ("防止返贫监测对象", "return-to-poverty monitoring"),
}

BOOLEAN_WORDS: dict[bool, Pair] = {True: ("是", "yes"), False: ("否", "no")}

# --- the enumerations of RULES.md § Vocabulary, one table each (a test checks them against domain.vocabulary) ---
ENUMERATIONS: dict[str, dict[str, Pair]] = {
    "hukou": {"urban": ("城镇", "urban"), "rural": ("农村", "rural")},
    "sex": {"F": ("女", "female"), "M": ("男", "male")},
    "relation": {"head": ("户主", "head"), "spouse": ("配偶", "spouse"), "child": ("子女", "child"),
                 "parent": ("父母", "parent"), "grandchild": ("孙子女", "grandchild"),
                 "sibling": ("兄弟姐妹", "sibling"), "other": ("其他亲属", "other relative")},
    "join_reason": {"birth": ("出生", "birth"), "marriage": ("婚嫁迁入", "marriage"), "moved_in": ("迁入", "moved in"),
                    "other": ("其他原因", "other")},
    "leave_reason": {"moved_out": ("迁出", "moved out"), "marriage": ("婚嫁迁出", "marriage"),
                     "other": ("其他原因", "other")},
    "income_type": {"stable": ("稳定收入", "stable"), "irregular": ("不稳定收入", "irregular")},
    "income_source": {"declared": ("本人申报", "declared"), "verified": ("已核实", "verified")},
    "expense_kind": {"medical": ("医疗", "medical"), "education": ("教育", "education"),
                     "rehabilitation": ("康复", "rehabilitation")},
    "emergency_kind": {"fire": ("火灾", "fire"), "flood": ("水灾", "flood"), "explosion": ("爆炸", "explosion"),
                       "traffic_accident": ("交通事故", "traffic accident"), "drowning": ("溺水", "drowning"),
                       "injury": ("意外伤害", "injury"), "sudden_illness": ("突发重病", "sudden illness"),
                       "breadwinner_lost": ("主要劳动力丧失", "breadwinner lost"), "disaster": ("自然灾害", "disaster"),
                       "other": ("其他突发事件", "other")},
    "hardship_signal": {"no_food": ("缺少食物", "no food"), "no_heating": ("无法取暖", "no heating"),
                        "unsafe_housing": ("住房不安全", "unsafe housing"), "no_caregiver": ("无人照料", "no caregiver"),
                        "medical_emergency": ("急需就医", "medical emergency"), "other": ("其他困难", "other")},
    "urgency": {"immediate": ("立即", "immediate"), "soon": ("近期", "soon"), "watch": ("持续关注", "watch")},
    "rural_risk": {"unsafe_housing": ("住房不安全", "unsafe housing"), "no_safe_water": ("饮水不安全", "no safe water"),
                   "serious_illness": ("患重病", "serious illness"), "schooling_cost": ("上学费用负担重", "schooling cost"),
                   "disaster": ("自然灾害", "disaster"), "accident": ("意外事故", "accident")},
    "visit_purpose": {"routine": ("日常走访", "routine"), "elderly_care": ("老年人关爱", "elderly care"),
                      "verification": ("入户核实", "verification")},
    "disability_category": {"physical": ("肢体", "physical"), "visual": ("视力", "visual"), "hearing": ("听力", "hearing"),
                            "speech": ("言语", "speech"), "intellectual": ("智力", "intellectual"),
                            "mental": ("精神", "mental"), "multiple": ("多重", "multiple")},
    "capacity": {"full": ("有劳动能力", "able to work"), "partial": ("部分丧失劳动能力", "partly able to work"),
                 "none": ("无劳动能力", "unable to work")},
    "employment": {"employed": ("在业", "employed"), "unemployed": ("失业", "unemployed"), "retired": ("退休", "retired")},
    "care_level": {"independent": ("能自理", "independent"), "partial": ("部分失能", "partly dependent"),
                   "full": ("完全失能", "fully dependent")},
    "parent_status": {"present": ("在世并抚养", "present"), "dead": ("死亡", "dead"), "missing": ("失踪", "missing"),
                      "imprisoned": ("服刑", "imprisoned"), "detained": ("被羁押或强制隔离戒毒", "detained"),
                      "severely_disabled": ("重度残疾", "severely disabled"), "seriously_ill": ("重病", "seriously ill"),
                      "guardianship_revoked": ("被撤销监护资格", "guardianship revoked"),
                      "deported": ("被遣送出境", "deported"), "unknown": ("不详", "unknown")},
    "school_status": {"enrolled": ("在校就读", "in school"), "dropped_out": ("辍学", "dropped out"),
                      "not_enrolled": ("未入学", "not enrolled")},
    "review_outcome": {"continue": ("继续保障", "continue"), "adjust": ("调整待遇", "adjust"), "exit": ("退出保障", "exit")},
    "termination_reason": {"income_above_standard": ("收入超过标准", "income above the standard"),
                           "died": ("死亡", "died"), "moved_away": ("迁出", "moved away"),
                           "aged_out": ("超过年龄", "aged out"), "other": ("其他原因", "other")},
    "decision": {"approved": ("批准", "approved"), "rejected": ("不予批准", "rejected")},
    "department": {"public_security": ("公安局", "Public Security Bureau"),
                   "medical_insurance": ("医疗保障局", "Healthcare Security Administration"),
                   "disabled_federation": ("残疾人联合会", "Disabled Persons' Federation"),
                   "education": ("教育局", "Education Bureau"),
                   "human_resources": ("人力资源和社会保障局", "Human Resources and Social Security Bureau"),
                   "civil_affairs": ("民政局", "Civil Affairs Bureau")},
    "programme": PROGRAMME_NAMES,
}
# The enumeration each tuple of domain.vocabulary takes its labels from.
VOCABULARY_MEANINGS: dict[str, str] = {
    "HUKOU": "hukou", "SEX": "sex", "RELATIONS": "relation", "JOIN_REASONS": "join_reason",
    "LEAVE_REASONS": "leave_reason", "INCOME_TYPES": "income_type", "INCOME_SOURCES": "income_source",
    "EXPENSE_KINDS": "expense_kind", "EMERGENCY_KINDS": "emergency_kind", "HARDSHIP_SIGNALS": "hardship_signal",
    "URGENCIES": "urgency", "RURAL_RISKS": "rural_risk", "VISIT_PURPOSES": "visit_purpose",
    "DISABILITY_CATEGORIES": "disability_category", "CAPACITIES": "capacity", "EMPLOYMENT": "employment",
    "CARE_LEVELS": "care_level", "PARENT_STATUSES": "parent_status", "SCHOOL_STATUSES": "school_status",
    "REVIEW_OUTCOMES": "review_outcome", "TERMINATION_REASONS": "termination_reason", "DECISIONS": "decision",
    "DEPARTMENTS": "department",
    "PROGRAMMES": "programme",
}

# --- the workflow of an alert, and the words of the reports -------------------------------------------------
WORKFLOW: dict[str, dict[str, Pair]] = {
    "severity": {"critical": ("特急", "critical"), "high": ("紧急", "high"), "medium": ("一般", "medium"),
                 "low": ("较低", "low")},
    "alert_state": {"open": ("待处理", "open"), "assigned": ("已分配", "assigned"), "acknowledged": ("已签收", "acknowledged"),
                    "verification_requested": ("待核实", "verification requested"), "verified": ("已核实", "verified"),
                    "closed": ("已关闭", "closed")},
    # the steps of an alert's history (its event kinds, without the `alert.`) and who took them
    "step": {"raised": ("发出预警", "raised"), "assigned": ("分配", "assigned"), "acknowledged": ("签收", "acknowledged"),
             "verification_requested": ("派发入户核实", "visit requested"),
             "verification_recorded": ("记录核实结果", "visit recorded"), "resolved": ("办结", "resolved"),
             "cleared": ("条件消失自动关闭", "cleared"), "escalated": ("上报主管", "escalated"),
             "reopened": ("重新打开", "reopened"), "rules": ("规则引擎", "the rules")},
    # what a caseworker may do (the actions of the alert page, and the refusals that name them)
    "action": {"assign": ("分配", "assign"), "acknowledge": ("签收", "acknowledge"),
               "request_verification": ("派发入户核实", "request a verification visit"),
               "record_verification": ("记录核实结果", "record the visit"), "resolve": ("办结", "resolve"),
               "reopen": ("重新打开", "reopen"), "clear": ("自动关闭", "clear"), "escalate": ("上报主管", "escalate")},
    # the fields of an alert's actions, for the messages that name them
    "alert_field": {"outcome": ("办理结果", "outcome"), "note": ("说明", "note"), "to": ("分配给", "to"),
                    "reason": ("原因", "reason"), "visited_on": ("核实日期", "visited on"), "grid": ("网格", "grid")},
    "import_state": {"running": ("导入中", "running"), "done": ("已完成", "done"), "failed": ("失败", "failed"),
                     "interrupted": ("已中断（重新导入同一文件即可继续）", "interrupted (import the file again to resume)")},
    "resolution": {"enrolled": ("已纳入救助", "enrolled"), "referred": ("已转介", "referred"),
                   "not_eligible": ("经核查不符合条件", "not eligible"), "duplicate": ("重复预警", "duplicate"),
                   "other": ("其他", "other"), "condition_cleared": ("条件已消失", "condition cleared")},
    "visit_outcome": {"found_as_reported": ("情况属实", "found as reported"),
                      "situation_changed": ("情况已变化", "situation changed"),
                      "could_not_reach": ("未能联系上", "could not reach")},
    # leads: people a department's data names and no household holds (domain.leads)
    "lead_state": {"raised": ("待派发", "raised"), "dispatched": ("已派发网格员", "dispatched"),
                   "found": ("已找到并登记", "found"), "dismissed": ("已撤销", "dismissed")},
    "dismiss_reason": {"not_found": ("未找到此人", "not found"), "moved_away": ("已迁出辖区", "moved away"),
                       "already_known": ("已在册", "already known"), "other": ("其他", "other")},
    "role": {"informant": ("网格员", "informant"), "caseworker": ("经办人员", "caseworker"), "supervisor": ("主管", "supervisor"),
             "auditor": ("审计人员", "auditor"), "admin": ("管理员", "admin"), "integration": ("系统对接", "integration")},
    "observation_status": {"in_force": ("现行有效", "in force"), "corrected": ("已更正", "corrected"),
                           "retracted": ("已撤回", "retracted")},
    "category": {"NEED": ("未满足的需求", "unmet need"), "MISSED": ("应保未保", "missed coverage"),
                 "LAPSED": ("保障中断", "lapsed coverage"), "LATE": ("办理超时", "untimely handling")},
    "subject": {"household": ("家庭", "household"), "resident": ("居民", "resident"), "coverage": ("救助记录", "coverage"),
                "application": ("申请", "application"), "alert": ("预警", "alert")},
    "day_unit": {"working_days": ("工作日", "working days"), "calendar_days": ("自然日", "calendar days"),
                 "mixed": ("混合", "mixed")},
    # the access log: what a reader saw, and why a read was refused
    "access_outcome": {"granted": ("已允许", "granted"), "refused": ("被拒绝", "refused")},
    "access_shown": {"full": ("完整", "full"), "masked": ("脱敏", "masked"), "nothing": ("未显示", "nothing")},
    "access_reason": {"outside_jurisdiction": ("不在本人辖区", "outside the jurisdiction"),
                      "role_not_allowed": ("角色无权查看", "role not allowed"), "not_found": ("不存在", "not found")},
    # the integrity check: the logs and what a break is
    "log": {"households": ("家庭日志", "households log"), "alerts": ("预警日志", "alerts log"),
            "identity": ("账号日志", "identity log"), "audit": ("查阅日志", "access log")},
    "chain_problem": {"edited": ("被修改", "edited"), "deleted": ("被删除", "deleted"), "inserted": ("被插入", "inserted")},
    # response times: the stages, and the groups of the equity report
    "stage": {"observation_to_alert": ("观察→预警", "observation → alert"),
              "alert_to_acknowledgement": ("预警→签收", "alert → acknowledged"),
              "acknowledgement_to_visit": ("签收→入户核实", "acknowledged → visit"),
              "visit_to_resolution": ("核实→办结", "visit → resolved"), "alert_to_resolution": ("预警→办结", "alert → resolved")},
    "group": {"unassigned": ("未分配", "unassigned"), "unknown": ("未知", "unknown"), "disabled": ("有残疾", "disabled"),
              "community": ("社区", "community"), "rule": ("规则", "rule"),
              "caseworker": ("经办人员", "caseworker")},
    # the kinds of an audited household's events, to filter them by
    "history_group": {"household": ("家庭", "household"), "alert": ("预警", "alert"), "access": ("查阅记录", "reads"),
                      "rules": ("规则引擎", "the rules")},
    # the pages and routes a read went through, as the access log records them (`METHOD /path/{id}`)
    "route": {
        "GET /work": ("预警队列页面", "alert queue page"), "GET /households/{id}": ("家庭档案页面", "household page"),
        "GET /work/alerts/{id}": ("预警详情页面", "alert page"), "POST /work/alerts/{id}/{id}": ("预警处理", "alert action"),
        "GET /field/tasks": ("核实任务页面", "tasks page"),
        "POST /field/tasks/{id}/verification": ("提交核实结果", "visit recorded on the page"),
        "POST /field/tasks/{id}/visit": ("提交核实结果", "visit recorded on the page"),
        "GET /field/report": ("上报情况页面", "report page"), "GET /field/mine": ("我的上报页面", "my submissions page"),
        "GET /field/mine/{id}/correct": ("更正上报页面", "correction page"), "GET /dashboard": ("统计看板页面", "dashboard"),
        "GET /audit": ("审计工作台页面", "auditor's desk"), "GET /audit/households/{id}": ("家庭历史页面", "household history page"),
        "GET /audit/alerts/{id}": ("预警经过页面", "alert story page"),
        "GET /api/v1/alerts": ("预警列表接口", "alerts API"), "GET /api/v1/alerts/{id}": ("预警详情接口", "alert API"),
        "POST /api/v1/alerts/{id}/assign": ("分配预警接口", "assign API"),
        "POST /api/v1/alerts/{id}/acknowledge": ("签收预警接口", "acknowledge API"),
        "POST /api/v1/alerts/{id}/request-verification": ("派发核实接口", "request-verification API"),
        "POST /api/v1/alerts/{id}/verification": ("核实结果接口", "verification API"),
        "POST /api/v1/alerts/{id}/resolve": ("办结预警接口", "resolve API"),
        "POST /api/v1/alerts/{id}/reopen": ("重新打开预警接口", "reopen API"),
        "GET /api/v1/households/{id}": ("家庭档案接口", "household API"),
        "GET /api/v1/audit/households/{id}": ("家庭历史接口", "household history API"),
        "GET /api/v1/audit/households/{id}/events": ("家庭事件接口", "household events API"),
        "GET /api/v1/audit/alerts/{id}": ("预警经过接口", "alert story API"),
        "GET /api/v1/escalations": ("上报预警接口", "escalations API"), "GET /api/v1/tasks": ("核实任务接口", "tasks API"),
    },
}
MEANINGS: dict[str, dict[str, Pair]] = {**ENUMERATIONS, **WORKFLOW}

# --- observation kinds (RULES.md § Vocabulary) -------------------------------------------------------------
OBSERVATION_KINDS: dict[str, Pair] = {
    "household.registered": ("登记家庭", "household registered"),
    "resident.joined": ("成员加入", "member joined"),
    "resident.left": ("成员离开", "member left"),
    "resident.died": ("成员去世", "member died"),
    "household.income_reported": ("收入情况", "income"),
    "household.assets_reported": ("财产情况", "assets"),
    "household.expense_reported": ("刚性支出", "out-of-pocket expense"),
    "household.emergency_reported": ("突发事件", "emergency"),
    "household.hardship_reported": ("生活困难", "hardship"),
    "household.rural_risk_reported": ("返贫风险", "rural risk"),
    "household.visited": ("走访", "visit"),
    "resident.disability_assessed": ("残疾情况", "disability"),
    "resident.illness_reported": ("疾病情况", "illness"),
    "resident.labour_capacity_assessed": ("劳动能力评估", "labour capacity assessed"),
    "resident.employment_changed": ("就业状况变化", "employment changed"),
    "resident.care_dependency_assessed": ("失能程度评估", "care dependency assessed"),
    "resident.living_arrangement_reported": ("居住状况", "living arrangement"),
    "resident.parent_status_reported": ("父母情况", "parents' status"),
    "resident.school_status_reported": ("就学情况", "schooling"),
    "resident.supporter_reported": ("赡养抚养扶养人情况", "legal supporter"),
    "coverage.enrolled": ("纳入救助", "coverage enrolled"),
    "coverage.reviewed": ("救助复核", "coverage reviewed"),
    "coverage.paid": ("救助金发放", "coverage paid"),
    "coverage.suspended": ("暂停发放", "coverage suspended"),
    "coverage.resumed": ("恢复发放", "coverage resumed"),
    "coverage.terminated": ("停止救助", "coverage terminated"),
    "application.submitted": ("提交申请", "application submitted"),
    "application.decided": ("申请审批", "application decided"),
    "clock.tick": ("时钟推进", "clock tick"),
}

# --- the fields of the observations' data -------------------------------------------------------------------
FIELD_NAMES: dict[str, Pair] = {
    "region": ("所在社区", "Community"), "grid": ("网格", "Grid"), "address": ("住址", "Address"),
    "hukou": ("户籍类型", "Hukou"), "local_hukou": ("本地户籍", "Local hukou"), "members": ("家庭成员", "Members"),
    "name": ("姓名", "Name"), "id_number": ("身份证号", "ID number"), "sex": ("性别", "Sex"),
    "birth_date": ("出生日期", "Birth date"), "birth_year": ("出生年份", "Birth year"),
    "relation": ("与户主关系", "Relation"),
    "resident": ("居民编号", "Resident"), "reason": ("原因", "Reason"), "date": ("日期", "Date"),
    "monthly_income": ("家庭月收入(元)", "Household monthly income (CNY)"),
    "period": ("所属月份", "Month"), "income_type": ("收入类型", "Income type"), "source": ("来源", "Source"),
    "financial_assets": ("金融资产(元)", "Financial assets (CNY)"), "motor_vehicles": ("机动车(辆)", "Motor vehicles"),
    "extra_properties": ("其他住房(套)", "Other homes"), "kind": ("类型", "Kind"), "amount": ("金额(元)", "Amount (CNY)"),
    "loss": ("损失(元)", "Loss (CNY)"), "signal": ("困难类型", "Kind of hardship"), "urgency": ("紧急程度", "Urgency"),
    "note": ("说明", "Note"), "risk": ("风险类型", "Risk"), "purpose": ("走访目的", "Purpose"),
    "residents_seen": ("见到的居民编号(逗号分隔)", "Residents seen (comma-separated ids)"),
    "category": ("残疾类别", "Disability category"), "grade": ("残疾等级(1-4级)", "Grade (1-4)"),
    "certified": ("持残疾人证", "Holds a certificate"), "condition": ("疾病名称", "Condition"),
    "serious": ("重特大疾病", "Serious illness"), "hospitalized": ("住院", "In hospital"),
    "capacity": ("劳动能力", "Labour capacity"), "status": ("状况", "Status"), "level": ("失能程度", "Care dependency"),
    "lives_alone": ("独居", "Lives alone"), "empty_nest": ("空巢", "Empty nest"), "left_behind": ("留守", "Left behind"),
    "special_family": ("计生特殊家庭", "Special family"), "father": ("父亲", "Father"), "mother": ("母亲", "Mother"),
    "since": ("起始日期", "Since"), "full_time": ("全日制", "Full time"),
    "has_capable_supporter": ("有赡养抚养扶养能力人", "Has a capable supporter"), "programme": ("救助项目", "Programme"),
    "start": ("起始日期", "Start"), "monthly_amount": ("月救助金额(元)", "Monthly amount (CNY)"),
    "review_interval_months": ("复核周期(月)", "Review interval (months)"), "outcome": ("结果", "Outcome"),
    "grace_until": ("渐退期至", "Grace period until"), "application": ("申请编号", "Application"),
    "decision": ("审批决定", "Decision"),
}
# The fields a kind names its own way: "<kind>.<field>" -> label.
KIND_FIELD_NAMES: dict[str, Pair] = {
    "household.income_reported.period": ("收入所属月份", "Month of the income"),
    "household.income_reported.source": ("收入来源", "Source"),
    "coverage.paid.period": ("发放所属月份", "Month paid for"),
    "household.expense_reported.kind": ("支出类型", "Kind of expense"),
    "household.expense_reported.amount": ("支出金额(元)", "Amount (CNY)"),
    "coverage.paid.amount": ("发放金额(元)", "Amount paid (CNY)"),
    "household.emergency_reported.kind": ("事件类型", "Kind of emergency"),
    "household.emergency_reported.date": ("发生日期", "Date"),
    "household.emergency_reported.resident": ("涉及的居民编号", "Resident concerned"),
    "household.hardship_reported.resident": ("涉及的居民编号", "Resident concerned"),
    "resident.employment_changed.status": ("就业状况", "Employment"),
    "resident.school_status_reported.status": ("就学状态", "School status"),
    "resident.parent_status_reported.father.status": ("父亲情况", "Father's status"),
    "resident.parent_status_reported.mother.status": ("母亲情况", "Mother's status"),
    "resident.joined.reason": ("加入原因", "Why joined"), "resident.left.reason": ("离开原因", "Why left"),
    "coverage.suspended.reason": ("暂停原因", "Why suspended"), "coverage.terminated.reason": ("停保原因", "Why terminated"),
    "application.decided.reason": ("审批理由", "Reason"), "coverage.reviewed.outcome": ("复核结果", "Outcome"),
    "resident.died.date": ("死亡日期", "Date of death"), "resident.left.date": ("离开日期", "Date left"),
    "resident.illness_reported.date": ("诊断日期", "Diagnosed on"), "coverage.reviewed.date": ("复核日期", "Reviewed on"),
    "coverage.suspended.date": ("暂停日期", "Suspended on"), "coverage.resumed.date": ("恢复日期", "Resumed on"),
    "coverage.terminated.date": ("停保日期", "Terminated on"), "application.submitted.date": ("申请日期", "Submitted on"),
    "application.decided.date": ("决定日期", "Decided on"), "household.expense_reported.date": ("支出日期", "Date"),
    "household.rural_risk_reported.date": ("报告日期", "Date"), "resident.employment_changed.date": ("变化日期", "Date"),
}
# Which table the values of an enumerated field take: "<kind>.<field>" (members' fields under `members`).
FIELD_MEANINGS: dict[str, str] = {
    "household.registered.hukou": "hukou", "household.registered.members.sex": "sex",
    "household.registered.members.relation": "relation", "resident.joined.sex": "sex",
    "resident.joined.relation": "relation", "resident.joined.reason": "join_reason", "resident.left.reason": "leave_reason",
    "household.income_reported.income_type": "income_type", "household.income_reported.source": "income_source",
    "household.expense_reported.kind": "expense_kind", "household.emergency_reported.kind": "emergency_kind",
    "household.hardship_reported.signal": "hardship_signal", "household.hardship_reported.urgency": "urgency",
    "household.rural_risk_reported.risk": "rural_risk", "household.visited.purpose": "visit_purpose",
    "resident.disability_assessed.category": "disability_category",
    "resident.labour_capacity_assessed.capacity": "capacity", "resident.employment_changed.status": "employment",
    "resident.care_dependency_assessed.level": "care_level",
    "resident.parent_status_reported.father.status": "parent_status",
    "resident.parent_status_reported.mother.status": "parent_status",
    "resident.school_status_reported.status": "school_status", "coverage.reviewed.outcome": "review_outcome",
    "coverage.terminated.reason": "termination_reason", "application.decided.decision": "decision",
    **{f"{kind}.programme": "programme" for kind in v.SUBJECTS if kind.startswith(("coverage.", "application."))},
}

FACT_LABELS: dict[str, tuple[str, str]] = {
    "pc_income": ("家庭人均月收入(元)", "per-capita monthly income (CNY)"),
    "pc_income_annual": ("家庭人均年收入(元)", "per-capita annual income (CNY)"),
    "std": ("低保标准(元/人·月)", "dibao standard (CNY per person per month)"),
    "edge_line": ("低保边缘线(元/人·月)", "low-income edge line (CNY per person per month)"),
    "members": ("共同生活成员数", "living members"),
    "assets_ok": ("财产符合条件", "assets within limits"),
    "assets_reported": ("已申报财产", "assets reported"),
    "enrolled_dibao": ("已纳入低保", "enrolled in dibao"),
    "enrolled_low_income_edge": ("已认定低保边缘", "recognised as low-income edge"),
    "enrolled_temporary_assistance": ("已获临时救助", "receives temporary assistance"),
    "enrolled_elderly_visiting": ("已纳入探访关爱", "on the visiting roster"),
    "urgent_hardship_unmet": ("紧急困难未获救助", "immediate hardship without assistance"),
    "emergency_unhelped": ("近期突发事件未获救助", "recent emergency without assistance"),
    "emergency_unhelped_grave": ("事件为主要劳动力丧失或突发重病", "breadwinner lost or sudden illness"),
    "recent_emergency": ("近期发生突发事件", "recent emergency"),
    "rural_risk_12m": ("近12个月有返贫风险报告", "rural risk reported in the last 12 months"),
    "poverty_line_annual": ("监测标准(元/人·年)", "monitoring line (CNY per person per year)"),
    "rigid_expenses_12m": ("近12个月刚性支出(元)", "out-of-pocket expenses, last 12 months (CNY)"),
    "income_12m": ("近12个月家庭收入(元)", "household income, last 12 months (CNY)"),
    "rigid_expense_limit": ("支出认定线(元)", "expense threshold (CNY)"),
    "prev_year_pc_disposable_income": ("上年人均可支配收入(元)", "previous year's per-capita disposable income"),
    "rigid_status_expired": ("刚性支出认定已过期", "rigid-expenditure status expired"),
    "programme": ("救助项目", "programme"),
    "start": ("起始日期", "start date"),
    "last_review": ("最近复核日期", "last review"),
    "review_interval_months": ("复核周期(月)", "review interval (months)"),
    "review_due": ("应复核日期", "review due"),
    "review_overdue_days": ("逾期天数", "days overdue"),
    "monthly_amount": ("月救助金额(元)", "monthly amount (CNY)"),
    "unpaid_months": ("未发放月份", "months not paid"),
    "payment_gap_months": ("中断认定月数", "months of gap that count"),
    "terminated_on": ("停保日期", "terminated on"),
    "termination_reason": ("停保原因", "termination reason"),
    "age": ("年龄", "age"),
    "birth_year": ("出生年份", "year of birth"),
    "adult_on": ("满十八周岁日期", "18th birthday"),
    "in_full_time_school": ("全日制在校", "in full-time school"),
    "child_age_limit": ("未成年年龄线", "child age limit"),
    "has_adult_member": ("有成年家庭成员", "has an adult household member"),
    "school_status": ("就学状态", "school status"),
    "school_min_age": ("义务教育起始年龄", "compulsory school from age"),
    "school_max_age": ("义务教育截止年龄", "compulsory school to age"),
    "lives_alone": ("独居", "lives alone"),
    "days_since_visit": ("距上次探访天数", "days since last visit"),
    "visit_interval_days": ("探访周期(天)", "visit interval (days)"),
    "no_labour": ("无劳动能力", "unable to work"),
    "has_capable_supporter": ("有法定赡养抚养扶养能力人", "has a capable legal supporter"),
    "disability_category": ("残疾类别", "disability category"),
    "disability_grade": ("残疾等级", "disability grade"),
    "disability_certified": ("持残疾人证", "holds a disability certificate"),
    "elderly_allowance_min_age": ("高龄津贴起始年龄", "old-age allowance from age"),
    "local_hukou": ("本地户籍", "local hukou"),
    "father_status": ("父亲情况", "father's status"),
    "mother_status": ("母亲情况", "mother's status"),
    "father_absent": ("父亲死亡或失踪", "father dead or missing"),
    "mother_absent": ("母亲死亡或失踪", "mother dead or missing"),
    "father_severe": ("父亲重残重病服刑等", "father severely disabled, ill, imprisoned …"),
    "mother_severe": ("母亲重残重病服刑等", "mother severely disabled, ill, imprisoned …"),
    "deceased_still_covered": ("已故仍在保", "deceased but still covered"),
    "submitted_on": ("申请日期", "submitted on"),
    "elapsed_days": ("已用天数", "days taken"),
    "limit_days": ("时限(天)", "time limit (days)"),
    "day_unit": ("计日方式", "day unit"),
    "decided": ("已作出决定", "decided"),
    "member": ("现为家庭成员", "current member"),
    "relation": ("与户主关系", "relation to the head"),
    "hukou": ("户籍类型", "hukou type"),
    "monthly_income": ("家庭月收入(元)", "household monthly income (CNY)"),
    "income_period": ("收入所属月份", "income period"),
    "income_type": ("收入类型", "income type"),
    "all_members_tekun": ("全部成员均为特困人员", "every member on tekun"),
    "enrolled_rigid_expenditure": ("已认定刚性支出困难家庭", "recognised as rigid-expenditure household"),
    "enrolled_poverty_monitoring": ("已纳入防止返贫监测", "under return-to-poverty monitoring"),
    "enrolled_tekun": ("已纳入特困供养", "on extreme-poverty support"),
    "enrolled_disability_living_subsidy": ("已领困难残疾人生活补贴", "receives the disability living subsidy"),
    "enrolled_disability_care_subsidy": ("已领重度残疾人护理补贴", "receives the disability care subsidy"),
    "enrolled_elderly_allowance": ("已领高龄津贴", "receives the old-age allowance"),
    "enrolled_orphan_allowance": ("已领孤儿基本生活费", "receives the orphan allowance"),
    "enrolled_defacto_child_allowance": ("已领事实无人抚养儿童补贴", "receives the de-facto child allowance"),
    "household_enrolled_dibao": ("家庭已纳入低保", "household on dibao"),
    "household_enrolled_low_income_edge": ("家庭已认定低保边缘", "household recognised as low-income edge"),
    "living_subsidy_low_income": ("低保边缘家庭可享生活补贴", "low-income edge households qualify"),
    "emergency_kind": ("突发事件类型", "kind of emergency"),
    "emergency_date": ("突发事件日期", "date of the emergency"),
    "serious_illness": ("患重特大疾病", "serious illness"),
    "intellectual_or_mental": ("智力或精神残疾", "intellectual or mental disability"),
    "care_extra_grade": ("属本地护理补贴扩展等级", "a locally added care-subsidy grade"),
    "requires_local_hukou": ("要求本地户籍", "local hukou required"),
    "empty_nest": ("空巢", "empty nest"),
    "left_behind": ("留守", "left behind"),
    "special_family": ("计生特殊家庭", "special family (计生特殊家庭)"),
    "care_level": ("失能程度", "care dependency"),
    "visiting_min_age": ("探访关爱起始年龄", "visiting care from age"),
    "high_risk_elderly": ("高龄独居或完全失能", "80+ living alone, or fully dependent"),
    "last_visit": ("最近探访日期", "last visit"),
    "active": ("保障有效", "coverage active"),
    "terminated": ("已停保", "terminated"),
    "in_grace": ("处于渐退期", "in its grace period"),
    "holder_member": ("保障对象仍为家庭成员", "covered person still a member"),
    "suspended": ("已暂停", "suspended"),
    "suspended_on": ("最近暂停日期", "latest suspension on"),
    "resumed_on": ("恢复发放日期", "resumed on"),
    "applicant_died": ("申请人已去世", "the applicant has died"),
    "complete_months_old": ("已满整月数", "complete months since the start"),
    "paid_in_last_gap_months": ("近期月份有发放记录", "paid in the months checked"),
    "re_enrolled_since_exit": ("停保后已重新纳入救助", "enrolled again since the termination"),
    "enrolled_as_minor": ("未成年时纳入保障", "enrolled as a minor"),
    "minor_programmes": ("未成年时纳入的项目", "programmes entered as a minor"),
    "days_to_adulthood": ("距满十八周岁天数", "days until the 18th birthday"),
    "age_out_notice_days": ("提前提示天数", "notice days"),
    "rigid_confirmed_on": ("刚性支出认定(复核)日期", "rigid-expenditure status confirmed on"),
    "rigid_valid_until": ("认定有效期至", "status valid until"),
    "died_on": ("死亡日期", "date of death"),
    "covered_after_death": ("死亡后仍在享受的项目", "coverage still running after death"),
}


# Which table a fact's values take.
FACT_MEANINGS: dict[str, str] = {
    "care_level": "care_level", "school_status": "school_status", "father_status": "parent_status",
    "mother_status": "parent_status", "programme": "programme", "termination_reason": "termination_reason",
    "emergency_kind": "emergency_kind", "minor_programmes": "programme", "covered_after_death": "programme",
    "hukou": "hukou", "relation": "relation", "income_type": "income_type", "disability_category": "disability_category",
    "day_unit": "day_unit",
}


def fact_label(name: str) -> Pair:
    """A fact's label; a fact without one shows its name (spaces for underscores in English)."""
    return FACT_LABELS.get(name, (name, name.replace("_", " ")))


def meaning_label(meaning: str, value: object) -> Pair | None:
    """`value` as the table `meaning` names it (None when the table does not know it)."""
    return MEANINGS.get(meaning, {}).get(str(value))


def field_name(kind: str | None, path: str) -> Pair:
    """The name of a data field (`status`, `father.status`, `members.sex`) as `kind` calls it."""
    own = KIND_FIELD_NAMES.get(f"{kind}.{path}")
    return own or FIELD_NAMES.get(path.rsplit(".", 1)[-1], (path, path))


def field_value(kind: str | None, path: str, value: object) -> Pair | None:
    """A data field's value in words when the field is enumerated (None: it is not, or the value is unknown)."""
    meaning = FIELD_MEANINGS.get(f"{kind}.{path}")
    return meaning_label(meaning, value) if meaning else None


def fact_value(name: str, value: object) -> Pair | None:
    """A fact's value in words when the fact is enumerated (None otherwise)."""
    meaning = FACT_MEANINGS.get(name)
    return meaning_label(meaning, value) if meaning else None


def _flat() -> dict[str, Pair]:
    """One value, one label, for the words whose spelling says what they mean (a later table wins): the pages'
    `term`. An enumerated value is labelled through its field or fact (`field_value`, `fact_value`)."""
    flat: dict[str, Pair] = {}
    for meaning, table in (*ENUMERATIONS.items(), *WORKFLOW.items()):
        if meaning != "route":
            flat.update(table)
    return {**flat, **OBSERVATION_KINDS, **EVENT_NAMES, **WORKFLOW["step"], **WORKFLOW["alert_state"]}


VALUE_LABELS: dict[str, Pair] = _flat()


def route_name(route: object) -> Pair:
    """A recorded route (`GET /households/{id}`) as the page or interface a person knows; one not named yet is
    "another page" or "another interface" (`/api/…`), never its path."""
    known = MEANINGS["route"].get(str(route))
    if known:
        return known
    api = " /api/" in str(route)
    return ("其他接口", "another API route") if api else ("其他页面", "another page")


def value_words(value: Any) -> Pair | None:
    """A vocabulary value whose spelling says what it means (a state, a kind, a role …), or None."""
    return VALUE_LABELS.get(str(value))
