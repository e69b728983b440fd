/* The rota's 409 answers in words. */

/* A double booking: fields {member_id, duty_date, workroom_id}. */
export function conflictText(ctx, e, fallback) {
  const f = e.fields || {};
  if (e.code === 'conflict' && f.member_id && f.duty_date) {
    return '排班冲突：' + ctx.memberName(f.member_id) + ' 在 ' + f.duty_date + ' 已在「' +
      ctx.roomName(f.workroom_id) + '」值班，同一天不能安排在两个工作室。';
  }
  if (e.code === 'conflict') return fallback || '当前状态不允许此操作。';
  return e.message;
}
