/* text: the console's words (Simplified Chinese) for the API's codes. */

export const ERROR_TEXT = {
  network: '无法连接服务器，请检查网络',
  invalid_credentials: '用户名或密码错误',
  account_locked: '登录失败次数过多，账号已临时锁定，请稍后再试',
  unauthenticated: '登录已失效，请重新登录',
  forbidden: '无权进行此操作',
  not_found: '记录不存在',
  method_not_allowed: '不支持此操作',
  conflict: '当前状态不允许此操作',
  rate_limited: '操作过于频繁，请稍后再试',
  unavailable: '服务暂时不可用，请稍后重试',
  body_too_large: '内容过长',
  length_required: '请求格式错误',
  unsupported_media_type: '请求格式错误',
  validation_failed: '请检查标红的内容',
  password_expired: '密码已过期，请先修改密码',
  too_many_failures: '失败次数过多，请稍后再试',
  username_taken: '用户名已被使用',
  too_many_exports: '正在进行的导出过多，请等当前导出完成后再试',
  unprocessable: '所填内容有误：请检查标红的内容',
  malformed_json: '请求格式错误',
  bad_request: '请求参数不正确',
  internal: '服务器内部错误，请联系管理员',
  bad_gateway: '服务应答异常，请稍后重试',
};

export const FIELD_TEXT = {
  required: '必填', too_long: '过长', invalid: '格式不正确', not_found: '不存在',
  wrong_type: '类型不正确', out_of_range: '超出允许范围', unknown_field: '未知字段',
  too_many: '数量过多', duplicate: '重复', too_deep: '层级过深', mismatch: '与年份不一致',
  not_weekend: '调休上班日只能是周六或周日', unknown_value: '取值无效',
  unknown_parameter: '未知参数', in_future: '不能晚于当前时间',
  too_short: '过短', too_weak: '过于简单：至少 12 个字符，或含三类字符', same_as_username: '不能与用户名相同',
  reused: '不能与最近 5 次的密码相同', mismatch_password: '两次输入的新密码不一致',
};

export const CATEGORIES = [
  ['urban_construction', '城乡建设'], ['transport', '交通'], ['education', '教育'],
  ['health', '医疗卫生'], ['social_security', '社会保障'], ['environment', '生态环境'],
  ['public_security', '社会治安'], ['business', '营商环境'], ['other', '其他'],
];
export const CATEGORY = Object.fromEntries(CATEGORIES);

export const ROLE = {
  admin: '管理员', office: '政协办公室', leader: '领导', member: '委员',
  unit: '承办单位', partner: '协作单位',
};

export const ROTA_STATUS = {
  draft: '草案', published: '已发布', confirmed: '已确认', excused: '已请假',
  served: '已履职', absent: '缺席',
};

export const ON_SPOT = {
  answered: '当场答复', explained_policy: '政策解释', referred: '转交办理', recorded: '记录待办',
};

export const VISIT_KIND = { reception: '接待', home_visit: '走访' };

export const REPORT_STATE = {
  draft: '草稿', submitted: '已报送', returned: '已退回', accepted: '已录用', merged: '已合并',
  forwarded: '已转送', authors_told: '已告知作者',
};

export const REPORT_EVENT = {
  create: '创建', edit: '修改', submit: '报送', resubmit: '重新报送', return: '退回',
  merge: '合并', accept: '录用', forward: '转送', adopt: '记录采用', instruct: '记录批示',
  'tell-authors': '告知作者', tell_authors: '告知作者',
};

export const FORWARD_TO = {
  party_committee: '区委', government: '区政府', next_cppcc: '上级政协',
};

export const ADOPT_LEVEL = { district: '区级', city: '市级', province: '省级', national: '全国' };

export const GRADE = { 1: '一类（领导阅处）', 2: '二类（部门办理）', 3: '三类（微协商）', 4: '四类（当场解决）' };
export const ISSUE_ROUTE = {
  leadership: '领导阅处', unit: '转交部门', micro_consultation: '微协商', closed: '已办结',
};
export const ISSUE_STATUS = { open: '办理中', closed: '已办结' };

export const PROPOSAL_STATE = {
  draft: '草稿', cosigning: '征集附议', submitted: '待审查', refused: '不予立案', converted: '已转办',
  merged: '已并案', accepted: '已立案', assigned: '办理中', handed_back: '已退回', replied: '已答复',
  closed: '已办结',
};

export const PROPOSAL_EVENT = {
  edit: '修改', submit: '提交', invite: '邀请附议', cosign: '附议', close_cosign: '结束附议',
  accept: '立案', refuse: '不予立案', convert: '转为其他', merge: '并案', mark_key: '列为重点提案',
  assign: '交办', hand_back: '退回', contact: '沟通', opinion: '会办意见', reply: '答复',
  verdict: '提案人意见', reopen: '不满意，再次办理',
};

export const REPLY_CLASS = {
  a: 'A 类（已解决或采纳）', b: 'B 类（正在解决或列入计划）', c: 'C 类（因条件限制暂不能解决）',
};

export const VERDICT = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };

export const CONTACT_STAGE = { before: '办前', during: '办中', after: '办后' };

export const CONTACT_FORM = { visit: '走访', phone: '电话', meeting: '座谈会' };

export const REFUSE_REASON = {
  not_in_scope: '不属于提案受理范围', no_measures: '没有具体办法', already_handled: '已在办理或已解决',
  law_or_policy: '涉及法律法规或政策不宜作为提案', private_matter: '属于个人或家庭私事',
};
