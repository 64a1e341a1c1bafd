"""Every word the pages show, in one catalog: Chinese first, English on the switch (`?lang=en`).

`text(key, lang)` answers a page string; `term(value, lang)` a vocabulary value (a severity, a
state, an outcome, an observation kind, a field name …). A key missing from the catalog shows
itself, so a forgotten translation is visible on the page rather than silently blank.
"""

from __future__ import annotations

from domain import labels
from domain.labels import BOOLEAN_WORDS
from domain.policy.declarations import LABELS as PARAMETER_NAMES
from rules.catalog import RULES_BY_ID

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}

MESSAGES: dict[str, tuple[str, str]] = {
    "app": ("前哨 · 主动发现", "Qianshao · proactive discovery"),
    "skip": ("跳到正文", "Skip to content"),
    "switch_language": ("English", "中文"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "logout": ("退出登录", "Log out"),
    "login": ("登录", "Log in"),
    "login_title": ("登录前哨", "Log in to Qianshao"),
    "name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login_hint": ("请使用管理员分配的账号登录。", "Log in with the account your administrator gave you."),
    "nav_queue": ("预警队列", "Alert queue"),
    "nav_dashboard": ("统计看板", "Dashboard"),
    "nav_tasks": ("核实任务", "Verification tasks"),
    "nav_report": ("上报情况", "Report"),
    "nav_register": ("登记家庭", "Register a household"),
    "nav_catalog": ("规则目录", "Rule catalog"),
    "nav_home": ("首页", "Home"),
    "nav_household": ("查询家庭", "Look up a household"),
    "nav_imports": ("部门数据导入", "Department imports"),
    "imports_title": ("部门数据导入", "Department data imports"),
    "imports_intro": ("上传其他部门导出的文件（CSV、XLSX 或 JSON 行），按身份证号匹配到已登记的居民；找不到的人员成为线索，交街道主管派发核实。同一文件重复导入不会重复记录。",
                      "Upload a file another department exported (CSV, XLSX or JSON lines). Rows are matched to registered "
                      "residents by ID number; people nobody registered become leads for the street's supervisor. "
                      "Importing the same file again records nothing twice."),
    "import_file": ("文件", "File"),
    "import_department": ("数据来源部门", "Department"),
    "import_mapping_file": ("自定义映射文件（YAML，可不填）", "A mapping of your own (YAML, optional)"),
    "import_sheet": ("工作表名称（XLSX，可不填）", "Sheet (XLSX, optional)"),
    "import_start": ("开始导入", "Start the import"),
    "imports_recent": ("最近的导入", "Recent imports"),
    "imports_none": ("还没有导入记录。", "No imports yet."),
    "import_started": ("开始时间", "Started"),
    "import_state": ("状态", "State"),
    "import_rows_done": ("已处理行数", "Rows done"),
    "import_report_title": ("导入报告", "Import report"),
    "import_by": ("导入人", "Imported by"),
    "import_progress": ("已处理 {done} / {total} 行", "{done} of {total} rows done"),
    "import_rows_read": ("读取行数", "Rows read"),
    "import_matched": ("匹配到居民", "Matched to a resident"),
    "import_accepted": ("已记录", "Recorded"),
    "import_duplicates": ("重复（已导入过）", "Duplicates (imported before)"),
    "import_rejected": ("拒收", "Rejected"),
    "import_leads": ("新线索", "New leads"),
    "import_empty_rows": ("空行", "Empty rows"),
    "import_households": ("涉及家庭", "Households concerned"),
    "import_rejected_rows": ("拒收的行", "Rejected rows"),
    "import_download": ("下载拒收明细（CSV）", "Download the rejected rows (CSV)"),
    "import_line": ("行号", "Line"),
    "import_column": ("列", "Column"),
    "import_reason": ("原因", "Reason"),
    "import_more": ("另有 {n} 条未列出，请下载明细。", "{n} more not listed; download the file."),
    "imports_back": ("返回导入页面", "Back to the imports"),
    "nav_leads": ("数据比对线索", "Leads"),
    # leads (domain.leads): the supervisor's list and the informant's lead tasks
    "leads_title": ("数据比对线索", "Leads from department data"),
    "leads_intro": ("部门数据中提到、但辖区内尚无人登记的居民。请派发给网格员入户查找并登记，或说明原因后撤销。",
                    "People a department's data names and no household of ours holds. Send each to a grid's "
                    "informant to find and register, or dismiss it with a reason."),
    "no_leads": ("没有符合条件的线索。", "No leads match."),
    "lead_state": ("线索状态", "State"),
    "lead_department": ("来源部门", "Department"),
    "lead_what": ("发现情况", "What was found"),
    "lead_person": ("姓名", "Name"),
    "lead_id_number": ("身份证号", "ID number"),
    "lead_region": ("所在地", "Where"),
    "lead_address": ("地址", "Address"),
    "lead_details": ("部门数据", "Department data"),
    "lead_raised_on": ("发现日期", "Raised on"),
    "lead_grid": ("派发网格", "Sent to grid"),
    "lead_household": ("登记的家庭", "Household registered"),
    "lead_dispatch": ("派发给网格员", "Send to the grid's informant"),
    "lead_dispatch_again": ("改派其他网格", "Send to another grid"),
    "lead_dismiss": ("撤销线索", "Dismiss"),
    "lead_dismiss_reason": ("撤销原因", "Reason"),
    "lead_dispatched_done": ("线索已派发给网格员。", "The lead was sent to the grid's informant."),
    "lead_dismissed_done": ("线索已撤销。", "The lead was dismissed."),
    "lead_tasks_title": ("待查找登记的居民", "People to find and register"),
    "lead_task_intro": ("以下居民出现在部门数据中，但尚未在本网格登记：请入户查找，找到后登记家庭（须填写其身份证号）。",
                        "These people appear in a department's data and are not registered in your grid: find "
                        "them and register the household (with their ID number)."),
    "lead_register": ("登记这户", "Register this household"),
    "lead_from": ("线索来源：{department}", "Lead from: {department}"),
    "lead_prefilled": ("已根据线索预先填写姓名和地址，请核对后补全（包括身份证号）。",
                       "The name and address come from the lead: check them and fill in the rest (the ID number too)."),
    "home_title": ("欢迎", "Welcome"),
    "home_nothing": ("您的角色没有网页端功能，请使用接口。", "Your role has no pages; use the API."),
    "region_all": ("本辖区全部", "All of my jurisdiction"),
    "home_choose": ("请选择要打开的页面。", "Choose a page to open."),
    "home_readonly": ("您以只读方式查看：预警队列、统计看板、家庭档案（姓名和证件号已脱敏）和规则目录。",
                      "You read only: the alert queue, the dashboard, household files (names and ID numbers "
                      "masked) and the rule catalog."),
    "household_id": ("家庭编号", "Household id"),
    "open": ("打开", "Open"),
    "forbidden_title": ("无权访问", "Forbidden"),
    "forbidden_text": ("您的角色无权打开此页面。", "Your role may not open this page."),
    "not_found_title": ("未找到", "Not found"),
    "not_found_text": ("您的辖区内没有该记录。", "There is no such record in your jurisdiction."),
    "bad_value_title": ("参数有误", "Invalid value"),
    "input_value": ("输入的值", "a value"),
    "bad_value_text": ("以下参数的值无法使用，请修改后重试。", "These values cannot be used; change them and try again."),
    "csrf_title": ("表单已过期", "Form expired"),
    "csrf_text": ("表单校验失败，请返回后刷新页面再提交。", "The form could not be verified; go back, reload and submit again."),
    "back_home": ("返回首页", "Back to the start page"),
    "csrf_again": ("表单已过期，页面已刷新，请重新提交。", "The form had expired; the page is fresh, submit it again."),
    "forbidden_step": ("您的角色无权进行此操作。", "Your role may not do this."),
    "page_missing_text": ("没有这个页面，请从菜单进入。", "There is no such page; use the menu."),
    "method_title": ("无法这样打开", "Cannot be opened this way"),
    "method_text": ("这个地址只接收表单提交，不能直接打开。请从页面上的链接或按钮进入。",
                    "This address only takes a form's submission; open the page through its links or buttons."),
    "server_error_title": ("服务器出错了", "Server error"),
    "server_error_text": ("服务器发生意外错误，已记录日志，请稍后再试。", "An unexpected error occurred and was logged; try again later."),
    "http_error_title": ("请求无法完成", "The request could not be completed"),
    "http_error_text": ("请求无法完成（{status}），请返回后重试。", "The request could not be completed ({status}); go back and try again."),
    "too_large_text": ("提交的内容过大。", "What was sent is too large."),
    # queue
    "queue_title": ("本辖区预警队列", "Alert queue of my jurisdiction"),
    "filters": ("筛选", "Filters"),
    "filter_apply": ("筛选", "Filter"),
    "any": ("全部", "any"),
    "rule": ("规则", "Rule"),
    "severity": ("紧急程度", "Severity"),
    "status": ("状态", "Status"),
    "state": ("处理环节", "Step"),
    "household": ("家庭", "Household"),
    "raised_on": ("发现日期", "Raised on"),
    "assigned_to": ("经办人", "Assigned to"),
    "mine_only": ("只看分配给我的", "Only assigned to me"),
    "overdue_only": ("只看超时未签收的", "Only overdue"),
    "sla": ("签收时限", "SLA clock"),
    "sla_days_left": ("剩余 {n} 天", "{n} days left"),
    "sla_overdue": ("已超时 {n} 天", "{n} days overdue"),
    "sla_done": ("已签收", "acknowledged"),
    "sla_deadline": ("截止 {d}", "due {d}"),
    "escalated": ("已上报主管", "escalated"),
    "total": ("共 {n} 条", "{n} in all"),
    "pager": ("翻页", "Pages"),
    "no_alerts": ("没有符合条件的预警。", "No alerts match."),
    "title": ("事项", "What"),
    # household
    "household_title": ("家庭档案 {id}", "Household {id}"),
    "address": ("地址", "Address"),
    "region": ("行政区划", "Region"),
    "grid": ("网格", "Grid"),
    "hukou": ("户籍类型", "Hukou"),
    "members": ("家庭成员", "Members"),
    "resident": ("居民编号", "Resident id"),
    "person_name": ("姓名", "Name"),
    "id_number": ("身份证号", "ID number"),
    "sex": ("性别", "Sex"),
    "birth_date": ("出生日期", "Birth date"),
    "birth_year": ("出生年份", "Birth year"),
    "relation": ("与户主关系", "Relation"),
    "masked_note": ("姓名和身份证号已按最小必要原则脱敏，出生日期只显示年份。",
                    "Names and ID numbers are masked and birth dates shown as the year (minimum necessary)."),
    "coverage": ("在享救助", "Coverage"),
    "programme": ("救助项目", "Programme"),
    "start": ("起始日期", "Start"),
    "monthly_amount": ("月金额(元)", "Monthly amount (CNY)"),
    "reviews": ("复核", "Reviews"),
    "terminated_on": ("停保日期", "Terminated on"),
    "applications": ("申请", "Applications"),
    "application": ("申请编号", "Application"),
    "submitted_on": ("申请日期", "Submitted on"),
    "decision": ("决定", "Decision"),
    "none": ("无", "none"),
    "alerts": ("预警", "Alerts"),
    "timeline": ("观察记录时间线", "Timeline of observations"),
    "observed_at": ("发生时间", "Observed at"),
    "recorded_at": ("录入时间", "Recorded at"),
    "kind": ("类型", "Kind"),
    "informant": ("上报人", "Reported by"),
    "observation_id": ("记录编号", "Observation id"),
    # alert
    "alert_title": ("预警详情", "Alert"),
    "why_title": ("为什么发出这条预警", "Why this alert was raised"),
    "why_rule": ("命中的规则：{rule}（第 {version} 版），判断日期 {on}。", "Rule held: {rule} (version {version}), judged on {on}."),
    "looks_for": ("规则查看的情况", "What the rule looks for"),
    "facts_matched": ("符合条件的事实", "Facts that matched"),
    "fact": ("事实", "Fact"),
    "value": ("取值", "Value"),
    "parameters_used": ("使用的政策参数", "Parameter values used"),
    "parameter": ("参数", "Parameter"),
    "source": ("来源", "Where from"),
    "source_text": ("{region}，自 {since} 起施行", "{region}, in force from {since}"),
    "national": ("全国默认值", "national default"),
    "source_always": ("{region}（长期有效）", "{region} (no start date)"),
    "missing_parameters": ("本地区尚未配置的参数", "Parameters not set for this region"),
    "evidence": ("依据的观察记录", "Observations it rests on"),
    "history": ("处理记录", "History"),
    "actions": ("处理", "Actions"),
    "assign": ("分配", "Assign"),
    "assign_to": ("分配给", "Assign to"),
    "acknowledge": ("签收", "Acknowledge"),
    "request_verification": ("派发入户核实", "Request a verification visit"),
    "resolve": ("办结", "Resolve"),
    "outcome": ("办理结果", "Outcome"),
    "note": ("说明", "Note"),
    "note_required_other": ("选择“其他”时必须填写说明。", "A note is required for “other”."),
    "done": ("已完成：{what}", "Done: {what}"),
    "read_only": ("您的角色只能查看。", "Your role reads only."),
    "closed_no_actions": ("该预警已关闭，无需再处理。", "This alert is closed; nothing is left to do."),
    "verification": ("入户核实", "Verification"),
    "verification_found": ("核实结果：{outcome}（{by}，{on}）{note}", "Visit found: {outcome} ({by}, {on}) {note}"),
    # informant
    "residents_concerned": ("涉及人员", "Residents concerned"),
    "born_in": ("{year}年生", "born {year}"),
    "task_found": ("预警发现", "What the alert found"),
    "task_check": ("请上门核实", "What to check"),
    "required_missing": ("请先填写此项", "Please fill this in first"),
    "visit_returned": ("核实已回", "Visit returned"),
    # unread, in the header and the queue
    "news_tasks": ("新任务 {n}", "New tasks: {n}"),
    "news_alerts": ("新预警 {n}", "New alerts: {n}"),
    "news_returned": ("核实已回 {n}", "Visits returned: {n}"),
    "mark_new": ("新", "new"),
    "mark_unread": ("未读", "unread"),
    "unread": ("未读", "Unread"),
    "unread_new": ("新预警", "New alerts"),
    "unread_returned": ("核实已回未读", "Visits returned, unread"),
    "household_id_filter": ("家庭编号", "Household id"),
    "visited_by": ("核实人", "Visited by"),
    "visit_note": ("核实说明", "Visit note"),
    "tasks_title": ("我的核实任务", "My verification tasks"),
    "no_tasks": ("暂无待核实的任务。", "No visits to make."),
    "requested": ("{by} 于 {on} 派发", "asked by {by} on {on}"),
    "record_visit": ("提交核实结果", "Record the visit"),
    "visited_on": ("核实日期", "Visited on"),
    "visit_outcome": ("核实结果", "What the visit found"),
    "report_title": ("上报情况", "Report"),
    "choose_kind": ("上报类型", "What to report"),
    "submit": ("提交", "Submit"),
    "add_member": ("再添加一位成员", "Add another member"),
    "member_n": ("成员 {n}", "Member {n}"),
    "register_title": ("登记新家庭", "Register a household"),
    "outbox": ("待发送", "Waiting to be sent"),
    "outbox_empty": ("没有待发送的记录。", "Nothing is waiting."),
    "outbox_offline": ("当前离线：记录已保存在手机上，联网后自动发送。",
                       "Offline: saved on this phone, sent when the network is back."),
    "sent": ("已发送", "Sent"),
    "saved_offline": ("已保存，待联网后发送", "Saved; will be sent when online"),
    "rejected": ("未被接受，请修改后重新提交", "Not accepted; correct and submit again"),
    "fix_fields": ("请修改标红的字段。", "Please correct the fields marked in red."),
    "yes": BOOLEAN_WORDS[True],
    "no": BOOLEAN_WORDS[False],
    "choose": ("请选择", "Choose"),
    "optional": ("（选填）", "(optional)"),
    "household_pick": ("家庭编号（本网格）", "Household id (in my grid)"),
    "resident_pick": ("居民编号", "Resident id"),
    # my submissions, corrections and retractions (issue 7 pages)
    "nav_mine": ("我的上报", "My submissions"),
    "mine_title": ("我的上报", "My submissions"),
    "mine_intro": ("共 {n} 条，最近录入的在前。", "{n} in all, the most recently recorded first."),
    "mine_none": ("您还没有上报过记录。", "You have sent nothing yet."),
    "mine_done_corrected": ("更正已提交：原记录标为“已更正”，更正后的记录现行有效。",
                            "Correction sent: the original is marked corrected, the correction is in force."),
    "mine_done_retracted": ("已撤回该记录。", "The observation was withdrawn."),
    "mine_corrects": ("本条更正了 {id}", "Corrects {id}"),
    "mine_corrected_by": ("已由 {id} 更正", "Corrected by {id}"),
    "mine_retracted": ("已于 {at} 撤回，原因：{reason}", "Withdrawn on {at}: {reason}"),
    "correct": ("更正", "Correct"),
    "retract": ("撤回", "Withdraw"),
    "retract_reason": ("撤回原因", "Why withdraw it"),
    "retract_confirm": ("确认撤回", "Withdraw it"),
    "correct_title": ("更正上报", "Correct a submission"),
    "correct_intro": ("正在更正记录 {id}：改正有误的内容后提交。原记录保留在历史中，标为“已更正”。",
                      "Correcting {id}: change what was wrong and submit. The original stays in the history, marked "
                      "corrected."),
    "correction_of": ("更正：{kind}", "Correction: {kind}"),
    "submit_correction": ("提交更正", "Submit the correction"),
    "cancel": ("取消", "Cancel"),
    "timeline_corrected_by": ("由 {id} 更正", "corrected by {id}"),
    "timeline_corrects": ("更正 {id}", "corrects {id}"),
    "timeline_retracted": ("{by} 撤回：{reason}", "withdrawn by {by}: {reason}"),
    # dashboard
    "dashboard_title": ("统计看板", "Dashboard"),
    "open_by_rule": ("按规则统计的待处理预警", "Open alerts by rule"),
    "open_by_community": ("按社区统计的待处理预警", "Open alerts by community"),
    "found_per_week": ("每周新发现的预警", "Alerts found per week"),
    "overdue_count": ("超时未签收", "Overdue"),
    "escalated_count": ("已上报主管", "Escalated"),
    "open_count": ("待处理", "Open"),
    "gap_table": ("各社区救助缺口统计", "Coverage gaps by community"),
    "community": ("社区", "Community"),
    "found_this_month": ("本月发现", "Found this month"),
    "verified": ("已核实", "Verified"),
    "resolved_by_outcome": ("办结（按结果）", "Resolved by outcome"),
    "median_ack": ("签收用时中位数(天)", "Median days to acknowledge"),
    "median_resolve": ("办结用时中位数(天)", "Median days to resolve"),
    "as_of": ("统计日期 {on}", "as of {on}"),
    "no_data": ("暂无数据", "No data"),
    # dashboard: escalations and informant activity (issue 7 pages)
    "escalations_title": ("已上报主管、仍待签收的预警", "Escalated alerts still waiting"),
    "escalations_intro": ("超过签收时限未签收而上报主管的预警，最早上报的在前。",
                          "Alerts escalated for not being acknowledged in time, the oldest escalation first."),
    "escalated_on": ("上报日期", "Escalated on"),
    "days_escalated": ("已上报天数", "Days escalated"),
    "unassigned": ("未分配", "unassigned"),
    "no_escalations": ("没有等待签收的上报预警。", "No escalated alert is waiting."),
    "activity_title": ("网格员上报情况", "Informant activity"),
    "activity_month": ("月份", "Month"),
    "activity_all_months": ("留空为全部月份", "empty for every month"),
    "activity_bad_month": ("月份格式应为 YYYY-MM", "the month must be YYYY-MM"),
    "act_observations": ("上报", "Observations"),
    "act_registrations": ("其中登记", "of which registrations"),
    "act_visits": ("其中走访", "of which visits"),
    "act_corrections": ("更正", "Corrections"),
    "act_retractions": ("撤回", "Retractions"),
    "act_verifications": ("入户核实", "Verification visits"),
    "last_recorded": ("最近录入", "Last recorded"),
    # catalog
    "catalog_title": ("规则目录", "Rule catalog"),
    "catalog_intro": ("前哨依据以下公开规则主动发现可能需要救助的家庭。每条规则列出它查看的情况、所选地区和日期施行的参数值，以及政策未作规定时所作的选择。",
                      "Qianshao looks for households that may need help by these published rules: what each looks "
                      "for, the parameter values in force for the region and date chosen, and the choices made where "
                      "the policy was silent."),
    "catalog_region": ("地区", "Region"),
    "catalog_on": ("日期", "Date"),
    "show": ("查看", "Show"),
    "choices": ("政策未明确时的选择", "Choices where the policy was silent"),
    "parameters_in_force": ("施行中的参数值", "Parameter values in force"),
    "not_set": ("本地区未设置", "not set for this region"),
    "subject": ("对象", "Subject"),
    "version": ("版本", "Version"),
    # auditor pages (issue 9)
    "nav_audit": ("审计", "Audit"),
    "nav_response_times": ("响应时间", "Response times"),
    "nav_equity": ("公平性", "Equity"),
    "nav_backtests": ("规则回测报告", "Back-test reports"),
    "nav_integrity": ("日志完整性校验", "Log integrity"),
    "audit_home_title": ("审计工作台", "Auditor's desk"),
    "audit_intro": ("审计人员可以回放任何家庭的全部历史、任一预警的来龙去脉，查看规则回测、日志完整性、响应时间和公平性报告。姓名和身份证号已脱敏。",
                    "Replay any household's whole history and any alert's story; read the back-tests, the log's "
                    "integrity, response times and equity. Names and ID numbers are masked."),
    "audit_find_household": ("查看家庭历史", "A household's history"),
    "audit_find_alert": ("查看预警经过", "An alert's story"),
    "alert_id": ("预警编号", "Alert id"),
    "audit_reports": ("报告", "Reports"),
    "audit_latest_alerts": ("预警（待处理在前）", "Alerts (open first)"),
    "story": ("经过", "Story"),
    "audit_household_title": ("家庭历史 {id}", "History of household {id}"),
    "axis_as_of": ("业务日期：当时发生了什么", "As of: what had happened"),
    "axis_as_of_hint": ("只计入该日及以前发生的情况。", "Only what had happened by that day counts."),
    "slider_as_of": ("拖动选择日期", "Slide to a day"),
    "type_as_of": ("或输入日期", "or type a date"),
    "axis_known_at": ("录入时刻：系统当时知道什么", "Known at: what the system knew"),
    "axis_known_at_hint": ("只计入该时刻及以前录入的记录：迟报的情况和之后的更正都不计入。",
                           "Only what had been recorded by then: late reports and later corrections are left out."),
    "slider_known_at": ("拖动选择录入时刻", "Slide to a recorded moment"),
    "type_known_at": ("或输入时刻（如 2025-08-04T09:30:00+08:00，北京时间）", "or type a moment (ISO, Beijing time)"),
    "bad_as_of": ("日期格式不正确，请按 2025-08-04 的格式输入。", "That is not a date; type it as 2025-08-04."),
    "bad_known_at": ("时刻格式不正确，请按 2025-08-04T09:30:00+08:00 的格式输入。",
                     "That is not a moment; type it as 2025-08-04T09:30:00+08:00."),
    "then_title": ("{on} 的家庭，按 {at} 时系统所知", "The household on {on}, as known at {at}"),
    "not_recorded_then": ("该时刻之前系统中还没有这个家庭的记录。", "The system held no record of this household at that moment."),
    "observations_then": ("观察记录：当时与现在", "Observations, then and now"),
    "standing_then": ("当时", "Then"),
    "standing_now": ("现在", "Now"),
    "data": ("内容", "Data"),
    "not_recorded_yet": ("尚未录入", "not recorded yet"),
    "withdrawn_then": ("当时已被更正或撤回", "already corrected or withdrawn"),
    "not_happened_yet": ("尚未发生", "not happened yet"),
    "in_force_then": ("当时有效", "in force"),
    "now_in_force": ("有效", "in force"),
    "now_corrected_by": ("已被 {by} 更正", "corrected by {by}"),
    "now_retracted": ("已被 {by} 撤回：{reason}", "retracted by {by}: {reason}"),
    "open_alerts_then": ("当时的待处理预警", "Open alerts then"),
    "facts_then": ("规则当时看到的事实", "Facts the rules saw then"),
    "member_left": ("离开或去世", "Left or died"),
    "event_log": ("全部事件", "Every event"),
    "event_type": ("事件", "Event"),
    "by": ("操作人", "By"),
    "happened": ("发生时间", "Happened"),
    "recorded": ("录入时间", "Recorded"),
    "from_observations": ("依据的记录", "From observations"),
    "details": ("详情", "Details"),
    "after_chosen": ("选定时刻之后", "after the chosen moment"),
    "kind_filter": ("事件类别", "Kind of event"),
    "events_total": ("共 {n} 条", "{n} events"),
    "audit_alert_title": ("预警经过", "The story of an alert"),
    "shown_to_caseworker": ("发出时的解释（经办人员看到的内容）", "The explanation given (what the caseworker was shown)"),
    "status_now": ("现在的状态", "Status now"),
    "caused_by": ("引发预警的观察记录", "The observations that raised it"),
    "correction_says": ("更正后：{data}", "corrected to: {data}"),
    "actions_log": ("每一步：谁、何时", "Every step: who and when"),
    "resolutions": ("办结时系统掌握的情况", "What the system held at each resolution"),
    "resolution_by": ("{by} 于 {on} 办结：{outcome}", "Resolved by {by} on {on}: {outcome}"),
    "held_then": ("办结前一刻在用的观察记录", "Observations in force the moment before"),
    "open_then": ("办结前一刻的待处理预警", "Open alerts the moment before"),
    "see_in_timeline": ("在家庭时间线中查看这一时刻", "See this moment on the household's timeline"),
    "no_resolution": ("尚未办结。", "Not resolved yet."),
    "backtests_title": ("规则回测报告", "Back-test reports"),
    "no_backtests": ("还没有回测报告：运行 qianshao rules backtest 生成。", "No reports yet: run `qianshao rules backtest`."),
    "made_at": ("生成时间", "Made at"),
    "window": ("回放区间", "Window"),
    "catalog_version": ("规则目录版本", "Rule catalog"),
    "catalog_current": ("现行规则目录", "the catalog in force"),
    "catalog_other": ("另行指定的规则目录", "another catalog"),
    "changed_parameters": ("调整的参数", "Parameters changed"),
    "backtest_title": ("回测报告 {name}", "Back-test {name}"),
    "backtest_figures": ("{households} 户、{events} 条事件、{days} 天、{evaluations} 次判断，用时 {seconds} 秒",
                         "{households} households, {events} events, {days} days, {evaluations} evaluations in {seconds} s"),
    "actual": ("实际预警", "Actually raised"),
    "replay": ("回放预警", "Raised in the replay"),
    "households_changed": ("发现情况变化的家庭", "Households found differently"),
    "change": ("变化", "Change"),
    "actual_on": ("实际发现", "Found"),
    "replay_on": ("回放发现", "Found in the replay"),
    "days": ("天数", "Days"),
    "at_least": ("至少 {n}", "at least {n}"),
    "outcomes_of": ("{rule} 的回测结果", "{rule}: outcomes"),
    "integrity_title": ("日志完整性校验", "Log integrity"),
    "integrity_ok": ("完整：全部 {n} 个事件的哈希链校验通过（用时 {s} 秒）。", "Intact: the hash chains of all {n} events check ({s} s)."),
    "integrity_broken": ("哈希链断裂：日志在应用之外被改动过。", "A chain is broken: a log was changed behind the application's back."),
    "integrity_note": ("链头哈希请另行保存，以便日后发现整体重写或截断。", "Note the heads elsewhere to detect a rewritten or truncated log later."),
    "log_name": ("日志", "Log"),
    "events_checked": ("已校验事件", "Events checked"),
    "chain_head": ("链头哈希", "Chain head"),
    "break_at": ("第一个断点", "First break"),
    "notification": ("通知序号", "Notification id"),
    "originator": ("对象", "Aggregate"),
    "topic": ("事件类型", "Topic"),
    "problem": ("问题", "Problem"),
    "chain_ok": ("完整", "intact"),
    "chain_broken": ("断裂", "broken"),
    "response_times_title": ("响应时间", "Response times"),
    "group_by": ("分组", "Group by"),
    "raised_from": ("发现日期自", "Raised from"),
    "raised_to": ("至", "to"),
    "median_chart": ("各环节用时中位数（天）", "Median days per stage"),
    "median": ("中位数", "Median"),
    "p90": ("90% 分位", "90th percentile"),
    "alerts_count": ("预警数", "Alerts"),
    "group": ("分组", "Group"),
    "bad_date": ("日期格式不正确，请按 2025-08-04 的格式输入。", "That is not a date; type it as 2025-08-04."),
    "equity_title": ("公平性报告", "Equity report"),
    "equity_intro": ("各群体在人口中的占比，与其在被发现（有预警）的居民中的占比并列：两者相差较大，说明该群体可能被发现得更少或更晚。",
                     "Each group's share of the population next to its share of the residents found (with an alert): "
                     "a large gap suggests the group is found less often or later."),
    "population_share": ("人口占比", "Share of population"),
    "found_share": ("被发现居民中的占比", "Share of those found"),
    "any_alert": ("有预警的比例", "With any alert"),
    "resolved_enrolled": ("办结为纳入救助的比例", "Resolved as enrolled"),
    "median_days_resolution": ("办结用时中位数(天)", "Median days to resolution"),
    "residents_count": ("居民数", "Residents"),
    "age_band": ("年龄段", "Age band"),
    "disability": ("残疾", "Disability"),
    "no_disability": ("无残疾", "no disability"),
    "equity_on": ("共 {n} 位居民，统计日期 {on}", "{n} residents, as of {on}"),
    # the access log and its refusals (issue 14, finding 9)
    "nav_access_log": ("个人信息查阅与拒绝记录", "Reads of personal data and refusals"),
    "access_title": ("个人信息查阅记录", "Reads of personal data"),
    "access_intro": ("每一次查阅个人信息都有记录，每一次被拒绝的尝试也有：谁、何时、通过哪个页面或接口、为什么被拒绝。",
                     "Every read of personal data is recorded, and so is every refused attempt: who, when, "
                     "through which page or API route, and why it was refused."),
    "access_outcome": ("结果", "Outcome"),
    "access_reason": ("拒绝原因", "Why refused"),
    "access_user": ("用户", "User"),
    "access_role": ("角色", "Role"),
    "access_route": ("页面或接口", "Page or route"),
    "access_shown": ("显示内容", "Shown"),
    "access_at": ("时间", "When"),
    "access_none": ("没有符合条件的记录。", "No records match."),
    "access_refusals_total": ("共 {n} 次被拒绝的尝试", "{n} refused attempts"),
    # end of the auditor pages
}

# Vocabulary values are labelled in domain.labels, one table per meaning (with the event kinds of
# domain.event_kinds, the rules' titles on each rule, the parameters' names on each parameter).
TERMS: dict[str, tuple[str, str]] = labels.VALUE_LABELS


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT


def text(key: str, lang: str, **values: object) -> str:
    """A page string in `lang`, with `{name}` placeholders filled."""
    pair = MESSAGES.get(key)
    chosen = key if pair is None else pair[LANGUAGES.index(lang)]
    return chosen.format(**values) if values else chosen


def _in(pair: tuple[str, str] | None, lang: str, fallback: object) -> str:
    return str(fallback) if pair is None else pair[LANGUAGES.index(lang)]


def term(value: object, lang: str) -> str:
    """A vocabulary value whose spelling says what it means (a state, a kind, a role …) in `lang` (the value
    itself when the table does not know it)."""
    return _in(TERMS.get(str(value)), lang, value)


def word(meaning: str, value: object, lang: str) -> str:
    """`value` as the table `meaning` of domain.labels names it (`word("care_level", "partial")` is 部分失能)."""
    return _in(labels.meaning_label(meaning, value), lang, term(value, lang))


def field_name(kind: str | None, path: str, lang: str) -> str:
    """The name of a data field as `kind` calls it (`field_name("resident.school_status_reported", "status")`)."""
    return labels.field_name(kind, path)[LANGUAGES.index(lang)]


def field_value(kind: str | None, path: str, value: object, lang: str) -> str:
    """A data field's value in words: an enumerated one by its field's table, anything else as `term` shows it."""
    return _in(labels.field_value(kind, path, value), lang, term(value, lang))


def rule_title(rule_id: object, lang: str) -> str:
    """A rule as people call it: its title in the catalog (a rule no longer in the catalog: its id)."""
    rule = RULES_BY_ID.get(str(rule_id))
    return str(rule_id) if rule is None else (rule.title_zh if lang == "zh" else rule.title_en)


def parameter_name(name: object, lang: str) -> str:
    """A policy parameter as people call it (`dibao.standard_monthly.urban` is 城镇低保标准)."""
    return _in(PARAMETER_NAMES.get(str(name)), lang, name)


def route_name(route: object, lang: str) -> str:
    """A recorded route as the page or interface it is (`GET /households/{id}` is 家庭档案页面)."""
    return labels.route_name(route)[LANGUAGES.index(lang)]


DETAIL_MEANINGS = {"shown": "access_shown"}


def detail(key: str, value: object, lang: str) -> str:
    """One detail of a history event in words: a rule by its title, a route by its page, the rest by `term`."""
    if key == "rule":
        return rule_title(value, lang)
    if key == "route":
        return route_name(value, lang)
    if key in DETAIL_MEANINGS:
        return word(DETAIL_MEANINGS[key], value, lang)
    return term(value, lang)


# The query parameters and form fields a 422 page may name, as the page's form labels them.
QUERY_NAMES: dict[str, tuple[str, str]] = {
    "rule": ("规则", "rule"), "severity": ("紧急程度", "severity"), "status": ("状态", "status"),
    "mine": ("只看分配给我的", "only mine"), "overdue": ("只看超时未签收的", "only overdue"),
    "offset": ("翻页位置", "page offset"), "outcome": ("结果", "outcome"), "reason": ("原因", "reason"),
    "user": ("用户", "user"), "household": ("家庭编号", "household"), "kind": ("类型", "kind"),
    "group_by": ("分组", "group by"), "region": ("地区代码", "region code"), "start": ("发现日期自", "raised from"),
    "end": ("发现日期至", "raised to"), "on": ("日期", "date"), "as_of": ("业务日期", "as of"),
    "known_at": ("录入时刻", "known at"), "month": ("月份", "month"), "to": ("分配给", "assign to"),
    "note": ("说明", "note"), "csrf": ("表单校验", "form check"),
}


def query_name(field: object, lang: str) -> str:
    """A query parameter or form field in the words of the page's form (a field not listed: a generic word)."""
    return _in(QUERY_NAMES.get(str(field)), lang, text("input_value", lang))


def catalog_name(catalog: object, lang: str) -> str:
    """The rule catalog a back-test replayed: the one in force, or another one named on the command line."""
    from rules.engine_process import DEFAULT_CATALOG

    return text("catalog_current" if str(catalog) == DEFAULT_CATALOG else "catalog_other", lang)


def week_name(week: str, lang: str) -> str:
    """An ISO week (`2025-W38`) as a Chinese reader says it: the month of its Thursday and which week of that
    month it is (9月第3周); English keeps the ISO form's meaning as "week of 15 Sep"."""
    from datetime import date, timedelta

    try:
        year, number = week.split("-W")
        thursday = date.fromisocalendar(int(year), int(number), 4)
    except ValueError:
        return week
    monday = thursday - timedelta(days=3)
    if lang == "zh":
        return f"{thursday.month}月第{(thursday.day - 1) // 7 + 1}周"
    return f"week of {monday.day} {monday.strftime('%b')}"
